/* softmax_sweep.cu: how should Week 2's softmax spread a row over threads? A
 * maintainer's measuring tool, not part of the grader.
 *
 * The lesson's launchers fix a few numbers: the block size of the two-pass
 * kernels, the direction of the online kernel's normalising pass, the packs a
 * thread of the single-read and pipelined kernels holds, and for
 * softmax_on_chip and softmax_backward_single_read the rules of plan_row:
 * when a warp takes a row, how many elements a thread keeps in registers, the
 * block and cluster sizes, and when the rest of a row goes to shared memory
 * (kOnChipRules, kBackwardRules, kOnChipExpKept, kOnChipParts).
 * This sweep times the alternatives, in one process on one GPU, on each shape
 * and element type, forward and backward:
 *
 *   copy                   cudaMemcpyAsync of the input: the ceiling, as in the grader
 *   lesson_NAME            the lesson's launchers, as tangled; lesson_on_chip and
 *                          lesson_bwd_single_read name the configuration their plan chose
 *   online_bB_fwd|bwd      softmax_online, a block of B threads per row, the normalising
 *                          pass forwards or backwards (rows longer than a warp's share)
 *   single_eE_bB_cC        softmax_single_read, E elements a thread, C blocks of B threads
 *   pipe_eE_bB_cC, pipe_eE_warp
 *                          softmax_pipelined, as many row groups as the GPU holds at once
 *   chip_warp_eE_bB        softmax_on_chip, a warp per row, E elements a lane, B threads a
 *                          block (B / 32 rows; 32, 128 and 256)
 *   chip_eE_sS_bB_cC       softmax_on_chip, E elements a thread in registers and S in
 *                          shared memory, C blocks of B threads per row (a cluster when
 *                          C > 1; past 8 a non-portable size)
 *   ..._twice              the same with e^(x - m) computed again at the write (ExpKept::recomputed);
 *                          without a suffix it is kept in registers only (in_registers)
 *   ..._inplace            kept in registers and, rounded to the element type, over x in
 *                          its shared slot (ExpKept::in_place)
 *   ..._inplace_pP         the same, the shared slots in P parts, each exponentiated as
 *                          soon as its copies land (PARTS); a plan with no shared slots
 *                          has neither suffix: they would change nothing
 *   ..._checked            a plain row (aligned, whole packs, every register pack filled)
 *                          launched as any other, bounds checked; without the suffix a plain
 *                          row takes the lesson's plain instantiation
 *   ..._kept               backward: the floats unpacked for the dot product kept for the
 *                          write (UNPACK_AGAIN false)
 *   bwd_warp_eE_bB, bwd_eE_sS_bB_cC
 *                          softmax_backward_single_read, E (S) elements of dy and of y each
 *
 * Timing is the grader's (bench/sweep_common.h) with a fixed count of
 * repetitions. GB/s counts the minimum traffic: input read once and output
 * written once forward, dy and y read once and dx written once backward;
 * pct_copy is that rate over the copy's. Every output is compared on the
 * device with the first lesson launcher's (lesson_safe forward,
 * lesson_bwd_fused backward) within the dtype's rounding: a difference beyond
 * it prints MISMATCH and the exit status is 1. The output is poisoned (NaN)
 * before each configuration. A configuration this GPU cannot launch (no
 * clusters, too little shared memory, a cluster size it cannot place) is
 * listed as skipped, with the reason.
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

template <class T> __global__ void fill_inputs(T *x, long n, uint32_t seed)
{
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n;
         i += (long)gridDim.x * blockDim.x) {
        uint32_t h = ((uint32_t)i * 0x9e3779b9u) ^ (uint32_t)(i >> 32) ^ seed;
        h ^= h >> 16; /* murmur3's finaliser: every bit of i moves the value */
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        x[i] = from_float<T>(((float)(h >> 8) * (1.0f / 16777216.0f) - 0.5f) * 8.0f);
    }
}

/* The largest |got - want| / tolerance over n elements, as the bits of a
 * float in *worst (non-negative floats order like their bits); NaN counts as
 * infinity. The tolerance: rel |want| + scale_rel |scale| (the backward's y,
 * which multiplies the dot product's rounding) + floor. */
