/* score.h: points for a week, from a readable config file and one run's results.
 *
 * The rule, in the style of Stanford CS149's checker:
 *   - correctness: a variant earns its points only when every one of its tests
 *     (every dtype and shape) ran and passed;
 *   - performance: each listed benchmark (variant, op, dtype, shape) earns full
 *     points when the learner's time t is at most full_at (1.2) times the
 *     reference time r, else points * full_at * r / t; zero when that test
 *     failed. r is the ref/gpu baseline timed in the same run on the same GPU
 *     (wb_result.baseline_ms), never a stored figure, so marks are fair on any GPU.
 *
 * The config file (grader/weekN.score) is line based; `#` starts a comment:
 *   rule full_at 1.2
 *   rule perf_requires test          (or: variant; see below)
 *   correctness <variant> <points>
 *   performance <variant> <op> <dtype> <rows>x<cols> <points>
 *   require dtypes f32 f16 bf16      every variant must handle these (else missing_support)
 *   require shapes                   every graded shape must be supported, except:
 *   limit <variant> max_cols <N>     the variant's documented limit: unsupported past N is
 *                                    reported and costs nothing
 * perf_requires variant: a benchmark earns nothing unless its variant's
 * correctness tests all passed as well (default: only the timed test must pass).
 */
#ifndef WB_SCORE_H
#define WB_SCORE_H

#include <stddef.h>

#include "result.h"
#include "test_plan.h"

#define WB_SCORE_MAX_ITEMS 128
#define WB_SCORE_NOTE_LEN  160

typedef enum { WB_SCORE_CORRECTNESS = 0, WB_SCORE_PERFORMANCE = 1 } wb_score_kind;

/* One scored line of the config file. */
typedef struct wb_score_spec {
    wb_score_kind kind;
    char variant[64];
    char op[32];     /* performance only */
    wb_dtype dtype;  /* performance only */
    long rows, cols; /* performance only */
    double points;   /* the most this item can earn */
    int line;        /* where it was written, for messages */
} wb_score_spec;

typedef struct wb_score_config {
    char path[256];
    double full_at;            /* full performance marks at or below full_at x reference time */
    int perf_requires_variant; /* 1: performance points need the variant's correctness too */
    int n_items;
    wb_score_spec items[WB_SCORE_MAX_ITEMS];
    wb_requirements require; /* what the week asks of every variant */
} wb_score_config;

/* What one config item earned in one run. */
typedef struct wb_score_item {
    wb_score_spec spec;
    double points; /* earned, 0 <= points <= spec.points */
    /* correctness: the variant's tests seen and passed */
    int tests, passed;
    /* performance: the result it was timed from (index into the results, -1
     * when none), the two times and t_learner / t_ref (0 when not timed) */
    int result_index;
    double ms, baseline_ms, ratio;
    char note[WB_SCORE_NOTE_LEN]; /* why points were lost; "" when full */
} wb_score_item;

typedef struct wb_score {
    double total, max;
    double full_at;
    int perf_requires_variant;
    int n_items;
    wb_score_item items[WB_SCORE_MAX_ITEMS];
} wb_score;

/* Parse a config file into *cfg. Returns 0, or -1 with a message
 * "FILE:LINE: what is wrong" (or "FILE: why it cannot be read") in err. */
int wb_score_load(const char *path, wb_score_config *cfg, char *err, size_t errlen);

/* Same, from text already in memory; `name` stands for the file in messages. */
int wb_score_parse(const char *name, const char *text, wb_score_config *cfg, char *err,
                   size_t errlen);

/* Score one run's results against the config. */
wb_score wb_score_compute(const wb_score_config *cfg, const wb_result *results, int n);

/* Performance points earned by result i (0 when it is no scored benchmark);
 * *max_points (if not NULL) gets the most it could have earned. Correctness
 * points belong to a variant, not to one test: see the score's items. */
double wb_score_points_for_result(const wb_score *s, int i, double *max_points);

#endif /* WB_SCORE_H */
