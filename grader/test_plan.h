/* test.h: one graded test, a (variant, dtype, shape), and the list of them
 * a run builds from the lesson's variant table, the week's ops and the
 * command line. Host-only: CI tests it without a GPU. */
#ifndef WB_TEST_PLAN_H
#define WB_TEST_PLAN_H

#include <stdint.h>

#include "result.h"
#include "suite.h"

typedef struct wb_test {
    const wb_variant *variant;
    const wb_op *op;
    int variant_index,
        op_index; /* the same, as indices (a worker started by exec maps them back) */
    wb_dtype dtype;
    long rows, cols;
    int kind;           /* input kind: 0 ordinary, k the op's extra_kinds[k - 1] */
    int timed;          /* time it against the baseline */
    int bench;          /* a benchmark: the full timing budget */
    int timeout_s;      /* the per-test limit */
    int undeclared;     /* the week requires this dtype, the variant's mask omits it */
    int must_support;   /* the week requires this shape: WB_UNSUPPORTED is a failure */
    uint64_t seed;      /* its launches' derivations, from the run's seed and its name */
    uint64_t base_seed; /* its group's base input, from the run's seed and the group's key */
    int group;          /* tests of one group share the base input and reference */
    char name[160];     /* "transpose_tiled32/f16/255x257", "array_sum_best/f32/1x7/exact" */
} wb_test;

/* What the week requires of every variant (grader/weekN.score `require` and
 * `limit` lines): without it, a variant is graded on the dtypes it declares
 * and an unsupported shape is only reported. */
typedef struct wb_requirements {
    unsigned dtypes; /* WB_DT mask every variant must handle; 0: only what it declares */
    int all_shapes;  /* every graded shape must be supported ... */
    int n_limits;    /* ... except past a variant's documented limit */
    struct {
        char variant[64];
        long max_cols;
    } limits[32];
} wb_requirements;

typedef struct wb_filter {
    const char *variants;           /* comma-separated names, NULL: all */
    const char *dtypes;             /* comma-separated, NULL: all */
    const char *shapes;             /* comma-separated RxC, NULL: the op's own */
    int bench;                      /* the op's bench shapes instead of its graded ones */
    int timed;                      /* time every test */
    const char *hidden;             /* file of extra shapes (GRADER_HIDDEN), NULL: none */
    const wb_requirements *require; /* NULL: none */
    uint64_t seed;                  /* the run's seed, for each test's seed */
} wb_filter;

/* Parse "255x257" (also "255X257", "255,257"); 0 on success. */
int wb_parse_shape(const char *s, wb_shape *out);

/* Build the tests. On a bad filter (unknown variant, dtype or shape, an
 * unreadable hidden-shape file, a variant naming an op the week does not
 * have) returns -1 and writes a message naming the fix into err. */
int wb_build_tests(const wb_week *week, const wb_variant *variants, int n_variants,
                   const wb_filter *f, wb_test **tests, int *n_jobs, char *err, size_t errlen);

/* A per-test seed from the run's seed and the test's name, so one test's
 * inputs do not depend on which other tests were selected. */
uint64_t wb_test_seed(uint64_t run_seed, const char *name);
/* A new run's seed, short enough to type back in. */
uint64_t wb_fresh_seed(void);

/* A result slot naming the test (variant, op, dtype, shape, input kind), no verdict yet. */
void wb_result_for_test(wb_result *r, const wb_test *j);

/* The test a worker started by exec was sent (variant and op by index), with
 * its pointers into this process's tables; 0, or -1 if an index is out of range. */
int wb_test_resolve(wb_test *j, const wb_week *week, const wb_variant *variants, int n_variants);

/* Check's timeout for a test: generous for large shapes, whose host-side
 * reference and data generation take seconds. */
int wb_test_timeout(long rows, long cols, int timed);

#endif
