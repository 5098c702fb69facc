/* wb.h: the contract between a lesson's kernels and the grader.
 *
 * A lesson tangles a header and a .cu file. The .cu file defines, with C
 * linkage, one launcher per kernel variant and the table
 *
 *     const wb_variant wb_lesson_variants[];
 *     const int wb_lesson_variant_count;
 *
 * The grader iterates over that table, so a variant added to the lesson is
 * graded without touching the grader. The op named in each entry decides
 * what the launcher must compute (see grader/suite.h and the week's suite).
 *
 * This header is read by gcc (C11, host code) and nvcc (kernels), so it
 * uses only C and the CUDA runtime API's types.
 */
#ifndef WB_H
#define WB_H

#include <cuda_runtime_api.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types. Reductions and softmax accumulate in float32 whatever the
 * element type. */
typedef enum { WB_F32 = 0, WB_F16 = 1, WB_BF16 = 2, WB_DTYPE_COUNT = 3 } wb_dtype;

#define WB_DT(d)      (1u << (d))
#define WB_ALL_DTYPES (WB_DT(WB_F32) | WB_DT(WB_F16) | WB_DT(WB_BF16))

#define WB_MAX_INPUTS 3

/* What a launcher receives. Every pointer is device memory. */
typedef struct wb_problem {
    wb_dtype dtype;
    long rows, cols; /* shape of the inputs, row-major; a whole-array op has rows == 1 */
    /* The op's inputs in the order it names them (`grade --list` shows the
     * names): x for copy, transpose, the reductions and softmax; dy then y
     * for softmax_backward. Unused entries are NULL. */
    const void *in[WB_MAX_INPUTS];
    void *y;                /* the output (dx for softmax_backward); its shape is given by the op */
    void *workspace;        /* scratch of workspace_bytes, contents undefined */
    size_t workspace_bytes; /* what the variant's workspace() asked for */
    cudaStream_t stream;    /* launch on this stream */
} wb_problem;

/* A launcher returns WB_OK after queueing its kernels, a cudaError_t value
 * (cudaGetLastError() after the launch) when the launch failed, or one of the
 * two codes below. It must not synchronise. */
enum {
    WB_OK = 0,
    WB_UNSUPPORTED = -1,    /* this variant cannot handle this shape or dtype */
    WB_NOT_IMPLEMENTED = -2 /* the student edition's stub */
};
typedef int (*wb_launcher)(const wb_problem *p);

typedef struct wb_variant {
    const char *name;                         /* e.g. "transpose_tiled32"; unique in the lesson */
    const char *op;                           /* the op it computes, e.g. "transpose" */
    wb_launcher launch;                       /* the extern "C" launcher */
    unsigned dtypes;                          /* WB_DT mask of supported element types */
    long max_cols;                            /* longest row handled; 0 means any */
    size_t (*workspace)(const wb_problem *p); /* scratch bytes needed, NULL: none */
    const char *summary;                      /* one line for reports and the book */
} wb_variant;

extern const wb_variant wb_lesson_variants[];
extern const int wb_lesson_variant_count;

#ifdef __cplusplus
}
#endif
#endif /* WB_H */
