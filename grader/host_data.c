/* host_data.c: drawing a test's inputs and computing its reference (host_data.h). */
#define _DEFAULT_SOURCE /* posix_memalign, madvise */
#include "host_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dtype.h"
#include "host_pin.h"
#include "rng.h"

enum { WB_FILL_CHUNK = 1 << 16 };

/* ---- buffers kept from one group to the next ------------------------------
 * A fresh allocation of a gigabyte costs more than drawing the values into
 * it: the kernel faults in and zeroes every page (over half of the host time
 * of week 1's 2^28-element sums went there). So a process keeps each
 * buffer of the group data (an input's values and bytes, the reference and
 * its bounds) for the next group, growing it when a group needs more, and
 * asks for huge pages for the large ones. One group's data lives at a time
 * (wb_host_for_group), so a worker holds what its largest group needed, as
 * it did while that group ran, and no more. */
enum { BUF_VALUE = 0, BUF_TYPED = 3, BUF_WANT = 6, BUF_BOUND = 7, N_BUFS = 8 };
enum { HUGE_FROM = 64 << 20, HUGE_PAGE = 2 << 20 };
static struct {
    void *data;
    size_t cap;
} bufs[N_BUFS];

static void *kept_buffer(int which, size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if (bufs[which].cap >= bytes)
        return bufs[which].data;
    wb_unpin_host(bufs[which].data); /* the uploads lock it (host_pin.h) */
    free(bufs[which].data);
    bufs[which].data = NULL;
    bufs[which].cap = 0;
    void *p = NULL;
    if (bytes >= HUGE_FROM) {
        size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        if (posix_memalign(&p, HUGE_PAGE, rounded))
            return NULL;
        (void)madvise(p, rounded, MADV_HUGEPAGE); /* a hint: without THP, plain pages */
        bytes = rounded;
    } else if (!(p = malloc(bytes))) {
        return NULL;
    }
    bufs[which].data = p;
    bufs[which].cap = bytes;
    return p;
}

/* A kept buffer of `count` zeroed doubles (the reference's want and bound). */
static double *kept_zeroed(int which, size_t count)
{
    double *p = kept_buffer(which, count * sizeof(double));
    if (p) {
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < count; i++)
            p[i] = 0.0;
    }
    return p;
}

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

/* The drawn values rounded to the dtype: stored typed, and kept as the
 * exact values the device will read. */
static void round_to_dtype(wb_dtype dtype, void *typed, double *value, size_t count)
{
    size_t size = wb_dtype_size(dtype);
    long chunks = (long)((count + WB_FILL_CHUNK - 1) / WB_FILL_CHUNK);
#pragma omp parallel for schedule(static)
    for (long c = 0; c < chunks; c++) {
        size_t from = (size_t)c * WB_FILL_CHUNK;
        size_t n = count - from < WB_FILL_CHUNK ? count - from : WB_FILL_CHUNK;
        wb_store_values(dtype, (char *)typed + from * size, value + from, n);
    }
}

static int draw_inputs(const wb_test *test, uint64_t seed, wb_host_data *h)
{
    wb_rng rng;
    wb_rng_seed(&rng, seed);
    h->count = (size_t)test->rows * (size_t)test->cols;
    h->bytes = h->count * wb_dtype_size(test->dtype);
    for (int k = 0; k < wb_op_input_count(test->op); k++) {
        h->value[k] = kept_buffer(BUF_VALUE + k, h->count * sizeof(double));
        h->typed[k] = kept_buffer(BUF_TYPED + k, h->bytes);
        if (!h->value[k] || !h->typed[k])
            return -1;
        if (test->op->fill)
            test->op->fill(&rng, test->dtype, test->rows, test->cols, test->kind, k, h->value[k]);
        else
            default_fill(&rng, h->value[k], h->count);
        round_to_dtype(test->dtype, h->typed[k], h->value[k], h->count);
    }
    return 0;
}

static int reference(const wb_test *test, wb_host_data *h)
{
    wb_host_test *hc = &h->hc;
    hc->dtype = test->dtype;
    hc->kind = test->kind;
    hc->rows = test->rows;
    hc->cols = test->cols;
    test->op->out_shape(test->rows, test->cols, &hc->out_rows, &hc->out_cols);
    h->out_count = (size_t)hc->out_rows * (size_t)hc->out_cols;
    h->out_bytes = h->out_count * wb_dtype_size(test->dtype);
    for (int k = 0; k < wb_op_input_count(test->op); k++)
        hc->in[k] = h->value[k];
    hc->want = kept_zeroed(BUF_WANT, h->out_count);
    hc->bound = kept_zeroed(BUF_BOUND, h->out_count);
    if (!hc->want || !hc->bound)
        return -1;
    test->op->reference(hc);
    return 0;
}

/* Draw the test's inputs from seed and compute the reference, into the
 * kept buffers. 0, or -1 when host memory runs out. */
static int prepare(const wb_test *test, uint64_t seed, wb_host_data *h)
{
    memset(h, 0, sizeof *h);
    if (draw_inputs(test, seed, h) || reference(test, h))
        return -1;
    const char *why = test->op->check ? test->op->check(&h->hc, h->hc.want) : NULL;
    if (why)
        snprintf(h->reference_fault, sizeof h->reference_fault,
                 "the grader's own reference fails the op's property check (%s): a fault of "
                 "ref/cpu, not of the kernel; please report it with this run's seed",
                 why);
    return 0;
}

wb_group_key wb_group_key_of(const wb_test *test)
{
    wb_group_key k = {test->op_index, test->kind, test->dtype,
                      test->rows,     test->cols, test->base_seed};
    return k;
}

int wb_group_key_equal(const wb_group_key *a, const wb_group_key *b)
{
    return a->op_index == b->op_index && a->kind == b->kind && a->dtype == b->dtype &&
           a->rows == b->rows && a->cols == b->cols && a->seed == b->seed;
}

/* The one group kept. */
static struct {
    int valid;
    wb_group_key key;
    wb_host_data data;
} kept;

const wb_host_data *wb_host_for_group(const wb_test *test)
{
    wb_group_key key = wb_group_key_of(test);
    if (kept.valid && wb_group_key_equal(&kept.key, &key))
        return &kept.data;
    kept.valid = 0; /* its buffers are about to be overwritten */
    if (prepare(test, test->base_seed, &kept.data))
        return NULL;
    kept.valid = 1;
    kept.key = key;
    return &kept.data;
}
