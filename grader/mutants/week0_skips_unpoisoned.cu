// expect: timed_mismatch
// shapes: 1024x256
// dtypes: f32
// flags: --time
// class: skipping the timed runs
// incident: GPU MODE reference-kernels PRs 102, 160, 167 (results replayed across timed calls)
/* Mutant for Week 0: a copy that writes an element only while the output
 * still holds the grader's poison (every byte 0xFF, as grader/compare.h
 * publishes). A checked call finds the poison and copies; a repetition finds
 * the last answer still there and skips the work, reading y alone. When each
 * timed repetition is poisoned afresh with a pattern of its own, the skipped
 * elements keep that poison, and the checked repetitions see it. */
#include "bank.cuh"

template <class W> __global__ void copy_while_poisoned(const W *x, W *y, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && y[i] == (W)~W(0)) /* BUG: "already done" unless poisoned */
        y[i] = x[i];
}

static int launch(const wb_problem *p)
{
    return bank::by_element_size(p->dtype, [p](auto word) {
        using W = decltype(word);
        size_t n = bank::elements(p);
        copy_while_poisoned<W><<<bank::blocks_for(n), bank::kThreads, 0, p->stream>>>(
            (const W *)p->in[0], (W *)p->y, n);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_while_poisoned", "copy", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: copies only over the grader's poison value"}};
extern "C" const int wb_lesson_variant_count = 1;
