/* week1.c: the grader suite for Week 1 (lessons/week1-reduction.nw).
 *
 * Ops: row_sum and row_max (rows x cols -> rows x 1) and array_sum (the
 * grader passes rows = 1, cols = n; one output element). Sums are judged
 * with wb_sum_bound (float32 accumulation over the row plus one rounding of
 * the output type); the max is exact. Inputs come from ref_reduce_fill: one
 * sign per draw and magnitudes bounded away from zero for the sums, so a
 * missing element is visible; all-negative rows for the max, so a max that
 * starts from 0 is caught.
 *
 * Every element counts. A float32 sum of n dense terms may be off by about
 * sqrt(n) roundings of its magnitude, far more than one term at large n, so
 * dense inputs alone cannot see a few dropped elements of a long row. Hence
 * "exact" rows: small positive integers (1 to 3) at random places, with some
 * in the first and the last 4096 columns, and so few that every partial sum,
 * in any order, is an integer float32 holds exactly, and the total one the
 * output type holds exactly (below 2^24, 2048 or 256). Their sum is exact, its
 * bound 0, and a dropped, doubled or misplaced non-zero fails. In a matrix,
 * every fourth row from row 1 is exact (for the max: a marker row, one
 * positive value among negatives, often in the last 4096 columns); a whole
 * array, or a single long row, is graded once more as the input kind
 * "exact". */
#include <stddef.h>
#include <string.h>

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

enum { KIND_EXACT = 1 }; /* extra_kinds[0] */

/* Is row r of a rows-row input of this kind exact (or, for the max, a marker row)? */
static int special_row(int kind, long rows, long r)
{
    return kind == KIND_EXACT || (rows >= 2 && r % 4 == 1);
}

/* The largest exact total: float32 partial sums, or the output type. */
static double exact_total(wb_dtype dtype)
{
    return dtype == WB_F32 ? 16777215.0 : dtype == WB_F16 ? 2047.0 : 255.0;
}

static long pick(wb_rng *rng, long n)
{
    long v = (long)(wb_rng_uniform(rng) * (double)n);
    return v < n ? v : n - 1;
}

/* How many values an exact row holds: every value at most 3. */
static long exact_nonzeros(wb_dtype dtype)
{
    return (long)(exact_total(dtype) / 3.0);
}

/* x already holds zeros when the row is longer than its values
 * (fill_special_rows) */
static void fill_exact_row(wb_rng *rng, wb_dtype dtype, long cols, double *x)
{
    long nonzeros = exact_nonzeros(dtype);
    if (nonzeros >= cols) {
        for (long j = 0; j < cols; j++)
            x[j] = (double)(1 + pick(rng, 3));
        return;
    }
    long edge = cols < 4096 ? cols : 4096;
    for (long k = 0; k < nonzeros; k++) {
        /* a quarter in the head, a quarter in the tail, the rest anywhere;
         * two on one place add up, still an integer at most the total */
        long at = k % 4 == 0   ? pick(rng, edge)
                  : k % 4 == 1 ? cols - 1 - pick(rng, edge)
                               : pick(rng, cols);
        x[at] += (double)(1 + pick(rng, 3));
    }
}

static void fill_marker_row(wb_rng *rng, long cols, double *x)
{
    for (long j = 0; j < cols; j++)
        x[j] = -1.0 - (double)pick(rng, 3); /* -1 to -3 */
    long edge = cols < 4096 ? cols : 4096;
    long at = wb_rng_uniform(rng) < 0.5 ? cols - 1 - pick(rng, edge) : pick(rng, cols);
    x[at] = 1.0;
}

static void fill_special_rows(wb_rng *rng, wb_dtype dtype, long rows, long cols, int kind, int max,
                              double *v)
{
    uint64_t base = wb_rng_next(rng);
    if (!max && exact_nonzeros(dtype) < cols) {
        /* sparse exact rows start from zeros, cleared on every core: one
         * row of 2^28 would otherwise be a single thread's */
        enum { CLEAR = 1 << 16 };
        long pieces = (cols + CLEAR - 1) / CLEAR;
#pragma omp parallel for schedule(static) collapse(2)
        for (long r = 0; r < rows; r++)
            for (long p = 0; p < pieces; p++)
                if (special_row(kind, rows, r)) {
                    long from = p * CLEAR, len = cols - from < CLEAR ? cols - from : CLEAR;
                    memset(v + r * cols + from, 0, (size_t)len * sizeof(double));
                }
    }
#pragma omp parallel for schedule(dynamic, 4)
    for (long r = 0; r < rows; r++) {
        if (!special_row(kind, rows, r))
            continue;
        wb_rng local;
        wb_rng_stream(&local, base, (uint64_t)r);
        if (max)
            fill_marker_row(&local, cols, v + r * cols);
        else
            fill_exact_row(&local, dtype, cols, v + r * cols);
    }
}

