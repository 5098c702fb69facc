/* cub_reduce.h: Week 1's baselines, CUB's device-wide reductions behind the
 * wb_launcher signature. Float32 accumulation whatever the element type,
 * output in the element type. Temporary storage is allocated on the first
 * call and kept (grown when a larger problem needs more), so a timed call
 * after the warm-up allocates nothing. */
#ifndef WB_CUB_REDUCE_H
#define WB_CUB_REDUCE_H

#include "wb.h"

#ifdef __cplusplus
extern "C" {
#endif

int baseline_cub_array_sum(const wb_problem *p); /* cub::DeviceReduce (rows * cols elements) */
int baseline_cub_row_sum(const wb_problem *p); /* cub::DeviceSegmentedReduce, one segment per row */
int baseline_cub_row_max(const wb_problem *p);

#ifdef __cplusplus
}
#endif
#endif
