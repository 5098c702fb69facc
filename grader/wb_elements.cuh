/* wb_elements.cuh: the device side of wb.h's element types, for every
 * week's lesson, the kernel banks (grader/mutants/, grader/valid/) and the
 * trusted baselines in ref/gpu: a float from any element, an element from a
 * float rounded to nearest even (the rounding of the grader's host
 * reference), 16-byte packs of elements and their conversion to and from
 * floats, and the one switch from wb_dtype to a C++ type. Arithmetic
 * happens in float32 whatever the element type. */
#ifndef WB_ELEMENTS_CUH
#define WB_ELEMENTS_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <type_traits>

#include "wb.h"

__host__ __device__ __forceinline__ float to_float(float v)
{
    return v;
}
__host__ __device__ __forceinline__ float to_float(__half v)
{
    return __half2float(v);
}
__host__ __device__ __forceinline__ float to_float(__nv_bfloat16 v)
{
    return __bfloat162float(v);
}
/* two 16-bit elements at once: one instruction per pair */
__device__ __forceinline__ float2 to_float2(__half2 v)
{
    return __half22float2(v);
}
__device__ __forceinline__ float2 to_float2(__nv_bfloat162 v)
{
    return __bfloat1622float2(v);
}

template <class T> __host__ __device__ __forceinline__ T from_float(float v);
template <> __host__ __device__ __forceinline__ float from_float<float>(float v)
{
    return v;
}
template <> __host__ __device__ __forceinline__ __half from_float<__half>(float v)
{
    return __float2half_rn(v);
}
template <> __host__ __device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float v)
{
    return __float2bfloat16_rn(v);
}

/* A pack: VEC consecutive elements, aligned so that one instruction moves
 * them all; kPackElements<T> of them are 16 bytes, one LDG.E.128. Weeks 1
 * and 2 read rows in packs. */
template <class T> constexpr int kPackElements = 16 / (int)sizeof(T);

template <typename T, int VEC> struct alignas(sizeof(T) * VEC) Pack {
    T v[VEC];
};

/* pack <-> floats; 16-bit types convert two at a time, one instruction per pair */
template <typename T, int VEC>
__device__ __forceinline__ void unpack(const Pack<T, VEC> &pk, float (&f)[VEC])
{
    if constexpr (VEC % 2 == 0 && !std::is_same_v<T, float>) {
        using T2 = std::conditional_t<std::is_same_v<T, __half>, __half2, __nv_bfloat162>;
#pragma unroll
        for (int k = 0; k < VEC; k += 2) {
            float2 t = to_float2(*reinterpret_cast<const T2 *>(&pk.v[k]));
            f[k] = t.x;
            f[k + 1] = t.y;
        }
    } else {
#pragma unroll
        for (int k = 0; k < VEC; k++)
            f[k] = to_float(pk.v[k]);
    }
}

template <typename T, int VEC> __device__ __forceinline__ Pack<T, VEC> repack(const float (&f)[VEC])
{
    Pack<T, VEC> pk;
    if constexpr (VEC % 2 == 0 && std::is_same_v<T, __half>) {
#pragma unroll
        for (int k = 0; k < VEC; k += 2)
            *reinterpret_cast<__half2 *>(&pk.v[k]) = __floats2half2_rn(f[k], f[k + 1]);
    } else if constexpr (VEC % 2 == 0 && std::is_same_v<T, __nv_bfloat16>) {
#pragma unroll
        for (int k = 0; k < VEC; k += 2)
            *reinterpret_cast<__nv_bfloat162 *>(&pk.v[k]) = __floats2bfloat162_rn(f[k], f[k + 1]);
    } else {
#pragma unroll
        for (int k = 0; k < VEC; k++)
            pk.v[k] = from_float<T>(f[k]);
    }
    return pk;
}

/* Calls run(T()) with T the C++ type of dtype d; WB_UNSUPPORTED for any
 * other value. */
template <class Run> static int by_element_type(wb_dtype d, Run run)
{
    switch (d) {
    case WB_F32:
        return run(float());
    case WB_F16:
        return run(__half());
    case WB_BF16:
        return run(__nv_bfloat16());
    default:
        return WB_UNSUPPORTED;
    }
}

#endif /* WB_ELEMENTS_CUH */
