/* softmax_sweep.cu: how should Week 2's softmax spread a row over threads? A
 * maintainer's measuring tool, not part of the grader.
 *
 * The lesson's launchers fix a few numbers: the block size of the two-pass
 * kernels (about one batch of kBatch packs per thread, at most 1024 threads),
 * the direction of the online kernel's normalising pass, and for the
 * single-read kernel the elements each thread holds (kSingleReadElements) and
 * how many threads a block gets before a row is spread over a thread block
 * cluster (kSingleReadBlock). This sweep times the alternatives, in one process
 * on one GPU, on each shape and element type:
 *
 *   copy                   cudaMemcpyAsync of the input: the ceiling, as in the grader
 *   lesson_safe, lesson_online, lesson_single_read
 *                          the lesson's launchers, as tangled
 *   online_bB_fwd|bwd      softmax_online, a block of B threads per row, the normalising
 *                          pass forwards or backwards (rows longer than a warp's share)
 *   single_eE_bB_cC        softmax_single_read, E elements a thread, C blocks of B threads
 *                          per row (a cluster when C > 1; Hopper and later)
 *   lesson_pipelined, pipe_eE_bB_cC, pipe_eE_warp
 *                          softmax_pipelined (variant 5): the lesson's launcher, then E
 *                          elements a thread in C blocks of B threads or in a warp per row
 *                          group, as many groups as the GPU holds at once
 *
 * Timing is the grader's (bench/sweep_common.h) with a fixed count of
 * repetitions. GB/s counts the input read once and the output written once.
 * Every output is compared with lesson_safe's, element by element, within
 * the dtype's rounding (a relative 1e-5 in float32, two units in the last
 * place in float16 and bfloat16): a difference beyond it prints MISMATCH and
 * the exit status is 1. The output is poisoned (NaN) before each
 * configuration.
 *
 *   build/bench/softmax_sweep [--reps N] [--out FILE.tsv] [--shape RxC]... [--dtype D]...
 *
 * `make sweep-softmax` builds and runs it (SWEEP_ARGS= passes options). Exit
 * status: 0 all outputs agreed (or "skipped: no CUDA device"), 1 a mismatch,
 * 2 a CUDA error or a bad argument. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "sweep_common.h"

/* The lesson's kernels and launchers, compiled into this program so that the
 * sweep can instantiate them with other parameters. */
#include "../tangled/week2/week2.cu"

template <class T> __global__ void fill_inputs(T *x, long n)
{
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n;
         i += (long)gridDim.x * blockDim.x) {
        uint32_t h = ((uint32_t)i * 0x9e3779b9u) ^ (uint32_t)(i >> 32);
        h ^= h >> 16; /* murmur3's finaliser: every bit of i moves the value */
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        x[i] = from_float<T>(((float)(h >> 8) * (1.0f / 16777216.0f) - 0.5f) * 8.0f);
    }
}

struct Config {
    std::string name;
    std::function<cudaError_t()> launch;
};

struct Result {
    std::string name;
    float ms;
    double worst; /* largest difference from lesson_safe over its tolerance */
};

static cudaError_t status_of(int rc)
{
    if (rc == WB_OK)
        return cudaSuccess;
    return rc > 0 ? (cudaError_t)rc : cudaErrorNotSupported;
}

template <class T, int VEC> static void add_online(std::vector<Config> &out, const wb_problem *p)
{
    const long packs = (p->cols + VEC - 1) / VEC;
    if (packs <= 2 * kBatch * kWarp)
        return; /* a warp's share: the lesson gives it a warp, no block size to choose */
    const T *x = static_cast<const T *>(p->x);
    T *y = static_cast<T *>(p->y);
    for (unsigned b : {128u, 256u, 512u, 1024u}) {
        out.push_back({"online_b" + std::to_string(b) + "_fwd", [=] {
                           softmax_online<T, VEC, RowMap::block, false>
                               <<<(unsigned)p->rows, b, 0, p->stream>>>(x, y, p->rows,
                                                                        (int)p->cols);
                           return cudaGetLastError();
                       }});
        out.push_back({"online_b" + std::to_string(b) + "_bwd", [=] {
                           softmax_online<T, VEC, RowMap::block, true>
                               <<<(unsigned)p->rows, b, 0, p->stream>>>(x, y, p->rows,
                                                                        (int)p->cols);
                           return cudaGetLastError();
                       }});
    }
}

