/* devbuf.h: device buffers fenced by guard zones.
 *
 *   [ guard | data | guard ]
 *
 * Guards hold WB_CANARY_BYTE; after a launch both are read back, and a byte
 * that changed is a write outside the buffer, reported with its offset.
 * Under compute-sanitizer the guards hide such a write (it lands inside the
 * allocation), so `grade --no-guards` sets wb_devbuf_guard_bytes to 0: each
 * buffer is then allocated to its exact size and memcheck reports the
 * access at its source line. */
#ifndef WB_DEVBUF_H
#define WB_DEVBUF_H

#include <cuda_runtime_api.h>
#include <stddef.h>

#define WB_GUARD_BYTES ((size_t)1 << 20)

extern size_t wb_devbuf_guard_bytes; /* WB_GUARD_BYTES, or 0 for --no-guards */

typedef struct wb_devbuf {
    unsigned char *base; /* cudaMalloc'd: guard + bytes + guard */
    size_t guard;        /* bytes of each guard, from wb_devbuf_guard_bytes */
    void *data;          /* base + guard, what a kernel gets */
    size_t bytes;
    unsigned char guard_byte; /* what the guards hold */
} wb_devbuf;

/* Guards set to guard_byte: WB_CANARY_BYTE around outputs (a write there is
 * seen), WB_INPUT_GUARD_BYTE around inputs (a read there changes the answer). */
int wb_devbuf_alloc(wb_devbuf *b, size_t bytes, unsigned char guard_byte);
/* Scrub (so that nothing a test computed is left for the next test in the
 * same process to find) and free, or keep for the next allocation of the
 * same size; safe on a buffer never allocated. */
int wb_devbuf_release(wb_devbuf *b);
/* Device memory with no guards, from the same kept buffers: what
 * wb_devbuf_alloc and wb_devbuf_release do, for the grader's own arrays (the
 * reference on the device). The CUDA status; cudaErrorMemoryAllocation
 * when even an emptied cache leaves no room. */
cudaError_t wb_devmem_alloc(void **p, size_t bytes);
cudaError_t wb_devmem_release(void *p, size_t bytes);
int wb_devbuf_fill(wb_devbuf *b, int byte); /* the data part */
/* Refill both guards with byte (the read-out-of-bounds probe), and set it as
 * what the guards must hold. */
int wb_devbuf_refill_guards(wb_devbuf *b, unsigned char byte);
/* Offset of the first changed guard byte: negative for before the data
 * (-1 is the byte just before), >= bytes after it; *found = 0 if intact
 * or if the buffer has no guards. */
int wb_devbuf_check_guards(const wb_devbuf *b, long *offset, int *found);

#endif
