// expect: pass
// flags: --time
// class: unusual but right
// why: e^(x - m) as exp2f((x - m) * log2 e), with the subtraction before the scaling
/* Valid kernel for Week 2: a safe softmax, one block of 512 threads a row,
 * three passes over the row (maximum, sum, output), whose exponentials are
 * exp2f((x - m) * log2 e): one MUFU.EX2 each. Subtracting m first keeps the
 * argument at most 0, so a row of values near the type's largest (row 6 of
 * the grader's input) gives no inf; prescaling x by log2 e first would
 * overflow there. -inf values give exp2f(-inf) = 0. The grader must pass
 * it for every shape and dtype, rows of 131073 values included. */
#include "bank.cuh"

namespace
{

constexpr unsigned kBlock = 512;
constexpr float kLog2e = 1.4426950408889634f;

template <class T>
__global__ void softmax_exp2(const T *__restrict__ x, T *__restrict__ y, long cols)
{
    const T *in = x + blockIdx.x * cols;
    T *out = y + blockIdx.x * cols;
    float m = bank::Max::identity;
    for (long j = threadIdx.x; j < cols; j += kBlock)
        m = fmaxf(m, bank::to_float(in[j]));
    m = bank::block_allreduce(m, bank::Max());
    float s = 0.0f;
    for (long j = threadIdx.x; j < cols; j += kBlock)
        s += exp2f((bank::to_float(in[j]) - m) * kLog2e);
    s = bank::block_allreduce(s, bank::Sum());
    for (long j = threadIdx.x; j < cols; j += kBlock)
        out[j] = bank::from_float<T>(exp2f((bank::to_float(in[j]) - m) * kLog2e) / s);
}

} // namespace

static int launch(const wb_problem *p)
{
    return bank::a_block_a_row(
        p, [](auto element) { return softmax_exp2<decltype(element)>; }, kBlock);
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"softmax_exp2", "softmax", launch, WB_ALL_DTYPES, 0, NULL,
     "valid: safe softmax with exp2f((x - m) * log2 e)"}};
extern "C" const int wb_lesson_variant_count = 1;
