/* compare.h: judge a learner's output against the reference, on the host.
 * Kept free of CUDA so CI tests it without a GPU. */
#ifndef WB_COMPARE_H
#define WB_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

/* The byte the grader fills outputs with before a launch: 0xFF makes a NaN
 * in float32, float16 and bfloat16 alike, so an unwritten element can never
 * pass, and its exact bit pattern tells "unwritten" from "computed NaN". */
#define WB_POISON_BYTE    0xFF
#define WB_POISON_PATTERN 0xFFFFFFFFu
/* The byte guard zones around outputs are filled with. */
#define WB_CANARY_BYTE 0x5A
/* The byte guard zones around inputs are filled with: 0x7B7B7B7B is about
 * 1.3e36 in float32, 0x7B7B about 6.1e4 in float16 and 1.3e36 in bfloat16,
 * all finite and positive, so a kernel that reads one into a sum, a max or a
 * softmax gets an answer far outside its bound. */
#define WB_INPUT_GUARD_BYTE 0x7B

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

/* What a timed repetition's output must hold: the checked run's reference,
 * read through `source` (where element i comes from and whether its sign
 * flipped; NULL: element i itself), and the poison the repetition's output
 * was filled with (an unwritten element still holds the first bytes of it). */
typedef struct wb_expected {
    const double *want, *bound; /* bound NULL: exact */
    long (*source)(long i, int *negated, const void *ctx);
    const void *ctx;
    uint32_t poison;
} wb_expected;

wb_verdict wb_compare_expected(wb_dtype dtype, const void *got, const wb_expected *e, long n);

/* A readable message: "y[3][250] (flat 1021): expected 0.5, got NaN (never written);
 * 12 of 65535 elements bad; largest error 0". */
void wb_verdict_message(const wb_verdict *v, long out_cols, long n, char *buf, size_t len);

/* First byte of a guard zone that no longer holds `byte`, or -1. */
long wb_guard_first_bad(const unsigned char *guard, size_t len, unsigned char byte);

#endif
