/* options.h: the grader's command line (`build/weekN/grade --help`). */
#ifndef WB_OPTIONS_H
#define WB_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "test_plan.h"

/* How tests are isolated from each other. */
typedef enum {
    WB_ISOLATE_WORKER = 0, /* engine workers, one CUDA context each (engine.h) */
    WB_ISOLATE_TEST,       /* a process per test, forked by Check (the first engine) */
    WB_ISOLATE_NONE        /* --no-fork: every test in the grader's own process */
} wb_isolation;

typedef struct wb_options {
    wb_filter filter;
    const char *report_dir;
    const char *results_dir; /* --bench: write RESULTS_DIR/<gpu>/<week>.json */
    const char *score_file;
    const char *attach_profile; /* a profile section to embed in the reports */
    uint64_t seed;
    int have_seed;
    int list;
    int quiet;
    wb_isolation isolation;
    int jobs;          /* 0: the default (engine.h) */
    int shard, shards; /* run the tests with index % shards == shard */
    int runtime_guard; /* watch one call per test with CUPTI */
    int timing_checks; /* rotate, poison and check timed repetitions */
} wb_options;

/* Parse argv into o (GRADER_SEED and GRADER_HIDDEN read too). 0, 1 when
 * --help was printed, -1 after a message on stderr. */
int wb_parse_options(int argc, char **argv, wb_options *o);
void wb_usage(FILE *f, const char *argv0);

#endif
