/* element_rules.h: the two per-element rules that the host and the device
 * must apply identically, written once for both compilers: where an output
 * element of a derived launch comes from in the base, and whether one
 * element passes. derivation.c and compare.c use them on the host;
 * trusted_kernels.cu uses them in the derivation and comparison kernels. */
#ifndef WB_ELEMENT_RULES_H
#define WB_ELEMENT_RULES_H

#include <math.h>

#include "result.h"

#ifdef __CUDACC__
#define WB_HOST_DEVICE __host__ __device__
#else
#define WB_HOST_DEVICE
#endif

/* Where output element (i, j) comes from, so that the timing loop can check
 * a repetition whose input rows were permuted, columns rotated and sign
 * flipped against the checked run's reference without recomputing it. */
typedef enum {
    WB_LAYOUT_ELEMENTWISE, /* y[r][c] from x[r][c] (copy, softmax) */
    WB_LAYOUT_TRANSPOSE,   /* y[c][r] from x[r][c] */
    WB_LAYOUT_ROW_REDUCE,  /* y[r] from row r, whatever its order */
    WB_LAYOUT_ALL_REDUCE   /* y[0] from everything, whatever its order */
} wb_layout;

/* Element i of a derived launch's output (or, with ELEMENTWISE, of a derived
 * input) comes from this element of the base: input row r from row
 * (a r + b) mod rows, column c from (c + rotate) mod cols, 0 <= rotate <
 * cols; rows and cols are the input's. */
static inline WB_HOST_DEVICE long wb_rotated(long c, long rotate, long cols)
{
    /* 0 <= rotate < cols: one subtraction, not a 64-bit remainder (the
     * derivation kernel runs before every timed call) */
    return c + rotate < cols ? c + rotate : c + rotate - cols;
}

static inline WB_HOST_DEVICE long wb_source_index(wb_layout layout, long rows, long cols, long a,
                                                  long b, long rotate, long i)
{
    switch (layout) {
    case WB_LAYOUT_ELEMENTWISE: {
        long r = i / cols, c = i - r * cols;
        return ((a * r + b) % rows) * cols + wb_rotated(c, rotate, cols);
    }
    case WB_LAYOUT_TRANSPOSE: {
        long c = i / rows, r = i - c * rows;
        return wb_rotated(c, rotate, cols) * rows + (a * r + b) % rows;
    }
    case WB_LAYOUT_ROW_REDUCE:
        return (a * i + b) % rows;
    case WB_LAYOUT_ALL_REDUCE:
    default:
        return 0;
    }
}

/* The verdict on one element: got g where want w is expected within
 * `allowed`; poisoned when it still holds the output's poison. *err gets
 * |g - w| when both are finite (else it is left alone). A NaN never passes
 * unless expected; an infinity only when it is the expected one. */
static inline WB_HOST_DEVICE wb_category wb_element_category(double g, double w, double allowed,
                                                             int poisoned, double *err)
{
    if (poisoned)
        return WB_CAT_UNWRITTEN;
    if (isnan(g) || (isinf(g) && !(isinf(w) && g == w)))
        return isnan(w) ? WB_CAT_NONE : WB_CAT_NAN;
    if (isinf(w))
        return g == w ? WB_CAT_NONE : WB_CAT_WRONG;
    *err = fabs(g - w);
    return *err <= allowed ? WB_CAT_NONE : WB_CAT_WRONG;
}

#endif
