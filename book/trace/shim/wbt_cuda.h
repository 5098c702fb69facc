/* wbt_cuda.h (trace shim): CUDA C++ as g++ compiles it for the trace tool.
 *
 * A tangled lesson, rewritten by book/trace/cu2cpp (launches and __shared__
 * declarations), is compiled as host C++ with this header force-included and
 * -fsanitize=thread, so that every load and store reaches book/trace/hooks.c.
 * Here the CUDA qualifiers mean nothing, the built-in variables read the
 * running thread's (wbt.h), and barriers, warp shuffles and votes, atomics and
 * thread block clusters call the runtime, which runs the threads as
 * coroutines. Host fallbacks of the intrinsics the lessons use are below; a
 * lesson that uses another fails to compile, naming it: add it here. */
#ifndef WBT_CUDA_H
#define WBT_CUDA_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "../wbt.h"
#include "cuda_runtime_api.h"

/* ---- qualifiers -------------------------------------------------------------- */
#define __global__
#define __device__
#define __host__
#define __constant__
#define __managed__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__    __attribute__((noinline))
#define __launch_bounds__(...)
#define __grid_constant__
/* the runtime's own helpers must not report their accesses as the kernel's */
#define WBT_UNTRACED __attribute__((no_sanitize_thread))

/* ---- built-in variables ---------------------------------------------------------- */
/* references, not macros: cudaLaunchConfig_t has members named gridDim and blockDim */
inline const uint3 &threadIdx = reinterpret_cast<const uint3 &>(wbt_now.thread_idx);
inline const uint3 &blockIdx = reinterpret_cast<const uint3 &>(wbt_now.block_idx);
inline const dim3 &blockDim = reinterpret_cast<const dim3 &>(wbt_now.block_dim);
inline const dim3 &gridDim = reinterpret_cast<const dim3 &>(wbt_now.grid_dim);
#define warpSize 32

/* ---- 16-bit floating point types ----------------------------------------------- */
struct __half {
    unsigned short x;
};
struct alignas(4) __half2 {
    __half x, y;
};
struct __nv_bfloat16 {
    unsigned short x;
};
struct alignas(4) __nv_bfloat162 {
    __nv_bfloat16 x, y;
};
typedef __half half;
typedef __half2 half2;
typedef __nv_bfloat16 nv_bfloat16;
typedef __nv_bfloat162 nv_bfloat162;

/* float <-> half and bfloat16, rounding to nearest even as the device does:
 * ref/cpu/dtype.c's conversions, the ones the grader checks results with */
extern "C" {
#include "dtype.h"
}

inline float __half2float(__half h)
{
    return wb_half_to_float(h.x);
}
inline __half __float2half_rn(float f)
{
    return {wb_float_to_half(f)};
}
inline __half __float2half(float f)
{
    return __float2half_rn(f);
}
inline float __bfloat162float(__nv_bfloat16 b)
{
    return wb_bf16_to_float(b.x);
}
inline __nv_bfloat16 __float2bfloat16_rn(float f)
{
    return {wb_float_to_bf16(f)};
}
inline __nv_bfloat16 __float2bfloat16(float f)
{
    return __float2bfloat16_rn(f);
}
inline float2 __half22float2(__half2 h)
{
    return {__half2float(h.x), __half2float(h.y)};
}
inline float2 __bfloat1622float2(__nv_bfloat162 b)
{
    return {__bfloat162float(b.x), __bfloat162float(b.y)};
}
inline __half2 __floats2half2_rn(float a, float b)
{
    return {__float2half_rn(a), __float2half_rn(b)};
}
inline __half2 __float22half2_rn(float2 f)
{
    return __floats2half2_rn(f.x, f.y);
}
inline __nv_bfloat162 __floats2bfloat162_rn(float a, float b)
{
    return {__float2bfloat16_rn(a), __float2bfloat16_rn(b)};
}
inline __nv_bfloat162 __float22bfloat162_rn(float2 f)
{
    return __floats2bfloat162_rn(f.x, f.y);
}
inline float __low2float(__half2 h)
{
    return __half2float(h.x);
}
inline float __high2float(__half2 h)
{
    return __half2float(h.y);
}

/* ---- arithmetic intrinsics ---------------------------------------------------------- */
#define WBT_MINMAX(T)                                                                              \
    inline T min(T a, T b)                                                                         \
    {                                                                                              \
        return b < a ? b : a;                                                                      \
    }                                                                                              \
    inline T max(T a, T b)                                                                         \
    {                                                                                              \
        return a < b ? b : a;                                                                      \
    }
