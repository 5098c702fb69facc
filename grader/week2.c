/* week2.c: the grader suite for week 2, softmax forward and backward.
 *
 * Inputs. The forward input is drawn row by row, and the row index decides
 * what a row holds (row_kind below), so that every matrix of 7 rows or more
 * carries each of the stability cases of the lesson once, at every length,
 * and a matrix of 1 row is an ordinary row:
 *
 *   row 0, 7, 8, ...  normal scores, random offset and scale, a few outliers
 *   row 15, 23, ...   (every eighth from 15) peaks: -30 everywhere but for a
 *                     few values in [0, 2], one in the first and one in the
 *                     last 4096 columns; each peak holds over 1% of the row's
 *                     mass, so a dropped or doubled peak moves every output
 *                     of the row far past its bound
 *   row 1             normal scores on a coarse grid (exact after + 100)
 *   row 2             row 1 + 100 exactly: e^100 overflows float32, so a
 *                     kernel that forgets the max subtraction writes NaN here
 *   row 3             one value repeated: every output is 1/N
 *   row 4             -10 everywhere, +10 once: > 0.99 lands on the +10
 *   row 5             -inf everywhere, one finite value: a one-hot output,
 *                     and -inf - -inf in any merge that is not guarded
 *   row 6             values spread up to 0.99 of the type's largest: x - m
 *                     overflows float32 to -inf (harmless) and a prescaled
 *                     x * log2(e) overflows to inf (harmful)
 *
 * No row is -inf everywhere (it has no softmax). The backward inputs are an
 * ordinary gradient dy and a real softmax output y, whose every eighth row
 * from 15 is the softmax of a peaks row: there sum(dy y) is carried by a few
 * terms, and leaving one out moves every dx of the row past its bound.
 *
 * Comparison. Each output is compared with the double-precision reference of
 * ref/cpu/softmax.c within a bound built per element from the element type,
 * the row length and the element's distance from the row maximum (see
 * softmax_bound below and the lesson's section on the grader's checks). A
 * property check confirms, for the forward op, that the reference has what
 * any softmax has: 0 <= y <= 1, rows sum to 1 within the sum of their
 * bounds, row 2 equals row 1, row 3 is 1/N, row 4 puts > 0.99 on its +10;
 * an output within its bounds of that reference then has it too, up to the
 * same bounds. NaN never passes.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "dtype.h"
#include "softmax.h"
#include "softmax_baseline.h"
#include "suite.h"
#include "tolerance.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const double LOG2E = 1.4426950408889634;

/* ---- inputs ------------------------------------------------------------ */

enum row_kind {
    ROW_NORMAL,
    ROW_GRID,
    ROW_SHIFTED,
    ROW_CONSTANT,
    ROW_ONE_HOT,
    ROW_MASKED,
    ROW_HUGE,
    ROW_PEAKS
};

static enum row_kind row_kind(long r)
{
    if (r >= ROW_GRID && r <= ROW_HUGE)
        return (enum row_kind)r;
    return r >= 8 && r % 8 == 7 ? ROW_PEAKS : ROW_NORMAL;
}

static long rng_index(wb_rng *rng, long n)
{
    return (long)(wb_rng_uniform(rng) * (double)n);
}

/* A peaks row: -30 everywhere (e^-30 of a peak: below float32's precision
 * of the sum) and 4 to 8 peaks in [0, 2], one within the first and one
 * within the last 4096 columns, where a kernel's tail handling lives. */
static void fill_peaks_row(wb_rng *rng, long cols, double *x)
{
    for (long j = 0; j < cols; j++)
        x[j] = -30.0;
    long edge = cols < 4096 ? cols : 4096;
    long peaks = cols < 8 ? cols : 4 + rng_index(rng, 5);
    for (long p = 0; p < peaks; p++) {
        long at = p == 0   ? rng_index(rng, edge)
                  : p == 1 ? cols - 1 - rng_index(rng, edge)
                           : rng_index(rng, cols);
        x[at] = 2.0 * wb_rng_uniform(rng);
    }
}

