/* job.h: one graded test, a (variant, dtype, shape), and the list of them
 * a run builds from the lesson's variant table, the week's ops and the
 * command line. Host-only: CI tests it without a GPU. */
#ifndef WB_JOB_H
#define WB_JOB_H

#include <stdint.h>

#include "suite.h"

typedef struct wb_job {
    const wb_variant *variant;
    const wb_op *op;
    wb_dtype dtype;
    long rows, cols;
    int timed;      /* time it against the baseline */
    int timeout_s;  /* Check's per-test limit */
    char name[160]; /* "transpose_tiled32/f16/255x257" */
} wb_job;

typedef struct wb_filter {
    const char *variants; /* comma-separated names, NULL: all */
    const char *dtypes;   /* comma-separated, NULL: all */
    const char *shapes;   /* comma-separated RxC, NULL: the op's own */
    int bench;            /* the op's bench shapes instead of its graded ones */
    int timed;            /* time every job */
    const char *hidden;   /* file of extra shapes (GRADER_HIDDEN), NULL: none */
} wb_filter;

/* Parse "255x257" (also "255X257", "255,257"); 0 on success. */
int wb_parse_shape(const char *s, wb_shape *out);

/* Build the jobs. On a bad filter (unknown variant, dtype or shape, an
 * unreadable hidden-shape file, a variant naming an op the week does not
 * have) returns -1 and writes a message naming the fix into err. */
int wb_build_jobs(const wb_week *week, const wb_variant *variants, int n_variants,
                  const wb_filter *f, wb_job **jobs, int *n_jobs, char *err, size_t errlen);

/* A per-job seed from the run's seed and the job's name, so one test's
 * inputs do not depend on which other tests were selected. */
uint64_t wb_job_seed(uint64_t run_seed, const char *name);

/* Check's timeout for a job: generous for large shapes, whose host-side
 * reference and data generation take seconds. */
int wb_job_timeout(long rows, long cols, int timed);

#endif
