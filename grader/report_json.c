/* report_json.c: the JSON report, schema workbook-results/1 (grader/REPORTS.md). */
#include <string.h>

#include "dtype.h"
#include "report.h"
#include "report_internal.h"

static void key(FILE *f, const char *k)
{
    fprintf(f, "\"%s\": ", k);
}

static void str_field(FILE *f, const char *k, const char *s, size_t cap, const char *after)
{
    key(f, k);
    wbr_json_string(f, s, cap);
    fputs(after, f);
}

static void num_field(FILE *f, const char *k, double v, const char *after)
{
    key(f, k);
    wbr_json_number(f, v);
    fputs(after, f);
}

/* A timing figure: null when the test was not timed, so no reader mistakes a
 * missing time for an infinitely fast kernel. */
static void timed_field(FILE *f, const char *k, int have, double v, const char *after)
{
    key(f, k);
    if (have)
        wbr_json_number(f, v);
    else
        fputs("null", f);
    fputs(after, f);
}

static void bool_field(FILE *f, const char *k, int v, const char *after)
{
    fprintf(f, "\"%s\": %s%s", k, v ? "true" : "false", after);
}

static void write_env(FILE *f, const wb_env *env)
{
    char buf[64];
    fputs("  \"env\": {\n", f);
    fputs("    ", f);
    bool_field(f, "have_device", env->have_device, ",\n    ");
    str_field(f, "gpu", WBR_FIELD(env->device_name), ",\n    ");
    str_field(f, "gpu_uuid", WBR_FIELD(env->gpu_uuid), ",\n    ");
    str_field(f, "gpu_index", WBR_FIELD(env->gpu_index), ",\n    ");
    snprintf(buf, sizeof buf, "%d.%d", env->cc_major, env->cc_minor);
    str_field(f, "cc", buf, sizeof buf, ",\n    ");
    num_field(f, "sms", env->sm_count, ",\n    ");
    num_field(f, "l2_bytes", (double)env->l2_bytes, ",\n    ");
    str_field(f, "driver", WBR_FIELD(env->driver_string), ",\n    ");
    wbr_cuda_version(buf, sizeof buf, env->driver_version);
    str_field(f, "cuda_driver", buf, sizeof buf, ",\n    ");
    wbr_cuda_version(buf, sizeof buf, env->runtime_version);
    str_field(f, "cuda_runtime", buf, sizeof buf, ",\n    ");
    str_field(f, "commit", WBR_FIELD(env->commit), ",\n    ");
    str_field(f, "date", WBR_FIELD(env->date), ",\n    ");
    /* Readers that hold numbers as doubles (jq, JavaScript) round seeds past
     * 2^53, so the exact seed is also given as a string. */
    fprintf(f, "\"seed\": %llu,\n    \"seed_string\": \"%llu\",\n    ", env->seed, env->seed);
    timed_field(f, "copy_ceiling_gbps", env->copy_ceiling_gbps > 0, env->copy_ceiling_gbps,
                ",\n    ");
    timed_field(f, "read_ceiling_gbps", env->read_ceiling_gbps > 0, env->read_ceiling_gbps,
                ",\n    ");
    str_field(f, "engine", WBR_FIELD(env->engine), ",\n    ");
    num_field(f, "jobs", env->jobs, ",\n    ");
    str_field(f, "no_device_reason", WBR_FIELD(env->no_device_reason), "\n");
    fputs("  },\n", f);
}

