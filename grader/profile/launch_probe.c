/* launch_probe.c: which kernels does each variant's launcher launch, and what
 * does it return? Runs without a GPU.
 *
 * Linked with one week's lesson object (nvcc -c tangled/weekN/weekN.cu) instead
 * of the CUDA runtime: the few runtime entry points a lesson calls are defined
 * here. Kernel registration records each kernel's device name; a launch
 * records that name instead of running anything; device queries answer as an
 * H200 would. For every variant, dtype and a handful of shapes it prints
 *
 *     variant<TAB>dtype<TAB>ROWSxCOLS[+skewed]<TAB>return code<TAB>kernel kernel ...
 *
 * (+skewed: the inputs 4 bytes off the outputs' 16-byte alignment).
 * ci/tests/student_edition.sh compares the full and the student edition with
 * it: a variant whose kernels changed must return WB_NOT_IMPLEMENTED (-2) in
 * the student edition, and every other variant must launch what it launched
 * before. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cuda_runtime_api.h>

#include "wb.h"

#define MAX_KERNELS  512
#define MAX_LAUNCHES 64

static struct {
    const void *host;
    const char *name;
} kernels[MAX_KERNELS];
static int n_kernels;
static const char *launched[MAX_LAUNCHES];
static int n_launched;

static const char *kernel_name(const void *host)
{
    for (int i = 0; i < n_kernels; i++)
        if (kernels[i].host == host)
            return kernels[i].name;
    return "(unregistered)";
}

/* ---- the runtime's registration and launch entry points ------------------ */

static void *fake_handle[4];

void **__cudaRegisterFatBinary(void *fatbin)
{
    (void)fatbin;
    return fake_handle;
}
void __cudaRegisterFatBinaryEnd(void **h)
{
    (void)h;
}
void __cudaUnregisterFatBinary(void **h)
{
    (void)h;
}
char __cudaInitModule(void **h)
{
    (void)h;
    return 1;
}

void __cudaRegisterFunction(void **h, const char *host_fun, char *device_fun,
                            const char *device_name, int thread_limit, uint3 *tid, uint3 *bid,
                            dim3 *bdim, dim3 *gdim, int *wsize)
{
    (void)h, (void)device_name, (void)thread_limit, (void)tid, (void)bid, (void)bdim, (void)gdim,
        (void)wsize;
    if (n_kernels < MAX_KERNELS) {
        kernels[n_kernels].host = host_fun;
        kernels[n_kernels].name = device_fun;
        n_kernels++;
    }
}

cudaError_t __cudaGetKernel(cudaKernel_t *k, const void *fun)
{
    *k = (cudaKernel_t)fun;
    return cudaSuccess;
}

static dim3 cfg_grid, cfg_block;
static size_t cfg_shared;
static void *cfg_stream;

unsigned __cudaPushCallConfiguration(dim3 grid, dim3 block, size_t shared, void *stream)
{
    cfg_grid = grid, cfg_block = block, cfg_shared = shared, cfg_stream = stream;
    return 0;
}
cudaError_t __cudaPopCallConfiguration(dim3 *grid, dim3 *block, size_t *shared, void *stream)
{
    *grid = cfg_grid, *block = cfg_block, *shared = cfg_shared;
    *(void **)stream = cfg_stream;
    return cudaSuccess;
}

static cudaError_t record_launch(cudaKernel_t k)
{
    if (n_launched < MAX_LAUNCHES)
        launched[n_launched++] = kernel_name((const void *)k);
    return cudaSuccess;
}
cudaError_t __cudaLaunchKernel(cudaKernel_t k, dim3 g, dim3 b, void **args, size_t shared,
                               cudaStream_t s)
{
    (void)g, (void)b, (void)args, (void)shared, (void)s;
    return record_launch(k);
}
cudaError_t __cudaLaunchKernel_ptsz(cudaKernel_t k, dim3 g, dim3 b, void **args, size_t shared,
                                    cudaStream_t s)
{
    (void)g, (void)b, (void)args, (void)shared, (void)s;
    return record_launch(k);
}
cudaError_t cudaLaunchKernel(const void *f, dim3 g, dim3 b, void **args, size_t shared,
                             cudaStream_t s)
{
    (void)g, (void)b, (void)args, (void)shared, (void)s;
    return record_launch((cudaKernel_t)f);
}

/* cudaLaunchKernelEx: launches with attributes (a thread block cluster's size) */
cudaError_t cudaLaunchKernelExC(const cudaLaunchConfig_t *config, const void *f, void **args)
{
    (void)config, (void)args;
    return record_launch((cudaKernel_t)f);
}

/* ---- device queries: an H200 ------------------------------------------------ */

