// expect: read_out_of_bounds
// shapes: 1x7,1x1048577
// dtypes: f32
// class: contract breaches
// incident: issue 14, its adversarial bank graded at af409c1 (no public incident of its own)
/* Mutant for Week 1: an array sum that loads the input as whole 16-byte
 * packs and forgets that the last pack may be partial: for 7 or 1048577
 * float32 values it reads 1 or 3 values past the end and adds them. They
 * lie in the grader's input guard zone, whose bytes 0x7B make a value of
 * about 1.3e36, so the sum is far off, and it changes when only the guard's
 * contents change. */
#include <cstring>

#include "bank.cuh"

namespace
{

constexpr unsigned kBlock = 1024;

template <class T> __global__ void sum_by_whole_packs(const T *x, T *y, size_t n)
{
    constexpr size_t per_pack = 16 / sizeof(T);
    const uint4 *packs = reinterpret_cast<const uint4 *>(x);
    const size_t count = (n + per_pack - 1) / per_pack; /* BUG: the last pack overruns x */
    float acc = 0.0f;
    for (size_t i = threadIdx.x; i < count; i += kBlock) {
        T v[per_pack];
        memcpy(v, &packs[i], sizeof v);
        for (size_t k = 0; k < per_pack; k++)
            acc += bank::to_float(v[k]);
    }
    acc = bank::block_allreduce(acc, bank::Sum());
    if (threadIdx.x == 0)
        *y = bank::from_float<T>(acc);
}

} // namespace

static int launch(const wb_problem *p)
{
    return bank::by_element_type(p->dtype, [p](auto element) {
        using T = decltype(element);
        sum_by_whole_packs<T>
            <<<1, kBlock, 0, p->stream>>>((const T *)p->in[0], (T *)p->y, bank::elements(p));
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"array_sum_whole_packs", "array_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: the last 16-byte load reads past the end of x"}};
extern "C" const int wb_lesson_variant_count = 1;