static void write_result(FILE *f, const wb_env *env, const wb_result *r, int i,
                         const wb_score *score)
{
    const char *sep = ", ";
    int timed = wbr_timed(r);
    fputs("    { ", f);
    str_field(f, "variant", WBR_FIELD(r->variant), sep);
    str_field(f, "op", WBR_FIELD(r->op), sep);
    const char *dt =
        (int)r->dtype >= 0 && r->dtype < WB_DTYPE_COUNT ? wb_dtype_name(r->dtype) : "unknown";
    str_field(f, "dtype", dt, strlen(dt) + 1, sep);
    num_field(f, "rows", (double)r->rows, sep);
    num_field(f, "cols", (double)r->cols, sep);
    str_field(f, "kind", WBR_FIELD(r->kind), ",\n      ");
    bool_field(f, "passed", r->passed && !r->skipped, sep);
    bool_field(f, "skipped", r->skipped, sep);
    bool_field(f, "ran", r->ran, sep);
    const char *cat = wb_category_key(r->category);
    str_field(f, "category", cat, strlen(cat) + 1, ",\n      ");
    str_field(f, "message", WBR_FIELD(r->message), ",\n      ");
    timed_field(f, "ms", timed, r->ms, sep);
    timed_field(f, "ms_spread", timed, r->ms_spread, sep);
    timed_field(f, "gbps", timed, r->gbps, sep);
    timed_field(f, "pct_ceiling", wbr_pct_ceiling(env, r) > 0, wbr_pct_ceiling(env, r), sep);
    const char *base = wbr_baseline_name(WBR_FIELD(r->op));
    key(f, "baseline");
    if (base)
        wbr_json_string(f, base, strlen(base) + 1);
    else
        fputs("null", f);
    fputs(sep, f);
    timed_field(f, "baseline_ms", r->baseline_ms > 0, r->baseline_ms, sep);
    timed_field(f, "vs_baseline", wbr_vs_baseline(r) > 0, wbr_vs_baseline(r), ",\n      ");
    num_field(f, "reps", r->reps, sep);
    num_field(f, "bytes", r->bytes, sep);
    num_field(f, "max_error", r->max_error, sep);
    num_field(f, "checked_reps", r->checked_reps, sep);
    num_field(f, "wall_s", r->wall_s, "");
    if (score) {
        double max_points;
        double points = wb_score_points_for_result(score, i, &max_points);
        fputs(sep, f);
        num_field(f, "points", points, sep);
        num_field(f, "max_points", max_points, "");
    }
    fputs(" }", f);
}

static void write_score(FILE *f, const wb_score *s)
{
    fputs("  \"score\": {\n    ", f);
    num_field(f, "total", s->total, ", ");
    num_field(f, "max", s->max, ",\n    ");
    fputs("\"rule\": { ", f);
    num_field(f, "full_at", s->full_at, ", ");
    fprintf(f, "\"perf_requires\": \"%s\" },\n", s->perf_requires_variant ? "variant" : "test");
    fputs("    \"items\": [", f);
    for (int k = 0; k < s->n_items; k++) {
        const wb_score_item *it = &s->items[k];
        const wb_score_spec *sp = &it->spec;
        fputs(k ? ",\n      { " : "\n      { ", f);
        if (sp->kind == WB_SCORE_CORRECTNESS) {
            fputs("\"kind\": \"correctness\", ", f);
            str_field(f, "variant", WBR_FIELD(sp->variant), ", ");
            num_field(f, "tests", it->tests, ", ");
            num_field(f, "passed", it->passed, ", ");
        } else {
            fputs("\"kind\": \"performance\", ", f);
            str_field(f, "variant", WBR_FIELD(sp->variant), ", ");
            str_field(f, "op", WBR_FIELD(sp->op), ", ");
            const char *dt = wb_dtype_name(sp->dtype);
            str_field(f, "dtype", dt, strlen(dt) + 1, ", ");
            num_field(f, "rows", (double)sp->rows, ", ");
            num_field(f, "cols", (double)sp->cols, ", ");
            timed_field(f, "ms", it->ms > 0, it->ms, ", ");
            timed_field(f, "baseline_ms", it->baseline_ms > 0, it->baseline_ms, ", ");
            timed_field(f, "ratio", it->ratio > 0, it->ratio, ", ");
        }
        num_field(f, "points", it->points, ", ");
        num_field(f, "max_points", sp->points, ", ");
        str_field(f, "note", WBR_FIELD(it->note), " }");
    }
    fputs(s->n_items ? "\n    ]\n  },\n" : "]\n  },\n", f);
}

int wb_report_json(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                   const wb_score *score)
{
    const char *w = wbr_week(week, env);
    if (!results)
        n = 0;
    fputs("{\n  \"schema\": \"workbook-results/1\",\n  ", f);
    str_field(f, "week", w, strlen(w) + 1, ",\n");
    write_env(f, env);
    if (score)
        write_score(f, score);
    wbr_counts c = wbr_count(results, n);
    fprintf(f,
            "  \"summary\": { \"tests\": %d, \"passed\": %d, \"failed\": %d, \"skipped\": %d },\n",
            n, c.passed, c.failed, c.skipped);
    fputs("  \"results\": [", f);
    for (int i = 0; i < n; i++) {
        fputs(i ? ",\n" : "\n", f);
        write_result(f, env, &results[i], i, score);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
    return ferror(f) ? -1 : 0;
}
