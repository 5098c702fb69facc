/* CUB baselines for Week 1 (see cub_reduce.h).
 *
 * float32 inputs go to CUB as plain pointers, which is the call a CUDA
 * programmer would write (DeviceReduce::Sum, DeviceSegmentedReduce::Sum and
 * ::Max). float16 and bfloat16 inputs are read through a transform iterator
 * that converts each element to float, reduced in float, and written through
 * a transform output iterator that rounds to the element type, so the
 * baseline does the same work as a learner's kernel: one read of the input,
 * one write of the output. */
#include "cub_reduce.h"

#include <cub/device/device_reduce.cuh>
#include <cub/device/device_segmented_reduce.cuh>
#include <cuda/std/functional>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <math.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/iterator/transform_output_iterator.h>

#include "wb_elements.cuh"

namespace
{

/* Temporary storage kept for the whole process. */
void *temp_storage;
size_t temp_capacity;

cudaError_t reserve_temp(size_t bytes)
{
    if (bytes <= temp_capacity && temp_storage)
        return cudaSuccess;
    if (temp_storage) {
        /* grow: the old buffer may still be in use by queued work */
        cudaError_t err = cudaDeviceSynchronize();
        if (err == cudaSuccess)
            err = cudaFree(temp_storage);
        if (err != cudaSuccess)
            return err;
        temp_storage = nullptr;
        temp_capacity = 0;
    }
    size_t want = bytes > 0 ? bytes : 1;
    cudaError_t err = cudaMalloc(&temp_storage, want);
    if (err != cudaSuccess) {
        temp_storage = nullptr;
        return err;
    }
    temp_capacity = want;
    return cudaSuccess;
}

/* the conversions of grader/wb_elements.cuh, as functors for the iterators */
struct ToFloat {
    template <class T> __host__ __device__ float operator()(T v) const { return to_float(v); }
};

template <class T> struct FromFloat {
    __host__ __device__ T operator()(float v) const { return from_float<T>(v); }
};

/* Row i starts at i * cols. */
struct RowStart {
    long cols;
    __host__ __device__ long operator()(long i) const { return i * cols; }
};

struct MaxF {
    __host__ __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

/* Query, reserve, run: CUB's two-call protocol with the kept buffer. */
template <class Call> int with_temp(Call call)
{
    size_t bytes = 0;
    cudaError_t err = call(nullptr, bytes);
    if (err == cudaSuccess)
        err = reserve_temp(bytes);
    if (err == cudaSuccess)
        err = call(temp_storage, bytes);
    return (int)err;
}

template <class T> int array_sum(const wb_problem *p)
{
    const T *x = static_cast<const T *>(p->in[0]);
    T *y = static_cast<T *>(p->y);
    const long n = p->rows * p->cols;
    auto in = thrust::make_transform_iterator(x, ToFloat());
    auto out = thrust::make_transform_output_iterator(y, FromFloat<T>());
    return with_temp([&](void *temp, size_t &bytes) {
        return cub::DeviceReduce::Reduce(temp, bytes, in, out, n, ::cuda::std::plus<float>(), 0.0f,
                                         p->stream);
    });
}

template <> int array_sum<float>(const wb_problem *p)
{
    const float *x = static_cast<const float *>(p->in[0]);
    float *y = static_cast<float *>(p->y);
    const long n = p->rows * p->cols;
    return with_temp([&](void *temp, size_t &bytes) {
        return cub::DeviceReduce::Sum(temp, bytes, x, y, n, p->stream);
    });
}

template <class T, class Op> int segmented(const wb_problem *p, Op op, float init)
{
    const T *x = static_cast<const T *>(p->in[0]);
    T *y = static_cast<T *>(p->y);
    auto starts =
        thrust::make_transform_iterator(thrust::counting_iterator<long>(0), RowStart{p->cols});
    auto in = thrust::make_transform_iterator(x, ToFloat());
    auto out = thrust::make_transform_output_iterator(y, FromFloat<T>());
    return with_temp([&](void *temp, size_t &bytes) {
        return cub::DeviceSegmentedReduce::Reduce(temp, bytes, in, out, p->rows, starts, starts + 1,
                                                  op, init, p->stream);
    });
}

template <class T> int row_sum(const wb_problem *p)
{
    return segmented<T>(p, ::cuda::std::plus<float>(), 0.0f);
}

template <> int row_sum<float>(const wb_problem *p)
{
    const float *x = static_cast<const float *>(p->in[0]);
    float *y = static_cast<float *>(p->y);
    auto starts =
        thrust::make_transform_iterator(thrust::counting_iterator<long>(0), RowStart{p->cols});
    return with_temp([&](void *temp, size_t &bytes) {
        return cub::DeviceSegmentedReduce::Sum(temp, bytes, x, y, p->rows, starts, starts + 1,
                                               p->stream);
    });
}

template <class T> int row_max(const wb_problem *p)
{
    return segmented<T>(p, MaxF(), -INFINITY);
}

template <> int row_max<float>(const wb_problem *p)
{
    const float *x = static_cast<const float *>(p->in[0]);
    float *y = static_cast<float *>(p->y);
    auto starts =
        thrust::make_transform_iterator(thrust::counting_iterator<long>(0), RowStart{p->cols});
    return with_temp([&](void *temp, size_t &bytes) {
        return cub::DeviceSegmentedReduce::Max(temp, bytes, x, y, p->rows, starts, starts + 1,
                                               p->stream);
    });
}

template <template <class> class Run> int by_type(const wb_problem *p)
{
    return by_element_type(p->dtype, [p](auto t) { return Run<decltype(t)>::go(p); });
}

template <class T> struct ArraySum {
    static int go(const wb_problem *p) { return array_sum<T>(p); }
};
template <class T> struct RowSum {
    static int go(const wb_problem *p) { return row_sum<T>(p); }
};
template <class T> struct RowMax {
    static int go(const wb_problem *p) { return row_max<T>(p); }
};

} // namespace

extern "C" int baseline_cub_array_sum(const wb_problem *p)
{
    return by_type<ArraySum>(p);
}
extern "C" int baseline_cub_row_sum(const wb_problem *p)
{
    return by_type<RowSum>(p);
}
extern "C" int baseline_cub_row_max(const wb_problem *p)
{
    return by_type<RowMax>(p);
}
