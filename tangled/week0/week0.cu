#line 100 "lessons/week0-copy-transpose.nw"
/* week0.cu: copy and transpose (tangled from lessons/week0-copy-transpose.nw) */
#include <cstddef>
#include <cstdint>

#include "week0.h"

#line 122 "lessons/week0-copy-transpose.nw"
static size_t element_size(wb_dtype d)
{
    return d == WB_F32 ? 4 : 2;
}

/* After queueing a kernel: the launch error, if any, as the contract asks. */
static int launch_status(void)
{
    return (int)cudaGetLastError();
}

#line 161 "lessons/week0-copy-transpose.nw"
constexpr int COPY_THREADS = 256, COPY_UNROLL = 4;

__global__ void __launch_bounds__(COPY_THREADS)
    copy_vec16(const uint4 *__restrict__ src, uint4 *__restrict__ dst, size_t n_vec,
               size_t tail_bytes)
{
    size_t base = (size_t)blockIdx.x * COPY_THREADS * COPY_UNROLL + threadIdx.x;
    uint4 v[COPY_UNROLL];
    /* all loads first: four independent 16-byte requests per thread in flight */
#pragma unroll
    for (int u = 0; u < COPY_UNROLL; u++)
        if (base + u * COPY_THREADS < n_vec)
            v[u] = src[base + u * COPY_THREADS];
#pragma unroll
    for (int u = 0; u < COPY_UNROLL; u++)
        if (base + u * COPY_THREADS < n_vec)
            dst[base + u * COPY_THREADS] = v[u];
    if (blockIdx.x == 0 && threadIdx.x < tail_bytes) {
        const unsigned char *s = (const unsigned char *)(src + n_vec);
        unsigned char *d = (unsigned char *)(dst + n_vec);
        d[threadIdx.x] = s[threadIdx.x];
    }
}
#line 234 "lessons/week0-copy-transpose.nw"
template <typename T>
__global__ void transpose_naive(const T *__restrict__ x, T *__restrict__ y, int rows, int cols)
{
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    int r = blockIdx.y * blockDim.y + threadIdx.y;
    if (r < rows && c < cols)
        y[(size_t)c * rows + r] = x[(size_t)r * cols + c];
}
#line 316 "lessons/week0-copy-transpose.nw"
template <typename T, int TILE, int BLOCK_ROWS, int PAD>
__global__ void transpose_tiled(const T *__restrict__ x, T *__restrict__ y, int rows, int cols)
{
    __shared__ T tile[TILE][TILE + PAD];
    
#line 327 "lessons/week0-copy-transpose.nw"
// SOLUTION BEGIN: read the TILE x TILE tile at (blockIdx.y, blockIdx.x) of x into tile[][]
int c = blockIdx.x * TILE + threadIdx.x;
int r0 = blockIdx.y * TILE + threadIdx.y;
#pragma unroll
for (int k = 0; k < TILE; k += BLOCK_ROWS)
    if (r0 + k < rows && c < cols)
        tile[threadIdx.y + k][threadIdx.x] = x[(size_t)(r0 + k) * cols + c];
// SOLUTION END
#line 321 "lessons/week0-copy-transpose.nw"
    __syncthreads(); /* every element of the tile is in place before any is read */
    
#line 338 "lessons/week0-copy-transpose.nw"
// SOLUTION BEGIN: write tile[][] transposed into y, consecutive threads on consecutive columns of y
int oc = blockIdx.y * TILE + threadIdx.x; /* a column of y is a row of x */
int or0 = blockIdx.x * TILE + threadIdx.y;
#pragma unroll
for (int k = 0; k < TILE; k += BLOCK_ROWS)
    if (or0 + k < cols && oc < rows)
        y[(size_t)(or0 + k) * rows + oc] = tile[threadIdx.x][threadIdx.y + k];
// SOLUTION END
#line 323 "lessons/week0-copy-transpose.nw"
}
#line 419 "lessons/week0-copy-transpose.nw"
/* one 4-byte bank word of padding per tile row, in elements of T */
template <typename T> __host__ __device__ constexpr int bank_pad()
{
    return 4 / (int)sizeof(T);
}

#line 496 "lessons/week0-copy-transpose.nw"
/* Exercise 2, from its contract: with 32 x 8 threads, y[c][r] = x[r][c] for
 * the 64 x 64 tile at (blockIdx.y * 64, blockIdx.x * 64), inside the matrix
 * only; 8 rows x 2 columns (32 apart) per thread, all 16 loads issued before
 * the first store to the padded shared tile; coalesced loads and stores. */
