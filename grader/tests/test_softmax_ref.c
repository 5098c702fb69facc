/* test_softmax_ref.c: host-side checks for Week 2's references, inputs,
 * bounds and property check. No GPU needed.
 *
 * The suite file grader/week2.c is included whole, so that its static fill,
 * bound and check functions are tested exactly as the grader uses them.
 * Links: the grader's core objects (ref/cpu/softmax.c, ref/cpu/dtype.c,
 * grader/rng.c, grader/tolerance.c, ref/gpu/softmax_baseline.cu for the
 * symbols week2.c names), and `pkg-config --libs check`. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dtype.h"
#include "rng.h"
#include "softmax.h"
#include "tap_suite.h"
#include "tolerance.h"
#include "week2.c"

START_TEST(rows_sum_to_one)
{
    enum { ROWS = 5, COLS = 1000 };
    static double x[ROWS * COLS], y[ROWS * COLS];
    wb_rng rng;
    wb_rng_seed(&rng, 7);
    for (long i = 0; i < ROWS * COLS; i++)
        x[i] = 20.0 * wb_rng_normal(&rng);
    ref_softmax(x, ROWS, COLS, y);
    for (long r = 0; r < ROWS; r++) {
        double s = 0.0;
        for (long j = 0; j < COLS; j++) {
            ck_assert(y[r * COLS + j] >= 0.0 && y[r * COLS + j] <= 1.0);
            s += y[r * COLS + j];
        }
        ck_assert_msg(fabs(s - 1.0) < 1e-13, "row %ld sums to %.17g", r, s);
    }
}
END_TEST

START_TEST(shift_invariance)
{
    enum { COLS = 257 };
    double x[2 * COLS], y[2 * COLS];
    wb_rng rng;
    wb_rng_seed(&rng, 11);
    for (long j = 0; j < COLS; j++) {
        /* multiples of 2^-10: x + 100 is exact in double */
        x[j] = nearbyint(1024.0 * 3.0 * wb_rng_normal(&rng)) / 1024.0;
        x[COLS + j] = x[j] + 100.0;
    }
    ref_softmax(x, 2, COLS, y);
    for (long j = 0; j < COLS; j++)
        ck_assert_msg(fabs(y[j] - y[COLS + j]) <= 1e-15 * (1.0 + y[j]),
                      "column %ld: %.17g vs %.17g", j, y[j], y[COLS + j]);
}
END_TEST

START_TEST(masked_row_with_one_finite_value_is_one_hot)
{
    double x[6] = {-INFINITY, -INFINITY, -3.5, -INFINITY, -INFINITY, -INFINITY}, y[6];
    ref_softmax(x, 1, 6, y);
    for (int j = 0; j < 6; j++)
        ck_assert(y[j] == (j == 2 ? 1.0 : 0.0));
    /* an all -inf row has no softmax: NaN, as documented */
    double z[3] = {-INFINITY, -INFINITY, -INFINITY}, w[3];
    ref_softmax(z, 1, 3, w);
    ck_assert(isnan(w[0]) && isnan(w[1]) && isnan(w[2]));
}
END_TEST

START_TEST(huge_values_do_not_overflow)
{
    double x[4] = {FLT_MAX, -FLT_MAX, 0.0, 0.5 * FLT_MAX}, y[4];
    ref_softmax(x, 1, 4, y);
    ck_assert(y[0] == 1.0 && y[1] == 0.0 && y[2] == 0.0 && y[3] == 0.0);
    double c[5] = {2.5, 2.5, 2.5, 2.5, 2.5}, u[5];
    ref_softmax(c, 1, 5, u);
    for (int j = 0; j < 5; j++)
        ck_assert(fabs(u[j] - 0.2) < 1e-16);
}
END_TEST

/* L(x) = sum_i dy_i softmax(x)_i; its gradient is the backward pass's dx */
static double loss(const double *x, const double *dy, long n)
{
    double y[16], l = 0.0;
    ref_softmax(x, 1, n, y);
    for (long i = 0; i < n; i++)
        l += dy[i] * y[i];
    return l;
}

