/* week1.c: the grader suite for Week 1 (lessons/week1-reduction.nw).
 *
 * Ops: row_sum and row_max (rows x cols -> rows x 1) and array_sum (the
 * grader passes rows = 1, cols = n; one output element). Sums are judged
 * with wb_sum_bound (float32 accumulation over the row plus one rounding of
 * the output type); the max is exact. Inputs come from ref_reduce_fill: one
 * sign per draw and magnitudes bounded away from zero for the sums, so a
 * missing element is visible; all-negative rows for the max, so a max that
 * starts from 0 is caught. */
#include <stddef.h>

#include "cub_reduce.h"
#include "dtype.h"
#include "reduce.h"
#include "suite.h"
#include "tolerance.h"

static void rows_to_column(long rows, long cols, long *out_rows, long *out_cols)
{
    (void)cols;
    *out_rows = rows;
    *out_cols = 1;
}

static void to_one(long rows, long cols, long *out_rows, long *out_cols)
{
    (void)rows;
    (void)cols;
    *out_rows = 1;
    *out_cols = 1;
}

static void fill_sum(wb_rng *rng, wb_dtype dtype, long rows, long cols, int k, double *v)
{
    (void)k;
    ref_reduce_fill(rng, dtype, rows, cols, WB_REDUCE_FILL_SUM, v);
}

static void fill_max(wb_rng *rng, wb_dtype dtype, long rows, long cols, int k, double *v)
{
    (void)k;
    ref_reduce_fill(rng, dtype, rows, cols, WB_REDUCE_FILL_MAX, v);
}

static void reference_row_sum(wb_host_case *c)
{
    ref_row_sum(c->in[0], c->rows, c->cols, c->want);
    for (long i = 0; i < c->rows; i++) {
        double sum_abs;
        ref_row_sum_abs(c->in[0] + i * c->cols, 1, c->cols, &sum_abs);
        c->bound[i] = wb_sum_bound(c->dtype, c->cols, sum_abs, c->want[i]);
    }
}

static void reference_row_max(wb_host_case *c)
{
    /* the max is one of the inputs, so it is exact in the input type: the
     * bounds stay 0 */
    ref_row_max(c->in[0], c->rows, c->cols, c->want);
}

static void reference_array_sum(wb_host_case *c)
{
    long n = c->rows * c->cols;
    c->want[0] = ref_array_sum(c->in[0], n);
    c->bound[0] = wb_sum_bound(c->dtype, n, ref_array_sum_abs(c->in[0], n), c->want[0]);
}

static double bytes_rows(wb_dtype dtype, long rows, long cols)
{
    return (double)wb_dtype_size(dtype) * ((double)rows * (double)cols + (double)rows);
}

static double bytes_array(wb_dtype dtype, long rows, long cols)
{
    return (double)wb_dtype_size(dtype) * ((double)rows * (double)cols + 1.0);
}

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The seed's grid, row lengths one off a block or warp multiple, degenerate
 * rows, tall and wide. Wide rows with few of them exercise kernels that split
 * a row over several blocks; 128 x 8192 does too. */
static const wb_shape row_shapes[] = {
    {128, 128},  {128, 256},  {128, 1024},  {128, 2048},  {128, 4096},  {128, 8192},
    {512, 128},  {512, 256},  {512, 1024},  {512, 2048},  {512, 4096},  {512, 8192},
    {2048, 128}, {2048, 256}, {2048, 1024}, {2048, 2048}, {2048, 4096}, {2048, 8192},
    {129, 1},    {129, 7},    {129, 255},   {129, 257},   {129, 1023},  {129, 1025},
    {2, 1},      {3, 7},      {5, 255},     {4, 257},     {6, 1023},    {5, 1025},
    {1, 1},      {1, 16},     {7, 1},       {65537, 33},  {3, 1048577}, {1, 1048575},
};

static const wb_shape row_bench_shapes[] = {
    {8192, 8192},
    {32768, 4096},
    {4096, 32768},
    {65536, 1024},
};

static const wb_shape array_shapes[] = {
    {1, 1}, {1, 7}, {1, 1000}, {1, 1048577}, {1, 268435459},
};

static const wb_shape array_bench_shapes[] = {
    {1, 268435456},
};

static const wb_op week1_ops[] = {
    {
        .name = "row_sum",
        .n_inputs = 1,
        .out_shape = rows_to_column,
        .fill = fill_sum,
        .reference = reference_row_sum,
        .check = NULL,
        .min_bytes = bytes_rows,
        .baseline = baseline_cub_row_sum,
        .baseline_name = "CUB DeviceSegmentedReduce::Sum",
        .shapes = row_shapes,
        .n_shapes = COUNT(row_shapes),
        .bench_shapes = row_bench_shapes,
        .n_bench_shapes = COUNT(row_bench_shapes),
    },
    {
        .name = "row_max",
        .n_inputs = 1,
        .out_shape = rows_to_column,
        .fill = fill_max,
        .reference = reference_row_max,
        .check = NULL,
        .min_bytes = bytes_rows,
        .baseline = baseline_cub_row_max,
        .baseline_name = "CUB DeviceSegmentedReduce::Max",
        .shapes = row_shapes,
        .n_shapes = COUNT(row_shapes),
        .bench_shapes = row_bench_shapes,
        .n_bench_shapes = COUNT(row_bench_shapes),
    },
    {
        .name = "array_sum",
        .n_inputs = 1,
        .out_shape = to_one,
        .fill = fill_sum,
        .reference = reference_array_sum,
        .check = NULL,
        .min_bytes = bytes_array,
        .baseline = baseline_cub_array_sum,
        .baseline_name = "CUB DeviceReduce::Sum",
        .shapes = array_shapes,
        .n_shapes = COUNT(array_shapes),
        .bench_shapes = array_bench_shapes,
        .n_bench_shapes = COUNT(array_bench_shapes),
    },
};

const wb_week wb_this_week = {
    .name = "week1",
    .lesson = "lessons/week1-reduction.nw",
    .ops = week1_ops,
    .n_ops = COUNT(week1_ops),
};
