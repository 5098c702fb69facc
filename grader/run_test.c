/* run_test.c: the body of one graded test, in whatever process runs it (an
 * engine worker, a process of its own, or the grader itself with
 * --no-fork). The order of the checks decides a failure's category: support
 * first, then the checked launch (errors, the run-time guard, guards, inputs,
 * values, and whether a wrong value came from reading outside the inputs),
 * then the timing phase (timed_check.c). Host work runs without the GPU lock,
 * device work under the shared lock, timing under the exclusive one. */
#define _POSIX_C_SOURCE 200809L
#include "run_test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "cuda_check.h"
#include "device_test.h"
#include "dtype.h"
#include "engine.h"
#include "host_data.h"
#include "host_pin.h"
#include "rng.h"
#include "runtime_guard.h"

wb_run_settings wb_settings = {0, 0, 1, 1};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* WB_PHASE_TRACE=1: each test's phases and their wall milliseconds on
 * stderr, for finding where grading time goes; with the worker's process id
 * and the monotonic clock at the test's start, so that a run's lines lay
 * out each worker's time line. */
static struct {
    int on, n;
    const char *name[40];
    double at[40];
} phases;

void wb_phase(const char *name)
{
    if (phases.on && phases.n < 40) {
        phases.name[phases.n] = name;
        phases.at[phases.n++] = now_s();
    }
}

int wb_fail(wb_result *r, wb_category c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    r->passed = 0;
    r->category = c;
    return -1;
}

int wb_measure_flipped(const wb_test *test, const void *in, wb_derivation *der, cudaStream_t stream)
{
    if (!der->flips)
        return 0;
    return wb_sum_on_device(in, test->dtype, test->rows * test->cols, stream, &der->flipped_sum,
                            &der->flipped_abs);
}

int wb_test_prepare(const wb_test *test, device_test *d, wb_derivation *der)
{
    size_t esize = wb_dtype_size(test->dtype);
    for (int k = 0; k < wb_op_input_count(test->op); k++) {
        wb_derivation dk = wb_input_derivation(der, k);
        if (wb_derive_input(d->in[k].data, d->base[k].data, esize, test->rows, test->cols, &dk,
                            d->p.stream))
            return -1;
    }
    if (wb_measure_flipped(test, d->in[0].data, der, d->p.stream))
        return -1;
    WB_CUDA(cudaStreamSynchronize(d->p.stream));
    if (wb_devbuf_fill(&d->out, WB_POISON_BYTE))
        return -1;
    if (d->work.base && wb_devbuf_fill(&d->work, WB_POISON_BYTE))
        return -1;
    return 0;
}

void wb_reference_drop(device_test *d)
{
    double **held[2] = {&d->want, &d->bound};
    for (int k = 0; k < 2; k++) {
        if (!*held[k])
            continue;
        /* scrubbed first, so no later allocation finds the reference; after
         * a sticky error this fails, and the worker is replaced anyway */
        (void)wb_devmem_release(*held[k], d->ref_bytes);
        *held[k] = NULL;
    }
    d->ref_state = 0;
}

/* The reference on the device: 1 there, 0 no room (the host judges), -1 a
 * CUDA error. */
static int reference_on_device(const wb_host_data *h, device_test *d)
{
    if (d->ref_state)
        return d->ref_state > 0;
    size_t bytes = h->out_count * sizeof(double);
    const double *from[2] = {h->hc.want, h->hc.bound};
    double **to[2] = {&d->want, &d->bound};
    d->ref_bytes = bytes ? bytes : sizeof(double);
    for (int k = 0; k < 2; k++) {
        if (!from[k])
            continue; /* no bound: exact */
        cudaError_t err = wb_devmem_alloc((void **)to[k], d->ref_bytes);
        if (err == cudaErrorMemoryAllocation) {
            cudaGetLastError();
            *to[k] = NULL;
            wb_reference_drop(d);
            d->ref_state = -1; /* not again in this test */
            return 0;
        }
        WB_CUDA(err);
        wb_pin_host(from[k], bytes);
        WB_CUDA(cudaMemcpy(*to[k], from[k], bytes, cudaMemcpyHostToDevice));
    }
    d->ref_state = 1;
    return 1;
}

