/* timing.c: the timing loop of timing.h. */
#define _POSIX_C_SOURCE 200809L
#include "timing.h"

#include <stdlib.h>
#include <time.h>

#include "cuda_check.h"
#include "l2_flush.h"

enum { WB_TIMING_MAX_CALLS = 1024 };

static void *flush_buf;
static size_t flush_bytes;

static int flush_l2(cudaStream_t s)
{
    if (!flush_buf) {
        int dev, l2;
        WB_CUDA(cudaGetDevice(&dev));
        WB_CUDA(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev));
        flush_bytes = 2 * (size_t)(l2 > 0 ? l2 : (64 << 20));
        WB_CUDA(cudaMalloc(&flush_buf, flush_bytes));
    }
    WB_CUDA(wb_l2_flush(flush_buf, flush_bytes, s));
    return 0;
}

/* Lines kept resident by a persisting access-policy window survive a flush
 * (karpathy/llm.c PR 851 measured 4x the HBM peak that way): drop the limit,
 * the lines and the stream's window before timing. A GPU without persisting
 * L2 (before Ampere) refuses the limit; that refusal is no error here. */
static int reset_persisting_l2(cudaStream_t s)
{
    cudaError_t e = cudaDeviceSetLimit(cudaLimitPersistingL2CacheSize, 0);
    if (e == cudaErrorUnsupportedLimit || e == cudaErrorInvalidValue) {
        cudaGetLastError();
        return 0;
    }
    WB_CUDA(e);
    WB_CUDA(cudaCtxResetPersistingL2Cache());
    cudaStreamAttrValue none = {0};
    none.accessPolicyWindow.base_ptr = NULL;
    none.accessPolicyWindow.num_bytes = 0;
    none.accessPolicyWindow.hitRatio = 0.0f;
    none.accessPolicyWindow.hitProp = cudaAccessPropertyNormal;
    none.accessPolicyWindow.missProp = cudaAccessPropertyNormal;
    WB_CUDA(cudaStreamSetAttribute(s, cudaStreamAttributeAccessPolicyWindow, &none));
    return 0;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return 1e3 * (double)t.tv_sec + 1e-6 * (double)t.tv_nsec;
}

static int launch_checked(wb_launcher launch, const wb_problem *p)
{
    int rc = launch(p);
    if (rc != WB_OK) {
        if (rc > 0)
            WB_CUDA((cudaError_t)rc);
        snprintf(wb_cuda_error, sizeof wb_cuda_error, "launcher returned %d while timing", rc);
        return -1;
    }
    return 0;
}

/* One call: hooks, flush, events around the launch, then how long a
 * device-wide synchronisation still waits. Returns the hook's verdict (0
 * keep, 1 leave out) or -1. */
static int one_call(const wb_time_plan *plan, int k, cudaEvent_t start, cudaEvent_t stop,
                    double *ms, double *devsync_ms)
{
    const wb_time_hooks *h = plan->hooks;
    wb_problem *p = plan->p;
    if (h && h->before && h->before(k, p, h->ctx))
        return -1;
    if (flush_l2(p->stream))
        return -1;
    WB_CUDA(cudaEventRecord(start, p->stream));
    if (h && h->around)
        h->around(k, 1, h->ctx);
    int rc = launch_checked(plan->launch, p);
    if (h && h->around)
        h->around(k, 0, h->ctx);
    if (rc)
        return -1;
    WB_CUDA(cudaEventRecord(stop, p->stream));
    WB_CUDA(cudaEventSynchronize(stop));
    double t0 = now_ms();
    WB_CUDA(cudaDeviceSynchronize());
    double devsync = now_ms() - t0;
    float event_ms = 0.0f;
    WB_CUDA(cudaEventElapsedTime(&event_ms, start, stop));
    *ms = event_ms;
    *devsync_ms = devsync;
    return h && h->after ? h->after(k, p, event_ms, devsync, h->ctx) : 0;
}

int wb_time_loop(const wb_time_plan *plan, wb_timing *out)
{
    cudaEvent_t start, stop;
    double *times = malloc(WB_TIMING_MAX_CALLS * sizeof *times);
    double *waits = malloc(WB_TIMING_MAX_CALLS * sizeof *waits);
    int rc = -1, kept = 0, k = 0, extra = -1;
    double spent = 0.0;
    if (!times || !waits) {
        snprintf(wb_cuda_error, sizeof wb_cuda_error, "out of host memory for timings");
        goto out;
    }
    if (reset_persisting_l2(plan->p->stream))
        goto out;
    if (cudaEventCreate(&start) != cudaSuccess || cudaEventCreate(&stop) != cudaSuccess) {
        snprintf(wb_cuda_error, sizeof wb_cuda_error, "CUDA error: cannot create timing events");
        goto out;
    }
    double began = now_ms();
    for (; k < WB_TIMING_MAX_CALLS - 1; k++) {
        if (k >= plan->warmup) {
            int over_wall = plan->wall_budget_ms > 0 && now_ms() - began >= plan->wall_budget_ms;
            int done = kept >= plan->max_reps ||
                       (kept >= plan->min_reps && (spent >= plan->budget_ms || over_wall));
            if (done && extra < 0)
                extra = plan->extra_reps;
            if (done && extra-- <= 0)
                break;
        }
        double ms = 0.0, wait = 0.0;
        int verdict = one_call(plan, k, start, stop, &ms, &wait);
        if (verdict < 0)
            goto events;
        if (k >= plan->warmup && verdict == 0) {
            times[kept] = ms;
            waits[kept] = wait;
            spent += ms;
            kept++;
        }
    }
    out->reps = kept;
    out->calls = k;
    out->median_ms = kept ? wb_median(times, kept) : 0.0;
    double p10 = wb_quantile_sorted(times, kept, 0.1), p90 = wb_quantile_sorted(times, kept, 0.9);
    out->spread = out->median_ms > 0 ? (p90 - p10) / out->median_ms : 0.0;
    out->devsync_median_ms = kept ? wb_median(waits, kept) : 0.0;
    rc = 0;
events:
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
out:
    free(times);
    free(waits);
    return rc;
}

int wb_time_launch(wb_launcher launch, const wb_problem *p, double budget_ms, wb_timing *out)
{
    wb_problem copy = *p;
    wb_time_plan plan = {launch, &copy, budget_ms, 0, 10, 200, 3, 0, NULL};
    return wb_time_loop(&plan, out);
}
