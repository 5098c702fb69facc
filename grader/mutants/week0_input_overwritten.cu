// expect: input_modified
// shapes: 255x257
/* Mutant for Week 0: a transpose that uses its input as scratch (it zeroes
 * each element after reading it). The output is right; the input is not
 * what the caller passed any more. */
#include <cstdint>

#include "wb.h"

__global__ void transpose_clobber(uint32_t *x, uint32_t *y, int rows, int cols)
{
    int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
    if (r < rows && c < cols) {
        y[(size_t)c * rows + r] = x[(size_t)r * cols + c];
        x[(size_t)r * cols + c] = 0u;
    }
}

static int launch(const wb_problem *p)
{
    dim3 grid((unsigned)((p->cols + 31) / 32), (unsigned)((p->rows + 7) / 8));
    transpose_clobber<<<grid, dim3(32, 8), 0, p->stream>>>((uint32_t *)p->in[0], (uint32_t *)p->y,
                                                           (int)p->rows, (int)p->cols);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"transpose_clobber", "transpose", launch, WB_DT(WB_F32), 0, NULL, "mutant: overwrites input"}};
extern "C" const int wb_lesson_variant_count = 1;