/* The spacing of the dtype's values in [64, 128): on that grid both x and
 * x + 100 (for |x| <= 8) are exact, so row 2 is row 1 shifted exactly. */
static double grid_step(wb_dtype dtype)
{
    return 64.0 * wb_dtype_eps(dtype);
}

/* Row r of the forward input, from its own generator. A shifted row copies
 * the grid row, so it is filled after every other row. */
static void fill_softmax_row(wb_rng *rng, wb_dtype dtype, long r, long cols, double *v)
{
    {
        double *x = v + r * cols;
        switch (row_kind(r)) {
        case ROW_NORMAL: {
            double offset = 10.0 * wb_rng_uniform(rng) - 5.0;
            double scale = 0.5 + 3.5 * wb_rng_uniform(rng);
            for (long j = 0; j < cols; j++)
                x[j] = offset + scale * wb_rng_normal(rng);
            /* a few large outliers, either sign, 6 to 10 scales out */
            long outliers = cols < 8 ? 0 : 2 + rng_index(rng, 3);
            for (long o = 0; o < outliers; o++) {
                double size = scale * (6.0 + 4.0 * wb_rng_uniform(rng));
                x[rng_index(rng, cols)] = offset + (wb_rng_uniform(rng) < 0.5 ? -size : size);
            }
            break;
        }
        case ROW_GRID: {
            double q = grid_step(dtype);
            for (long j = 0; j < cols; j++) {
                double g = nearbyint(2.5 * wb_rng_normal(rng) / q) * q;
                x[j] = g > 8.0 ? 8.0 : g < -8.0 ? -8.0 : g;
            }
            break;
        }
        case ROW_SHIFTED:
            for (long j = 0; j < cols; j++)
                x[j] = v[ROW_GRID * cols + j] + 100.0;
            break;
        case ROW_CONSTANT: {
            double c = 6.0 * wb_rng_uniform(rng) - 3.0;
            for (long j = 0; j < cols; j++)
                x[j] = c;
            break;
        }
        case ROW_ONE_HOT:
            for (long j = 0; j < cols; j++)
                x[j] = -10.0;
            x[rng_index(rng, cols)] = 10.0;
            break;
        case ROW_MASKED:
            for (long j = 0; j < cols; j++)
                x[j] = -INFINITY;
            x[rng_index(rng, cols)] = 3.0 * wb_rng_normal(rng);
            break;
        case ROW_PEAKS:
            fill_peaks_row(rng, cols, x);
            break;
        case ROW_HUGE: {
            double big = 0.99 * wb_dtype_max(dtype);
            for (long j = 0; j < cols; j++)
                x[j] = big * (2.0 * wb_rng_uniform(rng) - 1.0);
            x[rng_index(rng, cols)] = big; /* the largest is near the top of the range */
            break;
        }
        }
    }
}

static void fill_softmax(wb_rng *rng, wb_dtype dtype, long rows, long cols, int kind, int k,
                         double *v)
{
    (void)kind; /* no extra input kinds: the row kinds carry the cases */
    (void)k;    /* one input */
    uint64_t base = wb_rng_next(rng);
#pragma omp parallel for schedule(dynamic, 16)
    for (long r = 0; r < rows; r++) {
        if (row_kind(r) == ROW_SHIFTED)
            continue;
        wb_rng local;
        wb_rng_stream(&local, base, (uint64_t)r);
        fill_softmax_row(&local, dtype, r, cols, v);
    }
    for (long r = 0; r < rows; r++)
        if (row_kind(r) == ROW_SHIFTED) {
            wb_rng local;
            wb_rng_stream(&local, base, (uint64_t)r);
            fill_softmax_row(&local, dtype, r, cols, v);
        }
}

/* k = 0: the gradient dy, normal; k = 1: y, the softmax of normal logits of
 * a random scale per row (rounded to the dtype by the grader afterwards). */
