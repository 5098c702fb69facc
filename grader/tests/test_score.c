/* test_score.c: the scoring rule and the score file parser (no GPU).
 *
 * gcc -std=c11 -Wall -Wextra -Igrader -Iref/cpu -I/usr/local/cuda/include \
 *     grader/tests/test_score.c grader/score.c grader/category.c \
 *     $(pkg-config --cflags --libs check)
 * (add ref/cpu/dtype.c once it exists; the weak stand-in below yields to it) */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dtype.h"
#include "result.h"
#include "score.h"
#include "tap_suite.h"

/* Stand-in for ref/cpu/dtype.c, used only when that file is not linked. */
__attribute__((weak)) const char *wb_dtype_name(wb_dtype d)
{
    static const char *const names[] = {"f32", "f16", "bf16"};
    return (int)d >= 0 && d < WB_DTYPE_COUNT ? names[d] : "unknown";
}

static wb_result result(const char *variant, const char *op, wb_dtype d, long rows, long cols,
                        int passed)
{
    wb_result r;
    memset(&r, 0, sizeof r);
    snprintf(r.variant, sizeof r.variant, "%s", variant);
    snprintf(r.op, sizeof r.op, "%s", op);
    r.dtype = d;
    r.rows = rows;
    r.cols = cols;
    r.ran = 1;
    r.passed = passed;
    r.category = passed ? WB_CAT_NONE : WB_CAT_WRONG;
    return r;
}

static wb_result timed(wb_result r, double ms, double baseline_ms)
{
    r.ms = ms;
    r.baseline_ms = baseline_ms;
    r.reps = 50;
    return r;
}

static wb_score_config parse_ok(const char *text)
{
    wb_score_config cfg;
    char err[256] = "";
    int rc = wb_score_parse("t.score", text, &cfg, err, sizeof err);
    ck_assert_msg(rc == 0, "parse failed: %s", err);
    return cfg;
}

static const char *perf_cfg = "rule full_at 1.2\n"
                              "performance copy copy f32 8192x8192 10\n";

START_TEST(test_full_at_or_below_1_2x)
{
    wb_score_config cfg = parse_ok(perf_cfg);
    double ratios[] = {0.5, 1.0, 1.2};
    for (size_t k = 0; k < sizeof ratios / sizeof ratios[0]; k++) {
        wb_result r = timed(result("copy", "copy", WB_F32, 8192, 8192, 1), 0.1 * ratios[k], 0.1);
        wb_score s = wb_score_compute(&cfg, &r, 1);
        ck_assert_double_eq_tol(s.items[0].points, 10.0, 1e-12);
        ck_assert_double_eq_tol(s.total, 10.0, 1e-12);
        ck_assert_double_eq_tol(s.max, 10.0, 1e-12);
        ck_assert_str_eq(s.items[0].note, "");
        ck_assert_int_eq(s.items[0].result_index, 0);
    }
}
END_TEST

START_TEST(test_scaled_beyond_1_2x)
{
    wb_score_config cfg = parse_ok(perf_cfg);
    /* 2.4x the reference time: points * 1.2 / 2.4 = half */
    wb_result r = timed(result("copy", "copy", WB_F32, 8192, 8192, 1), 0.24, 0.1);
    wb_score s = wb_score_compute(&cfg, &r, 1);
    ck_assert_double_eq_tol(s.items[0].points, 5.0, 1e-9);
    ck_assert_double_eq_tol(s.items[0].ratio, 2.4, 1e-9);
    ck_assert_ptr_nonnull(strstr(s.items[0].note, "2.40x"));
    /* just past the threshold is just under full marks: no cliff */
    r = timed(result("copy", "copy", WB_F32, 8192, 8192, 1), 0.1201, 0.1);
    s = wb_score_compute(&cfg, &r, 1);
    ck_assert(s.items[0].points < 10.0 && s.items[0].points > 9.99);
    /* another full_at */
    cfg = parse_ok("rule full_at 1.5\nperformance copy copy f32 8192x8192 10\n");
    r = timed(result("copy", "copy", WB_F32, 8192, 8192, 1), 0.3, 0.1);
    s = wb_score_compute(&cfg, &r, 1);
    ck_assert_double_eq_tol(s.items[0].points, 5.0, 1e-9);
}
END_TEST

