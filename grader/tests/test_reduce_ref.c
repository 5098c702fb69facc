/* test_reduce_ref.c: host-side checks for Week 1's references, input
 * distribution and tolerance. No GPU needed.
 *
 * Links: ref/cpu/reduce.c ref/cpu/dtype.c grader/rng.c grader/tolerance.c
 * grader/compare.c, and `pkg-config --libs check`. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "compare.h"
#include "dtype.h"
#include "reduce.h"
#include "rng.h"
#include "tap_suite.h"
#include "tolerance.h"

enum { ROW = 8192, SEEDS = 64 };

START_TEST(row_sum_and_max_of_a_small_matrix)
{
    const double x[] = {1, 2, 3, 4, /**/ -1, -2, -3, -4, /**/ 0.5, -0.25, 8, -16};
    double sum[3], abs_sum[3], max[3];
    ref_row_sum(x, 3, 4, sum);
    ref_row_sum_abs(x, 3, 4, abs_sum);
    ref_row_max(x, 3, 4, max);
    ck_assert(sum[0] == 10 && sum[1] == -10 && sum[2] == -7.75);
    ck_assert(abs_sum[0] == 10 && abs_sum[1] == 10 && abs_sum[2] == 24.75);
    ck_assert(max[0] == 4 && max[1] == -1 && max[2] == 8);
    /* one pass for both gives the same sums as each alone */
    double both[3], both_abs[3];
    ref_row_sum_with_abs(x, 3, 4, both, both_abs);
    for (int i = 0; i < 3; i++)
        ck_assert(both[i] == sum[i] && both_abs[i] == abs_sum[i]);
}
END_TEST

START_TEST(single_element_rows)
{
    const double x[] = {-3, 5, -0.5};
    double sum[3], max[3];
    ref_row_sum(x, 3, 1, sum);
    ref_row_max(x, 3, 1, max);
    for (int i = 0; i < 3; i++)
        ck_assert(sum[i] == x[i] && max[i] == x[i]);
}
END_TEST

START_TEST(array_sum_is_exact_for_integers)
{
    const long n = 1000003; /* odd, so the pairwise split is uneven */
    double *x = malloc((size_t)n * sizeof(double));
    ck_assert_ptr_nonnull(x);
    for (long i = 0; i < n; i++)
        x[i] = (double)(i + 1) * (i % 2 ? -1.0 : 1.0);
    /* 1 - 2 + 3 - ... + n with n odd is (n + 1) / 2 */
    ck_assert(ref_array_sum(x, n) == (double)(n + 1) / 2);
    ck_assert(ref_array_sum_abs(x, n) == (double)n * (n + 1) / 2);
    free(x);
}
END_TEST

START_TEST(array_sum_is_accurate)
{
    /* 0.1 is not exact in binary; a million of them in double pairwise is
     * within a few ulps of 1e5 */
    const long n = 1000000;
    double *x = malloc((size_t)n * sizeof(double));
    ck_assert_ptr_nonnull(x);
    for (long i = 0; i < n; i++)
        x[i] = 0.1;
    double s = ref_array_sum(x, n);
    ck_assert_msg(fabs(s - 1e5) < 1e-9, "pairwise sum of 1e6 x 0.1 = %.17g", s);
    free(x);
}
END_TEST

/* A row of ROW float32 values from the week's sum distribution, as the
 * device sees them, with its reference and bound. */
static void draw_f32_row(uint64_t seed, double *x, double *want, double *bound)
{
    wb_rng rng;
    float typed[1];
    wb_rng_seed(&rng, seed);
    ref_reduce_fill(&rng, WB_F32, 1, ROW, WB_REDUCE_FILL_SUM, x);
    for (long j = 0; j < ROW; j++)
        x[j] = wb_store(WB_F32, typed, 0, x[j]);
    *want = ref_array_sum(x, ROW);
    *bound = wb_sum_bound(WB_F32, ROW, ref_array_sum_abs(x, ROW), *want);
}

static wb_category judge_f32(float got, double want, double bound)
{
    return wb_compare(WB_F32, &got, &want, &bound, 1).category;
}

START_TEST(one_float32_rounding_step_passes)
{
    double *x = malloc(ROW * sizeof(double));
    ck_assert_ptr_nonnull(x);
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        double want, bound;
        draw_f32_row(seed, x, &want, &bound);
        float nearest = (float)want;
        ck_assert_int_eq(judge_f32(nearest, want, bound), WB_CAT_NONE);
        ck_assert_int_eq(judge_f32(nextafterf(nearest, INFINITY), want, bound), WB_CAT_NONE);
        ck_assert_int_eq(judge_f32(nextafterf(nearest, -INFINITY), want, bound), WB_CAT_NONE);
    }
    free(x);
}
END_TEST

START_TEST(a_float32_sum_in_any_order_passes)
{
    /* a plain sequential float32 loop (the worst order a kernel could use
     * for one row) and a float32 pairwise tree both stay within the bound */
    double *x = malloc(ROW * sizeof(double));
    float *f = malloc(ROW * sizeof(float));
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(f);
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        double want, bound;
        draw_f32_row(seed, x, &want, &bound);
        float sequential = 0.0f;
        for (long j = 0; j < ROW; j++) {
            f[j] = (float)x[j];
            sequential += f[j];
        }
        for (long width = ROW / 2; width > 0; width /= 2)
            for (long j = 0; j < width; j++)
                f[j] += f[j + width];
        ck_assert_int_eq(judge_f32(sequential, want, bound), WB_CAT_NONE);
        ck_assert_int_eq(judge_f32(f[0], want, bound), WB_CAT_NONE);
    }
    free(x);
    free(f);
}
END_TEST