template <typename T>
__global__ void __launch_bounds__(256)
    transpose_wide(const T *__restrict__ x, T *__restrict__ y, int rows, int cols)
{
    // SOLUTION BEGIN: the whole 64 x 64 tile: load, shared tile, transposed store
    //: (void)x;
    //: (void)y;
    //: (void)rows;
    //: (void)cols;
    constexpr int TILE = 64, ROWS = 8, COLS = 2; /* 64 x 64 tile, 32 x 8 threads */
    __shared__ T tile[TILE][TILE + bank_pad<T>()];
    int tx = threadIdx.x, ty = threadIdx.y;
    int r_base = blockIdx.y * TILE, c_base = blockIdx.x * TILE;
    T v[ROWS][COLS];
#pragma unroll
    for (int k = 0; k < ROWS; k++)
#pragma unroll
        for (int j = 0; j < COLS; j++) {
            int r = r_base + ty + 8 * k, c = c_base + tx + 32 * j;
            if (r < rows && c < cols)
                v[k][j] = x[(size_t)r * cols + c];
        }
#pragma unroll
    for (int k = 0; k < ROWS; k++)
#pragma unroll
        for (int j = 0; j < COLS; j++)
            tile[ty + 8 * k][tx + 32 * j] = v[k][j];
    __syncthreads();
    /* y's tile: rows c_base.., columns r_base..; a warp writes consecutive columns */
#pragma unroll
    for (int k = 0; k < ROWS; k++)
#pragma unroll
        for (int j = 0; j < COLS; j++)
            v[k][j] = tile[tx + 32 * j][ty + 8 * k];
#pragma unroll
    for (int k = 0; k < ROWS; k++)
#pragma unroll
        for (int j = 0; j < COLS; j++) {
            int orow = c_base + ty + 8 * k, ocol = r_base + tx + 32 * j;
            if (orow < cols && ocol < rows)
                y[(size_t)orow * rows + ocol] = v[k][j];
        }
    // SOLUTION END
}
#line 564 "lessons/week0-copy-transpose.nw"
__global__ void __launch_bounds__(256)
    transpose_pairs16(const uint32_t *__restrict__ x, uint32_t *__restrict__ y, int rows, int cols)
{
    constexpr int TILE_R = 128, TILE_C = 64, LOADS = TILE_R / 8; /* 32 x 8 threads */
    __shared__ uint16_t tile[TILE_R][TILE_C + 1];
    int tx = threadIdx.x, ty = threadIdx.y;
    int r_base = blockIdx.y * TILE_R, c_base = blockIdx.x * TILE_C;
    int row_pairs = cols / 2, col_pairs = rows / 2; /* pairs per row of x and of y */
    uint32_t v[LOADS];
#pragma unroll
    for (int k = 0; k < LOADS; k++) {
        int r = r_base + ty + 8 * k, pair = c_base / 2 + tx;
        if (r < rows && pair < row_pairs)
            v[k] = x[(size_t)r * row_pairs + pair];
    }
#pragma unroll
    for (int k = 0; k < LOADS; k++) {
        tile[ty + 8 * k][2 * tx] = (uint16_t)(v[k] & 0xffffu); /* little-endian: low half first */
        tile[ty + 8 * k][2 * tx + 1] = (uint16_t)(v[k] >> 16);
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < TILE_C / 8; k++)
#pragma unroll
        for (int j = 0; j < 2; j++) {
            int tile_col = ty + 8 * k, tile_row = 2 * (tx + 32 * j);
            int orow = c_base + tile_col, opair = r_base / 2 + tx + 32 * j;
            if (orow < cols && opair < col_pairs)
                y[(size_t)orow * col_pairs + opair] =
                    (uint32_t)tile[tile_row][tile_col] |
                    ((uint32_t)tile[tile_row + 1][tile_col] << 16);
        }
}
#line 249 "lessons/week0-copy-transpose.nw"
/* Blocks covering rows x cols in tiles; false when the grid would not fit. */
static bool tile_grid(long rows, long cols, int tile_cols, int tile_rows, dim3 *grid)
{
    long gx = (cols + tile_cols - 1) / tile_cols, gy = (rows + tile_rows - 1) / tile_rows;
    if (gx > 2147483647L || gy > 65535L || rows > 2147483647L || cols > 2147483647L)
        return false;
    *grid = dim3((unsigned)gx, (unsigned)gy);
    return true;
}
#line 191 "lessons/week0-copy-transpose.nw"
int launch_copy(const wb_problem *p)
{
    size_t bytes = (size_t)p->rows * (size_t)p->cols * element_size(p->dtype);
    size_t n_vec = bytes / sizeof(uint4);
    size_t per_block = (size_t)COPY_THREADS * COPY_UNROLL;
    size_t blocks = (n_vec + per_block - 1) / per_block;
    if (blocks == 0)
        blocks = 1; /* the tail alone */
    if (blocks > 2147483647u)
        return WB_UNSUPPORTED;
    copy_vec16<<<(unsigned)blocks, COPY_THREADS, 0, p->stream>>>(
        (const uint4 *)p->in[0], (uint4 *)p->y, n_vec, bytes % sizeof(uint4));
    return launch_status();
}
#line 261 "lessons/week0-copy-transpose.nw"
template <typename T> static int naive_for(const wb_problem *p)
{
    dim3 block(32, 8), grid;
    if (!tile_grid(p->rows, p->cols, 32, 8, &grid))
        return WB_UNSUPPORTED;
    transpose_naive<T>
        <<<grid, block, 0, p->stream>>>((const T *)p->in[0], (T *)p->y, (int)p->rows, (int)p->cols);
    return launch_status();
}