WBT_MINMAX(int)
WBT_MINMAX(unsigned)
WBT_MINMAX(long)
WBT_MINMAX(unsigned long)
WBT_MINMAX(long long)
WBT_MINMAX(unsigned long long)
#undef WBT_MINMAX
inline float min(float a, float b)
{
    return fminf(a, b);
}
inline float max(float a, float b)
{
    return fmaxf(a, b);
}
inline float __expf(float x)
{
    return expf(x);
}
inline float __logf(float x)
{
    return logf(x);
}
inline float __fdividef(float a, float b)
{
    return a / b;
}
inline float __frcp_rn(float x)
{
    return 1.0f / x;
}
inline float rsqrtf(float x)
{
    return 1.0f / sqrtf(x);
}
inline float __saturatef(float x)
{
    return x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x;
}
inline float __int_as_float(int i)
{
    float f;
    memcpy(&f, &i, sizeof f);
    return f;
}
inline int __float_as_int(float f)
{
    int i;
    memcpy(&i, &f, sizeof i);
    return i;
}
inline float __uint_as_float(unsigned u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
inline unsigned __float_as_uint(float f)
{
    unsigned u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* cached loads and stores: the access is the kernel's, at the kernel's line */
#define __ldg(p)     (*(p))
#define __ldcg(p)    (*(p))
#define __ldca(p)    (*(p))
#define __ldcs(p)    (*(p))
#define __ldlu(p)    (*(p))
#define __stcg(p, v) ((void)(*(p) = (v)))
#define __stcs(p, v) ((void)(*(p) = (v)))
#define __stwb(p, v) ((void)(*(p) = (v)))

/* ---- synchronisation ------------------------------------------------------------- */
inline void __syncthreads()
{
    wbt_syncthreads();
}
inline void __syncwarp(unsigned = 0xffffffffu)
{
    /* the lanes of a warp already run in lockstep */
}
inline void __threadfence() {}
inline void __threadfence_block() {}
inline void __threadfence_system() {}
[[noreturn]] inline void __trap()
{
    wbt_trap();
}

/* ---- warp shuffles and votes ---------------------------------------------------------- */
template <class T> inline T wbt_shuffle_value(int kind, unsigned mask, T v, int arg, int width)
{
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable<T>::value,
                  "the trace shim shuffles values of up to 8 bytes");
    uint64_t bits = 0;
    memcpy(&bits, &v, sizeof v);
    bits = wbt_shuffle(kind, mask, bits, arg, width);
    T r;
    memcpy(&r, &bits, sizeof r);
    return r;
}
template <class T> inline T __shfl_sync(unsigned mask, T v, int src_lane, int width = warpSize)
{
    return wbt_shuffle_value(WBT_SHFL_IDX, mask, v, src_lane, width);
}
template <class T> inline T __shfl_up_sync(unsigned mask, T v, unsigned delta, int width = warpSize)
{
    return wbt_shuffle_value(WBT_SHFL_UP, mask, v, (int)delta, width);
}
template <class T>
inline T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = warpSize)
{
    return wbt_shuffle_value(WBT_SHFL_DOWN, mask, v, (int)delta, width);
}
template <class T> inline T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = warpSize)
{
    return wbt_shuffle_value(WBT_SHFL_XOR, mask, v, lane_mask, width);
}
/* a vote: every lane's predicate, gathered by a shuffle of the whole warp */
inline unsigned __ballot_sync(unsigned mask, int predicate)
{
    unsigned bits = 0;
    for (int lane = 0; lane < warpSize; lane++)
        if (__shfl_sync(mask, predicate ? 1 : 0, lane))
            bits |= 1u << lane;
    return bits & mask;
}
inline int __any_sync(unsigned mask, int predicate)
{
    return __ballot_sync(mask, predicate) != 0;
}
inline int __all_sync(unsigned mask, int predicate)
{
    return __ballot_sync(mask, predicate) == mask;
}

/* ---- atomics: one read-modify-write access each, at the caller's line ----------- */
#define WBT_ATOMIC(name, T, update)                                                                \
    __attribute__((noinline)) WBT_UNTRACED inline T name(T *a, T v)                                \
    {                                                                                              \
        wbt_atomic(a, sizeof(T), __builtin_return_address(0));                                     \
        T old = *a;                                                                                \
        *a = (update);                                                                             \
        return old;                                                                                \
    }
WBT_ATOMIC(atomicAdd, int, old + v)
WBT_ATOMIC(atomicAdd, unsigned, old + v)
WBT_ATOMIC(atomicAdd, unsigned long long, old + v)
WBT_ATOMIC(atomicAdd, float, old + v)
WBT_ATOMIC(atomicSub, int, old - v)
WBT_ATOMIC(atomicSub, unsigned, old - v)
WBT_ATOMIC(atomicMax, int, old < v ? v : old)
WBT_ATOMIC(atomicMax, unsigned, old < v ? v : old)
WBT_ATOMIC(atomicMin, int, v < old ? v : old)
WBT_ATOMIC(atomicMin, unsigned, v < old ? v : old)
WBT_ATOMIC(atomicExch, int, v)
WBT_ATOMIC(atomicExch, unsigned, v)
WBT_ATOMIC(atomicExch, float, v)
WBT_ATOMIC(atomicInc, unsigned, old >= v ? 0 : old + 1)
#undef WBT_ATOMIC
__attribute__((noinline)) WBT_UNTRACED inline unsigned atomicCAS(unsigned *a, unsigned cmp,
                                                                 unsigned v)
{
    wbt_atomic(a, sizeof *a, __builtin_return_address(0));
    unsigned old = *a;
    if (old == cmp)
        *a = v;
    return old;
}

