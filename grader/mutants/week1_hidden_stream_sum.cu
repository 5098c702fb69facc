// expect: implausible_speed
// shapes: 1x16777216
// dtypes: f32
// flags: --time --no-runtime-guard
// class: a speed above physics
// incident: "30x faster than the hardware allows"; KernelBench PR 82 (work off the timed stream)
/* Mutant for Week 1: an array sum whose work runs on a stream of its own,
 * created through the driver found by name (libcuda_symbol.h), so no symbol
 * shows it. Every output is right: the grader waits for the whole device
 * before it reads one. But the events on p->stream time an empty stream, so
 * 64 MiB seem to be read in a few microseconds.
 *
 * Graded with the run-time guard switched off (--no-runtime-guard), the way
 * make grade-speed measures the guard's cost: the guard would name the
 * launch on another stream first (unsynchronised_work, as week0_default_stream
 * shows). This mutant shows the layer behind it: a speed above the ceiling
 * measured in the same run fails as implausible_speed, not as a record. The
 * work it hides is short (a few tens of microseconds), below what the
 * device-wide wait after each timed call flags. */
#include <cuda.h>

#include "bank.cuh"
#include "libcuda_symbol.h"

namespace
{

__device__ float total;

template <class T> __global__ void sum_into_total(const T *x, size_t n)
{
    const float acc = bank::grid_stride_sum(x, n);
    if (threadIdx.x == 0)
        atomicAdd(&total, acc);
}

template <class T> __global__ void store_total(T *y)
{
    *y = bank::from_float<T>(total);
    total = 0.0f;
}

using stream_create = CUresult (*)(CUstream *, unsigned);

} // namespace

static int launch(const wb_problem *p)
{
    static CUstream hidden;
    if (!hidden) {
        auto create = (stream_create)libcuda_symbol("cuStreamCreate");
        if (!create || create(&hidden, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS)
            return (int)cudaErrorUnknown;
    }
    return bank::by_element_type(p->dtype, [p](auto element) {
        using T = decltype(element);
        size_t n = bank::elements(p);
        cudaStream_t s = (cudaStream_t)hidden; /* not p->stream */
        sum_into_total<T><<<1024, bank::kThreads, 0, s>>>((const T *)p->in[0], n);
        store_total<T><<<1, 1, 0, s>>>((T *)p->y);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"sum_on_a_hidden_stream", "array_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: the work runs on a stream the timer does not see"}};
extern "C" const int wb_lesson_variant_count = 1;
