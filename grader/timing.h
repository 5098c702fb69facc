/* timing.h: how the grader times a launch (see "What a timing means" in the
 * architecture): CUDA events around the launch only, warm-up first, L2
 * flushed before every repetition, median of the repetitions. */
#ifndef WB_TIMING_H
#define WB_TIMING_H

#include "wb.h"

typedef struct wb_timing {
    double median_ms;
    double spread; /* (p90 - p10) / median */
    int reps;
} wb_timing;

/* Allocates the flush buffer (twice the L2) on first use. */
int wb_time_launch(wb_launcher launch, const wb_problem *p, double budget_ms, wb_timing *out);

/* Median of v[0..n) (sorts v). */
double wb_median(double *v, int n);
/* p-th quantile (0..1) of sorted v. */
double wb_quantile_sorted(const double *v, int n, double p);

#endif
