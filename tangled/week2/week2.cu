#line 134 "lessons/week2-online-softmax.nw"
/* week2.cu: online softmax (tangled from lessons/week2-online-softmax.nw) */
#include <cooperative_groups.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "wb_elements.cuh"
#include "week2.h"

namespace
{
namespace cg = cooperative_groups;
#line 214 "lessons/week2-online-softmax.nw"
constexpr float kLog2e = 1.4426950408889634f;

#line 295 "lessons/week2-online-softmax.nw"
constexpr unsigned kFullMask = 0xffffffffu;
constexpr int kWarp = 32;
constexpr int kRowsPerWarpBlock = 8; /* warp-per-row kernels: 8 rows, 256 threads a block */
constexpr int kWarpBlockThreads = kRowsPerWarpBlock * kWarp;

#line 410 "lessons/week2-online-softmax.nw"
constexpr int kBatch = 4; /* packs each thread loads before it uses any */

#line 780 "lessons/week2-online-softmax.nw"
constexpr int kOnlineOneBatchCols = 4096; /* variant 2: longer rows, two batches a thread */

#line 939 "lessons/week2-online-softmax.nw"
constexpr int kClusterBlock = 512;   /* variant 3: threads a block of a cluster, up to... */
constexpr int kClusterBlocks = 4;    /* ...this many blocks; then the blocks grow instead */
constexpr int kMaxClusterBlocks = 8; /* the portable limit of a thread block cluster */

/* Thread block clusters exist from sm_90 (Hopper) on. The kernels are built for
 * older GPUs too; there the cluster code is left out, and the launcher, which
 * asks the device, never launches it. */
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 900
#define WEEK2_CLUSTERS 0
#else
#define WEEK2_CLUSTERS 1
#endif

#line 1162 "lessons/week2-online-softmax.nw"
constexpr int kOnChipBlockMax = 512;             /* variants 4 and 6: threads a block, at most */
constexpr int kMaxClusterBlocksNonPortable = 16; /* sm_90's largest cluster, on request */

#line 2757 "lessons/week2-online-softmax.nw"
constexpr int kPipelinedBlock = 512; /* the pipelined experiment: threads a block, at most */

#line 219 "lessons/week2-online-softmax.nw"
/* e^(x - m), as 2^((x - m) log2 e): one MUFU.EX2, error proportional to |x - m|;
 * results below 2^-126 flush to zero (exp2f would keep them, for three more
 * instructions) */
__device__ __forceinline__ float exp_shifted(float x, float m)
{
    const float t = (x - m) * kLog2e;
#ifdef __CUDA_ARCH__
    float e;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(e) : "f"(t));
    return e;
#else
    return exp2f(t);
#endif
}
#line 258 "lessons/week2-online-softmax.nw"
struct RowSplit {
    int head; /* elements [0, head) come before the first 16-byte boundary */
    int nvec; /* then nvec whole packs */
    int tail; /* and elements [tail, cols) after them */
};

template <typename T, int VEC> __device__ __forceinline__ RowSplit split_row(const T *row, int cols)
{
    int head = 0;
    if (VEC > 1) {
        int misaligned = (int)(((uintptr_t)row % 16) / sizeof(T)); /* in elements */
        head = misaligned ? min(VEC - misaligned, cols) : 0;
    }
    int nvec = (cols - head) / VEC;
    return {head, nvec, head + nvec * VEC};
}

/* the scalar elements: head and tail together */
__device__ __forceinline__ int edge_count(RowSplit s, int cols)
{
    return s.head + cols - s.tail;
}
__device__ __forceinline__ int edge_index(RowSplit s, int e)
{
    return e < s.head ? e : s.tail + (e - s.head);
}
#line 303 "lessons/week2-online-softmax.nw"
enum class RowMap {
    warp,   /* a warp per row, kRowsPerWarpBlock rows a block */
    block,  /* a block per row */
    cluster /* a cluster of blocks per row (variant 3's long rows) */
};

struct RowGroup {
    long row; /* which row these threads own */
    int rank; /* this thread's index among them */
    int size; /* how many threads share the row */
};

template <RowMap MAP> __device__ __forceinline__ RowGroup row_group()
{
    if constexpr (MAP == RowMap::warp) {
        return {(long)blockIdx.x * (blockDim.x / kWarp) + threadIdx.x / kWarp,
                (int)(threadIdx.x % kWarp), kWarp};
    } else if constexpr (MAP == RowMap::block) {
        return {(long)blockIdx.x, (int)threadIdx.x, (int)blockDim.x};
    } else {
#if WEEK2_CLUSTERS
        /* block k of a cluster takes the k-th block-sized slice of every stride */
        cg::cluster_group cluster = cg::this_cluster();
        int blocks = (int)cluster.num_blocks();
        return {(long)blockIdx.x / blocks, (int)(cluster.block_rank() * blockDim.x + threadIdx.x),
                blocks * (int)blockDim.x};
#else
        __trap();
        return {};
#endif
    }
}
#line 346 "lessons/week2-online-softmax.nw"
struct MaxSum {
    float m; /* the largest value seen */
    float s; /* the sum of e^(x - m) over the values seen */
};

__device__ __forceinline__ float shfl_xor(float v, int lane_mask)
{
    return __shfl_xor_sync(kFullMask, v, lane_mask);
}
__device__ __forceinline__ MaxSum shfl_xor(MaxSum v, int lane_mask)
{
    return {shfl_xor(v.m, lane_mask), shfl_xor(v.s, lane_mask)};
}

struct MaxOp {
    __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};
struct SumOp {
    __device__ float operator()(float a, float b) const { return a + b; }
};

/* every lane ends with op over the 32 lanes' values */
template <typename V, typename Op> __device__ __forceinline__ V warp_allreduce(V v, Op op)
{
#pragma unroll
    for (int lane_mask = kWarp / 2; lane_mask > 0; lane_mask /= 2)
        v = op(v, shfl_xor(v, lane_mask));
    return v;
}

#line 955 "lessons/week2-online-softmax.nw"
#if WEEK2_CLUSTERS
/* v: this block's total, in every thread; every thread ends with the cluster's */
template <typename V, typename Op>
__device__ __forceinline__ V cluster_allreduce(V v, Op op, V identity)
{
    __shared__ V block_total;
    cg::cluster_group cluster = cg::this_cluster();
    if (threadIdx.x == 0)
        block_total = v;
    cluster.sync(); /* every block's total is written, and visible to the whole cluster */
    /* lane k reads block k's total: a cluster has at most kMaxClusterBlocks (8) blocks */
    int lane = threadIdx.x % kWarp;
    v = lane < (int)cluster.num_blocks() ? *cluster.map_shared_rank(&block_total, lane) : identity;
    v = warp_allreduce(v, op);
    cluster.sync(); /* no block exits while another may still read its shared memory */
    return v;
}
#endif

#line 378 "lessons/week2-online-softmax.nw"
/* every thread of the row ends with op over all of their values */
template <RowMap MAP, typename V, typename Op>
__device__ __forceinline__ V row_allreduce(V v, Op op, V identity)
{
    v = warp_allreduce(v, op);
    if constexpr (MAP == RowMap::warp)
        return v;
    __shared__ V partial[kWarp];
    int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
    __syncthreads(); /* an earlier reduction may still be reading partial[] */
    if (lane == 0)
        partial[warp] = v;
    __syncthreads();
    v = lane < (int)(blockDim.x / kWarp) ? partial[lane] : identity;
    v = warp_allreduce(v, op);
#if WEEK2_CLUSTERS
    if constexpr (MAP == RowMap::cluster)
        v = cluster_allreduce(v, op, identity);
#endif
    return v;
}
#line 691 "lessons/week2-online-softmax.nw"
__device__ __forceinline__ MaxSum merge(MaxSum a, MaxSum b)
{
    // SOLUTION BEGIN: combine the (max, sum) pairs of two disjoint parts of a row
    //: return a;
    float m = fmaxf(a.m, b.m);
    float base = m == -INFINITY ? 0.0f : m; /* both parts empty: avoid -inf - -inf */
    return {m, a.s * exp_shifted(a.m, base) + b.s * exp_shifted(b.m, base)};
    // SOLUTION END
}

struct MergeOp {
    __device__ MaxSum operator()(MaxSum a, MaxSum b) const { return merge(a, b); }
};
#line 716 "lessons/week2-online-softmax.nw"
template <int VEC> __device__ __forceinline__ void online_add(MaxSum &st, const float (&v)[VEC])
{
    // SOLUTION BEGIN: fold the VEC values v[] into the running (max, sum) st
    //: (void)st;
    //: (void)v;
    float pack_max = v[0];
#pragma unroll
    for (int k = 1; k < VEC; k++)
        pack_max = fmaxf(pack_max, v[k]);
    if (pack_max > st.m) { /* a new maximum: the terms so far shrink by e^(old - new) */
        st.s *= exp_shifted(st.m, pack_max);
        st.m = pack_max;
    }
    float base = st.m == -INFINITY ? 0.0f : st.m; /* only -inf so far: every term is 0 */
#pragma unroll
    for (int k = 0; k < VEC; k++)
        st.s += exp_shifted(v[k], base);
    // SOLUTION END
}
#line 415 "lessons/week2-online-softmax.nw"
template <int B, typename P>
__device__ __forceinline__ void load_batch(const P *src, int i, int stride, int count, P (&b)[B])
{
#pragma unroll
    for (int u = 0; u < B; u++)
        if (i + u * stride < count)
            b[u] = src[i + u * stride];
}

