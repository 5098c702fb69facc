/* sched.c: runs a kernel's threads on the CPU, the 32 lanes of a warp in
 * lockstep, and records each warp's memory requests and shuffles.
 *
 * Every thread of the traced blocks (a whole cluster when the launch has
 * clusters) is a coroutine (ucontext). A thread runs until its next event: a
 * load or store of a device buffer or of shared memory (reported by hooks.c),
 * a shuffle, a barrier, or its end. When all lanes of a warp wait, the lanes
 * waiting at the lowest code address form one request, as the GPU issues one
 * instruction for the lanes that reach it together; divergent lanes wait their
 * turn. A shuffle needs every live lane of the warp; __syncthreads() every live
 * thread of the block; cluster.sync() every live thread of the cluster. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "analyse.h"
#include "shim/cuda_runtime_api.h"
#include "trace.h"

#define STACK_BYTES  (64u << 10)
#define MAX_REQUESTS 20000000 /* a kernel past this many requests is taken to loop forever */

enum lane_state { LANE_READY, LANE_ACCESS, LANE_SHUFFLE, LANE_BARRIER, LANE_CLUSTER, LANE_DONE };

typedef struct {
    wbt_builtins b;
    ucontext_t ctx;
    int state, rank, index; /* index: the thread's linear index in its block */
    int wants_kernel;       /* the next function entered is the kernel */
    /* the access it waits to make */
    uintptr_t pc;
    uint64_t offset;
    unsigned size;
    int kind, space, target;
    /* the shuffle it waits at */
    int shfl_kind, shfl_arg, shfl_width;
    uint64_t shfl_bits;
} lane;

wbt_log wbt_trace;
wbt_builtins wbt_now;

static struct {
    int all;
    wbt_xyz block;
} selection;

static struct {
    void (*body)(void *);
    void *ctx;
    int launch;
    unsigned threads, blocks; /* per block; blocks in the running cluster */
    size_t dynamic_shared;    /* bytes of dynamic shared memory a block */
    lane *lanes;
    char *stacks;
    int epoch[WBT_MAX_CLUSTER];
    long block_id[WBT_MAX_CLUSTER];
} run;

static ucontext_t scheduler;
static lane *current;
static unsigned char *arena; /* WBT_MAX_CLUSTER blocks' shared memory */
static int next_seq;

