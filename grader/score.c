/* score.c: parse a week's score file and turn one run's results into points.
 * The rule is described in score.h and in grader/REPORTS.md. */
#include "score.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"

#define SCORE_LINE_MAX   512
#define SCORE_MAX_TOKENS 8
#define SCORE_FILE_MAX   (1L << 20)

static void set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A whole positive or zero number of points, or a fraction: "5", "2.5". */
static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* "8192x8192": two positive whole numbers joined by x. */
static int parse_shape(const char *s, long *rows, long *cols)
{
    char *end;
    errno = 0;
    long r = strtol(s, &end, 10);
    if (end == s || *end != 'x' || errno != 0 || r <= 0)
        return -1;
    const char *c_start = end + 1;
    long c = strtol(c_start, &end, 10);
    if (end == c_start || *end != '\0' || errno != 0 || c <= 0)
        return -1;
    *rows = r;
    *cols = c;
    return 0;
}

static int parse_dtype_name(const char *s, wb_dtype *out)
{
    for (int d = 0; d < WB_DTYPE_COUNT; d++) {
        if (strcmp(s, wb_dtype_name((wb_dtype)d)) == 0) {
            *out = (wb_dtype)d;
            return 0;
        }
    }
    return -1;
}

static int copy_name(char *dst, size_t cap, const char *src)
{
    size_t len = strlen(src);
    if (len >= cap)
        return -1;
    memcpy(dst, src, len + 1);
    return 0;
}

/* Split a line into whitespace-separated tokens, dropping a `#` comment.
 * Modifies the line. Returns the token count, or -1 when there are too many. */
static int tokenize(char *line, char **tok)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    int n = 0;
    for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (n == SCORE_MAX_TOKENS)
            return -1;
        tok[n++] = p;
    }
    return n;
}

static const wb_score_spec *find_same_item(const wb_score_config *cfg, const wb_score_spec *s)
{
    for (int i = 0; i < cfg->n_items; i++) {
        const wb_score_spec *o = &cfg->items[i];
        if (o->kind != s->kind || strcmp(o->variant, s->variant) != 0)
            continue;
        if (s->kind == WB_SCORE_CORRECTNESS)
            return o;
        if (strcmp(o->op, s->op) == 0 && o->dtype == s->dtype && o->rows == s->rows &&
            o->cols == s->cols)
            return o;
    }
    return NULL;
}

/* One non-blank line; returns 0 or -1 with err set to "NAME:LINE: ...". */
/* `require dtypes D...`, `require shapes`, `limit VARIANT max_cols N` */
static int parse_requirement(const char *name, int lineno, char **tok, int n, wb_requirements *req,
                             char *err, size_t errlen)
{
    if (strcmp(tok[0], "limit") == 0) {
        double v;
        if (n != 4 || strcmp(tok[2], "max_cols") != 0 || parse_number(tok[3], &v) || v < 1) {
            set_error(err, errlen, "%s:%d: expected `limit VARIANT max_cols N` (N >= 1)", name,
                      lineno);
            return -1;
        }
        if (req->n_limits == (int)(sizeof req->limits / sizeof req->limits[0]) ||
            copy_name(req->limits[req->n_limits].variant, sizeof req->limits[req->n_limits].variant,
                      tok[1])) {
            set_error(err, errlen, "%s:%d: too many limits, or a variant name too long", name,
                      lineno);
            return -1;
        }
        req->limits[req->n_limits++].max_cols = (long)v;
        return 0;
    }
    if (n == 2 && strcmp(tok[1], "shapes") == 0) {
        req->all_shapes = 1;
        return 0;
    }
    if (n >= 3 && strcmp(tok[1], "dtypes") == 0) {
        for (int i = 2; i < n; i++) {
            wb_dtype d;
            if (parse_dtype_name(tok[i], &d)) {
                set_error(err, errlen, "%s:%d: unknown dtype `%s` (known: f32, f16, bf16)", name,
                          lineno, tok[i]);
                return -1;
            }
            req->dtypes |= WB_DT(d);
        }
        return 0;
    }
    set_error(err, errlen, "%s:%d: expected `require dtypes D...` or `require shapes`", name,
              lineno);
    return -1;
}