template <typename T, int VEC, typename F>
__device__ __forceinline__ void visit_row(const T *row, RowSplit sp, int cols, int rank, int size,
                                          F &&visit)
{
    if (rank < edge_count(sp, cols)) {
        float v[VEC];
        v[0] = to_float(row[edge_index(sp, rank)]);
#pragma unroll
        for (int k = 1; k < VEC; k++)
            v[k] = -INFINITY;
        visit(v);
    }
    const Pack<T, VEC> *packs = reinterpret_cast<const Pack<T, VEC> *>(row + sp.head);
    for (int i = rank; i < sp.nvec; i += kBatch * size) {
        Pack<T, VEC> b[kBatch];
        load_batch(packs, i, size, sp.nvec, b);
#pragma unroll
        for (int u = 0; u < kBatch; u++)
            if (i + u * size < sp.nvec) {
                float v[VEC];
                unpack(b[u], v);
                visit(v);
            }
    }
}

template <typename T, int VEC, bool BACKWARDS = false, typename F>
__device__ __forceinline__ void map_row(const T *in, T *out, RowSplit sp, int cols, int rank,
                                        int size, F &&f)
{
    if (rank < edge_count(sp, cols)) {
        int j = edge_index(sp, rank);
        out[j] = from_float<T>(f(to_float(in[j])));
    }
    const Pack<T, VEC> *src = reinterpret_cast<const Pack<T, VEC> *>(in + sp.head);
    Pack<T, VEC> *dst = reinterpret_cast<Pack<T, VEC> *>(out + sp.head);
    /* batch k covers packs rank + k*step + u*size; every thread of the row counts the
     * same batches, so that backwards too a warp's loads stay side by side */
    int step = kBatch * size, batches = (sp.nvec + step - 1) / step;
    for (int k = 0; k < batches; k++) {
        int i = rank + (BACKWARDS ? batches - 1 - k : k) * step;
        Pack<T, VEC> b[kBatch];
        load_batch(src, i, size, sp.nvec, b);
#pragma unroll
        for (int u = 0; u < kBatch; u++)
            if (i + u * size < sp.nvec) {
                float v[VEC];
                unpack(b[u], v);
#pragma unroll
                for (int k = 0; k < VEC; k++)
                    v[k] = f(v[k]);
                dst[i + u * size] = repack<T>(v);
            }
    }
}
#line 486 "lessons/week2-online-softmax.nw"
template <typename T, int VEC, RowMap MAP>
__global__ void __launch_bounds__(MAP == RowMap::warp ? kWarpBlockThreads : 1024, 1)
    softmax_safe(const T *__restrict__ x, T *__restrict__ y, long rows, int cols)
{
    RowGroup g = row_group<MAP>();
    if (g.row >= rows)
        return; /* a whole warp of the last block, never part of one */
    const T *xr = x + g.row * cols;
    T *yr = y + g.row * cols;
    RowSplit sp = split_row<T, VEC>(xr, cols);

    /* pass 1: the maximum */
    float m = -INFINITY;
    visit_row<T, VEC>(xr, sp, cols, g.rank, g.size, [&](const float(&v)[VEC]) {
#pragma unroll
        for (int k = 0; k < VEC; k++)
            m = fmaxf(m, v[k]);
    });
    m = row_allreduce<MAP>(m, MaxOp(), -INFINITY);

    /* pass 2: the sum of e^(x - m), every term in [0, 1] */
    float s = 0.0f;
    visit_row<T, VEC>(xr, sp, cols, g.rank, g.size, [&](const float(&v)[VEC]) {
#pragma unroll
        for (int k = 0; k < VEC; k++)
            s += exp_shifted(v[k], m);
    });
    s = row_allreduce<MAP>(s, SumOp(), 0.0f);

    /* pass 3: normalise */
    float inv_s = 1.0f / s;
    map_row<T, VEC>(xr, yr, sp, cols, g.rank, g.size,
                    [&](float v) { return exp_shifted(v, m) * inv_s; });
}
#line 749 "lessons/week2-online-softmax.nw"
template <typename T, int VEC, RowMap MAP, bool WRITE_BACKWARDS = true>
__global__ void __launch_bounds__(MAP == RowMap::warp ? kWarpBlockThreads : 1024, 1)
    softmax_online(const T *__restrict__ x, T *__restrict__ y, long rows, int cols)
{
    RowGroup g = row_group<MAP>();
    if (g.row >= rows)
        return;
    const T *xr = x + g.row * cols;
    T *yr = y + g.row * cols;
    RowSplit sp = split_row<T, VEC>(xr, cols);

    /* pass 1: maximum and sum together */
    MaxSum st = {-INFINITY, 0.0f};
    visit_row<T, VEC>(xr, sp, cols, g.rank, g.size,
                      [&](const float(&v)[VEC]) { online_add(st, v); });
    st = row_allreduce<MAP>(st, MergeOp(), MaxSum{-INFINITY, 0.0f});

    /* pass 2: normalise, last packs first: the statistics pass read them last, so
     * they are the likeliest to be still in the L2 */
    float inv_s = 1.0f / st.s;
    map_row<T, VEC, WRITE_BACKWARDS>(xr, yr, sp, cols, g.rank, g.size,
                                     [&](float v) { return exp_shifted(v, st.m) * inv_s; });
}
#line 849 "lessons/week2-online-softmax.nw"
/* a thread's share of a row: packs rank, rank + size, ... and one scalar element */
template <typename T, int VEC, int PACKS> struct HeldRow {
    Pack<T, VEC> packs[PACKS];
    float edge; /* -inf where the thread has no scalar element */
};

/* issue the loads of this thread's share of row xr; nothing here waits for them */
template <typename T, int VEC, int PACKS>
__device__ __forceinline__ void load_held(const T *xr, int cols, RowGroup g,
                                          HeldRow<T, VEC, PACKS> &h)
{
    RowSplit sp = split_row<T, VEC>(xr, cols);
    load_batch(reinterpret_cast<const Pack<T, VEC> *>(xr + sp.head), g.rank, g.size, sp.nvec,
               h.packs);
    h.edge = g.rank < edge_count(sp, cols) ? to_float(xr[edge_index(sp, g.rank)]) : -INFINITY;
}

/* y = softmax of a held row: statistics from registers, one merge across the
 * row, and the only write, from the same registers (xr only locates the packs) */
template <RowMap MAP, typename T, int VEC, int PACKS>
__device__ __forceinline__ void write_held_softmax(const HeldRow<T, VEC, PACKS> &h, const T *xr,
                                                   T *yr, int cols, RowGroup g)
{
    RowSplit sp = split_row<T, VEC>(xr, cols); /* the launcher checked y aligns like x */
    bool has_edge = g.rank < edge_count(sp, cols);
    MaxSum st = {-INFINITY, 0.0f};
#pragma unroll
    for (int p = 0; p < PACKS; p++)
        if (g.rank + p * g.size < sp.nvec) {
            float v[VEC];
            unpack(h.packs[p], v);
            online_add(st, v);
        }
    if (has_edge) {
        float v[1] = {h.edge};
        online_add(st, v);
    }
    st = row_allreduce<MAP>(st, MergeOp(), MaxSum{-INFINITY, 0.0f});

    float inv_s = 1.0f / st.s;
    Pack<T, VEC> *dst = reinterpret_cast<Pack<T, VEC> *>(yr + sp.head);
#pragma unroll
    for (int p = 0; p < PACKS; p++)
        if (g.rank + p * g.size < sp.nvec) {
            float v[VEC];
            unpack(h.packs[p], v);
#pragma unroll
            for (int k = 0; k < VEC; k++)
                v[k] = exp_shifted(v[k], st.m) * inv_s;
            dst[g.rank + p * g.size] = repack<T>(v);
        }
    if (has_edge)
        yr[edge_index(sp, g.rank)] = from_float<T>(exp_shifted(h.edge, st.m) * inv_s);
}
#line 906 "lessons/week2-online-softmax.nw"
template <typename T, int VEC, int PACKS, RowMap MAP>
__global__ void __launch_bounds__(MAP == RowMap::warp ? kWarpBlockThreads : 1024, 1)
    softmax_single_read(const T *__restrict__ x, T *__restrict__ y, long rows, int cols)
{
    RowGroup g = row_group<MAP>();
    if (g.row >= rows)
        return;
    HeldRow<T, VEC, PACKS> held;
    load_held(x + g.row * cols, cols, g, held); /* the only read */
    write_held_softmax<MAP>(held, x + g.row * cols, y + g.row * cols, cols, g);
}
#line 2714 "lessons/week2-online-softmax.nw"
/* how many rows the whole grid works on at once: a persistent loop's stride */
template <RowMap MAP> __device__ __forceinline__ long row_groups_in_grid()
{
    if constexpr (MAP == RowMap::warp) {
        return (long)gridDim.x * (blockDim.x / kWarp);
    } else if constexpr (MAP == RowMap::block) {
        return gridDim.x;
    } else {
#if WEEK2_CLUSTERS
        return gridDim.x / cg::this_cluster().num_blocks();
#else
        __trap();
        return 1;
#endif
    }
}

