#define _POSIX_C_SOURCE 200809L
#include "test_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dtype.h"

int wb_parse_shape(const char *s, wb_shape *out)
{
    char *end;
    errno = 0;
    long r = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X' && *end != ','))
        return -1;
    const char *c = end + 1;
    long cols = strtol(c, &end, 10);
    if (end == c || *end != '\0' || errno || r < 1 || cols < 1)
        return -1;
    out->rows = r;
    out->cols = cols;
    return 0;
}

/* Is `name` one of the comma-separated items of `list`? NULL list: yes. */
static int in_list(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* Every item of `list` must be accepted by `known`; report the first that is not. */
static int check_items(const char *list, int (*known)(const char *, const void *), const void *ctx,
                       char *bad, size_t badlen)
{
    if (!list)
        return 0;
    char *copy = strdup(list), *save = NULL;
    int rc = 0;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (!known(t, ctx)) {
            snprintf(bad, badlen, "%s", t);
            rc = -1;
            break;
        }
    free(copy);
    return rc;
}

typedef struct variant_set {
    const wb_variant *v;
    int n;
} variant_set;

static int known_variant(const char *name, const void *ctx)
{
    const variant_set *s = ctx;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0)
            return 1;
    return 0;
}

static int known_dtype(const char *name, const void *ctx)
{
    (void)ctx;
    wb_dtype d;
    return wb_dtype_parse(name, &d) == 0;
}

static int known_shape(const char *name, const void *ctx)
{
    (void)ctx;
    wb_shape s;
    return wb_parse_shape(name, &s) == 0;
}

static const wb_op *find_op(const wb_week *week, const char *name)
{
    for (int i = 0; i < week->n_ops; i++)
        if (strcmp(week->ops[i].name, name) == 0)
            return &week->ops[i];
    return NULL;
}

/* A growable list of shapes. */
typedef struct shape_list {
    wb_shape *v;
    int n, cap;
} shape_list;

static int push_shape(shape_list *l, wb_shape s)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i].rows == s.rows && l->v[i].cols == s.cols)
            return 0; /* a shape named twice is graded once */
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 32;
        wb_shape *v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

/* GRADER_HIDDEN: one shape a line, "RxC" for every op or "OP RxC" for one;
 * '#' starts a comment. */
static int read_hidden(const char *path, const char *op, shape_list *l, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s (GRADER_HIDDEN names a file of extra shapes)", path,
                 strerror(errno));
        return -1;
    }
    char line[256];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char a[128] = "", b[128] = "";
        int k = sscanf(line, "%127s %127s", a, b);
        if (k <= 0)
            continue;
        const char *shape = k == 2 ? b : a;
        if (k == 2 && strcmp(a, op) != 0)
            continue;
        wb_shape s;
        if (wb_parse_shape(shape, &s)) {
            snprintf(err, errlen, "%s:%d: '%s' is not a shape; write ROWSxCOLS, e.g. 255x257", path,
                     lineno, shape);
            rc = -1;
            break;
        }
        if (push_shape(l, s)) {
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

static int shapes_for(const wb_op *op, const wb_filter *f, shape_list *l, char *err, size_t errlen)
{
    if (f->shapes) {
        char *copy = strdup(f->shapes), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            wb_shape s;
            wb_parse_shape(t, &s); /* already validated */
            push_shape(l, s);
        }
        free(copy);
        return 0;
    }
    const wb_shape *v = f->bench ? op->bench_shapes : op->shapes;
    int n = f->bench ? op->n_bench_shapes : op->n_shapes;
    for (int i = 0; i < n; i++)
        if (push_shape(l, v[i]))
            return -1;
    if (f->hidden && !f->bench)
        return read_hidden(f->hidden, op->name, l, err, errlen);
    return 0;
}

int wb_test_timeout(long rows, long cols, int timed)
{
    double mega = (double)rows * (double)cols / (1 << 20);
    int t = 10 + (int)(mega / 4.0); /* about 1 s of host work per 4 Mi elements */
    return timed ? t + 10 : t;
}

uint64_t wb_fresh_seed(void)
{
    uint64_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&s, sizeof s, 1, f) != 1)
        s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (f)
        fclose(f);
    return s & 0xffffffffffffull; /* short enough to type */
}

