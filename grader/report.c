/* report.c: what the report writers share, and writing every report at once.
 * The writers themselves are report_json.c, report_tap.c, report_junit.c,
 * report_gradescope.c and report_table.c. */
#define _POSIX_C_SOURCE 200809L /* fsync, mkdir, getpid */

#include "report.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "dtype.h"
#include "report_internal.h"
#include "suite.h"

/* The week suite defines wb_this_week in the grader binary; the host tests of
 * the writers link no suite. A weak reference lets both link: it is NULL
 * where no suite is linked, and the baseline's name is then left out. */
#pragma weak wb_this_week

size_t wbr_len(const char *s, size_t cap)
{
    const char *nul = memchr(s, '\0', cap);
    return nul ? (size_t)(nul - s) : cap;
}

size_t wbr_utf8_next(const unsigned char *s, size_t len, long *cp)
{
    unsigned c = s[0];
    size_t need;
    long min, v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 2, min = 0x80, v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3, min = 0x800, v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4, min = 0x10000, v = c & 0x07;
    } else {
        *cp = -1;
        return 1;
    }
    if (len < need) {
        *cp = -1;
        return 1;
    }
    for (size_t k = 1; k < need; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[k] & 0x3F);
    }
    /* overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8 */
    if (v < min || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return need;
}

/* The profile section of --attach-profile, embedded by every writer. */
static json_t *attached_profile;
static char *attached_text;

int wb_report_attach_profile(const char *path, char *err, size_t len)
{
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    if (!doc) {
        snprintf(err, len, "%s:%d: %s", path, e.line, e.text);
        return -1;
    }
    json_t *profile = json_object_get(doc, "profile");
    json_t *text = json_object_get(doc, "text");
    if (!profile || (text && !json_is_string(text))) {
        snprintf(err, len, "%s: expected {\"profile\": ..., \"text\": \"...\"} (grader/REPORTS.md)",
                 path);
        json_decref(doc);
        return -1;
    }
    json_decref(attached_profile);
    free(attached_text);
    attached_profile = json_incref(profile);
    attached_text = text ? strdup(json_string_value(text)) : NULL;
    json_decref(doc);
    return 0;
}

const json_t *wbr_attached_profile(void)
{
    return attached_profile;
}

const char *wbr_attached_text(void)
{
    return attached_text && *attached_text ? attached_text : NULL;
}

json_t *wbr_json_str(const char *s, size_t cap)
{
    /* jansson takes only valid UTF-8: malformed bytes become U+FFFD first */
    const unsigned char *p = (const unsigned char *)s;
    size_t len = wbr_len(s, cap), k = 0;
    char *clean = malloc(3 * len + 1);
    if (!clean)
        return json_null();
    for (size_t i = 0; i < len;) {
        long cp;
        size_t used = wbr_utf8_next(p + i, len - i, &cp);
        if (cp < 0 || cp == 0) {
            memcpy(clean + k, "\xef\xbf\xbd", 3);
            k += 3;
        } else {
            memcpy(clean + k, p + i, used);
            k += used;
        }
        i += used;
    }
    json_t *v = json_stringn(clean, k);
    free(clean);
    return v ? v : json_null();
}

