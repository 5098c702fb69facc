/* row_team_sweep.cu: how many threads should share one row of Week 1's row
 * sum, and when should a row be split over several blocks? A maintainer's
 * measuring tool, not part of the grader.
 *
 * The lesson's plan_best gives each row a team of 8 to 256 threads, the
 * smallest that leaves every thread at least ELEMENTS_PER_THREAD elements,
 * and splits rows over several blocks only when there are fewer rows than
 * resident blocks. Those thresholds came from this sweep on an H200
 * (bench/results/h200/week1-team-sweep.log); run it again to check them on
 * another GPU or after changing the kernels. On each shape and element type
 * it times, in one process on one GPU:
 *
 *   cub                    the grader's baseline (ref/gpu/cub_reduce.cu): CUB's
 *                          DeviceSegmentedReduce::Sum, or DeviceReduce::Sum for one row
 *   lesson_best            launch_row_sum_best, as tangled from the lesson
 *   teamT_uU               T threads per row (256 / T rows per block), each loading U
 *                          16-byte packs before adding any
 *   splitP_uU_gG           each row split over P blocks of 256 threads, the last block
 *                          of a row adding the P partials; grid G = "all" (a block per
 *                          part) or "1w" (one wave of resident blocks, grid-stride)
 *   array_uU_LOAD_ORDER_xM (one row, float32 and float16) the whole-array loop alone:
 *                          M waves of resident blocks, loads through __ldg or with an
 *                          L2 256-byte prefetch hint, blocks interleaved or one
 *                          contiguous range a block
 *
 * Every depth U runs the lesson's own kernels (reduce_rows_by_teams,
 * reduce_rows_by_blocks), whose unroll is a template parameter; U =
 * BEST_UNROLL (4) is what the lesson's launcher runs.
 *
 * Timing is the grader's own loop (bench/sweep_common.h, grader/timing.c),
 * with a fixed count of repetitions (--reps) where the grader repeats until
 * a time budget. GB/s
 * counts the minimum traffic, the input read once and the output written
 * once. Every configuration's output is compared with CUB's, row by row: a
 * difference beyond twice the grader's float32 sum bound (grader/tolerance.c;
 * both sides may be that far from the exact sum) prints MISMATCH, and the
 * exit status is 1. The output is poisoned (NaN) before each configuration,
 * so one that writes nothing fails too.
 *
 *   build/bench/row_team_sweep [--reps N] [--out FILE.tsv] [--shape RxC]... [--dtype D]...
 *
 * `make sweep-rows` builds it and writes build/bench/row-team-sweep.tsv. Exit
 * status: 0 every output agreed with CUB (or no CUDA device: "skipped: no
 * CUDA device"), 1 a mismatch, 2 a CUDA error or a bad argument. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "cub_reduce.h"
#include "sweep_common.h"
extern "C" {
#include "dtype.h"
#include "tolerance.h"
}

/* The lesson's kernels, launchers and device helpers (reduce_pack,
 * block_reduce, team_reduce, thread_partial, plan_best), compiled into this
 * program rather than linked: the helpers are templates. */
#include "../tangled/week1/week1.cu"

/* A wb_launcher's status as a cudaError_t: WB_OK or the launch's error. */
static cudaError_t launcher_status(int rc)
{
    if (rc == WB_OK)
        return cudaSuccess;
    return rc > 0 ? (cudaError_t)rc : cudaErrorNotSupported;
}

/* ---- the kernels the plan chooses among ----------------------------------
 * The lesson's own reduce_rows_by_teams and reduce_rows_by_blocks, whose
 * unroll depth is a template parameter (BEST_UNROLL by default). */

/* A 16-byte load through the read-only path, or (HINT) one that asks L2 to
 * fetch the surrounding 256 bytes and L1 not to keep the line: does
 * prefetching help a single streaming pass? The hint needs sm_80; the host
 * runs no HINT configuration on an older GPU (add_array). */
