/* reduce.h: CPU references for Week 1's reductions, in double precision,
 * and the input distribution the week's grader draws them from.
 *
 * Inputs are the exact values the device sees (already rounded to the
 * element type), as doubles. Sums are pairwise in double, so their own error
 * (about log2(n) * 2^-53 relative) is far below any float32 tolerance. */
#ifndef WB_REF_REDUCE_H
#define WB_REF_REDUCE_H

#include "rng.h"
#include "wb.h"

/* y[i] = sum_j x[i][j] for a rows x cols row-major x. */
void ref_row_sum(const double *x, long rows, long cols, double *y);
/* y[i] = sum_j |x[i][j]| (the magnitude the sum's tolerance scales with). */
void ref_row_sum_abs(const double *x, long rows, long cols, double *y);
/* Both in one pass (either output may be NULL). */
void ref_row_sum_with_abs(const double *x, long rows, long cols, double *y, double *y_abs);
/* y[i] = max_j x[i][j]; cols >= 1. */
void ref_row_max(const double *x, long rows, long cols, double *y);
/* sum of x[0..n) and of |x[0..n)|. */
double ref_array_sum(const double *x, long n);
double ref_array_sum_abs(const double *x, long n);
/* Both in one pass: returns the sum, *sum_abs the sum of magnitudes. */
double ref_array_sum_with_abs(const double *x, long n, double *sum_abs);

/* How the reduction grader draws inputs. */
typedef enum {
    WB_REDUCE_FILL_SUM, /* one sign per draw, magnitudes in scale * [0.5, 2.5) */
    WB_REDUCE_FILL_MAX  /* even rows all negative, odd rows of mixed sign */
} ref_reduce_fill_kind;

/* Fill v (rows * cols doubles) for a reduction over rows of length cols in
 * dtype. The scale is random but capped so that the largest possible row
 * sum stays below 1/16 of the dtype's largest finite value. No value is
 * zero or close to zero relative to the scale, so an element left out of a
 * float32 sum of up to a few thousand terms falls outside its tolerance. */
void ref_reduce_fill(wb_rng *rng, wb_dtype dtype, long rows, long cols, ref_reduce_fill_kind kind,
                     double *v);

#endif