START_TEST(a_missing_element_fails)
{
    double *x = malloc(ROW * sizeof(double));
    ck_assert_ptr_nonnull(x);
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        double want, bound;
        draw_f32_row(seed, x, &want, &bound);
        /* the smallest element is the hardest one to miss */
        long smallest = 0;
        for (long j = 1; j < ROW; j++)
            if (fabs(x[j]) < fabs(x[smallest]))
                smallest = j;
        double without = ref_array_sum(x, ROW) - x[smallest];
        ck_assert_msg(judge_f32((float)without, want, bound) == WB_CAT_WRONG,
                      "seed %llu: missing x[%ld] = %g passes (bound %g)", (unsigned long long)seed,
                      smallest, x[smallest], bound);
        /* and with a margin: the smallest element is at least twice the bound */
        ck_assert_msg(fabs(x[smallest]) > 2.0 * bound, "seed %llu: |x| %g, bound %g",
                      (unsigned long long)seed, fabs(x[smallest]), bound);
    }
    free(x);
}
END_TEST

START_TEST(float16_accumulation_fails_on_long_rows)
{
    /* what the half-accumulation mutant does: one running float16 sum per
     * row. On rows of 8192 it stagnates once the sum is large, far outside
     * the float16 bound. */
    wb_rng rng;
    uint16_t h[1];
    double *x = malloc(ROW * sizeof(double));
    ck_assert_ptr_nonnull(x);
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        wb_rng_seed(&rng, seed);
        ref_reduce_fill(&rng, WB_F16, 1, ROW, WB_REDUCE_FILL_SUM, x);
        double acc = 0.0;
        for (long j = 0; j < ROW; j++) {
            x[j] = wb_store(WB_F16, h, 0, x[j]);
            acc = wb_store(WB_F16, h, 0, acc + x[j]); /* round after every add */
        }
        double want = ref_array_sum(x, ROW);
        double bound = wb_sum_bound(WB_F16, ROW, ref_array_sum_abs(x, ROW), want);
        ck_assert_msg(fabs(acc - want) > bound, "seed %llu: float16 sum %g, want %g, bound %g",
                      (unsigned long long)seed, acc, want, bound);
    }
    free(x);
}
END_TEST

START_TEST(fill_is_never_zero_and_stays_in_range)
{
    const wb_dtype types[] = {WB_F32, WB_F16, WB_BF16};
    const long shapes[][2] = {{3, 7}, {2, 8192}, {1, 1 << 20}};
    for (int t = 0; t < 3; t++)
        for (int s = 0; s < 3; s++)
            for (uint64_t seed = 1; seed <= 8; seed++) {
                long rows = shapes[s][0], cols = shapes[s][1], n = rows * cols;
                double *x = malloc((size_t)n * sizeof(double));
                void *typed = malloc((size_t)n * wb_dtype_size(types[t]));
                ck_assert_ptr_nonnull(x);
                ck_assert_ptr_nonnull(typed);
                wb_rng rng;
                wb_rng_seed(&rng, seed);
                ref_reduce_fill(&rng, types[t], rows, cols, WB_REDUCE_FILL_SUM, x);
                long bad = 0; /* counted, not asserted per element: Check's
                                 asserts are slow in a loop of a million */
                for (long i = 0; i < n; i++) {
                    x[i] = wb_store(types[t], typed, (size_t)i, x[i]);
                    bad += !(x[i] != 0.0 && isfinite(x[i]));
                    bad += (x[i] > 0) != (x[0] > 0); /* one sign per draw */
                }
                ck_assert_msg(bad == 0, "%s %ldx%ld seed %llu: %ld bad values",
                              wb_dtype_name(types[t]), rows, cols, (unsigned long long)seed, bad);
                for (long r = 0; r < rows; r++)
                    ck_assert(fabs(ref_array_sum(x + r * cols, cols)) < wb_dtype_max(types[t]) / 8);
                free(x);
                free(typed);
            }
}
END_TEST

START_TEST(max_fill_has_all_negative_rows)
{
    enum { R = 6, C = 257 };
    double x[R * C], max[R];
    wb_rng rng;
    wb_rng_seed(&rng, 7);
    ref_reduce_fill(&rng, WB_F32, R, C, WB_REDUCE_FILL_MAX, x);
    ref_row_max(x, R, C, max);
    for (int r = 0; r < R; r += 2)
        ck_assert_msg(max[r] < 0, "row %d max %g", r, max[r]);
    int odd_positive = 0;
    for (int r = 1; r < R; r += 2)
        odd_positive += max[r] > 0;
    ck_assert(odd_positive > 0);
}
END_TEST

static Suite *reduce_suite(void)
{
    Suite *s = suite_create("reduce_ref");
    TCase *ref = tcase_create("reference");
    tcase_add_test(ref, row_sum_and_max_of_a_small_matrix);
    tcase_add_test(ref, single_element_rows);
    tcase_add_test(ref, array_sum_is_exact_for_integers);
    tcase_add_test(ref, array_sum_is_accurate);
    suite_add_tcase(s, ref);
    TCase *tol = tcase_create("tolerance");
    tcase_set_timeout(tol, 60);
    tcase_add_test(tol, one_float32_rounding_step_passes);
    tcase_add_test(tol, a_float32_sum_in_any_order_passes);
    tcase_add_test(tol, a_missing_element_fails);
    tcase_add_test(tol, float16_accumulation_fails_on_long_rows);
    suite_add_tcase(s, tol);
    TCase *fill = tcase_create("fill");
    tcase_set_timeout(fill, 60);
    tcase_add_test(fill, fill_is_never_zero_and_stays_in_range);
    tcase_add_test(fill, max_fill_has_all_negative_rows);
    suite_add_tcase(s, fill);
    return s;
}

int main(void)
{
    return run_suite_as_tap(reduce_suite());
}
