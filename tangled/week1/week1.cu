#line 141 "lessons/week1-reduction.nw"
/* week1.cu: Week 1's reduction kernels. Generated from
 * lessons/week1-reduction.nw by notangle: edit the lesson, not this file. */
#line 169 "lessons/week1-reduction.nw"
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <utility>

#include "wb_elements.cuh"
#include "week1.h"

#line 197 "lessons/week1-reduction.nw"
static inline long ceil_div(long a, long b)
{
    return (a + b - 1) / b;
}
#line 212 "lessons/week1-reduction.nw"
struct SumOp {
    static __device__ __forceinline__ float identity() { return 0.0f; }
    static __device__ __forceinline__ float combine(float a, float b) { return a + b; }
};

struct MaxOp {
    static __device__ __forceinline__ float identity() { return -INFINITY; }
    static __device__ __forceinline__ float combine(float a, float b) { return fmaxf(a, b); }
};

#line 265 "lessons/week1-reduction.nw"
constexpr int TREE_BLOCK = 256; /* threads per block in variants 1 to 3 */

/* One block reduces TREE_BLOCK consecutive elements of one row of x (a rows x
 * cols array) to y[blockIdx.x], y being rows x chunks. */
template <class Op, class TIn, class TOut>
__global__ void reduce_naive_kernel(const TIn *__restrict__ x, TOut *__restrict__ y, long cols,
                                    long chunks)
{
    __shared__ float partial[TREE_BLOCK];
    const unsigned tid = threadIdx.x;
    const long row = (long)blockIdx.x / chunks;
    const long j = ((long)blockIdx.x % chunks) * TREE_BLOCK + tid;

    partial[tid] = j < cols ? to_float(x[row * cols + j]) : Op::identity();
    __syncthreads();
    for (unsigned s = 1; s < blockDim.x; s *= 2) {
        if (tid % (2 * s) == 0) /* divergent: active threads are scattered */
            partial[tid] = Op::combine(partial[tid], partial[tid + s]);
        __syncthreads();
    }
    if (tid == 0)
        y[blockIdx.x] = from_float<TOut>(partial[0]);
}
#line 390 "lessons/week1-reduction.nw"
/* The first add happens during the load: this thread's two elements of its
 * block's 2 * TREE_BLOCK, TREE_BLOCK apart so both loads are coalesced. */
template <class Op, class TIn>
__device__ __forceinline__ float load_two(const TIn *__restrict__ x, long cols, long chunks)
{
    const long row = (long)blockIdx.x / chunks;
    const long j = ((long)blockIdx.x % chunks) * (2 * TREE_BLOCK) + threadIdx.x;
    const TIn *in = x + row * cols;
    float v = Op::identity();
    if (j < cols)
        v = to_float(in[j]);
    if (j + TREE_BLOCK < cols)
        v = Op::combine(v, to_float(in[j + TREE_BLOCK]));
    return v;
}

/* Exercise 1, from its contract: y[blockIdx.x] = Op over the block's
 * 2 * TREE_BLOCK elements (load_two gives each thread its two, combined), by
 * a shared-memory tree with sequential addressing and a barrier a step. */
template <class Op, class TIn, class TOut>
__global__ void reduce_improved_kernel(const TIn *__restrict__ x, TOut *__restrict__ y, long cols,
                                       long chunks)
{
    // SOLUTION BEGIN: the block's chunk reduced by a sequential-addressing tree into y[blockIdx.x]
    //: (void)x;
    //: (void)y;
    //: (void)cols;
    //: (void)chunks;
    __shared__ float partial[TREE_BLOCK];
    const unsigned tid = threadIdx.x;

    partial[tid] = load_two<Op>(x, cols, chunks);
    __syncthreads();
    for (unsigned s = TREE_BLOCK / 2; s > 0; s /= 2) {
        if (tid < s) /* contiguous active threads: whole warps retire */
            partial[tid] = Op::combine(partial[tid], partial[tid + s]);
        __syncthreads();
    }
    if (tid == 0)
        y[blockIdx.x] = from_float<TOut>(partial[0]);
    // SOLUTION END
}
#line 494 "lessons/week1-reduction.nw"
constexpr unsigned FULL_WARP = 0xffffffffu; /* all 32 lanes take part */

