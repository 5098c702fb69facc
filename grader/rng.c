/* xoshiro256** seeded by SplitMix64 (Blackman and Vigna). */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void wb_rng_seed(wb_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void wb_rng_stream(wb_rng *r, uint64_t base, uint64_t index)
{
    wb_rng_seed(r, base ^ (index * 0xd1342543de82ef95ull + 0x2545f4914f6cdd1dull));
}

uint64_t wb_rng_next(wb_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double wb_rng_uniform(wb_rng *r)
{
    return (double)(wb_rng_next(r) >> 11) * 0x1.0p-53;
}

double wb_rng_normal(wb_rng *r)
{
    double u1 = wb_rng_uniform(r), u2 = wb_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