START_TEST(backward_matches_finite_differences)
{
    enum { N = 9 };
    double x[N], dy[N], y[N], dx[N];
    wb_rng rng;
    wb_rng_seed(&rng, 3);
    for (int j = 0; j < N; j++) {
        x[j] = 2.0 * wb_rng_normal(&rng);
        dy[j] = wb_rng_normal(&rng);
    }
    ref_softmax(x, 1, N, y);
    ref_softmax_backward(dy, y, 1, N, dx);
    const double h = 1e-5;
    for (int j = 0; j < N; j++) {
        double xp[N], xm[N];
        for (int k = 0; k < N; k++)
            xp[k] = xm[k] = x[k];
        xp[j] += h;
        xm[j] -= h;
        double fd = (loss(xp, dy, N) - loss(xm, dy, N)) / (2.0 * h);
        ck_assert_msg(fabs(fd - dx[j]) < 1e-8, "dx[%d] = %.12g, finite difference %.12g", j, dx[j],
                      fd);
    }
    /* and the gradient of a shift-invariant function sums to zero */
    double s = 0.0;
    for (int j = 0; j < N; j++)
        s += dx[j];
    ck_assert(fabs(s) < 1e-14);
}
END_TEST

/* ---- the suite's inputs, bounds and check ------------------------------ */

/* draw a forward case as the grader does: fill, round to the dtype,
 * reference and bounds */
typedef struct {
    long rows, cols;
    double *x, *want, *bound;
    wb_host_test hc;
} forward_case;

static void draw_forward(forward_case *f, wb_dtype dt, long rows, long cols, uint64_t seed)
{
    wb_rng rng;
    size_t n = (size_t)(rows * cols);
    f->rows = rows;
    f->cols = cols;
    f->x = malloc(n * sizeof(double));
    f->want = calloc(n, sizeof(double));
    f->bound = calloc(n, sizeof(double));
    void *typed = malloc(n * 4);
    ck_assert(f->x && f->want && f->bound && typed);
    wb_rng_seed(&rng, seed);
    fill_softmax(&rng, dt, rows, cols, 0, 0, f->x);
    for (size_t i = 0; i < n; i++)
        f->x[i] = wb_store(dt, typed, i, f->x[i]);
    free(typed);
    wb_host_test hc = {.dtype = dt,
                       .rows = rows,
                       .cols = cols,
                       .out_rows = rows,
                       .out_cols = cols,
                       .in = {f->x, NULL, NULL},
                       .want = f->want,
                       .bound = f->bound};
    f->hc = hc;
    softmax_reference(&f->hc);
}

static void free_forward(forward_case *f)
{
    free(f->x);
    free(f->want);
    free(f->bound);
}

START_TEST(fill_builds_the_documented_rows)
{
    for (int d = 0; d < WB_DTYPE_COUNT; d++) {
        forward_case f;
        draw_forward(&f, (wb_dtype)d, 7, 1025, 42 + d);
        long n = f.cols;
        int plus_ten = 0, finite = 0;
        for (long j = 0; j < n; j++) {
            ck_assert_msg(f.x[2 * n + j] == f.x[n + j] + 100.0, "%s: row 2 is not row 1 + 100",
                          wb_dtype_name((wb_dtype)d));
            ck_assert(f.x[3 * n + j] == f.x[3 * n]);
            plus_ten += f.x[4 * n + j] == 10.0;
            ck_assert(f.x[4 * n + j] == 10.0 || f.x[4 * n + j] == -10.0);
            finite += isfinite(f.x[5 * n + j]);
            ck_assert(isfinite(f.x[6 * n + j]));
        }
        ck_assert(plus_ten == 1 && finite == 1);
        free_forward(&f);
    }
}
END_TEST

/* What a correct kernel computes, in float32 on the host: THREADS strided
 * shares, each an online (max, sum) over packs of 4, merged pairwise, then
 * exp2f((x - m) log2e) / s rounded to the dtype. `bug` 1 skips the rescale
 * (the wrong_rescale mutant), 2 keeps the sum in float16 (half_exp_sum). */