/* Folds the 32 lanes' v into lane 0 (the other lanes hold partial results). */
template <class Op> __device__ __forceinline__ float warp_reduce(float v)
{
    // SOLUTION BEGIN: fold the 32 lanes' v into lane 0 with __shfl_down_sync
    //: return v;
    for (int offset = warpSize / 2; offset > 0; offset /= 2)
        v = Op::combine(v, __shfl_down_sync(FULL_WARP, v, offset));
    return v;
    // SOLUTION END
}

/* Leaves the total of the 32 lanes' v in every lane (butterfly exchange). */
template <class Op> __device__ __forceinline__ float warp_allreduce(float v)
{
    for (int lane_mask = warpSize / 2; lane_mask > 0; lane_mask /= 2)
        v = Op::combine(v, __shfl_xor_sync(FULL_WARP, v, lane_mask));
    return v;
}
#line 522 "lessons/week1-reduction.nw"
template <class Op, int BLOCK>
__device__ __forceinline__ float block_reduce(float v, float *warp_totals)
{
    static_assert(BLOCK % 32 == 0 && BLOCK <= 1024, "whole warps, at most 32 of them");
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    v = warp_reduce<Op>(v);
    if (lane == 0)
        warp_totals[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < BLOCK / 32 ? warp_totals[lane] : Op::identity();
        v = warp_reduce<Op>(v);
    }
    return v;
}
#line 542 "lessons/week1-reduction.nw"
template <class Op, class TIn, class TOut>
__global__ void reduce_shuffle_kernel(const TIn *__restrict__ x, TOut *__restrict__ y, long cols,
                                      long chunks)
{
    __shared__ float warp_totals[TREE_BLOCK / 32];
    const float v = block_reduce<Op, TREE_BLOCK>(load_two<Op>(x, cols, chunks), warp_totals);
    if (threadIdx.x == 0)
        y[blockIdx.x] = from_float<TOut>(v);
}
#line 573 "lessons/week1-reduction.nw"
enum class Tree { naive, improved, shuffle };

static long tree_chunk(Tree t)
{
    return t == Tree::naive ? TREE_BLOCK : 2 * TREE_BLOCK;
}

/* Workspace for the partials: two ping-pong buffers, none if one pass does. */
static size_t tree_workspace_bytes(long rows, long cols, long chunk)
{
    const long first = ceil_div(cols, chunk);
    if (first <= 1)
        return 0;
    const long second = ceil_div(first, chunk);
    return (size_t)(rows * (first + second)) * sizeof(float);
}

template <class Op, class TIn, class TOut>
static void tree_pass(Tree t, const TIn *in, TOut *out, long rows, long cols, long chunks,
                      cudaStream_t stream)
{
    const unsigned grid = (unsigned)(rows * chunks);
    switch (t) {
    case Tree::naive:
        reduce_naive_kernel<Op><<<grid, TREE_BLOCK, 0, stream>>>(in, out, cols, chunks);
        break;
    case Tree::improved:
        reduce_improved_kernel<Op><<<grid, TREE_BLOCK, 0, stream>>>(in, out, cols, chunks);
        break;
    case Tree::shuffle:
        reduce_shuffle_kernel<Op><<<grid, TREE_BLOCK, 0, stream>>>(in, out, cols, chunks);
        break;
    }
}