START_TEST(test_zero_when_incorrect)
{
    wb_score_config cfg = parse_ok(perf_cfg);
    /* fast but wrong */
    wb_result r = timed(result("copy", "copy", WB_F32, 8192, 8192, 0), 0.01, 0.1);
    wb_score s = wb_score_compute(&cfg, &r, 1);
    ck_assert_double_eq(s.items[0].points, 0.0);
    ck_assert_ptr_nonnull(strstr(s.items[0].note, "incorrect"));
    ck_assert_int_eq(s.items[0].result_index, 0);

    /* the same shape graded twice: a failing copy forfeits the timed one */
    wb_result two[2] = {timed(result("copy", "copy", WB_F32, 8192, 8192, 1), 0.1, 0.1),
                        result("copy", "copy", WB_F32, 8192, 8192, 0)};
    s = wb_score_compute(&cfg, two, 2);
    ck_assert_double_eq(s.items[0].points, 0.0);

    /* skipped, not run, not timed, no reference time: all zero with a reason */
    wb_result skipped = timed(result("copy", "copy", WB_F32, 8192, 8192, 0), 0.1, 0.1);
    skipped.skipped = 1;
    s = wb_score_compute(&cfg, &skipped, 1);
    ck_assert_double_eq(s.items[0].points, 0.0);
    ck_assert_str_eq(s.items[0].note, "benchmark not run");

    wb_result other_shape = timed(result("copy", "copy", WB_F32, 4096, 8192, 1), 0.1, 0.1);
    s = wb_score_compute(&cfg, &other_shape, 1);
    ck_assert_double_eq(s.items[0].points, 0.0);

    wb_result untimed = result("copy", "copy", WB_F32, 8192, 8192, 1);
    s = wb_score_compute(&cfg, &untimed, 1);
    ck_assert_double_eq(s.items[0].points, 0.0);
    ck_assert_str_eq(s.items[0].note, "not timed");

    wb_result no_ref = timed(result("copy", "copy", WB_F32, 8192, 8192, 1), 0.1, 0.0);
    s = wb_score_compute(&cfg, &no_ref, 1);
    ck_assert_double_eq(s.items[0].points, 0.0);
    ck_assert_ptr_nonnull(strstr(s.items[0].note, "reference time"));
}
END_TEST

START_TEST(test_correctness_all_or_nothing)
{
    wb_score_config cfg = parse_ok("correctness transpose_naive 5\ncorrectness copy 10\n");
    wb_result r[6];
    int k = 0;
    for (int d = 0; d < WB_DTYPE_COUNT; d++)
        r[k++] = result("transpose_naive", "transpose", (wb_dtype)d, 33, 65, 1);
    for (int d = 0; d < WB_DTYPE_COUNT; d++)
        r[k++] = result("copy", "copy", (wb_dtype)d, 1, 1, 1);

    wb_score s = wb_score_compute(&cfg, r, 6);
    ck_assert_double_eq(s.total, 15.0);
    ck_assert_double_eq(s.max, 15.0);
    ck_assert_int_eq(s.items[0].tests, 3);
    ck_assert_int_eq(s.items[0].passed, 3);

    /* one failing dtype of one shape costs the variant all its points */
    r[1].passed = 0;
    r[1].category = WB_CAT_OUT_OF_BOUNDS;
    s = wb_score_compute(&cfg, r, 6);
    ck_assert_double_eq(s.items[0].points, 0.0);
    ck_assert_double_eq(s.items[1].points, 10.0);
    ck_assert_double_eq(s.total, 10.0);
    ck_assert_ptr_nonnull(strstr(s.items[0].note, "1 of 3 tests failed"));
    ck_assert_ptr_nonnull(strstr(s.items[0].note, "out_of_bounds"));

    /* a skipped test is not a pass */
    r[1].passed = 1;
    r[1].category = WB_CAT_NONE;
    r[4].skipped = 1;
    s = wb_score_compute(&cfg, r, 6);
    ck_assert_double_eq(s.items[0].points, 5.0);
    ck_assert_double_eq(s.items[1].points, 0.0);
    ck_assert_ptr_nonnull(strstr(s.items[1].note, "skipped"));

    /* a variant with no results earns nothing */
    s = wb_score_compute(&cfg, r, 3);
    ck_assert_double_eq(s.items[1].points, 0.0);
    ck_assert_str_eq(s.items[1].note, "no tests ran");
    s = wb_score_compute(&cfg, NULL, 0);
    ck_assert_double_eq(s.total, 0.0);
    ck_assert_double_eq(s.max, 15.0);
}
END_TEST

