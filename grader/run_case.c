#define _POSIX_C_SOURCE 200809L
#include "run_case.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "cuda_check.h"
#include "devbuf.h"
#include "dtype.h"
#include "rng.h"
#include "timing.h"

char wb_cuda_error[256];
cudaError_t wb_cuda_status;

enum { WB_TIMING_BUDGET_MS = 200 };

static int fail(wb_result *r, wb_category c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    r->passed = 0;
    r->category = c;
    return -1;
}

/* Inputs drawn on the host: doubles for the reference, typed bytes for the
 * device, equal value for value. */
typedef struct host_inputs {
    double *value[3];
    void *typed[3];
    size_t count, bytes;
} host_inputs;

enum { WB_FILL_CHUNK = 1 << 16 };

static void default_fill(wb_rng *rng, double *v, size_t n)
{
    /* a random offset and scale: never all zeros, and a sum that is off by
     * one element is visible */
    double scale = 0.5 + wb_rng_uniform(rng);
    double offset = wb_rng_uniform(rng) - 0.5;
    uint64_t base = wb_rng_next(rng);
    long chunks = (long)((n + WB_FILL_CHUNK - 1) / WB_FILL_CHUNK);
    /* chunks of their own stream: large inputs are drawn on every core */
#pragma omp parallel for schedule(static)
    for (long c = 0; c < chunks; c++) {
        wb_rng local;
        wb_rng_stream(&local, base, (uint64_t)c);
        size_t end = (size_t)(c + 1) * WB_FILL_CHUNK < n ? (size_t)(c + 1) * WB_FILL_CHUNK : n;
        for (size_t i = (size_t)c * WB_FILL_CHUNK; i < end; i++)
            v[i] = offset + scale * (2.0 * wb_rng_uniform(&local) - 1.0);
    }
}

static int draw_inputs(const wb_job *job, uint64_t seed, host_inputs *in)
{
    wb_rng rng;
    wb_rng_seed(&rng, seed);
    in->count = (size_t)job->rows * (size_t)job->cols;
    in->bytes = in->count * wb_dtype_size(job->dtype);
    for (int k = 0; k < job->op->n_inputs; k++) {
        in->value[k] = malloc(in->count * sizeof(double));
        in->typed[k] = malloc(in->bytes);
        if (!in->value[k] || !in->typed[k])
            return -1;
        if (job->op->fill)
            job->op->fill(&rng, job->dtype, job->rows, job->cols, k, in->value[k]);
        else
            default_fill(&rng, in->value[k], in->count);
        double *value = in->value[k];
        void *typed = in->typed[k];
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < in->count; i++)
            value[i] = wb_store(job->dtype, typed, i, value[i]);
    }
    return 0;
}

static void free_inputs(host_inputs *in)
{
    for (int k = 0; k < 3; k++) {
        free(in->value[k]);
        free(in->typed[k]);
    }
}

typedef struct device_case {
    wb_devbuf in[3], out, work;
    wb_problem p;
    size_t out_count, out_bytes;
} device_case;

static int upload(const wb_job *job, const host_inputs *h, device_case *d)
{
    for (int k = 0; k < job->op->n_inputs; k++)
        WB_CUDA(cudaMemcpy(d->in[k].data, h->typed[k], h->bytes, cudaMemcpyHostToDevice));
    if (wb_devbuf_fill(&d->out, WB_POISON_BYTE))
        return -1;
    if (d->work.base && wb_devbuf_fill(&d->work, WB_POISON_BYTE))
        return -1;
    return 0;
}

/* Launch once and wait; the category of what went wrong, or NONE. */
static wb_category launch_once(const wb_job *job, device_case *d, wb_result *r)
{
    int rc = job->variant->launch(&d->p);
    if (rc == WB_UNSUPPORTED) {
        snprintf(r->message, sizeof r->message, "the variant reports it cannot handle %ldx%ld %s",
                 job->rows, job->cols, wb_dtype_name(job->dtype));
        return WB_CAT_UNSUPPORTED;
    }
    if (rc == WB_NOT_IMPLEMENTED) {
        snprintf(r->message, sizeof r->message,
                 "not implemented: the launcher still returns WB_NOT_IMPLEMENTED (write the TODO "
                 "in the lesson)");
        return WB_CAT_NOT_IMPLEMENTED;
    }
    cudaError_t err = rc > 0 ? (cudaError_t)rc : cudaSuccess;
    if (err == cudaSuccess)
        err = cudaStreamSynchronize(d->p.stream);
    if (err == cudaSuccess)
        err = cudaGetLastError();
    if (err != cudaSuccess) {
        snprintf(r->message, sizeof r->message, "CUDA error: %s (%s)", cudaGetErrorString(err),
                 cudaGetErrorName(err));
        return WB_CAT_CUDA_ERROR;
    }
    if (rc < 0) {
        snprintf(r->message, sizeof r->message, "the launcher returned %d, not a wb.h code", rc);
        return WB_CAT_CUDA_ERROR;
    }
    return WB_CAT_NONE;
}

