/* analyse.h: what the records mean on a GPU. A global request touches
 * 32-byte sectors; a shared request is served in wavefronts, one per word of
 * the busiest bank (bank = 4-byte word mod 32). Each record is tied to its
 * lesson line through the program's symbols (#line points into the .nw). */
#ifndef ANALYSE_H
#define ANALYSE_H

#include "trace.h"

#define WBT_BANKS  32
#define WBT_SECTOR 32

/* distinct 32-byte sectors a global request touches */
int wbt_sectors(const wbt_request *r);

/* a shared request's wavefronts, and the fewest its bytes could take (one per
 * 128 bytes of a phase): the difference is what Nsight Compute counts as bank
 * conflicts. Lanes of 8- and 16-byte accesses are served in phases of 16 and 8. */
void wbt_wavefronts(const wbt_request *r, int *wavefronts, int *ideal);

/* the bank a shared byte offset falls in */
static inline int wbt_bank(uint64_t offset)
{
    return (int)(offset / 4 % WBT_BANKS);
}

/* ---- source lines ---------------------------------------------------------------- */
typedef struct {
    char where[160];    /* "lessons/week0-copy-transpose.nw:292", or the address */
    char function[512]; /* the function that line is in */
} wbt_place;

/* Resolves every request's pc and every launch's kernel (addr2line on this
 * program); afterwards wbt_place_of() answers without running anything. */
void wbt_symbolize(void);
const wbt_place *wbt_place_of(uintptr_t pc);
/* the place of one address, looked up now (for a fault, before the tool exits) */
const wbt_place *wbt_place_now(uintptr_t pc);
/* the kernel of a launch as Nsight Compute names it: transpose_tiled<unsigned int, 32, 8, 0> */
const char *wbt_kernel_name(int launch);

/* ---- per line --------------------------------------------------------------------- */
typedef struct {
    int launch;
    const wbt_place *place;
    int space, kind, remote; /* remote: shared memory of another block of the cluster */
    long requests, lanes, sectors, wavefronts, ideal;
} wbt_line_stats;

/* one row per launch, lesson line, space and kind, in the order first seen;
 * returns how many (the array is malloc'd) */
int wbt_line_stats_of(wbt_line_stats **out);

#endif