/* E elements a thread (PACKS packs of VEC), C blocks of B threads a row */
template <class T, int VEC, int PACKS>
static void add_single(std::vector<Config> &out, const wb_problem *p, bool clusters)
{
    const long packs = (p->cols + VEC - 1) / VEC;
    if (packs <= 8 * kWarp)
        return; /* a warp's share */
    for (long b : {128L, 256L, 512L, 1024L}) {
        const long c = (packs + b * PACKS - 1) / (b * PACKS);
        if (c > kMaxClusterBlocks || (c > 1 && !clusters) || c * b * PACKS >= 2 * packs)
            continue; /* does not fit, or half the threads would idle */
        std::string name = "single_e" + std::to_string(PACKS * VEC) + "_b" + std::to_string(b) +
                           "_c" + std::to_string(c);
        if (c == 1)
            out.push_back({name, [=] {
                               return status_of(single_read_with<T, VEC, PACKS, RowMap::block>(
                                   p, (unsigned)p->rows, (unsigned)b));
                           }});
        else
            out.push_back({name, [=] {
                               return status_of(single_read_clustered<T, VEC, PACKS>(p, (unsigned)c,
                                                                                     (unsigned)b));
                           }});
    }
}

/* variant 5: E elements a thread, C blocks of B threads per row group, the
 * grid as large as the GPU holds at once; rows of a warp's share get a warp */
template <class T, int VEC, int PACKS>
static void add_pipelined(std::vector<Config> &out, const wb_problem *p, bool clusters)
{
    const long packs = (p->cols + VEC - 1) / VEC;
    const std::string e = "pipe_e" + std::to_string(PACKS * VEC);
    if (packs <= PACKS * kWarp) {
        if (packs > PACKS / 2 * kWarp) /* the fewest packs a lane that hold the row */
            out.push_back({e + "_warp", [=] {
                               return status_of(pipelined_with<T, VEC, PACKS, RowMap::warp>(
                                   p, kWarpBlockThreads));
                           }});
        return;
    }
    for (long b : {128L, 256L, 512L}) {
        const long c = (packs + b * PACKS - 1) / (b * PACKS);
        if (c > kMaxClusterBlocks || (c > 1 && !clusters) || c * b * PACKS >= 2 * packs)
            continue;
        std::string name = e + "_b" + std::to_string(b) + "_c" + std::to_string(c);
        if (c == 1)
            out.push_back({name, [=] {
                               return status_of(
                                   pipelined_with<T, VEC, PACKS, RowMap::block>(p, (unsigned)b));
                           }});
        else
            out.push_back({name, [=] {
                               return status_of(pipelined_with<T, VEC, PACKS, RowMap::cluster>(
                                   p, (unsigned)b, (unsigned)c));
                           }});
    }
}

/* tolerance of one output element against lesson_safe's */
static double tolerance(wb_dtype d, double ref)
{
    if (d == WB_F32)
        return 1e-5 * fabs(ref) + 1e-12;
    const double ulp = d == WB_F16 ? 1.0 / 1024 : 1.0 / 128;
    return 2 * ulp * fabs(ref) + (d == WB_F16 ? 1.2e-7 : 1e-30);
}

static double worst_difference(wb_dtype d, const std::vector<float> &got,
                               const std::vector<float> &want)
{
    double worst = 0;
    for (size_t i = 0; i < got.size(); i++) {
        double diff = fabs((double)got[i] - (double)want[i]);
        if (!(diff <= tolerance(d, want[i]))) /* NaN too */
            worst = std::max(worst, std::isnan(diff) ? INFINITY : diff / tolerance(d, want[i]));
    }
    return worst;
}

