// expect: pass
// flags: --time
// class: unusual but right
// why: a fixed grid of a few blocks an SM, each thread looping over the array (grid-stride)
/* Valid kernel for Week 0: a copy whose grid does not depend on the array's
 * size. Eight blocks an SM are launched and each thread strides through the
 * array by the whole grid's width, so a 1x1 array and a 8192 x 8193 one take
 * the same launch. The grader must pass it for every shape and dtype. */
#include "bank.cuh"

template <class W>
__global__ void copy_grid_stride(const W *__restrict__ x, W *__restrict__ y, size_t n)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        y[i] = x[i];
}

static int launch(const wb_problem *p)
{
    return bank::a_fixed_grid_copy(p, 8,
                                   [](auto word) { return copy_grid_stride<decltype(word)>; });
}

extern "C" const wb_variant wb_lesson_variants[] = {{"copy_grid_stride", "copy", launch,
                                                     WB_ALL_DTYPES, 0, NULL,
                                                     "valid: fixed grid, grid-stride loop"}};
extern "C" const int wb_lesson_variant_count = 1;