template <bool HINT> __device__ __forceinline__ uint4 load_pack(const uint4 *p)
{
#if __CUDA_ARCH__ >= 800
    if (HINT) {
        uint4 r;
        asm volatile("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];"
                     : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w)
                     : "l"(p));
        return r;
    }
#endif
    return __ldg(p);
}

/* The whole-array sum of x[0, n) (16-byte aligned) with no row bookkeeping:
 * what the split kernel's loop costs on its own. CONTIG gives each block one
 * contiguous range (CUB's "even share"); otherwise blocks interleave in
 * 256-pack strides. The last block to finish adds the partials. */
template <class T, int UNROLL, bool HINT, bool CONTIG>
__global__ void __launch_bounds__(BEST_BLOCK)
    sweep_array_sum(const T *__restrict__ x, T *__restrict__ y, long n,
                    float *__restrict__ partials, unsigned *__restrict__ arrivals)
{
    __shared__ float warp_totals[BEST_BLOCK / 32];
    __shared__ bool finishes;
    constexpr int P = kPackElements<T>;
    const uint4 *body = reinterpret_cast<const uint4 *>(x);
    const long packs = n / P;
    long begin, end, stride;
    if (CONTIG) {
        /* whole unrolled rounds a block, so only the last range is ragged */
        const long round = (long)BEST_BLOCK * UNROLL;
        const long share = (packs + gridDim.x - 1) / gridDim.x;
        const long chunk = (share + round - 1) / round * round;
        begin = blockIdx.x * chunk + threadIdx.x;
        end = (blockIdx.x + 1) * chunk < packs ? (blockIdx.x + 1) * chunk : packs;
        stride = BEST_BLOCK;
    } else {
        begin = (long)blockIdx.x * BEST_BLOCK + threadIdx.x;
        end = packs;
        stride = (long)BEST_BLOCK * gridDim.x;
    }
    float acc = 0.0f;
    long i = begin;
    for (; i + (UNROLL - 1) * stride < end; i += UNROLL * stride) {
        uint4 raw[UNROLL];
#pragma unroll
        for (int u = 0; u < UNROLL; u++)
            raw[u] = load_pack<HINT>(body + i + u * stride);
#pragma unroll
        for (int u = 0; u < UNROLL; u++)
            acc += reduce_pack<SumOp, T>(raw[u]);
    }
    for (; i < end; i += stride)
        acc += reduce_pack<SumOp, T>(load_pack<HINT>(body + i));
    if (blockIdx.x == 0) /* the tail, fewer than P elements after the last pack */
        for (long t = packs * P + threadIdx.x; t < n; t += BEST_BLOCK)
            acc += to_float(x[t]);
    acc = block_reduce<SumOp, BEST_BLOCK>(acc, warp_totals);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = acc;
        __threadfence();
        finishes = atomicAdd(arrivals, 1u) == gridDim.x - 1;
    }
    __syncthreads();
    if (finishes) {
        __threadfence();
        float w = 0.0f;
        for (long k = threadIdx.x; k < gridDim.x; k += BEST_BLOCK)
            w += __ldcg(&partials[k]);
        w = block_reduce<SumOp, BEST_BLOCK>(w, warp_totals);
        if (threadIdx.x == 0)
            y[0] = from_float<T>(w);
    }
}

/* Non-negative inputs in [0, scale): a row's sum of magnitudes is then its
 * sum, which the bound needs, and sums stay far from float16's overflow. */
template <class T> __global__ void fill_inputs(T *x, long n, float scale)
{
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n;
         i += (long)gridDim.x * blockDim.x) {
        uint32_t h = ((uint32_t)i * 0x9e3779b9u) ^ (uint32_t)(i >> 32);
        h ^= h >> 16; /* murmur3's finaliser: every bit of i moves the value */
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        x[i] = from_float<T>((float)(h >> 8) * (1.0f / 16777216.0f) * scale);
    }
}

/* ---- the configurations of one shape and element type -------------------------- */

