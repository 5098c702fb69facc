#line 101 "lessons/week1-reduction.nw"
/* week1.h: Week 1's reduction launchers. Generated from
 * lessons/week1-reduction.nw by notangle: edit the lesson, not this file. */
#ifndef WEEK1_H
#define WEEK1_H

#include "wb.h"

#ifdef __cplusplus
extern "C" {
#endif

#line 126 "lessons/week1-reduction.nw"
int launch_row_sum_naive(const wb_problem *p);
int launch_array_sum_naive(const wb_problem *p);
int launch_row_sum_improved(const wb_problem *p);
int launch_array_sum_improved(const wb_problem *p);
int launch_row_sum_shuffle(const wb_problem *p);
int launch_array_sum_shuffle(const wb_problem *p);
int launch_row_max_shuffle(const wb_problem *p);
int launch_row_sum_best(const wb_problem *p);
int launch_array_sum_best(const wb_problem *p);
int launch_row_max_best(const wb_problem *p);

#line 114 "lessons/week1-reduction.nw"
#ifdef __cplusplus
}
#endif
#endif /* WEEK1_H */
