/* trusted_kernels.cu: the grader's own device code: deriving a launch's
 * inputs from its group's base input and checking them afterwards, filling
 * outputs with a poison pattern, and the read ceiling. Never the learner's: the symbol check keeps
 * lesson objects from calling these. */
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <stdint.h>
#include <string.h>

#include "cuda_check.h"
#include "trusted_kernels.h"

/* The launch shape of a line walk (element_rules.h): x across a line,
 * y across lines, each loop striding by the grid. A few thousand blocks in
 * all, and about WALK_PER_THREAD elements of a line a thread: a thread
 * pays a 64-bit remainder at the start of each line it walks, and a warp
 * one atomic per comparison, so one element a thread (a block per 256
 * elements of each line: 262144 blocks at 8192x8192) made these kernels
 * slower than the learner's. */
constexpr int WALK_THREADS = 256;
constexpr long WALK_PER_THREAD = 8, WALK_BLOCKS = 2048;

static dim3 walk_grid(wb_line_walk w)
{
    const long per_block = WALK_THREADS * WALK_PER_THREAD;
    long across = (w.len + per_block - 1) / per_block;
    across = across < 1 ? 1 : across > WALK_BLOCKS ? WALK_BLOCKS : across;
    long lines = WALK_BLOCKS / across;
    lines = lines > w.lines ? w.lines : lines;
    return dim3((unsigned)across, (unsigned)(lines < 1 ? 1 : lines));
}

/* The state of one thread's walk: its first position in every line, the
 * stride between its positions, and for a permuted position (a j + b) mod
 * rows at its first one and the step of that per stride. */
struct walker {
    long j0, stride, v0, step;
};

__device__ walker walker_for(wb_line_walk w, long a, long b, long rows)
{
    walker k;
    k.j0 = (long)blockIdx.x * blockDim.x + threadIdx.x;
    k.stride = (long)gridDim.x * blockDim.x;
    k.v0 = w.permuted_pos ? wb_permuted_row(k.j0, a, b, rows) : 0;
    k.step = w.permuted_pos ? (a * k.stride) % rows : 0;
    return k;
}

/* Calls visit(i, from) for each element i of a derived input that this
 * thread walks, `from` being its source in the base: the walk that both
 * deriving an input and checking it take. */
template <typename Visit>
__device__ void walk_derived(long rows, long cols, long a, long b, long rotate, Visit visit)
{
    wb_line_walk w = wb_walk_of(WB_LAYOUT_ELEMENTWISE, rows, cols, rows * cols);
    walker k = walker_for(w, a, b, rows);
    for (long line = blockIdx.y; line < w.lines; line += gridDim.y) {
        long base = wb_walk_line_base(WB_LAYOUT_ELEMENTWISE, rows, cols, a, b, rotate, line);
        for (long j = k.j0; j < w.len; j += k.stride)
            visit(line * w.len + j,
                  wb_walk_source(WB_LAYOUT_ELEMENTWISE, base, j, 0, rotate, cols));
    }
}

static dim3 derived_grid(long rows, long cols)
{
    return walk_grid(wb_walk_of(WB_LAYOUT_ELEMENTWISE, rows, cols, rows * cols));
}

/* The sign bits derived element i gets: negate's for all, and with flips
 * the type's sign bit for about half of them, chosen by SplitMix64's
 * finaliser of (flips, i) so that knowing some tells nothing of the rest. */
template <typename Bits> struct derived_signs {
    Bits negate, sign;
    uint64_t flips;
    __device__ Bits of(long i) const
    {
        if (!flips)
            return negate;
        uint64_t z = flips + (uint64_t)i * 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        return (Bits)(negate ^ (z >> 63 ? sign : (Bits)0));
    }
};

template <typename Bits> static derived_signs<Bits> signs_of(const wb_derivation *d)
{
    const Bits sign = (Bits)((Bits)1 << (8 * sizeof(Bits) - 1));
    return {d->negate ? sign : (Bits)0, sign, d->flips};
}

/* dst[i] = base[source of i] with its sign bits changed, on the raw bits: an
 * exact negation in float32, float16 and bfloat16. */
template <typename Bits>
__global__ void derive_kernel(Bits *dst, const Bits *src, long rows, long cols, long a, long b,
                              long rotate, derived_signs<Bits> signs)
{
    walk_derived(rows, cols, a, b, rotate,
                 [&](long i, long from) { dst[i] = src[from] ^ signs.of(i); });
}

