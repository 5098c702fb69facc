// expect: pass
// flags: --time
// class: unusual but right
// why: float atomicAdd of per-block sums, in whatever order the blocks finish
/* Valid kernel for Week 1: an array sum whose blocks meet through float
 * atomicAdd on one float32 accumulator in the workspace. The order of the
 * additions changes from run to run, so the result may differ in its last
 * bits between runs, always within the float32 bound; on the exact input
 * kind every partial sum is exact and so is the result. The accumulator is
 * cleared by a kernel (a launcher may only launch kernels), and a last
 * kernel rounds it to the element type. The grader must pass it for every
 * shape and dtype. */
#include "bank.cuh"

namespace
{

constexpr long kPerThread = 8, kMaxBlocks = 2048;

__global__ void clear(float *total)
{
    *total = 0.0f;
}

template <class T> __global__ void add_block_sums(const T *__restrict__ x, size_t n, float *total)
{
    const float acc = bank::grid_stride_sum(x, n);
    if (threadIdx.x == 0)
        atomicAdd(total, acc);
}

template <class T> __global__ void round_total(const float *total, T *y)
{
    *y = bank::from_float<T>(*total);
}

} // namespace

static int launch(const wb_problem *p)
{
    if (!p->workspace || p->workspace_bytes < sizeof(float))
        return (int)cudaErrorInvalidValue;
    float *total = (float *)p->workspace;
    size_t n = bank::elements(p);
    long blocks = (long)bank::blocks_for(n, bank::kThreads * kPerThread);
    blocks = blocks < kMaxBlocks ? blocks : kMaxBlocks;
    return bank::by_element_type(p->dtype, [p, total, n, blocks](auto element) {
        using T = decltype(element);
        clear<<<1, 1, 0, p->stream>>>(total);
        add_block_sums<T>
            <<<(unsigned)blocks, bank::kThreads, 0, p->stream>>>((const T *)p->in[0], n, total);
        round_total<T><<<1, 1, 0, p->stream>>>(total, (T *)p->y);
        return (int)cudaGetLastError();
    });
}

static size_t total_bytes(const wb_problem *)
{
    return sizeof(float);
}

extern "C" const wb_variant wb_lesson_variants[] = {{"array_sum_atomic", "array_sum", launch,
                                                     WB_ALL_DTYPES, 0, total_bytes,
                                                     "valid: block sums meet by float atomicAdd"}};
extern "C" const int wb_lesson_variant_count = 1;
