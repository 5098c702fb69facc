/* CPU references for Week 1's reductions (see reduce.h). */
#include "reduce.h"

#include <math.h>

#include "dtype.h"

/* Pairwise summation: split in halves until a short run, summed in order.
 * Error grows like log2(n) rather than n; recursion depth is log2(n / 64). */
static double pairwise(const double *x, long n, int absolute)
{
    if (n <= 64) {
        double s = 0.0;
        for (long i = 0; i < n; i++)
            s += absolute ? fabs(x[i]) : x[i];
        return s;
    }
    long half = n / 2;
    return pairwise(x, half, absolute) + pairwise(x + half, n - half, absolute);
}

double ref_array_sum(const double *x, long n)
{
    return pairwise(x, n, 0);
}

double ref_array_sum_abs(const double *x, long n)
{
    return pairwise(x, n, 1);
}

void ref_row_sum(const double *x, long rows, long cols, double *y)
{
    for (long i = 0; i < rows; i++)
        y[i] = pairwise(x + i * cols, cols, 0);
}

void ref_row_sum_abs(const double *x, long rows, long cols, double *y)
{
    for (long i = 0; i < rows; i++)
        y[i] = pairwise(x + i * cols, cols, 1);
}

void ref_row_max(const double *x, long rows, long cols, double *y)
{
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
    for (long i = 0; i < rows; i++) {
        double *row = v + i * cols;
        for (long j = 0; j < cols; j++) {
            double u = 2.0 * wb_rng_uniform(rng) - 1.0; /* [-1, 1) */
            if (kind == WB_REDUCE_FILL_SUM)
                row[j] = sign * scale * (center + 0.5 * u); /* |.| in scale * [0.5, 2.5) */
            else if (i % 2 == 0)
                row[j] = -scale * (center + 0.5 * u); /* all negative: a max from 0 fails */
            else
                row[j] = scale * center * u; /* both signs */
        }
    }
}
