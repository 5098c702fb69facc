// expect: timeout
// shapes: 31x33
/* Mutant for Week 0: a copy whose last block waits for a flag that no one
 * ever sets: the kernel never finishes. The flag is cleared by a kernel, not
 * a memset, since a launcher may only launch kernels. */
#include <cstdint>

#include "wb.h"

__global__ void copy_waits_forever(const uint32_t *x, uint32_t *y, size_t n, volatile int *flag)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = x[i];
    if (blockIdx.x == gridDim.x - 1)
        while (*flag == 0) /* nothing sets it */
            ;
}

__global__ void clear_flag(int *flag)
{
    *flag = 0;
}

static int launch(const wb_problem *p)
{
    size_t n = (size_t)p->rows * (size_t)p->cols;
    clear_flag<<<1, 1, 0, p->stream>>>((int *)p->workspace);
    copy_waits_forever<<<(unsigned)((n + 255) / 256), 256, 0, p->stream>>>(
        (const uint32_t *)p->in[0], (uint32_t *)p->y, n, (volatile int *)p->workspace);
    return (int)cudaGetLastError();
}

static size_t flag_bytes(const wb_problem *p)
{
    (void)p;
    return sizeof(int);
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_waits_forever", "copy", launch, WB_DT(WB_F32), 0, flag_bytes, "mutant: hangs"}};
extern "C" const int wb_lesson_variant_count = 1;
