/* rng.h: a small seeded generator, so a printed seed reproduces a run. */
#ifndef WB_RNG_H
#define WB_RNG_H

#include <stdint.h>

typedef struct wb_rng {
    uint64_t s[4];
    double spare; /* the second normal of the last pair drawn (wb_rng_normal) */
    int has_spare;
} wb_rng;

/* Seed from one 64-bit value (SplitMix64 expands it, so nearby seeds give
 * unrelated streams). */
void wb_rng_seed(wb_rng *r, uint64_t seed);
/* Stream `index` of a family: independent generators for chunks or rows
 * filled in parallel, the same whatever the thread count. */
void wb_rng_stream(wb_rng *r, uint64_t base, uint64_t index);
/* Standard normal (Marsaglia's polar method: two per pair of uniforms). */
double wb_rng_normal(wb_rng *r);

/* xoshiro256** (Blackman and Vigna). Inline: the host draws billions of
 * values per grade, a call each would be a fifth of that time. */
static inline uint64_t wb_rng_next(wb_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, 1). */
static inline double wb_rng_uniform(wb_rng *r)
{
    return (double)(wb_rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