uint64_t wb_test_seed(uint64_t run_seed, const char *name)
{
    uint64_t h = 1469598103934665603ull ^ run_seed; /* FNV-1a over the name */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

/* The longest row a variant may answer unsupported past (a `limit` line), 0: none. */
static long variant_limit(const wb_requirements *req, const char *variant)
{
    if (!req)
        return 0;
    for (int i = 0; i < req->n_limits; i++)
        if (!strcmp(req->limits[i].variant, variant))
            return req->limits[i].max_cols;
    return 0;
}

void wb_result_for_test(wb_result *r, const wb_test *j)
{
    memset(r, 0, sizeof *r);
    snprintf(r->variant, sizeof r->variant, "%s", j->variant->name);
    snprintf(r->op, sizeof r->op, "%s", j->op->name);
    r->dtype = j->dtype;
    r->rows = j->rows;
    r->cols = j->cols;
    if (j->kind > 0)
        snprintf(r->kind, sizeof r->kind, "%s", j->op->extra_kinds[j->kind - 1].name);
}

int wb_test_resolve(wb_test *j, const wb_week *week, const wb_variant *variants, int n_variants)
{
    if (j->variant_index < 0 || j->variant_index >= n_variants || j->op_index < 0 ||
        j->op_index >= week->n_ops)
        return -1;
    j->variant = &variants[j->variant_index];
    j->op = &week->ops[j->op_index];
    return 0;
}

/* Tests of one op, dtype, shape and input kind share a base input (derived
 * per launch, derivation.h). A whole-array reduction without sign flips
 * does not: its one output would be the same for every variant, whatever
 * the derivation, so each variant draws its own. */
static void group_key(const wb_test *j, char *key, size_t len)
{
    int used = snprintf(key, len, "%s/%s/%ldx%ld/%d", j->op->name, wb_dtype_name(j->dtype), j->rows,
                        j->cols, j->kind);
    if (j->op->layout == WB_LAYOUT_ALL_REDUCE && !j->op->flipped_reference && used > 0 &&
        (size_t)used < len)
        snprintf(key + used, len - (size_t)used, "/%s", j->variant->name);
}

static void assign_groups(wb_test *tests, int n, uint64_t run_seed)
{
    int groups = 0;
    for (int i = 0; i < n; i++) {
        char key[200], other[200];
        group_key(&tests[i], key, sizeof key);
        tests[i].group = -1;
        for (int k = 0; k < i && tests[i].group < 0; k++) {
            group_key(&tests[k], other, sizeof other);
            if (!strcmp(key, other))
                tests[i].group = tests[k].group;
        }
        if (tests[i].group < 0)
            tests[i].group = groups++;
        tests[i].base_seed = wb_test_seed(run_seed, key);
    }
}

int wb_build_tests(const wb_week *week, const wb_variant *variants, int n_variants,
                   const wb_filter *f, wb_test **tests_out, int *n_out, char *err, size_t errlen)
{
    char bad[128];
    variant_set vs = {variants, n_variants};
    if (check_items(f->variants, known_variant, &vs, bad, sizeof bad)) {
        int used = snprintf(err, errlen, "unknown variant '%s'; %s has:", bad, week->name);
        for (int i = 0; i < n_variants && used > 0 && (size_t)used < errlen; i++)
            used += snprintf(err + used, errlen - (size_t)used, " %s", variants[i].name);
        return -1;
    }
    if (check_items(f->dtypes, known_dtype, NULL, bad, sizeof bad)) {
        snprintf(err, errlen, "unknown dtype '%s'; use f32, f16 or bf16", bad);
        return -1;
    }
    if (check_items(f->shapes, known_shape, NULL, bad, sizeof bad)) {
        snprintf(err, errlen, "'%s' is not a shape; write ROWSxCOLS, e.g. 255x257", bad);
        return -1;
    }
    wb_test *tests = NULL;
    int n = 0, cap = 0;
    for (int vi = 0; vi < n_variants; vi++) {
        const wb_variant *v = &variants[vi];
        if (!in_list(f->variants, v->name))
            continue;
        const wb_op *op = find_op(week, v->op);
        if (!op) {
            snprintf(err, errlen,
                     "variant '%s' computes op '%s', which %s's grader suite does not know "
                     "(grader/%s.c lists the ops)",
                     v->name, v->op, week->name, week->name);
            free(tests);
            return -1;
        }
        shape_list shapes = {0};
        if (shapes_for(op, f, &shapes, err, errlen)) {
            free(shapes.v);
            free(tests);
            return -1;
        }
        unsigned required = f->require ? f->require->dtypes : 0;
        long limit = variant_limit(f->require, v->name);
        for (int d = 0; d < WB_DTYPE_COUNT; d++) {
            if (!((v->dtypes | required) & WB_DT(d)) ||
                !in_list(f->dtypes, wb_dtype_name((wb_dtype)d)))
                continue;
            for (int s = 0; s < shapes.n; s++)
                for (int kind = 0; kind <= op->n_extra_kinds; kind++) {
                    const wb_input_kind *k = kind ? &op->extra_kinds[kind - 1] : NULL;
                    if (k && k->applies && !k->applies(shapes.v[s].rows, shapes.v[s].cols))
                        continue;
                    if (n == cap) {
                        cap = cap ? 2 * cap : 64;
                        wb_test *grown = realloc(tests, (size_t)cap * sizeof *grown);
                        if (!grown) {
                            free(shapes.v);
                            free(tests);
                            snprintf(err, errlen, "out of memory");
                            return -1;
                        }
                        tests = grown;
                    }
                    wb_test *j = &tests[n++];
                    memset(j, 0, sizeof *j);
                    j->variant = v;
                    j->op = op;
                    j->variant_index = vi;
                    j->op_index = (int)(op - week->ops);
                    j->dtype = (wb_dtype)d;
                    j->rows = shapes.v[s].rows;
                    j->cols = shapes.v[s].cols;
                    j->kind = kind;
                    j->timed = f->timed || f->bench;
                    j->bench = f->bench;
                    j->timeout_s = wb_test_timeout(j->rows, j->cols, j->timed);
                    j->undeclared = !(v->dtypes & WB_DT(d));
                    j->must_support =
                        f->require && f->require->all_shapes && (limit <= 0 || j->cols <= limit);
                    int used = snprintf(j->name, sizeof j->name, "%s/%s/%ldx%ld", v->name,
                                        wb_dtype_name((wb_dtype)d), j->rows, j->cols);
                    if (k && used > 0 && (size_t)used < sizeof j->name)
                        snprintf(j->name + used, sizeof j->name - (size_t)used, "/%s", k->name);
                    j->seed = wb_test_seed(f->seed, j->name);
                }
        }
        free(shapes.v);
    }
    assign_groups(tests, n, f->seed);
    *tests_out = tests;
    *n_out = n;
    return 0;
}