template <class T>
__global__ void worst_ratio(const T *got, const T *want, const T *scale, long n, float rel,
                            float scale_rel, float floor, unsigned *worst)
{
    float w = 0.0f;
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n;
         i += (long)gridDim.x * blockDim.x) {
        const float r = to_float(want[i]), d = fabsf(to_float(got[i]) - r);
        float tol = rel * fabsf(r) + floor;
        if (scale)
            tol += scale_rel * fabsf(to_float(scale[i]));
        if (!(d <= tol))
            w = fmaxf(w, isnan(d) ? INFINITY : d / tol);
    }
    w = warp_allreduce(w, MaxOp());
    if (threadIdx.x % kWarp == 0)
        atomicMax(worst, __float_as_uint(w));
}

struct Config {
    std::string name;
    std::function<cudaError_t()> launch;
};

static cudaError_t status_of(int rc)
{
    if (rc == WB_OK)
        return cudaSuccess;
    if (rc == WB_NOT_IMPLEMENTED)
        return cudaErrorNotYetImplemented;
    return rc > 0 ? (cudaError_t)rc : cudaErrorNotSupported;
}

static long packs_of(const wb_problem *p, int vec)
{
    return (p->cols + vec - 1) / vec;
}

/* ---- variants 1 to 5: the alternatives their launch rules were chosen from ---- */

