/* derivation.c: derived inputs and where their outputs come from (derivation.h). */
#include "derivation.h"

#include <stdio.h>

static long gcd(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static long below(wb_rng *rng, long n)
{
    long v = (long)(wb_rng_uniform(rng) * (double)n);
    return v < n ? v : n - 1;
}

wb_derivation wb_random_derivation(const wb_test *test, wb_rng *rng)
{
    wb_derivation d = {.a = 1};
    long rows = test->rows;
    if (rows > 1) {
        do
            d.a = 1 + below(rng, rows - 1);
        while (gcd(d.a, rows) != 1);
        d.b = below(rng, rows);
    }
    d.rotate = below(rng, test->cols);
    d.negate = test->op->odd && (wb_rng_next(rng) & 1);
    if (test->op->flipped_reference)
        d.flips = wb_rng_next(rng) | 1; /* 0 means none */
    return d;
}

wb_derivation wb_input_derivation(const wb_derivation *der, int k)
{
    wb_derivation dk = *der;
    dk.negate = k == 0 && der->negate;
    dk.flips = k == 0 ? der->flips : 0;
    return dk;
}

wb_output_map wb_output_map_of(const wb_test *test, const wb_derivation *der)
{
    wb_output_map m = {test->op->layout, test->rows, test->cols, *der};
    return m;
}

long wb_derived_source(long i, int *negated, const void *ctx)
{
    const wb_output_map *m = ctx;
    const wb_derivation *d = &m->der;
    *negated = d->negate;
    return wb_source_index(m->layout, m->rows, m->cols, d->a, d->b, d->rotate, i);
}

void wb_describe_derivation(const wb_test *test, const wb_derivation *der, char *buf, size_t len)
{
    snprintf(buf, len, "input rows r <- (%ld r + %ld) mod %ld, columns rotated by %ld%s%s", der->a,
             der->b, test->rows, der->rotate, der->negate ? ", sign flipped" : "",
             der->flips ? ", about half of the elements' signs flipped at random" : "");
}
