// expect: wrong
// shapes: 128x4096
/* Mutant for Week 2: an online softmax that forgets to rescale its running
 * sum when the running maximum grows. Each thread keeps (m, s) over its
 * elements; on a new maximum the terms already in s should shrink by
 * e^(m_old - m_new), and here they do not, so s counts stale terms at their
 * old, too large, weight. The merge across threads is right, so a thread
 * that sees one element (rows of up to 256 here) is unaffected; on longer
 * rows every row of random scores has threads whose maximum changed, s is
 * too large by a factor far outside any bound, and every output is too small
 * but finite. The -inf guard is kept, so masked rows give no NaN: the grader
 * must say "wrong". */
#include "bank.cuh"

namespace
{

struct MaxSum {
    float m, s;
};

struct Merge { /* right */
    __device__ MaxSum operator()(MaxSum a, MaxSum b) const
    {
        float m = fmaxf(a.m, b.m);
        float base = m == -INFINITY ? 0.0f : m;
        return {m, a.s * expf(a.m - base) + b.s * expf(b.m - base)};
    }
};

template <class T> __global__ void softmax_stale_sum(const T *x, T *y, long cols)
{
    const T *xr = x + blockIdx.x * cols;
    T *yr = y + blockIdx.x * cols;
    MaxSum st = {-INFINITY, 0.0f};
    for (long j = threadIdx.x; j < cols; j += bank::kThreads) {
        float v = bank::to_float(xr[j]);
        st.m = fmaxf(st.m, v); /* BUG: st.s is not multiplied by e^(m_old - m_new) */
        float base = st.m == -INFINITY ? 0.0f : st.m;
        st.s += expf(v - base);
    }
    st = bank::block_allreduce(st, Merge());
    for (long j = threadIdx.x; j < cols; j += bank::kThreads)
        yr[j] = bank::from_float<T>(expf(bank::to_float(xr[j]) - st.m) / st.s);
}

} // namespace

static int launch(const wb_problem *p)
{
    return bank::a_block_a_row(p,
                               [](auto element) { return softmax_stale_sum<decltype(element)>; });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"softmax_online_wrong_rescale", "softmax", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: online softmax whose running sum is not rescaled when the maximum grows"},
};
extern "C" const int wb_lesson_variant_count = 1;
