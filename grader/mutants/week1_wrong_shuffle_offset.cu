// expect: wrong
// shapes: 128x1024
/* Mutant for Week 1: a row sum whose warp shuffle loop stops one step
 * early (offsets 16, 8, 4, 2 but not 1), so lane 0 never receives lane 1's
 * half of the warp: every warp total misses the values that were folded
 * into the odd lanes. One block per row, block reduction by shuffles with
 * one shared-memory step across warps, exactly as in the lesson except for
 * the loop bound. The grader must say "wrong". */
#include "bank.cuh"

namespace
{

__device__ float warp_sum(float v)
{
    /* BUG: `offset > 1` skips the last step; it must be `offset > 0` */
    for (int offset = warpSize / 2; offset > 1; offset /= 2)
        v += __shfl_down_sync(0xffffffffu, v, offset);
    return v;
}

template <class T> __global__ void row_sum_short_shuffle(const T *x, T *y, long cols)
{
    __shared__ float warp_totals[bank::kThreads / 32];
    const T *row = x + (long)blockIdx.x * cols;
    float acc = 0.0f;
    for (long j = threadIdx.x; j < cols; j += bank::kThreads)
        acc += bank::to_float(row[j]);
    acc = warp_sum(acc);
    if (threadIdx.x % 32 == 0)
        warp_totals[threadIdx.x / 32] = acc;
    __syncthreads();
    if (threadIdx.x < 32) {
        acc = threadIdx.x < bank::kThreads / 32 ? warp_totals[threadIdx.x] : 0.0f;
        acc = warp_sum(acc);
        if (threadIdx.x == 0)
            y[blockIdx.x] = bank::from_float<T>(acc);
    }
}

} // namespace

static int launch(const wb_problem *p)
{
    return bank::a_block_a_row(
        p, [](auto element) { return row_sum_short_shuffle<decltype(element)>; });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"row_sum_wrong_shuffle_offset", "row_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: warp shuffle loop stops before offset 1"},
};
extern "C" const int wb_lesson_variant_count = 1;
