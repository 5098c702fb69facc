/* test_device_compare.c: the device's verdict on an output (trusted_kernels.cu,
 * wb_compare_on_device) is the host's (compare.c): the same bad count and the
 * same largest error, for every dtype and layout, through a derivation, with
 * wrong values, computed NaNs and infinities, unwritten elements and values
 * exactly on a bound. The grader trusts the device's "all good" without a
 * second look, so any disagreement here would let a wrong output pass.
 * Without a GPU every test is a SKIP ("skipped: no CUDA device"). */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <cuda_runtime_api.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "derivation.h"
#include "dtype.h"
#include "gpu_suite.h"
#include "rng.h"
#include "trusted_kernels.h"

enum { ROWS = 37, COLS = 129 };

typedef struct fixture {
    wb_dtype dtype;
    wb_layout layout;
    long n; /* output elements */
    double *want, *bound;
    void *got; /* n elements of dtype */
    wb_derivation der;
    uint32_t poison;
} fixture;

static long output_count(wb_layout layout)
{
    switch (layout) {
    case WB_LAYOUT_ROW_REDUCE:
        return ROWS;
    case WB_LAYOUT_ALL_REDUCE:
        return 1;
    default:
        return (long)ROWS * COLS;
    }
}

/* An output equal to the reference read through the derivation, rounded to
 * the dtype, with bounds that admit the rounding; then `faults` elements
 * spoiled in the ways a kernel spoils them. */
static fixture make_fixture(wb_dtype dtype, wb_layout layout, int faults, uint64_t seed)
{
    fixture f = {dtype, layout, output_count(layout), NULL, NULL, NULL, {.a = 1}, 0};
    wb_rng rng;
    wb_rng_seed(&rng, seed);
    f.want = malloc((size_t)f.n * sizeof(double));
    f.bound = malloc((size_t)f.n * sizeof(double));
    f.got = malloc((size_t)f.n * wb_dtype_size(dtype));
    ck_assert(f.want && f.bound && f.got);
    f.der.a = 5; /* coprime with 37 */
    f.der.b = (long)(wb_rng_next(&rng) % ROWS);
    f.der.rotate = (long)(wb_rng_next(&rng) % COLS);
    f.der.negate = (int)(wb_rng_next(&rng) & 1);
    f.poison = dtype == WB_F32 ? 0xFFC3FFC5u : 0xFFC3FFC3u;
    for (long i = 0; i < f.n; i++) {
        f.want[i] = 4.0 * wb_rng_uniform(&rng) - 2.0;
        f.bound[i] = 4.0 * wb_dtype_eps(dtype) * (fabs(f.want[i]) + 1e-3);
    }
    wb_output_map m = {layout, ROWS, COLS, f.der};
    for (long i = 0; i < f.n; i++) {
        int negated;
        long from = wb_derived_source(i, &negated, &m);
        wb_store(dtype, f.got, (size_t)i, negated ? -f.want[from] : f.want[from]);
    }
    for (int k = 0; k < faults; k++) {
        long i = (long)(wb_rng_next(&rng) % (uint64_t)f.n);
        int negated;
        long from = wb_derived_source(i, &negated, &m);
        double w = negated ? -f.want[from] : f.want[from];
        switch (k % 6) {
        case 0: /* wrong by far */
            wb_store(dtype, f.got, (size_t)i, w + 1.0);
            break;
        case 1: /* a computed NaN */
            wb_store(dtype, f.got, (size_t)i, NAN);
            break;
        case 2: /* an infinity where the reference is finite */
            wb_store(dtype, f.got, (size_t)i, -INFINITY);
            break;
        case 3: /* never written: the poison's first bytes */
            memcpy((char *)f.got + (size_t)i * wb_dtype_size(dtype), &f.poison,
                   wb_dtype_size(dtype));
            break;
        case 4: { /* exactly on the bound: passes on both sides */
            double g = wb_store(dtype, f.got, (size_t)i, w + f.bound[from]);
            f.bound[from] = fabs(g - w);
            break;
        }
        default: { /* just past the bound: fails on both sides */
            double g = wb_store(dtype, f.got, (size_t)i, w + 2.0 * f.bound[from]);
            f.bound[from] = 0.5 * fabs(g - w);
            break;
        }
        }
    }
    return f;
}

