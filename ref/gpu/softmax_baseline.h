/* softmax_baseline.h: the plain kernels every week-2 variant is timed against. */
#ifndef WB_SOFTMAX_BASELINE_H
#define WB_SOFTMAX_BASELINE_H

#include "wb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y = softmax(x) along rows: the textbook safe softmax, one block of 256
 * threads per row, scalar loads, three passes over the row (max, sum of exp,
 * normalise), float32 accumulation. */
int baseline_softmax(const wb_problem *p);

/* dx = y (dy - sum(dy y)) along rows, with dy = p->in[0], y = p->in[1], dx = p->y:
 * one block of 256 threads per row, scalar loads, two passes. */
int baseline_softmax_backward(const wb_problem *p);

#ifdef __cplusplus
}
#endif
#endif