/* The first element of `in` that is not the derivation of `base`. */
template <typename Bits>
__global__ void check_derived_kernel(const Bits *in, const Bits *base, long rows, long cols, long a,
                                     long b, long rotate, derived_signs<Bits> signs,
                                     unsigned long long *first)
{
    walk_derived(rows, cols, a, b, rotate, [&](long i, long from) {
        if (in[i] != (Bits)(base[from] ^ signs.of(i)))
            atomicMin(first, (unsigned long long)i);
    });
}

static unsigned grid_for(long n)
{
    long blocks = (n + 255) / 256;
    return (unsigned)(blocks > 65535 ? 65535 : blocks < 1 ? 1 : blocks);
}

extern "C" int wb_derive_input(void *dst, const void *src, size_t elem_size, long rows, long cols,
                               const wb_derivation *d, cudaStream_t stream)
{
    dim3 grid = derived_grid(rows, cols);
    if (elem_size == 4)
        derive_kernel<uint32_t>
            <<<grid, WALK_THREADS, 0, stream>>>((uint32_t *)dst, (const uint32_t *)src, rows, cols,
                                                d->a, d->b, d->rotate, signs_of<uint32_t>(d));
    else
        derive_kernel<uint16_t>
            <<<grid, WALK_THREADS, 0, stream>>>((uint16_t *)dst, (const uint16_t *)src, rows, cols,
                                                d->a, d->b, d->rotate, signs_of<uint16_t>(d));
    WB_CUDA(cudaGetLastError());
    return 0;
}

extern "C" int wb_check_derived(const void *in, const void *base, size_t elem_size, long rows,
                                long cols, const wb_derivation *d, cudaStream_t stream,
                                long *first_bad)
{
    static unsigned long long *first; /* one word, kept for the process */
    const unsigned long long none = ~0ull;
    unsigned long long found;
    dim3 grid = derived_grid(rows, cols);
    if (!first)
        WB_CUDA(cudaMalloc((void **)&first, sizeof *first));
    WB_CUDA(cudaMemcpyAsync(first, &none, sizeof none, cudaMemcpyHostToDevice, stream));
    if (elem_size == 4)
        check_derived_kernel<uint32_t><<<grid, WALK_THREADS, 0, stream>>>(
            (const uint32_t *)in, (const uint32_t *)base, rows, cols, d->a, d->b, d->rotate,
            signs_of<uint32_t>(d), first);
    else
        check_derived_kernel<uint16_t><<<grid, WALK_THREADS, 0, stream>>>(
            (const uint16_t *)in, (const uint16_t *)base, rows, cols, d->a, d->b, d->rotate,
            signs_of<uint16_t>(d), first);
    WB_CUDA(cudaGetLastError());
    WB_CUDA(cudaMemcpyAsync(&found, first, sizeof found, cudaMemcpyDeviceToHost, stream));
    WB_CUDA(cudaStreamSynchronize(stream));
    *first_bad = found == none ? -1 : (long)found;
    return 0;
}

__global__ void fill_words(uint32_t *dst, size_t words, uint32_t pattern)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < words;
         i += (size_t)gridDim.x * blockDim.x)
        dst[i] = pattern;
}

__global__ void fill_tail(unsigned char *dst, size_t bytes, uint32_t pattern)
{
    size_t i = threadIdx.x;
    if (i < bytes)
        dst[i] = (unsigned char)(pattern >> (8 * (i % 4)));
}

extern "C" int wb_fill_pattern(void *dst, size_t bytes, uint32_t pattern, cudaStream_t stream)
{
    size_t words = bytes / 4;
    if (words)
        fill_words<<<grid_for((long)words), 256, 0, stream>>>((uint32_t *)dst, words, pattern);
    if (bytes % 4) /* a 16-bit array of odd length */
        fill_tail<<<1, 32, 0, stream>>>((unsigned char *)dst + 4 * words, bytes % 4, pattern);
    WB_CUDA(cudaGetLastError());
    return 0;
}

/* What the comparison kernel accumulates: bad elements, and the largest
 * finite error as the bits of a non-negative double (whose order is the
 * order of the bits). */
struct compare_tally {
    unsigned long long bad, max_error_bits;
};

