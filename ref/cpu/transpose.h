/* transpose.h: ground truth for week 0, in plain C on exact doubles. */
#ifndef WB_REF_TRANSPOSE_H
#define WB_REF_TRANSPOSE_H

/* y = x, rows x cols */
void ref_copy(const double *x, long rows, long cols, double *y);
/* y (cols x rows) = x^T, x rows x cols, both row-major */
void ref_transpose(const double *x, long rows, long cols, double *y);

#endif
