// expect: timed_mismatch
// shapes: 1024x256
// dtypes: f32
// flags: --time
// class: skipping the timed runs
// incident: GPU MODE reference-kernels PRs 102, 160, 167 (outputs cached across timed calls)
/* Mutant for Week 0: a copy that remembers the inputs it has copied (their
 * address and a fingerprint of 64 sampled values) and does nothing when it
 * meets one again, trusting the output to still hold the answer. A fresh
 * input, as in the grader's repeated call, is copied, so that check passes;
 * timed repetitions that reuse an input skip the work. When each repetition's
 * output is poisoned, a reused input leaves the poison in place. */
#include "bank.cuh"

namespace
{

struct Seen {
    const void *x;
    unsigned long long fingerprint;
};
constexpr int kRemembered = 64;
__device__ Seen seen[kRemembered];
__device__ unsigned seen_count;
__device__ bool input_seen;

/* One thread: is this input one copied before? If not, remember it. */
template <class W> __global__ void look_up_input(const W *x, size_t n)
{
    unsigned long long h = 14695981039346656037ull; /* FNV-1a over 64 sampled words */
    for (size_t k = 0; k < 64; k++)
        h = (h ^ x[(n - 1) * k / 63]) * 1099511628211ull;
    input_seen = false;
    for (unsigned i = 0; i < seen_count && i < kRemembered; i++)
        if (seen[i].x == x && seen[i].fingerprint == h)
            input_seen = true; /* BUG: the output is assumed to hold the answer */
    if (!input_seen)
        seen[seen_count++ % kRemembered] = {x, h};
}

template <class W> __global__ void copy_unless_seen(const W *x, W *y, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (!input_seen && i < n)
        y[i] = x[i];
}

} // namespace

static int launch(const wb_problem *p)
{
    return bank::by_element_size(p->dtype, [p](auto word) {
        using W = decltype(word);
        size_t n = bank::elements(p);
        look_up_input<W><<<1, 1, 0, p->stream>>>((const W *)p->x, n);
        copy_unless_seen<W>
            <<<bank::blocks_for(n), bank::kThreads, 0, p->stream>>>((const W *)p->x, (W *)p->y, n);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {{"copy_unless_seen", "copy", launch,
                                                     WB_ALL_DTYPES, 0, NULL,
                                                     "mutant: skips inputs it has copied before"}};
extern "C" const int wb_lesson_variant_count = 1;
