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
#include "bank.cuh"

namespace
{

template <class T> __global__ void softmax_half_sum(const T *x, T *y, long cols)
{
    const T *xr = x + blockIdx.x * cols;
    T *yr = y + blockIdx.x * cols;
    float m = bank::Max::identity;
    for (long j = threadIdx.x; j < cols; j += bank::kThreads)
        m = fmaxf(m, bank::to_float(xr[j]));
    m = bank::block_allreduce(m, bank::Max());
    __half s = __float2half_rn(0.0f); /* BUG: the sum is accumulated in float16 */
    for (long j = threadIdx.x; j < cols; j += bank::kThreads)
        s = __hadd(s, __float2half_rn(expf(bank::to_float(xr[j]) - m)));
    s = bank::block_allreduce(s, [](__half a, __half b) { return __hadd(a, b); });
    const float sum = __half2float(s);
    for (long j = threadIdx.x; j < cols; j += bank::kThreads)
        yr[j] = bank::from_float<T>(expf(bank::to_float(xr[j]) - m) / sum);
}

} // namespace

static int launch(const wb_problem *p)
{
    return bank::a_block_a_row(p, [](auto element) { return softmax_half_sum<decltype(element)>; });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"softmax_half_exp_sum", "softmax", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: safe softmax with the sum of exponentials kept in float16"},
};
extern "C" const int wb_lesson_variant_count = 1;