struct Config {
    std::string name;
    int team;   /* threads per row; 0 for a split, an array loop, CUB or the lesson */
    int unroll; /* packs in flight per thread; 0: not ours to choose */
    long parts; /* blocks per row of a split; 0 otherwise */
    long grid;  /* blocks launched; 0: the launcher decides */
    long slots; /* partials it writes (the workspace it needs), 0: none */
    std::function<cudaError_t()> launch;
};

/* Device buffers of one shape. The launches read them through a pointer when
 * they run: the partials are allocated once every configuration is known. */
struct Buffers {
    void *x, *y;         /* rows x cols and rows elements of the dtype */
    float *partials;     /* partials of a split or of an array loop */
    unsigned *arrivals;  /* a split's counter per row, an array loop's one counter */
    void *lesson_ws;     /* launch_row_sum_best's workspace */
    size_t lesson_bytes; /* its size, from the lesson's workspace_best_sum */
};

template <class T, int TEAM, int UNROLL>
static void add_team(std::vector<Config> &out, const Buffers *b, long rows, long cols,
                     cudaStream_t s)
{
    /* a thread with no whole pack of the row only adds to the reduction */
    if (rows < 2 || (long)TEAM * kPackElements < T >> cols)
        return;
    const long grid = std::min(ceil_div(rows, BEST_BLOCK / TEAM), MAX_GRID);
    out.push_back({"team" + std::to_string(TEAM) + "_u" + std::to_string(UNROLL), TEAM, UNROLL, 0,
                   grid, 0, [=]() {
                       const T *x = static_cast<const T *>(b->x);
                       T *y = static_cast<T *>(b->y);
                       reduce_rows_by_teams<SumOp, TEAM, T, UNROLL>
                           <<<(unsigned)grid, BEST_BLOCK, 0, s>>>(x, y, rows, cols);
                       return cudaGetLastError();
                   }});
}

template <class T, int UNROLL>
static void add_teams(std::vector<Config> &out, const Buffers *b, long rows, long cols,
                      cudaStream_t s)
{
    add_team<T, 8, UNROLL>(out, b, rows, cols, s);
    add_team<T, 16, UNROLL>(out, b, rows, cols, s);
    add_team<T, 32, UNROLL>(out, b, rows, cols, s);
    add_team<T, 64, UNROLL>(out, b, rows, cols, s);
    add_team<T, 128, UNROLL>(out, b, rows, cols, s);
    add_team<T, BEST_BLOCK, UNROLL>(out, b, rows, cols, s);
}

/* Rows split over `parts` blocks each, for parts from 1 (the split kernel
 * with a block per row) to 4096, plus the count the lesson's plan picks. */
template <class T, int UNROLL>
static void add_splits(std::vector<Config> &out, const Buffers *b, long rows, long cols,
                       long planned_parts, int sms, cudaStream_t s)
{
    long resident = 0;
    CUDA_CHECK(resident_blocks(reduce_rows_by_blocks<SumOp, T, UNROLL>, &resident));
    std::vector<long> counts = {1, 2, 4, 8, 16, 64, 256, 1024, 2048, 4096};
    if (planned_parts > 1)
        counts.push_back(planned_parts);
    std::sort(counts.begin(), counts.end());
    counts.erase(std::unique(counts.begin(), counts.end()), counts.end());

    for (long parts : counts) {
        const long slots = rows * parts;
        /* the plan's limit: at least one full unrolled round of packs a thread */
        if (parts > 1 && cols / parts < (long)BEST_BLOCK * kPackElements<T> * UNROLL)
            continue;
        /* many waves of small parts only add partials (the plan's own count is kept) */
        if (parts > 16 && parts != planned_parts && slots > 16 * resident)
            continue;
        /* fewer blocks than SMs idle SMs by construction */
        if (slots < sms)
            continue;
        for (int one_wave = 0; one_wave < 2; one_wave++) {
            const long all = std::min(slots, MAX_GRID);
            const long grid = one_wave ? std::min(all, resident) : all;
            if (one_wave && grid == all)
                continue; /* the same launch as "all" */
            out.push_back({"split" + std::to_string(parts) + "_u" + std::to_string(UNROLL) +
                               (one_wave ? "_g1w" : "_gall"),
                           0, UNROLL, parts, grid, slots, [=]() {
                               const T *x = static_cast<const T *>(b->x);
                               T *y = static_cast<T *>(b->y);
                               /* the counters start at zero: the lesson's launcher clears them too */
                               cudaError_t err = cudaMemsetAsync(
                                   b->arrivals, 0, (size_t)rows * sizeof(unsigned), s);
                               if (err != cudaSuccess)
                                   return err;
                               reduce_rows_by_blocks<SumOp, T, UNROLL>
                                   <<<(unsigned)grid, BEST_BLOCK, 0, s>>>(x, y, rows, cols, parts,
                                                                          b->partials, b->arrivals);
                               return cudaGetLastError();
                           }});
        }
    }
}

