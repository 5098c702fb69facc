/* devbuf.h: device buffers fenced by guard zones.
 *
 *   [ guard | data | guard ]
 *
 * Guards hold WB_CANARY_BYTE; after a launch both are read back, and a byte
 * that changed is a write outside the buffer, reported with its offset. */
#ifndef WB_DEVBUF_H
#define WB_DEVBUF_H

#include <stddef.h>

#define WB_GUARD_BYTES ((size_t)1 << 20)

typedef struct wb_devbuf {
    unsigned char *base; /* cudaMalloc'd: guard + bytes + guard */
    void *data;          /* base + WB_GUARD_BYTES, what a kernel gets */
    size_t bytes;
} wb_devbuf;

int wb_devbuf_alloc(wb_devbuf *b, size_t bytes); /* guards set to the canary */
void wb_devbuf_free(wb_devbuf *b);
int wb_devbuf_fill(wb_devbuf *b, int byte); /* the data part */
/* Offset of the first changed guard byte: negative for before the data
 * (-1 is the byte just before), >= bytes after it; *found = 0 if intact. */
int wb_devbuf_check_guards(const wb_devbuf *b, long *offset, int *found);

#endif
