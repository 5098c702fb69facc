/* worker.h: what the grader's parent sends an engine worker per test, and
 * the worker's entry point (worker_main.c). */
#ifndef WB_WORKER_H
#define WB_WORKER_H

#include "device_test.h"
#include "test_plan.h"

typedef struct wb_worker_desc {
    wb_test test; /* its pointers are the parent's: the worker resolves the indices */
    wb_run_settings settings;
} wb_worker_desc;

/* `grade --worker ...`: never returns on success. */
int wb_worker_main(int argc, char **argv);

#endif