template <class Op, class T> static int run_tree(const wb_problem *p, Tree t)
{
    // SOLUTION BEGIN: delete this guard once reduce_improved_kernel is written (exercise 1)
    //: if (t == Tree::improved)
    //:     return WB_NOT_IMPLEMENTED;
    // SOLUTION END
    // SOLUTION BEGIN: delete this guard once warp_reduce is written (exercise 2)
    //: if (t == Tree::shuffle)
    //:     return WB_NOT_IMPLEMENTED;
    // SOLUTION END
    const long rows = p->rows, chunk = tree_chunk(t);
    long cols = p->cols;
    const T *x = static_cast<const T *>(p->in[0]);
    T *y = static_cast<T *>(p->y);

    if (rows * ceil_div(cols, chunk) > 0x7fffffffL) /* one block per chunk in a 1-D grid */
        return WB_UNSUPPORTED;
    if (cols <= chunk) { /* a single pass writes y */
        tree_pass<Op>(t, x, y, rows, cols, 1, p->stream);
        return (int)cudaGetLastError();
    }
    if (!p->workspace || p->workspace_bytes < tree_workspace_bytes(rows, cols, chunk))
        return (int)cudaErrorInvalidValue;
    float *ping = static_cast<float *>(p->workspace);
    float *pong = ping + rows * ceil_div(cols, chunk);

    long chunks = ceil_div(cols, chunk);
    tree_pass<Op>(t, x, ping, rows, cols, chunks, p->stream);
    for (cols = chunks; cols > chunk; cols = chunks) {
        chunks = ceil_div(cols, chunk);
        tree_pass<Op>(t, static_cast<const float *>(ping), pong, rows, cols, chunks, p->stream);
        std::swap(ping, pong);
    }
    tree_pass<Op>(t, static_cast<const float *>(ping), y, rows, cols, 1, p->stream);
    /* a failed launch leaves its error for the next cudaGetLastError, so one
     * check after the last pass reports a failure in any of them */
    return (int)cudaGetLastError();
}

#line 787 "lessons/week1-reduction.nw"
constexpr int BEST_BLOCK = 256; /* threads per block of the best kernels */
constexpr int BEST_UNROLL = 4;  /* packs each thread loads before adding any */

/* Combine the elements of one 16-byte pack, in a balanced tree. */
template <class Op, class T> __device__ __forceinline__ float reduce_pack(uint4 raw)
{
    T e[kPackElements<T>];
    memcpy(e, &raw, sizeof raw);
    float v[kPackElements<T>];
#pragma unroll
    for (int k = 0; k < kPackElements<T>; k++)
        v[k] = to_float(e[k]);
#pragma unroll
    for (int width = kPackElements<T> / 2; width > 0; width /= 2)
#pragma unroll
        for (int k = 0; k < width; k++)
            v[k] = Op::combine(v[k], v[k + width]);
    return v[0];
}
#line 818 "lessons/week1-reduction.nw"
/* This thread's partial of row[0, n) when `team` threads share the row and
 * this one is number `rank` (0 <= rank < team, team >= 8: the head and the
 * tail are shorter than a pack, at most 7 elements). */
template <class Op, int UNROLL = BEST_UNROLL, class T>
__device__ __forceinline__ float thread_partial(const T *__restrict__ row, long n, long rank,
                                                long team)
{
    constexpr int P = kPackElements<T>;
    /* head: elements before the first 16-byte boundary (fewer than P) */
    long head = (long)((16 - (uintptr_t)row % 16) % 16 / sizeof(T));
    if (head > n)
        head = n;
    const uint4 *body = reinterpret_cast<const uint4 *>(row + head);
    const long packs = (n - head) / P;

    float acc = Op::identity();
    if (rank < head)
        acc = to_float(row[rank]);

    long i = rank;
    for (; i + (UNROLL - 1) * team < packs; i += UNROLL * team) {
        uint4 raw[UNROLL];
#pragma unroll
        for (int u = 0; u < UNROLL; u++) /* all loads first: 64 bytes in flight at 4 */
            raw[u] = __ldg(body + i + u * team);
#pragma unroll
        for (int u = 0; u < UNROLL; u++)
            acc = Op::combine(acc, reduce_pack<Op, T>(raw[u]));
    }
    for (; i < packs; i += team)
        acc = Op::combine(acc, reduce_pack<Op, T>(__ldg(body + i)));

    /* tail: fewer than P elements after the last whole pack */
    const long t = head + packs * P + rank;
    if (t < n)
        acc = Op::combine(acc, to_float(row[t]));
    return acc;
}
#line 868 "lessons/week1-reduction.nw"
/* The total of the team's v, valid in the team's first thread. Every thread
 * of the block must call it: a team wider than a warp meets at a barrier. */
