/* cuda_check.c: where the last CUDA error a WB_CUDA call saw is kept
 * (cuda_check.h): the grader and every tool that links its timing loop
 * (the bench sweeps) share it. */
#include "cuda_check.h"

char wb_cuda_error[256];
cudaError_t wb_cuda_status;