static int parse_line(const char *name, int lineno, char **tok, int n, wb_score_config *cfg,
                      int *rule_line_full_at, int *rule_line_requires, char *err, size_t errlen)
{
    const char *kw = tok[0];
    if (strcmp(kw, "rule") == 0) {
        if (n != 3) {
            set_error(err, errlen, "%s:%d: expected `rule NAME VALUE`, got %d words", name, lineno,
                      n);
            return -1;
        }
        if (strcmp(tok[1], "full_at") == 0) {
            double v;
            if (*rule_line_full_at) {
                set_error(err, errlen, "%s:%d: rule full_at already given on line %d", name, lineno,
                          *rule_line_full_at);
                return -1;
            }
            if (parse_number(tok[2], &v) != 0 || v < 1.0) {
                set_error(err, errlen,
                          "%s:%d: rule full_at wants a number >= 1 (times the reference time), "
                          "got `%s`",
                          name, lineno, tok[2]);
                return -1;
            }
            cfg->full_at = v;
            *rule_line_full_at = lineno;
            return 0;
        }
        if (strcmp(tok[1], "perf_requires") == 0) {
            if (*rule_line_requires) {
                set_error(err, errlen, "%s:%d: rule perf_requires already given on line %d", name,
                          lineno, *rule_line_requires);
                return -1;
            }
            if (strcmp(tok[2], "test") == 0)
                cfg->perf_requires_variant = 0;
            else if (strcmp(tok[2], "variant") == 0)
                cfg->perf_requires_variant = 1;
            else {
                set_error(err, errlen,
                          "%s:%d: rule perf_requires wants `test` or `variant`, got `%s`", name,
                          lineno, tok[2]);
                return -1;
            }
            *rule_line_requires = lineno;
            return 0;
        }
        set_error(err, errlen, "%s:%d: unknown rule `%s` (known: full_at, perf_requires)", name,
                  lineno, tok[1]);
        return -1;
    }

    if (strcmp(kw, "require") == 0 || strcmp(kw, "limit") == 0)
        return parse_requirement(name, lineno, tok, n, &cfg->require, err, errlen);

    wb_score_spec s;
    memset(&s, 0, sizeof s);
    s.line = lineno;
    const char *points_word;
    if (strcmp(kw, "correctness") == 0) {
        if (n != 3) {
            set_error(err, errlen, "%s:%d: expected `correctness VARIANT POINTS`, got %d words",
                      name, lineno, n);
            return -1;
        }
        s.kind = WB_SCORE_CORRECTNESS;
        points_word = tok[2];
    } else if (strcmp(kw, "performance") == 0) {
        if (n != 6) {
            set_error(err, errlen,
                      "%s:%d: expected `performance VARIANT OP DTYPE ROWSxCOLS POINTS`, got %d "
                      "words",
                      name, lineno, n);
            return -1;
        }
        s.kind = WB_SCORE_PERFORMANCE;
        if (copy_name(s.op, sizeof s.op, tok[2]) != 0) {
            set_error(err, errlen, "%s:%d: op name `%s` is longer than %zu characters", name,
                      lineno, tok[2], sizeof s.op - 1);
            return -1;
        }
        if (parse_dtype_name(tok[3], &s.dtype) != 0) {
            set_error(err, errlen, "%s:%d: unknown dtype `%s` (known: f32, f16, bf16)", name,
                      lineno, tok[3]);
            return -1;
        }
        if (parse_shape(tok[4], &s.rows, &s.cols) != 0) {
            set_error(err, errlen, "%s:%d: shape `%s` is not ROWSxCOLS (e.g. 8192x8192)", name,
                      lineno, tok[4]);
            return -1;
        }
        points_word = tok[5];
    } else {
        set_error(err, errlen,
                  "%s:%d: unknown keyword `%s` (known: rule, correctness, performance, require, "
                  "limit)",
                  name, lineno, kw);
        return -1;
    }
    if (copy_name(s.variant, sizeof s.variant, tok[1]) != 0) {
        set_error(err, errlen, "%s:%d: variant name `%s` is longer than %zu characters", name,
                  lineno, tok[1], sizeof s.variant - 1);
        return -1;
    }
    if (parse_number(points_word, &s.points) != 0 || s.points < 0) {
        set_error(err, errlen, "%s:%d: points must be a number >= 0, got `%s`", name, lineno,
                  points_word);
        return -1;
    }
    const wb_score_spec *dup = find_same_item(cfg, &s);
    if (dup) {
        set_error(err, errlen, "%s:%d: %s %s already scored on line %d", name, lineno, kw,
                  s.variant, dup->line);
        return -1;
    }
    if (cfg->n_items == WB_SCORE_MAX_ITEMS) {
        set_error(err, errlen, "%s:%d: more than %d scored items", name, lineno,
                  WB_SCORE_MAX_ITEMS);
        return -1;
    }
    cfg->items[cfg->n_items++] = s;
    return 0;
}

