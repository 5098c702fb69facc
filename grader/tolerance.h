/* tolerance.h: how far a learner's result may be from the double-precision
 * reference, derived from the element type and the reduction length.
 * The rules are explained in the book's grader appendix; grader/tests checks
 * that one rounding step passes and a missing element fails. */
#ifndef WB_TOLERANCE_H
#define WB_TOLERANCE_H

#include "wb.h"

/* A sum of n terms accumulated in float32 (in any order: sequential chains,
 * trees, atomics) and stored in `out`: float32 accumulation error, which
 * grows like sqrt(n) for rounding errors of random sign plus log2(n) for the
 * tree levels, times the sum of magnitudes, plus one rounding step of `out`
 * at the result. */
double wb_sum_bound(wb_dtype out, long n, double sum_abs, double want);

/* One rounding step of `out` at value v (an exact op computed in float32,
 * like a max, stored in `out`). */
double wb_round_bound(wb_dtype out, double v);

#endif