static void fill_softmax_backward(wb_rng *rng, wb_dtype dtype, long rows, long cols, int kind,
                                  int k, double *v)
{
    (void)dtype;
    (void)kind;
    uint64_t base = wb_rng_next(rng);
    /* each row from its own stream, so large inputs are drawn on every core */
#pragma omp parallel for schedule(static)
    for (long r = 0; r < rows; r++) {
        wb_rng local;
        wb_rng_stream(&local, base, (uint64_t)r);
        if (k == 1 && row_kind(r) == ROW_PEAKS) {
            fill_peaks_row(&local, cols, v + r * cols);
            continue;
        }
        double scale = k == 0 ? 1.0 : 0.5 + 2.5 * wb_rng_uniform(&local);
        for (long j = 0; j < cols; j++)
            v[r * cols + j] = scale * wb_rng_normal(&local);
    }
    if (k == 1)
        ref_softmax(v, rows, cols, v); /* row by row; in place is fine */
}

/* ---- shapes and bytes -------------------------------------------------- */

static void same_shape(long rows, long cols, long *out_rows, long *out_cols)
{
    *out_rows = rows;
    *out_cols = cols;
}

static double forward_bytes(wb_dtype dtype, long rows, long cols)
{
    return 2.0 * (double)rows * (double)cols * (double)wb_dtype_size(dtype); /* read x, write y */
}

static double backward_bytes(wb_dtype dtype, long rows, long cols)
{
    return 3.0 * (double)rows * (double)cols * (double)wb_dtype_size(dtype); /* dy, y, dx */
}

/* ---- bounds ------------------------------------------------------------ */

/* Below this an output may be flushed to zero or held as a subnormal with
 * fewer bits than the relative bound assumes: the float32 smallest normal,
 * or for float16 outputs one step of its subnormals. */
static double flush_floor(wb_dtype dtype)
{
    return dtype == WB_F16 ? 0x1.0p-24 : FLT_MIN;
}

/* The error of e^(x - m) computed as exp2f((x - m) * log2e) in float32, in
 * units of float32 epsilon, relative: the roundings of x - m and of the
 * product (proportional to the exponent) plus about 2 ulp of exp2f, doubled. */
static double exp_error(double x, double m)
{
    return 2.0 * fabs(x - m) * LOG2E + 4.0;
}

static void softmax_reference(wb_host_test *c)
{
    const double eps = wb_dtype_eps(WB_F32);
    long n = c->cols;
    ref_softmax(c->in[0], c->rows, n, c->want);
    for (long r = 0; r < c->rows; r++) {
        const double *x = c->in[0] + r * n;
        const double *y = c->want + r * n;
        double *bound = c->bound + r * n;
        double m = -INFINITY;
        for (long j = 0; j < n; j++)
            m = x[j] > m ? x[j] : m;
        /* relative error of the row's sum s: its float32 accumulation (any
         * order), the exponentials' errors weighted by their share of s, and
         * a few dozen rescalings of partial sums in an online merge */
        double weighted = 0.0;
        for (long j = 0; j < n; j++)
            if (y[j] > 0.0)
                weighted += y[j] * exp_error(x[j], m);
        double rescales = log2((double)n) + 16.0;
        double rel_sum =
            wb_sum_bound(WB_F32, n, 1.0, 1.0) + eps * (2.0 * weighted + 4.0 * rescales);
        for (long j = 0; j < n; j++) {
            /* own exponential, the reciprocal and the product by it, and the
             * final rounding to the element type */
            double rel = y[j] > 0.0 ? rel_sum + eps * (exp_error(x[j], m) + 2.0) : 0.0;
            bound[j] = y[j] * rel + wb_round_bound(c->dtype, y[j]) + flush_floor(c->dtype);
        }
    }
}

