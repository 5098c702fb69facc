/* trusted_kernels.h: the grader's own device helpers (trusted_kernels.cu). */
#ifndef WB_TRUSTED_KERNELS_H
#define WB_TRUSTED_KERNELS_H

#include <cuda_runtime_api.h>
#include <stddef.h>
#include <stdint.h>

#include "element_rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a launch's input is made from its group's base input: row r comes
 * from row (a r + b) mod rows (a coprime with rows), column c from column
 * (c + rotate) mod cols, and with negate every value changes sign. With
 * flips (not 0), element i of the derived input 0 also changes sign when
 * the hash of (flips, i) says so: about half of them, a different half at
 * every launch (derivation.h says which ops). The grader then measures that
 * input's sum and sum of magnitudes on the device, into flipped_sum and
 * flipped_abs. */
typedef struct wb_derivation {
    long a, b, rotate;
    int negate;
    uint64_t flips;
    double flipped_sum, flipped_abs;
} wb_derivation;

/* dst = the derivation of src (rows x cols elements of elem_size bytes: 2 or 4). */
int wb_derive_input(void *dst, const void *src, size_t elem_size, long rows, long cols,
                    const wb_derivation *d, cudaStream_t stream);
/* The first element of `in` (rows x cols) that differs from the derivation
 * of `base`, or -1; waits for the stream. */
int wb_check_derived(const void *in, const void *base, size_t elem_size, long rows, long cols,
                     const wb_derivation *d, cudaStream_t stream, long *first_bad);
/* The sum and the sum of magnitudes of n elements of dtype, in double on
 * the device (the order of the additions varies, so the last bits may; an
 * integer total below 2^53 is exact); waits for the stream. */
int wb_sum_on_device(const void *in, wb_dtype dtype, long n, cudaStream_t stream, double *sum,
                     double *sum_abs);
/* Fill bytes of dst with a repeating 32-bit pattern (little-endian). */
int wb_fill_pattern(void *dst, size_t bytes, uint32_t pattern, cudaStream_t stream);
/* Judge an output on the device, by compare.c's rule (element_rules.h):
 * element i of got (n elements of dtype) against want[source(i)] within
 * bound[source(i)] (bound NULL: exact), negated when der says so; source is
 * the identity when der is NULL, else layout's mapping through der (rows
 * and cols of the input). An element still holding `poison`'s first bytes
 * is unwritten. *bad_count and *max_error as wb_compare_expected would give
 * them; waits for the stream. The reference lives on the device only while
 * no learner code runs (device_test.h). */
int wb_compare_on_device(wb_dtype dtype, const void *got, const double *want, const double *bound,
                         long n, const wb_derivation *der, wb_layout layout, long rows, long cols,
                         uint32_t poison, cudaStream_t stream, long *bad_count, double *max_error);
/* Bytes per second a kernel reads from a buffer far larger than the L2, the
 * fastest of 20 repetitions, in GB/s. */
int wb_measure_read_ceiling(double *gbps);

#ifdef __cplusplus
}
#endif
#endif