START_TEST(test_perf_requires_variant)
{
    const char *text = "rule perf_requires variant\n"
                       "correctness copy 10\n"
                       "performance copy copy f32 8192x8192 10\n";
    wb_score_config cfg = parse_ok(text);
    ck_assert_int_eq(cfg.perf_requires_variant, 1);
    wb_result r[2] = {timed(result("copy", "copy", WB_F32, 8192, 8192, 1), 0.1, 0.1),
                      result("copy", "copy", WB_F16, 1, 1, 0)};
    wb_score s = wb_score_compute(&cfg, r, 2);
    ck_assert_double_eq(s.items[1].points, 0.0);
    ck_assert_ptr_nonnull(strstr(s.items[1].note, "not correct"));
    r[1].passed = 1;
    s = wb_score_compute(&cfg, r, 2);
    ck_assert_double_eq(s.total, 20.0);
    /* the default rule looks only at the timed test */
    cfg = parse_ok(text + strlen("rule perf_requires variant\n"));
    r[1].passed = 0;
    s = wb_score_compute(&cfg, r, 2);
    ck_assert_double_eq(s.items[1].points, 10.0);
}
END_TEST

START_TEST(test_points_for_result)
{
    wb_score_config cfg = parse_ok("correctness copy 10\nperformance copy copy f32 8192x8192 4\n"
                                   "performance copy copy f16 8192x8192 4\n");
    wb_result r[3] = {result("copy", "copy", WB_F32, 1, 1, 1),
                      timed(result("copy", "copy", WB_F32, 8192, 8192, 1), 0.24, 0.1),
                      timed(result("copy", "copy", WB_F16, 8192, 8192, 1), 0.05, 0.1)};
    wb_score s = wb_score_compute(&cfg, r, 3);
    double max;
    ck_assert_double_eq(wb_score_points_for_result(&s, 0, &max), 0.0);
    ck_assert_double_eq(max, 0.0);
    ck_assert_double_eq_tol(wb_score_points_for_result(&s, 1, &max), 2.0, 1e-9);
    ck_assert_double_eq(max, 4.0);
    ck_assert_double_eq_tol(wb_score_points_for_result(&s, 2, NULL), 4.0, 1e-9);
    ck_assert_double_eq_tol(s.total, 16.0, 1e-9);
    ck_assert_double_eq(s.max, 18.0);
}
END_TEST

/* The parser's message for text, which must fail. */
static const char *parse_error(const char *text)
{
    static char err[256];
    wb_score_config cfg;
    err[0] = '\0';
    ck_assert_int_eq(wb_score_parse("week9.score", text, &cfg, err, sizeof err), -1);
    return err;
}

#define ck_assert_starts(s, prefix)                                                                \
    ck_assert_msg(strncmp((s), (prefix), strlen(prefix)) == 0, "`%s` does not start with `%s`",    \
                  (s), (prefix))

