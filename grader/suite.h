/* suite.h: what a week's grader suite tells the generic grader.
 *
 * One file per week (grader/weekN.c) defines `const wb_week wb_this_week`,
 * naming the ops its lesson's variants may compute. For each op: the shapes
 * to grade and to benchmark, how inputs are drawn, the host reference (from
 * ref/cpu, double precision), the comparison rule, the minimum traffic in
 * bytes, and the ref/gpu baseline a variant is timed against.
 */
#ifndef WB_SUITE_H
#define WB_SUITE_H

#include "element_rules.h"
#include "rng.h"
#include "wb.h"

typedef struct wb_shape {
    long rows, cols;
} wb_shape;

/* An input kind besides an op's ordinary inputs: graded as tests of their own,
 * named VARIANT/DTYPE/RxC/NAME, on the shapes where `applies` says yes
 * (NULL: every graded shape). The ordinary inputs are kind 0; the op's
 * extra_kinds[k] is kind k + 1, and fill and reference receive it. */
typedef struct wb_input_kind {
    const char *name;
    int (*applies)(long rows, long cols);
} wb_input_kind;

/* What bounds a kernel's speed: reading its inputs once (reductions) or
 * reading and writing (everything else). A timing above the matching ceiling
 * measured in the same run is implausible. */
typedef enum { WB_TRAFFIC_COPY = 0, WB_TRAFFIC_READ = 1 } wb_traffic;

/* The host side of one test: inputs as exact doubles (the values the device
 * sees after rounding to the dtype), the reference output in double. */
typedef struct wb_host_test {
    wb_dtype dtype;
    int kind;                        /* 0: the op's ordinary inputs, k: extra_kinds[k - 1] */
    long rows, cols;                 /* shape of x */
    long out_rows, out_cols;         /* shape of y */
    const double *in[WB_MAX_INPUTS]; /* the op's inputs, as wb_problem.in (unused ones NULL) */
    double *want;                    /* out_rows * out_cols, filled by reference() */
    double *bound;                   /* allowed |got - want| per output element, filled by
                              * reference(); left at 0 it means exact (copies, transposes).
                              * grader/tolerance.h derives bounds from dtype and length. */
} wb_host_test;

typedef struct wb_op {
    const char *name; /* matches wb_variant.op */
    /* The names of its inputs, in wb_problem.in[] order (1 to 3; `grade
     * --list` and failure messages show them), and of its output. */
    const char *inputs[WB_MAX_INPUTS];
    const char *output;
    void (*out_shape)(long rows, long cols, long *out_rows, long *out_cols);
    /* Draw input k (0-based) of input kind `kind` into v (rows*cols doubles);
     * the grader rounds each value to the dtype afterwards. NULL: uniform in
     * [-1, 1) scaled and offset at random, never all zeros. */
    void (*fill)(wb_rng *rng, wb_dtype dtype, long rows, long cols, int kind, int k, double *v);
    void (*reference)(wb_host_test *c);
    /* Optional property check, run once per group on the reference itself
     * (host_data.c): an output the comparison passed is within its bounds
     * of that reference everywhere, so it has the property up to the sum
     * of its bounds, which is what a check allows. NULL when fine, else a
     * message (static or malloc'd). */
    const char *(*check)(const wb_host_test *c, const double *got);
    /* A whole-array reduction (one output) that is the same under every
     * rotation and sign of its input, as a sum is: a launch that remembered
     * an earlier answer would pass every derived launch. With this hook its
     * launches also flip the sign of about half of the elements, a fresh
     * half each time (derivation.h); the grader measures the derived input's
     * sum and sum of magnitudes on the device, in double, and this turns
     * them into the launch's reference and bound (c: the group's host test,
     * for its dtype, shape and kind). NULL: no flips. */
    void (*flipped_reference)(const wb_host_test *c, double sum, double sum_abs, double *want,
                              double *bound);
    /* Fewest bytes a kernel must move for this op: each input read once,
     * the output written once. */
    double (*min_bytes)(wb_dtype dtype, long rows, long cols);
    wb_launcher baseline;      /* from ref/gpu, timed in the same run */
    const char *baseline_name; /* e.g. "cudaMemcpy D2D" */
    const wb_shape *shapes;    /* graded shapes */
    int n_shapes;
    const wb_shape *bench_shapes; /* timed by `make bench` */
    int n_bench_shapes;
    const wb_input_kind *extra_kinds; /* NULL: only the ordinary inputs */
    int n_extra_kinds;
    wb_layout layout;
    /* f(-x) = -f(x) in input 0 with the other inputs fixed (copy, sums,
     * softmax backward in dy): timed repetitions may flip its sign */
    int odd;
    wb_traffic traffic;
} wb_op;

/* How many inputs op takes: its named ones. */
static inline int wb_op_input_count(const wb_op *op)
{
    int n = 0;
    while (n < WB_MAX_INPUTS && op->inputs[n])
        n++;
    return n;
}

typedef struct wb_week {
    const char *name;   /* "week0" */
    const char *lesson; /* "lessons/week0-copy-transpose.nw" */
    const wb_op *ops;
    int n_ops;
} wb_week;

extern const wb_week wb_this_week;

#endif /* WB_SUITE_H */
