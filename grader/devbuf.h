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

#include <stddef.h>

#define WB_GUARD_BYTES ((size_t)1 << 20)

extern size_t wb_devbuf_guard_bytes; /* WB_GUARD_BYTES, or 0 for --no-guards */

typedef struct wb_devbuf {
    unsigned char *base; /* cudaMalloc'd: guard + bytes + guard */
    size_t guard;        /* bytes of each guard, from wb_devbuf_guard_bytes */
    void *data;          /* base + guard, what a kernel gets */
    size_t bytes;
} wb_devbuf;

int wb_devbuf_alloc(wb_devbuf *b, size_t bytes); /* guards set to the canary */
void wb_devbuf_free(wb_devbuf *b);
int wb_devbuf_fill(wb_devbuf *b, int byte); /* the data part */
/* Offset of the first changed guard byte: negative for before the data
 * (-1 is the byte just before), >= bytes after it; *found = 0 if intact
 * or if the buffer has no guards. */
int wb_devbuf_check_guards(const wb_devbuf *b, long *offset, int *found);

#endif