START_TEST(test_parse_errors_name_file_and_line)
{
    const char *e;
    e = parse_error("# comment\n\ncorrectnes copy 10\n");
    ck_assert_starts(e, "week9.score:3: unknown keyword `correctnes`");
    e = parse_error("correctness copy\n");
    ck_assert_starts(e, "week9.score:1: expected `correctness VARIANT POINTS`");
    e = parse_error("correctness copy ten\n");
    ck_assert_starts(e, "week9.score:1: points must be a number");
    e = parse_error("correctness copy -1\n");
    ck_assert_starts(e, "week9.score:1: points must be a number");
    e = parse_error("correctness copy 1\nperformance copy copy f64 8x8 1\n");
    ck_assert_starts(e, "week9.score:2: unknown dtype `f64`");
    e = parse_error("performance copy copy f32 8192*8192 1\n");
    ck_assert_starts(e, "week9.score:1: shape `8192*8192`");
    e = parse_error("performance copy copy f32 0x8 1\n");
    ck_assert_starts(e, "week9.score:1: shape `0x8`");
    e = parse_error("performance copy copy f32 8192x8192\n");
    ck_assert_starts(e, "week9.score:1: expected `performance");
    e = parse_error("correctness copy 1\n\n\ncorrectness copy 2\n");
    ck_assert_starts(e, "week9.score:4: correctness copy already scored on line 1");
    e = parse_error("rule full_at fast\ncorrectness copy 1\n");
    ck_assert_starts(e, "week9.score:1: rule full_at wants a number");
    e = parse_error("rule full_at 0.5\n");
    ck_assert_starts(e, "week9.score:1: rule full_at wants a number >= 1");
    e = parse_error("rule full_at 1.2\nrule full_at 1.3\n");
    ck_assert_starts(e, "week9.score:2: rule full_at already given on line 1");
    e = parse_error("rule be_nice 1\n");
    ck_assert_starts(e, "week9.score:1: unknown rule `be_nice`");
    e = parse_error("rule perf_requires everything\n");
    ck_assert_starts(e, "week9.score:1: rule perf_requires wants");
    e = parse_error("# nothing\n\n");
    ck_assert_starts(e, "week9.score: no `correctness` or `performance` lines");
    e = parse_error("correctness copy 1 # points\ncorrectness a b c d e f g h i\n");
    ck_assert_starts(e, "week9.score:2: too many words");
}
END_TEST

START_TEST(test_comments_and_blank_lines)
{
    wb_score_config cfg = parse_ok("  # a comment\n\t\ncorrectness copy 2.5   # trailing\r\n"
                                   "performance copy copy bf16 1x7 1");
    ck_assert_int_eq(cfg.n_items, 2);
    ck_assert_double_eq(cfg.full_at, 1.2); /* the default */
    ck_assert_str_eq(cfg.items[0].variant, "copy");
    ck_assert_double_eq(cfg.items[0].points, 2.5);
    ck_assert_int_eq(cfg.items[0].line, 3);
    ck_assert_int_eq(cfg.items[1].dtype, WB_BF16);
    ck_assert_int_eq(cfg.items[1].rows, 1);
    ck_assert_int_eq(cfg.items[1].cols, 7);
    ck_assert_int_eq(cfg.items[1].line, 4);
}
END_TEST

START_TEST(test_load_file_errors)
{
    wb_score_config cfg;
    char err[256];
    ck_assert_int_eq(wb_score_load("/nonexistent/week0.score", &cfg, err, sizeof err), -1);
    ck_assert_starts(err, "/nonexistent/week0.score: cannot open");

    char path[] = "/tmp/test_score_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("rule full_at 1.2\ncorrectness copy 10\nperformance copy copy f32 8192 5\n", f);
    fclose(f);
    ck_assert_int_eq(wb_score_load(path, &cfg, err, sizeof err), -1);
    char want[300];
    snprintf(want, sizeof want, "%s:3: shape `8192`", path);
    ck_assert_starts(err, want);
    unlink(path);
}
END_TEST

START_TEST(test_week0_score_file)
{
    const char *paths[] = {"grader/week0.score", "../week0.score", "week0.score"};
    wb_score_config cfg;
    memset(&cfg, 0, sizeof cfg);
    char err[256] = "";
    int loaded = -1;
    for (size_t k = 0; k < sizeof paths / sizeof paths[0] && loaded != 0; k++)
        if (access(paths[k], R_OK) == 0)
            loaded = wb_score_load(paths[k], &cfg, err, sizeof err);
    ck_assert_msg(loaded == 0, "week0.score: %s", err[0] ? err : "not found (run from the repo)");
    ck_assert_double_eq(cfg.full_at, 1.2);
    const char *variants[] = {"copy",
                              "transpose_naive",
                              "transpose_tiled16",
                              "transpose_tiled32",
                              "transpose_padded32",
                              "transpose_best"};
    for (size_t v = 0; v < 6; v++) {
        int found = 0;
        for (int k = 0; k < cfg.n_items; k++)
            found += cfg.items[k].kind == WB_SCORE_CORRECTNESS &&
                     strcmp(cfg.items[k].variant, variants[v]) == 0;
        ck_assert_msg(found == 1, "no correctness line for %s", variants[v]);
    }
    int perf = 0;
    for (int k = 0; k < cfg.n_items; k++) {
        if (cfg.items[k].kind != WB_SCORE_PERFORMANCE)
            continue;
        perf++;
        ck_assert_int_eq(cfg.items[k].rows, 8192);
        ck_assert_int_eq(cfg.items[k].cols, 8192);
    }
    ck_assert_int_eq(perf, 9);
    wb_score s = wb_score_compute(&cfg, NULL, 0);
    ck_assert_double_eq(s.max, 100.0);
}
END_TEST

