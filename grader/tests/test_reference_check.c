/* test_reference_check.c: an op's property check runs once per group, on
 * the reference (host_data.c). A reference that has the property leaves
 * the group's tests to the comparison; one that lacks it marks the group
 * with a message that blames ref/cpu, not the kernel. No GPU needed. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "host_data.h"
#include "tap_suite.h"
#include "test_plan.h"

static void same(long r, long c, long *orow, long *ocol)
{
    *orow = r;
    *ocol = c;
}

/* the copy's reference: the input itself; with `drop`, its last element lost */
static int drop;
static void copy_reference(wb_host_test *c)
{
    long n = c->rows * c->cols;
    memcpy(c->want, c->in[0], (size_t)n * sizeof(double));
    if (drop)
        c->want[n - 1] = 0.0;
}

/* what a copy has: every element of the input, in place */
static const char *same_as_input(const wb_host_test *c, const double *got)
{
    long n = c->rows * c->cols;
    for (long i = 0; i < n; i++)
        if (got[i] != c->in[0][i])
            return "element differs from the input";
    return NULL;
}

static const wb_shape shapes[] = {{5, 9}};
static const wb_op ops[] = {{
    .name = "copy",
    .inputs = {"x"},
    .output = "y",
    .out_shape = same,
    .reference = copy_reference,
    .check = same_as_input,
    .baseline_name = "none",
    .shapes = shapes,
    .n_shapes = 1,
    .bench_shapes = shapes,
    .n_bench_shapes = 1,
}};
static const wb_week week = {
    .name = "week9", .lesson = "lessons/week9-test.nw", .ops = ops, .n_ops = 1};
static const wb_variant variants[] = {{"copy_a", "copy", NULL, WB_DT(WB_F32), 0, NULL, "a copy"}};

static const wb_host_data *group_of_first_test(uint64_t seed)
{
    wb_filter f = {0};
    wb_test *tests;
    int n;
    char err[256];
    ck_assert_int_eq(wb_build_tests(&week, variants, 1, &f, &tests, &n, err, sizeof err), 0);
    ck_assert_int_ge(n, 1);
    tests[0].base_seed = seed; /* a new group each call: nothing kept from the last */
    const wb_host_data *h = wb_host_for_group(&tests[0]);
    free(tests);
    ck_assert_ptr_nonnull(h);
    return h;
}

START_TEST(a_sound_reference_leaves_no_fault)
{
    drop = 0;
    ck_assert_str_eq(group_of_first_test(11)->reference_fault, "");
}
END_TEST

START_TEST(a_reference_without_the_property_blames_the_grader)
{
    drop = 1;
    const wb_host_data *h = group_of_first_test(12);
    ck_assert_msg(strstr(h->reference_fault, "the grader's own reference fails") != NULL, "%s",
                  h->reference_fault);
    ck_assert_msg(strstr(h->reference_fault, "element differs from the input") != NULL, "%s",
                  h->reference_fault);
    ck_assert_msg(strstr(h->reference_fault, "not of the kernel") != NULL, "%s",
                  h->reference_fault);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {a_sound_reference_leaves_no_fault,
                                  a_reference_without_the_property_blames_the_grader};
    return run_tests_as_tap("reference check", 30, tests, 2, NULL);
}
