/* report_junit.c: JUnit XML for CI test tabs (GitLab, Jenkins, GitHub
 * reporters). Check's own XML output is not JUnit, hence this writer.
 *
 * <testsuites name="week0" tests= failures= errors="0" skipped= time=>
 *   <testsuite name="week0" ...>
 *     <properties> gpu, cc, driver, cuda_runtime, seed, copy ceiling, score </properties>
 *     <testcase classname="week0.copy" name="f32/1x1" time="0.000130">
 *       <failure message="..." type="wrong">full message</failure>   (or <skipped/>)
 *     </testcase>
 *     <system-out> the score breakdown </system-out>
 *   </testsuite>
 * </testsuites>
 *
 * time is the kernel's median time in seconds, 0 when it was not timed. */
#include <string.h>

#include "dtype.h"
#include "report.h"
#include "report_internal.h"

static void attr(FILE *f, const char *name, const char *value, size_t cap)
{
    fprintf(f, " %s=\"", name);
    wbr_xml_text(f, value, cap, 1);
    fputc('"', f);
}

static void property(FILE *f, const char *name, const char *value, size_t cap)
{
    fputs("      <property", f);
    attr(f, "name", name, strlen(name) + 1);
    attr(f, "value", value, cap);
    fputs("/>\n", f);
}

static void write_properties(FILE *f, const wb_env *env, const wb_score *score)
{
    char buf[96];
    fputs("    <properties>\n", f);
    property(f, "gpu", WBR_FIELD(env->device_name));
    snprintf(buf, sizeof buf, "%d.%d", env->cc_major, env->cc_minor);
    property(f, "cc", buf, sizeof buf);
    wbr_driver(buf, sizeof buf, env);
    property(f, "driver", buf, sizeof buf);
    wbr_cuda_version(buf, sizeof buf, env->runtime_version);
    property(f, "cuda_runtime", buf, sizeof buf);
    snprintf(buf, sizeof buf, "%llu", env->seed);
    property(f, "seed", buf, sizeof buf);
    snprintf(buf, sizeof buf, "%.1f", env->copy_ceiling_gbps);
    property(f, "copy_ceiling_gbps", buf, sizeof buf);
    property(f, "commit", WBR_FIELD(env->commit));
    if (!env->have_device)
        property(f, "no_device_reason", WBR_FIELD(env->no_device_reason));
    if (score) {
        snprintf(buf, sizeof buf, "%.2f", score->total);
        property(f, "score", buf, sizeof buf);
        snprintf(buf, sizeof buf, "%.2f", score->max);
        property(f, "max_score", buf, sizeof buf);
    }
    fputs("    </properties>\n", f);
}

static void write_testcase(FILE *f, const char *week, const wb_result *r)
{
    char classname[160], name[96];
    snprintf(classname, sizeof classname, "%s.%.*s", week, (int)wbr_len(WBR_FIELD(r->variant)),
             r->variant);
    size_t kind = wbr_len(WBR_FIELD(r->kind));
    snprintf(name, sizeof name, "%s/%ldx%ld%s%.*s",
             (int)r->dtype >= 0 && r->dtype < WB_DTYPE_COUNT ? wb_dtype_name(r->dtype) : "unknown",
             r->rows, r->cols, kind ? "/" : "", (int)kind, r->kind);
    fputs("    <testcase", f);
    attr(f, "classname", classname, sizeof classname);
    attr(f, "name", name, sizeof name);
    fprintf(f, " time=\"%.6f\"", r->wall_s);
    if (r->passed && !r->skipped) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n", f);
    if (r->skipped) {
        fputs("      <skipped", f);
        attr(f, "message", WBR_FIELD(r->message));
        fputs("/>\n", f);
    } else {
        const char *key = wb_category_key(r->category);
        fputs("      <failure", f);
        attr(f, "message", WBR_FIELD(r->message));
        attr(f, "type", key, strlen(key) + 1);
        fputc('>', f);
        const char *cname = wb_category_name(r->category);
        wbr_xml_text(f, cname, strlen(cname) + 1, 0);
        fputs(": ", f);
        wbr_xml_text(f, WBR_FIELD(r->message), 0);
        fputs("</failure>\n", f);
    }
    fputs("    </testcase>\n", f);
}

static void write_score_out(FILE *f, const wb_score *s)
{
    fputs("    <system-out>", f);
    char line[512];
    snprintf(line, sizeof line,
             "score %.2f / %.2f (full performance marks at %.2fx the "
             "reference time)\n",
             s->total, s->max, s->full_at);
    wbr_xml_text(f, line, sizeof line, 0);
    for (int k = 0; k < s->n_items; k++) {
        const wb_score_item *it = &s->items[k];
        char name[160];
        wbr_item_name(name, sizeof name, it);
        snprintf(line, sizeof line, "%s: %.2f / %.2f%s%.*s\n", name, it->points, it->spec.points,
                 it->note[0] ? "  " : "", (int)wbr_len(WBR_FIELD(it->note)), it->note);
        wbr_xml_text(f, line, sizeof line, 0);
    }
    fputs("</system-out>\n", f);
}

int wb_report_junit(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                    const wb_score *score)
{
    const char *w = wbr_week(week, env);
    if (!results)
        n = 0;
    wbr_counts c = wbr_count(results, n);
    double total_s = 0;
    for (int i = 0; i < n; i++)
        if (wbr_timed(&results[i]))
            total_s += results[i].ms / 1000.0;

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fputs("<testsuites", f);
    attr(f, "name", w, strlen(w) + 1);
    fprintf(f, " tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.6f\">\n", n,
            c.failed, c.skipped, total_s);
    fputs("  <testsuite", f);
    attr(f, "name", w, strlen(w) + 1);
    fprintf(f, " tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.6f\"", n,
            c.failed, c.skipped, total_s);
    if (env->date[0])
        attr(f, "timestamp", WBR_FIELD(env->date));
    fputs(">\n", f);
    write_properties(f, env, score);
    for (int i = 0; i < n; i++)
        write_testcase(f, w, &results[i]);
    if (score)
        write_score_out(f, score);
    fputs("  </testsuite>\n</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}
