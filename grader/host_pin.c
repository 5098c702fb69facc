/* host_pin.c: page-locked host buffers (host_pin.h). */
#include "host_pin.h"

#include <cuda_runtime.h>

enum { MAX_PINNED = 16 };
static struct {
    const void *p;
    size_t bytes;
} pinned[MAX_PINNED];

static int find(const void *p)
{
    for (int i = 0; i < MAX_PINNED; i++)
        if (pinned[i].p == p)
            return i;
    return -1;
}

void wb_unpin_host(const void *p)
{
    int i = p ? find(p) : -1;
    if (i < 0)
        return;
    cudaHostUnregister((void *)p);
    cudaGetLastError(); /* an unlock that failed leaves nothing to undo */
    pinned[i].p = NULL;
    pinned[i].bytes = 0;
}

void wb_pin_host(const void *p, size_t bytes)
{
    if (!p || bytes == 0)
        return;
    int i = find(p);
    if (i >= 0 && pinned[i].bytes >= bytes)
        return;
    if (i >= 0)
        wb_unpin_host(p);
    if ((i = find(NULL)) < 0)
        return; /* every slot taken: this copy is pageable */
    if (cudaHostRegister((void *)p, bytes, cudaHostRegisterDefault) != cudaSuccess) {
        cudaGetLastError(); /* pageable then: slower, not wrong */
        return;
    }
    pinned[i].p = p;
    pinned[i].bytes = bytes;
}
