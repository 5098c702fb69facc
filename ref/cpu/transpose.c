#include "transpose.h"

#include <string.h>

void ref_copy(const double *x, long rows, long cols, double *y)
{
    memcpy(y, x, (size_t)rows * (size_t)cols * sizeof *x);
}

void ref_transpose(const double *x, long rows, long cols, double *y)
{
    /* blocked, so the large shapes do not take the host minutes */
    enum { B = 64 };
#pragma omp parallel for schedule(static)
    for (long r0 = 0; r0 < rows; r0 += B)
        for (long c0 = 0; c0 < cols; c0 += B)
            for (long r = r0; r < r0 + B && r < rows; r++)
                for (long c = c0; c < c0 + B && c < cols; c++)
                    y[c * rows + r] = x[r * cols + c];
}
