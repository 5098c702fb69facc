#include "devbuf.h"

#include <stdlib.h>

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

int wb_devbuf_alloc(wb_devbuf *b, size_t bytes, unsigned char guard_byte)
{
    b->base = NULL;
    b->data = NULL;
    b->bytes = bytes;
    b->guard = wb_devbuf_guard_bytes;
    WB_CUDA(cudaMalloc((void **)&b->base, bytes + 2 * b->guard));
    b->data = b->base + b->guard;
    return wb_devbuf_refill_guards(b, guard_byte);
}

int wb_devbuf_release(wb_devbuf *b)
{
    if (!b->base)
        return 0;
    cudaError_t scrub = cudaMemset(b->base, 0, b->bytes + 2 * b->guard);
    cudaError_t freed = cudaFree(b->base);
    b->base = NULL;
    b->data = NULL;
    WB_CUDA(scrub);
    WB_CUDA(freed);
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