template <typename Bits, int IsBf16> __device__ double load_element(const Bits *got, long i)
{
    Bits v = got[i];
    if (sizeof(Bits) == 4)
        return (double)__uint_as_float((uint32_t)v);
    __half_raw hr;
    hr.x = (unsigned short)v;
    __nv_bfloat16_raw br;
    br.x = (unsigned short)v;
    return IsBf16 ? (double)__bfloat162float(__nv_bfloat16(br)) : (double)__half2float(__half(hr));
}

/* sums[0] += the elements, sums[1] += their magnitudes, in double: each
 * thread over its stride, then its warp, then one atomic a warp */
template <typename Bits, int IsBf16>
__global__ void sum_kernel(const Bits *in, long n, double *sums)
{
    double s = 0.0, a = 0.0;
    for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long)gridDim.x * blockDim.x) {
        double v = load_element<Bits, IsBf16>(in, i);
        s += v;
        a += fabs(v);
    }
    for (int o = 16; o > 0; o /= 2) {
        s += __shfl_down_sync(0xffffffffu, s, o);
        a += __shfl_down_sync(0xffffffffu, a, o);
    }
    if (threadIdx.x % 32 == 0) {
        atomicAdd(&sums[0], s);
        atomicAdd(&sums[1], a);
    }
}

extern "C" int wb_sum_on_device(const void *in, wb_dtype dtype, long n, cudaStream_t stream,
                                double *sum, double *sum_abs)
{
    static double *sums; /* two words, kept for the process */
    double got[2];
    if (!sums)
        WB_CUDA(cudaMalloc((void **)&sums, 2 * sizeof *sums));
    WB_CUDA(cudaMemsetAsync(sums, 0, 2 * sizeof *sums, stream));
    unsigned grid = (unsigned)WALK_BLOCKS;
    if (dtype == WB_F32)
        sum_kernel<uint32_t, 0><<<grid, WALK_THREADS, 0, stream>>>((const uint32_t *)in, n, sums);
    else if (dtype == WB_F16)
        sum_kernel<uint16_t, 0><<<grid, WALK_THREADS, 0, stream>>>((const uint16_t *)in, n, sums);
    else
        sum_kernel<uint16_t, 1><<<grid, WALK_THREADS, 0, stream>>>((const uint16_t *)in, n, sums);
    WB_CUDA(cudaGetLastError());
    WB_CUDA(cudaMemcpyAsync(got, sums, sizeof got, cudaMemcpyDeviceToHost, stream));
    WB_CUDA(cudaStreamSynchronize(stream));
    *sum = got[0];
    *sum_abs = got[1];
    return 0;
}

template <typename Bits, int IsBf16>
__global__ void compare_kernel(const Bits *got, const double *want, const double *bound, long n,
                               int mapped, wb_layout layout, long rows, long cols, long a, long b,
                               long rotate, int negate, Bits poison, compare_tally *tally)
{
    unsigned long long bad = 0;
    double worst = 0.0;
    /* unmapped: one line of n, each element its own source */
    wb_line_walk w = wb_walk_of(mapped ? layout : WB_LAYOUT_ALL_REDUCE, rows, cols, n);
    walker k = walker_for(w, a, b, rows);
    for (long line = blockIdx.y; line < w.lines; line += gridDim.y) {
        long base = mapped ? wb_walk_line_base(layout, rows, cols, a, b, rotate, line) : 0;
        long v = k.v0;
        for (long j = k.j0; j < w.len; j += k.stride) {
            long i = line * w.len + j;
            long from = mapped ? wb_walk_source(layout, base, j, v, rotate, cols) : i;
            if (w.permuted_pos)
                v = wb_permuted_row_step(v, k.step, rows);
            double want_i = negate ? -want[from] : want[from];
            double allowed = bound ? bound[from] : 0.0;
            double err = 0.0;
            if (wb_element_category(load_element<Bits, IsBf16>(got, i), want_i, allowed,
                                    got[i] == poison, &err) != WB_CAT_NONE)
                bad++;
            if (err > worst)
                worst = err;
        }
    }
    for (int offset = 16; offset > 0; offset /= 2) {
        bad += __shfl_down_sync(0xffffffffu, bad, offset);
        double other = __shfl_down_sync(0xffffffffu, worst, offset);
        worst = other > worst ? other : worst;
    }
    if ((threadIdx.x & 31) == 0) {
        if (bad)
            atomicAdd(&tally->bad, bad);
        atomicMax(&tally->max_error_bits, (unsigned long long)__double_as_longlong(worst));
    }
}

