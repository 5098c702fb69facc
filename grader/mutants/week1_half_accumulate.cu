// expect: wrong
// shapes: 128x8192,2048x4096
// dtypes: f16
/* Mutant for Week 1: a row sum that accumulates in the element type. One
 * thread per row keeps a running sum of type T: right for float32, but in
 * float16 (and bfloat16) the sum stops growing once it is a few thousand
 * times larger than the elements, since each new element is below half a
 * unit in the last place of the sum and rounds away. On the grader's rows
 * of 4096 and 8192 the float16 result is far outside the float16 bound
 * (grader/tests/test_reduce_ref.c checks this on the host). The grader must
 * say "wrong". */
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "wb.h"

namespace
{

/* BUG: the addition happens in T, not in float */
__device__ float add_in_type(float acc, float v)
{
    return acc + v;
}
__device__ __half add_in_type(__half acc, __half v)
{
    return __hadd(acc, v);
}
__device__ __nv_bfloat16 add_in_type(__nv_bfloat16 acc, __nv_bfloat16 v)
{
    return __hadd(acc, v);
}

template <class T> __device__ T zero();
template <> __device__ float zero<float>()
{
    return 0.0f;
}
template <> __device__ __half zero<__half>()
{
    return __float2half_rn(0.0f);
}
template <> __device__ __nv_bfloat16 zero<__nv_bfloat16>()
{
    return __float2bfloat16_rn(0.0f);
}

template <class T> __global__ void row_sum_in_element_type(const T *x, T *y, long rows, long cols)
{
    const long row = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= rows)
        return;
    const T *in = x + row * cols;
    T acc = zero<T>();
    for (long j = 0; j < cols; j++)
        acc = add_in_type(acc, in[j]);
    y[row] = acc;
}

template <class T> int run(const wb_problem *p)
{
    const long threads = 128, blocks = (p->rows + threads - 1) / threads;
    if (blocks > 0x7fffffffL)
        return WB_UNSUPPORTED;
    row_sum_in_element_type<T><<<(unsigned)blocks, (unsigned)threads, 0, p->stream>>>(
        static_cast<const T *>(p->x), static_cast<T *>(p->y), p->rows, p->cols);
    return (int)cudaGetLastError();
}

} // namespace

extern "C" int launch_row_sum_half_accumulate(const wb_problem *p)
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
    {"row_sum_half_accumulate", "row_sum", launch_row_sum_half_accumulate, WB_ALL_DTYPES, 0, NULL,
     "mutant: running sum kept in the element type (float16 accumulation)"},
};
extern "C" const int wb_lesson_variant_count = 1;
