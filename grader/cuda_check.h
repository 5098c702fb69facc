/* cuda_check.h: every CUDA call in the grader goes through WB_CUDA, which
 * records the failing call and its error string and returns from the
 * enclosing function with -1. Nothing is swallowed. */
#ifndef WB_CUDA_CHECK_H
#define WB_CUDA_CHECK_H

#include <cuda_runtime_api.h>
#include <stdio.h>

/* The last error a WB_CUDA call saw, for the test's message. */
extern char wb_cuda_error[256];
extern cudaError_t wb_cuda_status;

#define WB_CUDA(call)                                                                              \
    do {                                                                                           \
        cudaError_t wb_err_ = (call);                                                              \
        if (wb_err_ != cudaSuccess) {                                                              \
            wb_cuda_status = wb_err_;                                                              \
            snprintf(wb_cuda_error, sizeof wb_cuda_error, "CUDA error: %s (%s) in %s",             \
                     cudaGetErrorString(wb_err_), cudaGetErrorName(wb_err_), #call);               \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

#endif
