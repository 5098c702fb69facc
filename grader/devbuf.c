#include "devbuf.h"

#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "cuda_check.h"

size_t wb_devbuf_guard_bytes = WB_GUARD_BYTES;

int wb_devbuf_refill_guards(wb_devbuf *b, unsigned char byte)
{
    b->guard_byte = byte;
    if (b->guard) {
        WB_CUDA(cudaMemset(b->base, byte, b->guard));
        WB_CUDA(cudaMemset(b->base + b->guard + b->bytes, byte, b->guard));
    }
    return 0;
}

/* Released buffers are kept for the next test of the same size instead of
 * going back to the driver: grading repeats each shape across variants, and
 * a cudaMalloc and cudaFree of hundreds of MiB cost milliseconds, more than
 * the test's kernels at the large shapes. A kept buffer was scrubbed at
 * release, so it holds what a fresh allocation would. The cache holds a few
 * buffers and at most a share of the device's memory, because the
 * correctness workers share the GPU; an allocation that fails empties it
 * and tries once more. */
enum { CACHE_SLOTS = 24 }; /* a test holds up to about 15 buffers */
static struct {
    void *base[CACHE_SLOTS];
    size_t size[CACHE_SLOTS];
    int n;
    size_t held, limit; /* bytes kept; the most to keep (0: not known yet) */
    /* base[0] is the oldest */
} cache;

static size_t cache_limit(void)
{
    if (!cache.limit) {
        size_t free_bytes = 0, total_bytes = 0;
        if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) {
            cudaGetLastError(); /* not sticky; with no size known, nothing is kept */
            total_bytes = 0;
        }
        cache.limit = total_bytes / 16 ? total_bytes / 16 : 1;
    }
    return cache.limit;
}

static void *cache_take(size_t size)
{
    for (int i = cache.n; i-- > 0;)
        if (cache.size[i] == size) {
            void *base = cache.base[i];
            cache.held -= size;
            cache.n--; /* the rest keep their order, oldest first */
            memmove(cache.base + i, cache.base + i + 1, (size_t)(cache.n - i) * sizeof *cache.base);
            memmove(cache.size + i, cache.size + i + 1, (size_t)(cache.n - i) * sizeof *cache.size);
            return base;
        }
    return NULL;
}

/* the oldest kept buffer back to the driver */
static cudaError_t cache_evict_oldest(void)
{
    cudaError_t err = cudaFree(cache.base[0]);
    cache.held -= cache.size[0];
    cache.n--;
    memmove(cache.base, cache.base + 1, (size_t)cache.n * sizeof cache.base[0]);
    memmove(cache.size, cache.size + 1, (size_t)cache.n * sizeof cache.size[0]);
    return err;
}

static cudaError_t drain_all(void)
{
    cudaError_t first = cudaSuccess;
    while (cache.n > 0) {
        cudaError_t err = cache_evict_oldest();
        if (first == cudaSuccess)
            first = err;
    }
    return first;
}

cudaError_t wb_devmem_alloc(void **p, size_t bytes)
{
    *p = cache_take(bytes);
    if (*p)
        return cudaSuccess;
    cudaError_t err = cudaMalloc(p, bytes);
    if (err == cudaErrorMemoryAllocation && cache.n > 0) {
        cudaGetLastError(); /* not sticky: the kept buffers make room */
        err = drain_all();
        if (err == cudaSuccess)
            err = cudaMalloc(p, bytes);
    }
    return err;
}

cudaError_t wb_devmem_release(void *p, size_t bytes)
{
    if (!p)
        return cudaSuccess;
    cudaError_t scrub = cudaMemset(p, 0, bytes);
    if (scrub == cudaSuccess) /* done before the memory is handed out on any stream */
        scrub = cudaDeviceSynchronize();
    cudaError_t evicted = cudaSuccess;
    while (scrub == cudaSuccess && bytes <= cache_limit() && cache.n > 0 &&
           (cache.n == CACHE_SLOTS || cache.held + bytes > cache_limit()))
        if ((evicted = cache_evict_oldest()) != cudaSuccess)
            break;
    if (scrub != cudaSuccess || evicted != cudaSuccess || bytes > cache_limit()) {
        cudaError_t freed = cudaFree(p);
        return scrub != cudaSuccess ? scrub : evicted != cudaSuccess ? evicted : freed;
    }
    cache.base[cache.n] = p;
    cache.size[cache.n++] = bytes;
    cache.held += bytes;
    return cudaSuccess;
}

int wb_devbuf_alloc(wb_devbuf *b, size_t bytes, unsigned char guard_byte)
{
    b->data = NULL;
    b->bytes = bytes;
    b->guard = wb_devbuf_guard_bytes;
    void *base = NULL;
    cudaError_t err = wb_devmem_alloc(&base, bytes + 2 * b->guard);
    b->base = base;
    WB_CUDA(err);
    b->data = b->base + b->guard;
    return wb_devbuf_refill_guards(b, guard_byte);
}

int wb_devbuf_release(wb_devbuf *b)
{
    unsigned char *base = b->base;
    b->base = NULL;
    b->data = NULL;
    WB_CUDA(wb_devmem_release(base, b->bytes + 2 * b->guard));
    return 0;
}

int wb_devbuf_fill(wb_devbuf *b, int byte)
{
    WB_CUDA(cudaMemset(b->data, byte, b->bytes));
    return 0;
}

int wb_devbuf_check_guards(const wb_devbuf *b, long *offset, int *found)
{
    *found = 0;
    if (!b->guard)
        return 0; /* --no-guards: compute-sanitizer watches the bounds instead */
    unsigned char *host = malloc(b->guard);
    if (!host) {
        snprintf(wb_cuda_error, sizeof wb_cuda_error, "out of host memory for a guard check");
        return -1;
    }
    cudaError_t err = cudaMemcpy(host, b->base, b->guard, cudaMemcpyDeviceToHost);
    if (err == cudaSuccess) {
        /* scan the leading guard from its end: the byte nearest the data is
         * the likeliest overrun, and its offset reads best as -1, -2, ... */
        for (size_t i = b->guard; i-- > 0;)
            if (host[i] != b->guard_byte) {
                *offset = -(long)(b->guard - i);
                *found = 1;
                break;
            }
    }
    if (err == cudaSuccess && !*found) {
        err = cudaMemcpy(host, b->base + b->guard + b->bytes, b->guard, cudaMemcpyDeviceToHost);
        long i = err == cudaSuccess ? wb_guard_first_bad(host, b->guard, b->guard_byte) : -1;
        if (i >= 0) {
            *offset = (long)b->bytes + i;
            *found = 1;
        }
    }
    free(host);
    WB_CUDA(err);
    return 0;
}