template <class Op, int TEAM>
__device__ __forceinline__ float team_reduce(float v, float *warp_totals)
{
    static_assert(TEAM >= 8 && TEAM <= BEST_BLOCK && (TEAM & (TEAM - 1)) == 0,
                  "a power of two between 8 and the block size");
    constexpr int lanes = TEAM < 32 ? TEAM : 32; /* the team's lanes in one warp */
#pragma unroll
    for (int lane_mask = lanes / 2; lane_mask > 0; lane_mask /= 2)
        v = Op::combine(v, __shfl_xor_sync(FULL_WARP, v, lane_mask));
    if (TEAM > 32) {
        if (threadIdx.x % 32 == 0)
            warp_totals[threadIdx.x / 32] = v;
        __syncthreads();
        if (threadIdx.x % TEAM == 0) {
            v = Op::identity();
#pragma unroll
            for (int k = 0; k < TEAM / 32; k++)
                v = Op::combine(v, warp_totals[threadIdx.x / 32 + k]);
        }
        __syncthreads(); /* warp_totals is written again for the next row */
    }
    return v;
}
#line 901 "lessons/week1-reduction.nw"
template <class Op, int TEAM, class T, int UNROLL = BEST_UNROLL>
__global__ void __launch_bounds__(BEST_BLOCK)
    reduce_rows_by_teams(const T *__restrict__ x, T *__restrict__ y, long rows, long cols)
{
    __shared__ float warp_totals[BEST_BLOCK / 32];
    constexpr int rows_per_block = BEST_BLOCK / TEAM;
    const int rank = threadIdx.x % TEAM;
    for (long first = (long)blockIdx.x * rows_per_block; first < rows;
         first += (long)gridDim.x * rows_per_block) {
        const long row = first + threadIdx.x / TEAM;
        float v = Op::identity();
        if (row < rows)
            v = thread_partial<Op, UNROLL>(x + row * cols, cols, rank, TEAM);
        v = team_reduce<Op, TEAM>(v, warp_totals);
        if (rank == 0 && row < rows)
            y[row] = from_float<T>(v);
    }
}
#line 933 "lessons/week1-reduction.nw"
/* The arrival counters start at zero: cleared by a kernel on the launcher's
 * stream, because a launcher queues kernels and nothing else. */
__global__ void clear_counters(unsigned *__restrict__ counters, long n)
{
    const long step = (long)gridDim.x * blockDim.x;
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += step)
        counters[i] = 0;
}

/* All of an SM's 2048 thread slots: at most 32 registers a thread. A deeper
 * unroll than BEST_UNROLL (the sweep's) cannot meet that without spilling,
 * so there the compiler chooses and the occupancy query counts what fits. */
constexpr int BEST_BLOCKS_PER_SM = 2048 / BEST_BLOCK;