/* What the week requires: the lines parse, and an unsupported answer past a
 * documented limit costs nothing, while without `require shapes` any skip
 * still forfeits the variant's points. */
START_TEST(test_requirements_and_documented_limits)
{
    wb_score_config cfg = parse_ok("require dtypes f32 f16 bf16\n"
                                   "require shapes\n"
                                   "limit softmax_single_read max_cols 131072\n"
                                   "correctness softmax_single_read 14\n");
    ck_assert_uint_eq(cfg.require.dtypes, WB_ALL_DTYPES);
    ck_assert_int_eq(cfg.require.all_shapes, 1);
    ck_assert_int_eq(cfg.require.n_limits, 1);
    ck_assert_str_eq(cfg.require.limits[0].variant, "softmax_single_read");
    ck_assert_int_eq(cfg.require.limits[0].max_cols, 131072);
    wb_result r[3] = {result("softmax_single_read", "softmax", WB_F32, 7, 1024, 1),
                      result("softmax_single_read", "softmax", WB_F16, 7, 1024, 1),
                      result("softmax_single_read", "softmax", WB_F32, 7, 131073, 0)};
    r[2].skipped = 1;
    r[2].category = WB_CAT_UNSUPPORTED;
    wb_score s = wb_score_compute(&cfg, r, 3);
    ck_assert_double_eq(s.total, 14.0);
    /* the same skip, where the week did not say what it requires */
    wb_score_config old = parse_ok("correctness softmax_single_read 14\n");
    s = wb_score_compute(&old, r, 3);
    ck_assert_double_eq(s.total, 0.0);
    /* a missing_support failure is a failure either way */
    r[2].skipped = 0;
    r[2].category = WB_CAT_MISSING_SUPPORT;
    s = wb_score_compute(&cfg, r, 3);
    ck_assert_double_eq(s.total, 0.0);
    ck_assert_ptr_nonnull(strstr(s.items[0].note, "missing_support"));

    char err[256];
    wb_score_config bad;
    ck_assert_int_eq(wb_score_parse("w.score", "require colours red\n", &bad, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "w.score:1:"));
    ck_assert_int_eq(wb_score_parse("w.score", "\nlimit copy max_rows 5\n", &bad, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "w.score:2: expected `limit VARIANT max_cols N`"));
    ck_assert_int_eq(wb_score_parse("w.score", "require dtypes f64\n", &bad, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unknown dtype `f64`"));
}
END_TEST

static Suite *score_suite(void)
{
    Suite *s = suite_create("score");
    TCase *rule = tcase_create("rule");
    tcase_add_test(rule, test_full_at_or_below_1_2x);
    tcase_add_test(rule, test_scaled_beyond_1_2x);
    tcase_add_test(rule, test_zero_when_incorrect);
    tcase_add_test(rule, test_correctness_all_or_nothing);
    tcase_add_test(rule, test_perf_requires_variant);
    tcase_add_test(rule, test_points_for_result);
    suite_add_tcase(s, rule);
    TCase *parse = tcase_create("parse");
    tcase_add_test(parse, test_parse_errors_name_file_and_line);
    tcase_add_test(parse, test_comments_and_blank_lines);
    tcase_add_test(parse, test_load_file_errors);
    tcase_add_test(parse, test_week0_score_file);
    tcase_add_test(parse, test_requirements_and_documented_limits);
    suite_add_tcase(s, parse);
    return s;
}

int main(void)
{
    return run_suite_as_tap(score_suite());
}
