#line 73 "lessons/week0-copy-transpose.nw"
/* week0.h: the launchers of week 0 (tangled from lessons/week0-copy-transpose.nw) */
#ifndef WEEK0_H
#define WEEK0_H

#include "wb.h"

#ifdef __cplusplus
extern "C" {
#endif

int launch_copy(const wb_problem *p);
int launch_transpose_naive(const wb_problem *p);
int launch_transpose_tiled16(const wb_problem *p);
int launch_transpose_tiled32(const wb_problem *p);
int launch_transpose_padded32(const wb_problem *p);
int launch_transpose_best(const wb_problem *p);

#ifdef __cplusplus
}
#endif
#endif