/* ---- thread block clusters (cooperative groups) ------------------------------------ */
namespace cooperative_groups
{
struct thread_block {
    void sync() const { wbt_syncthreads(); }
    unsigned thread_rank() const
    {
        return (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
    }
    unsigned size() const { return blockDim.x * blockDim.y * blockDim.z; }
};
inline thread_block this_thread_block()
{
    return {};
}
struct cluster_group {
    unsigned num_blocks() const { return wbt_now.cluster_blocks; }
    unsigned block_rank() const { return wbt_now.cluster_rank; }
    void sync() const { wbt_cluster_sync(); }
    template <class T> T *map_shared_rank(T *p, unsigned rank) const
    {
        return (T *)wbt_map_shared_rank(p, rank);
    }
};
inline cluster_group this_cluster()
{
    return {};
}
} // namespace cooperative_groups

/* the split cluster barrier: arriving changes nothing here (the lanes of a
 * cluster run one at a time), waiting is the whole barrier */
inline void __cluster_barrier_arrive() {}
inline void __cluster_barrier_arrive_relaxed() {}
inline void __cluster_barrier_wait()
{
    wbt_cluster_sync();
}

/* ---- launches ----------------------------------------------------------------------- */
/* K<<<grid, block, shared, stream>>>(args) becomes, through book/trace/cu2cpp,
 * wbt_launch_lambda(wbt_cfg(grid, block, shared, stream), [&] { ...; K(args); }) */
struct wbt_launch_config {
    dim3 grid, block;
    size_t shared;
};
inline wbt_launch_config wbt_cfg(dim3 grid, dim3 block, size_t shared = 0, cudaStream_t = nullptr)
{
    return {grid, block, shared};
}
template <class F> WBT_UNTRACED void wbt_run_body(void *f)
{
    (*static_cast<F *>(f))();
}
template <class F>
inline cudaError_t wbt_launch_lambda(wbt_launch_config c, F &&body, dim3 cluster = dim3())
{
    wbt_config w = {{c.grid.x, c.grid.y, c.grid.z},
                    {c.block.x, c.block.y, c.block.z},
                    {cluster.x, cluster.y, cluster.z},
                    c.shared};
    return (cudaError_t)wbt_launch(&w, wbt_run_body<std::remove_reference_t<F>>, (void *)&body);
}

template <class... Params, class... Args>
cudaError_t cudaLaunchKernelEx(const cudaLaunchConfig_t *config, void (*kernel)(Params...),
                               Args &&...args)
{
    dim3 cluster;
    for (unsigned i = 0; i < config->numAttrs; i++)
        if (config->attrs[i].id == cudaLaunchAttributeClusterDimension)
            cluster = dim3(config->attrs[i].val.clusterDim.x, config->attrs[i].val.clusterDim.y,
                           config->attrs[i].val.clusterDim.z);
    return wbt_launch_lambda(
        wbt_cfg(config->gridDim, config->blockDim, config->dynamicSmemBytes),
        [&]() {
            wbt_kernel_entry();
            kernel(args...);
        },
        cluster);
}

template <class Kernel>
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *blocks, Kernel, int block_threads,
                                                          size_t)
{
    *blocks = wbt_occupancy_blocks_per_sm(block_threads);
    return cudaSuccess;
}
template <class Kernel>
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *blocks, Kernel k,
                                                                   int block_threads, size_t shared,
                                                                   unsigned)
{
    return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks, k, block_threads, shared);
}
template <class Kernel>
cudaError_t cudaOccupancyMaxActiveClusters(int *clusters, Kernel, const cudaLaunchConfig_t *config)
{
    unsigned blocks = 1;
    for (unsigned i = 0; i < config->numAttrs; i++)
        if (config->attrs[i].id == cudaLaunchAttributeClusterDimension)
            blocks = config->attrs[i].val.clusterDim.x * config->attrs[i].val.clusterDim.y *
                     config->attrs[i].val.clusterDim.z;
    *clusters = wbt_occupancy_clusters(blocks);
    return cudaSuccess;
}
template <class Kernel> cudaError_t cudaFuncSetAttribute(Kernel, cudaFuncAttribute, int)
{
    return cudaSuccess;
}

/* __shared__ T name[...]; becomes, through book/trace/cu2cpp,
 * static char wbt_key_name; [[maybe_unused]] auto &name = *wbt_shared_var<T[...]>(&wbt_key_name); */
template <class T> inline T *wbt_shared_var(const void *key)
{
    return static_cast<T *>(wbt_shared(key, sizeof(T), alignof(T)));
}

#endif /* WBT_CUDA_H */
