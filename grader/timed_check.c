/* timed_check.c: the timing phase of a test, built so that a timed call
 * looks like a checked one and is checked like one.
 *
 * Every call of the timing loop, warm-ups included, gets an input derived on
 * the device from the checked input (rows permuted, columns rotated, and for
 * an odd op the sign flipped, chosen at random per call, written into one of
 * two buffers picked at random), an output filled with a fresh random NaN
 * pattern, and an L2 flush. After each call the output of a call in a
 * reservoir sample of the calls (every call equally likely to be kept,
 * whatever the total) is copied aside; the copy comes after the stop event
 * and after the launcher returned, so a launcher cannot tell a checked call
 * from an unchecked one. One random call is watched by the run-time guard and
 * left out of the statistics. Afterwards the kept outputs are compared with
 * the checked run's reference, mapped through each call's derivation, and
 * the speed with the ceilings measured in the same run. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "cuda_check.h"
#include "derivation.h"
#include "device_test.h"
#include "dtype.h"
#include "host_data.h"
#include "rng.h"
#include "run_test.h"
#include "runtime_guard.h"
#include "timing.h"
#include "trusted_kernels.h"

enum { KEPT_SLOTS = 3, EXTRA_REPS_MAX = 3 };

/* Beyond this much device-wide waiting after the stop event (plus half the
 * kernel's own time), work went somewhere the events do not see. */
static const double DEVSYNC_SLACK_MS = 0.05;
/* Above the matching ceiling by more than this, a timing is impossible. */
static const double CEILING_MARGIN = 1.15;

typedef struct kept_call {
    int used, call;
    wb_derivation der;
    uint32_t poison;
} kept_call;

struct wb_timed_state {
    const wb_test *test;
    const wb_host_data *h;
    device_test *d;
    wb_devbuf pool[2][3];
    int sets;
    wb_devbuf snaps; /* slots kept, and one for the watched call */
    int slots;
    kept_call kept[KEPT_SLOTS + 1];
    int filled, unwatched_calls;
    wb_rng rng;
    int watched_call; /* one call surely watched, among the first */
    int watch;
    int watching; /* the call in progress is watched */
    wb_guard_finding seen;
    int seen_call;
    kept_call now; /* the call in progress */
    wb_timing variant, baseline;
};

static long below(wb_rng *rng, long n)
{
    long v = (long)(wb_rng_uniform(rng) * (double)n);
    return v < n ? v : n - 1;
}

/* A NaN in every element type: each 16-bit half is 0xFF80 | m, m in 1..127
 * (float16 and bfloat16 NaNs), and two such halves make a float32 NaN. A
 * 16-bit output gets the same half twice, so every element holds it. */
static uint32_t random_poison(wb_timed_state *t)
{
    uint32_t hi = 0xFF80u | (uint32_t)(1 + below(&t->rng, 127));
    uint32_t lo = t->test->dtype == WB_F32 ? 0xFF80u | (uint32_t)(1 + below(&t->rng, 127)) : hi;
    return hi << 16 | lo;
}

static int set_up_call(wb_timed_state *t, wb_problem *p, kept_call *c)
{
    c->der = wb_random_derivation(t->test, &t->rng);
    c->poison = random_poison(t);
    int set = t->sets > 1 ? (int)(wb_rng_next(&t->rng) & 1) : 0;
    size_t esize = wb_dtype_size(t->test->dtype);
    for (int k = 0; k < wb_op_input_count(t->test->op); k++) {
        wb_derivation dk = wb_input_derivation(&c->der, k);
        if (wb_derive_input(t->pool[set][k].data, t->d->base[k].data, esize, t->test->rows,
                            t->test->cols, &dk, p->stream))
            return -1;
        p->in[k] = t->pool[set][k].data;
    }
    if (wb_measure_flipped(t->test, p->in[0], &c->der, p->stream))
        return -1;
    if (wb_fill_pattern(p->y, t->h->out_bytes, c->poison, p->stream))
        return -1;
    if (p->workspace && wb_fill_pattern(p->workspace, p->workspace_bytes,
                                        (uint32_t)wb_rng_next(&t->rng), p->stream))
        return -1;
    return 0;
}

static int before_variant(int k, wb_problem *p, void *ctx)
{
    wb_timed_state *t = ctx;
    t->now.call = k;
    return set_up_call(t, p, &t->now);
}

static int before_baseline(int k, wb_problem *p, void *ctx)
{
    (void)k;
    kept_call scratch;
    return set_up_call(ctx, p, &scratch);
}

/* One call among the first thirteen is watched for sure, and every later
 * call with probability 1/8, so a launcher that behaves only early is seen
 * too; the first offence seen is kept. */