static void softmax_backward_reference(wb_host_test *c)
{
    const double eps = wb_dtype_eps(WB_F32);
    long n = c->cols;
    const double *dy = c->in[0], *y = c->in[1];
    ref_softmax_backward(dy, y, c->rows, n, c->want);
    for (long r = 0; r < c->rows; r++) {
        const double *dyr = dy + r * n, *yr = y + r * n, *dx = c->want + r * n;
        double *bound = c->bound + r * n;
        double d = 0.0, d_abs = 0.0;
        for (long j = 0; j < n; j++) {
            d += dyr[j] * yr[j];
            d_abs += fabs(dyr[j] * yr[j]);
        }
        /* d = sum dy y accumulated in float32; then dy - d and y (dy - d)
         * each rounded once; then the rounding to the element type */
        double d_err = wb_sum_bound(WB_F32, n, d_abs, d);
        for (long j = 0; j < n; j++)
            bound[j] = fabs(yr[j]) * (d_err + eps * fabs(dyr[j] - d)) + eps * fabs(dx[j]) +
                       wb_round_bound(c->dtype, dx[j]) + flush_floor(c->dtype);
    }
}

/* ---- the property check ------------------------------------------------ */

static const char *softmax_check(const wb_host_test *c, const double *got)
{
    static char msg[256];
    long n = c->cols;
    for (long r = 0; r < c->rows; r++) {
        const double *g = got + r * n, *b = c->bound + r * n;
        double sum = 0.0, allowed = 1e-12;
        for (long j = 0; j < n; j++) {
            if (isnan(g[j]) || g[j] < 0.0 || g[j] > 1.0 + b[j]) {
                snprintf(msg, sizeof msg, "y[%ld][%ld] = %.9g: a softmax output lies in [0, 1]", r,
                         j, g[j]);
                return msg;
            }
            sum += g[j];
            allowed += b[j];
        }
        if (!(fabs(sum - 1.0) <= allowed)) {
            snprintf(msg, sizeof msg, "row %ld sums to %.9g, not 1 (allowed error %.3g)", r, sum,
                     allowed);
            return msg;
        }
    }
    if (c->rows > ROW_SHIFTED) /* shift invariance: row 2 is row 1 + 100 */
        for (long j = 0; j < n; j++) {
            double d = fabs(got[ROW_GRID * n + j] - got[ROW_SHIFTED * n + j]);
            if (!(d <= c->bound[ROW_GRID * n + j] + c->bound[ROW_SHIFTED * n + j])) {
                snprintf(msg, sizeof msg,
                         "softmax(x + 100) != softmax(x): y[%d][%ld] = %.9g but y[%d][%ld] = "
                         "%.9g (row %d is row %d plus 100)",
                         ROW_GRID, j, got[ROW_GRID * n + j], ROW_SHIFTED, j,
                         got[ROW_SHIFTED * n + j], ROW_SHIFTED, ROW_GRID);
                return msg;
            }
        }
    if (c->rows > ROW_CONSTANT) /* a constant row gives 1/N everywhere */
        for (long j = 0; j < n; j++) {
            const double *g = got + ROW_CONSTANT * n;
            if (!(fabs(g[j] - 1.0 / (double)n) <= c->bound[ROW_CONSTANT * n + j])) {
                snprintf(msg, sizeof msg,
                         "row %d is one value repeated, so every output is 1/%ld; y[%d][%ld] = "
                         "%.9g",
                         ROW_CONSTANT, n, ROW_CONSTANT, j, g[j]);
                return msg;
            }
        }
    if (c->rows > ROW_ONE_HOT) { /* -10 everywhere and +10 once: > 0.99 there */
        const double *x = c->in[0] + ROW_ONE_HOT * n;
        for (long j = 0; j < n; j++)
            if (x[j] == 10.0 && !(got[ROW_ONE_HOT * n + j] > 0.99)) {
                snprintf(msg, sizeof msg,
                         "row %d is -10 but for a +10 at column %ld, which should get > 0.99; "
                         "it got %.9g",
                         ROW_ONE_HOT, j, got[ROW_ONE_HOT * n + j]);
                return msg;
            }
    }
    return NULL;
}

/* ---- shapes ------------------------------------------------------------ */

