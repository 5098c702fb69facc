/* run_test.h: the body of one graded test, run in an engine worker, in a
 * process of its own (--isolate test) or in the grader (--no-fork). It
 * touches CUDA; the engine's parent never does. */
#ifndef WB_RUN_TEST_H
#define WB_RUN_TEST_H

#include <stdint.h>

#include "result.h"
#include "test_plan.h"

/* Runs the test and fills r (which lives in memory shared with the parent,
 * so whatever was recorded survives a crash). Returns 0 when the test
 * passed or was reported unsupported, -1 when it failed. */
int wb_run_test(const wb_test *test, uint64_t seed, wb_result *r);
/* Marks the end of a phase of the test in progress (WB_PHASE_TRACE=1). */
void wb_phase(const char *name);

/* After a test: 1 when this process's CUDA context still works, 0 after a
 * sticky error (the worker must then exit and a fresh one take over). */
int wb_context_usable(void);

#endif