template <typename T, int VEC, int PACKS, RowMap MAP>
__global__ void __launch_bounds__(MAP == RowMap::warp ? kWarpBlockThreads : kPipelinedBlock, 1)
    softmax_pipelined(const T *__restrict__ x, T *__restrict__ y, long rows, int cols)
{
    RowGroup g = row_group<MAP>();
    const long stride = row_groups_in_grid<MAP>();
    HeldRow<T, VEC, PACKS> held, next;
    if (g.row < rows)
        load_held(x + g.row * cols, cols, g, held);
    /* every thread of a row group takes the same rows, so all reach the same
     * barriers, the cluster's included */
    for (long r = g.row; r < rows; r += stride) {
        if (r + stride < rows) /* in flight while this row is merged and written */
            load_held(x + (r + stride) * cols, cols, g, next);
        write_held_softmax<MAP>(held, x + r * cols, y + r * cols, cols, g);
        held = next;
    }
}
#line 1168 "lessons/week2-online-softmax.nw"
/* Slot k of this thread in stash `array` of `slots` slots a thread: side by
 * side with the same slot of the block's other threads. */
template <typename P> __device__ __forceinline__ P *shared_stash(int array, int slots)
{
    extern __shared__ __align__(16) unsigned char on_chip_shared[];
    return reinterpret_cast<P *>(on_chip_shared) + (long)array * slots * blockDim.x + threadIdx.x;
}

/* 16 bytes from device memory to shared memory with no register on the way
 * (cp.async, LDGSTS): in flight, it costs the thread nothing */
template <typename P> __device__ __forceinline__ void copy_to_shared_async(P *dst, const P *src)
{
    static_assert(sizeof(P) == 16, "cp.async.cg copies 16 bytes");
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    const unsigned to = (unsigned)__cvta_generic_to_shared(dst);
    const size_t from = __cvta_generic_to_global(src);
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(to), "l"(from) : "memory");
#else
    *dst = *src;
#endif
}

/* this thread's copies have landed; "memory": no shared load moves above it */
__device__ __forceinline__ void wait_copies_to_shared()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_all;" ::: "memory");
#endif
}

/* the copies issued so far form a group, which wait_copies_but can wait for */
__device__ __forceinline__ void close_copy_group()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.commit_group;" ::: "memory");
#endif
}

/* every group of this thread's copies but the `later` (0 to 3) last has landed */
__device__ __forceinline__ void wait_copies_but(int later)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    switch (later) { /* the count is an immediate: a constant in each case */
    case 0:
        asm volatile("cp.async.wait_group 0;" ::: "memory");
        break;
    case 1:
        asm volatile("cp.async.wait_group 1;" ::: "memory");
        break;
    case 2:
        asm volatile("cp.async.wait_group 2;" ::: "memory");
        break;
    default:
        asm volatile("cp.async.wait_group 3;" ::: "memory");
        break;
    }
#endif
}
#line 1232 "lessons/week2-online-softmax.nw"
/* Every thread of a cluster arrives as the kernel starts; the wait in
 * cluster_allreduce_pushed then means "every block is running". Relaxed: it
 * orders no memory accesses, so it costs nothing now. */
template <RowMap MAP> __device__ __forceinline__ void announce_cluster_start()
{
#if WEEK2_CLUSTERS
    if constexpr (MAP == RowMap::cluster)
        __cluster_barrier_arrive_relaxed();
#endif
}

#if WEEK2_CLUSTERS
/* v: this block's total, in every thread; every thread ends with the cluster's */
template <typename V, typename Op>
__device__ __forceinline__ V cluster_allreduce_pushed(V v, Op op, V identity)
{
    __shared__ V totals[kMaxClusterBlocksNonPortable]; /* slot k: block k's total */
    cg::cluster_group cluster = cg::this_cluster();
    const int blocks = (int)cluster.num_blocks();
    __cluster_barrier_wait(); /* the start's phase: every block of the cluster is running */
    if ((int)threadIdx.x < blocks)
        *cluster.map_shared_rank(&totals[cluster.block_rank()], threadIdx.x) = v;
    cluster.sync(); /* the arrival releases the pushes, the wait acquires them */
    const int lane = threadIdx.x % kWarp;
    v = lane < blocks ? totals[lane] : identity; /* this block's own copy: no second wait */
    return warp_allreduce(v, op);
}
#endif

/* every thread of the row ends with op over all of their values */
template <RowMap MAP, typename V, typename Op>
__device__ __forceinline__ V row_allreduce_pushed(V v, Op op, V identity)
{
    if constexpr (MAP != RowMap::cluster) {
        return row_allreduce<MAP>(v, op, identity);
    } else {
#if WEEK2_CLUSTERS
        v = row_allreduce<RowMap::block>(v, op, identity);
        return cluster_allreduce_pushed(v, op, identity);
#else
        __trap();
        return v;
#endif
    }
}
#line 1284 "lessons/week2-online-softmax.nw"
/* a thread's share of one input: RP packs in registers, sp in shared memory */
template <typename P, int RP> struct Share {
    P held[RP];
    P *stash; /* this thread's first slot; unused by a warp per row */
};

template <int VEC> struct Floats {
    float v[VEC];
};

template <typename T, int VEC>
__device__ __forceinline__ Floats<VEC> floats_of(const Pack<T, VEC> &pk)
{
    Floats<VEC> f;
    unpack(pk, f.v);
    return f;
}

/* the shared slots [first, end) of part p of PARTS of a thread's sp */
struct SlotRange {
    int first, end;
};

template <int PARTS> __device__ __forceinline__ SlotRange part_slots(int p, int sp)
{
    return {p * sp / PARTS, (p + 1) * sp / PARTS};
}

/* every load of this thread's share of src (stash `array` of the block's),
 * the shared slots in PARTS groups of copies, in order; PLAIN: the launcher
 * checked that all RP register packs lie in the row */
template <RowMap MAP, bool PLAIN, int PARTS = 1, typename P, int RP>
__device__ __forceinline__ void load_share(Share<P, RP> &s, const P *src, RowGroup g, int nvec,
                                           int array, int sp)
{
    if constexpr (MAP != RowMap::warp) {
        s.stash = shared_stash<P>(array, sp);
#pragma unroll
        for (int p = 0; p < PARTS; p++) {
            const SlotRange r = part_slots<PARTS>(p, sp);
            for (int k = r.first; k < r.end; k++) {
                const int i = g.rank + (RP + k) * g.size;
                if (i < nvec)
                    copy_to_shared_async(&s.stash[k * blockDim.x], &src[i]);
            }
            close_copy_group();
        }
    }
    if constexpr (PLAIN) {
#pragma unroll
        for (int k = 0; k < RP; k++)
            s.held[k] = src[g.rank + k * g.size];
    } else {
        load_batch(src, g.rank, g.size, nvec, s.held);
    }
}

/* f(slot, i, floats...) for each pack i of the row in shared slots r, and
 * in registers if HELD: slots 0 to RP - 1 in registers, RP + k the k-th in
 * shared memory */
template <RowMap MAP, int RP, bool PLAIN, bool HELD, typename F, typename... S>
__device__ __forceinline__ void visit_part(RowGroup g, int nvec, SlotRange r, F &&f, const S &...s)
{
    if constexpr (HELD)
#pragma unroll
        for (int k = 0; k < RP; k++)
            if (PLAIN || g.rank + k * g.size < nvec)
                f(k, g.rank + k * g.size, floats_of(s.held[k])...);
    if constexpr (MAP != RowMap::warp)
        /* from max(first, 0): the compiler then knows that no shared slot is
         * below RP, so indexing registers by slot stays a constant index */
        for (int k = max(r.first, 0); k < r.end; k++) {
            const int i = g.rank + (RP + k) * g.size;
            if (i < nvec)
                f(RP + k, i, floats_of(s.stash[k * blockDim.x])...);
        }
}

/* ...and for each pack of the shares, registers and shared memory */
template <RowMap MAP, int RP, bool PLAIN, typename F, typename... S>
__device__ __forceinline__ void visit_shares(RowGroup g, int nvec, int sp, F &&f, const S &...s)
{
    visit_part<MAP, RP, PLAIN, true>(g, nvec, SlotRange{0, sp}, f, s...);
}
#line 1378 "lessons/week2-online-softmax.nw"
/* after this, floats unpacked from pk earlier cannot stand in for pk's: the
 * next use unpacks it again instead of keeping those floats alive until then */
template <typename P> __device__ __forceinline__ void unpack_again(P &pk)
{
    static_assert(sizeof(P) % 4 == 0, "a pack is whole 32-bit registers");
    unsigned *words = reinterpret_cast<unsigned *>(&pk);
#pragma unroll
    for (int k = 0; k < (int)(sizeof(P) / 4); k++)
        asm volatile("" : "+r"(words[k]));
}
#line 1400 "lessons/week2-online-softmax.nw"
/* where softmax_on_chip keeps e_j = e^(x_j - mt) from its sum to its write */
enum class ExpKept {
    recomputed,   /* nowhere: the write computes it again */
    in_registers, /* for the packs held in registers; the shared ones computed again */
    in_place,     /* and over x_j in its shared slot, rounded to the element type */
};