/* Guards, unchanged inputs, then values against the reference. */
static int verify(const wb_job *job, const host_inputs *h, device_case *d, wb_host_case *hc,
                  void *got, wb_category wrong_as, wb_result *r)
{
    long off;
    int found;
    const wb_devbuf *fenced[2] = {&d->out, &d->work};
    const char *what[2] = {"output y", "workspace"};
    for (int b = 0; b < 2; b++) {
        if (!fenced[b]->base)
            continue;
        if (wb_devbuf_check_guards(fenced[b], &off, &found))
            return fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        if (found)
            return fail(r, WB_CAT_OUT_OF_BOUNDS,
                        "a write outside the %s: byte %ld relative to its start (it holds %zu "
                        "bytes)",
                        what[b], off, fenced[b]->bytes);
    }
    for (int k = 0; k < job->op->n_inputs; k++) {
        unsigned char *back = malloc(h->bytes);
        if (!back)
            return fail(r, WB_CAT_CRASH, "out of host memory");
        cudaError_t err = cudaMemcpy(back, d->in[k].data, h->bytes, cudaMemcpyDeviceToHost);
        size_t first = 0;
        int changed = 0;
        if (err == cudaSuccess && memcmp(back, h->typed[k], h->bytes) != 0) {
            while (back[first] == ((unsigned char *)h->typed[k])[first])
                first++;
            changed = 1;
        }
        free(back);
        if (err != cudaSuccess)
            return fail(r, WB_CAT_CUDA_ERROR, "CUDA error: %s", cudaGetErrorString(err));
        if (changed) {
            long idx = (long)(first / wb_dtype_size(job->dtype));
            return fail(r, WB_CAT_INPUT_MODIFIED,
                        "input %d was modified: x[%ld][%ld] (flat %ld) differs after the launch", k,
                        idx / job->cols, idx % job->cols, idx);
        }
    }
    cudaError_t err = cudaMemcpy(got, d->out.data, d->out_bytes, cudaMemcpyDeviceToHost);
    if (err != cudaSuccess)
        return fail(r, WB_CAT_CUDA_ERROR, "CUDA error: %s", cudaGetErrorString(err));
    long n = (long)d->out_count;
    wb_verdict v = wb_compare(job->dtype, got, hc->want, hc->bound, n);
    if (v.max_error > r->max_error)
        r->max_error = v.max_error;
    if (v.category != WB_CAT_NONE) {
        char msg[WB_MSG_LEN - 64];
        wb_verdict_message(&v, hc->out_cols, n, msg, sizeof msg);
        wb_category c = wrong_as != WB_CAT_NONE ? wrong_as : v.category;
        return fail(r, c, "%s%s",
                    wrong_as != WB_CAT_NONE ? "on a repeated call with fresh inputs: " : "", msg);
    }
    if (job->op->check) {
        double *as_double = malloc((size_t)n * sizeof(double));
        if (!as_double)
            return fail(r, WB_CAT_CRASH, "out of host memory");
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++)
            as_double[i] = wb_load(job->dtype, got, (size_t)i);
        const char *why = job->op->check(hc, as_double);
        free(as_double);
        if (why)
            return fail(r, WB_CAT_PROPERTY, "%s", why);
    }
    return 0;
}

static int reference(const wb_job *job, const host_inputs *h, wb_host_case *hc, size_t out_count)
{
    memset(hc, 0, sizeof *hc);
    hc->dtype = job->dtype;
    hc->rows = job->rows;
    hc->cols = job->cols;
    job->op->out_shape(job->rows, job->cols, &hc->out_rows, &hc->out_cols);
    for (int k = 0; k < job->op->n_inputs; k++)
        hc->in[k] = h->value[k];
    hc->want = calloc(out_count, sizeof(double));
    hc->bound = calloc(out_count, sizeof(double));
    if (!hc->want || !hc->bound)
        return -1;
    job->op->reference(hc);
    return 0;
}

