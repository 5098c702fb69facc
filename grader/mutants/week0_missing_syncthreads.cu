// expect: wrong|unwritten|nan
// shapes: 8192x8192
/* Mutant for Week 0: the tiled transpose without the __syncthreads() between
 * filling the tile and reading it. A warp reads tile elements another warp
 * has not stored yet: it gets whatever an earlier block (or kernel) left in
 * that shared memory. That is a wrong value, or bytes that happen to equal
 * the poison (0xFF: the verdict is then "unwritten"), or a NaN; which one
 * depends on what ran before on the SM, so all three are accepted. */
#include <cstdint>

#include "wb.h"

__global__ void transpose_no_barrier(const uint32_t *x, uint32_t *y, int rows, int cols)
{
    __shared__ uint32_t tile[32][33];
    int c = blockIdx.x * 32 + threadIdx.x, r0 = blockIdx.y * 32 + threadIdx.y;
    for (int k = 0; k < 32; k += 8)
        if (r0 + k < rows && c < cols)
            tile[threadIdx.y + k][threadIdx.x] = x[(size_t)(r0 + k) * cols + c];
    /* the barrier belongs here */
    int oc = blockIdx.y * 32 + threadIdx.x, or0 = blockIdx.x * 32 + threadIdx.y;
    for (int k = 0; k < 32; k += 8)
        if (or0 + k < cols && oc < rows)
            y[(size_t)(or0 + k) * rows + oc] = tile[threadIdx.x][threadIdx.y + k];
}

static int launch(const wb_problem *p)
{
    dim3 grid((unsigned)((p->cols + 31) / 32), (unsigned)((p->rows + 31) / 32));
    transpose_no_barrier<<<grid, dim3(32, 8), 0, p->stream>>>(
        (const uint32_t *)p->x, (uint32_t *)p->y, (int)p->rows, (int)p->cols);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {{"transpose_no_barrier", "transpose", launch,
                                                     WB_DT(WB_F32), 0, NULL,
                                                     "mutant: no __syncthreads"}};
extern "C" const int wb_lesson_variant_count = 1;
