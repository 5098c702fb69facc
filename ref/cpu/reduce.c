/* CPU references for Week 1's reductions (see reduce.h). */
#include "reduce.h"

#include <math.h>
#include <stddef.h>

#include "dtype.h"

/* A sum and the sum of magnitudes, together: the tolerance of a sum scales
 * with the second, and one pass over a gigabyte costs half of two. */
typedef struct sums {
    double sum, abs;
} sums;

/* Pairwise summation: split in halves until a short run, summed in order.
 * Error grows like log2(n) rather than n; recursion depth is log2(n / 256).
 * A run is summed by four accumulators, element j into j mod 4, added as
 * (0 + 1) + (2 + 3): four adds in flight instead of each waiting on the last
 * (the host sums billions of values per grade); still a fixed tree, so the
 * result does not depend on anything but x. */
static sums pairwise(const double *x, long n)
{
    if (n <= 256) {
        double s[4] = {0.0, 0.0, 0.0, 0.0}, a[4] = {0.0, 0.0, 0.0, 0.0};
        long j = 0;
        for (; j + 4 <= n; j += 4)
            for (int k = 0; k < 4; k++) {
                s[k] += x[j + k];
                a[k] += fabs(x[j + k]);
            }
        for (; j < n; j++) {
            s[j % 4] += x[j];
            a[j % 4] += fabs(x[j]);
        }
        return (sums){(s[0] + s[1]) + (s[2] + s[3]), (a[0] + a[1]) + (a[2] + a[3])};
    }
    long half = n / 2;
    sums lo = pairwise(x, half), hi = pairwise(x + half, n - half);
    return (sums){lo.sum + hi.sum, lo.abs + hi.abs};
}

/* The same pairwise tree, its 64 top subtrees summed in parallel: the split
 * points are those of pairwise(), so the result does not depend on threads. */
static sums pairwise_parallel(const double *x, long n)
{
    enum { LEVELS = 6, PARTS = 1 << LEVELS };
    if (n < (long)PARTS * 4096)
        return pairwise(x, n);
    long start[PARTS + 1];
    start[0] = 0;
    start[PARTS] = n;
    /* split like pairwise(): each range in halves, LEVELS times */
    for (int level = 0; level < LEVELS; level++) {
        int step = PARTS >> level;
        for (int i = 0; i < PARTS; i += step) {
            long lo = start[i], hi = start[i + step];
            start[i + step / 2] = lo + (hi - lo) / 2;
        }
    }
    sums part[PARTS];
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < PARTS; i++)
        part[i] = pairwise(x + start[i], start[i + 1] - start[i]);
    for (int width = 1; width < PARTS; width *= 2)
        for (int i = 0; i < PARTS; i += 2 * width) {
            part[i].sum += part[i + width].sum;
            part[i].abs += part[i + width].abs;
        }
    return part[0];
}

double ref_array_sum_with_abs(const double *x, long n, double *sum_abs)
{
    sums s = pairwise_parallel(x, n);
    *sum_abs = s.abs;
    return s.sum;
}

double ref_array_sum(const double *x, long n)
{
    return pairwise_parallel(x, n).sum;
}

double ref_array_sum_abs(const double *x, long n)
{
    return pairwise_parallel(x, n).abs;
}

void ref_row_sum_with_abs(const double *x, long rows, long cols, double *y, double *y_abs)
{
#pragma omp parallel for schedule(static)
    for (long i = 0; i < rows; i++) {
        sums s = pairwise(x + i * cols, cols);
        if (y)
            y[i] = s.sum;
        if (y_abs)
            y_abs[i] = s.abs;
    }
}

void ref_row_sum(const double *x, long rows, long cols, double *y)
{
    ref_row_sum_with_abs(x, rows, cols, y, NULL);
}

void ref_row_sum_abs(const double *x, long rows, long cols, double *y)
{
    ref_row_sum_with_abs(x, rows, cols, NULL, y);
}

void ref_row_max(const double *x, long rows, long cols, double *y)
{
#pragma omp parallel for schedule(static)
    for (long i = 0; i < rows; i++) {
        const double *row = x + i * cols;
        double m = row[0];
        for (long j = 1; j < cols; j++)
            if (row[j] > m)
                m = row[j];
        y[i] = m;
    }
}

void ref_reduce_fill(wb_rng *rng, wb_dtype dtype, long rows, long cols, ref_reduce_fill_kind kind,
                     double *v)
{
    /* scale in [1/8, 8), capped so that cols * 2.5 * scale <= max / 16 */
    double scale = exp2(6.0 * wb_rng_uniform(rng) - 3.0);
    double cap = wb_dtype_max(dtype) / (16.0 * 2.5 * (double)(cols > 0 ? cols : 1));
    if (scale > cap)
        scale = cap;
    double sign = wb_rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
    double center = 1.0 + wb_rng_uniform(rng); /* [1, 2) */
    uint64_t base = wb_rng_next(rng);
    long total = rows * cols, chunk = 1L << 16;
    /* chunks of their own stream, so large inputs are drawn on every core */
#pragma omp parallel for schedule(static)
    for (long c0 = 0; c0 < total; c0 += chunk) {
        wb_rng local;
        wb_rng_stream(&local, base, (uint64_t)(c0 / chunk));
        long end = c0 + chunk < total ? c0 + chunk : total;
        if (kind == WB_REDUCE_FILL_SUM) {
            for (long k = c0; k < end; k++) {
                double u = 2.0 * wb_rng_uniform(&local) - 1.0; /* [-1, 1) */
                v[k] = sign * scale * (center + 0.5 * u);      /* |.| in scale * [0.5, 2.5) */
            }
            continue;
        }
        long i = c0 / cols, j = c0 % cols; /* the row and column of element c0 */
        for (long k = c0; k < end; k++) {
            double u = 2.0 * wb_rng_uniform(&local) - 1.0;
            if (i % 2 == 0)
                v[k] = -scale * (center + 0.5 * u); /* all negative: a max from 0 fails */
            else
                v[k] = scale * center * u; /* both signs */
            if (++j == cols) {
                j = 0;
                i++;
            }
        }
    }
}