static int time_variant(const wb_job *job, device_case *d, wb_result *r)
{
    wb_timing t;
    if (wb_time_launch(job->variant->launch, &d->p, WB_TIMING_BUDGET_MS, &t))
        return fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
    r->ms = t.median_ms;
    r->ms_spread = t.spread;
    r->reps = t.reps;
    r->bytes = job->op->min_bytes(job->dtype, job->rows, job->cols);
    r->gbps = r->bytes / (r->ms * 1e-3) / 1e9;
    if (job->op->baseline) {
        wb_timing b;
        if (wb_time_launch(job->op->baseline, &d->p, WB_TIMING_BUDGET_MS, &b))
            return fail(r, WB_CAT_CUDA_ERROR, "baseline: %s", wb_cuda_error);
        r->baseline_ms = b.median_ms;
    }
    return 0;
}

int wb_run_case(const wb_job *job, uint64_t seed, wb_result *r)
{
    host_inputs h = {0};
    device_case d = {0};
    wb_host_case hc = {0};
    void *got = NULL;
    int rc = -1;

    r->ran = 1;
    if (job->variant->max_cols > 0 && job->cols > job->variant->max_cols) {
        r->skipped = 1;
        r->passed = 0;
        r->category = WB_CAT_UNSUPPORTED;
        snprintf(r->message, sizeof r->message,
                 "unsupported: rows longer than %ld (the variant's max_cols)",
                 job->variant->max_cols);
        return 0;
    }
    job->op->out_shape(job->rows, job->cols, &hc.out_rows, &hc.out_cols);
    d.out_count = (size_t)hc.out_rows * (size_t)hc.out_cols;
    d.out_bytes = d.out_count * wb_dtype_size(job->dtype);
    if (draw_inputs(job, seed, &h) || reference(job, &h, &hc, d.out_count) ||
        !(got = malloc(d.out_bytes))) {
        fail(r, WB_CAT_CRASH, "out of host memory for %ldx%ld", job->rows, job->cols);
        goto done;
    }

    /* allocations */
    d.p.dtype = job->dtype;
    d.p.rows = job->rows;
    d.p.cols = job->cols;
    for (int k = 0; k < job->op->n_inputs; k++)
        if (wb_devbuf_alloc(&d.in[k], h.bytes)) {
            fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
            goto done;
        }
    d.p.x = d.in[0].data;
    d.p.x2 = d.in[1].data;
    d.p.x3 = d.in[2].data;
    if (wb_devbuf_alloc(&d.out, d.out_bytes)) {
        fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        goto done;
    }
    d.p.y = d.out.data;
    size_t work = job->variant->workspace ? job->variant->workspace(&d.p) : 0;
    if (work) {
        if (wb_devbuf_alloc(&d.work, work)) {
            fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
            goto done;
        }
        d.p.workspace = d.work.data;
        d.p.workspace_bytes = work;
    }
    if (cudaStreamCreate(&d.p.stream) != cudaSuccess || upload(job, &h, &d)) {
        fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error[0] ? wb_cuda_error : "stream creation");
        goto done;
    }

    /* the graded launch */
    wb_category c = launch_once(job, &d, r);
    if (c == WB_CAT_UNSUPPORTED) {
        r->skipped = 1;
        r->category = c;
        rc = 0;
        goto done;
    }
    if (c != WB_CAT_NONE) {
        r->category = c;
        goto done;
    }
    if (verify(job, &h, &d, &hc, got, WB_CAT_NONE, r))
        goto done;

    if (!job->timed) {
        r->passed = 1;
        r->category = WB_CAT_NONE;
        rc = 0;
        goto done;
    }
    if (time_variant(job, &d, r))
        goto done;

    /* the call after many: fresh inputs must give fresh, right results, so a
     * kernel that skips work when called again is caught */
    free_inputs(&h);
    memset(&h, 0, sizeof h);
    free(hc.want);
    free(hc.bound);
    if (draw_inputs(job, seed ^ 0x5eed5eed5eedull, &h) || reference(job, &h, &hc, d.out_count)) {
        fail(r, WB_CAT_CRASH, "out of host memory");
        goto done;
    }
    if (upload(job, &h, &d)) {
        fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        goto done;
    }
    c = launch_once(job, &d, r);
    if (c != WB_CAT_NONE) {
        r->category = c;
        goto done;
    }
    if (verify(job, &h, &d, &hc, got, WB_CAT_REPEAT_MISMATCH, r))
        goto done;
    r->passed = 1;
    r->category = WB_CAT_NONE;
    rc = 0;
done:
    free(got);
    free(hc.want);
    free(hc.bound);
    free_inputs(&h);
    /* no cleanup of device memory: the process exits after the test */
    return rc;
}
