/* sweep_common.h: what the maintainers' sweeps in bench/ (row_team_sweep.cu,
 * softmax_sweep.cu) share: checked CUDA calls, the grader's way of timing, and a
 * provenance header. Header-only: each sweep is one program from one .cu file. */
#ifndef WB_SWEEP_COMMON_H
#define WB_SWEEP_COMMON_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <cuda_runtime.h>

extern "C" {
#include "cuda_check.h"
#include "dtype.h"
#include "timing.h"
}

/* ---- checked CUDA calls ---------------------------------------------------- */

static std::string current_case = "setup"; /* named in an error message */

static void check_cuda(cudaError_t err, const char *call, const char *file, int line)
{
    if (err == cudaSuccess)
        return;
    fprintf(stderr, "%s:%d: %s failed during %s: %s (%s)\n", file, line, call, current_case.c_str(),
            cudaGetErrorString(err), cudaGetErrorName(err));
    exit(2);
}
/* variadic: a call with template arguments holds commas */
#define CUDA_CHECK(...) check_cuda((__VA_ARGS__), #__VA_ARGS__, __FILE__, __LINE__)

/* ---- timing ----------------------------------------------------------------- */

/* The grader's own timing loop (grader/timing.c): CUDA events around the
 * launch only, three warm-up calls, persisting L2 reset, the L2 flushed
 * before every repetition, the median; with a fixed count of repetitions
 * (no time budget), so that every configuration gets the same count. */
struct Timer {
    cudaStream_t stream;
    int reps;
};

static Timer make_timer(int reps)
{
    Timer timer{};
    timer.reps = reps;
    CUDA_CHECK(cudaStreamCreate(&timer.stream));
    return timer;
}

/* The launch being timed: the loop calls a wb_launcher, and a sweep's
 * launches are closures, so one static thunk stands between them. */
static const std::function<cudaError_t()> *sweep_launch;

static int sweep_thunk(const wb_problem *)
{
    return (int)(*sweep_launch)();
}

/* Median milliseconds of timer.reps calls of launch() on timer.stream. */
static float median_ms(const Timer &timer, const std::function<cudaError_t()> &launch)
{
    wb_problem p{};
    p.stream = timer.stream;
    sweep_launch = &launch;
    wb_time_plan plan{};
    plan.launch = sweep_thunk;
    plan.p = &p;
    plan.budget_ms = 0.0;
    plan.min_reps = plan.max_reps = timer.reps;
    plan.warmup = 3;
    wb_timing t{};
    if (wb_time_loop(&plan, &t)) {
        fprintf(stderr, "sweep: timing failed: %s\n", wb_cuda_error);
        exit(1);
    }
    return (float)t.median_ms;
}

/* ---- provenance -------------------------------------------------------------------- */

/* The first line of a command's output, or "" (trailing newline removed). */
static std::string first_line_of(const char *command)
{
    std::string line;
    FILE *p = popen(command, "r");
    if (!p)
        return line;
    char buf[256];
    if (fgets(buf, sizeof buf, p)) {
        line = buf;
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' '))
            line.pop_back();
    }
    pclose(p);
    return line;
}

/* "# key<TAB>value" lines: the sweep, GPU, driver, commit, date, repetitions */
static void write_provenance(FILE *f, const cudaDeviceProp &prop, int reps, const char *title)
{
    int driver = 0, runtime = 0;
    CUDA_CHECK(cudaDriverGetVersion(&driver));
    CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
    /* the kernel driver's version ("580.159.04") as the grader reads it */
    std::string driver_string =
        first_line_of("nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null");
    const char *env_commit = getenv("WB_COMMIT");
    std::string commit = env_commit && *env_commit
                             ? env_commit
                             : first_line_of("git rev-parse --short=12 HEAD 2>/dev/null");
    char date[32];
    const time_t now = time(nullptr);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(f, "# %s\n", title);
    fprintf(f, "# gpu\t%s\n# cc\t%d.%d\n# sms\t%d\n# l2_bytes\t%d\n", prop.name, prop.major,
            prop.minor, prop.multiProcessorCount, prop.l2CacheSize);
    fprintf(f, "# driver\t%s\n# cuda_driver\t%d.%d\n# cuda_runtime\t%d.%d\n",
            driver_string.empty() ? "?" : driver_string.c_str(), driver / 1000, driver % 1000 / 10,
            runtime / 1000, runtime % 1000 / 10);
    fprintf(f, "# commit\t%s\n# date\t%s\n# reps\t%d (median; L2 flushed before each)\n",
            commit.empty() ? "unknown" : commit.c_str(), date, reps);
}

/* ---- the command line and the device ------------------------------------------- */

struct Shape {
    long rows, cols;
};

/* what every sweep takes: [--reps N] [--out FILE.tsv] [--shape RxC]... [--dtype D]... */
struct SweepOptions {
    int reps = 25;
    const char *out_path = nullptr;
    std::vector<Shape> shapes; /* empty: the sweep's defaults */
    std::vector<wb_dtype> dtypes;
};

/* -1 to go on, else the exit status: 0 after --help (usage on stdout), 2 after a
 * bad argument (said, on stderr, with the program's name) */
static int parse_sweep_options(int argc, char **argv, const char *name, void (*usage)(FILE *),
                               SweepOptions &o)
{
    for (int a = 1; a < argc; a++) {
        const bool has_value = a + 1 < argc;
        if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[a], "--reps") && has_value) {
            o.reps = atoi(argv[++a]);
        } else if (!strcmp(argv[a], "--out") && has_value) {
            o.out_path = argv[++a];
        } else if (!strcmp(argv[a], "--shape") && has_value) {
            Shape s{};
            if (sscanf(argv[++a], "%ldx%ld", &s.rows, &s.cols) != 2 || s.rows < 1 || s.cols < 1 ||
                s.rows > INT_MAX || s.cols > INT_MAX) {
                fprintf(stderr, "%s: --shape wants ROWSxCOLS, got %s\n", name, argv[a]);
                return 2;
            }
            o.shapes.push_back(s);
        } else if (!strcmp(argv[a], "--dtype") && has_value) {
            wb_dtype d;
            if (wb_dtype_parse(argv[++a], &d) != 0) {
                fprintf(stderr, "%s: --dtype wants f32, f16 or bf16, got %s\n", name, argv[a]);
                return 2;
            }
            o.dtypes.push_back(d);
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (o.reps < 1) {
        fprintf(stderr, "%s: --reps wants a positive count\n", name);
        return 2;
    }
    if (o.dtypes.empty())
        o.dtypes = {WB_F32, WB_F16, WB_BF16};
    return -1;
}

/* The current device and its properties; false, after saying "skipped: no CUDA
 * device", when there is none. */
static bool sweep_device(int &device, cudaDeviceProp &prop)
{
    int devices = 0;
    const cudaError_t probe = cudaGetDeviceCount(&devices);
    if (probe != cudaSuccess || devices == 0) {
        printf("skipped: no CUDA device (%s)\n",
               probe != cudaSuccess ? cudaGetErrorString(probe) : "none found");
        return false;
    }
    CUDA_CHECK(cudaGetDevice(&device));
    CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    return true;
}

/* --out's file, or nullptr after saying why it cannot be written */
static FILE *open_sweep_tsv(const char *name, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "%s: cannot write %s: %s\n", name, path, strerror(errno));
    return f;
}

#endif