/* blocks of a row that shared memory holds in part: two of up to 512 threads
 * an SM (kSharedSoft), so at most 64 registers a thread */
template <typename T, int VEC, int RP, RowMap MAP, ExpKept KEEP, int PARTS, bool PLAIN = false>
__global__ void __launch_bounds__(MAP == RowMap::warp ? kWarpBlockThreads : kOnChipBlockMax,
                                  MAP == RowMap::warp ? 1 : 2)
    softmax_on_chip(const T *__restrict__ x, T *__restrict__ y, long rows, int cols, int sp)
{
    using P = Pack<T, VEC>;
    constexpr bool kInRegisters = KEEP != ExpKept::recomputed;
    constexpr bool kInPlace = KEEP == ExpKept::in_place && MAP != RowMap::warp;
    constexpr int kParts = MAP == RowMap::warp ? 1 : PARTS; /* a warp's row has no shared part */
    static_assert(PARTS >= 1 && PARTS <= 4, "wait_copies_but waits with up to 3 groups later");
    announce_cluster_start<MAP>();
    const RowGroup g = row_group<MAP>();
    if (g.row >= rows)
        return; /* a whole warp of the last block, never part of a cluster */
    const T *xr = x + g.row * cols;
    T *yr = y + g.row * cols;
    const RowSplit rs = split_row<T, VEC>(xr, cols); /* the launcher checked y aligns like x */
    P *dst = reinterpret_cast<P *>(yr + rs.head);
    Share<P, RP> xs;
    load_share<MAP, PLAIN, kParts>(xs, reinterpret_cast<const P *>(xr + rs.head), g, rs.nvec, 0,
                                   sp);
    const bool has_edge = !PLAIN && g.rank < edge_count(rs, cols); /* a plain row has none */
    const float edge = has_edge ? to_float(xr[edge_index(rs, g.rank)]) : -INFINITY;

    /* One part of the share: its maximum mp, no exponential yet; then
     * e = e^(x - mp), kept where KEEP says, and their sum. The registers and
     * the edge, loaded last, come with the last part (HELD). */
    float e[kInRegisters ? RP : 1][VEC];
    float edge_e = 0.0f;
    auto sum_part = [&](SlotRange r, auto held) {
        constexpr bool HELD = decltype(held)::value;
        float mp = HELD ? edge : -INFINITY;
        visit_part<MAP, RP, PLAIN, HELD>(
            g, rs.nvec, r,
            [&](int, int, Floats<VEC> v) {
#pragma unroll
                for (int j = 0; j < VEC; j++)
                    mp = fmaxf(mp, v.v[j]);
            },
            xs);
        const float base = mp == -INFINITY ? 0.0f : mp; /* only -inf here: every term is 0 */
        if (HELD)
            edge_e = exp_shifted(edge, base);
        float s = HELD ? edge_e : 0.0f;
        visit_part<MAP, RP, PLAIN, HELD>(
            g, rs.nvec, r,
            [&](int slot, int, Floats<VEC> v) {
#pragma unroll
                for (int j = 0; j < VEC; j++) {
                    v.v[j] = exp_shifted(v.v[j], base);
                    if (kInRegisters && slot < RP)
                        e[kInRegisters ? slot : 0][j] = v.v[j];
                    s += v.v[j];
                }
                if (kInPlace && slot >= RP) /* the thread's own slot: no barrier */
                    xs.stash[(slot - RP) * blockDim.x] = repack<T>(v.v);
            },
            xs);
        return MaxSum{mp, s};
    };
    /* each part as soon as its copies land: only this thread's own, no barrier */
    MaxSum part[kParts];
#pragma unroll
    for (int p = 0; p < kParts - 1; p++) {
        wait_copies_but(kParts - 1 - p);
        part[p] = sum_part(part_slots<kParts>(p, sp), std::false_type());
    }
    if constexpr (MAP != RowMap::warp)
        wait_copies_but(0);
    part[kParts - 1] = sum_part(part_slots<kParts>(kParts - 1, sp), std::true_type());

    /* (m, s) of the row: the parts merged, then one merge across the row;
     * then y = e^(x - mp) e^(mp - m) / s, with a factor for each part */
    const MaxSum none = {-INFINITY, 0.0f};
    MaxSum mine = part[0];
#pragma unroll
    for (int p = 1; p < kParts; p++)
        mine = merge(mine, part[p]);
    const MaxSum row = row_allreduce_pushed<MAP>(mine, MergeOp(), none);
    auto write_part = [&](int p, auto held) {
        const float mp = part[p].m, base = mp == -INFINITY ? 0.0f : mp;
        const float scale = mp == -INFINITY ? 0.0f : exp_shifted(mp, row.m) / row.s;
        /* v: x, or e where it was kept in place */
        visit_part<MAP, RP, PLAIN, decltype(held)::value>(
            g, rs.nvec, part_slots<kParts>(p, sp),
            [&](int slot, int i, Floats<VEC> v) {
#pragma unroll
                for (int j = 0; j < VEC; j++) {
                    const bool kept = slot < RP ? kInRegisters : kInPlace;
                    const float ej = !kept       ? exp_shifted(v.v[j], base)
                                     : slot < RP ? e[kInRegisters ? slot : 0][j]
                                                 : v.v[j];
                    v.v[j] = ej * scale;
                }
                dst[i] = repack<T>(v.v);
            },
            xs);
        if (decltype(held)::value && has_edge)
            yr[edge_index(rs, g.rank)] = from_float<T>(edge_e * scale);
    };
#pragma unroll
    for (int p = 0; p < kParts - 1; p++)
        write_part(p, std::false_type());
    write_part(kParts - 1, std::true_type());
}
#line 1859 "lessons/week2-online-softmax.nw"
template <typename T, int VEC, RowMap MAP>
__global__ void __launch_bounds__(MAP == RowMap::warp ? kWarpBlockThreads : 1024, 1)
    softmax_backward_fused(const T *__restrict__ dy, const T *__restrict__ y, T *__restrict__ dx,
                           long rows, int cols)
{
    constexpr int B = kBatch / 2; /* two inputs: as many bytes in flight as kBatch packs of one */
    RowGroup g = row_group<MAP>();
    if (g.row >= rows)
        return;
    long offset = g.row * cols;
    const T *dyr = dy + offset, *yr = y + offset;
    T *dxr = dx + offset;
    RowSplit sp = split_row<T, VEC>(yr, cols); /* the launcher checked all three align alike */
    const Pack<T, VEC> *dyp = reinterpret_cast<const Pack<T, VEC> *>(dyr + sp.head);
    const Pack<T, VEC> *yp = reinterpret_cast<const Pack<T, VEC> *>(yr + sp.head);
    Pack<T, VEC> *dxp = reinterpret_cast<Pack<T, VEC> *>(dxr + sp.head);
    bool has_edge = g.rank < edge_count(sp, cols);
    int edge_j = has_edge ? edge_index(sp, g.rank) : 0;

    // SOLUTION BEGIN: the row's dot product d = sum_j dy_j y_j, in every thread
    //: float d = 0.0f;
    float d = has_edge ? to_float(dyr[edge_j]) * to_float(yr[edge_j]) : 0.0f;
    for (int i = g.rank; i < sp.nvec; i += B * g.size) {
        Pack<T, VEC> a[B], b[B];
        load_batch(dyp, i, g.size, sp.nvec, a);
        load_batch(yp, i, g.size, sp.nvec, b);
#pragma unroll
        for (int u = 0; u < B; u++)
            if (i + u * g.size < sp.nvec) {
                float dyv[VEC], yv[VEC];
                unpack(a[u], dyv);
                unpack(b[u], yv);
#pragma unroll
                for (int k = 0; k < VEC; k++)
                    d = fmaf(dyv[k], yv[k], d);
            }
    }
    d = row_allreduce<MAP>(d, SumOp(), 0.0f);
    // SOLUTION END

    /* dx = y (dy - d) */
    if (has_edge)
        dxr[edge_j] = from_float<T>(to_float(yr[edge_j]) * (to_float(dyr[edge_j]) - d));
    for (int i = g.rank; i < sp.nvec; i += B * g.size) {
        Pack<T, VEC> a[B], b[B];
        load_batch(dyp, i, g.size, sp.nvec, a);
        load_batch(yp, i, g.size, sp.nvec, b);
#pragma unroll
        for (int u = 0; u < B; u++)
            if (i + u * g.size < sp.nvec) {
                float dyv[VEC], yv[VEC];
                unpack(a[u], dyv);
                unpack(b[u], yv);
#pragma unroll
                for (int k = 0; k < VEC; k++)
                    yv[k] *= dyv[k] - d;
                dxp[i + u * g.size] = repack<T>(yv);
            }
    }
}
#line 1977 "lessons/week2-online-softmax.nw"
template <typename T, int VEC, int RP, RowMap MAP, bool PLAIN = false, bool UNPACK_AGAIN = true>
__global__ void __launch_bounds__(MAP == RowMap::warp ? kWarpBlockThreads : kOnChipBlockMax, 1)
    softmax_backward_single_read(const T *__restrict__ dy, const T *__restrict__ y,
                                 T *__restrict__ dx, long rows, int cols, int sp)
{
    using P = Pack<T, VEC>;
    announce_cluster_start<MAP>();
    const RowGroup g = row_group<MAP>();
    if (g.row >= rows)
        return;
    const long offset = g.row * cols;
    const T *dyr = dy + offset, *yr = y + offset;
    T *dxr = dx + offset;
    const RowSplit rs = split_row<T, VEC>(yr, cols); /* the launcher checked they align alike */
    P *dst = reinterpret_cast<P *>(dxr + rs.head);
    Share<P, RP> dys, ys;
    load_share<MAP, PLAIN>(dys, reinterpret_cast<const P *>(dyr + rs.head), g, rs.nvec, 0, sp);
    load_share<MAP, PLAIN>(ys, reinterpret_cast<const P *>(yr + rs.head), g, rs.nvec, 1, sp);
    const bool has_edge = !PLAIN && g.rank < edge_count(rs, cols);
    const int edge_j = has_edge ? edge_index(rs, g.rank) : 0;
    const float edge_dy = has_edge ? to_float(dyr[edge_j]) : 0.0f;
    const float edge_y = has_edge ? to_float(yr[edge_j]) : 0.0f;
    if constexpr (MAP != RowMap::warp)
        wait_copies_to_shared(); /* only this thread's own copies: no barrier */

    /* Exercise 3, from its contract. Given: this thread's share of dy and y in
     * dys and ys, loaded and waited for; its edge element, if has_edge, in
     * edge_dy and edge_y; the row's packs of dx at dst, its edge element at
     * dxr[edge_j]. Required: every thread of the row computes the same
     * d = sum_j dy_j y_j over the whole row, and writes dx_j = y_j (dy_j - d)
     * for every element it holds. No element of dy or y is read from device
     * memory again, and every thread reaches the row's merge: it waits at
     * barriers for all of them. */
    // SOLUTION BEGIN: the single-read backward: d across the row, then dx from what this thread holds
    //: (void)dst;
    //: (void)edge_dy;
    //: (void)edge_y;
    float d = edge_dy * edge_y;
    visit_shares<MAP, RP, PLAIN>(
        g, rs.nvec, sp,
        [&](int, int, Floats<VEC> dyv, Floats<VEC> yv) {
#pragma unroll
            for (int j = 0; j < VEC; j++)
                d = fmaf(dyv.v[j], yv.v[j], d);
        },
        dys, ys);
    d = row_allreduce_pushed<MAP>(d, SumOp(), 0.0f);
    if constexpr (UNPACK_AGAIN) {
#pragma unroll
        for (int k = 0; k < RP; k++) { /* the write unpacks dy and y again */
            unpack_again(dys.held[k]);
            unpack_again(ys.held[k]);
        }
    }

    /* dx = y (dy - d), from the same registers and shared memory */
    visit_shares<MAP, RP, PLAIN>(
        g, rs.nvec, sp,
        [&](int, int i, Floats<VEC> dyv, Floats<VEC> yv) {
#pragma unroll
            for (int j = 0; j < VEC; j++)
                yv.v[j] *= dyv.v[j] - d;
            dst[i] = repack<T>(yv.v);
        },
        dys, ys);
    if (has_edge)
        dxr[edge_j] = from_float<T>(edge_y * (edge_dy - d));
    // SOLUTION END
}
#line 528 "lessons/week2-online-softmax.nw"
static constexpr long round_up(long n, long m)
{
    return (n + m - 1) / m * m;
}