json_t *wbr_json_num(double v)
{
    if (!isfinite(v))
        return json_null(); /* JSON has no NaN nor infinity */
    if (v == floor(v) && fabs(v) < 1e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

int wbr_json_print(FILE *f, json_t *v)
{
    int rc = v ? json_dumpf(v, f, JSON_ENCODE_ANY | JSON_COMPACT) : -1;
    json_decref(v);
    return rc;
}

void wbr_xml_text(FILE *f, const char *s, size_t cap, int attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = wbr_len(s, cap);
    for (size_t i = 0; i < len;) {
        long cp;
        size_t used = wbr_utf8_next(p + i, len - i, &cp);
        if (cp == '&')
            fputs("&amp;", f);
        else if (cp == '<')
            fputs("&lt;", f);
        else if (cp == '>')
            fputs("&gt;", f);
        else if (cp == '"')
            fputs("&quot;", f);
        else if (cp == '\'')
            fputs("&apos;", f);
        else if (cp == '\n' || cp == '\t' || cp == '\r')
            /* an attribute's line breaks survive only as references */
            attr ? fprintf(f, "&#%ld;", cp) : fputc((int)cp, f);
        else if (cp < 0 || cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
            fputs("&#xFFFD;", f);
        else if (cp == 0x7F)
            fputs("&#x7F;", f);
        else
            fwrite(p + i, 1, used, f);
        i += used;
    }
}

void wbr_one_line(char *buf, size_t bufcap, const char *s, size_t cap)
{
    size_t len = wbr_len(s, cap), o = 0;
    if (bufcap == 0)
        return;
    for (size_t i = 0; i < len && o + 1 < bufcap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        else if (c < 0x20 || c == 0x7F)
            c = '?'; /* never send a terminal a control sequence from a message */
        buf[o++] = (char)c;
    }
    buf[o] = '\0';
}

const char *wbr_week(const char *week, const wb_env *env)
{
    if (week && *week)
        return week;
    if (env && env->week[0] && wbr_len(WBR_FIELD(env->week)) < sizeof env->week)
        return env->week;
    return "week";
}

void wbr_shape(char *buf, size_t cap, const wb_result *r)
{
    snprintf(buf, cap, "%ldx%ld", r->rows, r->cols);
}

static const char *dtype_label(wb_dtype d)
{
    return (int)d >= 0 && d < WB_DTYPE_COUNT ? wb_dtype_name(d) : "unknown";
}

void wbr_test_name(char *buf, size_t cap, const wb_result *r)
{
    size_t kind = wbr_len(WBR_FIELD(r->kind));
    snprintf(buf, cap, "%.*s/%s/%ldx%ld%s%.*s", (int)wbr_len(WBR_FIELD(r->variant)), r->variant,
             dtype_label(r->dtype), r->rows, r->cols, kind ? "/" : "", (int)kind, r->kind);
}

void wbr_cuda_version(char *buf, size_t cap, int v)
{
    if (v <= 0)
        snprintf(buf, cap, "unknown");
    else
        snprintf(buf, cap, "%d.%d", v / 1000, (v % 1000) / 10);
}

void wbr_driver(char *buf, size_t cap, const wb_env *env)
{
    size_t len = wbr_len(WBR_FIELD(env->driver_string));
    if (len > 0) {
        snprintf(buf, cap, "%.*s", (int)len, env->driver_string);
    } else {
        char v[32];
        wbr_cuda_version(v, sizeof v, env->driver_version);
        snprintf(buf, cap, "CUDA %s", v);
    }
}

int wbr_timed(const wb_result *r)
{
    return r->ms > 0 && isfinite(r->ms);
}

double wbr_pct_ceiling(const wb_env *env, const wb_result *r)
{
    if (!wbr_timed(r) || !env || !(env->copy_ceiling_gbps > 0) || !isfinite(r->gbps))
        return 0;
    return r->gbps / env->copy_ceiling_gbps * 100.0;
}

double wbr_vs_baseline(const wb_result *r)
{
    if (!wbr_timed(r) || !(r->baseline_ms > 0) || !isfinite(r->baseline_ms))
        return 0;
    return r->baseline_ms / r->ms;
}

const char *wbr_baseline_name(const char *op, size_t cap)
{
    const wb_week *w = &wb_this_week;
    if (!w)
        return NULL;
    size_t len = wbr_len(op, cap);
    for (int i = 0; i < w->n_ops; i++) {
        const char *name = w->ops[i].name;
        if (name && strlen(name) == len && memcmp(name, op, len) == 0)
            return w->ops[i].baseline_name;
    }
    return NULL;
}

wbr_counts wbr_count(const wb_result *r, int n)
{
    wbr_counts c = {0, 0, 0};
    for (int i = 0; i < n; i++) {
        if (r[i].skipped)
            c.skipped++;
        else if (r[i].passed)
            c.passed++;
        else
            c.failed++;
    }
    return c;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so reading a UTC date needs no timegm(). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

double wbr_elapsed_s(const wb_env *env)
{
    int y, mo, d, h, mi, s;
    char date[sizeof env->date + 1];
    size_t len = wbr_len(WBR_FIELD(env->date));
    memcpy(date, env->date, len);
    date[len] = '\0';
    if (sscanf(date, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
        return -1;
    double start = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + s;
    double now = (double)time(NULL);
    return now >= start ? now - start : -1;
}

void wbr_item_name(char *buf, size_t cap, const wb_score_item *it)
{
    const wb_score_spec *s = &it->spec;
    if (s->kind == WB_SCORE_CORRECTNESS)
        snprintf(buf, cap, "%s: correctness", s->variant);
    else
        snprintf(buf, cap, "%s: performance %s %s %ldx%ld", s->variant, s->op,
                 dtype_label(s->dtype), s->rows, s->cols);
}

/* ---- writing every report ---- */

typedef int (*report_writer)(FILE *f, const char *week, const wb_env *env, const wb_result *results,
                             int n, const wb_score *score);

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char path[4096];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, dir, len + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int write_atomically(const char *dir, const char *name, report_writer write,
                            const char *week, const wb_env *env, const wb_result *results, int n,
                            const wb_score *score)
{
    char final[4096], tmp[4200];
    if (snprintf(final, sizeof final, "%s/%s", dir, name) >= (int)sizeof final) {
        fprintf(stderr, "grader: cannot write %s/%s: path too long\n", dir, name);
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "grader: cannot write %s: %s\n", final, strerror(errno));
        return -1;
    }
    errno = 0;
    int rc = write(f, week, env, results, n, score);
    if (fflush(f) != 0 || ferror(f))
        rc = -1;
    if (rc == 0 && fsync(fileno(f)) != 0 && errno != EINVAL)
        rc = -1;
    int saved = errno;
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(tmp, final) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        fprintf(stderr, "grader: cannot write %s: %s\n", final,
                saved ? strerror(saved) : "write error");
        unlink(tmp);
    }
    return rc;
}

int wb_report_write_all(const char *dir, const char *week, const wb_env *env,
                        const wb_result *results, int n, const wb_score *score)
{
    if (!dir || !*dir)
        dir = ".";
    if (make_dirs(dir) != 0) {
        fprintf(stderr, "grader: cannot create report directory %s: %s\n", dir, strerror(errno));
        return -1;
    }
    const char *w = wbr_week(week, env);
    struct {
        const char *suffix;
        report_writer write;
    } files[] = {
        {".json", wb_report_json},
        {".tap", wb_report_tap},
        {".junit.xml", wb_report_junit},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char name[256];
        snprintf(name, sizeof name, "%s%s", w, files[i].suffix);
        if (write_atomically(dir, name, files[i].write, w, env, results, n, score) != 0)
            rc = -1;
    }
    if (write_atomically(dir, "results.json", wb_report_gradescope, w, env, results, n, score) != 0)
        rc = -1;
    return rc;
}
