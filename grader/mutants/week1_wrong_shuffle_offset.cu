// expect: wrong
// shapes: 128x1024
/* Mutant for Week 1: a row sum whose warp shuffle loop stops one step
 * early (offsets 16, 8, 4, 2 but not 1), so lane 0 never receives lane 1's
 * half of the warp: every warp total misses the values that were folded
 * into the odd lanes. One block per row, block reduction by shuffles with
 * one shared-memory step across warps, exactly as in the lesson except for
 * the loop bound. The grader must say "wrong". */
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

__device__ float warp_sum(float v)
{
    /* BUG: `offset > 1` skips the last step; it must be `offset > 0` */
    for (int offset = warpSize / 2; offset > 1; offset /= 2)
        v += __shfl_down_sync(0xffffffffu, v, offset);
    return v;
}

template <class T> __global__ void row_sum_short_shuffle(const T *x, T *y, long cols)
{
    __shared__ float warp_totals[BLOCK / 32];
    const T *row = x + (long)blockIdx.x * cols;
    float acc = 0.0f;
    for (long j = threadIdx.x; j < cols; j += BLOCK)
        acc += to_float(row[j]);
    acc = warp_sum(acc);
    if (threadIdx.x % 32 == 0)
        warp_totals[threadIdx.x / 32] = acc;
    __syncthreads();
    if (threadIdx.x < 32) {
        acc = threadIdx.x < BLOCK / 32 ? warp_totals[threadIdx.x] : 0.0f;
        acc = warp_sum(acc);
        if (threadIdx.x == 0)
            y[blockIdx.x] = from_float<T>(acc);
    }
}

template <class T> int run(const wb_problem *p)
{
    if (p->rows > 0x7fffffffL)
        return WB_UNSUPPORTED;
    row_sum_short_shuffle<T><<<(unsigned)p->rows, BLOCK, 0, p->stream>>>(
        static_cast<const T *>(p->x), static_cast<T *>(p->y), p->cols);
    return (int)cudaGetLastError();
}

} // namespace

extern "C" int launch_row_sum_wrong_shuffle_offset(const wb_problem *p)
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
    {"row_sum_wrong_shuffle_offset", "row_sum", launch_row_sum_wrong_shuffle_offset, WB_ALL_DTYPES,
     0, NULL, "mutant: warp shuffle loop stops before offset 1"},
};
extern "C" const int wb_lesson_variant_count = 1;