struct RowLaunch {
    bool warp_per_row;
    unsigned grid, block;
};

/* batches: how many batches of kBatch packs each thread takes per pass */
static RowLaunch row_launch(long rows, long cols, int vec, int batches = 1)
{
    long packs = (cols + vec - 1) / vec;
    if (packs <= 2 * kBatch * kWarp)
        return {true, (unsigned)((rows + kRowsPerWarpBlock - 1) / kRowsPerWarpBlock),
                (unsigned)(kRowsPerWarpBlock * kWarp)};
    long per_thread = (long)batches * kBatch;
    long threads = round_up((packs + per_thread - 1) / per_thread, kWarp);
    threads = threads < 64 ? 64 : threads > 1024 ? 1024 : threads;
    return {false, (unsigned)rows, (unsigned)threads};
}

#line 981 "lessons/week2-online-softmax.nw"
/* variant 3: the packs a thread holds. A batch of four while a row fits one
 * block of 1024 threads; 32 elements in a longer row, which a cluster of blocks
 * shares (eight float32 packs, still four 16-bit ones: eight would spill).
 * Scalars cost an address register each: 16 in both cases. */
constexpr int single_read_packs(int vec, bool clustered)
{
    return vec == 1 ? 16 : clustered ? 32 / vec : kBatch;
}

static constexpr long threads_for(long packs, int packs_per_thread)
{
    return round_up((packs + packs_per_thread - 1) / packs_per_thread, kWarp);
}

struct ClusterPlan {
    unsigned blocks; /* per row, at most kMaxClusterBlocks; 0: the row does not fit */
    unsigned block;  /* threads per block */
};

static ClusterPlan cluster_plan(long threads)
{
    long blocks = (threads + kClusterBlock - 1) / kClusterBlock;
    if (blocks > kClusterBlocks) /* fewer, larger blocks */
        blocks = std::max<long>(kClusterBlocks, (threads + 1023) / 1024);
    long block = round_up((threads + blocks - 1) / blocks, kWarp); /* shared evenly */
    if (blocks > kMaxClusterBlocks || block > 1024)
        return {0, 0};
    return {(unsigned)blocks, (unsigned)block};
}

#line 2762 "lessons/week2-online-softmax.nw"
/* the pipelined experiment: eight packs a thread was the sweep's fastest at every length
 * (fewer threads a row, so more rows in flight); 8 x 512 x 4 floats hold the
 * longest row variant 3 takes */
constexpr int kPipelinedPacks = 8;

/* the pipelined experiment's clusters: the fewest blocks of at most kPipelinedBlock threads */
static ClusterPlan pipelined_cluster_plan(long threads)
{
    long blocks = (threads + kPipelinedBlock - 1) / kPipelinedBlock;
    long block = round_up((threads + blocks - 1) / blocks, kWarp);
    if (blocks > kMaxClusterBlocks)
        return {0, 0};
    return {(unsigned)blocks, (unsigned)block};
}
#line 1535 "lessons/week2-online-softmax.nw"
struct PlanRules {
    int warp_packs;   /* a warp per row while a lane holds at most this many packs */
    int warp_block;   /* threads a block of warps that take a row each... */
    int lone_warp;    /* ...until a lane holds this many packs: then a block is one warp */
    int elements;     /* elements of each input a thread holds in registers */
    int lone_block;   /* threads of the largest block that holds a row in registers alone */
    int block;        /* threads a block, at most, once shared memory holds part of the row */
    int cluster_max;  /* blocks a cluster, at most */
    long shared_soft; /* bytes of shared memory a block takes before a larger plan is tried */
    int inputs;       /* arrays a thread keeps a share of: 1 forward, 2 backward */
};
constexpr long kSharedSoft = 100 * 1024; /* two such blocks fit an SM's 228 KB */
constexpr PlanRules kOnChipRules = {8, 128, 4, 32, 256, 512, 8, kSharedSoft, 1};   /* variant 4 */
constexpr PlanRules kBackwardRules = {8, 128, 4, 16, 128, 512, 8, kSharedSoft, 2}; /* variant 6 */
constexpr ExpKept kOnChipExpKept = ExpKept::in_place; /* variant 4: e^(x - mt) kept everywhere */
/* variant 4: 16-bit exponentials start when half the shared part has landed;
 * float32, which waits for memory, takes its share in one part */
template <typename T> constexpr int kOnChipParts = sizeof(T) == 2 ? 2 : 1;
constexpr long kStaticSharedReserve = 1024; /* a block's shared memory left to its static arrays */
/* what a block may take on an H200 (and H100): 227 KB */
constexpr long kHopperSharedPerBlock = 232448;

constexpr bool block_size_holds(int threads)
{
    return threads > 0 && threads % kWarp == 0 && threads <= kOnChipBlockMax;
}

constexpr bool rules_hold(const PlanRules &r)
{
    const bool warps =
        (r.warp_packs == 1 || r.warp_packs == 2 || r.warp_packs == 4 || r.warp_packs == 8) &&
        r.lone_warp >= 1;
    const bool packs = r.elements > 0 && r.elements % 8 == 0; /* whole 16-byte packs */
    bool doubling = false; /* block is lone_block doubled, zero or more times */
    for (long b = r.lone_block; b > 0 && b <= r.block; b *= 2)
        doubling = doubling || b == r.block;
    const bool blocks = block_size_holds(r.warp_block) && r.warp_block <= kWarpBlockThreads &&
                        block_size_holds(r.lone_block) && block_size_holds(r.block) && doubling;
    return warps && packs && blocks && r.cluster_max >= 1 && r.cluster_max <= kMaxClusterBlocks &&
           (r.inputs == 1 || r.inputs == 2) && r.shared_soft > 0;
}
static_assert(rules_hold(kOnChipRules) && rules_hold(kBackwardRules),
              "a warp holds 1, 2, 4 or 8 packs a lane; blocks of whole warps up to "
              "kOnChipBlockMax threads, block a doubling of lone_block; portable clusters");