enum { THREADS = 64, PACK = 4 };

static float ex(float x, float m)
{
    return exp2f((x - m) * 1.4426950408889634f);
}

static double *simulate(const forward_case *f, wb_dtype dt, int bug)
{
    size_t n = (size_t)(f->rows * f->cols);
    double *got = malloc(n * sizeof(double));
    void *typed = malloc(n * 4);
    ck_assert(got && typed);
    for (long r = 0; r < f->rows; r++) {
        const double *x = f->x + r * f->cols;
        float m[THREADS], s[THREADS];
        for (int t = 0; t < THREADS; t++) {
            m[t] = -INFINITY;
            s[t] = 0.0f;
            for (long p = t; p * PACK < f->cols; p += THREADS) {
                float pm = -INFINITY;
                for (long j = p * PACK; j < p * PACK + PACK && j < f->cols; j++)
                    pm = fmaxf(pm, (float)x[j]);
                if (pm > m[t]) {
                    if (bug != 1)
                        s[t] *= ex(m[t], pm);
                    m[t] = pm;
                }
                float base = m[t] == -INFINITY ? 0.0f : m[t];
                for (long j = p * PACK; j < p * PACK + PACK && j < f->cols; j++) {
                    s[t] += ex((float)x[j], base);
                    if (bug == 2)
                        s[t] = wb_half_to_float(wb_float_to_half(s[t]));
                }
            }
        }
        for (int w = 1; w < THREADS; w *= 2)
            for (int t = 0; t + w < THREADS; t += 2 * w) {
                float mm = fmaxf(m[t], m[t + w]);
                float base = mm == -INFINITY ? 0.0f : mm;
                s[t] = s[t] * ex(m[t], base) + s[t + w] * ex(m[t + w], base);
                if (bug == 2)
                    s[t] = wb_half_to_float(wb_float_to_half(s[t]));
                m[t] = mm;
            }
        float inv = 1.0f / s[0];
        for (long j = 0; j < f->cols; j++)
            got[r * f->cols + j] =
                wb_store(dt, typed, (size_t)(r * f->cols + j), ex((float)x[j], m[0]) * inv);
    }
    free(typed);
    return got;
}

static long first_outside(const forward_case *f, const double *got)
{
    for (long i = 0; i < f->rows * f->cols; i++)
        if (!(fabs(got[i] - f->want[i]) <= f->bound[i]))
            return i;
    return -1;
}

START_TEST(a_correct_float32_kernel_is_within_the_bound)
{
    static const long cols[] = {1, 8, 31, 255, 1025, 4096, 32768};
    for (int d = 0; d < WB_DTYPE_COUNT; d++)
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
            for (uint64_t seed = 1; seed <= 3; seed++) {
                forward_case f;
                draw_forward(&f, (wb_dtype)d, 9, cols[c], seed * 1000 + c);
                double *got = simulate(&f, (wb_dtype)d, 0);
                long bad = first_outside(&f, got);
                ck_assert_msg(bad < 0, "%s 9x%ld seed %llu: y[%ld] = %.9g, want %.9g, bound %.3g",
                              wb_dtype_name((wb_dtype)d), cols[c], (unsigned long long)seed, bad,
                              bad < 0 ? 0 : got[bad], bad < 0 ? 0 : f.want[bad],
                              bad < 0 ? 0 : f.bound[bad]);
                ck_assert_msg(softmax_check(&f.hc, got) == NULL, "%s", softmax_check(&f.hc, got));
                free(got);
                free_forward(&f);
            }
}
END_TEST

START_TEST(the_mutants_fall_outside_the_bound)
{
    for (int bug = 1; bug <= 2; bug++) {
        forward_case f;
        draw_forward(&f, WB_F32, 7, 1025, 99);
        double *got = simulate(&f, WB_F32, bug);
        ck_assert_msg(first_outside(&f, got) >= 0, "bug %d passed", bug);
        free(got);
        free_forward(&f);
    }
}
END_TEST

