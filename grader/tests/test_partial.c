/* test_partial.c: the bench results a stopped run leaves (grader/partial.c;
 * no GPU). */
#define _XOPEN_SOURCE 700 /* mkdtemp */

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "partial.h"
#include "result.h"
#include "tap_suite.h"

static wb_result make_result(const char *variant, int passed)
{
    wb_result r;
    memset(&r, 0, sizeof r);
    snprintf(r.variant, sizeof r.variant, "%s", variant);
    snprintf(r.op, sizeof r.op, "softmax");
    r.dtype = WB_F32;
    r.rows = 8192;
    r.cols = 1024;
    r.ran = 1;
    r.passed = passed;
    return r;
}

/* five tests, three finished: a pass, a wrong value, one whose process died;
 * then one that never started and one filtered out */
#define N 5
static void make_run(wb_result *r)
{
    r[0] = make_result("softmax_safe", 1);
    r[0].ms = 0.0227;
    r[1] = make_result("softmax_online", 0);
    r[1].category = WB_CAT_WRONG;
    snprintf(r[1].message, sizeof r[1].message, "element 3: expected 0.5, got 0.25");
    r[2] = make_result("softmax_single_read", 0); /* died: no verdict of its own */
    r[3] = make_result("softmax_backward_fused", 0);
    r[3].ran = 0;
    r[4] = make_result("softmax_safe", 0);
    r[4].skipped = 1;
    snprintf(r[4].message, sizeof r[4].message, "unsupported");
}

static wb_env make_env(void)
{
    wb_env e;
    memset(&e, 0, sizeof e);
    e.have_device = 1;
    snprintf(e.device_name, sizeof e.device_name, "NVIDIA H200");
    snprintf(e.commit, sizeof e.commit, "abc1234");
    snprintf(e.week, sizeof e.week, "week2");
    e.copy_ceiling_gbps = 4000.0;
    return e;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

START_TEST(test_view_marks_what_did_not_finish)
{
    wb_result in[N], out[N];
    make_run(in);
    wb_partial_view(in, N, 3, out);
    ck_assert_int_eq(out[0].passed, 1); /* finished tests keep their verdicts */
    ck_assert_double_eq(out[0].ms, 0.0227);
    ck_assert_int_eq(out[1].category, WB_CAT_WRONG);
    ck_assert_str_eq(out[1].message, in[1].message);
    ck_assert_int_eq(out[2].category, WB_CAT_CRASH); /* finished without a verdict */
    ck_assert_ptr_nonnull(strstr(out[2].message, "died or ran out of time"));
    ck_assert_int_eq(out[3].skipped, 1); /* never started */
    ck_assert_str_eq(out[3].message, "not run: the run stopped before this test");
    ck_assert_str_eq(out[4].message, "unsupported"); /* a skip stays what it was */
    ck_assert_int_eq(in[3].skipped, 0);              /* the input is left alone */
    wb_partial_view(in, N, N, out);
    ck_assert_int_eq(out[3].skipped, 0);
    ck_assert_int_eq(out[3].category, WB_CAT_CRASH);
}
END_TEST

START_TEST(test_write_is_json_and_leaves_no_temporary)
{
    char dir[] = "/tmp/wb-partial-XXXXXX", path[128], tmp[160];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/week2.partial.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    wb_result in[N];
    make_run(in);
    wb_env env = make_env();
    ck_assert_int_eq(wb_partial_write(path, "week2", &env, in, N, 1), 0);
    const char *json = slurp(path);
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "\"schema\": \"workbook-results/1\""));
    ck_assert_ptr_nonnull(strstr(json, "not run: the run stopped before this test"));
    ck_assert_int_eq(access(tmp, F_OK), -1);
    /* the next test's write replaces it */
    ck_assert_int_eq(wb_partial_write(path, "week2", &env, in, N, 2), 0);
    json = slurp(path);
    ck_assert_ptr_nonnull(strstr(json, "expected 0.5, got 0.25"));
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_write_fails_cleanly)
{
    wb_result in[N];
    make_run(in);
    wb_env env = make_env();
    ck_assert_int_eq(
        wb_partial_write("/nonexistent-dir/week2.partial.json", "week2", &env, in, N, 1), -1);
    ck_assert_int_eq(access("/nonexistent-dir/week2.partial.json.tmp", F_OK), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("partial");
    TCase *tc = tcase_create("partial");
    tcase_add_test(tc, test_view_marks_what_did_not_finish);
    tcase_add_test(tc, test_write_is_json_and_leaves_no_temporary);
    tcase_add_test(tc, test_write_fails_cleanly);
    suite_add_tcase(s, tc);
    return run_suite_as_tap(s);
}
