// expect: wrong
// shapes: 2048x8192,512x4096
/* Mutant for Week 1: a row sum whose shared-memory tree has lost its
 * barriers. One block per row; each thread sums a strided share of the row
 * in float, then the block folds the 256 partials with sequential
 * addressing, but without __syncthreads() after the partials are written or
 * between the steps of the tree. Threads read slots that other warps have
 * not written yet (or wrote for an earlier row), so some rows come out
 * wrong. The grader must say "wrong". */
#include "bank.cuh"

namespace
{

template <class T> __global__ void row_sum_without_barriers(const T *x, T *y, long cols)
{
    __shared__ float partial[bank::kThreads];
    const T *row = x + (long)blockIdx.x * cols;
    float acc = 0.0f;
    for (long j = threadIdx.x; j < cols; j += bank::kThreads)
        acc += bank::to_float(row[j]);
    partial[threadIdx.x] = acc;
    /* BUG: a __syncthreads() belongs here, and after every step below */
    for (unsigned s = bank::kThreads / 2; s > 0; s /= 2)
        if (threadIdx.x < s)
            partial[threadIdx.x] += partial[threadIdx.x + s];
    if (threadIdx.x == 0)
        y[blockIdx.x] = bank::from_float<T>(partial[0]);
}

} // namespace

static int launch(const wb_problem *p)
{
    return bank::a_block_a_row(
        p, [](auto element) { return row_sum_without_barriers<decltype(element)>; });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"row_sum_missing_sync", "row_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: shared-memory tree without __syncthreads()"},
};
extern "C" const int wb_lesson_variant_count = 1;