/* The whole-array loop alone on one, two and four waves of resident blocks. */
template <class T, int UNROLL, bool HINT, bool CONTIG>
static void add_array(std::vector<Config> &out, const Buffers *b, long n, cudaStream_t s)
{
    int device, major;
    CUDA_CHECK(cudaGetDevice(&device));
    CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
    if (HINT && major < 8)
        return; /* compiled as a plain load there (load_pack) */
    long resident;
    CUDA_CHECK(resident_blocks(sweep_array_sum<T, UNROLL, HINT, CONTIG>, &resident));
    for (long waves : {1L, 2L, 4L}) {
        const long grid = resident * waves;
        out.push_back({std::string("array_u") + std::to_string(UNROLL) + (HINT ? "_hint" : "_ldg") +
                           (CONTIG ? "_contig" : "_inter") + "_x" + std::to_string(waves),
                       0, UNROLL, 0, grid, grid, [=]() {
                           cudaError_t err = cudaMemsetAsync(b->arrivals, 0, sizeof(unsigned), s);
                           if (err != cudaSuccess)
                               return err;
                           sweep_array_sum<T, UNROLL, HINT, CONTIG>
                               <<<(unsigned)grid, BEST_BLOCK, 0, s>>>(static_cast<const T *>(b->x),
                                                                      static_cast<T *>(b->y), n,
                                                                      b->partials, b->arrivals);
                           return cudaGetLastError();
                       }});
    }
}

/* ---- one shape, one element type ----------------------------------------------- */

struct Result {
    std::string config;
    float ms;
    double gbps, vs_cub;
    double worst; /* largest |difference from CUB| / bound over the rows */
    bool planned; /* the configuration the lesson's plan picks */
};

static bool any_mismatch = false;

/* y (rows elements of dtype) against CUB's output: the largest ratio of the
 * difference to its bound, NaN counted as infinitely far. Prints MISMATCH
 * and the first bad row when a difference is beyond its bound. */
static double compare_with_cub(wb_dtype dtype, const std::vector<unsigned char> &got,
                               const std::vector<unsigned char> &cub, Shape shape,
                               const std::string &what)
{
    double worst = 0.0;
    long first_bad = -1;
    for (long r = 0; r < shape.rows; r++) {
        const double want = wb_load(dtype, cub.data(), (size_t)r);
        const double have = wb_load(dtype, got.data(), (size_t)r);
        /* both sides are float32 sums of the same cols values, each within
         * the grader's bound of the exact sum */
        const double bound = 2.0 * wb_sum_bound(dtype, shape.cols, fabs(want), want);
        const double ratio = fabs(have - want) / (bound > 0.0 ? bound : 1e-300);
        if (!(ratio <= 1.0) && first_bad < 0) {
            first_bad = r;
            printf("MISMATCH %s: row %ld: CUB %.9g, got %.9g, bound %.3g\n", what.c_str(), r, want,
                   have, bound);
        }
        worst = std::isnan(ratio) ? INFINITY : std::max(worst, ratio);
        if (std::isinf(worst))
            break;
    }
    if (first_bad >= 0)
        any_mismatch = true;
    return worst;
}

