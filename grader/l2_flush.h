/* l2_flush.h: empty the L2 before a timed call, lines that a kernel marked
 * "evict last" included (timing.c calls it before every repetition). */
#ifndef WB_L2_FLUSH_H
#define WB_L2_FLUSH_H

#include <stddef.h>

#include <cuda_runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Overwrites buf (bytes of device memory, 16-byte aligned, at least twice
 * the L2) on stream s, twice. A plain write evicts the L2's normal lines but
 * not lines loaded or stored with an evict_last cache hint (PTX
 * createpolicy, Triton's eviction_policy="evict_last"): those outlast every
 * normal line, so a kernel that marks its input so would find it in the L2
 * on the next repetition. The first write therefore carries the same hint,
 * and as the newest evict_last lines it displaces the kernel's; the second,
 * plain, leaves normal lines behind, as a plain flush does. */
cudaError_t wb_l2_flush(void *buf, size_t bytes, cudaStream_t s);

#ifdef __cplusplus
}
#endif

#endif
