#line 99 "lessons/week2-online-softmax.nw"
/* week2.h: the launchers of week 2 (tangled from lessons/week2-online-softmax.nw) */
#ifndef WEEK2_H
#define WEEK2_H

#include "wb.h"

/* The longest row softmax_single_read and softmax_pipelined keep in registers
 * (see the lesson). */
#define WEEK2_SINGLE_READ_MAX_COLS 131072L
/* The longest row softmax_on_chip and softmax_backward_single_read keep in the
 * registers and shared memory of a cluster of blocks. */
#define WEEK2_ON_CHIP_MAX_COLS 262144L

#ifdef __cplusplus
extern "C" {
#endif

int launch_softmax_safe(const wb_problem *p);
int launch_softmax_online(const wb_problem *p);
int launch_softmax_single_read(const wb_problem *p);
int launch_softmax_pipelined(const wb_problem *p);
int launch_softmax_on_chip(const wb_problem *p);
int launch_softmax_backward_fused(const wb_problem *p);
int launch_softmax_backward_single_read(const wb_problem *p);

#ifdef __cplusplus
}
#endif
#endif
