// expect: pass
// flags: --time
// class: unusual but right
// why: a 48 x 6 tile (288 threads, nine warps): no tile edge falls on a power of two
/* Valid kernel for Week 0: a transpose through shared memory with a tile of
 * 48 rows and 6 columns of x. 288 threads load the tile row by row (6
 * consecutive columns each, so a warp spans several rows of x) and store it
 * column by column (48 consecutive columns of y). Neither 48 nor 6 divides
 * the grader's odd shapes, so every edge case is an edge of this tile. The
 * grader must pass it for every shape and dtype. */
#include "bank.cuh"

namespace
{

constexpr int kTileRows = 48, kTileCols = 6, kThreadsPerTile = kTileRows * kTileCols;

template <class W>
__global__ void transpose_48x6(const W *__restrict__ x, W *__restrict__ y, long rows, long cols)
{
    __shared__ W tile[kTileRows][kTileCols + 1];
    const long r0 = (long)blockIdx.y * kTileRows, c0 = (long)blockIdx.x * kTileCols;
    const int t = threadIdx.x;
    {
        const int r = t / kTileCols, c = t % kTileCols; /* a row of x at a time */
        if (r0 + r < rows && c0 + c < cols)
            tile[r][c] = x[(r0 + r) * cols + c0 + c];
    }
    __syncthreads();
    {
        const int c = t / kTileRows, r = t % kTileRows; /* a row of y at a time */
        if (c0 + c < cols && r0 + r < rows)
            y[(c0 + c) * rows + r0 + r] = tile[r][c];
    }
}

} // namespace

static int launch(const wb_problem *p)
{
    const long blocks_x = (p->cols + kTileCols - 1) / kTileCols;
    const long blocks_y = (p->rows + kTileRows - 1) / kTileRows;
    if (blocks_x > 0x7fffffffL || blocks_y > 65535L)
        return WB_UNSUPPORTED;
    return bank::by_element_size(p->dtype, [p, blocks_x, blocks_y](auto word) {
        using W = decltype(word);
        transpose_48x6<W>
            <<<dim3((unsigned)blocks_x, (unsigned)blocks_y), kThreadsPerTile, 0, p->stream>>>(
                (const W *)p->in[0], (W *)p->y, p->rows, p->cols);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"transpose_48x6", "transpose", launch, WB_ALL_DTYPES, 0, NULL,
     "valid: 48 x 6 shared-memory tile, 288 threads"}};
extern "C" const int wb_lesson_variant_count = 1;
