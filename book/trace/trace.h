/* trace.h: what a traced run records (launches, a warp's memory requests and
 * shuffles) and the runtime calls the tool's C code makes around a launcher.
 * book/trace/sched.c writes the records; analyse.c, report.c and the figures
 * read them. */
#ifndef TRACE_H
#define TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "wbt.h"

#define WBT_WARP        32
#define WBT_MAX_CLUSTER 16           /* blocks of a cluster run together */
#define WBT_ARENA       (256u << 10) /* shared memory of one block, more than any GPU has */
#define WBT_MAX_BUFFERS 8

enum wbt_space { WBT_GLOBAL, WBT_SHARED };
enum wbt_kind { WBT_LOAD, WBT_STORE, WBT_ATOMIC };

/* one device buffer the launcher gets (x, y, workspace, ...) */
typedef struct {
    const char *name;
    unsigned char *base;
    size_t bytes;
    size_t mapped; /* with the inaccessible page after it */
} wbt_buffer;

typedef struct {
    wbt_config cfg;
    long blocks_in_grid;
    int blocks_traced;
    uintptr_t kernel_pc; /* an address inside the kernel: its name comes from the symbols */
} wbt_launch_record;

/* one warp instruction's memory access: the lanes that took part, each with
 * the buffer (global) or the cluster rank of the block (shared) it touched */
typedef struct {
    int launch, block, warp; /* block: linear index in the grid */
    int rank;                /* the warp's block's rank in its cluster */
    int epoch;               /* __syncthreads() and cluster.sync() its block passed before */
    int seq;                 /* order among all requests and shuffles of the run */
    uintptr_t pc;
    unsigned char kind, space;
    uint32_t active;
    uint64_t offset[WBT_WARP]; /* bytes from the start of the buffer or the block's shared memory */
    uint16_t size[WBT_WARP];
    int8_t target[WBT_WARP];
} wbt_request;

/* one warp shuffle: lane i received src[i]'s bits (src[i] == i: its own) */
typedef struct {
    int launch, block, warp, epoch, seq;
    uintptr_t pc;
    int kind; /* WBT_SHFL_* */
    uint32_t active;
    int arg[WBT_WARP];
    int8_t src[WBT_WARP];
    uint64_t sent[WBT_WARP]; /* what lane i offered */
} wbt_shuffle_record;

typedef struct {
    wbt_launch_record *launches;
    int n_launches;
    wbt_request *requests;
    int n_requests;
    wbt_shuffle_record *shuffles;
    int n_shuffles;
    wbt_buffer buffers[WBT_MAX_BUFFERS];
    int n_buffers;
} wbt_log;

extern wbt_log wbt_trace;
extern int wbt_last_error; /* what cudaGetLastError() returns next (device.c) */

/* hooks.c -> sched.c: a load, store or atomic of the running thread, and a function entry */
void wbt_access(const void *addr, unsigned size, int kind, const void *pc);
void wbt_function_entry(const void *pc);

/* which blocks a launch runs: one (the cluster that holds it), or all */
void wbt_select_blocks(int all, wbt_xyz block);
/* a zero-filled device buffer of bytes, pages touched only when used */
void *wbt_buffer_new(const char *name, size_t bytes);
/* forgets the records and frees the buffers */
void wbt_reset(void);

#endif /* TRACE_H */
