/* softmax.c: the week-2 references. Every intermediate is a double, so
 * their error is far below any float32 kernel's; the sums use Neumaier's
 * compensation so that a 131072-long row adds no visible error either. */
#include "softmax.h"

#include <math.h>

/* Compensated running sum: (sum + comp) is the exact sum of the terms to
 * within a couple of double roundings, whatever the row length. */
typedef struct {
    double sum, comp;
} neumaier;

static void neumaier_add(neumaier *a, double v)
{
    double t = a->sum + v;
    if (fabs(a->sum) >= fabs(v))
        a->comp += (a->sum - t) + v;
    else
        a->comp += (v - t) + a->sum;
    a->sum = t;
}

static double neumaier_value(const neumaier *a)
{
    return a->sum + a->comp;
}

void ref_softmax(const double *x, long rows, long cols, double *y)
{
#pragma omp parallel for schedule(static)
    for (long r = 0; r < rows; r++) {
        const double *xr = x + r * cols;
        double *yr = y + r * cols;
        double m = -INFINITY;
        for (long j = 0; j < cols; j++)
            if (xr[j] > m)
                m = xr[j];
        if (m == -INFINITY) { /* no finite value: no softmax */
            for (long j = 0; j < cols; j++)
                yr[j] = NAN;
            continue;
        }
        /* e^(x - m) with x = -inf is exactly 0, and x - m <= 0 cannot overflow */
        neumaier s = {0.0, 0.0};
        for (long j = 0; j < cols; j++) {
            yr[j] = exp(xr[j] - m);
            neumaier_add(&s, yr[j]);
        }
        double inv = 1.0 / neumaier_value(&s);
        for (long j = 0; j < cols; j++)
            yr[j] *= inv;
    }
}

void ref_softmax_backward(const double *dy, const double *y, long rows, long cols, double *dx)
{
#pragma omp parallel for schedule(static)
    for (long r = 0; r < rows; r++) {
        const double *dyr = dy + r * cols, *yr = y + r * cols;
        double *dxr = dx + r * cols;
        neumaier dot = {0.0, 0.0};
        for (long j = 0; j < cols; j++)
            neumaier_add(&dot, dyr[j] * yr[j]);
        double d = neumaier_value(&dot);
        for (long j = 0; j < cols; j++)
            dxr[j] = yr[j] * (dyr[j] - d);
    }
}
