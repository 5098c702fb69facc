// expect: wrong
// shapes: 2048x8192,512x4096
/* Mutant for Week 1: a row sum whose shared-memory tree has lost its
 * barriers. One block per row; each thread sums a strided share of the row
 * in float, then the block folds the 256 partials with sequential
 * addressing, but without __syncthreads() after the partials are written or
 * between the steps of the tree. Threads read slots that other warps have
 * not written yet (or wrote for an earlier row), so some rows come out
 * wrong. The grader must say "wrong". */
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "wb.h"

namespace
{

constexpr int BLOCK = 256;

__device__ float to_float(float v)
{
    return v;
}
__device__ float to_float(__half v)
{
    return __half2float(v);
}
__device__ float to_float(__nv_bfloat16 v)
{
    return __bfloat162float(v);
}
template <class T> __device__ T from_float(float v);
template <> __device__ float from_float<float>(float v)
{
    return v;
}
template <> __device__ __half from_float<__half>(float v)
{
    return __float2half_rn(v);
}
template <> __device__ __nv_bfloat16 from_float<__nv_bfloat16>(float v)
{
    return __float2bfloat16_rn(v);
}

template <class T> __global__ void row_sum_without_barriers(const T *x, T *y, long cols)
{
    __shared__ float partial[BLOCK];
    const T *row = x + (long)blockIdx.x * cols;
    float acc = 0.0f;
    for (long j = threadIdx.x; j < cols; j += BLOCK)
        acc += to_float(row[j]);
    partial[threadIdx.x] = acc;
    /* BUG: a __syncthreads() belongs here, and after every step below */
    for (unsigned s = BLOCK / 2; s > 0; s /= 2)
        if (threadIdx.x < s)
            partial[threadIdx.x] += partial[threadIdx.x + s];
    if (threadIdx.x == 0)
        y[blockIdx.x] = from_float<T>(partial[0]);
}

template <class T> int run(const wb_problem *p)
{
    if (p->rows > 0x7fffffffL)
        return WB_UNSUPPORTED;
    row_sum_without_barriers<T><<<(unsigned)p->rows, BLOCK, 0, p->stream>>>(
        static_cast<const T *>(p->x), static_cast<T *>(p->y), p->cols);
    return (int)cudaGetLastError();
}

} // namespace

extern "C" int launch_row_sum_missing_sync(const wb_problem *p)
{
    switch (p->dtype) {
    case WB_F32:
        return run<float>(p);
    case WB_F16:
        return run<__half>(p);
    case WB_BF16:
        return run<__nv_bfloat16>(p);
    default:
        return WB_UNSUPPORTED;
    }
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"row_sum_missing_sync", "row_sum", launch_row_sum_missing_sync, WB_ALL_DTYPES, 0, NULL,
     "mutant: shared-memory tree without __syncthreads()"},
};
extern "C" const int wb_lesson_variant_count = 1;