template <class T> static std::vector<float> read_output(const T *y, size_t n)
{
    std::vector<T> raw(n);
    CUDA_CHECK(cudaMemcpy(raw.data(), y, n * sizeof(T), cudaMemcpyDeviceToHost));
    std::vector<float> out(n);
    for (size_t i = 0; i < n; i++) {
        if constexpr (std::is_same_v<T, float>)
            out[i] = raw[i];
        else if constexpr (std::is_same_v<T, __half>)
            out[i] = __half2float(raw[i]);
        else
            out[i] = __bfloat162float(raw[i]);
    }
    return out;
}

static bool any_mismatch = false;

template <class T, int VEC>
static void sweep_shape(const Timer &timer, Shape shape, wb_dtype dtype, bool clusters, FILE *tsv)
{
    const size_t n = (size_t)shape.rows * (size_t)shape.cols;
    T *x = nullptr, *y = nullptr;
    char what[96];
    snprintf(what, sizeof what, "%s %ldx%ld", wb_dtype_name(dtype), shape.rows, shape.cols);
    current_case = what;
    CUDA_CHECK(cudaMalloc(&x, n * sizeof(T)));
    CUDA_CHECK(cudaMalloc(&y, n * sizeof(T)));
    fill_inputs<T><<<1024, 256, 0, timer.stream>>>(x, (long)n);
    CUDA_CHECK(cudaGetLastError());

    wb_problem p{};
    p.x = x;
    p.y = y;
    p.rows = shape.rows;
    p.cols = shape.cols;
    p.dtype = dtype;
    p.stream = timer.stream;
    const wb_problem *pp = &p;

    std::vector<Config> configs = {
        {"copy",
         [=] {
             return cudaMemcpyAsync(y, x, n * sizeof(T), cudaMemcpyDeviceToDevice, timer.stream);
         }},
        {"lesson_safe", [=] { return status_of(launch_softmax_safe(pp)); }},
        {"lesson_online", [=] { return status_of(launch_softmax_online(pp)); }},
    };
    if (shape.cols <= WEEK2_SINGLE_READ_MAX_COLS)
        configs.push_back(
            {"lesson_single_read", [=] { return status_of(launch_softmax_single_read(pp)); }});
    add_online<T, VEC>(configs, pp);
    add_single<T, VEC, 16 / VEC>(configs, pp, clusters);
    add_single<T, VEC, 32 / VEC>(configs, pp, clusters);
    if (shape.cols <= WEEK2_SINGLE_READ_MAX_COLS) {
        configs.push_back(
            {"lesson_pipelined", [=] { return status_of(launch_softmax_pipelined(pp)); }});
        add_pipelined<T, VEC, 2>(configs, pp, clusters);
        add_pipelined<T, VEC, 4>(configs, pp, clusters);
        add_pipelined<T, VEC, 8>(configs, pp, clusters);
    }

    std::vector<float> want;
    std::vector<Result> results;
    for (const Config &c : configs) {
        current_case = std::string(what) + " " + c.name;
        CUDA_CHECK(cudaMemsetAsync(y, 0xff, n * sizeof(T), timer.stream)); /* NaN */
        CUDA_CHECK(c.launch());
        CUDA_CHECK(cudaStreamSynchronize(timer.stream));
        double worst = 0;
        if (c.name != "copy") {
            std::vector<float> got = read_output(y, n);
            if (want.empty())
                want = got; /* lesson_safe, the first softmax */
            else
                worst = worst_difference(dtype, got, want);
        }
        results.push_back({c.name, median_ms(timer, c.launch), worst});
    }
    const double bytes = 2.0 * (double)n * sizeof(T);
    const float copy_ms = results[0].ms;
    float best_lesson = INFINITY;
    for (const Result &r : results)
        if (r.name.rfind("lesson_", 0) == 0)
            best_lesson = std::min(best_lesson, r.ms);
    std::sort(results.begin() + 1, results.end(),
              [](const Result &a, const Result &b) { return a.ms < b.ms; });
    printf("\n%s (copy %.4f ms = %.0f GB/s)\n", what, copy_ms, bytes / copy_ms / 1e6);
    printf("  %-22s %9s %8s %7s %8s\n", "config", "ms", "GB/s", "%copy", "vs_best");
    for (const Result &r : results) {
        if (r.name == "copy")
            continue;
        const bool bad = r.worst > 1;
        any_mismatch |= bad;
        printf("  %-22s %9.4f %8.0f %6.1f%% %7.3fx%s\n", r.name.c_str(), r.ms, bytes / r.ms / 1e6,
               100.0 * copy_ms / r.ms, best_lesson / r.ms, bad ? "  MISMATCH" : "");
        if (tsv)
            fprintf(tsv, "%s\t%ld\t%ld\t%s\t%.5f\t%.1f\t%.2f\t%.4f\t%.3g\t%s\n",
                    wb_dtype_name(dtype), shape.rows, shape.cols, r.name.c_str(), r.ms,
                    bytes / r.ms / 1e6, 100.0 * copy_ms / r.ms, best_lesson / r.ms, r.worst,
                    bad ? "MISMATCH" : "ok");
    }
    current_case = std::string(what) + " freeing buffers";
    CUDA_CHECK(cudaFree(x));
    CUDA_CHECK(cudaFree(y));
}