/* Every M in {1, 7, 128, 2048} with every N in {1, 8, 31, 32, 255, 256, 1024,
 * 1025, 4096, 8192, 32768, 131072}, except 2048 x 131072: its host side
 * (inputs, reference and bounds in double, about 40 bytes per element, twice
 * per test for the repeated call) would take over 10 GB and tens of seconds
 * per test. 2048 x 32768 stays: 256 MiB of float32 each way, four times the
 * H200's L2, and 128 x 131072 covers the longest rows. 7 x 131073 is one
 * column past the max_cols of softmax_single_read and softmax_pipelined, and
 * 7 x 262145 one past that of softmax_on_chip and softmax_backward_single_read
 * (7 x 262144 is their longest row): each must report the shape past its limit
 * as unsupported, and the others must still get it right. Seven rows one past
 * where those two change their layout under the lesson's first launch rules:
 * 2049 (a warp's share of a 16-bit row); 8193 and 16385 (one block of 512
 * threads holds the backward's and the forward's row); 32769 and 65537 (a
 * cluster's registers alone; past it, shared memory too). */
static const wb_shape week2_shapes[] = {
    {1, 1},       {1, 8},       {1, 31},      {1, 32},      {1, 255},      {1, 256},
    {1, 1024},    {1, 1025},    {1, 4096},    {1, 8192},    {1, 32768},    {1, 131072},
    {7, 1},       {7, 8},       {7, 31},      {7, 32},      {7, 255},      {7, 256},
    {7, 1024},    {7, 1025},    {7, 4096},    {7, 8192},    {7, 32768},    {7, 131072},
    {128, 1},     {128, 8},     {128, 31},    {128, 32},    {128, 255},    {128, 256},
    {128, 1024},  {128, 1025},  {128, 4096},  {128, 8192},  {128, 32768},  {128, 131072},
    {2048, 1},    {2048, 8},    {2048, 31},   {2048, 32},   {2048, 255},   {2048, 256},
    {2048, 1024}, {2048, 1025}, {2048, 4096}, {2048, 8192}, {2048, 32768}, {7, 131073},
    {7, 2049},    {7, 8193},    {7, 16385},   {7, 32769},   {7, 65537},    {7, 262144},
    {7, 262145},
};

/* The benchmark shapes: the PyTorch comparison (bench/torch_softmax.py)
 * times the same ones. */
static const wb_shape week2_bench_shapes[] = {
    {8192, 1024}, {8192, 4096}, {8192, 8192}, {4096, 32768}, {1024, 131072}, {65536, 1024},
};

static const wb_op week2_ops[] = {
    {
        .name = "softmax",
        .inputs = {"x"},
        .output = "y",
        .out_shape = same_shape,
        .fill = fill_softmax,
        .reference = softmax_reference,
        .check = softmax_check,
        .min_bytes = forward_bytes,
        .baseline = baseline_softmax,
        .baseline_name = "plain safe softmax (block per row)",
        .shapes = week2_shapes,
        .n_shapes = COUNT(week2_shapes),
        .bench_shapes = week2_bench_shapes,
        .n_bench_shapes = COUNT(week2_bench_shapes),
        .layout = WB_LAYOUT_ELEMENTWISE,
        .odd = 0,
        .traffic = WB_TRAFFIC_COPY,
    },
    {
        .name = "softmax_backward",
        .inputs = {"dy", "y"},
        .output = "dx",
        .out_shape = same_shape,
        .fill = fill_softmax_backward,
        .reference = softmax_backward_reference,
        .min_bytes = backward_bytes,
        .baseline = baseline_softmax_backward,
        .baseline_name = "plain softmax backward (block per row)",
        .shapes = week2_shapes,
        .n_shapes = COUNT(week2_shapes),
        .bench_shapes = week2_bench_shapes,
        .n_bench_shapes = COUNT(week2_bench_shapes),
        .layout = WB_LAYOUT_ELEMENTWISE,
        .odd = 1, /* dx is linear in dy (input 0) */
        .traffic = WB_TRAFFIC_COPY,
    },
};

const wb_week wb_this_week = {
    .name = "week2",
    .lesson = "lessons/week2-online-softmax.nw",
    .ops = week2_ops,
    .n_ops = COUNT(week2_ops),
};