static void around_variant(int k, int entering, void *ctx)
{
    wb_timed_state *t = ctx;
    if (!t->watch)
        return;
    if (entering) {
        t->watching = k == t->watched_call || (wb_rng_next(&t->rng) & 7) == 0;
        if (t->watching)
            wb_guard_begin(t->d->p.stream);
    } else if (t->watching) {
        wb_guard_finding seen;
        wb_guard_end(&seen);
        if (seen.category != WB_CAT_NONE && t->seen.category == WB_CAT_NONE) {
            t->seen = seen;
            t->seen_call = k;
        }
    }
}

/* Which slot keeps call k's output: the watched call's own, a reservoir
 * slot (call k replaces a kept one with probability KEPT/(calls so far)),
 * or none (slots + 1: not copied). */
static int slot_for(wb_timed_state *t, int k)
{
    if (k == t->watched_call) /* the surely watched call is checked too */
        return t->slots;
    int seen = ++t->unwatched_calls;
    if (t->filled < t->slots)
        return t->filled++;
    long j = below(&t->rng, seen);
    return j < t->slots ? (int)j : t->slots + 1;
}

static int after_variant(int k, wb_problem *p, double event_ms, double devsync_ms, void *ctx)
{
    (void)event_ms;
    (void)devsync_ms;
    wb_timed_state *t = ctx;
    int slot = slot_for(t, k);
    size_t bytes = t->h->out_bytes;
    /* a call not kept is not copied: the copy comes after the call ended,
     * so no launcher can tell a kept call from another */
    if (slot <= t->slots) {
        WB_CUDA(cudaMemcpyAsync((char *)t->snaps.data + (size_t)slot * bytes, p->y, bytes,
                                cudaMemcpyDeviceToDevice, p->stream));
        t->kept[slot] = t->now;
        t->kept[slot].used = 1;
    }
    return t->watching; /* a watched call's time carries the guard's cost */
}

wb_timed_state *wb_timed_prepare(const wb_test *test, const wb_host_data *h, device_test *d,
                                 wb_result *r)
{
    wb_timed_state *t = calloc(1, sizeof *t);
    if (!t) {
        wb_fail(r, WB_CAT_CRASH, "out of host memory");
        return NULL;
    }
    t->test = test;
    t->h = h;
    t->d = d;
    wb_rng_seed(&t->rng, test->seed ^ 0x7173d5a1c0ffeeull);
    if (!wb_settings.timing_checks)
        return t;
    char why[200];
    t->watch = wb_settings.runtime_guard && wb_guard_ready(why, sizeof why);
    t->watched_call = (int)below(&t->rng, 13); /* among the warm-ups and the first ten */
    /* two input sets when they fit, one when memory is short */
    for (t->sets = 0; t->sets < 2; t->sets++) {
        int ok = 1;
        for (int k = 0; k < wb_op_input_count(test->op) && ok; k++)
            ok = !wb_devbuf_alloc(&t->pool[t->sets][k], h->bytes, WB_INPUT_GUARD_BYTE);
        if (!ok) {
            cudaGetLastError();
            for (int k = 0; k < 3; k++)
                wb_devbuf_release(&t->pool[t->sets][k]);
            break;
        }
    }
    for (t->slots = KEPT_SLOTS; t->slots >= 1; t->slots--) {
        if (!wb_devbuf_alloc(&t->snaps, (size_t)(t->slots + 1) * h->out_bytes, WB_CANARY_BYTE))
            break;
        cudaGetLastError();
    }
    if (t->sets == 0 || t->slots == 0) {
        wb_fail(r, WB_CAT_CUDA_ERROR,
                "not enough device memory for the timing loop's inputs and checked outputs "
                "(%zu bytes each)",
                h->bytes);
        wb_timed_free(t);
        return NULL;
    }
    return t;
}

