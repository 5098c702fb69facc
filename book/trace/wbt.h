/* wbt.h: the trace runtime's entry points, shared by its C code and the C++
 * CUDA shim (book/trace/shim/wbt_cuda.h) that a lesson compiles against.
 *
 * The trace tool runs a lesson's kernels on the CPU: every CUDA thread of the
 * traced blocks is a coroutine, the 32 lanes of a warp run in lockstep, and
 * every load and store the kernel makes reaches the runtime through gcc's
 * ThreadSanitizer instrumentation (book/trace/hooks.c). */
#ifndef WBT_H
#define WBT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    unsigned x, y, z;
} wbt_xyz;

/* the running thread's built-in variables, copied here whenever a thread
 * resumes; the shim's threadIdx, blockIdx, blockDim and gridDim refer to them */
typedef struct {
    wbt_xyz thread_idx, block_idx, block_dim, grid_dim;
    unsigned cluster_rank, cluster_blocks; /* this block's rank in its cluster, and their number */
} wbt_builtins;
extern wbt_builtins wbt_now;

typedef struct {
    wbt_xyz grid, block, cluster; /* cluster: blocks per cluster, 1 x 1 x 1 without clusters */
    size_t dynamic_shared;
} wbt_config;

/* Runs body(ctx) as every thread of the blocks this launch traces; returns 0
 * (cudaSuccess) or a cudaError_t value for a launch the GPU would refuse. */
int wbt_launch(const wbt_config *c, void (*body)(void *), void *ctx);
/* called by every thread just before the kernel: the next function entered is the kernel */
void wbt_kernel_entry(void);

void wbt_syncthreads(void);
void wbt_cluster_sync(void);

enum { WBT_SHFL_IDX, WBT_SHFL_UP, WBT_SHFL_DOWN, WBT_SHFL_XOR };
/* a warp shuffle: waits for the warp's other lanes, returns the source lane's bits */
uint64_t wbt_shuffle(int kind, unsigned mask, uint64_t bits, int arg, int width);

/* the running block's copy of the __shared__ variable identified by key */
void *wbt_shared(const void *key, size_t size, size_t align);
/* the running block's dynamic shared memory (extern __shared__ T name[]):
 * the launch's dynamic bytes at the top of the block's shared memory, clear
 * of the static variables at its bottom */
void *wbt_dynamic_shared(void);
/* p, an address in this block's shared memory, in block `rank` of the cluster */
void *wbt_map_shared_rank(const void *p, unsigned rank);

/* an atomic read-modify-write of size bytes at addr, issued from pc */
void wbt_atomic(void *addr, unsigned size, const void *pc);
void wbt_trap(void) __attribute__((noreturn));

/* the device the launchers see (an H200's figures: grids and plans as on the
 * GPU the committed profiles come from) */
int wbt_device_attribute(int attr, int *value);
int wbt_occupancy_blocks_per_sm(int block_threads);
int wbt_occupancy_clusters(unsigned cluster_blocks);

#ifdef __cplusplus
}
#endif
#endif /* WBT_H */
