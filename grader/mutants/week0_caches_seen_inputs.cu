// expect: timed_mismatch|repeat_mismatch
// shapes: 1024x256
// dtypes: f32
// flags: --time
// class: skipping the timed runs
// incident: GPU MODE reference-kernels PRs 102, 160, 167 (outputs cached across timed calls)
/* Mutant for Week 0: a copy that remembers the input buffers it has copied
 * (by address, as a result cache keyed on the arguments does) and does
 * nothing when it meets one again, trusting the output to still hold the
 * answer. The checked call and the repeated call each get a buffer it has
 * not seen, so both pass. The timing loop hands it two buffers in turn,
 * refilled with a new derivation of the input before every call, and the
 * output is poisoned each time: a call that skips leaves the poison, and
 * the checked sample of timed calls finds it, unless the repeated call after
 * the loop, which gets the checked call's buffer again, is judged first
 * (repeat_mismatch): either way the skipped work is caught. (A fingerprint
 * of the values would not help it either: no two launches see the same
 * values.) */
#include "bank.cuh"

namespace
{

struct Seen {
    const void *x;
};
constexpr int kRemembered = 64;
__device__ Seen seen[kRemembered];
__device__ unsigned seen_count;
__device__ bool input_seen;

/* One thread: is this input buffer one copied before? If not, remember it. */
template <class W> __global__ void look_up_input(const W *x)
{
    input_seen = false;
    for (unsigned i = 0; i < seen_count && i < kRemembered; i++)
        if (seen[i].x == x)
            input_seen = true; /* BUG: the output is assumed to hold the answer */
    if (!input_seen)
        seen[seen_count++ % kRemembered] = {x};
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
        look_up_input<W><<<1, 1, 0, p->stream>>>((const W *)p->in[0]);
        copy_unless_seen<W><<<bank::blocks_for(n), bank::kThreads, 0, p->stream>>>(
            (const W *)p->in[0], (W *)p->y, n);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {{"copy_unless_seen", "copy", launch,
                                                     WB_ALL_DTYPES, 0, NULL,
                                                     "mutant: skips inputs it has copied before"}};
extern "C" const int wb_lesson_variant_count = 1;
