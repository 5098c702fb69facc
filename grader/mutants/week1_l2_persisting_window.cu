// expect: forbidden_call
// shapes: 2048x4096
// dtypes: f32
// flags: --time
// class: a speed above physics
// incident: karpathy/llm.c PR 851 (a persisting L2 window that survives the flush: 4x HBM peak)
/* Mutant for Week 1: a right row sum that keeps its input in L2 across
 * calls. It sets aside L2 for persisting lines with the driver's
 * cuCtxSetLimit, found by name in libcuda's symbol table (libcuda_symbol.h),
 * since the symbol check refuses cudaDeviceSetLimit; then it launches with
 * an access-policy window over x (a launch attribute of cudaLaunchKernelEx,
 * no stream attribute). Persisting lines survive the grader's L2 flush, so
 * a 32 MiB input is read from L2 on every timed repetition. Without the
 * set-aside the window does nothing (the grader resets it to 0 before
 * timing), so the limit has to be set on every call, and the run-time guard
 * sees cuCtxSetLimit before any speed is measured. */
#include <cuda.h>

#include <algorithm>

#include "bank.cuh"
#include "libcuda_symbol.h"

namespace
{

template <class T> __global__ void row_sum(const T *x, T *y, long cols)
{
    const T *row = x + (size_t)blockIdx.x * cols;
    float acc = 0.0f;
    for (long j = threadIdx.x; j < cols; j += blockDim.x)
        acc += bank::to_float(row[j]);
    acc = bank::block_allreduce(acc, bank::Sum());
    if (threadIdx.x == 0)
        y[blockIdx.x] = bank::from_float<T>(acc);
}

using set_context_limit = CUresult (*)(CUlimit, size_t);

/* The window over x, in as much L2 as may persist. */
cudaError_t persisting_window(const wb_problem *p, cudaLaunchAttribute *window)
{
    static auto set_limit = (set_context_limit)libcuda_symbol("cuCtxSetLimit");
    int persisting = 0, widest = 0;
    cudaError_t err = bank::device_attribute(cudaDevAttrMaxPersistingL2CacheSize, &persisting);
    if (err == cudaSuccess)
        err = bank::device_attribute(cudaDevAttrMaxAccessPolicyWindowSize, &widest);
    if (err != cudaSuccess)
        return err;
    if (!set_limit ||
        set_limit(CU_LIMIT_PERSISTING_L2_CACHE_SIZE, (size_t)persisting) != CUDA_SUCCESS)
        return cudaErrorUnknown; /* BUG: the limit a launcher must not touch, by another name */
    size_t bytes = std::min(bank::elements(p) * (p->dtype == WB_F32 ? 4 : 2), (size_t)widest);
    window->id = cudaLaunchAttributeAccessPolicyWindow;
    window->val.accessPolicyWindow.base_ptr = const_cast<void *>(p->in[0]);
    window->val.accessPolicyWindow.num_bytes = bytes;
    window->val.accessPolicyWindow.hitRatio = std::min(1.0f, (float)persisting / (float)bytes);
    window->val.accessPolicyWindow.hitProp = cudaAccessPropertyPersisting;
    window->val.accessPolicyWindow.missProp = cudaAccessPropertyStreaming;
    return cudaSuccess;
}

} // namespace

static int launch(const wb_problem *p)
{
    if (p->rows > 0x7fffffffL)
        return WB_UNSUPPORTED;
    cudaLaunchAttribute window;
    cudaError_t err = persisting_window(p, &window);
    if (err != cudaSuccess)
        return (int)err;
    cudaLaunchConfig_t config = {};
    config.gridDim = dim3((unsigned)p->rows);
    config.blockDim = dim3(bank::kThreads);
    config.stream = p->stream;
    config.attrs = &window;
    config.numAttrs = 1;
    return bank::by_element_type(p->dtype, [p, &config](auto element) {
        using T = decltype(element);
        return (int)cudaLaunchKernelEx(&config, row_sum<T>, (const T *)p->in[0], (T *)p->y,
                                       p->cols);
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"row_sum_persisting", "row_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: keeps x in persisting L2 lines, the limit set through the driver"}};
extern "C" const int wb_lesson_variant_count = 1;