/* the __shared__ variables of the running launch, by key */
static struct {
    const void *key;
    size_t offset;
} shared_vars[256];
static int n_shared_vars;
static size_t shared_used;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("trace: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *grow(void *p, int n, int *cap, size_t elem)
{
    if (n < *cap)
        return p;
    *cap = *cap ? 2 * *cap : 1024;
    p = realloc(p, (size_t)*cap * elem);
    if (!p)
        die("out of memory for the trace's records");
    return p;
}

/* ---- buffers and shared memory ------------------------------------------------ */

void wbt_select_blocks(int all, wbt_xyz block)
{
    selection.all = all;
    selection.block = block;
}

void *wbt_buffer_new(const char *name, size_t bytes)
{
    if (wbt_trace.n_buffers == WBT_MAX_BUFFERS)
        die("more than %d device buffers", WBT_MAX_BUFFERS);
    if (bytes == 0)
        bytes = 1;
    /* an inaccessible page after the buffer: a kernel that runs past the end
     * stops there, and the fault handler names its lesson line */
    size_t page = (size_t)sysconf(_SC_PAGESIZE), body = (bytes + page - 1) / page * page;
    unsigned char *p = mmap(NULL, body + page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED || mprotect(p + body, page, PROT_NONE))
        die("cannot map %zu bytes for %s", bytes, name);
    wbt_trace.buffers[wbt_trace.n_buffers++] = (wbt_buffer){name, p, bytes, body + page};
    return p;
}

/* A kernel touched memory that is no buffer, no shared memory and not its own:
 * say where, in the lesson, and which thread. */
static void on_fault(int sig, siginfo_t *info, void *context)
{
    uintptr_t pc = 0;
#if defined(__x86_64__)
    pc = (uintptr_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    pc = (uintptr_t)((ucontext_t *)context)->uc_mcontext.pc;
#else
    (void)context;
#endif
    if (!current) {
        signal(sig, SIG_DFL);
        return; /* not the kernel's: crash as usual */
    }
    const wbt_place *where = wbt_place_now(pc + 1);
    fprintf(stderr,
            "%s: the kernel touched %p, outside every buffer (an index past the end?), in "
            "block (%u, %u, %u), thread (%u, %u, %u)%s%s\n",
            where->where, info->si_addr, current->b.block_idx.x, current->b.block_idx.y,
            current->b.block_idx.z, current->b.thread_idx.x, current->b.thread_idx.y,
            current->b.thread_idx.z, where->function[0] ? ", in " : "", where->function);
    _exit(1);
}

static void catch_faults(void)
{
    static char alternate[1 << 16];
    static int done;
    if (done++)
        return;
    stack_t st = {.ss_sp = alternate, .ss_size = sizeof alternate};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    if (sigaltstack(&st, NULL) || sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
        die("cannot install the fault handler");
}

static int lane_shared_rank(void)
{
    if (!current)
        die("shared memory used outside a kernel");
    return current->rank;
}

void *wbt_shared(const void *key, size_t size, size_t align)
{
    int i = 0;
    while (i < n_shared_vars && shared_vars[i].key != key)
        i++;
    if (i == n_shared_vars) {
        if (n_shared_vars == (int)(sizeof shared_vars / sizeof shared_vars[0]))
            die("more than %d __shared__ variables in one kernel", n_shared_vars);
        if (align < 16)
            align = 16;
        size_t offset = (shared_used + align - 1) / align * align;
        if (offset + size > WBT_ARENA)
            die("the kernel's __shared__ variables need more than %u KB", WBT_ARENA >> 10);
        shared_vars[n_shared_vars].key = key;
        shared_vars[n_shared_vars++].offset = offset;
        shared_used = offset + size;
    }
    return arena + (size_t)lane_shared_rank() * WBT_ARENA + shared_vars[i].offset;
}

void *wbt_dynamic_shared(void)
{
    size_t bytes = run.dynamic_shared;
    if (bytes > WBT_ARENA)
        die("the launch asks %zu bytes of dynamic shared memory, more than %u KB", bytes,
            WBT_ARENA >> 10);
    size_t offset = (WBT_ARENA - bytes) / 16 * 16;
    if (offset < shared_used)
        die("the kernel's static and dynamic shared memory overlap (%zu + %zu bytes)", shared_used,
            bytes);
    return arena + (size_t)lane_shared_rank() * WBT_ARENA + offset;
}

void *wbt_map_shared_rank(const void *p, unsigned rank)
{
    size_t own = (size_t)lane_shared_rank() * WBT_ARENA;
    uintptr_t offset = (uintptr_t)p - (uintptr_t)(arena + own);
    if (offset >= WBT_ARENA)
        die("map_shared_rank: %p is not in this block's shared memory", p);
    if (rank >= run.blocks)
        die("map_shared_rank: rank %u, but the cluster has %u blocks", rank, run.blocks);
    return arena + (size_t)rank * WBT_ARENA + offset;
}

/* ---- coroutines ---------------------------------------------------------------------- */

static void resume(lane *l)
{
    current = l;
    wbt_now = l->b;
    l->state = LANE_READY;
    if (swapcontext(&scheduler, &l->ctx))
        die("swapcontext failed");
    current = NULL;
}

static void wait_as(int state)
{
    lane *l = current;
    l->state = state;
    if (swapcontext(&l->ctx, &scheduler))
        die("swapcontext failed");
}

static void lane_main(void)
{
    run.body(run.ctx);
    current->state = LANE_DONE; /* uc_link returns to the scheduler */
}

/* called by hooks.c for every load and store the lesson's code makes */
void wbt_access(const void *addr, unsigned size, int kind, const void *pc)
{
    if (!current)
        return; /* host code: a launcher */
    uintptr_t a = (uintptr_t)addr;
    lane *l = current;
    if (a - (uintptr_t)arena < (uintptr_t)WBT_MAX_CLUSTER * WBT_ARENA) {
        l->space = WBT_SHARED;
        l->target = (int)((a - (uintptr_t)arena) / WBT_ARENA);
        l->offset = (a - (uintptr_t)arena) % WBT_ARENA;
    } else {
        int i = 0;
        while (i < wbt_trace.n_buffers &&
               a - (uintptr_t)wbt_trace.buffers[i].base >= wbt_trace.buffers[i].bytes)
            i++;
        if (i == wbt_trace.n_buffers)
            return; /* the thread's own variables */
        l->space = WBT_GLOBAL;
        l->target = i;
        l->offset = a - (uintptr_t)wbt_trace.buffers[i].base;
    }
    l->size = size;
    l->kind = kind;
    l->pc = (uintptr_t)pc;
    wait_as(LANE_ACCESS);
}

void wbt_atomic(void *addr, unsigned size, const void *pc)
{
    wbt_access(addr, size, WBT_ATOMIC, pc);
}

void wbt_kernel_entry(void)
{
    if (current)
        current->wants_kernel = 1;
}

/* called by hooks.c on every function entry: the first after wbt_kernel_entry is the kernel */
void wbt_function_entry(const void *pc)
{
    if (current && current->wants_kernel) {
        current->wants_kernel = 0;
        wbt_launch_record *l = &wbt_trace.launches[run.launch];
        if (!l->kernel_pc)
            l->kernel_pc = (uintptr_t)pc;
    }
}

void wbt_syncthreads(void)
{
    if (!current)
        die("__syncthreads() outside a kernel");
    wait_as(LANE_BARRIER);
}

void wbt_cluster_sync(void)
{
    if (!current)
        die("cluster.sync() outside a kernel");
    wait_as(LANE_CLUSTER);
}

uint64_t wbt_shuffle(int kind, unsigned mask, uint64_t bits, int arg, int width)
{
    (void)mask; /* every live lane takes part: the lessons shuffle whole warps */
    if (!current)
        die("a warp shuffle outside a kernel");
    if (width < 1 || width > WBT_WARP || (width & (width - 1)))
        die("a shuffle's width must be a power of two up to 32, not %d", width);
    lane *l = current;
    l->shfl_kind = kind;
    l->shfl_arg = arg;
    l->shfl_width = width;
    l->shfl_bits = bits;
    wait_as(LANE_SHUFFLE);
    return l->shfl_bits;
}

void wbt_trap(void)
{
    if (current)
        die("__trap() in block (%u, %u, %u), thread (%u, %u, %u)", current->b.block_idx.x,
            current->b.block_idx.y, current->b.block_idx.z, current->b.thread_idx.x,
            current->b.thread_idx.y, current->b.thread_idx.z);
    die("__trap()");
}

/* ---- warps, blocks and clusters ----------------------------------------------- */

static int request_cap, shuffle_cap;

static void issue_request(lane *ls, int n, uintptr_t pc, int warp)
{
    if (wbt_trace.n_requests >= MAX_REQUESTS)
        die("more than %d memory requests: does a loop of the kernel never end?", MAX_REQUESTS);
    wbt_trace.requests =
        grow(wbt_trace.requests, wbt_trace.n_requests, &request_cap, sizeof(wbt_request));
    wbt_request *r = &wbt_trace.requests[wbt_trace.n_requests++];
    memset(r, 0, sizeof *r);
    int rank = ls[0].rank;
    r->launch = run.launch;
    r->block = (int)run.block_id[rank];
    r->warp = warp;
    r->rank = rank;
    r->epoch = run.epoch[rank];
    r->seq = next_seq++;
    r->pc = pc;
    for (int i = 0; i < n; i++) {
        if (ls[i].state != LANE_ACCESS || ls[i].pc != pc)
            continue;
        r->active |= 1u << i;
        r->kind = (unsigned char)ls[i].kind;
        r->space = (unsigned char)ls[i].space;
        r->offset[i] = ls[i].offset;
        r->size[i] = (uint16_t)ls[i].size;
        r->target[i] = (int8_t)ls[i].target;
        ls[i].state = LANE_READY;
    }
}

static int shuffle_source(int kind, int lane_id, int arg, int width)
{
    int base = lane_id / width * width, in = lane_id % width;
    switch (kind) {
    case WBT_SHFL_IDX:
        return base + ((arg % width) + width) % width;
    case WBT_SHFL_UP:
        return in >= arg ? lane_id - arg : lane_id;
    case WBT_SHFL_DOWN:
        return in + arg < width ? lane_id + arg : lane_id;
    default:
        return (lane_id ^ arg) / width == lane_id / width ? lane_id ^ arg : lane_id;
    }
}

static void exchange(lane *ls, int n, int warp)
{
    wbt_trace.shuffles =
        grow(wbt_trace.shuffles, wbt_trace.n_shuffles, &shuffle_cap, sizeof(wbt_shuffle_record));
    wbt_shuffle_record *s = &wbt_trace.shuffles[wbt_trace.n_shuffles++];
    memset(s, 0, sizeof *s);
    int rank = ls[0].rank;
    s->launch = run.launch;
    s->block = (int)run.block_id[rank];
    s->warp = warp;
    s->epoch = run.epoch[rank];
    s->seq = next_seq++;
    for (int i = 0; i < n; i++)
        if (ls[i].state == LANE_SHUFFLE) {
            s->active |= 1u << i;
            s->kind = ls[i].shfl_kind;
            s->arg[i] = ls[i].shfl_arg;
            s->sent[i] = ls[i].shfl_bits;
        }
    for (int i = 0; i < n; i++) {
        if (!(s->active >> i & 1))
            continue;
        int src = shuffle_source(ls[i].shfl_kind, i, ls[i].shfl_arg, ls[i].shfl_width);
        if (src >= n || !(s->active >> src & 1))
            src = i; /* an exited lane: the GPU leaves the value undefined; keep one's own */
        s->src[i] = (int8_t)src;
    }
    for (int i = 0; i < n; i++)
        if (s->active >> i & 1) {
            ls[i].shfl_bits = s->sent[s->src[i]];
            ls[i].state = LANE_READY;
        }
}

static void run_warp(lane *ls, int n, int warp)
{
    for (;;) {
        for (int i = 0; i < n; i++)
            if (ls[i].state == LANE_READY)
                resume(&ls[i]);
        uintptr_t pc = UINTPTR_MAX;
        for (int i = 0; i < n; i++)
            if (ls[i].state == LANE_ACCESS && ls[i].pc < pc)
                pc = ls[i].pc;
        if (pc != UINTPTR_MAX) {
            issue_request(ls, n, pc, warp);
            continue;
        }
        int at_shuffle = 0, at_barrier = 0;
        for (int i = 0; i < n; i++) {
            at_shuffle += ls[i].state == LANE_SHUFFLE;
            at_barrier += ls[i].state == LANE_BARRIER || ls[i].state == LANE_CLUSTER;
        }
        if (at_shuffle && at_barrier)
            die("warp %d of block %ld: some lanes wait at a shuffle, others at a barrier", warp,
                run.block_id[ls[0].rank]);
        if (!at_shuffle)
            return;
        exchange(ls, n, warp);
    }
}

/* runs the block of this rank until each thread has ended or waits at cluster.sync() */
static void run_block(int rank)
{
    lane *ls = run.lanes + (size_t)rank * run.threads;
    for (;;) {
        for (unsigned w = 0; w * WBT_WARP < run.threads; w++) {
            unsigned n = run.threads - w * WBT_WARP;
            run_warp(ls + w * WBT_WARP, n < WBT_WARP ? (int)n : WBT_WARP, (int)w);
        }
        int at_barrier = 0, at_cluster = 0;
        for (unsigned t = 0; t < run.threads; t++) {
            at_barrier += ls[t].state == LANE_BARRIER;
            at_cluster += ls[t].state == LANE_CLUSTER;
        }
        if (at_barrier && at_cluster)
            die("block %ld: some threads wait at __syncthreads(), others at cluster.sync()",
                run.block_id[rank]);
        if (!at_barrier)
            return;
        for (unsigned t = 0; t < run.threads; t++)
            if (ls[t].state == LANE_BARRIER)
                ls[t].state = LANE_READY;
        run.epoch[rank]++;
    }
}

/* a function of its own: getcontext returns twice */
static __attribute__((noinline)) void start_context(lane *l, char *stack)
{
    if (getcontext(&l->ctx))
        die("getcontext failed");
    l->ctx.uc_stack.ss_sp = stack;
    l->ctx.uc_stack.ss_size = STACK_BYTES;
    l->ctx.uc_link = &scheduler;
    makecontext(&l->ctx, lane_main, 0);
}

static void run_cluster(const wbt_config *c, wbt_xyz first)
{
    unsigned cx = c->cluster.x, cy = c->cluster.y;
    for (unsigned r = 0; r < run.blocks; r++) {
        wbt_xyz bi = {first.x + r % cx, first.y + r / cx % cy, first.z + r / (cx * cy)};
        run.block_id[r] = bi.x + (long)c->grid.x * (bi.y + (long)c->grid.y * bi.z);
        run.epoch[r] = 0;
        for (unsigned t = 0; t < run.threads; t++) {
            lane *l = &run.lanes[(size_t)r * run.threads + t];
            memset(l, 0, sizeof *l);
            l->b.thread_idx = (wbt_xyz){t % c->block.x, t / c->block.x % c->block.y,
                                        t / (c->block.x * c->block.y)};
            l->b.block_idx = bi;
            l->b.block_dim = c->block;
            l->b.grid_dim = c->grid;
            l->b.cluster_rank = r;
            l->b.cluster_blocks = run.blocks;
            l->rank = (int)r;
            l->index = (int)t;
            l->state = LANE_READY;
            start_context(l, run.stacks + ((size_t)r * run.threads + t) * STACK_BYTES);
        }
    }
    for (;;) {
        for (unsigned r = 0; r < run.blocks; r++)
            run_block((int)r);
        int waiting = 0;
        for (size_t t = 0; t < (size_t)run.blocks * run.threads; t++)
            if (run.lanes[t].state == LANE_CLUSTER) {
                run.lanes[t].state = LANE_READY;
                waiting = 1;
            }
        if (!waiting)
            return;
        for (unsigned r = 0; r < run.blocks; r++)
            run.epoch[r]++;
    }
}

static unsigned volume(wbt_xyz d)
{
    return d.x * d.y * d.z;
}

static int launch_error(int e)
{
    wbt_last_error = e;
    return e;
}

static int launch_cap;

int wbt_launch(const wbt_config *c, void (*body)(void *), void *ctx)
{
    unsigned threads = volume(c->block), blocks = volume(c->cluster);
    if (!volume(c->grid) || !threads || threads > 1024 || c->grid.y > 65535 || c->grid.z > 65535 ||
        c->block.z > 64 || !blocks || blocks > WBT_MAX_CLUSTER || c->grid.x % c->cluster.x ||
        c->grid.y % c->cluster.y || c->grid.z % c->cluster.z)
        return launch_error(cudaErrorInvalidConfiguration);
    catch_faults();
    if (!arena) {
        arena = mmap(NULL, (size_t)WBT_MAX_CLUSTER * WBT_ARENA, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (arena == MAP_FAILED)
            die("cannot map shared memory");
    }
    wbt_trace.launches =
        grow(wbt_trace.launches, wbt_trace.n_launches, &launch_cap, sizeof(wbt_launch_record));
    run.launch = wbt_trace.n_launches++;
    wbt_launch_record *rec = &wbt_trace.launches[run.launch];
    memset(rec, 0, sizeof *rec);
    rec->cfg = *c;
    rec->blocks_in_grid = (long)c->grid.x * c->grid.y * c->grid.z;

    run.body = body;
    run.ctx = ctx;
    run.dynamic_shared = c->dynamic_shared;
    run.threads = threads;
    run.blocks = blocks;
    size_t lanes = (size_t)threads * blocks;
    run.lanes = calloc(lanes, sizeof(lane));
    run.stacks = mmap(NULL, lanes * STACK_BYTES, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (!run.lanes || run.stacks == MAP_FAILED)
        die("cannot allocate %zu threads", lanes);
    n_shared_vars = 0; /* each kernel's shared variables start at offset 0, as on the GPU */
    shared_used = 0;
    memset(arena, 0, (size_t)WBT_MAX_CLUSTER * WBT_ARENA);

    wbt_xyz sel = selection.block;
    if (sel.x >= c->grid.x || sel.y >= c->grid.y || sel.z >= c->grid.z)
        sel = (wbt_xyz){0, 0, 0}; /* a later, smaller launch: its first block */
    wbt_xyz first = {0, 0, 0};
    for (first.z = 0; first.z < c->grid.z; first.z += c->cluster.z)
        for (first.y = 0; first.y < c->grid.y; first.y += c->cluster.y)
            for (first.x = 0; first.x < c->grid.x; first.x += c->cluster.x) {
                if (!selection.all && (sel.x / c->cluster.x != first.x / c->cluster.x ||
                                       sel.y / c->cluster.y != first.y / c->cluster.y ||
                                       sel.z / c->cluster.z != first.z / c->cluster.z))
                    continue;
                run_cluster(c, first);
                rec->blocks_traced += (int)blocks;
            }
    munmap(run.stacks, lanes * STACK_BYTES);
    free(run.lanes);
    run.lanes = NULL;
    return launch_error(cudaSuccess);
}

void wbt_reset(void)
{
    for (int i = 0; i < wbt_trace.n_buffers; i++)
        munmap(wbt_trace.buffers[i].base, wbt_trace.buffers[i].mapped);
    wbt_trace.n_buffers = 0;
    wbt_trace.n_launches = 0;
    wbt_trace.n_requests = 0;
    wbt_trace.n_shuffles = 0;
    next_seq = 0;
}