struct RowPlan {
    RowMap map;
    int lane_packs;   /* RowMap::warp: packs a lane holds (1, 2, 4 or 8) */
    unsigned block;   /* threads a block */
    unsigned cluster; /* blocks a row: 1 unless RowMap::cluster */
    int sp;           /* packs of each input a thread keeps in shared memory */
};

/* the shared memory a plan asks of a block, for `inputs` arrays of 16-byte packs */
static constexpr long plan_shared_bytes(const RowPlan &plan, int inputs)
{
    return (long)inputs * plan.sp * plan.block * 16;
}

/* packs a thread keeps in shared memory when `team` threads share a row */
static constexpr int shared_packs(long packs, long team, int rp)
{
    const long per_thread = (packs + team - 1) / team;
    return per_thread > rp ? (int)(per_thread - rp) : 0;
}

/* a row of `packs` packs of `vec` elements */
static constexpr RowPlan plan_row(long packs, int vec, const PlanRules &r)
{
    const int rp = r.elements / vec;
    if (packs <= (long)r.warp_packs * kWarp) {
        int lane = 1;
        while ((long)lane * kWarp < packs)
            lane *= 2;
        const int block = lane >= r.lone_warp ? kWarp : r.warp_block;
        return {RowMap::warp, lane, (unsigned)block, 1, 0};
    }
    const long threads = threads_for(packs, rp);
    if (threads <= r.lone_block)
        return {RowMap::block, 0, (unsigned)threads, 1, 0};
    /* the rest of each share in shared memory: the smallest lone block, then
     * the smallest cluster, that needs no more than shared_soft a block; if
     * none does, the same search up to all a block may take */
    const long limits[2] = {r.shared_soft, kHopperSharedPerBlock - kStaticSharedReserve};
    for (long limit : limits) {
        for (long block = r.lone_block; block <= r.block; block *= 2) {
            const RowPlan lone = {RowMap::block, 0, (unsigned)block, 1,
                                  shared_packs(packs, block, rp)};
            if (plan_shared_bytes(lone, r.inputs) <= limit)
                return lone;
        }
        for (long blocks = 2; blocks <= r.cluster_max; blocks *= 2) {
            const RowPlan cluster = {RowMap::cluster, 0, (unsigned)r.block, (unsigned)blocks,
                                     shared_packs(packs, blocks * r.block, rp)};
            if (plan_shared_bytes(cluster, r.inputs) <= limit)
                return cluster;
        }
    }
    /* too long for any plan: longest_row_fits stops the build, launch_planned the launch */
    return {RowMap::cluster, 0, (unsigned)r.block, (unsigned)r.cluster_max,
            shared_packs(packs, (long)r.cluster_max * r.block, rp)};
}

/* the longest row fits a cluster's registers and shared memory, in every type */
constexpr bool longest_row_fits(const PlanRules &r)
{
    const long most = kHopperSharedPerBlock - kStaticSharedReserve;
    return plan_shared_bytes(plan_row(WEEK2_ON_CHIP_MAX_COLS / 4, 4, r), r.inputs) <= most &&
           plan_shared_bytes(plan_row(WEEK2_ON_CHIP_MAX_COLS / 8, 8, r), r.inputs) <= most;
}
static_assert(longest_row_fits(kOnChipRules) && longest_row_fits(kBackwardRules),
              "the longest row must fit a cluster's registers and shared memory");
/* the measured choice: a float32 row of 1024 (8 packs a lane) and a 16-bit
 * one of 1024 (4) take one warp a block, a 16-bit row of 256 (1) four */
static_assert(plan_row(256, 4, kOnChipRules).block == kWarp &&
                  plan_row(128, 8, kBackwardRules).block == kWarp &&
                  plan_row(32, 8, kOnChipRules).block == 128,
              "warps that take a row each: one a block from lone_warp packs a lane on");
#line 559 "lessons/week2-online-softmax.nw"
/* After queueing a kernel: the launch error, if any, as the contract asks. */
static int launch_status()
{
    return (int)cudaGetLastError();
}

/* all arrays of the problem sit at the same offset from a 16-byte boundary */
static bool packs_align(const wb_problem *p, size_t elem)
{
    uintptr_t r = (uintptr_t)p->in[0] % 16;
    return r % elem == 0 && (uintptr_t)p->y % 16 == r &&
           (!p->in[1] || (uintptr_t)p->in[1] % 16 == r);
}

template <template <typename, int> class L> static int dispatch(const wb_problem *p)
{
    if (p->rows <= 0 || p->cols <= 0)
        return WB_OK; /* nothing to do */
    if (p->rows > INT_MAX || p->cols > INT_MAX)
        return WB_UNSUPPORTED;
    switch (p->dtype) {
    case WB_F32:
        return packs_align(p, 4) ? L<float, 4>::run(p) : L<float, 1>::run(p);
    case WB_F16:
        return packs_align(p, 2) ? L<__half, 8>::run(p) : L<__half, 1>::run(p);
    case WB_BF16:
        return packs_align(p, 2) ? L<__nv_bfloat16, 8>::run(p) : L<__nv_bfloat16, 1>::run(p);
    default:
        return WB_UNSUPPORTED;
    }
}
template <typename T, int VEC> struct SafeLauncher {
    static int run(const wb_problem *p)
    {
        RowLaunch l = row_launch(p->rows, p->cols, VEC);
        const T *x = static_cast<const T *>(p->in[0]);
        T *y = static_cast<T *>(p->y);
        if (l.warp_per_row)
            softmax_safe<T, VEC, RowMap::warp>
                <<<l.grid, l.block, 0, p->stream>>>(x, y, p->rows, (int)p->cols);
        else
            softmax_safe<T, VEC, RowMap::block>
                <<<l.grid, l.block, 0, p->stream>>>(x, y, p->rows, (int)p->cols);
        return launch_status();
    }
};

#line 785 "lessons/week2-online-softmax.nw"
template <typename T, int VEC> struct OnlineLauncher {
    static int run(const wb_problem *p)
    {
        /* rows past 4096 elements: two batches a thread (bench/softmax_sweep.cu) */
        RowLaunch l = row_launch(p->rows, p->cols, VEC, p->cols > kOnlineOneBatchCols ? 2 : 1);
        const T *x = static_cast<const T *>(p->in[0]);
        T *y = static_cast<T *>(p->y);
        if (l.warp_per_row)
            softmax_online<T, VEC, RowMap::warp>
                <<<l.grid, l.block, 0, p->stream>>>(x, y, p->rows, (int)p->cols);
        else
            softmax_online<T, VEC, RowMap::block>
                <<<l.grid, l.block, 0, p->stream>>>(x, y, p->rows, (int)p->cols);
        return launch_status();
    }
};

/* Every variant whose kernels merge (m, s) pairs is launched through here: the
 * one guard of exercise 1. */
template <template <typename, int> class L> static int dispatch_merging(const wb_problem *p)
{
    // SOLUTION BEGIN: delete this guard once merge and online_add are written (exercise 1)
    //: return WB_NOT_IMPLEMENTED;
    // SOLUTION END
    return dispatch<L>(p);
}

#line 1014 "lessons/week2-online-softmax.nw"
template <typename T, int VEC, int PACKS, RowMap MAP>
static int single_read_with(const wb_problem *p, unsigned grid, unsigned block)
{
    softmax_single_read<T, VEC, PACKS, MAP><<<grid, block, 0, p->stream>>>(
        static_cast<const T *>(p->in[0]), static_cast<T *>(p->y), p->rows, (int)p->cols);
    return launch_status();
}

/* whether this GPU launches thread block clusters (sm_90 and later) */
static cudaError_t device_has_clusters(bool &yes)
{
    int device = 0, clusters = 0;
    cudaError_t err = cudaGetDevice(&device);
    if (err == cudaSuccess)
        err = cudaDeviceGetAttribute(&clusters, cudaDevAttrClusterLaunch, device);
    yes = clusters != 0;
    return err;
}

/* cluster blocks per cluster: a launch attribute, which the triple-chevron
 * syntax has no place for */
static cudaLaunchConfig_t cluster_config(const wb_problem *p, unsigned grid, unsigned block,
                                         unsigned cluster, cudaLaunchAttribute &attribute)
{
    attribute.id = cudaLaunchAttributeClusterDimension;
    attribute.val.clusterDim.x = cluster;
    attribute.val.clusterDim.y = 1;
    attribute.val.clusterDim.z = 1;
    cudaLaunchConfig_t config = {};
    config.gridDim = dim3(grid);
    config.blockDim = dim3(block);
    config.stream = p->stream;
    config.attrs = &attribute;
    config.numAttrs = 1;
    return config;
}

