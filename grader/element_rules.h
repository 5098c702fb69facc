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

/* Row r of a derived input is row (a r + b) mod rows of the base. */
static inline WB_HOST_DEVICE long wb_permuted_row(long r, long a, long b, long rows)
{
    return (a * r + b) % rows;
}

static inline WB_HOST_DEVICE long wb_source_index(wb_layout layout, long rows, long cols, long a,
                                                  long b, long rotate, long i)
{
    switch (layout) {
    case WB_LAYOUT_ELEMENTWISE: {
        long r = i / cols, c = i - r * cols;
        return wb_permuted_row(r, a, b, rows) * cols + wb_rotated(c, rotate, cols);
    }
    case WB_LAYOUT_TRANSPOSE: {
        long c = i / rows, r = i - c * rows;
        return wb_rotated(c, rotate, cols) * rows + wb_permuted_row(r, a, b, rows);
    }
    case WB_LAYOUT_ROW_REDUCE:
        return wb_permuted_row(i, a, b, rows);
    case WB_LAYOUT_ALL_REDUCE:
    default:
        return 0;
    }
}

/* ---- the same map, walked line by line ------------------------------------
 * wb_source_index divides per element, and a 64-bit division is dozens of
 * instructions on a GPU: over an 8192 x 8192 input the derivation and
 * comparison kernels were bound by it, not by memory, and they run around
 * every timed call. So the kernels walk the output in lines (a row of an
 * elementwise output, a column of the input for a transpose) and step
 * within a line: the remainder is taken once per line and once per thread,
 * and a step costs an addition and a comparison. The walk reaches the same
 * element as wb_source_index for every i (grader/tests/test_core.c). */
typedef struct wb_line_walk {
    long lines, len;   /* output i = line * len + j */
    int permuted_line; /* the line index is an input row (ELEMENTWISE) */
    int permuted_pos;  /* the position within a line is one (TRANSPOSE, ROW_REDUCE) */
} wb_line_walk;

static inline WB_HOST_DEVICE wb_line_walk wb_walk_of(wb_layout layout, long rows, long cols, long n)
{
    wb_line_walk w = {1, n, 0, 0};
    if (layout == WB_LAYOUT_ELEMENTWISE) {
        w.lines = rows;
        w.len = cols;
        w.permuted_line = 1;
    } else if (layout == WB_LAYOUT_TRANSPOSE) {
        w.lines = cols;
        w.len = rows;
        w.permuted_pos = 1;
    } else if (layout == WB_LAYOUT_ROW_REDUCE) {
        w.len = rows;
        w.permuted_pos = 1;
    }
    return w;
}

/* Where line `line` starts in the base, and how a position j maps: for a
 * permuted position the walker keeps (a j + b) mod rows and moves it with
 * wb_permuted_row_step; otherwise j is a rotated column. */
static inline WB_HOST_DEVICE long wb_walk_line_base(wb_layout layout, long rows, long cols, long a,
                                                    long b, long rotate, long line)
{
    switch (layout) {
    case WB_LAYOUT_ELEMENTWISE:
        return wb_permuted_row(line, a, b, rows) * cols;
    case WB_LAYOUT_TRANSPOSE:
        return wb_rotated(line, rotate, cols) * rows;
    default:
        return 0;
    }
}

/* Where position j of a line that starts at `base` comes from; v is
 * (a j + b) mod rows, kept by the walker where the position is permuted. */
static inline WB_HOST_DEVICE long wb_walk_source(wb_layout layout, long base, long j, long v,
                                                 long rotate, long cols)
{
    switch (layout) {
    case WB_LAYOUT_ELEMENTWISE:
        return base + wb_rotated(j, rotate, cols);
    case WB_LAYOUT_TRANSPOSE:
    case WB_LAYOUT_ROW_REDUCE:
        return base + v;
    default:
        return 0;
    }
}

/* (a (j + step) + b) mod rows from v = (a j + b) mod rows and
 * step_term = (a step) mod rows. */
static inline WB_HOST_DEVICE long wb_permuted_row_step(long v, long step_term, long rows)
{
    long w = v + step_term;
    return w >= rows ? w - rows : w;
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
