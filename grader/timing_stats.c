/* Order statistics for timings: host-only, tested in CI. */
#include <stdlib.h>

#include "timing.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double wb_quantile_sorted(const double *v, int n, double p)
{
    if (n <= 0)
        return 0.0;
    double pos = p * (n - 1);
    int lo = (int)pos;
    int hi = lo + 1 < n ? lo + 1 : lo;
    double frac = pos - lo;
    return v[lo] * (1.0 - frac) + v[hi] * frac;
}

double wb_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return wb_quantile_sorted(v, n, 0.5);
}
