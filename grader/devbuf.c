#include "devbuf.h"

#include <stdlib.h>

#include "compare.h"
#include "cuda_check.h"

size_t wb_devbuf_guard_bytes = WB_GUARD_BYTES;

int wb_devbuf_alloc(wb_devbuf *b, size_t bytes)
{
    b->base = NULL;
    b->data = NULL;
    b->bytes = bytes;
    b->guard = wb_devbuf_guard_bytes;
    WB_CUDA(cudaMalloc((void **)&b->base, bytes + 2 * b->guard));
    b->data = b->base + b->guard;
    if (b->guard) {
        WB_CUDA(cudaMemset(b->base, WB_CANARY_BYTE, b->guard));
        WB_CUDA(cudaMemset(b->base + b->guard + bytes, WB_CANARY_BYTE, b->guard));
    }
    return 0;
}

void wb_devbuf_free(wb_devbuf *b)
{
    if (b->base)
        cudaFree(b->base); /* the process ends soon; a failure here changes no verdict */
    b->base = NULL;
    b->data = NULL;
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
            if (host[i] != WB_CANARY_BYTE) {
                *offset = -(long)(b->guard - i);
                *found = 1;
                break;
            }
    }
    if (err == cudaSuccess && !*found) {
        err = cudaMemcpy(host, b->base + b->guard + b->bytes, b->guard, cudaMemcpyDeviceToHost);
        long i = err == cudaSuccess ? wb_guard_first_bad(host, b->guard) : -1;
        if (i >= 0) {
            *offset = (long)b->bytes + i;
            *found = 1;
        }
    }
    free(host);
    WB_CUDA(err);
    return 0;
}