static void fill_sum(wb_rng *rng, wb_dtype dtype, long rows, long cols, int kind, int k, double *v)
{
    (void)k;
    if (kind != KIND_EXACT)
        ref_reduce_fill(rng, dtype, rows, cols, WB_REDUCE_FILL_SUM, v);
    fill_special_rows(rng, dtype, rows, cols, kind, 0, v);
}

static void fill_max(wb_rng *rng, wb_dtype dtype, long rows, long cols, int kind, int k, double *v)
{
    (void)k;
    if (kind != KIND_EXACT)
        ref_reduce_fill(rng, dtype, rows, cols, WB_REDUCE_FILL_MAX, v);
    fill_special_rows(rng, dtype, rows, cols, kind, 1, v);
}

static void reference_row_sum(wb_host_test *c)
{
    /* each row's sum, and its magnitude into bound until the bound replaces it */
    ref_row_sum_with_abs(c->in[0], c->rows, c->cols, c->want, c->bound);
    for (long i = 0; i < c->rows; i++)
        c->bound[i] = special_row(c->kind, c->rows, i)
                          ? 0.0 /* exact, see the top of this file */
                          : wb_sum_bound(c->dtype, c->cols, c->bound[i], c->want[i]);
}

static void reference_row_max(wb_host_test *c)
{
    /* the max is one of the inputs, so it is exact in the input type: the
     * bounds stay 0 */
    ref_row_max(c->in[0], c->rows, c->cols, c->want);
}

static void reference_array_sum(wb_host_test *c)
{
    long n = c->rows * c->cols;
    double sum_abs;
    c->want[0] = ref_array_sum_with_abs(c->in[0], n, &sum_abs);
    c->bound[0] = c->kind == KIND_EXACT ? 0.0 : wb_sum_bound(c->dtype, n, sum_abs, c->want[0]);
}

/* A launch's reference from the sums of its own input, which flips the
 * signs of about half of the elements (derivation.h): measured on the
 * device in double. The magnitudes, and so the bound, are those of the base;
 * exact inputs stay exact, every partial sum in any order being at most
 * the sum of magnitudes. */
static void array_sum_flipped(const wb_host_test *c, double sum, double sum_abs, double *want,
                              double *bound)
{
    *want = sum;
    *bound = c->kind == KIND_EXACT ? 0.0 : wb_sum_bound(c->dtype, c->rows * c->cols, sum_abs, sum);
}

/* A single long row is graded once more with exact inputs; a matrix
 * carries exact rows among its ordinary ones already. */
static int long_single_row(long rows, long cols)
{
    return rows == 1 && cols >= 1000;
}

static const wb_input_kind row_kinds[] = {{"exact", long_single_row}};
static const wb_input_kind array_kinds[] = {{"exact", NULL}};

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
        .inputs = {"x"},
        .output = "y",
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
        .extra_kinds = row_kinds,
        .n_extra_kinds = COUNT(row_kinds),
        .layout = WB_LAYOUT_ROW_REDUCE,
        .odd = 1,
        .traffic = WB_TRAFFIC_READ,
    },
    {
        .name = "row_max",
        .inputs = {"x"},
        .output = "y",
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
        .extra_kinds = row_kinds,
        .n_extra_kinds = COUNT(row_kinds),
        .layout = WB_LAYOUT_ROW_REDUCE,
        .odd = 0, /* max(-x) is -min(x) */
        .traffic = WB_TRAFFIC_READ,
    },
    {
        .name = "array_sum",
        .inputs = {"x"},
        .output = "y",
        .out_shape = to_one,
        .fill = fill_sum,
        .reference = reference_array_sum,
        .check = NULL,
        .flipped_reference = array_sum_flipped,
        .min_bytes = bytes_array,
        .baseline = baseline_cub_array_sum,
        .baseline_name = "CUB DeviceReduce::Sum",
        .shapes = array_shapes,
        .n_shapes = COUNT(array_shapes),
        .bench_shapes = array_bench_shapes,
        .n_bench_shapes = COUNT(array_bench_shapes),
        .extra_kinds = array_kinds,
        .n_extra_kinds = COUNT(array_kinds),
        .layout = WB_LAYOUT_ALL_REDUCE,
        .odd = 1,
        .traffic = WB_TRAFFIC_READ,
    },
};

const wb_week wb_this_week = {
    .name = "week1",
    .lesson = "lessons/week1-reduction.nw",
    .ops = week1_ops,
    .n_ops = COUNT(week1_ops),
};