extern "C" int wb_compare_on_device(wb_dtype dtype, const void *got, const double *want,
                                    const double *bound, long n, const wb_derivation *der,
                                    wb_layout layout, long rows, long cols, uint32_t poison,
                                    cudaStream_t stream, long *bad_count, double *max_error)
{
    static compare_tally *tally; /* kept for the process, like wb_check_derived's word */
    compare_tally found = {0, 0};
    if (!tally)
        WB_CUDA(cudaMalloc((void **)&tally, sizeof *tally));
    WB_CUDA(cudaMemcpyAsync(tally, &found, sizeof found, cudaMemcpyHostToDevice, stream));
    wb_derivation id = {1, 0, 0, 0, 0, 0.0, 0.0};
    const wb_derivation *d = der ? der : &id;
    int mapped = der != NULL;
    if (n > 0) {
        dim3 blocks = walk_grid(wb_walk_of(mapped ? layout : WB_LAYOUT_ALL_REDUCE, rows, cols, n));
        if (dtype == WB_F32)
            compare_kernel<uint32_t, 0><<<blocks, WALK_THREADS, 0, stream>>>(
                (const uint32_t *)got, want, bound, n, mapped, layout, rows, cols, d->a, d->b,
                d->rotate, d->negate, poison, tally);
        else if (dtype == WB_F16)
            compare_kernel<uint16_t, 0><<<blocks, WALK_THREADS, 0, stream>>>(
                (const uint16_t *)got, want, bound, n, mapped, layout, rows, cols, d->a, d->b,
                d->rotate, d->negate, (uint16_t)poison, tally);
        else
            compare_kernel<uint16_t, 1><<<blocks, WALK_THREADS, 0, stream>>>(
                (const uint16_t *)got, want, bound, n, mapped, layout, rows, cols, d->a, d->b,
                d->rotate, d->negate, (uint16_t)poison, tally);
        WB_CUDA(cudaGetLastError());
    }
    WB_CUDA(cudaMemcpyAsync(&found, tally, sizeof found, cudaMemcpyDeviceToHost, stream));
    WB_CUDA(cudaStreamSynchronize(stream));
    *bad_count = (long)found.bad;
    memcpy(max_error, &found.max_error_bits, sizeof *max_error);
    return 0;
}

/* Reads 16 bytes a thread a step, and writes one word per block only when
 * the sum is impossible, so the compiler keeps the reads and nothing is
 * written in practice. */
__global__ void read_only(const uint4 *src, size_t n, unsigned *sink)
{
    unsigned acc = 0;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x) {
        uint4 v = __ldg(&src[i]);
        acc ^= v.x ^ v.y ^ v.z ^ v.w;
    }
    if (acc == 0x9e3779b9u)
        sink[blockIdx.x] = acc;
}

extern "C" int wb_measure_read_ceiling(double *gbps)
{
    size_t bytes = (size_t)1 << 30;
    void *buf;
    unsigned *sink;
    cudaEvent_t start, stop;
    float times[20];
    int dev, sms;
    WB_CUDA(cudaGetDevice(&dev));
    WB_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev));
    WB_CUDA(cudaMalloc(&buf, bytes));
    WB_CUDA(cudaMalloc((void **)&sink, 4096 * sizeof(unsigned)));
    WB_CUDA(cudaMemset(buf, 1, bytes));
    WB_CUDA(cudaEventCreate(&start));
    WB_CUDA(cudaEventCreate(&stop));
    unsigned blocks = (unsigned)(sms * 8 < 4096 ? sms * 8 : 4096);
    for (int i = 0; i < 23; i++) {
        WB_CUDA(cudaEventRecord(start, 0));
        read_only<<<blocks, 512>>>((const uint4 *)buf, bytes / 16, sink);
        WB_CUDA(cudaEventRecord(stop, 0));
        WB_CUDA(cudaEventSynchronize(stop));
        if (i >= 3) /* warm-up first */
            WB_CUDA(cudaEventElapsedTime(&times[i - 3], start, stop));
    }
    /* the fastest of the repetitions: a ceiling, not a typical time */
    float best = times[0];
    for (int i = 1; i < 20; i++)
        best = times[i] < best ? times[i] : best;
    *gbps = (double)bytes / ((double)best * 1e-3) / 1e9;
    WB_CUDA(cudaEventDestroy(start));
    WB_CUDA(cudaEventDestroy(stop));
    WB_CUDA(cudaFree(buf));
    WB_CUDA(cudaFree(sink));
    return 0;
}