static void free_fixture(fixture *f)
{
    free(f->want);
    free(f->bound);
    free(f->got);
}

/* The device's verdict on f's output: bad elements and largest error. */
static void device_verdict(const fixture *f, const double *bound, long *bad, double *max_error)
{
    size_t got_bytes = (size_t)f->n * wb_dtype_size(f->dtype), ref_bytes = (size_t)f->n * 8;
    void *got;
    double *want, *dbound = NULL;
    ck_assert_int_eq(cudaMalloc(&got, got_bytes), cudaSuccess);
    ck_assert_int_eq(cudaMalloc((void **)&want, ref_bytes), cudaSuccess);
    ck_assert_int_eq(cudaMemcpy(got, f->got, got_bytes, cudaMemcpyHostToDevice), cudaSuccess);
    ck_assert_int_eq(cudaMemcpy(want, f->want, ref_bytes, cudaMemcpyHostToDevice), cudaSuccess);
    if (bound) {
        ck_assert_int_eq(cudaMalloc((void **)&dbound, ref_bytes), cudaSuccess);
        ck_assert_int_eq(cudaMemcpy(dbound, bound, ref_bytes, cudaMemcpyHostToDevice), cudaSuccess);
    }
    ck_assert_int_eq(wb_compare_on_device(f->dtype, got, want, dbound, f->n, &f->der, f->layout,
                                          ROWS, COLS, f->poison, 0, bad, max_error),
                     0);
    cudaFree(got);
    cudaFree(want);
    cudaFree(dbound);
}

/* Both verdicts on one output; exact bounds (NULL) when `exact`. */
static void assert_same_verdict(fixture *f, int exact)
{
    const double *bound = exact ? NULL : f->bound;
    wb_output_map m = {f->layout, ROWS, COLS, f->der};
    wb_expected e = {f->want, bound, wb_derived_source, &m, f->poison};
    wb_verdict host = wb_compare_expected(f->dtype, f->got, &e, f->n);
    long bad = -1;
    double max_error = -1;
    device_verdict(f, bound, &bad, &max_error);
    ck_assert_msg(bad == host.bad_count, "%s layout %d: device %ld bad, host %ld",
                  wb_dtype_name(f->dtype), (int)f->layout, bad, host.bad_count);
    ck_assert_msg(max_error == host.max_error, "%s layout %d: device error %.17g, host %.17g",
                  wb_dtype_name(f->dtype), (int)f->layout, max_error, host.max_error);
}

static const wb_layout layouts[] = {WB_LAYOUT_ELEMENTWISE, WB_LAYOUT_TRANSPOSE,
                                    WB_LAYOUT_ROW_REDUCE, WB_LAYOUT_ALL_REDUCE};

START_TEST(a_right_output_passes_on_both_sides)
{
    for (int d = 0; d < WB_DTYPE_COUNT; d++)
        for (int l = 0; l < 4; l++) {
            fixture f = make_fixture((wb_dtype)d, layouts[l], 0, 11 + (uint64_t)(4 * d + l));
            assert_same_verdict(&f, 0);
            free_fixture(&f);
        }
}
END_TEST

START_TEST(every_kind_of_fault_counts_the_same_on_both_sides)
{
    for (int d = 0; d < WB_DTYPE_COUNT; d++)
        for (int l = 0; l < 4; l++)
            for (int faults = 1; faults <= 12; faults += 5) {
                fixture f = make_fixture((wb_dtype)d, layouts[l], faults,
                                         97 * (uint64_t)faults + (uint64_t)(4 * d + l));
                assert_same_verdict(&f, 0);
                assert_same_verdict(&f, 1); /* and with exact bounds */
                free_fixture(&f);
            }
}
END_TEST

START_TEST(a_fault_is_seen_by_the_device)
{
    /* the agreement above is not two blind judges: one fault, one bad element */
    fixture f = make_fixture(WB_F16, WB_LAYOUT_TRANSPOSE, 1, 5);
    long bad = 0;
    double max_error;
    device_verdict(&f, f.bound, &bad, &max_error);
    ck_assert_int_eq(bad, 1);
    free_fixture(&f);
}
END_TEST

