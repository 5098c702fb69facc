/* dtype.h: host conversions between double and the workbook's element types,
 * with round-to-nearest-even like the device's conversion intrinsics. */
#ifndef WB_DTYPE_H
#define WB_DTYPE_H

#include <stddef.h>
#include <stdint.h>

#include "wb.h"

size_t wb_dtype_size(wb_dtype d);
const char *wb_dtype_name(wb_dtype d);            /* "f32", "f16", "bf16" */
int wb_dtype_parse(const char *s, wb_dtype *out); /* 0 on success */

uint16_t wb_float_to_half(float f);
float wb_half_to_float(uint16_t h);
uint16_t wb_float_to_bf16(float f);
float wb_bf16_to_float(uint16_t b);

/* Element i of a typed array, as a double. */
double wb_load(wb_dtype d, const void *base, size_t i);
/* Round v to the dtype and store it; returns the stored value as a double. */
double wb_store(wb_dtype d, void *base, size_t i, double v);
/* wb_store of v[0..n) into typed[0..n), each v[i] replaced by the value
 * stored: one tight loop per type, for the host's large draws. */
void wb_store_values(wb_dtype d, void *typed, double *v, size_t n);
/* Machine epsilon of the dtype (2^-23, 2^-10, 2^-7). */
double wb_dtype_eps(wb_dtype d);
/* Largest finite value of the dtype. */
double wb_dtype_max(wb_dtype d);

#endif
