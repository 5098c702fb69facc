/* runtime_guard.h: watches what a launcher does while it runs, with CUPTI's
 * callback API: every CUDA runtime and driver call, however it was reached
 * (a name hidden from the symbol check included). Only an allow-list passes:
 * kernel launches on p->stream, error queries, device, attribute and
 * occupancy queries, and whatever the runtime itself calls inside those.
 * A copy, memset, host function, graph, synchronisation, allocation, stream
 * or event creation, limit or attribute change fails as forbidden_call; a
 * kernel on any other stream (the default streams included) as
 * unsynchronised_work. The grader watches one checked call per test (see
 * run_test.c); watching costs microseconds a call, so timed repetitions stay
 * unwatched but one random repetition, left out of the statistics. */
#ifndef WB_RUNTIME_GUARD_H
#define WB_RUNTIME_GUARD_H

#include <cuda_runtime_api.h>
#include <stddef.h>

#include "result.h"

typedef struct wb_guard_finding {
    wb_category category; /* WB_CAT_NONE: nothing seen */
    char message[300];
} wb_guard_finding;

/* Set by --no-fork (Nsight Compute and compute-sanitizer hold the same
 * hooks) and --no-runtime-guard (measuring the guard's cost only). */
extern const char *wb_guard_off_reason;

/* Subscribe to CUPTI (once per process). 1 ready, 0 off (why says so). */
int wb_guard_ready(char *why, size_t len);
/* Watch calls from now on; `allowed` is the only stream a kernel may go to. */
void wb_guard_begin(cudaStream_t allowed);
/* Stop watching; the first offence seen, if any. */
void wb_guard_end(wb_guard_finding *f);

#endif