cudaError_t cudaGetLastError(void)
{
    return cudaSuccess;
}
cudaError_t cudaPeekAtLastError(void)
{
    return cudaSuccess;
}
cudaError_t cudaGetDevice(int *d)
{
    *d = 0;
    return cudaSuccess;
}
cudaError_t cudaDeviceGetAttribute(int *v, enum cudaDeviceAttr attr, int device)
{
    (void)device;
    switch (attr) {
    case cudaDevAttrMultiProcessorCount:
        *v = 132;
        break;
    case cudaDevAttrMaxThreadsPerMultiProcessor:
        *v = 2048;
        break;
    case cudaDevAttrMaxThreadsPerBlock:
        *v = 1024;
        break;
    case cudaDevAttrMaxSharedMemoryPerBlock:
        *v = 49152;
        break;
    case cudaDevAttrMaxSharedMemoryPerMultiprocessor:
        *v = 233472;
        break;
    case cudaDevAttrL2CacheSize:
        *v = 62914560;
        break;
    case cudaDevAttrWarpSize:
        *v = 32;
        break;
    case cudaDevAttrComputeCapabilityMajor:
        *v = 9;
        break;
    case cudaDevAttrComputeCapabilityMinor:
        *v = 0;
        break;
    default:
        *v = 1;
        break;
    }
    return cudaSuccess;
}
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *n, const void *f, int block,
                                                                   size_t shared, unsigned flags)
{
    (void)f, (void)shared, (void)flags;
    *n = block > 0 ? 2048 / block : 1;
    return cudaSuccess;
}
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *n, const void *f, int block,
                                                          size_t shared)
{
    return cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(n, f, block, shared, 0);
}
/* clusters that fit at once: one block per SM, in clusters that a GPC of 16 SMs holds */
cudaError_t cudaOccupancyMaxActiveClusters(int *n, const void *f, const cudaLaunchConfig_t *config)
{
    (void)f;
    unsigned cluster = 1;
    for (unsigned i = 0; i < config->numAttrs; i++)
        if (config->attrs[i].id == cudaLaunchAttributeClusterDimension)
            cluster = config->attrs[i].val.clusterDim.x;
    *n = cluster > 0 && cluster <= 16 ? 8 * (16 / (int)cluster) : 0;
    return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void *p, int v, size_t n, cudaStream_t s)
{
    (void)p, (void)v, (void)n, (void)s;
    return cudaSuccess;
}
cudaError_t cudaFuncSetAttribute(const void *f, enum cudaFuncAttribute a, int v)
{
    (void)f, (void)a, (void)v;
    return cudaSuccess;
}

/* ---- the probe ---------------------------------------------------------------- */

int main(void)
{
    static const char *dtype_name[] = {"f32", "f16", "bf16"};
    /* small, odd and ragged shapes, rows of every power of two a launch rule
     * may switch at, and every week's benchmark shapes */
    static const long shapes[][2] = {
        {1, 1},        {33, 65},       {255, 257},    {1000, 1000},  {4096, 4096}, {1000, 64},
        {1000, 128},   {1000, 256},    {1000, 512},   {1000, 2048},  {100, 16384}, {7, 30000},
        {2, 40000},    {2, 131072},    {8192, 1024},  {8192, 4096},  {8192, 8192}, {32768, 4096},
        {4096, 32768}, {1024, 131072}, {65536, 1024}, {1, 1L << 24}, {1, 1L << 28}};
    /* fake device addresses, 256-byte aligned, never dereferenced here */
    char *base = (char *)(uintptr_t)0x7f0000000000ull;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int v = 0; v < wb_lesson_variant_count; v++) {
        const wb_variant *var = &wb_lesson_variants[v];
        for (int d = 0; d < WB_DTYPE_COUNT; d++) {
            if (!(var->dtypes & WB_DT(d)))
                continue;
            /* skew 1: inputs 4 bytes off the outputs' alignment, so that a
             * launcher's fallback for unaligned rows runs too */
            for (int skew = 0; skew < 2; skew++)
                for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
                    long rows = shapes[s][0], cols = shapes[s][1];
                    if (var->max_cols && cols > var->max_cols)
                        continue;
                    wb_problem p;
                    memset(&p, 0, sizeof p);
                    p.dtype = (wb_dtype)d;
                    p.rows = rows, p.cols = cols;
                    for (int k = 0; k < WB_MAX_INPUTS; k++)
                        p.in[k] = base + ((unsigned long long)k << 36) + 4 * skew;
                    p.y = base + (3ull << 36);
                    p.workspace = NULL;
                    p.workspace_bytes = var->workspace ? var->workspace(&p) : 0;
                    if (p.workspace_bytes)
                        p.workspace = base + (4ull << 36);
                    n_launched = 0;
                    int rc = var->launch(&p);
                    printf("%s\t%s\t%ldx%ld%s\t%d\t", var->name, dtype_name[d], rows, cols,
                           skew ? "+skewed" : "", rc);
                    for (int k = 0; k < n_launched; k++)
                        printf("%s%s", k ? " " : "", launched[k]);
                    printf("\n");
                }
        }
    }
    return 0;
}