template <class T>
static std::vector<Result> sweep_shape(const Timer &timer, Shape shape, wb_dtype dtype, int sms,
                                       FILE *tsv)
{
    const long rows = shape.rows, cols = shape.cols;
    const size_t in_bytes = (size_t)rows * cols * sizeof(T), out_bytes = rows * sizeof(T);
    const double bytes = (double)(in_bytes + out_bytes);
    const std::string where =
        std::string(wb_dtype_name(dtype)) + " " + std::to_string(rows) + "x" + std::to_string(cols);
    cudaStream_t s = timer.stream;

    BestPlan plan;
    CUDA_CHECK(plan_best<SumOp, T>(rows, cols, &plan));
    wb_problem p{};
    p.dtype = dtype;
    p.rows = rows;
    p.cols = cols;
    p.stream = s;

    Buffers b{};
    CUDA_CHECK(cudaMalloc(&b.x, in_bytes));
    CUDA_CHECK(cudaMalloc(&b.y, out_bytes));
    CUDA_CHECK(cudaMalloc(&b.arrivals, (size_t)rows * sizeof(unsigned)));
    p.in[0] = b.x;
    p.y = b.y;
    b.lesson_bytes = workspace_best_sum(&p);
    if (b.lesson_bytes > 0)
        CUDA_CHECK(cudaMalloc(&b.lesson_ws, b.lesson_bytes));
    p.workspace = b.lesson_ws;
    p.workspace_bytes = b.lesson_bytes;
    const float scale = cols > 2048 ? 2048.0f / (float)cols : 1.0f;
    fill_inputs<T><<<4 * sms, 256, 0, s>>>(static_cast<T *>(b.x), rows * cols, scale);
    CUDA_CHECK(cudaGetLastError());

    /* every configuration, CUB first: its output is the one the others must match */
    std::vector<Config> configs;
    configs.push_back({"cub", 0, 0, 0, 0, 0, [&p, rows]() {
                           return launcher_status(rows == 1 ? baseline_cub_array_sum(&p)
                                                            : baseline_cub_row_sum(&p));
                       }});
    configs.push_back({"lesson_best", 0, 0, 0, 0, 0,
                       [&p]() { return launcher_status(launch_row_sum_best(&p)); }});
    add_teams<T, 4>(configs, &b, rows, cols, s);
    add_teams<T, 8>(configs, &b, rows, cols, s);
    const long planned_parts = plan.team == 0 ? plan.parts : 0;
    add_splits<T, 4>(configs, &b, rows, cols, planned_parts, sms, s);
    add_splits<T, 8>(configs, &b, rows, cols, planned_parts, sms, s);
    /* The array loops for float32 and float16 only: bfloat16 moves the same
     * bytes as float16, and ten more kernels would lengthen every build. */
    if constexpr (!std::is_same<T, __nv_bfloat16>::value) {
        if (rows == 1 && (uintptr_t)b.x % 16 == 0) { /* cudaMalloc aligns to far more */
            add_array<T, 4, false, false>(configs, &b, cols, s);
            add_array<T, 4, false, true>(configs, &b, cols, s);
            add_array<T, 4, true, false>(configs, &b, cols, s);
            add_array<T, 4, true, true>(configs, &b, cols, s);
            add_array<T, 8, false, false>(configs, &b, cols, s);
            add_array<T, 8, false, true>(configs, &b, cols, s);
            add_array<T, 8, true, false>(configs, &b, cols, s);
            add_array<T, 8, true, true>(configs, &b, cols, s);
            add_array<T, 16, false, true>(configs, &b, cols, s);
            add_array<T, 16, true, true>(configs, &b, cols, s);
        }
    }
    long most_slots = 1;
    for (const Config &c : configs)
        most_slots = std::max(most_slots, c.slots);
    CUDA_CHECK(cudaMalloc(&b.partials, (size_t)most_slots * sizeof(float)));
    const std::string planned =
        plan.team > 0
            ? "team" + std::to_string(plan.team) + "_u" + std::to_string(BEST_UNROLL)
            : "split" + std::to_string(plan.parts) + "_u" + std::to_string(BEST_UNROLL) + "_gall";

    std::vector<unsigned char> cub_y(out_bytes), got(out_bytes);
    std::vector<Result> results;
    float cub_ms = 0.0f;
    for (const Config &c : configs) {
        const std::string what = where + " " + c.name;
        current_case = what;
        /* the lesson in the student edition, or one that refuses the shape */
        if (c.name == "lesson_best") {
            const int rc = launch_row_sum_best(&p);
            if (rc == WB_NOT_IMPLEMENTED || rc == WB_UNSUPPORTED) {
                printf("%s: %s\n", what.c_str(),
                       rc == WB_NOT_IMPLEMENTED ? "not implemented" : "unsupported shape");
                continue;
            }
            CUDA_CHECK(launcher_status(rc));
        }
        /* poisoned (NaN in every element type): an unwritten row cannot pass */
        CUDA_CHECK(cudaMemsetAsync(b.y, 0xff, out_bytes, s));
        const float ms = median_ms(timer, c.launch);
        CUDA_CHECK(cudaMemcpyAsync(got.data(), b.y, out_bytes, cudaMemcpyDeviceToHost, s));
        CUDA_CHECK(cudaStreamSynchronize(s));
        Result r{c.name, ms, bytes / ms / 1e6, 0.0, 0.0, c.name == planned};
        if (c.name == "cub") {
            cub_y = got;
            cub_ms = ms;
        } else {
            r.worst = compare_with_cub(dtype, got, cub_y, shape, what);
        }
        r.vs_cub = cub_ms / ms;
        results.push_back(r);
        if (tsv)
            fprintf(tsv, "%s\t%ld\t%ld\t%s\t%d\t%d\t%ld\t%ld\t%.5f\t%.1f\t%.4f\t%.3g\t%s\t%s\n",
                    wb_dtype_name(dtype), rows, cols, c.name.c_str(), c.team, c.unroll, c.parts,
                    c.grid, ms, r.gbps, r.vs_cub, r.worst, r.worst <= 1.0 ? "ok" : "MISMATCH",
                    r.planned ? "planned" : "");
    }
    current_case = "freeing a shape's buffers";
    CUDA_CHECK(cudaStreamSynchronize(s));
    CUDA_CHECK(cudaFree(b.x));
    CUDA_CHECK(cudaFree(b.y));
    CUDA_CHECK(cudaFree(b.partials));
    CUDA_CHECK(cudaFree(b.arrivals));
    if (b.lesson_ws)
        CUDA_CHECK(cudaFree(b.lesson_ws));
    return results;
}

