/* host_data.c: drawing a test's inputs and computing its reference (host_data.h). */
#include "host_data.h"

#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "rng.h"

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

static int draw_inputs(const wb_test *test, uint64_t seed, wb_host_data *h)
{
    wb_rng rng;
    wb_rng_seed(&rng, seed);
    h->count = (size_t)test->rows * (size_t)test->cols;
    h->bytes = h->count * wb_dtype_size(test->dtype);
    for (int k = 0; k < test->op->n_inputs; k++) {
        h->value[k] = malloc(h->count * sizeof(double));
        h->typed[k] = malloc(h->bytes);
        if (!h->value[k] || !h->typed[k])
            return -1;
        if (test->op->fill)
            test->op->fill(&rng, test->dtype, test->rows, test->cols, test->kind, k, h->value[k]);
        else
            default_fill(&rng, h->value[k], h->count);
        double *value = h->value[k];
        void *typed = h->typed[k];
        size_t count = h->count;
        wb_dtype dtype = test->dtype;
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < count; i++)
            value[i] = wb_store(dtype, typed, i, value[i]);
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
    for (int k = 0; k < test->op->n_inputs; k++)
        hc->in[k] = h->value[k];
    hc->want = calloc(h->out_count, sizeof(double));
    hc->bound = calloc(h->out_count, sizeof(double));
    if (!hc->want || !hc->bound)
        return -1;
    test->op->reference(hc);
    return 0;
}

int wb_host_prepare(const wb_test *test, uint64_t seed, wb_host_data *h)
{
    memset(h, 0, sizeof *h);
    return draw_inputs(test, seed, h) || reference(test, h) ? -1 : 0;
}

void wb_host_free(wb_host_data *h)
{
    for (int k = 0; k < 3; k++) {
        free(h->value[k]);
        free(h->typed[k]);
    }
    free(h->hc.want);
    free(h->hc.bound);
    memset(h, 0, sizeof *h);
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
    wb_host_free(&kept.data);
    kept.valid = 0;
    if (wb_host_prepare(test, test->base_seed, &kept.data)) {
        wb_host_free(&kept.data);
        return NULL;
    }
    kept.valid = 1;
    kept.key = key;
    return &kept.data;
}