int wb_score_parse(const char *name, const char *text, wb_score_config *cfg, char *err,
                   size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->full_at = 1.2;
    snprintf(cfg->path, sizeof cfg->path, "%s", name);
    int full_at_line = 0, requires_line = 0;

    const char *p = text;
    for (int lineno = 1; *p; lineno++) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len >= SCORE_LINE_MAX) {
            set_error(err, errlen, "%s:%d: line longer than %d characters", name, lineno,
                      SCORE_LINE_MAX - 1);
            return -1;
        }
        char line[SCORE_LINE_MAX];
        memcpy(line, p, len);
        line[len] = '\0';
        p = eol ? eol + 1 : p + len;

        char *tok[SCORE_MAX_TOKENS];
        int n = tokenize(line, tok);
        if (n < 0) {
            set_error(err, errlen, "%s:%d: too many words (at most %d)", name, lineno,
                      SCORE_MAX_TOKENS);
            return -1;
        }
        if (n == 0)
            continue;
        if (parse_line(name, lineno, tok, n, cfg, &full_at_line, &requires_line, err, errlen) != 0)
            return -1;
    }
    if (cfg->n_items == 0) {
        set_error(err, errlen, "%s: no `correctness` or `performance` lines: nothing to score",
                  name);
        return -1;
    }
    return 0;
}

int wb_score_load(const char *path, wb_score_config *cfg, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        set_error(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *text = malloc(SCORE_FILE_MAX + 1);
    if (!text) {
        fclose(f);
        set_error(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t len = fread(text, 1, SCORE_FILE_MAX + 1, f);
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        free(text);
        set_error(err, errlen, "%s: read error", path);
        return -1;
    }
    if (len > SCORE_FILE_MAX) {
        free(text);
        set_error(err, errlen, "%s: larger than %ld bytes", path, SCORE_FILE_MAX);
        return -1;
    }
    if (memchr(text, '\0', len)) {
        free(text);
        set_error(err, errlen, "%s: contains a NUL byte (not a text file?)", path);
        return -1;
    }
    text[len] = '\0';
    int rc = wb_score_parse(path, text, cfg, err, errlen);
    free(text);
    return rc;
}

/* ---- computing ---- */

static void note(wb_score_item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(wb_score_item *it, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->note, sizeof it->note, fmt, ap);
    va_end(ap);
}

/* With `require shapes`, an unsupported answer that was not failed as
 * missing_support is one the week allows (past a documented limit). */
static int allowed_skip(const wb_result *r, int all_shapes)
{
    return all_shapes && r->skipped && r->category == WB_CAT_UNSUPPORTED;
}

static void score_correctness(wb_score_item *it, const wb_result *r, int n, int all_shapes)
{
    int failed = 0, skipped = 0, first_bad = -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(r[i].variant, it->spec.variant) != 0)
            continue;
        it->tests++;
        if (allowed_skip(&r[i], all_shapes)) {
            it->passed++;
            continue;
        }
        if (r[i].skipped) {
            skipped++;
        } else if (r[i].passed) {
            it->passed++;
            continue;
        } else {
            failed++;
        }
        if (first_bad < 0)
            first_bad = i;
    }
    if (it->tests == 0) {
        note(it, "no tests ran");
        return;
    }
    if (failed == 0 && skipped == 0) {
        it->points = it->spec.points;
        return;
    }
    const wb_result *b = &r[first_bad];
    if (failed)
        note(it, "%d of %d tests failed (first: %s %ldx%ld, %s)", failed, it->tests,
             wb_dtype_name(b->dtype), b->rows, b->cols, wb_category_key(b->category));
    else
        note(it, "%d of %d tests skipped: all must run", skipped, it->tests);
}