template <class Op, class T, int UNROLL = BEST_UNROLL>
__global__ void __launch_bounds__(BEST_BLOCK, UNROLL > BEST_UNROLL ? 1 : BEST_BLOCKS_PER_SM)
    reduce_rows_by_blocks(const T *__restrict__ x, T *__restrict__ y, long rows, long cols,
                          long parts, float *__restrict__ partials, unsigned *__restrict__ arrivals)
{
    __shared__ float warp_totals[BEST_BLOCK / 32];
    __shared__ bool finishes_row;
    const long slots = rows * parts;
    for (long slot = blockIdx.x; slot < slots; slot += gridDim.x) {
        const long row = slot / parts, part = slot % parts;
        float v = thread_partial<Op, UNROLL>(x + row * cols, cols, part * BEST_BLOCK + threadIdx.x,
                                             parts * BEST_BLOCK);
        v = block_reduce<Op, BEST_BLOCK>(v, warp_totals);
        if (threadIdx.x == 0) {
            partials[slot] = v;
            __threadfence(); /* the partial is visible before the count */
            finishes_row = atomicAdd(&arrivals[row], 1u) == (unsigned)(parts - 1);
        }
        __syncthreads();
        if (finishes_row) { /* every other part of this row is done */
            __threadfence();
            float w = Op::identity();
            for (long k = threadIdx.x; k < parts; k += BEST_BLOCK)
                w = Op::combine(w, __ldcg(&partials[row * parts + k]));
            w = block_reduce<Op, BEST_BLOCK>(w, warp_totals);
            if (threadIdx.x == 0)
                y[row] = from_float<T>(w);
        }
        __syncthreads(); /* warp_totals and finishes_row are reused by the next slot */
    }
}
#line 997 "lessons/week1-reduction.nw"
constexpr int TEAM_MIN = 8;              /* head and tail, up to 7 elements, need 7 threads */
constexpr long ELEMENTS_PER_THREAD = 32; /* the team grows until a thread has fewer */
constexpr long MAX_GRID = 0x7fffffffL;   /* beyond it the grid-stride loops take over */

struct BestPlan {
    int team;   /* threads per row, TEAM_MIN to BEST_BLOCK; 0: several blocks per row */
    long parts; /* blocks per row when team is 0, else 1 */
    long grid;  /* blocks to launch */
};

/* Blocks of `kernel` that fit on the current device at once. */
template <class Kernel> static cudaError_t resident_blocks(Kernel kernel, long *blocks)
{
    int device, sms, per_sm;
    cudaError_t err = cudaGetDevice(&device);
    if (err == cudaSuccess)
        err = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    if (err == cudaSuccess)
        err = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, BEST_BLOCK, 0);
    if (err == cudaSuccess)
        *blocks = (long)sms * per_sm;
    return err;
}

template <class Op, class T> static cudaError_t plan_best(long rows, long cols, BestPlan *plan)
{
    /* cached per template instance and device: the grader is single-threaded */
    static int cached_device = -1;
    static long split_kernel_blocks;
    int device;
    cudaError_t err = cudaGetDevice(&device);
    if (err != cudaSuccess)
        return err;
    if (device != cached_device) {
        err = resident_blocks(reduce_rows_by_blocks<Op, T>, &split_kernel_blocks);
        if (err != cudaSuccess)
            return err;
        if (split_kernel_blocks < 1)
            return cudaErrorInvalidConfiguration;
        cached_device = device;
    }

    int team = TEAM_MIN;
    while (team < BEST_BLOCK && cols >= 2 * team * ELEMENTS_PER_THREAD)
        team *= 2;
    if (team == BEST_BLOCK && rows < split_kernel_blocks) {
        /* as many blocks per row as fill one wave, but at least one full
         * unrolled round of packs for every thread */
        long parts = split_kernel_blocks / rows;
        const long most = cols / (BEST_BLOCK * kPackElements<T> * BEST_UNROLL);
        if (parts > most)
            parts = most;
        if (parts >= 2) {
            plan->team = 0;
            plan->parts = parts;
            plan->grid = rows * parts < MAX_GRID ? rows * parts : MAX_GRID;
            return cudaSuccess;
        }
    }
    const long blocks = ceil_div(rows, BEST_BLOCK / team);
    plan->team = team;
    plan->parts = 1;
    plan->grid = blocks < MAX_GRID ? blocks : MAX_GRID;
    return cudaSuccess;
}

