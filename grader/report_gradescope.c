/* report_gradescope.c: results.json for a Gradescope autograder.
 *
 * With a score, each scored item of the week's score file is one Gradescope
 * test (a variant's correctness, a benchmark's performance) carrying its
 * points; variants the score file does not name follow with no points. Without
 * a score, each graded test is one Gradescope test worth one point.
 * The top-level score is the total, so Gradescope shows exactly what the
 * terminal table and the JSON report show. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "report.h"
#include "report_internal.h"

/* A growing string for a test's output. */
typedef struct text {
    char *p;
    size_t len, cap;
    int failed;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return;
    if (t->len + (size_t)need + 1 > t->cap) {
        size_t cap = (t->cap ? t->cap * 2 : 256) + (size_t)need;
        char *p = realloc(t->p, cap);
        if (!p) {
            t->failed = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)need;
}

static const char *text_str(const text *t)
{
    return t->p && !t->failed ? t->p : "";
}

static const char *dtype_label(wb_dtype d)
{
    return (int)d >= 0 && d < WB_DTYPE_COUNT ? wb_dtype_name(d) : "unknown";
}

/* One failing or skipped test, as a line of a correctness item's output. */
static void add_result_line(text *t, const wb_result *r)
{
    add(t, "%s %ldx%ld: %s", dtype_label(r->dtype), r->rows, r->cols,
        r->skipped ? "skipped" : wb_category_name(r->category));
    size_t len = wbr_len(WBR_FIELD(r->message));
    if (len)
        add(t, ": %.*s", (int)len, r->message);
    add(t, "\n");
}

static void add_test(json_t *tests, const char *name, int passed, double score, double max_score,
                     const char *output)
{
    json_t *t = json_object();
    json_object_set_new(t, "name", wbr_json_str(name, strlen(name) + 1));
    json_object_set_new(t, "status", json_string(passed ? "passed" : "failed"));
    json_object_set_new(t, "score", wbr_json_num(score));
    json_object_set_new(t, "max_score", wbr_json_num(max_score));
    json_object_set_new(t, "visibility", json_string("visible"));
    json_object_set_new(t, "output", wbr_json_str(output, strlen(output) + 1));
    json_array_append_new(tests, t);
}

#define MAX_LISTED 20 /* failures listed per item; the JSON report has them all */

static void correctness_output(text *t, const wb_score_item *it, const wb_result *r, int n)
{
    if (it->tests == 0) {
        add(t, "No tests of %s ran.\n", it->spec.variant);
        return;
    }
    add(t, "%d of %d tests passed (every dtype and shape must pass for the points).\n", it->passed,
        it->tests);
    int listed = 0, bad = it->tests - it->passed;
    for (int i = 0; i < n; i++) {
        if (strncmp(r[i].variant, it->spec.variant, sizeof r[i].variant) != 0 ||
            (r[i].passed && !r[i].skipped))
            continue;
        if (listed++ < MAX_LISTED)
            add_result_line(t, &r[i]);
    }
    if (bad > MAX_LISTED)
        add(t, "... and %d more (see the JSON report)\n", bad - MAX_LISTED);
}

static void performance_output(text *t, const wb_score *s, const wb_score_item *it,
                               const wb_result *r)
{
    const char *base =
        it->result_index >= 0 ? wbr_baseline_name(WBR_FIELD(r[it->result_index].op)) : NULL;
    int timed = it->ms > 0 && it->baseline_ms > 0;
    if (timed)
        add(t,
            "%.4f ms against the reference %s%s%s%.4f ms, timed in this run: %.2fx the "
            "reference time (full marks at %.2fx or less).\n",
            it->ms, base ? "(" : "", base ? base : "", base ? ") " : "", it->baseline_ms, it->ratio,
            s->full_at);
    /* a scaled score's note only repeats the line above */
    if (it->note[0] && (!timed || it->points == 0))
        add(t, "%.*s\n", (int)wbr_len(WBR_FIELD(it->note)), it->note);
    if (it->result_index >= 0) {
        const wb_result *res = &r[it->result_index];
        if (!res->passed && !res->skipped)
            add_result_line(t, res);
    }
}

static int variant_scored(const wb_score *s, const char *variant, size_t cap)
{
    for (int k = 0; k < s->n_items; k++)
        if (strncmp(s->items[k].spec.variant, variant, cap) == 0)
            return 1;
    return 0;
}

static int seen_before(const wb_result *r, int i)
{
    for (int j = 0; j < i; j++)
        if (strncmp(r[j].variant, r[i].variant, sizeof r[i].variant) == 0)
            return 1;
    return 0;
}

static void scored_tests(json_t *tests, const wb_score *s, const wb_result *r, int n)
{
    for (int k = 0; k < s->n_items; k++) {
        const wb_score_item *it = &s->items[k];
        char name[160];
        text out = {0};
        wbr_item_name(name, sizeof name, it);
        if (it->spec.kind == WB_SCORE_CORRECTNESS)
            correctness_output(&out, it, r, n);
        else
            performance_output(&out, s, it, r);
        int passed = it->spec.kind == WB_SCORE_CORRECTNESS
                         ? it->tests > 0 && it->passed == it->tests
                         : it->note[0] == '\0';
        add_test(tests, name, passed, it->points, it->spec.points, text_str(&out));
        free(out.p);
    }
    /* a variant the lesson added but the score file does not name */
    for (int i = 0; i < n; i++) {
        if (variant_scored(s, WBR_FIELD(r[i].variant)) || seen_before(r, i))
            continue;
        wb_score_item it;
        memset(&it, 0, sizeof it);
        snprintf(it.spec.variant, sizeof it.spec.variant, "%.*s",
                 (int)wbr_len(WBR_FIELD(r[i].variant)), r[i].variant);
        for (int j = i; j < n; j++) {
            if (strncmp(r[j].variant, r[i].variant, sizeof r[i].variant) != 0)
                continue;
            it.tests++;
            it.passed += r[j].passed && !r[j].skipped;
        }
        char name[160];
        snprintf(name, sizeof name, "%s: correctness (not scored)", it.spec.variant);
        text out = {0};
        correctness_output(&out, &it, r, n);
        add_test(tests, name, it.passed == it.tests, 0, 0, text_str(&out));
        free(out.p);
    }
}

static void unscored_tests(json_t *tests, const wb_result *r, int n)
{
    for (int i = 0; i < n; i++) {
        char name[160];
        text out = {0};
        wbr_test_name(name, sizeof name, &r[i]);
        int passed = r[i].passed && !r[i].skipped;
        if (passed) {
            if (wbr_timed(&r[i]))
                add(&out, "%.4f ms, %.1f GB/s\n", r[i].ms, r[i].gbps);
        } else {
            add_result_line(&out, &r[i]);
        }
        add_test(tests, name, passed, passed ? 1 : 0, 1, text_str(&out));
        free(out.p);
    }
}

int wb_report_gradescope(FILE *f, const char *week, const wb_env *env, const wb_result *results,
                         int n, const wb_score *score)
{
    const char *w = wbr_week(week, env);
    if (!results)
        n = 0;
    wbr_counts c = wbr_count(results, n);
    double total = score ? score->total : c.passed;
    double max = score ? score->max : n;

    text out = {0};
    if (env->have_device) {
        char driver[96], runtime[32];
        wbr_driver(driver, sizeof driver, env);
        wbr_cuda_version(runtime, sizeof runtime, env->runtime_version);
        add(&out, "%s on %.*s (driver %s, CUDA %s), seed %llu.\n", w,
            (int)wbr_len(WBR_FIELD(env->device_name)), env->device_name, driver, runtime,
            env->seed);
    } else {
        add(&out, "%s: no GPU: %.*s\n", w, (int)wbr_len(WBR_FIELD(env->no_device_reason)),
            env->no_device_reason);
    }
    add(&out, "%d tests: %d passed, %d failed, %d skipped. Score %.2f / %.2f.\n", n, c.passed,
        c.failed, c.skipped, total, max);
    if (score)
        add(&out,
            "Performance: full marks at %.2fx the reference time or less, measured in "
            "the same run on the same GPU.\n",
            score->full_at);

    const char *profile = wbr_attached_text();
    if (profile)
        add(&out, "\n%s", profile);
    json_t *doc = json_object(), *extra = json_object(), *tests = json_array();
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", env->seed);
    json_object_set_new(doc, "score", wbr_json_num(total));
    double elapsed = wbr_elapsed_s(env);
    if (elapsed >= 0)
        json_object_set_new(doc, "execution_time", json_integer((json_int_t)(elapsed + 0.5)));
    json_object_set_new(doc, "visibility", json_string("visible"));
    json_object_set_new(doc, "stdout_visibility", json_string("visible"));
    json_object_set_new(doc, "output", wbr_json_str(text_str(&out), out.len + 1));
    json_object_set_new(extra, "max_score", wbr_json_num(max));
    json_object_set_new(extra, "week", wbr_json_str(w, strlen(w) + 1));
    json_object_set_new(extra, "seed", json_string(seed));
    json_object_set_new(doc, "extra_data", extra);
    free(out.p);
    if (score)
        scored_tests(tests, score, results, n);
    else
        unscored_tests(tests, results, n);
    json_object_set_new(doc, "tests", tests);
    int rc = json_dumpf(doc, f, JSON_INDENT(2));
    json_decref(doc);
    fputc('\n', f);
    return rc || ferror(f) ? -1 : 0;
}
