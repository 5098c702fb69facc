/* softmax.h: ground truth for week 2, in plain C on exact doubles.
 *
 * Row-wise softmax over the last dimension of a rows x cols row-major matrix,
 * and its backward pass. -inf inputs are allowed as long as every row holds at
 * least one finite value (an all -inf row has no softmax; the grader never
 * draws one, and these functions write NaN for it, as PyTorch does). */
#ifndef WB_REF_SOFTMAX_H
#define WB_REF_SOFTMAX_H

/* y[r][j] = e^(x[r][j] - m_r) / sum_k e^(x[r][k] - m_r), m_r the row's max. */
void ref_softmax(const double *x, long rows, long cols, double *y);

/* dx[r][j] = y[r][j] * (dy[r][j] - sum_k dy[r][k] y[r][k]): the gradient of a
 * loss with respect to the softmax's input, given its gradient dy with
 * respect to the output and the forward output y (used as given, not
 * recomputed, exactly as a kernel sees it). */
void ref_softmax_backward(const double *dy, const double *y, long rows, long cols, double *dx);

#endif
