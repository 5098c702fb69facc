// expect: unwritten
// shapes: 255x257
/* Mutant for Week 0: the store's bounds check is one short (`< rows - 1`),
 * so the last column of y is never written: the poison is still there. */
#include <cstdint>

#include "wb.h"

__global__ void transpose_short_edge(const uint32_t *x, uint32_t *y, int rows, int cols)
{
    __shared__ uint32_t tile[32][33];
    int c = blockIdx.x * 32 + threadIdx.x, r0 = blockIdx.y * 32 + threadIdx.y;
    for (int k = 0; k < 32; k += 8)
        if (r0 + k < rows && c < cols)
            tile[threadIdx.y + k][threadIdx.x] = x[(size_t)(r0 + k) * cols + c];
    __syncthreads();
    int oc = blockIdx.y * 32 + threadIdx.x, or0 = blockIdx.x * 32 + threadIdx.y;
    for (int k = 0; k < 32; k += 8)
        if (or0 + k < cols && oc < rows - 1)
            y[(size_t)(or0 + k) * rows + oc] = tile[threadIdx.x][threadIdx.y + k];
}

static int launch(const wb_problem *p)
{
    dim3 grid((unsigned)((p->cols + 31) / 32), (unsigned)((p->rows + 31) / 32));
    transpose_short_edge<<<grid, dim3(32, 8), 0, p->stream>>>(
        (const uint32_t *)p->x, (uint32_t *)p->y, (int)p->rows, (int)p->cols);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {{"transpose_short_edge", "transpose", launch,
                                                     WB_DT(WB_F32), 0, NULL,
                                                     "mutant: off-by-one edge"}};
extern "C" const int wb_lesson_variant_count = 1;
