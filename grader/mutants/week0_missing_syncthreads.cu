// expect: wrong|unwritten|nan
// shapes: 8192x8192
/* Mutant for Week 0: the tiled transpose without the __syncthreads() between
 * filling the tile and reading it. A warp reads tile elements another warp
 * has not stored yet: it gets whatever an earlier block (or kernel) left in
 * that shared memory. That is a wrong value, or bytes that happen to equal
 * the poison (0xFF: the verdict is then "unwritten"), or a NaN; which one
 * depends on what ran before on the SM, so all three are accepted. */
#include "bank.cuh"

__global__ void transpose_no_barrier(const uint32_t *x, uint32_t *y, int rows, int cols)
{
    __shared__ bank::Tile tile;
    bank::load_tile(tile, x, rows, cols);
    /* the barrier belongs here */
    int oc = blockIdx.y * bank::kTile + threadIdx.x, or0 = blockIdx.x * bank::kTile + threadIdx.y;
    for (int k = 0; k < bank::kTile; k += bank::kTileRows)
        if (or0 + k < cols && oc < rows)
            y[(size_t)(or0 + k) * rows + oc] = tile[threadIdx.x][threadIdx.y + k];
}

static int launch(const wb_problem *p)
{
    return bank::a_block_a_tile(p, transpose_no_barrier);
}

extern "C" const wb_variant wb_lesson_variants[] = {{"transpose_no_barrier", "transpose", launch,
                                                     WB_DT(WB_F32), 0, NULL,
                                                     "mutant: no __syncthreads"}};
extern "C" const int wb_lesson_variant_count = 1;
