// expect: wrong
// shapes: 128x4096
/* Mutant for Week 2: an online softmax that forgets to rescale its running
 * sum when the running maximum grows. Each thread keeps (m, s) over its
 * elements; on a new maximum the terms already in s should shrink by
 * e^(m_old - m_new), and here they do not, so s counts stale terms at their
 * old, too large, weight. The merge across threads is right, so a thread
 * that sees one element (rows of up to 256 here) is unaffected; on longer
 * rows every row of random scores has threads whose maximum changed, s is
 * too large by a factor far outside any bound, and every output is too small
 * but finite. The -inf guard is kept, so masked rows give no NaN: the grader
 * must say "wrong". */
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

struct MaxSum {
    float m, s;
};

__device__ MaxSum merge(MaxSum a, MaxSum b) /* right */
{
    float m = fmaxf(a.m, b.m);
    float base = m == -INFINITY ? 0.0f : m;
    return {m, a.s * expf(a.m - base) + b.s * expf(b.m - base)};
}

__device__ MaxSum block_merge(MaxSum v)
{
    __shared__ MaxSum partial[kThreads / 32];
    for (int o = 16; o > 0; o /= 2) {
        MaxSum other = {__shfl_xor_sync(0xffffffffu, v.m, o), __shfl_xor_sync(0xffffffffu, v.s, o)};
        v = merge(v, other);
    }
    if (threadIdx.x % 32 == 0)
        partial[threadIdx.x / 32] = v;
    __syncthreads();
    MaxSum all = {-INFINITY, 0.0f};
    for (int w = 0; w < kThreads / 32; w++)
        all = merge(all, partial[w]);
    return all;
}

template <typename T> __global__ void softmax_stale_sum(const T *x, T *y, long cols)
{
    const T *xr = x + blockIdx.x * cols;
    T *yr = y + blockIdx.x * cols;
    MaxSum st = {-INFINITY, 0.0f};
    for (long j = threadIdx.x; j < cols; j += kThreads) {
        float v = load(xr, j);
        st.m = fmaxf(st.m, v); /* BUG: st.s is not multiplied by e^(m_old - m_new) */
        float base = st.m == -INFINITY ? 0.0f : st.m;
        st.s += expf(v - base);
    }
    st = block_merge(st);
    for (long j = threadIdx.x; j < cols; j += kThreads)
        store(yr, j, expf(load(xr, j) - st.m) / st.s);
}

template <typename T> int run(const wb_problem *p)
{
    softmax_stale_sum<T><<<(unsigned)p->rows, kThreads, 0, p->stream>>>(
        static_cast<const T *>(p->x), static_cast<T *>(p->y), p->cols);
    return (int)cudaGetLastError();
}

} // namespace

extern "C" int launch_softmax_online(const wb_problem *p)
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
    {"softmax_online_wrong_rescale", "softmax", launch_softmax_online, WB_ALL_DTYPES, 0, NULL,
     "mutant: online softmax whose running sum is not rescaled when the maximum grows"},
};
extern "C" const int wb_lesson_variant_count = 1;