START_TEST(the_check_catches_a_row_that_does_not_sum_to_one)
{
    forward_case f;
    draw_forward(&f, WB_F32, 8, 256, 5);
    double *got = malloc((size_t)(8 * 256) * sizeof(double));
    ck_assert_ptr_nonnull(got);
    for (long i = 0; i < 8 * 256; i++)
        got[i] = f.want[i];
    ck_assert(softmax_check(&f.hc, got) == NULL);
    got[7 * 256 + 3] += 1e-3;
    ck_assert(softmax_check(&f.hc, got) != NULL);
    got[7 * 256 + 3] = NAN;
    ck_assert(softmax_check(&f.hc, got) != NULL);
    free(got);
    free_forward(&f);
}
END_TEST

START_TEST(backward_bound_holds_for_float32_arithmetic)
{
    enum { ROWS = 4, COLS = 4097 };
    for (int d = 0; d < WB_DTYPE_COUNT; d++) {
        wb_dtype dt = (wb_dtype)d;
        size_t n = ROWS * COLS;
        double *dy = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
        double *want = calloc(n, sizeof(double)), *bound = calloc(n, sizeof(double));
        void *typed = malloc(n * 4);
        ck_assert(dy && y && want && bound && typed);
        wb_rng rng;
        wb_rng_seed(&rng, 17 + d);
        fill_softmax_backward(&rng, dt, ROWS, COLS, 0, 0, dy);
        fill_softmax_backward(&rng, dt, ROWS, COLS, 0, 1, y);
        for (size_t i = 0; i < n; i++) {
            dy[i] = wb_store(dt, typed, i, dy[i]);
            y[i] = wb_store(dt, typed, i, y[i]);
        }
        wb_host_test hc = {.dtype = dt,
                           .rows = ROWS,
                           .cols = COLS,
                           .out_rows = ROWS,
                           .out_cols = COLS,
                           .in = {dy, y, NULL},
                           .want = want,
                           .bound = bound};
        softmax_backward_reference(&hc);
        for (long r = 0; r < ROWS; r++) {
            float acc[THREADS] = {0};
            for (long j = 0; j < COLS; j++)
                acc[j % THREADS] =
                    fmaf((float)dy[r * COLS + j], (float)y[r * COLS + j], acc[j % THREADS]);
            for (int w = 1; w < THREADS; w *= 2)
                for (int t = 0; t + w < THREADS; t += 2 * w)
                    acc[t] += acc[t + w];
            for (long j = 0; j < COLS; j++) {
                size_t i = (size_t)(r * COLS + j);
                double got = wb_store(dt, typed, i, (float)y[i] * ((float)dy[i] - acc[0]));
                ck_assert_msg(fabs(got - want[i]) <= bound[i], "%s dx[%ld][%ld] = %.9g, want %.9g",
                              wb_dtype_name(dt), r, j, got, want[i]);
            }
        }
        free(dy);
        free(y);
        free(want);
        free(bound);
        free(typed);
    }
}
END_TEST

static Suite *softmax_suite(void)
{
    Suite *s = suite_create("softmax_ref");
    TCase *ref = tcase_create("reference");
    tcase_add_test(ref, rows_sum_to_one);
    tcase_add_test(ref, shift_invariance);
    tcase_add_test(ref, masked_row_with_one_finite_value_is_one_hot);
    tcase_add_test(ref, huge_values_do_not_overflow);
    tcase_add_test(ref, backward_matches_finite_differences);
    suite_add_tcase(s, ref);
    TCase *suite = tcase_create("week2 suite");
    tcase_set_timeout(suite, 60);
    tcase_add_test(suite, fill_builds_the_documented_rows);
    tcase_add_test(suite, a_correct_float32_kernel_is_within_the_bound);
    tcase_add_test(suite, the_mutants_fall_outside_the_bound);
    tcase_add_test(suite, the_check_catches_a_row_that_does_not_sum_to_one);
    tcase_add_test(suite, backward_bound_holds_for_float32_arithmetic);
    suite_add_tcase(s, suite);
    return s;
}

int main(void)
{
    return run_suite_as_tap(softmax_suite());
}
