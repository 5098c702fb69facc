// expect: pass
// flags: --time
// class: unusual but right
// why: loads with an evict_last L2 cache hint, which outlasts a plain flush
/* Valid kernel for Week 0: a grid-stride copy whose loads carry an
 * evict_last L2 policy (PTX createpolicy and ld.global.L2::cache_hint, as
 * Triton's eviction_policy="evict_last" emits). Such lines are evicted only
 * after every normal line, so a flush that writes plainly leaves them in the
 * L2 and the next timed repetition reads part of its input from there. The
 * copy is right and must pass; the grader's flush (grader/l2_flush.cu)
 * writes with the same hint first, so its timing is a cold read's too.
 * Before sm_80 there are no cache policies and the loads are plain. */
#include "bank.cuh"

#include <stdint.h>

__device__ __forceinline__ uint32_t load_evict_last(const uint32_t *p, uint64_t policy)
{
    uint32_t v;
    asm volatile("ld.global.L2::cache_hint.b32 %0, [%1], %2;" : "=r"(v) : "l"(p), "l"(policy));
    return v;
}
__device__ __forceinline__ uint16_t load_evict_last(const uint16_t *p, uint64_t policy)
{
    uint16_t v;
    asm volatile("ld.global.L2::cache_hint.b16 %0, [%1], %2;" : "=h"(v) : "l"(p), "l"(policy));
    return v;
}

template <class W>
__global__ void copy_evict_last(const W *__restrict__ x, W *__restrict__ y, size_t n)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    uint64_t policy;
    asm volatile("createpolicy.fractional.L2::evict_last.b64 %0, 1.0;" : "=l"(policy));
#endif
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
        y[i] = load_evict_last(x + i, policy);
#else
        y[i] = x[i];
#endif
    }
}

static int launch(const wb_problem *p)
{
    return bank::a_fixed_grid_copy(p, 16,
                                   [](auto word) { return copy_evict_last<decltype(word)>; });
}

extern "C" const wb_variant wb_lesson_variants[] = {{"copy_evict_last", "copy", launch,
                                                     WB_ALL_DTYPES, 0, NULL,
                                                     "valid: loads with an evict_last L2 hint"}};
extern "C" const int wb_lesson_variant_count = 1;
