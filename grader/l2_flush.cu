/* l2_flush.cu: the L2 flush of l2_flush.h. */
#include <stdint.h>

#include "l2_flush.h"

/* zeros over p[0, n) as 16-byte stores with an evict_last L2 policy (sm_80
 * on; before it there are no cache policies, and a plain store is the hint) */
__global__ void store_zeros_evict_last(uint4 *p, size_t n)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    uint64_t policy;
    asm volatile("createpolicy.fractional.L2::evict_last.b64 %0, 1.0;" : "=l"(policy));
#endif
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
        asm volatile("st.global.L2::cache_hint.v4.u32 [%0], {%1, %1, %1, %1}, %2;" ::"l"(p + i),
                     "r"(0u), "l"(policy)
                     : "memory");
#else
        p[i] = make_uint4(0u, 0u, 0u, 0u);
#endif
    }
}

extern "C" cudaError_t wb_l2_flush(void *buf, size_t bytes, cudaStream_t s)
{
    const size_t packs = bytes / sizeof(uint4);
    const unsigned threads = 256, blocks = 4096; /* a few blocks an SM, each striding */
    store_zeros_evict_last<<<blocks, threads, 0, s>>>(static_cast<uint4 *>(buf), packs);
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess)
        return err;
    return cudaMemsetAsync(buf, 0, bytes, s);
}