/* ---- the table of one shape: a row per configuration, a column group per dtype */

struct Column {
    wb_dtype dtype;
    std::vector<Result> results;
};

static const Result *find_result(const Column &col, const std::string &config)
{
    for (const Result &r : col.results)
        if (r.config == config)
            return &r;
    return nullptr;
}

static void print_table(Shape shape, const std::vector<Column> &cols)
{
    printf("\n== %ldx%ld  (ms, GB/s, CUB's time / this one's; * the lesson's plan; "
           "! differs from CUB)\n",
           shape.rows, shape.cols);
    printf("%-26s", "config");
    for (const Column &c : cols)
        printf(" | %-23s", wb_dtype_name(c.dtype));
    printf("\n");
    std::vector<std::string> names; /* every configuration in order of first appearance */
    for (const Column &c : cols)
        for (const Result &r : c.results)
            if (std::find(names.begin(), names.end(), r.config) == names.end())
                names.push_back(r.config);
    for (const std::string &name : names) {
        printf("%-26s", name.c_str());
        for (const Column &c : cols) {
            const Result *r = find_result(c, name);
            if (!r)
                printf(" | %-23s", "-");
            else
                printf(" | %7.4f %5.0f %6.3fx%c%c", r->ms, r->gbps, r->vs_cub,
                       r->planned ? '*' : ' ', r->worst <= 1.0 ? ' ' : '!');
        }
        printf("\n");
    }
    for (const Column &c : cols) {
        const Result *fastest = nullptr, *lesson = find_result(c, "lesson_best");
        for (const Result &r : c.results)
            if (r.config != "cub" && r.config != "lesson_best" && (!fastest || r.ms < fastest->ms))
                fastest = &r;
        if (!fastest)
            continue;
        printf("%s: fastest %s at %.3fx CUB", wb_dtype_name(c.dtype), fastest->config.c_str(),
               fastest->vs_cub);
        if (lesson)
            printf("; lesson_best %.3fx CUB, %.3f of the fastest's speed", lesson->vs_cub,
                   fastest->ms / lesson->ms);
        printf("\n");
    }
    fflush(stdout);
}

