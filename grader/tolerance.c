#include "tolerance.h"

#include <math.h>

#include "dtype.h"

double wb_round_bound(wb_dtype out, double v)
{
    /* round-to-nearest is within half an ulp; allow a whole one so a result
     * rounded once in float32 and again in `out` still passes */
    return wb_dtype_eps(out) * fabs(v);
}

double wb_sum_bound(wb_dtype out, long n, double sum_abs, double want)
{
    double eps32 = wb_dtype_eps(WB_F32);
    double len = n > 1 ? (double)n : 1.0;
    double accumulate = eps32 * (sqrt(len) + log2(len) + 1.0) * sum_abs;
    return accumulate + wb_round_bound(out, want) + wb_round_bound(WB_F32, want);
}
