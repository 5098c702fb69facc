/* host_pin.h: page-locked host buffers, so that the uploads of a group's
 * inputs and reference run at the link's speed. A pageable copy of a
 * gigabyte reference took 200 to 300 ms on the H200's host; the group data
 * buffers live for the whole worker (host_data.c), so each is locked once. */
#ifndef WB_HOST_PIN_H
#define WB_HOST_PIN_H

#include <stddef.h>

/* Page-lock [p, p + bytes) before a copy from it: once, and again when a
 * larger span of the same buffer is asked. Best effort: where CUDA cannot
 * (no room, too many buffers), the copy still works from pageable memory. */
void wb_pin_host(const void *p, size_t bytes);
/* Let go of p's lock, if it has one; called before p is freed. */
void wb_unpin_host(const void *p);

#endif