int wb_judge_output(const wb_test *test, const wb_host_data *h, device_test *d, const void *out,
                    const wb_derivation *der, uint32_t poison, void *got, int *copied,
                    wb_verdict *v)
{
    long n = (long)h->out_count;
    *copied = 0;
    if (der->flips) { /* one output, its reference measured from this launch's input */
        double want, bound;
        if (n != 1) {
            snprintf(wb_cuda_error, sizeof wb_cuda_error,
                     "grader: op %s flips signs but has %ld outputs, not 1 (suite.h)",
                     test->op->name, n);
            return -1;
        }
        test->op->flipped_reference(&h->hc, der->flipped_sum, der->flipped_abs, &want, &bound);
        WB_CUDA(cudaMemcpy(got, out, h->out_bytes, cudaMemcpyDeviceToHost));
        *copied = 1;
        wb_expected e = {&want, &bound, NULL, NULL, poison};
        *v = wb_compare_expected(test->dtype, got, &e, n);
        wb_phase("compare-host");
        return 0;
    }
    int on_device = reference_on_device(h, d);
    if (on_device < 0)
        return -1;
    if (on_device) {
        long bad;
        double max_error;
        if (wb_compare_on_device(test->dtype, out, d->want, h->hc.bound ? d->bound : NULL, n, der,
                                 test->op->layout, test->rows, test->cols, poison, d->p.stream,
                                 &bad, &max_error))
            return -1;
        wb_phase("compare-device");
        if (bad == 0) {
            wb_verdict pass = {WB_CAT_NONE, -1, 0, 0, 0, max_error};
            *v = pass;
            return 0;
        }
    }
    /* a bad element (or no room on the device): the host's verdict, which
     * names the first bad element */
    WB_CUDA(cudaMemcpy(got, out, h->out_bytes, cudaMemcpyDeviceToHost));
    *copied = 1;
    wb_phase("d2h");
    wb_output_map m = wb_output_map_of(test, der);
    wb_expected e = {h->hc.want, h->hc.bound, wb_derived_source, &m, poison};
    *v = wb_compare_expected(test->dtype, got, &e, n);
    wb_phase("compare-host");
    return 0;
}