int wb_timed_run(wb_timed_state *t, wb_result *r)
{
    const wb_test *test = t->test;
    wb_problem p = t->d->p;
    wb_time_hooks variant_hooks = {before_variant, around_variant, after_variant, t};
    wb_time_hooks baseline_hooks = {before_baseline, NULL, NULL, t};
    int checks = wb_settings.timing_checks;
    wb_reference_drop(t->d); /* never beside a launcher */
    wb_time_plan plan = {
        .launch = test->variant->launch,
        .p = &p,
        /* a benchmark (or a scored test) gets 200 ms of kernel time; any
         * other test (a figure for the learner, no points) 3 ms of kernel
         * and of wall time, or its ten repetitions: it runs alone on the
         * GPU, so its time is every other worker's wait */
        .budget_ms = test->bench ? 200.0 : 3.0,
        .wall_budget_ms = test->bench ? 3000.0 : 3.0,
        .min_reps = 10,
        .max_reps = 200,
        .warmup = 3,
        .extra_reps = checks ? (int)below(&t->rng, EXTRA_REPS_MAX + 1) : 0,
        .hooks = checks ? &variant_hooks : NULL,
    };
    if (wb_time_loop(&plan, &t->variant))
        return wb_fail(r, WB_CAT_CUDA_ERROR, "%s", wb_cuda_error);
    r->ms = t->variant.median_ms;
    r->ms_spread = t->variant.spread;
    r->reps = t->variant.reps;
    r->bytes = test->op->min_bytes(test->dtype, test->rows, test->cols);
    r->gbps = r->ms > 0 ? r->bytes / (r->ms * 1e-3) / 1e9 : 0.0;
    wb_phase("timed-variant");
    if (test->op->baseline) {
        /* the baseline is the same trusted code for every variant of the
         * group: timed once per group, budget and settings in this worker */
        static struct {
            int valid, bench, checks;
            wb_group_key key;
            double ms;
        } last;
        wb_group_key key = wb_group_key_of(test);
        if (last.valid && wb_group_key_equal(&last.key, &key) && last.bench == test->bench &&
            last.checks == checks) {
            r->baseline_ms = last.ms;
            return 0;
        }
        p = t->d->p;
        plan.launch = test->op->baseline;
        plan.extra_reps = 0;
        plan.hooks = checks ? &baseline_hooks : NULL;
        if (wb_time_loop(&plan, &t->baseline))
            return wb_fail(r, WB_CAT_CUDA_ERROR, "baseline: %s", wb_cuda_error);
        r->baseline_ms = t->baseline.median_ms;
        last.valid = 1;
        last.key = key;
        last.bench = test->bench;
        last.checks = checks;
        last.ms = r->baseline_ms;
    }
    return 0;
}

static int check_kept(wb_timed_state *t, wb_result *r)
{
    const wb_host_data *h = t->h;
    void *got = malloc(h->out_bytes ? h->out_bytes : 1);
    if (!got)
        return wb_fail(r, WB_CAT_CRASH, "out of host memory");
    int rc = 0;
    /* in call order, so the message names the earliest wrong call */
    for (int pass = 0; pass <= t->slots && rc == 0; pass++) {
        int s = -1;
        for (int j = 0; j <= t->slots; j++)
            if (t->kept[j].used && (s < 0 || t->kept[j].call < t->kept[s].call))
                s = j;
        if (s < 0)
            break;
        kept_call c = t->kept[s];
        t->kept[s].used = 0;
        r->checked_reps++;
        wb_verdict v;
        int copied;
        if (wb_judge_output(t->test, h, t->d, (char *)t->snaps.data + (size_t)s * h->out_bytes,
                            &c.der, c.poison, got, &copied, &v)) {
            rc = wb_fail(r, WB_CAT_CUDA_ERROR, "reading a timed call's output: %s", wb_cuda_error);
            break;
        }
        if (v.category == WB_CAT_NONE)
            continue;
        char msg[WB_MSG_LEN - 200], how[160];
        wb_verdict_message(&v, h->hc.out_cols, (long)h->out_count, msg, sizeof msg);
        wb_describe_derivation(t->test, &c.der, how, sizeof how);
        rc = wb_fail(r, WB_CAT_TIMED_MISMATCH, "timed call %d of %d (%s): %s", c.call + 1,
                     t->variant.calls, how, msg);
    }
    free(got);
    return rc;
}

int wb_timed_judge(wb_timed_state *t, wb_result *r)
{
    if (!wb_settings.timing_checks)
        return 0;
    if (t->seen.category != WB_CAT_NONE)
        return wb_fail(r, t->seen.category, "on timed call %d: %s", t->seen_call + 1,
                       t->seen.message);
    double wait = t->variant.devsync_median_ms;
    if (wait > DEVSYNC_SLACK_MS + 0.5 * t->variant.median_ms)
        return wb_fail(r, WB_CAT_UNSYNCHRONISED,
                       "after each timed call's stop event the device still worked %.3f ms "
                       "(median), against %.3f ms on p->stream: work the events did not see; "
                       "a launcher queues all its work on p->stream",
                       wait, t->variant.median_ms);
    wb_phase("judge-other");
    if (check_kept(t, r))
        return -1;
    wb_phase("check-kept");
    int reads_only = t->test->op->traffic == WB_TRAFFIC_READ;
    /* a read-only op may go faster than a copy, never faster than the faster of the two */
    double ceiling = wb_settings.copy_ceiling_gbps;
    if (reads_only && wb_settings.read_ceiling_gbps > ceiling)
        ceiling = wb_settings.read_ceiling_gbps;
    if (ceiling > 0 && r->gbps > CEILING_MARGIN * ceiling)
        return wb_fail(r, WB_CAT_IMPLAUSIBLE,
                       "%.0f GB/s is %.2f times the %s ceiling measured in this run (%.0f GB/s): "
                       "no kernel moves its bytes that fast, so the timer missed work",
                       r->gbps, r->gbps / ceiling, reads_only ? "read" : "copy", ceiling);
    return 0;
}

void wb_timed_free(wb_timed_state *t)
{
    if (!t)
        return;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 3; k++)
            wb_devbuf_release(&t->pool[s][k]);
    wb_devbuf_release(&t->snaps);
    free(t);
}
