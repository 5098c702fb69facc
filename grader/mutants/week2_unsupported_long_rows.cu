// expect: missing_support
// shapes: 7x1024,7x1025
// class: points without the work
// incident: issue 14, its adversarial bank graded at af409c1 (no public incident of its own)
/* Mutant for Week 2: a right softmax for rows of up to 1024 values (one
 * block a row, one value a thread) that answers WB_UNSUPPORTED for every
 * longer row while declaring no limit (max_cols 0). Week 2 requires every
 * graded length of softmax_online (grader/week2.score), so 7 x 1025 fails
 * for want of support instead of being skipped. */
#include "bank.cuh"

namespace
{

constexpr int kMaxCols = 1024;

template <class T> __global__ void softmax_one_value_a_thread(const T *x, T *y, int cols)
{
    const size_t at = (size_t)blockIdx.x * cols + threadIdx.x;
    const bool mine = (int)threadIdx.x < cols;
    const float v = mine ? bank::to_float(x[at]) : -INFINITY;
    const float m = bank::block_allreduce(v, bank::Max());
    const float e = mine ? expf(v - m) : 0.0f;
    const float s = bank::block_allreduce(e, bank::Sum());
    if (mine)
        y[at] = bank::from_float<T>(e / s);
}

} // namespace

static int launch(const wb_problem *p)
{
    if (p->cols > kMaxCols || p->rows > 0x7fffffffL)
        return WB_UNSUPPORTED; /* BUG: the week requires every graded length */
    return bank::by_element_type(p->dtype, [p](auto element) {
        using T = decltype(element);
        softmax_one_value_a_thread<T><<<(unsigned)p->rows, kMaxCols, 0, p->stream>>>(
            (const T *)p->in[0], (T *)p->y, (int)p->cols);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"softmax_online", "softmax", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: rows of up to 1024 values, unsupported beyond"}};
extern "C" const int wb_lesson_variant_count = 1;
