// expect: implausible_speed
// shapes: 1x268435459
// dtypes: f32
// flags: --time
// class: a speed above physics
// incident: "30x faster than the hardware allows"; GPU MODE reference-kernels PRs 102, 160, 167
/* Mutant for Week 1: an array sum that remembers the sums it has computed,
 * keyed by the array's length and a fingerprint of its first eighth. Each
 * call reads that eighth; when the fingerprint is known, it writes the sum
 * it remembers and skips the other seven eighths. Every output is right:
 * a new input (the grader's repeated call with fresh values, or a rotated
 * copy in the timed pool) is summed in full, a known one gets its own sum
 * back. Only the speed tells: once the pool has been seen, a repetition
 * reads an eighth of the bytes counted, far above the read ceiling. */
#include <cstring>

#include "bank.cuh"

namespace
{

constexpr unsigned kBlocks = 1024;
constexpr int kRemembered = 64;

struct Known {
    size_t n;
    unsigned long long fingerprint;
    float sum;
};
__device__ Known known[kRemembered];
__device__ unsigned known_count;
__device__ unsigned long long fingerprint; /* of this call's input; 0 between calls */
__device__ float total;                    /* of this call's input; 0 between calls */
__device__ bool remembered;

/* A value and its place, mixed (splitmix64's finaliser): summed over the
 * elements, any order gives the same fingerprint. */
template <class T> __device__ unsigned long long mixed(T v, size_t place)
{
    unsigned long long z = 0;
    memcpy(&z, &v, sizeof v);
    z ^= place * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The first eighth: its sum, and a fingerprint of its values and places. */
template <class T> __global__ void sum_head_and_fingerprint(const T *x, size_t head)
{
    float acc = 0.0f;
    unsigned long long h = 0;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < head;
         i += (size_t)gridDim.x * blockDim.x) {
        acc += bank::to_float(x[i]);
        h += mixed(x[i], i);
    }
    for (int lane_mask = 16; lane_mask > 0; lane_mask /= 2)
        h += __shfl_xor_sync(0xffffffffu, h, lane_mask);
    if (threadIdx.x % 32 == 0)
        atomicAdd(&fingerprint, h);
    acc = bank::block_allreduce(acc, bank::Sum());
    if (threadIdx.x == 0)
        atomicAdd(&total, acc);
}

/* The other seven eighths, unless the fingerprint is known: then the sum it
 * had is the answer. */
template <class T> __global__ void sum_rest_unless_known(const T *x, T *y, size_t head, size_t n)
{
    __shared__ bool hit;
    if (threadIdx.x == 0) {
        hit = false;
        for (unsigned k = 0; k < known_count && k < kRemembered; k++)
            if (known[k].n == n && known[k].fingerprint == fingerprint) {
                hit = true; /* BUG: seven eighths of the input are never read */
                if (blockIdx.x == 0)
                    *y = bank::from_float<T>(known[k].sum);
            }
        if (blockIdx.x == 0)
            remembered = hit;
    }
    __syncthreads();
    if (hit)
        return;
    float acc = 0.0f;
    for (size_t i = head + (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        acc += bank::to_float(x[i]);
    acc = bank::block_allreduce(acc, bank::Sum());
    if (threadIdx.x == 0)
        atomicAdd(&total, acc);
}

template <class T> __global__ void finish(T *y, size_t n)
{
    if (!remembered) {
        *y = bank::from_float<T>(total);
        known[known_count++ % kRemembered] = {n, fingerprint, total};
    }
    total = 0.0f;
    fingerprint = 0;
}

} // namespace

static int launch(const wb_problem *p)
{
    return bank::by_dtype(p->dtype, [p](auto element) {
        using T = decltype(element);
        const T *x = (const T *)p->x;
        T *y = (T *)p->y;
        size_t n = bank::elements(p), head = (n + 7) / 8;
        sum_head_and_fingerprint<T><<<kBlocks, bank::kThreads, 0, p->stream>>>(x, head);
        sum_rest_unless_known<T><<<kBlocks, bank::kThreads, 0, p->stream>>>(x, y, head, n);
        finish<T><<<1, 1, 0, p->stream>>>(y, n);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"array_sum_remembered", "array_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: reads an eighth of an array it has summed before"}};
extern "C" const int wb_lesson_variant_count = 1;