/* Partials and arrival counters for rows split over several blocks. */
static size_t best_workspace_bytes(long rows, long parts)
{
    if (parts <= 1)
        return 0;
    return (size_t)(rows * parts) * sizeof(float) + (size_t)rows * sizeof(unsigned);
}
#line 1077 "lessons/week1-reduction.nw"
template <class Op, class T>
static cudaError_t launch_teams(int team, unsigned grid, const T *x, T *y, long rows, long cols,
                                cudaStream_t stream)
{
    switch (team) {
    case 8:
        reduce_rows_by_teams<Op, 8><<<grid, BEST_BLOCK, 0, stream>>>(x, y, rows, cols);
        break;
    case 16:
        reduce_rows_by_teams<Op, 16><<<grid, BEST_BLOCK, 0, stream>>>(x, y, rows, cols);
        break;
    case 32:
        reduce_rows_by_teams<Op, 32><<<grid, BEST_BLOCK, 0, stream>>>(x, y, rows, cols);
        break;
    case 64:
        reduce_rows_by_teams<Op, 64><<<grid, BEST_BLOCK, 0, stream>>>(x, y, rows, cols);
        break;
    case 128:
        reduce_rows_by_teams<Op, 128><<<grid, BEST_BLOCK, 0, stream>>>(x, y, rows, cols);
        break;
    case BEST_BLOCK:
        reduce_rows_by_teams<Op, BEST_BLOCK><<<grid, BEST_BLOCK, 0, stream>>>(x, y, rows, cols);
        break;
    default:
        return cudaErrorInvalidConfiguration;
    }
    return cudaGetLastError();
}
#line 1116 "lessons/week1-reduction.nw"
template <class Op, class T> static int run_best(const wb_problem *p)
{
    // SOLUTION BEGIN: plan the mapping, clear the counters, launch one kernel
    //: (void)p;
    //: return WB_NOT_IMPLEMENTED;
    const long rows = p->rows, cols = p->cols;
    const T *x = static_cast<const T *>(p->in[0]);
    T *y = static_cast<T *>(p->y);
    BestPlan plan;
    cudaError_t err = plan_best<Op, T>(rows, cols, &plan);
    if (err != cudaSuccess)
        return (int)err;
    const unsigned grid = (unsigned)plan.grid;
    if (plan.team > 0)
        return (int)launch_teams<Op>(plan.team, grid, x, y, rows, cols, p->stream);

    if (!p->workspace || p->workspace_bytes < best_workspace_bytes(rows, plan.parts))
        return (int)cudaErrorInvalidValue;
    float *partials = static_cast<float *>(p->workspace);
    unsigned *arrivals = reinterpret_cast<unsigned *>(partials + rows * plan.parts);
    const long clear_blocks = ceil_div(rows, BEST_BLOCK);
    const unsigned clear_grid = clear_blocks < 1024 ? (unsigned)clear_blocks : 1024u;
    clear_counters<<<clear_grid, BEST_BLOCK, 0, p->stream>>>(arrivals, rows);
    reduce_rows_by_blocks<Op>
        <<<grid, BEST_BLOCK, 0, p->stream>>>(x, y, rows, cols, plan.parts, partials, arrivals);
    return (int)cudaGetLastError();
    // SOLUTION END
}

/* The workspace the plan will need (asked before the launch). If the device
 * cannot be queried, ask for none: the launcher then reports the error. */
template <class Op, class T> static size_t best_workspace(const wb_problem *p)
{
    BestPlan plan;
    if (plan_best<Op, T>(p->rows, p->cols, &plan) != cudaSuccess)
        return 0;
    return best_workspace_bytes(p->rows, plan.parts);
}

#line 1279 "lessons/week1-reduction.nw"
static size_t workspace_naive(const wb_problem *p)
{
    return tree_workspace_bytes(p->rows, p->cols, tree_chunk(Tree::naive));
}
static size_t workspace_two_per_thread(const wb_problem *p)
{
    return tree_workspace_bytes(p->rows, p->cols, tree_chunk(Tree::improved));
}
template <class Op> static size_t best_workspace_by_type(const wb_problem *p)
{
    switch (p->dtype) {
    case WB_F32:
        return best_workspace<Op, float>(p);
    case WB_F16:
        return best_workspace<Op, __half>(p);
    case WB_BF16:
        return best_workspace<Op, __nv_bfloat16>(p);
    default:
        return 0; /* the launcher reports the unsupported type */
    }
}
static size_t workspace_best_sum(const wb_problem *p)
{
    return best_workspace_by_type<SumOp>(p);
}
static size_t workspace_best_max(const wb_problem *p)
{
    return best_workspace_by_type<MaxOp>(p);
}

