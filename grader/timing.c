#include "timing.h"

#include <stdlib.h>

#include "cuda_check.h"

enum { WB_MIN_REPS = 10, WB_MAX_REPS = 200, WB_WARMUP = 3 };

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
    WB_CUDA(cudaMemsetAsync(flush_buf, 0, flush_bytes, s));
    return 0;
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

int wb_time_launch(wb_launcher launch, const wb_problem *p, double budget_ms, wb_timing *out)
{
    cudaEvent_t start, stop;
    double times[WB_MAX_REPS];
    int n = 0;
    double spent = 0.0;

    for (int i = 0; i < WB_WARMUP; i++)
        if (launch_checked(launch, p))
            return -1;
    WB_CUDA(cudaStreamSynchronize(p->stream));
    WB_CUDA(cudaEventCreate(&start));
    WB_CUDA(cudaEventCreate(&stop));
    while (n < WB_MAX_REPS && (n < WB_MIN_REPS || spent < budget_ms)) {
        if (flush_l2(p->stream))
            return -1;
        WB_CUDA(cudaEventRecord(start, p->stream));
        if (launch_checked(launch, p))
            return -1;
        WB_CUDA(cudaEventRecord(stop, p->stream));
        WB_CUDA(cudaEventSynchronize(stop));
        float ms = 0.0f;
        WB_CUDA(cudaEventElapsedTime(&ms, start, stop));
        times[n++] = ms;
        spent += ms;
    }
    WB_CUDA(cudaEventDestroy(start));
    WB_CUDA(cudaEventDestroy(stop));
    out->reps = n;
    out->median_ms = wb_median(times, n);
    double p10 = wb_quantile_sorted(times, n, 0.1), p90 = wb_quantile_sorted(times, n, 0.9);
    out->spread = out->median_ms > 0 ? (p90 - p10) / out->median_ms : 0.0;
    return 0;
}
