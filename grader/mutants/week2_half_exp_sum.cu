// expect: wrong
// shapes: 128x1024
// dtypes: f32
/* Mutant for Week 2: a safe softmax whose sum of exponentials is kept in
 * float16. The maximum and the exponentials are right, but every addition
 * of the sum rounds to 11 bits: a relative error of about 1e-3 on any row of
 * more than a few non-constant terms, hundreds of times the float32 bound,
 * and on rows of more than 65504 terms near 1 the sum overflows to inf and
 * the outputs become 0. Every term is at most 1 and the sum at least 1 (or
 * inf), so no output is NaN: the grader must say "wrong" (float32 shows it on
 * every shape of 7 rows or more with 8 columns or more). */
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <climits>
#include <cmath>

#include "week2.h"

namespace
{

constexpr int kThreads = 256;

__device__ float load(const float *p, long i)
{
    return p[i];
}
__device__ float load(const __half *p, long i)
{
    return __half2float(p[i]);
}
__device__ float load(const __nv_bfloat16 *p, long i)
{
    return __bfloat162float(p[i]);
}
__device__ void store(float *p, long i, float v)
{
    p[i] = v;
}
__device__ void store(__half *p, long i, float v)
{
    p[i] = __float2half_rn(v);
}
__device__ void store(__nv_bfloat16 *p, long i, float v)
{
    p[i] = __float2bfloat16_rn(v);
}

__device__ float block_max(float v)
{
    __shared__ float partial[kThreads / 32];
    for (int o = 16; o > 0; o /= 2)
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    if (threadIdx.x % 32 == 0)
        partial[threadIdx.x / 32] = v;
    __syncthreads();
    float m = -INFINITY;
    for (int w = 0; w < kThreads / 32; w++)
        m = fmaxf(m, partial[w]);
    return m;
}

__device__ __half block_sum_half(__half v)
{
    __shared__ __half partial[kThreads / 32];
    for (int o = 16; o > 0; o /= 2)
        v = __hadd(v, __shfl_xor_sync(0xffffffffu, v, o));
    if (threadIdx.x % 32 == 0)
        partial[threadIdx.x / 32] = v;
    __syncthreads();
    __half s = __float2half_rn(0.0f);
    for (int w = 0; w < kThreads / 32; w++)
        s = __hadd(s, partial[w]);
    return s;
}

template <typename T> __global__ void softmax_half_sum(const T *x, T *y, long cols)
{
    const T *xr = x + blockIdx.x * cols;
    T *yr = y + blockIdx.x * cols;
    float m = -INFINITY;
    for (long j = threadIdx.x; j < cols; j += kThreads)
        m = fmaxf(m, load(xr, j));
    m = block_max(m);
    __half s = __float2half_rn(0.0f); /* BUG: the sum is accumulated in float16 */
    for (long j = threadIdx.x; j < cols; j += kThreads)
        s = __hadd(s, __float2half_rn(expf(load(xr, j) - m)));
    float sum = __half2float(block_sum_half(s));
    for (long j = threadIdx.x; j < cols; j += kThreads)
        store(yr, j, expf(load(xr, j) - m) / sum);
}

template <typename T> int run(const wb_problem *p)
{
    softmax_half_sum<T><<<(unsigned)p->rows, kThreads, 0, p->stream>>>(
        static_cast<const T *>(p->x), static_cast<T *>(p->y), p->cols);
    return (int)cudaGetLastError();
}

} // namespace

extern "C" int launch_softmax_safe(const wb_problem *p)
{
    if (p->rows <= 0 || p->cols <= 0)
        return WB_OK;
    if (p->rows > INT_MAX)
        return WB_UNSUPPORTED;
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
    {"softmax_half_exp_sum", "softmax", launch_softmax_safe, WB_ALL_DTYPES, 0, NULL,
     "mutant: safe softmax with the sum of exponentials kept in float16"},
};
extern "C" const int wb_lesson_variant_count = 1;
