/* result.h: one graded test's outcome, and the run it belongs to.
 *
 * Test children write their wb_result into a slot of a shared mapping the
 * parent made before forking, so a child that crashes or hangs still leaves
 * what it managed to record, and the parent fills in the verdict from Check.
 */
#ifndef WB_RESULT_H
#define WB_RESULT_H

#include "wb.h"

#define WB_MSG_LEN 512

/* Why a test failed: the category a report (and the mutant bank) names. */
typedef enum {
    WB_CAT_NONE = 0,        /* passed */
    WB_CAT_WRONG,           /* a value outside the tolerance */
    WB_CAT_NAN,             /* NaN or Inf where the reference is finite */
    WB_CAT_UNWRITTEN,       /* an output element still holds the poison */
    WB_CAT_OUT_OF_BOUNDS,   /* a guard zone around an output was written */
    WB_CAT_INPUT_MODIFIED,  /* the input differs after the launch */
    WB_CAT_CUDA_ERROR,      /* a launch or runtime error (illegal address, trap) */
    WB_CAT_TIMEOUT,         /* the test ran past its time limit */
    WB_CAT_CRASH,           /* the test process died on a signal */
    WB_CAT_UNSUPPORTED,     /* the variant said it cannot handle this shape */
    WB_CAT_NOT_IMPLEMENTED, /* the student edition's stub */
    WB_CAT_REPEAT_MISMATCH, /* right once, wrong on a timed repetition */
    WB_CAT_PROPERTY,        /* a property check of the op failed */
    WB_CAT_FORBIDDEN,       /* the build references a forbidden symbol */
    WB_CAT_TIMED_MISMATCH,  /* a checked timed repetition was wrong: fast only when unchecked */
    WB_CAT_UNSYNCHRONISED,  /* work escaped p->stream, so the timer did not see it */
    WB_CAT_FORBIDDEN_CALL,  /* the run-time guard saw a call outside the allow-list */
    WB_CAT_IMPLAUSIBLE,     /* faster than the ceiling measured in the same run allows */
    WB_CAT_READ_OOB,        /* the output depends on memory outside the inputs */
    WB_CAT_MISSING_SUPPORT, /* a dtype or shape the week requires is not handled */
    WB_CAT_COUNT
} wb_category;

const char *wb_category_name(wb_category c); /* "wrong value", "timeout", ... */
const char *wb_category_key(wb_category c);  /* "wrong", "timeout", ... */

typedef struct wb_result {
    /* what was run */
    char variant[64];
    char op[32];
    wb_dtype dtype;
    long rows, cols;
    char kind[16]; /* the input kind's name, "" for the ordinary inputs */
    /* verdict */
    int ran;     /* the child got as far as launching */
    int passed;  /* 1 pass, 0 fail */
    int skipped; /* not run: filtered out, or no device */
    wb_category category;
    char message[WB_MSG_LEN];
    double max_error; /* largest |got - want| seen, for tolerance ops */
    /* timing (0 when not timed) */
    double ms;        /* median kernel time */
    double ms_spread; /* (p90 - p10) / median of the repetitions */
    int reps;
    double gbps;        /* min_bytes / ms */
    double baseline_ms; /* the op's ref/gpu baseline on the same shape */
    double bytes;
    int checked_reps; /* timed repetitions whose output was checked */
    double wall_s;    /* the test's wall time, GPU waits excluded */
} wb_result;

/* The run: device, seed, and the copy ceiling measured in it. */
typedef struct wb_env {
    int have_device;
    char device_name[256];
    char gpu_uuid[48];  /* "GPU-xxxxxxxx-...", as nvidia-smi names it */
    char gpu_index[32]; /* CUDA_VISIBLE_DEVICES as the grader saw it, "" when unset */
    double free_mem_bytes;
    int cc_major, cc_minor;
    int sm_count;
    long l2_bytes;
    int driver_version;       /* cudaDriverGetVersion, e.g. 13000 */
    int runtime_version;      /* cudaRuntimeGetVersion */
    char driver_string[64];   /* nvidia-smi's driver version where readable */
    double copy_ceiling_gbps; /* cudaMemcpy D2D of a large buffer, read + write */
    double read_ceiling_gbps; /* a kernel that only reads a large buffer */
    int jobs;                 /* correctness workers sharing the GPU */
    char engine[16];          /* "worker", "test" (a process per test) or "in-process" */
    unsigned long long seed;
    char commit[48];
    char date[32]; /* ISO 8601 UTC */
    char week[16];
    char no_device_reason[300];
} wb_env;

#endif