/* A whole-array sum's derivation (derivation.h): about half of the signs
 * flipped, a different half for another seed, the check accepts exactly
 * that input, and the device's sums of it are the host's. */
START_TEST(flipped_signs_change_the_sum_and_the_device_measures_it)
{
    enum { N = 100003 };
    for (int d = 0; d < WB_DTYPE_COUNT; d++) {
        wb_dtype dt = (wb_dtype)d;
        size_t size = wb_dtype_size(dt), bytes = N * size;
        double *v = malloc(N * sizeof(double)), *back = malloc(N * sizeof(double));
        unsigned char *typed = malloc(bytes), *seen = malloc(bytes);
        ck_assert(v && back && typed && seen);
        wb_rng rng;
        wb_rng_seed(&rng, 3 + (uint64_t)d);
        double base_sum = 0.0;
        for (long i = 0; i < N; i++)
            v[i] = 0.5 + wb_rng_uniform(&rng); /* one sign: every flip shows */
        wb_store_values(dt, typed, v, N);
        for (long i = 0; i < N; i++)
            base_sum += v[i];
        void *base, *in;
        ck_assert_int_eq(cudaMalloc(&base, bytes), cudaSuccess);
        ck_assert_int_eq(cudaMalloc(&in, bytes), cudaSuccess);
        ck_assert_int_eq(cudaMemcpy(base, typed, bytes, cudaMemcpyHostToDevice), cudaSuccess);
        int flipped_twice = 0;
        for (uint64_t seed = 1; seed <= 2; seed++) {
            wb_derivation der = {.a = 1, .rotate = 17, .flips = 0x9e37u * seed | 1};
            ck_assert_int_eq(wb_derive_input(in, base, size, 1, N, &der, NULL), 0);
            ck_assert_int_eq(cudaMemcpy(seen, in, bytes, cudaMemcpyDeviceToHost), cudaSuccess);
            long negative = 0;
            double sum = 0.0, sum_abs = 0.0;
            for (long i = 0; i < N; i++) {
                double x = wb_load(dt, seen, (size_t)i);
                ck_assert(fabs(x) == v[(i + 17) % N]); /* rotated, only the sign changed */
                negative += x < 0.0;
                sum += x;
                sum_abs += fabs(x);
                if (seed == 2 && (x < 0.0) != (back[i] < 0.0))
                    flipped_twice++;
                back[i] = x;
            }
            ck_assert_msg(labs(negative - N / 2) < N / 50, "%ld of %d negative", negative, N);
            long first = 0;
            ck_assert_int_eq(wb_check_derived(in, base, size, 1, N, &der, NULL, &first), 0);
            ck_assert_int_eq(first, -1);
            wb_derivation other = der;
            other.flips ^= 2;
            ck_assert_int_eq(wb_check_derived(in, base, size, 1, N, &other, NULL, &first), 0);
            ck_assert_int_ge(first, 0); /* another pattern is another input */
            double dev_sum, dev_abs;
            ck_assert_int_eq(wb_sum_on_device(in, dt, N, NULL, &dev_sum, &dev_abs), 0);
            ck_assert_msg(fabs(dev_sum - sum) <= 1e-12 * sum_abs,
                          "%s: device sum %.17g, host %.17g", wb_dtype_name(dt), dev_sum, sum);
            ck_assert(fabs(dev_abs - sum_abs) <= 1e-12 * sum_abs);
            ck_assert(fabs(sum_abs - base_sum) <= 1e-12 * base_sum);
            ck_assert(fabs(sum) < 0.1 * sum_abs); /* half negated: the sum nearly cancels */
        }
        /* the two patterns are unrelated: about half of the signs differ */
        ck_assert_msg(labs(flipped_twice - N / 2) < N / 50, "%d differ", flipped_twice);
        cudaFree(base);
        cudaFree(in);
        free(v);
        free(back);
        free(typed);
        free(seen);
    }
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        a_right_output_passes_on_both_sides, every_kind_of_fault_counts_the_same_on_both_sides,
        a_fault_is_seen_by_the_device, flipped_signs_change_the_sum_and_the_device_measures_it};
    return run_gpu_tests_as_tap("device compare", 60, tests, 4);
}
