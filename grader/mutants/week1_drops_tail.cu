// expect: wrong
// shapes: 1x268435459
// dtypes: f32
// class: points without the work
// incident: issue 14, its adversarial bank graded at af409c1 (no public incident of its own)
/* Mutant for Week 1: an array sum over whole tiles of 12288 values (256
 * threads, 48 values each) that forgets the partial tile at the end. For
 * 2^28 + 3 values that is the last 4099. Against random inputs the loss is
 * about 1.5e-5 of the sum of magnitudes, well inside the float32 bound at
 * that length (about 2e-3); the grader's exact input kind (small integers,
 * non-zero in the last 4096 places, a total exact in float32) makes any
 * missing element a wrong sum. */
#include "bank.cuh"

namespace
{

constexpr unsigned kBlocks = 1024;
constexpr size_t kPerThread = 48, kTile = kPerThread * bank::kThreads;

template <class T> __global__ void sum_whole_tiles(const T *x, float *partial, size_t n)
{
    const size_t tiles = n / kTile; /* BUG: rounds down; the last n % kTile values are lost */
    float acc = 0.0f;
    for (size_t t = blockIdx.x; t < tiles; t += gridDim.x)
        for (size_t k = 0; k < kPerThread; k++)
            acc += bank::to_float(x[t * kTile + k * bank::kThreads + threadIdx.x]);
    acc = bank::block_allreduce(acc, bank::Sum());
    if (threadIdx.x == 0)
        partial[blockIdx.x] = acc;
}

template <class T> __global__ void sum_partials(const float *partial, T *y)
{
    float acc = 0.0f;
    for (unsigned i = threadIdx.x; i < kBlocks; i += blockDim.x)
        acc += partial[i];
    acc = bank::block_allreduce(acc, bank::Sum());
    if (threadIdx.x == 0)
        *y = bank::from_float<T>(acc);
}

} // namespace

static int launch(const wb_problem *p)
{
    if (!p->workspace || p->workspace_bytes < kBlocks * sizeof(float))
        return (int)cudaErrorInvalidValue;
    return bank::by_element_type(p->dtype, [p](auto element) {
        using T = decltype(element);
        float *partial = (float *)p->workspace;
        sum_whole_tiles<T><<<kBlocks, bank::kThreads, 0, p->stream>>>((const T *)p->in[0], partial,
                                                                      bank::elements(p));
        sum_partials<T><<<1, bank::kThreads, 0, p->stream>>>(partial, (T *)p->y);
        return (int)cudaGetLastError();
    });
}

static size_t partial_bytes(const wb_problem *)
{
    return kBlocks * sizeof(float);
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"array_sum_whole_tiles", "array_sum", launch, WB_ALL_DTYPES, 0, partial_bytes,
     "mutant: sums whole tiles of 12288 values, drops the partial last tile"}};
extern "C" const int wb_lesson_variant_count = 1;
