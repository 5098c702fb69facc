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
#include "bank.cuh"

namespace
{

template <class T> __global__ void row_sum_in_element_type(const T *x, T *y, long rows, long cols)
{
    const long row = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= rows)
        return;
    const T *in = x + row * cols;
    T acc = bank::from_float<T>(0.0f);
    for (long j = 0; j < cols; j++)
        acc = acc + in[j]; /* BUG: the addition happens in T (__hadd for 16 bits), not in float */
    y[row] = acc;
}

} // namespace

static int launch(const wb_problem *p)
{
    const unsigned threads = 128;
    const size_t blocks = bank::blocks_for((size_t)p->rows, threads);
    if (blocks > 0x7fffffffu)
        return WB_UNSUPPORTED;
    return bank::by_element_type(p->dtype, [p, blocks, threads](auto element) {
        using T = decltype(element);
        row_sum_in_element_type<T><<<(unsigned)blocks, threads, 0, p->stream>>>(
            (const T *)p->in[0], (T *)p->y, p->rows, p->cols);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"row_sum_half_accumulate", "row_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: running sum kept in the element type (float16 accumulation)"},
};
extern "C" const int wb_lesson_variant_count = 1;