template <typename T>
static int launch_clustered(void (*kernel)(const T *, T *, long, int), const wb_problem *p,
                            unsigned grid, unsigned block, unsigned cluster)
{
    bool clusters = false;
    cudaError_t err = device_has_clusters(clusters);
    if (err != cudaSuccess)
        return (int)err;
    if (!clusters)
        return WB_UNSUPPORTED; /* before sm_90 a row must fit one block */
    cudaLaunchAttribute attribute;
    cudaLaunchConfig_t config = cluster_config(p, grid, block, cluster, attribute);
    err = cudaLaunchKernelEx(&config, kernel, static_cast<const T *>(p->in[0]),
                             static_cast<T *>(p->y), p->rows, (int)p->cols);
    return err != cudaSuccess ? (int)err : launch_status();
}

/* a cluster of `blocks` blocks per row */
template <typename T, int VEC, int PACKS>
static int single_read_clustered(const wb_problem *p, unsigned blocks, unsigned block)
{
    return launch_clustered<T>(softmax_single_read<T, VEC, PACKS, RowMap::cluster>, p,
                               (unsigned)(p->rows * blocks), block, blocks);
}

template <typename T, int VEC> struct SingleReadLauncher {
    static int run(const wb_problem *p)
    {
        if (p->cols > WEEK2_SINGLE_READ_MAX_COLS)
            return WB_UNSUPPORTED; /* the row does not fit: say so, never fall back */
        long packs = (p->cols + VEC - 1) / VEC;
        if constexpr (VEC > 1) { /* short rows: a warp, the fewest packs per lane that fit */
            unsigned grid = (unsigned)((p->rows + kRowsPerWarpBlock - 1) / kRowsPerWarpBlock);
            unsigned block = kRowsPerWarpBlock * kWarp;
            if (packs <= 1 * kWarp)
                return single_read_with<T, VEC, 1, RowMap::warp>(p, grid, block);
            if (packs <= 2 * kWarp)
                return single_read_with<T, VEC, 2, RowMap::warp>(p, grid, block);
            if (packs <= 4 * kWarp)
                return single_read_with<T, VEC, 4, RowMap::warp>(p, grid, block);
            if (packs <= 8 * kWarp)
                return single_read_with<T, VEC, 8, RowMap::warp>(p, grid, block);
        }
        /* longer rows: a block, if one is enough */
        constexpr int kBlockPacks = single_read_packs(VEC, false);
        long threads = threads_for(packs, kBlockPacks);
        if (threads <= 1024)
            return single_read_with<T, VEC, kBlockPacks, RowMap::block>(p, (unsigned)p->rows,
                                                                        (unsigned)threads);
        /* longer still: a cluster */
        constexpr int kClusterPacks = single_read_packs(VEC, true);
        ClusterPlan plan = cluster_plan(threads_for(packs, kClusterPacks));
        if (plan.blocks == 0 || p->rows * plan.blocks > INT_MAX)
            return WB_UNSUPPORTED;
        return single_read_clustered<T, VEC, kClusterPacks>(p, plan.blocks, plan.block);
    }
};

#line 1922 "lessons/week2-online-softmax.nw"
template <typename T, int VEC> struct BackwardLauncher {
    static int run(const wb_problem *p)
    {
        // SOLUTION BEGIN: delete this guard once the dot product of softmax_backward_fused is written (exercise 2)
        //: return WB_NOT_IMPLEMENTED;
        // SOLUTION END
        RowLaunch l = row_launch(p->rows, p->cols, VEC);
        const T *dy = static_cast<const T *>(p->in[0]);
        const T *y = static_cast<const T *>(p->in[1]);
        T *dx = static_cast<T *>(p->y);
        if (l.warp_per_row)
            softmax_backward_fused<T, VEC, RowMap::warp>
                <<<l.grid, l.block, 0, p->stream>>>(dy, y, dx, p->rows, (int)p->cols);
        else
            softmax_backward_fused<T, VEC, RowMap::block>
                <<<l.grid, l.block, 0, p->stream>>>(dy, y, dx, p->rows, (int)p->cols);
        return launch_status();
    }
};

#line 2779 "lessons/week2-online-softmax.nw"
/* The pipelined kernel runs as many row groups as the GPU holds at once, and no more: each
 * loops over rows. How many that is depends only on the kernel, the block, the
 * cluster and the device, so a launcher asks once and remembers (one entry per
 * kernel; the grader calls from one thread). */
struct Residency {
    int device = -1;
    unsigned block = 0, cluster = 0;
    long groups = 0;
};

template <typename T, int VEC, int PACKS, RowMap MAP>
static cudaError_t resident_row_groups(const wb_problem *p, unsigned block, unsigned cluster,
                                       long &groups)
{
    static Residency known;
    auto kernel = softmax_pipelined<T, VEC, PACKS, MAP>;
    int device = 0;
    cudaError_t err = cudaGetDevice(&device);
    if (err != cudaSuccess)
        return err;
    if (known.device == device && known.block == block && known.cluster == cluster) {
        groups = known.groups;
        return cudaSuccess;
    }
    int count = 0;
    if (MAP == RowMap::cluster) {
        cudaLaunchAttribute attribute;
        cudaLaunchConfig_t config = cluster_config(p, cluster, block, cluster, attribute);
        err = cudaOccupancyMaxActiveClusters(&count, kernel, &config);
        groups = count;
    } else {
        int sms = 0;
        err = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&count, kernel, (int)block, 0);
        if (err == cudaSuccess)
            err = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
        groups = (long)count * sms * (MAP == RowMap::warp ? block / kWarp : 1);
    }
    if (err != cudaSuccess)
        return err;
    if (groups < 1)
        return cudaErrorInvalidConfiguration; /* not even one block fits an SM */
    known = {device, block, cluster, groups};
    return cudaSuccess;
}

template <typename T, int VEC, int PACKS, RowMap MAP>
static int pipelined_with(const wb_problem *p, unsigned block, unsigned cluster = 1)
{
    long groups = 0;
    cudaError_t err = resident_row_groups<T, VEC, PACKS, MAP>(p, block, cluster, groups);
    if (err != cudaSuccess)
        return (int)err;
    long rows_per_block = MAP == RowMap::warp ? block / kWarp : 1;
    groups = std::min(groups, (p->rows + rows_per_block - 1) / rows_per_block * rows_per_block);
    long grid =
        MAP == RowMap::warp ? (groups + rows_per_block - 1) / rows_per_block : groups * cluster;
    if (MAP == RowMap::cluster)
        return launch_clustered<T>(softmax_pipelined<T, VEC, PACKS, MAP>, p, (unsigned)grid, block,
                                   cluster);
    softmax_pipelined<T, VEC, PACKS, MAP><<<(unsigned)grid, block, 0, p->stream>>>(
        static_cast<const T *>(p->in[0]), static_cast<T *>(p->y), p->rows, (int)p->cols);
    return launch_status();
}

template <typename T, int VEC> struct PipelinedLauncher {
    static int run(const wb_problem *p)
    {
        if (p->cols > WEEK2_SINGLE_READ_MAX_COLS)
            return WB_UNSUPPORTED; /* the row does not fit: say so, never fall back */
        long packs = (p->cols + VEC - 1) / VEC;
        if constexpr (VEC > 1) {
            if (packs <= 1 * kWarp)
                return pipelined_with<T, VEC, 1, RowMap::warp>(p, kWarpBlockThreads);
            if (packs <= 2 * kWarp)
                return pipelined_with<T, VEC, 2, RowMap::warp>(p, kWarpBlockThreads);
            if (packs <= 4 * kWarp)
                return pipelined_with<T, VEC, 4, RowMap::warp>(p, kWarpBlockThreads);
        }
        long threads = threads_for(packs, kPipelinedPacks);
        if (threads <= kPipelinedBlock)
            return pipelined_with<T, VEC, kPipelinedPacks, RowMap::block>(p, (unsigned)threads);
        ClusterPlan plan = pipelined_cluster_plan(threads);
        if (plan.blocks == 0)
            return WB_UNSUPPORTED;
        return pipelined_with<T, VEC, kPipelinedPacks, RowMap::cluster>(p, plan.block, plan.blocks);
    }
};
#line 1659 "lessons/week2-online-softmax.nw"
struct PreparedKernel {
    int device = -1;
    long shared_max = 0; /* the dynamic shared memory a block of the kernel may ask for */
};

template <auto KERNEL> static cudaError_t prepare_kernel(long &shared_max)
{
    static PreparedKernel known; /* one per kernel; the grader calls from one thread */
    int device = 0, optin = 0;
    bool clusters = false;
    cudaError_t err = cudaGetDevice(&device);
    if (err != cudaSuccess || known.device == device) {
        shared_max = known.shared_max;
        return err;
    }
    err = cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
    const long most = std::max(0L, (long)optin - kStaticSharedReserve);
    if (err == cudaSuccess && most > 0)
        err = cudaFuncSetAttribute(KERNEL, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)most);
    if (err == cudaSuccess)
        err = device_has_clusters(clusters);
    if (err == cudaSuccess && clusters)
        err = cudaFuncSetAttribute(KERNEL, cudaFuncAttributeNonPortableClusterSizeAllowed, 1);
    if (err != cudaSuccess)
        return err;
    known = {device, most};
    shared_max = most;
    return cudaSuccess;
}