wb_category wb_test_launch(const wb_test *test, device_test *d, wb_result *r,
                           wb_guard_finding *seen)
{
    wb_reference_drop(d); /* never beside a launcher */
    if (seen)
        wb_guard_begin(d->p.stream);
    int rc = test->variant->launch(&d->p);
    if (seen)
        wb_guard_end(seen);
    if (rc == WB_UNSUPPORTED) {
        snprintf(r->message, sizeof r->message, "the variant reports it cannot handle %ldx%ld %s",
                 test->rows, test->cols, wb_dtype_name(test->dtype));
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
    /* the whole device: work a launcher left on another stream ends here too,
     * before anything reads the output */
    if (err == cudaSuccess)
        err = cudaDeviceSynchronize();
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

static int check_fences(const wb_test *test, device_test *d, wb_result *r)
{
    const wb_devbuf *fenced[5] = {&d->out, &d->work, &d->in[0], &d->in[1], &d->in[2]};
    char what[5][48];
    snprintf(what[0], sizeof what[0], "output %s (p->y)", test->op->output);
    snprintf(what[1], sizeof what[1], "workspace");
    for (int k = 0; k < wb_op_input_count(test->op); k++)
        snprintf(what[2 + k], sizeof what[2 + k], "input %s (p->in[%d])", test->op->inputs[k], k);
    for (int b = 0; b < 2 + wb_op_input_count(test->op); b++) {
        long off;
        int found;
        if (!fenced[b]->base)
            continue;
        if (wb_devbuf_check_guards(fenced[b], &off, &found))
            return wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        if (found)
            return wb_fail(r, WB_CAT_OUT_OF_BOUNDS,
                           "a write outside the %s: byte %ld relative to its start (it holds %zu "
                           "bytes)",
                           what[b], off, fenced[b]->bytes);
    }
    return 0;
}

int wb_test_verify(const wb_test *test, const wb_host_data *h, device_test *d,
                   const wb_derivation *der, void *got, wb_category wrong_as, wb_result *r)
{
    if (check_fences(test, d, r))
        return -1;
    for (int k = 0; k < wb_op_input_count(test->op); k++) {
        wb_derivation dk = wb_input_derivation(der, k);
        long first = -1;
        if (wb_check_derived(d->in[k].data, d->base[k].data, wb_dtype_size(test->dtype), test->rows,
                             test->cols, &dk, d->p.stream, &first))
            return wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        if (first >= 0)
            return wb_fail(r, WB_CAT_INPUT_MODIFIED,
                           "input %s (p->in[%d]) was modified: %s[%ld][%ld] (flat %ld) differs "
                           "after the launch",
                           test->op->inputs[k], k, test->op->inputs[k], first / test->cols,
                           first % test->cols, first);
    }
    wb_phase("fences");
    long n = (long)h->out_count;
    wb_verdict v;
    int copied;
    if (wb_judge_output(test, h, d, d->out.data, der, WB_POISON_PATTERN, got, &copied, &v))
        return wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
    if (v.max_error > r->max_error)
        r->max_error = v.max_error;
    if (v.category != WB_CAT_NONE) {
        char msg[WB_MSG_LEN - 64];
        wb_verdict_message(&v, h->hc.out_cols, n, msg, sizeof msg);
        wb_category c = wrong_as != WB_CAT_NONE ? wrong_as : v.category;
        return wb_fail(r, c, "%s%s",
                       wrong_as != WB_CAT_NONE ? "on a repeated call with fresh inputs: " : "",
                       msg);
    }
    return 0;
}

/* The output of one more launch with the input guards filled with `byte`,
 * into out; 0, or -1 when that launch itself failed (no conclusion). */
static int launch_with_guards(const wb_test *test, device_test *d, unsigned char byte, void *out,
                              size_t bytes)
{
    wb_result scratch = {0};
    for (int k = 0; k < wb_op_input_count(test->op); k++)
        if (wb_devbuf_refill_guards(&d->in[k], byte))
            return -1;
    if (wb_devbuf_fill(&d->out, WB_POISON_BYTE) ||
        wb_test_launch(test, d, &scratch, NULL) != WB_CAT_NONE)
        return -1;
    return cudaMemcpy(out, d->out.data, bytes, cudaMemcpyDeviceToHost) == cudaSuccess ? 0 : -1;
}

/* A wrong answer that changes when only the bytes around the inputs change
 * (and comes back when they do) was read from outside the inputs. A kernel
 * whose output varies from run to run (float atomics) gives no conclusion. */
static int reads_outside_inputs(const wb_test *test, device_test *d, const void *got, size_t bytes,
                                long *first_diff)
{
    if (!d->in[0].guard)
        return 0; /* --no-guards: compute-sanitizer's memcheck watches instead */
    unsigned char *zero = malloc(bytes), *again = malloc(bytes);
    int outside = 0;
    if (zero && again && !launch_with_guards(test, d, 0x00, zero, bytes) &&
        !launch_with_guards(test, d, WB_INPUT_GUARD_BYTE, again, bytes) &&
        !memcmp(again, got, bytes) && memcmp(zero, got, bytes)) {
        size_t i = 0;
        while (zero[i] == ((const unsigned char *)got)[i])
            i++;
        *first_diff = (long)(i / wb_dtype_size(test->dtype));
        outside = 1;
    }
    free(zero);
    free(again);
    return outside;
}

static int is_value_failure(wb_category c)
{
    return c == WB_CAT_WRONG || c == WB_CAT_NAN || c == WB_CAT_PROPERTY;
}

static int alloc_device_test(const wb_test *test, const wb_host_data *h, device_test *d,
                             wb_result *r)
{
    d->p.dtype = test->dtype;
    d->p.rows = test->rows;
    d->p.cols = test->cols;
    for (int k = 0; k < wb_op_input_count(test->op); k++) {
        if (wb_devbuf_alloc(&d->in[k], h->bytes, WB_INPUT_GUARD_BYTE))
            return wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        d->p.in[k] = d->in[k].data;
    }
    if (wb_devbuf_alloc(&d->out, h->out_bytes, WB_CANARY_BYTE))
        return wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
    d->p.y = d->out.data;
    size_t work = test->variant->workspace ? test->variant->workspace(&d->p) : 0;
    if (work) {
        if (wb_devbuf_alloc(&d->work, work, WB_CANARY_BYTE))
            return wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        d->p.workspace = d->work.data;
        d->p.workspace_bytes = work;
    }
    if (cudaStreamCreate(&d->p.stream) != cudaSuccess)
        return wb_fail(r, WB_CAT_CUDA_ERROR, "CUDA error: cannot create a stream");
    return 0;
}

static void free_device_test(device_test *d)
{
    wb_reference_drop(d);
    /* after a sticky error these fail too; the worker is replaced anyway */
    for (int k = 0; k < 3; k++)
        wb_devbuf_release(&d->in[k]);
    wb_devbuf_release(&d->out);
    wb_devbuf_release(&d->work);
    if (d->p.stream)
        cudaStreamDestroy(d->p.stream);
    memset(d, 0, sizeof *d);
}

static int unsupported(const wb_test *test, wb_result *r, const char *why)
{
    if (test->must_support)
        return wb_fail(r, WB_CAT_MISSING_SUPPORT,
                       "%.400s, and the week requires every graded shape (its score file's "
                       "'require shapes' line)",
                       why);
    r->skipped = 1;
    r->passed = 0;
    r->category = WB_CAT_UNSUPPORTED;
    snprintf(r->message, sizeof r->message, "unsupported: %.480s", why);
    return 0;
}

/* The checked launch, watched by the run-time guard; 0 when it passed,
 * 1 when the variant answered unsupported (reported), -1 failed. */
static int checked_launch(const wb_test *test, const wb_host_data *h, device_test *d,
                          const wb_derivation *der, void *got, wb_result *r)
{
    char why[200];
    int watch = wb_settings.runtime_guard && wb_guard_ready(why, sizeof why);
    wb_guard_finding seen = {0};
    wb_category c = wb_test_launch(test, d, r, watch ? &seen : NULL);
    wb_phase("launch");
    if (c == WB_CAT_UNSUPPORTED) {
        char what[WB_MSG_LEN];
        memcpy(what, r->message, sizeof what);
        return unsupported(test, r, what) ? -1 : 1;
    }
    if (c != WB_CAT_NONE) {
        r->category = c;
        return -1;
    }
    if (seen.category != WB_CAT_NONE)
        return wb_fail(r, seen.category, "%s", seen.message);
    if (!wb_test_verify(test, h, d, der, got, WB_CAT_NONE, r))
        return 0;
    long at;
    if (is_value_failure(r->category) && reads_outside_inputs(test, d, got, h->out_bytes, &at))
        return wb_fail(r, WB_CAT_READ_OOB,
                       "the output changes when only the bytes just outside the inputs change "
                       "(first at flat index %ld): the kernel reads past an input's bounds",
                       at);
    return -1;
}

/* The group's base inputs on the device, uploaded once and kept for the
 * group's next test in this process (like host_data.c's host side). */
static struct {
    int valid;
    wb_group_key key;
    wb_devbuf in[3];
} device_base;

static const wb_devbuf *base_for(const wb_test *test, const wb_host_data *h, wb_result *r)
{
    wb_group_key key = wb_group_key_of(test);
    if (device_base.valid && wb_group_key_equal(&device_base.key, &key))
        return device_base.in;
    for (int k = 0; k < 3; k++)
        wb_devbuf_release(&device_base.in[k]);
    device_base.valid = 0;
    for (int k = 0; k < wb_op_input_count(test->op); k++) {
        wb_pin_host(h->typed[k], h->bytes);
        if (wb_devbuf_alloc(&device_base.in[k], h->bytes, WB_INPUT_GUARD_BYTE) ||
            cudaMemcpy(device_base.in[k].data, h->typed[k], h->bytes, cudaMemcpyHostToDevice) !=
                cudaSuccess) {
            wb_fail(r, WB_CAT_CUDA_ERROR, "CUDA error: cannot upload the inputs (%s)",
                    wb_cuda_error);
            return NULL;
        }
    }
    device_base.valid = 1;
    device_base.key = key;
    return device_base.in;
}

static int run_checks(const wb_test *test, uint64_t seed, wb_result *r);

static void print_phases(const wb_test *test)
{
    /* one write, so that the workers' lines do not interleave */
    char line[2048];
    int len = snprintf(line, sizeof line, "phases %s: pid %ld at %.3f", test->name, (long)getpid(),
                       phases.at[0]);
    for (int i = 1; i < phases.n && len < (int)sizeof line; i++)
        len += snprintf(line + len, sizeof line - (size_t)len, " %s %.1f", phases.name[i],
                        1e3 * (phases.at[i] - phases.at[i - 1]));
    fprintf(stderr, "%.*s\n", len < (int)sizeof line ? len : (int)sizeof line - 1, line);
}

int wb_run_test(const wb_test *test, uint64_t seed, wb_result *r)
{
    const char *trace = getenv("WB_PHASE_TRACE");
    phases.on = trace && *trace && *trace != '0';
    phases.n = 0;
    double began = now_s();
    wb_phase("start");
    int rc = run_checks(test, seed, r);
    r->wall_s = now_s() - began;
    if (phases.on)
        print_phases(test);
    return rc;
}

/* Everything a test checks, in the order that decides its category. */
static int run_checks(const wb_test *test, uint64_t seed, wb_result *r)
{
    const wb_host_data *h = NULL;
    device_test d = {0};
    wb_timed_state *timed = NULL;
    void *got = NULL;
    int rc = -1, locked = 0;
    wb_rng rng;
    wb_rng_seed(&rng, seed);
    /* the checked launch's derivation, and the repeated call's */
    wb_derivation checked = wb_random_derivation(test, &rng);
    wb_derivation repeated = wb_random_derivation(test, &rng);

    r->ran = 1;
    if (test->undeclared) {
        wb_fail(r, WB_CAT_MISSING_SUPPORT,
                "the week requires %s, which this variant's dtypes mask leaves out (declare it "
                "in wb_lesson_variants[] and handle it in the launcher)",
                wb_dtype_name(test->dtype));
        return -1;
    }
    if (test->variant->max_cols > 0 && test->cols > test->variant->max_cols) {
        char why[160];
        snprintf(why, sizeof why, "rows longer than %ld (the variant's max_cols)",
                 test->variant->max_cols);
        return unsupported(test, r, why);
    }
    /* host work first, without the GPU: other workers use it meanwhile */
    if (!(h = wb_host_for_group(test)) || !(got = malloc(h->out_bytes ? h->out_bytes : 1))) {
        wb_fail(r, WB_CAT_CRASH, "out of host memory for %ldx%ld", test->rows, test->cols);
        goto done;
    }
    wb_phase("host");
    if (h->reference_fault[0]) { /* the grader's fault, said as such (host_data.h) */
        wb_fail(r, WB_CAT_PROPERTY, "%s", h->reference_fault);
        goto done;
    }
    if (wb_gpu_acquire(WB_GPU_SHARED))
        goto done;
    locked = 1;
    wb_phase("wait");
    if (!(d.base = base_for(test, h, r)) || alloc_device_test(test, h, &d, r))
        goto done;
    if (wb_test_prepare(test, &d, &checked)) {
        wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        goto done;
    }
    wb_phase("setup");
    int result = checked_launch(test, h, &d, &checked, got, r);
    wb_phase("checked");
    if (result != 0) {
        rc = result > 0 ? 0 : -1;
        goto done;
    }
    if (!test->timed) {
        r->passed = 1;
        r->category = WB_CAT_NONE;
        rc = 0;
        goto done;
    }

    if (!(timed = wb_timed_prepare(test, h, &d, r)))
        goto done;
    wb_phase("timed-setup");
    wb_gpu_release();
    locked = 0;
    if (wb_gpu_acquire(WB_GPU_EXCLUSIVE))
        goto done;
    locked = 1;
    wb_phase("wait-excl");
    int timing = wb_timed_run(timed, r);
    wb_phase("timed");
    wb_gpu_release();
    locked = 0;
    if (timing || wb_gpu_acquire(WB_GPU_SHARED))
        goto done;
    locked = 1;
    wb_phase("wait");

    /* the call after many: fresh inputs must give fresh, right results, so a
     * kernel that skips work when called again is caught */
    if (wb_test_prepare(test, &d, &repeated)) {
        wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
        goto done;
    }
    wb_category c = wb_test_launch(test, &d, r, NULL);
    if (c != WB_CAT_NONE) {
        r->category = c;
        goto done;
    }
    if (wb_test_verify(test, h, &d, &repeated, got, WB_CAT_REPEAT_MISMATCH, r))
        goto done;
    wb_phase("repeat");
    if (wb_timed_judge(timed, r))
        goto done;
    wb_phase("judge");
    r->passed = 1;
    r->category = WB_CAT_NONE;
    rc = 0;
done:
    wb_timed_free(timed);
    free_device_test(&d);
    if (locked)
        wb_gpu_release();
    free(got);
    wb_phase("free");
    return rc;
}

int wb_context_usable(void)
{
    /* a sticky error (illegal address, trap) fails every later call in this
     * context; an ordinary one is cleared by reading it */
    if (cudaDeviceSynchronize() == cudaSuccess)
        return 1;
    cudaGetLastError();
    return cudaDeviceSynchronize() == cudaSuccess && cudaGetLastError() == cudaSuccess;
}
