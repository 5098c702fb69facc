/* device.c: the CUDA runtime calls a lesson's launchers make, answered for
 * the trace tool's CPU build: an H200's figures (the GPU of the committed
 * profiles), so that launchers plan the grids they plan there; memory calls act
 * on the tool's buffers, which are host memory. */
#include <string.h>

#include "shim/cuda_runtime_api.h"
#include "trace.h"

int wbt_last_error;

cudaError_t cudaGetLastError(void)
{
    cudaError_t e = (cudaError_t)wbt_last_error;
    wbt_last_error = cudaSuccess;
    return e;
}

cudaError_t cudaPeekAtLastError(void)
{
    return (cudaError_t)wbt_last_error;
}

const char *cudaGetErrorString(cudaError_t e)
{
    switch (e) {
    case cudaSuccess:
        return "no error";
    case cudaErrorInvalidValue:
        return "invalid argument";
    case cudaErrorInvalidConfiguration:
        return "invalid configuration argument";
    default:
        return "error";
    }
}

cudaError_t cudaGetDevice(int *device)
{
    *device = 0;
    return cudaSuccess;
}

/* an H200: 132 SMs of 2048 threads, 227 KB of shared memory a block, 60 MB of L2 */
static const struct {
    enum cudaDeviceAttr attr;
    int value;
} h200[] = {
    {cudaDevAttrMaxThreadsPerBlock, 1024},
    {cudaDevAttrMaxSharedMemoryPerBlock, 49152},
    {cudaDevAttrWarpSize, 32},
    {cudaDevAttrMultiProcessorCount, 132},
    {cudaDevAttrL2CacheSize, 62914560},
    {cudaDevAttrMaxThreadsPerMultiProcessor, 2048},
    {cudaDevAttrComputeCapabilityMajor, 9},
    {cudaDevAttrComputeCapabilityMinor, 0},
    {cudaDevAttrMaxSharedMemoryPerMultiprocessor, 233472},
    {cudaDevAttrMaxSharedMemoryPerBlockOptin, 232448},
    {cudaDevAttrClusterLaunch, 1},
};

cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
{
    (void)device;
    for (size_t i = 0; i < sizeof h200 / sizeof h200[0]; i++)
        if (h200[i].attr == attr) {
            *value = h200[i].value;
            return cudaSuccess;
        }
    return cudaErrorInvalidValue;
}

/* as many blocks as the SM's threads hold (the lessons' kernels are not limited
 * by registers or shared memory on an H200 at these sizes) */
int wbt_occupancy_blocks_per_sm(int block_threads)
{
    return block_threads > 0 ? 2048 / block_threads : 0;
}

/* clusters resident at once: one block per SM, eight GPCs of 16 SMs */
int wbt_occupancy_clusters(unsigned cluster_blocks)
{
    return cluster_blocks > 0 && cluster_blocks <= 16 ? 8 * (16 / (int)cluster_blocks) : 0;
}

cudaError_t cudaMemsetAsync(void *p, int value, size_t n, cudaStream_t s)
{
    (void)s;
    memset(p, value, n);
    return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t n, int kind, cudaStream_t s)
{
    (void)kind, (void)s;
    memmove(dst, src, n);
    return cudaSuccess;
}
