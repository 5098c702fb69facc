/* report_tap.c: Test Anything Protocol, version 13.
 *
 *   TAP version 13
 *   1..N
 *   ok 1 - copy/f32/1x1
 *   not ok 2 - transpose_naive/f16/33x65 # wrong: element 5 ...
 *     ---
 *     category: wrong
 *     message: "the full message, JSON-quoted (valid YAML)"
 *     ...
 *   ok 3 - copy/bf16/1x1 # SKIP no device
 *
 * A TAP line is one line, so the message on it is flattened; the YAML block
 * under a failure keeps it whole. */
#include <string.h>

#include "report.h"
#include "report_internal.h"

static void yaml_number(FILE *f, const char *k, double v)
{
    fprintf(f, "  %s: ", k);
    wbr_json_print(f, wbr_json_num(v));
    fputc('\n', f);
}

static void write_failure_yaml(FILE *f, const wb_result *r)
{
    fputs("  ---\n", f);
    fprintf(f, "  category: %s\n", wb_category_key(r->category));
    fputs("  message: ", f);
    wbr_json_print(f, wbr_json_str(WBR_FIELD(r->message)));
    fputc('\n', f);
    if (r->max_error != 0)
        yaml_number(f, "max_error", r->max_error);
    if (wbr_timed(r)) {
        yaml_number(f, "ms", r->ms);
        if (r->baseline_ms > 0)
            yaml_number(f, "baseline_ms", r->baseline_ms);
    }
    fputs("  ...\n", f);
}

int wb_report_tap(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                  const wb_score *score)
{
    if (!results)
        n = 0;
    fputs("TAP version 13\n", f);
    if (n == 0) {
        char reason[sizeof env->no_device_reason + 1];
        wbr_one_line(reason, sizeof reason, WBR_FIELD(env->no_device_reason));
        fprintf(f, "1..0 # SKIP %s\n", reason[0] ? reason : "no tests");
        return ferror(f) ? -1 : 0;
    }
    fprintf(f, "1..%d\n", n);
    char gpu[sizeof env->device_name + 1];
    wbr_one_line(gpu, sizeof gpu, WBR_FIELD(env->device_name));
    fprintf(f, "# %s on %s, seed %llu\n", wbr_week(week, env), gpu[0] ? gpu : "no GPU", env->seed);
    for (int i = 0; i < n; i++) {
        const wb_result *r = &results[i];
        char name[160], msg[WB_MSG_LEN + 1];
        wbr_test_name(name, sizeof name, r);
        wbr_one_line(msg, sizeof msg, WBR_FIELD(r->message));
        /* `#` starts TAP's directive, so a name must not carry one */
        for (char *p = name; *p; p++)
            if (*p == '#')
                *p = '_';
        if (r->skipped) {
            fprintf(f, "ok %d - %s # SKIP %s\n", i + 1, name, msg[0] ? msg : "skipped");
        } else if (r->passed) {
            fprintf(f, "ok %d - %s\n", i + 1, name);
        } else {
            fprintf(f, "not ok %d - %s # %s: %s\n", i + 1, name, wb_category_key(r->category),
                    msg[0] ? msg : wb_category_name(r->category));
            write_failure_yaml(f, r);
        }
    }
    wbr_counts c = wbr_count(results, n);
    fprintf(f, "# passed %d, failed %d, skipped %d\n", c.passed, c.failed, c.skipped);
    if (score)
        fprintf(f, "# score %.2f / %.2f\n", score->total, score->max);
    return ferror(f) ? -1 : 0;
}
