/* memcpy_baseline.h: the baseline every week-0 variant is timed against. */
#ifndef WB_MEMCPY_BASELINE_H
#define WB_MEMCPY_BASELINE_H

#include "wb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cudaMemcpyAsync device-to-device of x's bytes into y: the same traffic a
 * copy or a transpose must move, at the speed the driver's copy reaches. */
int baseline_memcpy_d2d(const wb_problem *p);

#ifdef __cplusplus
}
#endif
#endif
