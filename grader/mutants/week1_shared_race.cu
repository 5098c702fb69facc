// expect: wrong
// shapes: 128x4096
// dtypes: f32
/* Mutant for Week 1: a race on shared memory. One block per row; each
 * thread sums its strided share of the row, then every thread adds its
 * partial into one __shared__ total with a plain `total += partial`. The
 * read-modify-write of 256 threads interleaves: in a warp all 32 lanes read
 * the same old total and only one lane's store survives, so most partials
 * are lost. (atomicAdd on shared memory, or a tree, is the fix.) */
#include "wb.h"

__global__ void row_sum_racy_total(const float *x, float *y, int cols)
{
    __shared__ float total;
    const float *row = x + (size_t)blockIdx.x * cols;
    float partial = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x)
        partial += row[j];
    if (threadIdx.x == 0)
        total = 0.0f;
    __syncthreads();
    total += partial; /* the race: not atomic */
    __syncthreads();
    if (threadIdx.x == 0)
        y[blockIdx.x] = total;
}

static int launch(const wb_problem *p)
{
    row_sum_racy_total<<<(unsigned)p->rows, 256, 0, p->stream>>>((const float *)p->in[0],
                                                                 (float *)p->y, (int)p->cols);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {{"row_sum_racy_total", "row_sum", launch,
                                                     WB_DT(WB_F32), 0, NULL,
                                                     "mutant: race on a shared total"}};
extern "C" const int wb_lesson_variant_count = 1;
