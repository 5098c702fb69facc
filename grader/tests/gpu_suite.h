/* gpu_suite.h: runs the tests of a program that needs a GPU as TAP; with
 * no CUDA device each is a SKIP, and stderr says "skipped: no CUDA device". */
#ifndef GPU_SUITE_H
#define GPU_SUITE_H

#include <cuda_runtime_api.h>

#include "tap_suite.h"

static inline int run_gpu_tests_as_tap(const char *name, int timeout_s, const TTest *const *tests,
                                       int n)
{
    int devices = 0;
    int none = cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0;
    if (none)
        fprintf(stderr, "skipped: no CUDA device\n");
    /* this process has touched CUDA, so a forked child could not: run in process */
    setenv("CK_FORK", "no", 1);
    return run_tests_as_tap(name, timeout_s, tests, n, none ? "no CUDA device" : NULL);
}

#endif