static int variant_correct(const wb_result *r, int n, const char *variant, int all_shapes)
{
    int tests = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(r[i].variant, variant) != 0)
            continue;
        tests++;
        if (allowed_skip(&r[i], all_shapes))
            continue;
        if (r[i].skipped || !r[i].passed)
            return 0;
    }
    return tests > 0;
}

static void score_performance(wb_score_item *it, double full_at, int requires_variant,
                              int all_shapes, const wb_result *r, int n)
{
    const wb_score_spec *s = &it->spec;
    int timed = -1, seen = 0, failed = -1;
    /* The benchmark shape may appear twice (graded and timed): any failure of
     * it forfeits the points, the timing comes from a timed, passing copy. */
    for (int i = 0; i < n; i++) {
        if (strcmp(r[i].variant, s->variant) != 0 || strcmp(r[i].op, s->op) != 0 ||
            r[i].dtype != s->dtype || r[i].rows != s->rows || r[i].cols != s->cols)
            continue;
        if (r[i].skipped)
            continue;
        seen++;
        if (!r[i].passed) {
            if (failed < 0)
                failed = i;
        } else if (timed < 0 && r[i].ms > 0) {
            timed = i;
        }
    }
    it->result_index = failed >= 0 ? failed : timed;
    if (seen == 0) {
        note(it, "benchmark not run");
        return;
    }
    if (failed >= 0) {
        note(it, "incorrect: %s", wb_category_key(r[failed].category));
        return;
    }
    if (timed < 0) {
        note(it, "not timed");
        return;
    }
    const wb_result *t = &r[timed];
    it->ms = t->ms;
    it->baseline_ms = t->baseline_ms;
    if (!(t->baseline_ms > 0) || !isfinite(t->baseline_ms) || !isfinite(t->ms)) {
        note(it, "no reference time measured in this run");
        return;
    }
    it->ratio = t->ms / t->baseline_ms;
    if (requires_variant && !variant_correct(r, n, s->variant, all_shapes)) {
        note(it, "variant %s is not correct on every test", s->variant);
        return;
    }
    if (it->ratio <= full_at) {
        it->points = s->points;
        return;
    }
    it->points = s->points * (full_at / it->ratio);
    note(it, "%.2fx the reference time (full marks at %.2fx)", it->ratio, full_at);
}

wb_score wb_score_compute(const wb_score_config *cfg, const wb_result *results, int n)
{
    wb_score s;
    memset(&s, 0, sizeof s);
    s.full_at = cfg->full_at;
    s.perf_requires_variant = cfg->perf_requires_variant;
    if (!results)
        n = 0;
    for (int k = 0; k < cfg->n_items && k < WB_SCORE_MAX_ITEMS; k++) {
        wb_score_item *it = &s.items[s.n_items++];
        it->spec = cfg->items[k];
        it->result_index = -1;
        if (it->spec.kind == WB_SCORE_CORRECTNESS)
            score_correctness(it, results, n, cfg->require.all_shapes);
        else
            score_performance(it, cfg->full_at, cfg->perf_requires_variant, cfg->require.all_shapes,
                              results, n);
        s.total += it->points;
        s.max += it->spec.points;
    }
    return s;
}

double wb_score_points_for_result(const wb_score *s, int i, double *max_points)
{
    double got = 0, max = 0;
    for (int k = 0; s && k < s->n_items; k++) {
        const wb_score_item *it = &s->items[k];
        if (it->spec.kind == WB_SCORE_PERFORMANCE && it->result_index == i) {
            got += it->points;
            max += it->spec.points;
        }
    }
    if (max_points)
        *max_points = max;
    return got;
}
