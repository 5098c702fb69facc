/* bank.cuh: device helpers shared by the two kernel banks, grader/mutants/
 * (broken or cheating kernels) and grader/valid/ (unusual but right ones):
 * element types, the dtype switch and a block-wide reduction, so that each
 * bank file shows only what makes it broken or unusual. */
#ifndef BANK_CUH
#define BANK_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cmath>
#include <cstdint>

#include "wb.h"

namespace bank
{

/* The conversions cuda_fp16.h and cuda_bf16.h define (round to nearest),
 * under one name for the three element types. */
template <class T> __device__ __forceinline__ float to_float(T v)
{
    return static_cast<float>(v);
}
template <class T> __device__ __forceinline__ T from_float(float v)
{
    return T(v);
}

/* Calls run(T()) with T the element type of d. */
template <class Run> int by_dtype(wb_dtype d, Run run)
{
    switch (d) {
    case WB_F32:
        return run(float());
    case WB_F16:
        return run(__half());
    case WB_BF16:
        return run(__nv_bfloat16());
    default:
        return WB_UNSUPPORTED;
    }
}

/* Calls run(W()) with W an unsigned word of the element's size: copies and
 * transposes move bits, whatever the type. */
template <class Run> int by_element_size(wb_dtype d, Run run)
{
    return d == WB_F32 ? run(uint32_t()) : run(uint16_t());
}

struct Sum {
    static constexpr float identity = 0.0f;
    __device__ float operator()(float a, float b) const { return a + b; }
};
struct Max {
    static constexpr float identity = -INFINITY;
    __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

constexpr unsigned kThreads = 256; /* threads a block, where a kernel has no reason to differ */

inline unsigned blocks_for(size_t n, unsigned threads = kThreads)
{
    return (unsigned)((n + threads - 1) / threads);
}

/* An attribute of the current device (cudaDevAttr...). */
inline cudaError_t device_attribute(cudaDeviceAttr what, int *value)
{
    int device = 0;
    cudaError_t err = cudaGetDevice(&device);
    return err == cudaSuccess ? cudaDeviceGetAttribute(value, what, device) : err;
}

inline size_t elements(const wb_problem *p)
{
    return (size_t)p->rows * (size_t)p->cols;
}

/* y[i] = x[i], one word a thread: the plain copy that the kernels whose
 * fault (or oddity) lies elsewhere launch. */
template <class W> __global__ void copy_words(const W *__restrict__ x, W *__restrict__ y, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = x[i];
}

/* op over every thread's v, returned to every thread. blockDim.x is a
 * multiple of 32; every thread of the block calls it. */
template <class Op> __device__ float block_allreduce(float v, Op op)
{
    __shared__ float warp_totals[32];
    for (int lane_mask = 16; lane_mask > 0; lane_mask /= 2)
        v = op(v, __shfl_xor_sync(0xffffffffu, v, lane_mask));
    if (threadIdx.x % 32 == 0)
        warp_totals[threadIdx.x / 32] = v;
    __syncthreads();
    v = warp_totals[0];
    for (unsigned w = 1; w < blockDim.x / 32; w++)
        v = op(v, warp_totals[w]);
    __syncthreads(); /* warp_totals is written again by the next call */
    return v;
}

} // namespace bank

#endif /* BANK_CUH */
