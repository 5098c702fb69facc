/* report_json.c: the JSON report, schema workbook-results/1 (grader/REPORTS.md),
 * built with jansson. bench/results/<gpu>/weekN.json is the same format. */
#include <string.h>

#include "dtype.h"
#include "report.h"
#include "report_internal.h"

/* obj[k] = v, taking v's reference */
static void put(json_t *obj, const char *k, json_t *v)
{
    json_object_set_new(obj, k, v ? v : json_null());
}

#define STR(s) wbr_json_str(WBR_FIELD(s))

static json_t *cstr(const char *s)
{
    return wbr_json_str(s, strlen(s) + 1);
}

/* A timing figure: null when it was not measured, so no reader mistakes a
 * missing time for an infinitely fast kernel. */
static json_t *measured(int have, double v)
{
    return have ? wbr_json_num(v) : json_null();
}

static json_t *env_object(const wb_env *env)
{
    char buf[64];
    json_t *o = json_object();
    put(o, "have_device", json_boolean(env->have_device));
    put(o, "gpu", STR(env->device_name));
    put(o, "gpu_uuid", STR(env->gpu_uuid));
    put(o, "gpu_index", STR(env->gpu_index));
    snprintf(buf, sizeof buf, "%d.%d", env->cc_major, env->cc_minor);
    put(o, "cc", cstr(buf));
    put(o, "sms", json_integer(env->sm_count));
    put(o, "l2_bytes", json_integer(env->l2_bytes));
    put(o, "driver", STR(env->driver_string));
    wbr_cuda_version(buf, sizeof buf, env->driver_version);
    put(o, "cuda_driver", cstr(buf));
    wbr_cuda_version(buf, sizeof buf, env->runtime_version);
    put(o, "cuda_runtime", cstr(buf));
    put(o, "commit", STR(env->commit));
    put(o, "date", STR(env->date));
    /* readers that hold numbers as doubles (jq, JavaScript) round seeds past
     * 2^53, so the exact seed is also given as a string */
    put(o, "seed", json_integer((json_int_t)env->seed));
    snprintf(buf, sizeof buf, "%llu", env->seed);
    put(o, "seed_string", cstr(buf));
    put(o, "copy_ceiling_gbps", measured(env->copy_ceiling_gbps > 0, env->copy_ceiling_gbps));
    put(o, "read_ceiling_gbps", measured(env->read_ceiling_gbps > 0, env->read_ceiling_gbps));
    put(o, "engine", STR(env->engine));
    put(o, "jobs", json_integer(env->jobs));
    put(o, "no_device_reason", STR(env->no_device_reason));
    return o;
}

static json_t *result_object(const wb_env *env, const wb_result *r, int i, const wb_score *score)
{
    int timed = wbr_timed(r);
    json_t *o = json_object();
    put(o, "variant", STR(r->variant));
    put(o, "op", STR(r->op));
    put(o, "dtype",
        cstr((int)r->dtype >= 0 && r->dtype < WB_DTYPE_COUNT ? wb_dtype_name(r->dtype)
                                                             : "unknown"));
    put(o, "rows", json_integer(r->rows));
    put(o, "cols", json_integer(r->cols));
    put(o, "kind", STR(r->kind));
    put(o, "passed", json_boolean(r->passed && !r->skipped));
    put(o, "skipped", json_boolean(r->skipped));
    put(o, "ran", json_boolean(r->ran));
    put(o, "category", cstr(wb_category_key(r->category)));
    put(o, "message", STR(r->message));
    put(o, "ms", measured(timed, r->ms));
    put(o, "ms_spread", measured(timed, r->ms_spread));
    put(o, "gbps", measured(timed, r->gbps));
    double pct = wbr_pct_ceiling(env, r);
    put(o, "pct_ceiling", measured(pct > 0, pct));
    const char *base = wbr_baseline_name(WBR_FIELD(r->op));
    put(o, "baseline", base ? cstr(base) : json_null());
    put(o, "baseline_ms", measured(r->baseline_ms > 0, r->baseline_ms));
    double vs = wbr_vs_baseline(r);
    put(o, "vs_baseline", measured(vs > 0, vs));
    put(o, "reps", json_integer(r->reps));
    put(o, "bytes", wbr_json_num(r->bytes));
    put(o, "max_error", wbr_json_num(r->max_error));
    put(o, "checked_reps", json_integer(r->checked_reps));
    put(o, "wall_s", wbr_json_num(r->wall_s));
    if (score) {
        double max_points;
        double points = wb_score_points_for_result(score, i, &max_points);
        put(o, "points", wbr_json_num(points));
        put(o, "max_points", wbr_json_num(max_points));
    }
    return o;
}

static json_t *score_object(const wb_score *s)
{
    json_t *o = json_object(), *rule = json_object(), *items = json_array();
    put(o, "total", wbr_json_num(s->total));
    put(o, "max", wbr_json_num(s->max));
    put(rule, "full_at", wbr_json_num(s->full_at));
    put(rule, "perf_requires", cstr(s->perf_requires_variant ? "variant" : "test"));
    put(o, "rule", rule);
    for (int k = 0; k < s->n_items; k++) {
        const wb_score_item *it = &s->items[k];
        const wb_score_spec *sp = &it->spec;
        json_t *item = json_object();
        int correctness = sp->kind == WB_SCORE_CORRECTNESS;
        put(item, "kind", cstr(correctness ? "correctness" : "performance"));
        put(item, "variant", STR(sp->variant));
        if (correctness) {
            put(item, "tests", json_integer(it->tests));
            put(item, "passed", json_integer(it->passed));
        } else {
            put(item, "op", STR(sp->op));
            put(item, "dtype", cstr(wb_dtype_name(sp->dtype)));
            put(item, "rows", json_integer(sp->rows));
            put(item, "cols", json_integer(sp->cols));
            put(item, "ms", measured(it->ms > 0, it->ms));
            put(item, "baseline_ms", measured(it->baseline_ms > 0, it->baseline_ms));
            put(item, "ratio", measured(it->ratio > 0, it->ratio));
        }
        put(item, "points", wbr_json_num(it->points));
        put(item, "max_points", wbr_json_num(sp->points));
        put(item, "note", STR(it->note));
        json_array_append_new(items, item);
    }
    put(o, "items", items);
    return o;
}

int wb_report_json(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                   const wb_score *score)
{
    if (!results)
        n = 0;
    json_t *doc = json_object(), *list = json_array(), *summary = json_object();
    put(doc, "schema", cstr("workbook-results/1"));
    put(doc, "week", cstr(wbr_week(week, env)));
    put(doc, "env", env_object(env));
    if (score)
        put(doc, "score", score_object(score));
    wbr_counts c = wbr_count(results, n);
    put(summary, "tests", json_integer(n));
    put(summary, "passed", json_integer(c.passed));
    put(summary, "failed", json_integer(c.failed));
    put(summary, "skipped", json_integer(c.skipped));
    put(doc, "summary", summary);
    for (int i = 0; i < n; i++)
        json_array_append_new(list, result_object(env, &results[i], i, score));
    put(doc, "results", list);
    const json_t *profile = wbr_attached_profile();
    if (profile)
        json_object_set(doc, "profile", (json_t *)profile);
    int rc = json_dumpf(doc, f, JSON_INDENT(2));
    json_decref(doc);
    fputc('\n', f);
    return rc || ferror(f) ? -1 : 0;
}
