// expect: wrong
// shapes: 8192x8192
/* Mutant for Week 0: a block transposes two tiles in turn through one shared
 * tile, with the barrier after the load but none after the store phase. A
 * fast warp starts loading the second tile while slower warps still read the
 * first: a race on shared memory. */
#include <cstdint>

#include "wb.h"

__global__ void transpose_two_tiles_racy(const uint32_t *x, uint32_t *y, int rows, int cols)
{
    __shared__ uint32_t tile[32][33];
    for (int half = 0; half < 2; half++) {
        int bx = 2 * blockIdx.x + half;
        int c = bx * 32 + threadIdx.x, r0 = blockIdx.y * 32 + threadIdx.y;
        for (int k = 0; k < 32; k += 8)
            if (r0 + k < rows && c < cols)
                tile[threadIdx.y + k][threadIdx.x] = x[(size_t)(r0 + k) * cols + c];
        __syncthreads();
        int oc = blockIdx.y * 32 + threadIdx.x, or0 = bx * 32 + threadIdx.y;
        for (int k = 0; k < 32; k += 8)
            if (or0 + k < cols && oc < rows)
                y[(size_t)(or0 + k) * rows + oc] = tile[threadIdx.x][threadIdx.y + k];
        /* a second barrier belongs here, before the tile is refilled */
    }
}

static int launch(const wb_problem *p)
{
    dim3 grid((unsigned)((p->cols + 63) / 64), (unsigned)((p->rows + 31) / 32));
    transpose_two_tiles_racy<<<grid, dim3(32, 8), 0, p->stream>>>(
        (const uint32_t *)p->x, (uint32_t *)p->y, (int)p->rows, (int)p->cols);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"transpose_two_tiles_racy", "transpose", launch, WB_DT(WB_F32), 0, NULL,
     "mutant: shared-memory race"}};
extern "C" const int wb_lesson_variant_count = 1;