static void usage(FILE *f)
{
    fprintf(f, "usage: softmax_sweep [--reps N] [--out FILE.tsv] [--shape RxC]... "
               "[--dtype f32|f16|bf16]...\n"
               "Times Week 2's softmax launchers against other block sizes, pass directions\n"
               "and thread block clusters, and checks every output against lesson_safe's.\n"
               "Defaults: the bench shapes 8192x1024 8192x4096 8192x8192 4096x32768\n"
               "1024x131072 65536x1024, all three dtypes, 25 repetitions.\n");
}

int main(int argc, char **argv)
{
    SweepOptions o;
    const int status = parse_sweep_options(argc, argv, "softmax_sweep", usage, o);
    if (status >= 0)
        return status;
    const int reps = o.reps;
    const char *out_path = o.out_path;
    if (o.shapes.empty())
        o.shapes = {{8192, 1024},  {8192, 4096},   {8192, 8192},
                    {4096, 32768}, {1024, 131072}, {65536, 1024}};
    const std::vector<Shape> &shapes = o.shapes;
    const std::vector<wb_dtype> &dtypes = o.dtypes;

    int device;
    cudaDeviceProp prop;
    if (!sweep_device(device, prop))
        return 0;
    int clusters = 0;
    CUDA_CHECK(cudaDeviceGetAttribute(&clusters, cudaDevAttrClusterLaunch, device));
    Timer timer = make_timer(prop, reps);

    const char *title = "softmax_sweep: week 2 softmax mappings (bench/softmax_sweep.cu)";
    write_provenance(stdout, prop, reps, title);
    FILE *tsv = nullptr;
    if (out_path) {
        tsv = open_sweep_tsv("softmax_sweep", out_path);
        if (!tsv)
            return 2;
        write_provenance(tsv, prop, reps, title);
        fprintf(tsv, "# gbps counts the input read once and the output written once; pct_copy "
                     "is the copy's time over this one's; vs_best the best lesson launcher's\n");
        fprintf(tsv, "dtype\trows\tcols\tconfig\tms\tgbps\tpct_copy\tvs_best\tworst\tstatus\n");
    }
    for (Shape shape : shapes)
        for (wb_dtype d : dtypes) {
            if (d == WB_F32)
                sweep_shape<float, 4>(timer, shape, d, clusters, tsv);
            else if (d == WB_F16)
                sweep_shape<__half, 8>(timer, shape, d, clusters, tsv);
            else
                sweep_shape<__nv_bfloat16, 8>(timer, shape, d, clusters, tsv);
            if (tsv)
                fflush(tsv);
        }
    if (tsv && fclose(tsv) != 0) {
        fprintf(stderr, "softmax_sweep: writing %s failed\n", out_path);
        return 2;
    }
    if (out_path)
        printf("\nwrote %s\n", out_path);
    if (any_mismatch)
        printf("MISMATCH: some configurations differ from lesson_safe (see above)\n");
    return any_mismatch ? 1 : 0;
}
