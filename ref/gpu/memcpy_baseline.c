#include "memcpy_baseline.h"

#include "dtype.h"

int baseline_memcpy_d2d(const wb_problem *p)
{
    size_t bytes = (size_t)p->rows * (size_t)p->cols * wb_dtype_size(p->dtype);
    return (int)cudaMemcpyAsync(p->y, p->in[0], bytes, cudaMemcpyDeviceToDevice, p->stream);
}
