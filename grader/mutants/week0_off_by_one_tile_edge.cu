// expect: unwritten
// shapes: 255x257
/* Mutant for Week 0: the store's bounds check is one short (`< rows - 1`),
 * so the last column of y is never written: the poison is still there. */
#include "bank.cuh"

__global__ void transpose_short_edge(const uint32_t *x, uint32_t *y, int rows, int cols)
{
    __shared__ bank::Tile tile;
    bank::load_tile(tile, x, rows, cols);
    __syncthreads();
    int oc = blockIdx.y * bank::kTile + threadIdx.x, or0 = blockIdx.x * bank::kTile + threadIdx.y;
    for (int k = 0; k < bank::kTile; k += bank::kTileRows)
        if (or0 + k < cols && oc < rows - 1)
            y[(size_t)(or0 + k) * rows + oc] = tile[threadIdx.x][threadIdx.y + k];
}

static int launch(const wb_problem *p)
{
    return bank::a_block_a_tile(p, transpose_short_edge);
}

extern "C" const wb_variant wb_lesson_variants[] = {{"transpose_short_edge", "transpose", launch,
                                                     WB_DT(WB_F32), 0, NULL,
                                                     "mutant: off-by-one edge"}};
extern "C" const int wb_lesson_variant_count = 1;
