/* rng.c: seeding and the normal distribution (rng.h). */
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
    r->spare = 0.0;
    r->has_spare = 0;
}

void wb_rng_stream(wb_rng *r, uint64_t base, uint64_t index)
{
    wb_rng_seed(r, base ^ (index * 0xd1342543de82ef95ull + 0x2545f4914f6cdd1dull));
}

/* A point uniform in the unit disc gives two independent normals for one
 * logarithm and one square root; Box-Muller's cosine per normal had been
 * over a third of the host's time drawing week 2's inputs. */
double wb_rng_normal(wb_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * wb_rng_uniform(r) - 1.0;
        v = 2.0 * wb_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}
