// expect: repeat_mismatch
// shapes: 1024x256
// flags: --time
/* Mutant for Week 0: a copy that remembers it has run and does nothing when
 * called again, hoping the timed repetitions are never checked. */
#include <cstdint>

#include "wb.h"

__global__ void copy_once(const uint32_t *x, uint32_t *y, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = x[i];
}

static int launch(const wb_problem *p)
{
    static int calls;
    if (calls++ > 0)
        return WB_OK; /* "already done" */
    size_t n = (size_t)p->rows * (size_t)p->cols;
    copy_once<<<(unsigned)((n + 255) / 256), 256, 0, p->stream>>>((const uint32_t *)p->in[0],
                                                                  (uint32_t *)p->y, n);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_once", "copy", launch, WB_DT(WB_F32), 0, NULL, "mutant: skips work when repeated"}};
extern "C" const int wb_lesson_variant_count = 1;
