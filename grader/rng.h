/* rng.h: a small seeded generator, so a printed seed reproduces a run. */
#ifndef WB_RNG_H
#define WB_RNG_H

#include <stdint.h>

typedef struct wb_rng {
    uint64_t s[4];
} wb_rng;

/* Seed from one 64-bit value (SplitMix64 expands it, so nearby seeds give
 * unrelated streams). */
void wb_rng_seed(wb_rng *r, uint64_t seed);
uint64_t wb_rng_next(wb_rng *r);
/* Stream `index` of a family: independent generators for chunks or rows
 * filled in parallel, the same whatever the thread count. */
void wb_rng_stream(wb_rng *r, uint64_t base, uint64_t index);
/* Uniform in [0, 1). */
double wb_rng_uniform(wb_rng *r);
/* Standard normal (Box-Muller). */
double wb_rng_normal(wb_rng *r);

#endif
