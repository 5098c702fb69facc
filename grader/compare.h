/* compare.h: judge a learner's output against the reference, on the host.
 * Kept free of CUDA so CI tests it without a GPU. */
#ifndef WB_COMPARE_H
#define WB_COMPARE_H

#include <stddef.h>

#include "result.h"

/* The byte the grader fills outputs with before a launch: 0xFF makes a NaN
 * in float32, float16 and bfloat16 alike, so an unwritten element can never
 * pass, and its exact bit pattern tells "unwritten" from "computed NaN". */
#define WB_POISON_BYTE 0xFF
/* The byte guard zones around outputs are filled with. */
#define WB_CANARY_BYTE 0x5A

typedef struct wb_verdict {
    wb_category category; /* WB_CAT_NONE when every element is within bound */
    long first_bad;       /* index of the first bad element, -1 if none */
    long bad_count;
    double want, got; /* at first_bad */
    double max_error; /* largest |got - want| over finite elements */
} wb_verdict;

/* got: raw output of n elements of dtype; want, bound: reference and allowed
 * error per element (bound NULL: exact). */
wb_verdict wb_compare(wb_dtype dtype, const void *got, const double *want, const double *bound,
                      long n);

/* A readable message: "y[3][250] (flat 1021): expected 0.5, got NaN (never written);
 * 12 of 65535 elements bad; largest error 0". */
void wb_verdict_message(const wb_verdict *v, long out_cols, long n, char *buf, size_t len);

/* First byte of a guard zone that no longer holds the canary, or -1. */
long wb_guard_first_bad(const unsigned char *guard, size_t len);

#endif