/* KERNEL(args...) as the plan says, with `inputs` stashes of plan.sp packs a thread */
template <auto KERNEL, typename... Args>
static int launch_planned(const wb_problem *p, const RowPlan &plan, int inputs, Args... args)
{
    long shared_max = 0;
    cudaError_t err = prepare_kernel<KERNEL>(shared_max);
    if (err != cudaSuccess)
        return (int)err;
    const long shared = plan_shared_bytes(plan, inputs);
    if (shared > shared_max)
        return WB_UNSUPPORTED; /* this GPU's shared memory cannot hold the rest of the row */
    const long rows_per_block = plan.map == RowMap::warp ? plan.block / kWarp : 1;
    const long grid = (p->rows + rows_per_block - 1) / rows_per_block * plan.cluster;
    if (grid > INT_MAX)
        return WB_UNSUPPORTED;
    const bool clustered = plan.map == RowMap::cluster;
    if (clustered) {
        bool clusters = false;
        err = device_has_clusters(clusters);
        if (err != cudaSuccess)
            return (int)err;
        if (!clusters)
            return WB_UNSUPPORTED; /* before sm_90 a row must fit one block */
    }
    cudaLaunchAttribute attribute;
    cudaLaunchConfig_t config =
        cluster_config(p, (unsigned)grid, plan.block, plan.cluster, attribute);
    config.dynamicSmemBytes = (size_t)shared;
    config.numAttrs = clustered ? 1 : 0;
    err = cudaLaunchKernelEx(&config, KERNEL, args...);
    return err != cudaSuccess ? (int)err : launch_status();
}

/* one instantiation of each kernel, launched with a plan (the sweep calls these too) */
template <typename T, int VEC, int RP, RowMap MAP, bool PLAIN> struct OnChipKernel {
    static int launch(const wb_problem *p, const RowPlan &plan)
    {
        const T *x = static_cast<const T *>(p->in[0]);
        T *y = static_cast<T *>(p->y);
        return launch_planned<
            softmax_on_chip<T, VEC, RP, MAP, kOnChipExpKept, kOnChipParts<T>, PLAIN>>(
            p, plan, 1, x, y, p->rows, (int)p->cols, plan.sp);
    }
};

template <typename T, int VEC, int RP, RowMap MAP, bool PLAIN> struct BackwardSingleReadKernel {
    static int launch(const wb_problem *p, const RowPlan &plan)
    {
        return launch_planned<softmax_backward_single_read<T, VEC, RP, MAP, PLAIN>>(
            p, plan, 2, static_cast<const T *>(p->in[0]), static_cast<const T *>(p->in[1]),
            static_cast<T *>(p->y), p->rows, (int)p->cols, plan.sp);
    }
};

/* A plain row starts on a 16-byte boundary (so do the others: packs_align),
 * is whole packs, and fills every register pack of every thread: its kernel
 * checks no bounds there and has no edge element. */
static bool plain_row(const wb_problem *p, const RowPlan &plan, int vec, int rp)
{
    if ((uintptr_t)p->in[0] % 16 != 0 || p->cols % vec != 0)
        return false;
    const long team = plan.map == RowMap::warp ? kWarp : (long)plan.block * plan.cluster;
    const long held = plan.map == RowMap::warp ? plan.lane_packs : rp;
    return p->cols / vec >= held * team;
}

/* the instantiation a plan names: its packs a lane for a warp per row, else RP */
template <template <typename, int, int, RowMap, bool> class K, typename T, int VEC, int RP,
          bool PLAIN>
static int launch_plan_as(const wb_problem *p, const RowPlan &plan)
{
    if (plan.map == RowMap::block)
        return K<T, VEC, RP, RowMap::block, PLAIN>::launch(p, plan);
    switch (plan.lane_packs) {
    case 1:
        return K<T, VEC, 1, RowMap::warp, PLAIN>::launch(p, plan);
    case 2:
        return K<T, VEC, 2, RowMap::warp, PLAIN>::launch(p, plan);
    case 4:
        return K<T, VEC, 4, RowMap::warp, PLAIN>::launch(p, plan);
    case 8:
        return K<T, VEC, 8, RowMap::warp, PLAIN>::launch(p, plan);
    default:
        return WB_UNSUPPORTED;
    }
}

/* clusters take the long rows, where one bounds check a pack costs nothing */
template <template <typename, int, int, RowMap, bool> class K, typename T, int VEC, int RP>
static int launch_plan(const wb_problem *p, const RowPlan &plan)
{
    if (plan.map == RowMap::cluster)
        return K<T, VEC, RP, RowMap::cluster, false>::launch(p, plan);
    return plain_row(p, plan, VEC, RP) ? launch_plan_as<K, T, VEC, RP, true>(p, plan)
                                       : launch_plan_as<K, T, VEC, RP, false>(p, plan);
}

template <typename T, int VEC> struct OnChipLauncher {
    static int run(const wb_problem *p)
    {
        if (p->cols > WEEK2_ON_CHIP_MAX_COLS)
            return WB_UNSUPPORTED; /* the row does not fit: say so, never fall back */
        if constexpr (VEC == 1) {
            return WB_UNSUPPORTED; /* shared memory takes 16-byte packs: arrays must align alike */
        } else {
            constexpr int RP = kOnChipRules.elements / VEC;
            const RowPlan plan = plan_row((p->cols + VEC - 1) / VEC, VEC, kOnChipRules);
            return launch_plan<OnChipKernel, T, VEC, RP>(p, plan);
        }
    }
};

template <typename T, int VEC> struct BackwardSingleReadLauncher {
    static int run(const wb_problem *p)
    {
        // SOLUTION BEGIN: delete this guard once softmax_backward_single_read is written (exercise 3)
        //: return WB_NOT_IMPLEMENTED;
        // SOLUTION END
        if (p->cols > WEEK2_ON_CHIP_MAX_COLS)
            return WB_UNSUPPORTED;
        if constexpr (VEC == 1) {
            return WB_UNSUPPORTED;
        } else {
            constexpr int RP = kBackwardRules.elements / VEC;
            const RowPlan plan = plan_row((p->cols + VEC - 1) / VEC, VEC, kBackwardRules);
            return launch_plan<BackwardSingleReadKernel, T, VEC, RP>(p, plan);
        }
    }
};
#line 173 "lessons/week2-online-softmax.nw"
} // namespace

#line 2139 "lessons/week2-online-softmax.nw"
extern "C" int launch_softmax_safe(const wb_problem *p)
{
    return dispatch<SafeLauncher>(p);
}
extern "C" int launch_softmax_online(const wb_problem *p)
{
    return dispatch_merging<OnlineLauncher>(p);
}
extern "C" int launch_softmax_single_read(const wb_problem *p)
{
    return dispatch_merging<SingleReadLauncher>(p);
}
extern "C" int launch_softmax_pipelined(const wb_problem *p)
{
    return dispatch_merging<PipelinedLauncher>(p);
}
extern "C" int launch_softmax_on_chip(const wb_problem *p)
{
    return dispatch_merging<OnChipLauncher>(p);
}
extern "C" int launch_softmax_backward_fused(const wb_problem *p)
{
    return dispatch<BackwardLauncher>(p);
}
extern "C" int launch_softmax_backward_single_read(const wb_problem *p)
{
    return dispatch<BackwardSingleReadLauncher>(p);
}
#line 2173 "lessons/week2-online-softmax.nw"
extern "C" const wb_variant wb_lesson_variants[] = {
    {"softmax_safe", "softmax", launch_softmax_safe, WB_ALL_DTYPES, 0, NULL,
     "three passes over the row: max, sum of exp, normalise"},
    {"softmax_online", "softmax", launch_softmax_online, WB_ALL_DTYPES, 0, NULL,
     "online (max, sum) in one pass, merged with shuffles, then normalise"},
    {"softmax_single_read", "softmax", launch_softmax_single_read, WB_ALL_DTYPES,
     WEEK2_SINGLE_READ_MAX_COLS, NULL,
     "row held in registers: each element read once and written once"},
    {"softmax_pipelined", "softmax", launch_softmax_pipelined, WB_ALL_DTYPES,
     WEEK2_SINGLE_READ_MAX_COLS, NULL,
     "single read, each row group looping over rows with the next row's loads in flight"},
    {"softmax_on_chip", "softmax", launch_softmax_on_chip, WB_ALL_DTYPES, WEEK2_ON_CHIP_MAX_COLS,
     NULL, "single read, one exp an element; long rows in a cluster's registers and shared memory"},
    {"softmax_backward_fused", "softmax_backward", launch_softmax_backward_fused, WB_ALL_DTYPES, 0,
     NULL, "dx = y (dy - sum(dy y)), one kernel, a warp or a block per row"},
    {"softmax_backward_single_read", "softmax_backward", launch_softmax_backward_single_read,
     WB_ALL_DTYPES, WEEK2_ON_CHIP_MAX_COLS, NULL,
     "dy and y read once, held on chip (a warp, a block or a cluster per row)"},
};
extern "C" const int wb_lesson_variant_count =
    (int)(sizeof(wb_lesson_variants) / sizeof(wb_lesson_variants[0]));
