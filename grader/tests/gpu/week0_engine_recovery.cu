// A week 0 lesson of ten copies for ci/tests/engine_recovery.sh: graded on one
// shape and dtype they are ten tests in this order, and the third dies of an
// illegal address (a sticky error: its worker's CUDA context is lost) while the
// sixth never finishes. Exactly those two must fail, as cuda_error and
// timeout, and the other eight pass: the engine replaced the lost worker and
// the hung one and went on.
#include <cstdint>

#include "wb.h"

__global__ void copy_words(const uint32_t *x, uint32_t *y, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = x[i];
}

__global__ void write_to_nowhere(uint32_t *y, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        ((volatile uint32_t *)(uintptr_t)0x10)[i] = y[i]; /* no allocation lives there */
}

__global__ void spin_forever(volatile int *never)
{
    while (*never == 0) /* the grader poisons the workspace with 0xFF, never 0... */
        ;
    while (*never != 0) /* ...so this is where it stays */
        ;
}

static unsigned blocks_for(size_t n)
{
    return (unsigned)((n + 255) / 256);
}

static int launch_copy(const wb_problem *p)
{
    size_t n = (size_t)p->rows * (size_t)p->cols;
    copy_words<<<blocks_for(n), 256, 0, p->stream>>>((const uint32_t *)p->in[0], (uint32_t *)p->y,
                                                     n);
    return (int)cudaGetLastError();
}

static int launch_illegal_address(const wb_problem *p)
{
    size_t n = (size_t)p->rows * (size_t)p->cols;
    write_to_nowhere<<<blocks_for(n), 256, 0, p->stream>>>((uint32_t *)p->y, n);
    return (int)cudaGetLastError();
}

static int launch_hang(const wb_problem *p)
{
    spin_forever<<<1, 1, 0, p->stream>>>((volatile int *)p->workspace);
    return (int)cudaGetLastError();
}

static size_t one_word(const wb_problem *p)
{
    (void)p;
    return sizeof(int);
}

#define COPY(name)                                                                                 \
    {                                                                                              \
        name, "copy", launch_copy, WB_DT(WB_F32), 0, NULL, "a correct copy"                        \
    }
extern "C" const wb_variant wb_lesson_variants[] = {
    COPY("copy_1"),
    COPY("copy_2"),
    {"illegal_address_3", "copy", launch_illegal_address, WB_DT(WB_F32), 0, NULL,
     "writes where no memory is"},
    COPY("copy_4"),
    COPY("copy_5"),
    {"hang_6", "copy", launch_hang, WB_DT(WB_F32), 0, one_word, "never finishes"},
    COPY("copy_7"),
    COPY("copy_8"),
    COPY("copy_9"),
    COPY("copy_10"),
};
extern "C" const int wb_lesson_variant_count =
    (int)(sizeof wb_lesson_variants / sizeof wb_lesson_variants[0]);
