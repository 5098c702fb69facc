/* probe.h: find the GPU without touching CUDA in this process.
 *
 * A process that has initialised CUDA cannot use it in a forked child, and
 * every test runs in a forked child, so discovery (and the copy-ceiling
 * measurement) happens in a child of its own that reports through a pipe. */
#ifndef WB_PROBE_H
#define WB_PROBE_H

#include "result.h"

/* Fills env's device fields. Returns 1 with a device, 0 without one (the
 * reason in env->no_device_reason). measure_ceiling: time a large
 * device-to-device cudaMemcpy for env->copy_ceiling_gbps. */
int wb_probe_device(wb_env *env, int measure_ceiling);

#endif
