// expect: out_of_bounds
// shapes: 1024x256
/* Mutant for Week 0: a copy whose thread count is rounded up and not
 * checked: the last threads write past the end of y. */
#include <cstdint>

#include "wb.h"

__global__ void copy_overrun(const uint32_t *x, uint32_t *y, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    y[i] = i < n ? x[i] : 0u; /* reads are guarded, the write is not */
}

static int launch(const wb_problem *p)
{
    size_t n = (size_t)p->rows * (size_t)p->cols;
    copy_overrun<<<(unsigned)(n / 256 + 1), 256, 0, p->stream>>>((const uint32_t *)p->in[0],
                                                                 (uint32_t *)p->y, n);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_overrun", "copy", launch, WB_DT(WB_F32), 0, NULL, "mutant: writes past the end"}};
extern "C" const int wb_lesson_variant_count = 1;
