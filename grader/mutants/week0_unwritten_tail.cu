// expect: unwritten
// shapes: 15x37
// dtypes: f16
/* Mutant for Week 0: a 16-byte vector copy that forgets the bytes after the
 * last whole vector. 15 x 37 float16 values are 1110 bytes: 6 never copied. */
#include <cstdint>

#include "wb.h"

__global__ void copy_no_tail(const uint4 *x, uint4 *y, size_t n_vec)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n_vec)
        y[i] = x[i];
}

static int launch(const wb_problem *p)
{
    size_t bytes = (size_t)p->rows * (size_t)p->cols * (p->dtype == WB_F32 ? 4 : 2);
    size_t n_vec = bytes / 16;
    copy_no_tail<<<(unsigned)(n_vec / 256 + 1), 256, 0, p->stream>>>((const uint4 *)p->in[0],
                                                                     (uint4 *)p->y, n_vec);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_no_tail", "copy", launch, WB_DT(WB_F16), 0, NULL, "mutant: unwritten tail"}};
extern "C" const int wb_lesson_variant_count = 1;
