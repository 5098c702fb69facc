/* week0.c: the grader suite for week 0, copy and transpose.
 * Both ops are exact: a copied or transposed value is the input value. */
#include "dtype.h"
#include "memcpy_baseline.h"
#include "suite.h"
#include "transpose.h"

static void same_shape(long rows, long cols, long *out_rows, long *out_cols)
{
    *out_rows = rows;
    *out_cols = cols;
}

static void swapped_shape(long rows, long cols, long *out_rows, long *out_cols)
{
    *out_rows = cols;
    *out_cols = rows;
}

static void copy_reference(wb_host_test *c)
{
    ref_copy(c->in[0], c->rows, c->cols, c->want);
}

static void transpose_reference(wb_host_test *c)
{
    ref_transpose(c->in[0], c->rows, c->cols, c->want);
}

/* Read every element once, write every element once. */
static double read_write_bytes(wb_dtype dtype, long rows, long cols)
{
    return 2.0 * (double)rows * (double)cols * (double)wb_dtype_size(dtype);
}

/* 1x1; primes; one off a 16- and 32-tile in each direction; a single row and
 * a single column; a wide block multiple; and 8192x8192, whose input and
 * output (256 MiB each in float32) are several times the 60 MiB L2. */
static const wb_shape week0_shapes[] = {
    {1, 1},    {15, 37},    {255, 257}, {257, 255},   {1, 4096},
    {4096, 1}, {1024, 256}, {31, 33},   {8191, 8193}, {8192, 8192},
};

static const wb_shape week0_bench_shapes[] = {{8192, 8192}};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const wb_op week0_ops[] = {
    {
        .name = "copy",
        .inputs = {"x"},
        .output = "y",
        .out_shape = same_shape,
        .reference = copy_reference,
        .min_bytes = read_write_bytes,
        .baseline = baseline_memcpy_d2d,
        .baseline_name = "cudaMemcpy D2D",
        .shapes = week0_shapes,
        .n_shapes = COUNT(week0_shapes),
        .bench_shapes = week0_bench_shapes,
        .n_bench_shapes = COUNT(week0_bench_shapes),
        .layout = WB_LAYOUT_ELEMENTWISE,
        .odd = 1,
        .traffic = WB_TRAFFIC_COPY,
    },
    {
        .name = "transpose",
        .inputs = {"x"},
        .output = "y",
        .out_shape = swapped_shape,
        .reference = transpose_reference,
        .min_bytes = read_write_bytes,
        .baseline = baseline_memcpy_d2d,
        .baseline_name = "cudaMemcpy D2D",
        .shapes = week0_shapes,
        .n_shapes = COUNT(week0_shapes),
        .bench_shapes = week0_bench_shapes,
        .n_bench_shapes = COUNT(week0_bench_shapes),
        .layout = WB_LAYOUT_TRANSPOSE,
        .odd = 1,
        .traffic = WB_TRAFFIC_COPY,
    },
};

const wb_week wb_this_week = {
    .name = "week0",
    .lesson = "lessons/week0-copy-transpose.nw",
    .ops = week0_ops,
    .n_ops = COUNT(week0_ops),
};
