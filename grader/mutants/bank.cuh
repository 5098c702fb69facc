/* bank.cuh: device helpers shared by the two kernel banks, grader/mutants/
 * (broken or cheating kernels) and grader/valid/ (unusual but right ones):
 * element types and the dtype switch (from grader/wb_elements.cuh), a
 * block-wide reduction and the launch of a block a row, so that each bank
 * file shows only what makes it broken or unusual. */
#ifndef BANK_CUH
#define BANK_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "wb.h"
#include "wb_elements.cuh"

namespace bank
{

/* The element types of every week (grader/wb_elements.cuh): to_float,
 * from_float and the dtype switch, under this namespace too. */
using ::by_element_type;
using ::from_float;
using ::to_float;

/* Calls run(W()) with W an unsigned word of the element's size: copies and
 * transposes move bits, whatever the type. */
template <class Run> int by_element_size(wb_dtype d, Run run)
{
    return d == WB_F32 ? run(uint32_t()) : run(uint16_t());
}

struct Sum {
    static constexpr float identity = 0.0f;
    __device__ float operator()(float a, float b) const { return a + b; }
};
struct Max {
    static constexpr float identity = -INFINITY;
    __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

constexpr unsigned kThreads = 256; /* threads a block, where a kernel has no reason to differ */

inline unsigned blocks_for(size_t n, unsigned threads = kThreads)
{
    return (unsigned)((n + threads - 1) / threads);
}

/* An attribute of the current device (cudaDevAttr...). */
inline cudaError_t device_attribute(cudaDeviceAttr what, int *value)
{
    int device = 0;
    cudaError_t err = cudaGetDevice(&device);
    return err == cudaSuccess ? cudaDeviceGetAttribute(value, what, device) : err;
}

inline size_t elements(const wb_problem *p)
{
    return (size_t)p->rows * (size_t)p->cols;
}

/* y[i] = x[i], one word a thread: the plain copy that the kernels whose
 * fault (or oddity) lies elsewhere launch. */
template <class W> __global__ void copy_words(const W *__restrict__ x, W *__restrict__ y, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = x[i];
}

/* v of the lane whose index differs from this one's by lane_mask, for any
 * V: float, __half, or a struct of 32-bit words (a pair kept together). */
template <class V> __device__ V shfl_xor(V v, int lane_mask)
{
    if constexpr (sizeof(V) % sizeof(unsigned) == 0) {
        unsigned words[sizeof(V) / sizeof(unsigned)];
        memcpy(words, &v, sizeof v);
        for (unsigned &w : words)
            w = __shfl_xor_sync(0xffffffffu, w, lane_mask);
        memcpy(&v, words, sizeof v);
        return v;
    } else {
        return __shfl_xor_sync(0xffffffffu, v, lane_mask);
    }
}

/* The tiled transposes: a block of kTile x kTileRows threads moves a
 * kTile x kTile tile of 32-bit words through shared memory, its rows padded
 * by one word against bank conflicts. */
constexpr int kTile = 32, kTileRows = 8;
using Tile = uint32_t[kTile][kTile + 1];

/* Reads this block's tile of x (rows x cols) into tile, its edges checked.
 * The barrier that must follow is the caller's. */
__device__ inline void load_tile(Tile &tile, const uint32_t *x, int rows, int cols)
{
    int c = blockIdx.x * kTile + threadIdx.x, r0 = blockIdx.y * kTile + threadIdx.y;
    for (int k = 0; k < kTile; k += kTileRows)
        if (r0 + k < rows && c < cols)
            tile[threadIdx.y + k][threadIdx.x] = x[(size_t)(r0 + k) * cols + c];
}

/* Launches kernel(x, y, rows, cols) with a block a tile of x. */
inline int a_block_a_tile(const wb_problem *p,
                          void (*kernel)(const uint32_t *, uint32_t *, int, int))
{
    dim3 grid((unsigned)((p->cols + kTile - 1) / kTile), (unsigned)((p->rows + kTile - 1) / kTile));
    kernel<<<grid, dim3(kTile, kTileRows), 0, p->stream>>>(
        (const uint32_t *)p->in[0], (uint32_t *)p->y, (int)p->rows, (int)p->cols);
    return (int)cudaGetLastError();
}

/* op over every thread's v, returned to every thread, op applied in V (a
 * kernel that keeps its total in __half or as a pair passes its own op).
 * blockDim.x is a multiple of 32; every thread of the block calls it. */
template <class V, class Op> __device__ V block_allreduce(V v, Op op)
{
    __shared__ V warp_totals[32];
    for (int lane_mask = 16; lane_mask > 0; lane_mask /= 2)
        v = op(v, shfl_xor(v, lane_mask));
    if (threadIdx.x % 32 == 0)
        warp_totals[threadIdx.x / 32] = v;
    __syncthreads();
    v = warp_totals[0];
    for (unsigned w = 1; w < blockDim.x / 32; w++)
        v = op(v, warp_totals[w]);
    __syncthreads(); /* warp_totals is written again by the next call */
    return v;
}

/* The sum of x[0..n) that the block's threads reach by a grid-stride loop,
 * returned to every thread: the block's share of a sum over the whole grid. */
template <class T> __device__ float grid_stride_sum(const T *__restrict__ x, size_t n)
{
    float acc = 0.0f;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        acc += to_float(x[i]);
    return block_allreduce(acc, Sum());
}

/* Launches kernel_of(W())(x, y, n), W a word of the element's size, on a
 * grid of blocks_per_sm blocks of kThreads an SM whatever the array's size:
 * the launch of the bank's copies that stride over the array by the grid. */
template <class KernelOf>
int a_fixed_grid_copy(const wb_problem *p, int blocks_per_sm, KernelOf kernel_of)
{
    int sms = 0;
    cudaError_t err = device_attribute(cudaDevAttrMultiProcessorCount, &sms);
    if (err != cudaSuccess)
        return (int)err;
    return by_element_size(p->dtype, [&](auto word) {
        using W = decltype(word);
        kernel_of(word)<<<(unsigned)(blocks_per_sm * sms), kThreads, 0, p->stream>>>(
            (const W *)p->in[0], (W *)p->y, elements(p));
        return (int)cudaGetLastError();
    });
}

/* Launches kernel_of(T())(x, y, cols), T the element type, with one block of
 * `threads` a row: the launch of every bank kernel that gives a block a row. */
template <class KernelOf>
int a_block_a_row(const wb_problem *p, KernelOf kernel_of, unsigned threads = kThreads)
{
    if (p->rows <= 0 || p->cols <= 0)
        return WB_OK;
    if (p->rows > INT_MAX)
        return WB_UNSUPPORTED; /* more rows than gridDim.x holds */
    return by_element_type(p->dtype, [&](auto element) {
        using T = decltype(element);
        kernel_of(element)<<<(unsigned)p->rows, threads, 0, p->stream>>>((const T *)p->in[0],
                                                                         (T *)p->y, p->cols);
        return (int)cudaGetLastError();
    });
}

} // namespace bank

#endif /* BANK_CUH */
