/* Host conversions for the workbook's element types. The device rounds to
 * nearest even; these do the same, so a value drawn on the host, rounded
 * here and copied to the device is exactly what the kernel reads. */
#include "dtype.h"

#include <float.h>
#include <math.h>
#include <string.h>

size_t wb_dtype_size(wb_dtype d)
{
    return d == WB_F32 ? 4 : 2;
}

const char *wb_dtype_name(wb_dtype d)
{
    switch (d) {
    case WB_F32:
        return "f32";
    case WB_F16:
        return "f16";
    case WB_BF16:
        return "bf16";
    default:
        return "?";
    }
}

int wb_dtype_parse(const char *s, wb_dtype *out)
{
    static const struct {
        const char *name;
        wb_dtype d;
    } names[] = {{"f32", WB_F32},   {"float32", WB_F32},  {"float", WB_F32},
                 {"f16", WB_F16},   {"float16", WB_F16},  {"half", WB_F16},
                 {"bf16", WB_BF16}, {"bfloat16", WB_BF16}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].d;
            return 0;
        }
    return -1;
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint16_t half_of(float f)
{
    uint32_t x = float_bits(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    uint32_t ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) /* Inf or NaN */
        return (uint16_t)(sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u : 0u));
    if (ax >= 0x477ff000u) /* rounds to >= 65520: overflow to Inf */
        return (uint16_t)(sign | 0x7c00u);
    if (ax < 0x38800000u) { /* below the smallest normal half: subnormal or 0 */
        /* scale so the subnormal's integer mantissa lands in the low bits,
         * then round to nearest even through the float unit: adding 1.5 *
         * 2^23 leaves no fraction bits (scaled is at most 1024), and the
         * default rounding mode rounds to nearest even, as lrintf would,
         * without a call per element */
        float a = bits_float(ax);
        float scaled = a * 16777216.0f; /* 2^24: the half subnormal step */
        uint32_t m = (uint32_t)((scaled + 12582912.0f) - 12582912.0f);
        return (uint16_t)(sign | m);
    }
    uint32_t mant = ax & 0x7fffffu;
    uint32_t exp = (ax >> 23) - 127 + 15;
    uint32_t h = (exp << 10) | (mant >> 13);
    uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
        h++; /* a carry into the exponent is the right result */
    return (uint16_t)(sign | h);
}

static inline float float_of_half(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0) {
        float v = (float)mant * 5.9604644775390625e-08f; /* 2^-24 */
        return sign ? -v : v;
    }
    if (exp == 31)
        return bits_float(sign | 0x7f800000u | (mant << 13));
    return bits_float(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

static inline uint16_t bf16_of(float f)
{
    uint32_t x = float_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) /* NaN stays NaN */
        return (uint16_t)((x >> 16) | 0x40u);
    uint32_t round = 0x7fffu + ((x >> 16) & 1u);
    return (uint16_t)((x + round) >> 16);
}

static inline float float_of_bf16(uint16_t b)
{
    return bits_float((uint32_t)b << 16);
}

/* The conversions above are inline in the array loops below: a call per
 * element had been a third of the host's time rounding a float16 draw. */
uint16_t wb_float_to_half(float f)
{
    return half_of(f);
}

float wb_half_to_float(uint16_t h)
{
    return float_of_half(h);
}

uint16_t wb_float_to_bf16(float f)
{
    return bf16_of(f);
}

float wb_bf16_to_float(uint16_t b)
{
    return float_of_bf16(b);
}

double wb_load(wb_dtype d, const void *base, size_t i)
{
    switch (d) {
    case WB_F32:
        return ((const float *)base)[i];
    case WB_F16:
        return float_of_half(((const uint16_t *)base)[i]);
    default:
        return float_of_bf16(((const uint16_t *)base)[i]);
    }
}

double wb_store(wb_dtype d, void *base, size_t i, double v)
{
    switch (d) {
    case WB_F32:
        ((float *)base)[i] = (float)v;
        break;
    case WB_F16:
        ((uint16_t *)base)[i] = half_of((float)v);
        break;
    default:
        ((uint16_t *)base)[i] = bf16_of((float)v);
        break;
    }
    return wb_load(d, base, i);
}

void wb_store_values(wb_dtype d, void *typed, double *v, size_t n)
{
    switch (d) {
    case WB_F32: {
        float *t = typed;
        for (size_t i = 0; i < n; i++) {
            t[i] = (float)v[i];
            v[i] = t[i];
        }
        break;
    }
    case WB_F16: {
        uint16_t *t = typed;
        for (size_t i = 0; i < n; i++) {
            t[i] = half_of((float)v[i]);
            v[i] = float_of_half(t[i]);
        }
        break;
    }
    default: {
        uint16_t *t = typed;
        for (size_t i = 0; i < n; i++) {
            t[i] = bf16_of((float)v[i]);
            v[i] = float_of_bf16(t[i]);
        }
        break;
    }
    }
}

double wb_dtype_eps(wb_dtype d)
{
    switch (d) {
    case WB_F32:
        return FLT_EPSILON; /* 2^-23 */
    case WB_F16:
        return 0x1.0p-10;
    default:
        return 0x1.0p-7;
    }
}

double wb_dtype_max(wb_dtype d)
{
    switch (d) {
    case WB_F32:
        return FLT_MAX;
    case WB_F16:
        return 65504.0;
    default:
        return 0x1.fep127;
    }
}