template <class T, int VEC> static void add_online(std::vector<Config> &out, const wb_problem *p)
{
    if (packs_of(p, VEC) <= 2 * kBatch * kWarp)
        return; /* a warp's share: the lesson gives it a warp, no block size to choose */
    const T *x = static_cast<const T *>(p->in[0]);
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
    const long packs = packs_of(p, VEC);
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

/* softmax_pipelined: E elements a thread, C blocks of B threads per row group, the
 * grid as large as the GPU holds at once; rows of a warp's share get a warp */
template <class T, int VEC, int PACKS>
static void add_pipelined(std::vector<Config> &out, const wb_problem *p, bool clusters)
{
    const long packs = packs_of(p, VEC);
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

/* ---- softmax_on_chip and the backward single read: the choices of plan_row ---------------------------------- */

/* where a configuration keeps e^(x - mt) for the write, and in how many
 * parts it takes its shared slots, as a name's suffix; with no shared slots
 * (sp 0, and every warp per row) both change nothing and are left out */
static std::string kept_suffix(const RowPlan &plan, ExpKept kept, int parts)
{
    if (kept == ExpKept::recomputed)
        return "_twice";
    if (plan.sp == 0 || kept == ExpKept::in_registers)
        return "";
    return parts > 1 ? "_inplace_p" + std::to_string(parts) : "_inplace";
}

/* the sweep's name of a plan: prefix_warp_eE_bB or prefix_eE_sS_bB_cC, in elements */
static std::string plan_name(const std::string &prefix, const RowPlan &plan, int vec, int rp)
{
    if (plan.map == RowMap::warp)
        return prefix + "_warp_e" + std::to_string(plan.lane_packs * vec) + "_b" +
               std::to_string(plan.block);
    return prefix + "_e" + std::to_string(rp * vec) + "_s" + std::to_string(plan.sp * vec) + "_b" +
           std::to_string(plan.block) + "_c" + std::to_string(plan.cluster);
}

/* Launches one configuration of softmax_on_chip (INPUTS 1) or
 * softmax_backward_single_read (INPUTS 2); PLAIN rows (plain_row) check no
 * bounds; AGAIN, backward only: the write unpacks dy and y again. */
template <class T, int VEC, int RP, RowMap MAP, ExpKept KEEP, int PARTS, int INPUTS, bool PLAIN,
          bool AGAIN>
static cudaError_t launch_on_chip_config(const wb_problem *p, const RowPlan &plan)
{
    const T *x = static_cast<const T *>(p->in[0]), *x2 = static_cast<const T *>(p->in[1]);
    T *y = static_cast<T *>(p->y);
    const int cols = (int)p->cols;
    if constexpr (INPUTS == 1)
        return status_of(launch_planned<softmax_on_chip<T, VEC, RP, MAP, KEEP, PARTS, PLAIN>>(
            p, plan, 1, x, y, p->rows, cols, plan.sp));
    else
        return status_of(
            launch_planned<softmax_backward_single_read<T, VEC, RP, MAP, PLAIN, AGAIN>>(
                p, plan, 2, x, x2, y, p->rows, cols, plan.sp));
}

/* a plan, as the lesson launches it (plain where the row is), and the other
 * choices: with bounds checks on a plain row ("_checked"), and for the
 * backward with the unpacked floats kept for the write ("_kept") */
template <class T, int VEC, int RP, ExpKept KEEP, int PARTS, int INPUTS, bool PLAIN = false,
          bool AGAIN = true>
static void add_plan_as(std::vector<Config> &out, const wb_problem *p, const std::string &prefix,
                        const RowPlan &plan, const std::string &suffix);

template <class T, int VEC, int RP, ExpKept KEEP, int PARTS, int INPUTS>
static void add_plan(std::vector<Config> &out, const wb_problem *p, const std::string &prefix,
                     const RowPlan &plan)
{
    if (plan.map == RowMap::cluster || !plain_row(p, plan, VEC, RP)) {
        add_plan_as<T, VEC, RP, KEEP, PARTS, INPUTS>(out, p, prefix, plan, "");
        if constexpr (INPUTS == 2)
            add_plan_as<T, VEC, RP, KEEP, PARTS, INPUTS, false, false>(out, p, prefix, plan,
                                                                       "_kept");
        return;
    }
    add_plan_as<T, VEC, RP, KEEP, PARTS, INPUTS, true>(out, p, prefix, plan, "");
    add_plan_as<T, VEC, RP, KEEP, PARTS, INPUTS>(out, p, prefix, plan, "_checked");
    if constexpr (INPUTS == 2)
        add_plan_as<T, VEC, RP, KEEP, PARTS, INPUTS, true, false>(out, p, prefix, plan, "_kept");
}

template <class T, int VEC, int RP, ExpKept KEEP, int PARTS, int INPUTS, bool PLAIN, bool AGAIN>
static void add_plan_as(std::vector<Config> &out, const wb_problem *p, const std::string &prefix,
                        const RowPlan &plan, const std::string &suffix)
{
    const std::string name =
        plan_name(prefix, plan, VEC, RP) + kept_suffix(plan, KEEP, PARTS) + suffix;
    for (const Config &c : out)
        if (c.name == name)
            return; /* two choices that came to the same plan */
    if (plan.map == RowMap::warp)
        out.push_back({name, [=] {
                           return launch_on_chip_config<T, VEC, RP, RowMap::warp, KEEP, PARTS,
                                                        INPUTS, PLAIN, AGAIN>(p, plan);
                       }});
    else if (plan.map == RowMap::block)
        out.push_back({name, [=] {
                           return launch_on_chip_config<T, VEC, RP, RowMap::block, KEEP, PARTS,
                                                        INPUTS, PLAIN, AGAIN>(p, plan);
                       }});
    else if constexpr (!PLAIN) /* clusters are never plain */
        out.push_back({name, [=] {
                           return launch_on_chip_config<T, VEC, RP, RowMap::cluster, KEEP, PARTS,
                                                        INPUTS, PLAIN, AGAIN>(p, plan);
                       }});
}

/* a warp per row, LANE packs a lane: blocks of one warp, 128 and 256 threads */
template <class T, int VEC, int LANE, ExpKept KEEP, int PARTS, int INPUTS>
static void add_warp_plans(std::vector<Config> &out, const wb_problem *p, const std::string &prefix)
{
    const long packs = packs_of(p, VEC);
    if (packs > LANE * kWarp || (LANE > 1 && packs <= LANE / 2 * kWarp))
        return; /* not the fewest packs a lane that hold the row */
    for (unsigned b : {(unsigned)kWarp, 128u, (unsigned)kWarpBlockThreads})
        add_plan<T, VEC, LANE, KEEP, PARTS, INPUTS>(out, p, prefix, {RowMap::warp, LANE, b, 1, 0});
}

/* RP packs a thread in registers: for blocks of 128 to 512 threads, the
 * fewest blocks that hold the row in registers alone, and the smaller
 * clusters (1, 2, 4, 8) that hold it with up to three times as much again in
 * shared memory */
template <class T, int VEC, int RP, ExpKept KEEP, int PARTS, int INPUTS>
static void add_block_plans(std::vector<Config> &out, const wb_problem *p,
                            const std::string &prefix, bool clusters)
{
    const long packs = packs_of(p, VEC);
    const long threads = threads_for(packs, RP);
    for (long b : {128L, 256L, 512L}) {
        const long fewest = (threads + b - 1) / b; /* blocks, registers alone */
        if (fewest <= kMaxClusterBlocksNonPortable && (fewest == 1 || clusters)) {
            const long block = threads_for(threads, (int)fewest); /* shared evenly */
            const RowMap map = fewest == 1 ? RowMap::block : RowMap::cluster;
            add_plan<T, VEC, RP, KEEP, PARTS, INPUTS>(
                out, p, prefix, {map, 0, (unsigned)block, (unsigned)fewest, 0});
        }
        for (long c : {1L, 2L, 4L, 8L}) {
            if (c >= fewest || (c > 1 && !clusters))
                continue;
            const long sp = (packs + b * c - 1) / (b * c) - RP;
            if (sp <= 0 || sp > 3 * RP)
                continue;
            const RowMap map = c == 1 ? RowMap::block : RowMap::cluster;
            add_plan<T, VEC, RP, KEEP, PARTS, INPUTS>(out, p, prefix,
                                                      {map, 0, (unsigned)b, (unsigned)c, (int)sp});
        }
    }
}

template <class T, int VEC>
static void add_on_chip(std::vector<Config> &out, const wb_problem *p, bool clusters)
{
    constexpr int E32 = 32 / VEC; /* packs a thread: one pack, 8, 16, 32 and 64 elements */
    add_warp_plans<T, VEC, 1, ExpKept::in_registers, 1, 1>(out, p, "chip");
    add_warp_plans<T, VEC, 2, ExpKept::in_registers, 1, 1>(out, p, "chip");
    add_warp_plans<T, VEC, 4, ExpKept::in_registers, 1, 1>(out, p, "chip");
    add_warp_plans<T, VEC, 8, ExpKept::in_registers, 1, 1>(out, p, "chip");
    add_warp_plans<T, VEC, 4, ExpKept::recomputed, 1, 1>(out, p, "chip"); /* the 1024-column rows */
    add_warp_plans<T, VEC, 8, ExpKept::recomputed, 1, 1>(out, p, "chip");
    if constexpr (E32 / 4 > 1) /* one pack a thread: many threads a row, as Triton does */
        add_block_plans<T, VEC, 1, ExpKept::in_registers, 1, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32 / 4, ExpKept::in_registers, 1, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32 / 2, ExpKept::in_registers, 1, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32, ExpKept::in_registers, 1, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32 * 2, ExpKept::in_registers, 1, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32, ExpKept::recomputed, 1, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32, ExpKept::in_place, 1, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32 * 2, ExpKept::in_place, 1, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32, ExpKept::in_place, 2, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32, ExpKept::in_place, 3, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32, ExpKept::in_place, 4, 1>(out, p, "chip", clusters);
    add_block_plans<T, VEC, E32 * 2, ExpKept::in_place, 2, 1>(out, p, "chip", clusters);
}

template <class T, int VEC>
static void add_backward_single_read(std::vector<Config> &out, const wb_problem *p, bool clusters)
{
    constexpr int E16 =
        16 / VEC; /* packs of each input a thread: one pack, 8, 16 and 32 elements */
    add_warp_plans<T, VEC, 1, ExpKept::in_registers, 1, 2>(out, p, "bwd");
    add_warp_plans<T, VEC, 2, ExpKept::in_registers, 1, 2>(out, p, "bwd");
    add_warp_plans<T, VEC, 4, ExpKept::in_registers, 1, 2>(out, p, "bwd");
    add_warp_plans<T, VEC, 8, ExpKept::in_registers, 1, 2>(out, p, "bwd");
    if constexpr (E16 >= 4)
        add_block_plans<T, VEC, 1, ExpKept::in_registers, 1, 2>(out, p, "bwd", clusters);
    if constexpr (E16 >= 2)
        add_block_plans<T, VEC, E16 / 2, ExpKept::in_registers, 1, 2>(out, p, "bwd", clusters);
    add_block_plans<T, VEC, E16, ExpKept::in_registers, 1, 2>(out, p, "bwd", clusters);
    add_block_plans<T, VEC, E16 * 2, ExpKept::in_registers, 1, 2>(out, p, "bwd", clusters);
}

/* ---- timing, checking, printing --------------------------------------------------- */

/* what one op of one shape compares with: the reference output and its tolerance */
struct Check {
    const void *want;
    const void *scale; /* the backward's y, else nullptr */
    float rel, scale_rel, floor;
};

static Check tolerance_of(wb_dtype d, const void *want, const void *scale)
{
    /* float32: the two kernels' roundings, a relative 1e-5; 16-bit: two units in
     * the last place of the output; the backward adds |y| times its dot
     * product's rounding, summed in another order */
    const float rel = d == WB_F32 ? 1e-5f : d == WB_F16 ? 2.0f / 1024 : 2.0f / 128;
    const float floor = d == WB_F32 ? 1e-12f : d == WB_F16 ? 1.2e-7f : 1e-30f;
    return {want, scale, rel, scale ? 1e-4f : 0.0f, floor};
}

static bool any_mismatch = false;

struct Result {
    std::string name, status; /* "ok", "MISMATCH" or "skipped: why" */
    float ms;
    double worst; /* largest difference from the reference over its tolerance */
};

template <class T>
static double worst_of(const Timer &timer, const T *got, size_t n, const Check &c, unsigned *worst)
{
    CUDA_CHECK(cudaMemsetAsync(worst, 0, sizeof *worst, timer.stream));
    worst_ratio<T><<<1024, 256, 0, timer.stream>>>(got, static_cast<const T *>(c.want),
                                                   static_cast<const T *>(c.scale), (long)n, c.rel,
                                                   c.scale_rel, c.floor, worst);
    CUDA_CHECK(cudaGetLastError());
    unsigned bits = 0;
    CUDA_CHECK(cudaMemcpy(&bits, worst, sizeof bits, cudaMemcpyDeviceToHost));
    float w;
    memcpy(&w, &bits, sizeof w);
    return w;
}

/* Runs each configuration once into `out` (poisoned first) and checks it against
 * the reference, which the first configuration writes; then times it. */
template <class T>
static std::vector<Result> run_configs(const Timer &timer, const std::vector<Config> &configs,
                                       T *out, T *reference, size_t n, Check check, unsigned *worst,
                                       const std::string &what)
{
    std::vector<Result> results;
    bool have_reference = false;
    for (const Config &c : configs) {
        current_case = what + " " + c.name;
        CUDA_CHECK(cudaMemsetAsync(out, 0xff, n * sizeof(T), timer.stream)); /* NaN */
        const cudaError_t launched = c.launch();
        if (launched != cudaSuccess) {
            (void)cudaGetLastError(); /* a launch that was refused leaves no sticky error */
            results.push_back(
                {c.name, std::string("skipped: ") + cudaGetErrorName(launched), NAN, 0});
            continue;
        }
        CUDA_CHECK(cudaStreamSynchronize(timer.stream));
        double w = 0;
        if (!have_reference) {
            CUDA_CHECK(cudaMemcpyAsync(reference, out, n * sizeof(T), cudaMemcpyDeviceToDevice,
                                       timer.stream));
            have_reference = true;
        } else {
            w = worst_of(timer, out, n, check, worst);
        }
        results.push_back({c.name, w > 1 ? "MISMATCH" : "ok", median_ms(timer, c.launch), w});
        any_mismatch |= w > 1;
    }
    return results;
}

static void print_results(std::vector<Result> results, const char *op, const std::string &what,
                          wb_dtype dtype, Shape shape, double bytes, double copy_gbps, FILE *tsv)
{
    float best_lesson = INFINITY;
    for (const Result &r : results)
        if (r.name.rfind("lesson_", 0) == 0 && r.status != "MISMATCH" && !std::isnan(r.ms))
            best_lesson = std::min(best_lesson, r.ms);
    std::stable_sort(results.begin(), results.end(), [](const Result &a, const Result &b) {
        return std::isnan(b.ms) ? !std::isnan(a.ms) : a.ms < b.ms;
    });
    printf("\n%s %s (copy %.0f GB/s)\n", op, what.c_str(), copy_gbps);
    printf("  %-40s %9s %8s %7s %8s\n", "config", "ms", "GB/s", "%copy", "vs_best");
    for (const Result &r : results) {
        const double gbps = bytes / r.ms / 1e6;
        if (std::isnan(r.ms))
            printf("  %-40s  %s\n", r.name.c_str(), r.status.c_str());
        else
            printf("  %-40s %9.4f %8.0f %6.1f%% %7.3fx%s\n", r.name.c_str(), r.ms, gbps,
                   100.0 * gbps / copy_gbps, best_lesson / r.ms,
                   r.status == "ok" ? "" : "  MISMATCH");
        if (tsv)
            fprintf(tsv, "%s\t%ld\t%ld\t%s\t%s\t%.5f\t%.1f\t%.2f\t%.4f\t%.3g\t%s\n",
                    wb_dtype_name(dtype), shape.rows, shape.cols, op, r.name.c_str(), r.ms, gbps,
                    100.0 * gbps / copy_gbps, best_lesson / r.ms, r.worst, r.status.c_str());
    }
}

template <class T, int VEC>
static void sweep_shape(const Timer &timer, Shape shape, wb_dtype dtype, bool clusters, FILE *tsv)
{
    const size_t n = (size_t)shape.rows * (size_t)shape.cols;
    char what_c[96];
    snprintf(what_c, sizeof what_c, "%s %ldx%ld", wb_dtype_name(dtype), shape.rows, shape.cols);
    const std::string what = what_c;
    current_case = what + " allocating buffers";
    /* x, then y = softmax(x), the forward's reference and the backward's y;
     * dy; out, every configuration's output; dx_want, the backward's reference */
    T *x = nullptr, *y = nullptr, *dy = nullptr, *out = nullptr, *dx_want = nullptr;
    unsigned *worst = nullptr;
    CUDA_CHECK(cudaMalloc(&x, n * sizeof(T)));
    CUDA_CHECK(cudaMalloc(&y, n * sizeof(T)));
    CUDA_CHECK(cudaMalloc(&dy, n * sizeof(T)));
    CUDA_CHECK(cudaMalloc(&out, n * sizeof(T)));
    CUDA_CHECK(cudaMalloc(&dx_want, n * sizeof(T)));
    CUDA_CHECK(cudaMalloc(&worst, sizeof *worst));
    fill_inputs<T><<<1024, 256, 0, timer.stream>>>(x, (long)n, 0u);
    fill_inputs<T><<<1024, 256, 0, timer.stream>>>(dy, (long)n, 0x5bd1e995u);
    CUDA_CHECK(cudaGetLastError());

    wb_problem p{};
    p.in[0] = x;
    p.y = out;
    p.rows = shape.rows;
    p.cols = shape.cols;
    p.dtype = dtype;
    p.stream = timer.stream;
    const wb_problem *pp = &p;

    /* the ceiling: a copy of the input, bytes read plus bytes written */
    current_case = what + " copy";
    const float copy_ms = median_ms(timer, [=] {
        return cudaMemcpyAsync(out, x, n * sizeof(T), cudaMemcpyDeviceToDevice, timer.stream);
    });
    const double copy_gbps = 2.0 * (double)n * sizeof(T) / copy_ms / 1e6;
    if (tsv)
        fprintf(tsv, "%s\t%ld\t%ld\tcopy\tcopy\t%.5f\t%.1f\t100.00\t\t0\tok\n",
                wb_dtype_name(dtype), shape.rows, shape.cols, copy_ms, copy_gbps);

    /* forward */
    std::vector<Config> forward = {
        {"lesson_safe", [=] { return status_of(launch_softmax_safe(pp)); }},
        {"lesson_online", [=] { return status_of(launch_softmax_online(pp)); }},
    };
    if (shape.cols <= WEEK2_SINGLE_READ_MAX_COLS) {
        forward.push_back(
            {"lesson_single_read", [=] { return status_of(launch_softmax_single_read(pp)); }});
        forward.push_back(
            {"lesson_pipelined", [=] { return status_of(launch_softmax_pipelined(pp)); }});
    }
    if (shape.cols <= WEEK2_ON_CHIP_MAX_COLS) {
        const RowPlan plan = plan_row(packs_of(pp, VEC), VEC, kOnChipRules);
        const std::string chose = plan_name("chip", plan, VEC, kOnChipRules.elements / VEC) +
                                  kept_suffix(plan, kOnChipExpKept, kOnChipParts<T>);
        forward.push_back(
            {"lesson_on_chip=" + chose, [=] { return status_of(launch_softmax_on_chip(pp)); }});
    }
    add_online<T, VEC>(forward, pp);
    add_single<T, VEC, 16 / VEC>(forward, pp, clusters);
    add_single<T, VEC, 32 / VEC>(forward, pp, clusters);
    if (shape.cols <= WEEK2_SINGLE_READ_MAX_COLS) {
        add_pipelined<T, VEC, 2>(forward, pp, clusters);
        add_pipelined<T, VEC, 4>(forward, pp, clusters);
        add_pipelined<T, VEC, 8>(forward, pp, clusters);
    }
    if (shape.cols <= WEEK2_ON_CHIP_MAX_COLS)
        add_on_chip<T, VEC>(forward, pp, clusters);
    const std::vector<Result> fwd =
        run_configs(timer, forward, out, y, n, tolerance_of(dtype, y, nullptr), worst, what);
    print_results(fwd, "softmax", what, dtype, shape, 2.0 * (double)n * sizeof(T), copy_gbps, tsv);

    /* backward: dy, and y the forward's reference output */
    p.in[0] = dy;
    p.in[1] = y;
    std::vector<Config> backward = {
        {"lesson_bwd_fused", [=] { return status_of(launch_softmax_backward_fused(pp)); }},
    };
    if (shape.cols <= WEEK2_ON_CHIP_MAX_COLS) {
        const RowPlan plan = plan_row(packs_of(pp, VEC), VEC, kBackwardRules);
        backward.push_back(
            {"lesson_bwd_single_read=" + plan_name("bwd", plan, VEC, kBackwardRules.elements / VEC),
             [=] { return status_of(launch_softmax_backward_single_read(pp)); }});
        add_backward_single_read<T, VEC>(backward, pp, clusters);
    }
    const std::vector<Result> bwd =
        run_configs(timer, backward, out, dx_want, n, tolerance_of(dtype, dx_want, y), worst, what);
    print_results(bwd, "softmax_backward", what, dtype, shape, 3.0 * (double)n * sizeof(T),
                  copy_gbps, tsv);

    current_case = what + " freeing buffers";
    for (void *b : {(void *)x, (void *)y, (void *)dy, (void *)out, (void *)dx_want, (void *)worst})
        CUDA_CHECK(cudaFree(b));
}

static void usage(FILE *f)
{
    fprintf(f, "usage: softmax_sweep [--reps N] [--out FILE.tsv] [--shape RxC]... "
               "[--dtype f32|f16|bf16]...\n"
               "Times Week 2's softmax launchers, forward and backward, against other block\n"
               "sizes, pass directions, packs a thread, thread block clusters and shares of\n"
               "shared memory, and checks every output against the first lesson launcher's.\n"
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
    Timer timer = make_timer(reps);

    const char *title = "softmax_sweep: week 2 softmax mappings (bench/softmax_sweep.cu)";
    write_provenance(stdout, prop, reps, title);
    FILE *tsv = nullptr;
    if (out_path) {
        tsv = open_sweep_tsv("softmax_sweep", out_path);
        if (!tsv)
            return 2;
        write_provenance(tsv, prop, reps, title);
        fprintf(tsv, "# gbps counts the minimum traffic (forward: x read, y written; backward: "
                     "dy and y read, dx written); pct_copy is gbps over the copy's; vs_best the "
                     "best lesson launcher's time over this one's; worst the largest difference "
                     "from the reference over its tolerance\n");
        fprintf(tsv, "dtype\trows\tcols\top\tconfig\tms\tgbps\tpct_copy\tvs_best\tworst\tstatus\n");
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
        printf("MISMATCH: some configurations differ from the reference (see above)\n");
    return any_mismatch ? 1 : 0;
}
