// expect: timed_mismatch|repeat_mismatch
// shapes: 1x1048577,1x1000
// dtypes: f32
// flags: --time
// class: skipping the timed runs
// incident: none public: found in review (session 10); a whole-array sum is the same under every rotation of its input, and a negation only flips its sign
/* Mutant for Week 1: an array sum that remembers its last answer. A call
 * on the input buffer it has just summed reads only the sign of the first
 * non-zero element, to see whether the input was negated, and hands back
 * the remembered sum with that sign. The timing loop derives each call's
 * input into one of two buffers picked at random, so about half of the
 * timed calls meet the buffer of the call before. (Run 13f graded an
 * earlier form that recalled once and then summed again, a third of the
 * calls; with the three sampled calls and the watched one, a test let it
 * through one time in five. This one recalls every time, on two shapes: four
 * tests, each missing it one time in sixteen.) Rotation leaves a sum as
 * it was and a negation only flips it, so the grader before session 10
 * passed this kernel (run 13f: both tests, with --time). The grader now
 * also flips the signs of about half of the elements at every launch of a
 * whole-array sum (derivation.h), and a recalled sum is wrong on any of
 * the timed calls the grader checks. */
#include "bank.cuh"

namespace
{

__device__ float remembered_sum;
__device__ float remembered_sign;

template <class T> __device__ float first_sign(const T *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = bank::to_float(x[i]);
        if (v != 0.0f)
            return v < 0.0f ? -1.0f : 1.0f;
    }
    return 1.0f;
}

/* one block: the honest sum, remembered with the sign it was seen with */
template <class T> __global__ void sum_and_remember(const T *x, T *y, size_t n)
{
    float total = bank::grid_stride_sum(x, n);
    if (threadIdx.x == 0) {
        *y = bank::from_float<T>(total);
        remembered_sum = total;
        remembered_sign = first_sign(x, n);
    }
}

/* BUG: one element read, the rest assumed unchanged up to a sign */
template <class T> __global__ void recall(const T *x, T *y, size_t n)
{
    *y =
        bank::from_float<T>(first_sign(x, n) == remembered_sign ? remembered_sum : -remembered_sum);
}

} // namespace

static int launch(const wb_problem *p)
{
    static const void *summed; /* the buffer of the last honest call */
    const bool again = summed == p->in[0];
    summed = p->in[0];
    return bank::by_element_type(p->dtype, [p, again](auto element) {
        using T = decltype(element);
        if (again)
            recall<T><<<1, 1, 0, p->stream>>>((const T *)p->in[0], (T *)p->y, bank::elements(p));
        else
            sum_and_remember<T>
                <<<1, 1024, 0, p->stream>>>((const T *)p->in[0], (T *)p->y, bank::elements(p));
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"array_sum_remembers", "array_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: recalls the last sum, reading one element's sign"}};
extern "C" const int wb_lesson_variant_count = 1;