static void write_sweep_provenance(FILE *f, const cudaDeviceProp &prop, int reps)
{
    write_provenance(
        f, prop, reps,
        "row_team_sweep: week 1 row sum mappings against CUB (bench/row_team_sweep.cu)");
    fprintf(f, "# gbps counts the input read once and the output written once; vs_cub is CUB's "
               "time over this one's; err_over_bound above 1 is a MISMATCH\n");
}

/* ---- main ---------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f, "usage: row_team_sweep [--reps N] [--out FILE.tsv] [--shape RxC]... "
               "[--dtype f32|f16|bf16]...\n"
               "Times CUB, the lesson's launch_row_sum_best and every team and split\n"
               "configuration of Week 1's row sum, and checks each output against CUB's.\n"
               "Defaults: shapes 8192x8192 32768x4096 4096x32768 65536x1024 1x268435456,\n"
               "all three dtypes, 25 repetitions; a TSV with provenance only with --out.\n");
}

int main(int argc, char **argv)
{
    SweepOptions o;
    const int status = parse_sweep_options(argc, argv, "row_team_sweep", usage, o);
    if (status >= 0)
        return status;
    const int reps = o.reps;
    const char *out_path = o.out_path;
    if (o.shapes.empty())
        o.shapes = {{8192, 8192}, {32768, 4096}, {4096, 32768}, {65536, 1024}, {1, 1L << 28}};
    const std::vector<Shape> &shapes = o.shapes;
    const std::vector<wb_dtype> &dtypes = o.dtypes;

    int device;
    cudaDeviceProp prop;
    if (!sweep_device(device, prop))
        return 0;
    Timer timer = make_timer(reps);

    write_sweep_provenance(stdout, prop, reps);
    FILE *tsv = nullptr;
    if (out_path) {
        tsv = open_sweep_tsv("row_team_sweep", out_path);
        if (!tsv)
            return 2;
        write_sweep_provenance(tsv, prop, reps);
        fprintf(tsv, "dtype\trows\tcols\tconfig\tteam\tunroll\tparts\tgrid\tms\tgbps\tvs_cub\t"
                     "err_over_bound\tstatus\tplan\n");
    }

    for (Shape shape : shapes) {
        std::vector<Column> columns;
        for (wb_dtype d : dtypes) {
            Column c{d, {}};
            if (d == WB_F32)
                c.results = sweep_shape<float>(timer, shape, d, prop.multiProcessorCount, tsv);
            else if (d == WB_F16)
                c.results = sweep_shape<__half>(timer, shape, d, prop.multiProcessorCount, tsv);
            else
                c.results =
                    sweep_shape<__nv_bfloat16>(timer, shape, d, prop.multiProcessorCount, tsv);
            columns.push_back(c);
            if (tsv)
                fflush(tsv);
        }
        print_table(shape, columns);
    }
    if (tsv && fclose(tsv) != 0) {
        fprintf(stderr, "row_team_sweep: writing %s failed\n", out_path);
        return 2;
    }
    if (out_path)
        printf("\nwrote %s\n", out_path);
    if (any_mismatch)
        printf("MISMATCH: some configurations differ from CUB beyond the bound (see above)\n");
    return any_mismatch ? 1 : 0;
}