int launch_transpose_naive(const wb_problem *p)
{
    return element_size(p->dtype) == 4 ? naive_for<uint32_t>(p) : naive_for<uint16_t>(p);
}
#line 359 "lessons/week0-copy-transpose.nw"
template <typename T, int TILE, int BLOCK_ROWS, int PAD> static int tiled_for(const wb_problem *p)
{
    // SOLUTION BEGIN: delete this guard once the two tile chunks of transpose_tiled are written (exercise 1)
    //: return WB_NOT_IMPLEMENTED;
    // SOLUTION END
    dim3 block(TILE, BLOCK_ROWS), grid;
    if (!tile_grid(p->rows, p->cols, TILE, TILE, &grid))
        return WB_UNSUPPORTED;
    transpose_tiled<T, TILE, BLOCK_ROWS, PAD>
        <<<grid, block, 0, p->stream>>>((const T *)p->in[0], (T *)p->y, (int)p->rows, (int)p->cols);
    return launch_status();
}

int launch_transpose_tiled16(const wb_problem *p)
{
    return element_size(p->dtype) == 4 ? tiled_for<uint32_t, 16, 16, 0>(p)
                                       : tiled_for<uint16_t, 16, 16, 0>(p);
}

int launch_transpose_tiled32(const wb_problem *p)
{
    return element_size(p->dtype) == 4 ? tiled_for<uint32_t, 32, 8, 0>(p)
                                       : tiled_for<uint16_t, 32, 8, 0>(p);
}
#line 431 "lessons/week0-copy-transpose.nw"
int launch_transpose_padded32(const wb_problem *p)
{
    return element_size(p->dtype) == 4 ? tiled_for<uint32_t, 32, 8, bank_pad<uint32_t>()>(p)
                                       : tiled_for<uint16_t, 32, 8, bank_pad<uint16_t>()>(p);
}
#line 604 "lessons/week0-copy-transpose.nw"
template <typename T> static int wide_for(const wb_problem *p)
{
    dim3 block(32, 8), grid;
    if (!tile_grid(p->rows, p->cols, 64, 64, &grid))
        return WB_UNSUPPORTED;
    transpose_wide<T>
        <<<grid, block, 0, p->stream>>>((const T *)p->in[0], (T *)p->y, (int)p->rows, (int)p->cols);
    return launch_status();
}

static int pairs16(const wb_problem *p)
{
    dim3 block(32, 8), grid;
    if (!tile_grid(p->rows, p->cols, 64, 128, &grid))
        return WB_UNSUPPORTED;
    transpose_pairs16<<<grid, block, 0, p->stream>>>((const uint32_t *)p->in[0], (uint32_t *)p->y,
                                                     (int)p->rows, (int)p->cols);
    return launch_status();
}

int launch_transpose_best(const wb_problem *p)
{
    // SOLUTION BEGIN: delete this guard once transpose_wide is written (exercise 2)
    //: return WB_NOT_IMPLEMENTED;
    // SOLUTION END
    if (element_size(p->dtype) == 4)
        return wide_for<uint32_t>(p);
    if (p->rows % 2 == 0 && p->cols % 2 == 0)
        return pairs16(p);
    return wide_for<uint16_t>(p);
}
#line 669 "lessons/week0-copy-transpose.nw"
extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy", "copy", launch_copy, WB_ALL_DTYPES, 0, NULL,
     "16-byte vectors, four in flight per thread: the ceiling"},
    {"transpose_naive", "transpose", launch_transpose_naive, WB_ALL_DTYPES, 0, NULL,
     "one element per thread: coalesced reads, strided writes"},
    {"transpose_tiled16", "transpose", launch_transpose_tiled16, WB_ALL_DTYPES, 0, NULL,
     "16x16 shared-memory tile"},
    {"transpose_tiled32", "transpose", launch_transpose_tiled32, WB_ALL_DTYPES, 0, NULL,
     "32x32 shared-memory tile, 32x8 threads"},
    {"transpose_padded32", "transpose", launch_transpose_padded32, WB_ALL_DTYPES, 0, NULL,
     "32x32 tile padded by one bank word: no bank conflicts"},
    {"transpose_best", "transpose", launch_transpose_best, WB_ALL_DTYPES, 0, NULL,
     "64x64 padded tile, 16 loads in flight per thread; 16-bit pairs"},
};
extern "C" const int wb_lesson_variant_count =
    (int)(sizeof(wb_lesson_variants) / sizeof(wb_lesson_variants[0]));
