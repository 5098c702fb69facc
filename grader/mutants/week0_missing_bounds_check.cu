// expect: out_of_bounds
// shapes: 255x257
/* Mutant for Week 0: the tiled transpose without its bounds checks. On a
 * shape that is not a multiple of the tile, the edge blocks write past the
 * last row of y into the guard zone after it. */
#include "bank.cuh"

__global__ void transpose_unchecked(const uint32_t *x, uint32_t *y, int rows, int cols)
{
    __shared__ bank::Tile tile;
    bank::load_tile(tile, x, rows, cols); /* reads stay in bounds: only the writes overrun */
    __syncthreads();
    int oc = blockIdx.y * bank::kTile + threadIdx.x, or0 = blockIdx.x * bank::kTile + threadIdx.y;
    for (int k = 0; k < bank::kTile; k += bank::kTileRows)
        y[(size_t)(or0 + k) * rows + oc] = tile[threadIdx.x][threadIdx.y + k];
}

static int launch(const wb_problem *p)
{
    return bank::a_block_a_tile(p, transpose_unchecked);
}

extern "C" const wb_variant wb_lesson_variants[] = {{"transpose_unchecked", "transpose", launch,
                                                     WB_DT(WB_F32), 0, NULL,
                                                     "mutant: no bounds check"}};
extern "C" const int wb_lesson_variant_count = 1;
