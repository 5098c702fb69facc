#include "compare.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "element_rules.h"

/* Does element i still hold the poison: the first bytes of the pattern, in
 * memory order (the fill writes the pattern little-endian). */
static int is_poison(wb_dtype dtype, const void *got, long i, uint32_t pattern)
{
    size_t size = wb_dtype_size(dtype);
    const unsigned char *p = (const unsigned char *)got + (size_t)i * size;
    for (size_t b = 0; b < size; b++)
        if (p[b] != (unsigned char)(pattern >> (8 * b)))
            return 0;
    return 1;
}

/* The verdict of elements [begin, end). */
static wb_verdict compare_range(wb_dtype dtype, const void *got, const wb_expected *e, long begin,
                                long end)
{
    wb_verdict v = {WB_CAT_NONE, -1, 0, 0, 0, 0};
    for (long i = begin; i < end; i++) {
        double g = wb_load(dtype, got, (size_t)i);
        int negated = 0;
        long from = e->source ? e->source(i, &negated, e->ctx) : i;
        double w = negated ? -e->want[from] : e->want[from];
        double allowed = e->bound ? e->bound[from] : 0.0;
        double err = 0.0;
        wb_category cat =
            wb_element_category(g, w, allowed, is_poison(dtype, got, i, e->poison), &err);
        if (err > v.max_error)
            v.max_error = err;
        if (cat == WB_CAT_NONE)
            continue;
        if (v.first_bad < 0) {
            v.first_bad = i;
            v.category = cat;
            v.want = w;
            v.got = g;
        }
        v.bad_count++;
    }
    return v;
}

enum { COMPARE_CHUNK = 1 << 16 };

wb_verdict wb_compare(wb_dtype dtype, const void *got, const double *want, const double *bound,
                      long n)
{
    wb_expected e = {want, bound, NULL, NULL, WB_POISON_PATTERN};
    return wb_compare_expected(dtype, got, &e, n);
}

wb_verdict wb_compare_expected(wb_dtype dtype, const void *got, const wb_expected *e, long n)
{
    long chunks = (n + COMPARE_CHUNK - 1) / COMPARE_CHUNK;
    if (chunks <= 1)
        return compare_range(dtype, got, e, 0, n);
    wb_verdict *part = malloc((size_t)chunks * sizeof *part);
    if (!part) /* no memory for the parallel pass: the same verdict, in one thread */
        return compare_range(dtype, got, e, 0, n);
#pragma omp parallel for schedule(static)
    for (long c = 0; c < chunks; c++) {
        long end = (c + 1) * COMPARE_CHUNK < n ? (c + 1) * COMPARE_CHUNK : n;
        part[c] = compare_range(dtype, got, e, c * COMPARE_CHUNK, end);
    }
    /* merged in index order, so the first bad element is the same as in one pass */
    wb_verdict v = {WB_CAT_NONE, -1, 0, 0, 0, 0};
    for (long c = 0; c < chunks; c++) {
        if (part[c].max_error > v.max_error)
            v.max_error = part[c].max_error;
        v.bad_count += part[c].bad_count;
        if (v.first_bad < 0 && part[c].first_bad >= 0) {
            v.first_bad = part[c].first_bad;
            v.category = part[c].category;
            v.want = part[c].want;
            v.got = part[c].got;
        }
    }
    free(part);
    return v;
}

static const char *explain(wb_category c)
{
    switch (c) {
    case WB_CAT_UNWRITTEN:
        return " (never written: still the poison value)";
    case WB_CAT_NAN:
        return " (not a finite number)";
    default:
        return "";
    }
}

void wb_verdict_message(const wb_verdict *v, long out_cols, long n, char *buf, size_t len)
{
    if (v->category == WB_CAT_NONE) {
        snprintf(buf, len, "all %ld elements match; largest error %.3g", n, v->max_error);
        return;
    }
    long r = out_cols > 0 ? v->first_bad / out_cols : 0;
    long c = out_cols > 0 ? v->first_bad % out_cols : v->first_bad;
    snprintf(buf, len,
             "y[%ld][%ld] (flat %ld): expected %.9g, got %.9g%s; %ld of %ld elements bad; "
             "largest error %.3g",
             r, c, v->first_bad, v->want, v->got, explain(v->category), v->bad_count, n,
             v->max_error);
}

long wb_guard_first_bad(const unsigned char *guard, size_t len, unsigned char byte)
{
    for (size_t i = 0; i < len; i++)
        if (guard[i] != byte)
            return (long)i;
    return -1;
}
