/* timing.h: how the grader times a launch (see "What a timing means" in the
 * book's grader appendix): CUDA events around the launch only, warm-up
 * first, persisting L2 lines and limits reset, L2 flushed right before every
 * repetition (evict_last lines too: l2_flush.h), median of the repetitions.
 * The grader's timing loop and the bench sweeps both use it; the grader's
 * checks hook into each repetition. */
#ifndef WB_TIMING_H
#define WB_TIMING_H

#include "wb.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wb_timing {
    double median_ms;
    double spread;            /* (p90 - p10) / median */
    int reps;                 /* repetitions in the statistics */
    int calls;                /* launches, warm-ups and excluded repetitions included */
    double devsync_median_ms; /* see wb_time_hooks.after */
} wb_timing;

/* Work around each repetition k (0-based over every launch, warm-ups
 * included), all on p->stream or the host. NULL members are skipped. */
typedef struct wb_time_hooks {
    /* before the L2 flush: set up p's inputs and outputs for this call */
    int (*before)(int k, wb_problem *p, void *ctx);
    /* just before and after the launcher runs, inside the events (the run-time guard) */
    void (*around)(int k, int entering, void *ctx);
    /* after the stop event completed; devsync_ms is how long a device-wide
     * synchronisation then still waited (work off p->stream). Return 1 to
     * leave this repetition out of the statistics, 0 to keep it, -1 to stop. */
    int (*after)(int k, wb_problem *p, double event_ms, double devsync_ms, void *ctx);
    void *ctx;
} wb_time_hooks;

typedef struct wb_time_plan {
    wb_launcher launch;
    wb_problem *p;
    double budget_ms;      /* keep repeating while the kept repetitions' time is below this */
    double wall_budget_ms; /* or until this much wall time has passed (0: no such limit) */
    int min_reps, max_reps, warmup;
    int extra_reps; /* repetitions after the budget is met (a random count makes the end unpredictable) */
    const wb_time_hooks *hooks; /* NULL: none */
} wb_time_plan;

/* Runs the plan. 0, or -1 with wb_cuda_error set (a launcher's own failure
 * is "launcher returned N while timing"). Allocates the flush buffer (twice
 * the L2) on first use. */
int wb_time_loop(const wb_time_plan *plan, wb_timing *out);

/* The plain protocol: warm-up 3, 10 to 200 repetitions within budget_ms. */
int wb_time_launch(wb_launcher launch, const wb_problem *p, double budget_ms, wb_timing *out);

/* Median of v[0..n) (sorts v). */
double wb_median(double *v, int n);
/* p-th quantile (0..1) of sorted v. */
double wb_quantile_sorted(const double *v, int n, double p);

#ifdef __cplusplus
}
#endif

#endif