extern "C" {
int launch_row_sum_naive(const wb_problem *p)
{
    return by_element_type(p->dtype,
                           [p](auto t) { return run_tree<SumOp, decltype(t)>(p, Tree::naive); });
}
int launch_array_sum_naive(const wb_problem *p)
{
    return launch_row_sum_naive(p);
}

int launch_row_sum_improved(const wb_problem *p)
{
    return by_element_type(p->dtype,
                           [p](auto t) { return run_tree<SumOp, decltype(t)>(p, Tree::improved); });
}
int launch_array_sum_improved(const wb_problem *p)
{
    return launch_row_sum_improved(p);
}

int launch_row_sum_shuffle(const wb_problem *p)
{
    return by_element_type(p->dtype,
                           [p](auto t) { return run_tree<SumOp, decltype(t)>(p, Tree::shuffle); });
}
int launch_array_sum_shuffle(const wb_problem *p)
{
    return launch_row_sum_shuffle(p);
}
int launch_row_max_shuffle(const wb_problem *p)
{
    return by_element_type(p->dtype,
                           [p](auto t) { return run_tree<MaxOp, decltype(t)>(p, Tree::shuffle); });
}

int launch_row_sum_best(const wb_problem *p)
{
    return by_element_type(p->dtype, [p](auto t) { return run_best<SumOp, decltype(t)>(p); });
}
int launch_array_sum_best(const wb_problem *p)
{
    return launch_row_sum_best(p);
}
int launch_row_max_best(const wb_problem *p)
{
    return by_element_type(p->dtype, [p](auto t) { return run_best<MaxOp, decltype(t)>(p); });
}
}
#line 1361 "lessons/week1-reduction.nw"
extern "C" const wb_variant wb_lesson_variants[] = {
    {"row_sum_naive", "row_sum", launch_row_sum_naive, WB_ALL_DTYPES, 0, workspace_naive,
     "interleaved tree, divergent tid % (2*s), one element per thread, multi-pass"},
    {"array_sum_naive", "array_sum", launch_array_sum_naive, WB_ALL_DTYPES, 0, workspace_naive,
     "interleaved tree, divergent tid % (2*s), one element per thread, multi-pass"},
    {"row_sum_improved", "row_sum", launch_row_sum_improved, WB_ALL_DTYPES, 0,
     workspace_two_per_thread, "sequential addressing, first add during load, multi-pass"},
    {"array_sum_improved", "array_sum", launch_array_sum_improved, WB_ALL_DTYPES, 0,
     workspace_two_per_thread, "sequential addressing, first add during load, multi-pass"},
    {"row_sum_shuffle", "row_sum", launch_row_sum_shuffle, WB_ALL_DTYPES, 0,
     workspace_two_per_thread, "warp shuffles, one shared-memory step per block, multi-pass"},
    {"array_sum_shuffle", "array_sum", launch_array_sum_shuffle, WB_ALL_DTYPES, 0,
     workspace_two_per_thread, "warp shuffles, one shared-memory step per block, multi-pass"},
    {"row_max_shuffle", "row_max", launch_row_max_shuffle, WB_ALL_DTYPES, 0,
     workspace_two_per_thread, "warp shuffles, one shared-memory step per block, multi-pass"},
    {"row_sum_best", "row_sum", launch_row_sum_best, WB_ALL_DTYPES, 0, workspace_best_sum,
     "16-byte loads, grid-stride, one pass; warp, block or blocks per row by length"},
    {"array_sum_best", "array_sum", launch_array_sum_best, WB_ALL_DTYPES, 0, workspace_best_sum,
     "16-byte loads, grid-stride, one pass with a last-block-done finish"},
    {"row_max_best", "row_max", launch_row_max_best, WB_ALL_DTYPES, 0, workspace_best_max,
     "16-byte loads, grid-stride, one pass; warp, block or blocks per row by length"},
};
extern "C" const int wb_lesson_variant_count =
    (int)(sizeof wb_lesson_variants / sizeof wb_lesson_variants[0]);
