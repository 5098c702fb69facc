/* main.c: build/weekN/trace, the trace tool: runs one variant of week N's
 * lesson on the CPU, no GPU needed, and reports what its warps do to memory.
 *
 *   trace --variant NAME [--dtype f32] [--shape ROWSxCOLS] [--block X,Y,Z] [--tsv]
 *   trace --variant NAME --check [--dtype ...] [--shape ...]
 *   trace --figures PLAN DIR
 *   trace --list
 *
 * The week's lesson object, its grader suite (grader/weekN.c: ops, shapes,
 * inputs, references) and this tool are linked into one program per week,
 * like build/weekN/grade. Exit status: 0 done, 1 a check or figure failed,
 * 2 a request it cannot run (unknown variant, dtype or shape; one line says
 * which and how to ask instead). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "compare.h"
#include "dtype.h"
#include "figures.h"
#include "report.h"
#include "rng.h"
#include "suite.h"
#include "trace.h"

/* inputs larger than this stay zero: values do not move the lessons' addresses */
#define FILL_LIMIT (1L << 24)

typedef struct {
    const char *variant, *dtype_name, *shape, *plan, *img_dir;
    wbt_xyz block;
    int check, tsv, list;
} options;

static const char *program = "trace";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s --variant NAME [options]     (make trace WEEK=N VARIANT=NAME)\n"
            "  --variant NAME      the variant to run (--list shows them)\n"
            "  --dtype f32|f16|bf16  the element type (default f32)\n"
            "  --shape ROWSxCOLS   the input's shape (default: the op's first benchmark shape)\n"
            "  --block X[,Y[,Z]]   the block to trace (default 0,0,0; a cluster runs whole)\n"
            "  --tsv               one TSV line per lesson line and access, totals over the traced "
            "blocks\n"
            "  --check             run every block and compare the output with ref/cpu\n"
            "  --figures PLAN DIR  draw the figures PLAN lists for this week into DIR\n"
            "  --list              the lesson's variants\n",
            program);
}

static void bad_request(const char *fmt, const char *arg, const char *fix)
{
    fprintf(stderr, "trace: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "; %s\n", fix);
    exit(2);
}

static const char *variant_names(void)
{
    static char buf[2048];
    size_t n = 0;
    for (int i = 0; i < wb_lesson_variant_count && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "",
                              wb_lesson_variants[i].name);
    return buf;
}

static const wb_variant *find_variant(const char *name)
{
    for (int i = 0; i < wb_lesson_variant_count; i++)
        if (!strcmp(wb_lesson_variants[i].name, name))
            return &wb_lesson_variants[i];
    return NULL;
}

static const wb_op *find_op(const char *name)
{
    for (int i = 0; i < wb_this_week.n_ops; i++)
        if (!strcmp(wb_this_week.ops[i].name, name))
            return &wb_this_week.ops[i];
    fprintf(stderr, "trace: %s's suite has no op '%s'\n", wb_this_week.name, name);
    exit(1);
}

/* "8192x8192" -> rows, cols; 0 when malformed */
static int parse_shape(const char *s, long *rows, long *cols)
{
    char *end;
    *rows = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        return 0;
    const char *c = end + 1;
    *cols = strtol(c, &end, 10);
    return end != c && !*end && *rows > 0 && *cols > 0;
}

static void parse_block(const char *s, wbt_xyz *b)
{
    unsigned v[3] = {0, 0, 0};
    int n = 0;
    const char *p = s;
    for (char *end; n < 3; n++, p = end + 1) {
        long x = strtol(p, &end, 10);
        if (end == p || x < 0)
            break;
        v[n] = (unsigned)x;
        if (*end != ',') {
            n += !*end ? 1 : 0;
            if (*end)
                n = 0;
            break;
        }
    }
    if (n == 0)
        bad_request("--block '%s' is not X[,Y[,Z]]", s, "e.g. BLOCK=0,0 or --block 3");
    *b = (wbt_xyz){v[0], v[1], v[2]};
}

/* ---- one run of a variant -------------------------------------------------------- */

typedef struct {
    const wb_variant *variant;
    const wb_op *op;
    wb_dtype dtype;
    long rows, cols, out_rows, out_cols;
    wb_problem p;
    double *in[3]; /* the inputs' values, when drawn */
    int rc;        /* what the launcher returned */
} wbt_run_state;

static void draw_input(wbt_run_state *s, int k, void *typed, double *value)
{
    wb_rng rng;
    wb_rng_seed(&rng, 20261129u + (uint64_t)k);
    size_t n = (size_t)s->rows * (size_t)s->cols;
    if (s->op->fill)
        s->op->fill(&rng, s->dtype, s->rows, s->cols, 0, k, value);
    else
        for (size_t i = 0; i < n; i++)
            value[i] = 2.0 * wb_rng_uniform(&rng) - 1.0;
    wb_store_values(s->dtype, typed, value, n);
}

/* allocates the buffers, draws the inputs when small enough, runs the launcher */
static void run_variant(wbt_run_state *s, int all_blocks, wbt_xyz block, int poison)
{
    wbt_reset();
    size_t esize = wb_dtype_size(s->dtype), n = (size_t)s->rows * (size_t)s->cols;
    s->op->out_shape(s->rows, s->cols, &s->out_rows, &s->out_cols);
    memset(&s->p, 0, sizeof s->p);
    s->p.dtype = s->dtype;
    s->p.rows = s->rows;
    s->p.cols = s->cols;
    for (int k = 0; k < wb_op_input_count(s->op); k++) {
        void *typed = wbt_buffer_new(s->op->inputs[k], n * esize);
        s->p.in[k] = typed;
        free(s->in[k]);
        s->in[k] = NULL;
        if ((long)n <= FILL_LIMIT) {
            s->in[k] = malloc(n * sizeof(double));
            if (!s->in[k]) {
                fprintf(stderr, "trace: out of memory for the inputs\n");
                exit(1);
            }
            draw_input(s, k, typed, s->in[k]);
        }
    }
    size_t out_bytes = (size_t)s->out_rows * (size_t)s->out_cols * esize;
    s->p.y = wbt_buffer_new(s->op->output, out_bytes);
    if (poison)
        memset(s->p.y, WB_POISON_BYTE, out_bytes);
    s->p.workspace_bytes = s->variant->workspace ? s->variant->workspace(&s->p) : 0;
    if (s->p.workspace_bytes)
        s->p.workspace = wbt_buffer_new("workspace", s->p.workspace_bytes);
    wbt_select_blocks(all_blocks, block);
    s->rc = s->variant->launch(&s->p);
}

static const char *describe_rc(int rc)
{
    static char buf[96];
    if (rc == WB_UNSUPPORTED)
        return "the launcher says WB_UNSUPPORTED: it does not take this shape or dtype";
    if (rc == WB_NOT_IMPLEMENTED)
        return "not implemented yet: the launcher returns WB_NOT_IMPLEMENTED (write the exercise "
               "first)";
    snprintf(buf, sizeof buf, "the launcher returned CUDA error %d (%s)", rc,
             cudaGetErrorString((cudaError_t)rc));
    return buf;
}

/* every block; the output against the reference */
static int check_variant(wbt_run_state *s)
{
    if (!s->in[0]) {
        fprintf(stderr, "trace: --check wants a shape of at most %ld elements\n", FILL_LIMIT);
        return 2;
    }
    size_t out_n = (size_t)s->out_rows * (size_t)s->out_cols;
    wb_host_test hc = {.dtype = s->dtype,
                       .rows = s->rows,
                       .cols = s->cols,
                       .out_rows = s->out_rows,
                       .out_cols = s->out_cols,
                       .in = {s->in[0], s->in[1], s->in[2]},
                       .want = calloc(out_n, sizeof(double)),
                       .bound = calloc(out_n, sizeof(double))};
    if (!hc.want || !hc.bound) {
        fprintf(stderr, "trace: out of memory for the reference\n");
        return 1;
    }
    s->op->reference(&hc);
    wb_verdict v = wb_compare(s->dtype, s->p.y, hc.want, hc.bound, (long)out_n);
    char msg[WB_MSG_LEN];
    wb_verdict_message(&v, s->out_cols, (long)out_n, msg, sizeof msg);
    printf("%s %s %s %ldx%ld: %s%s%s\n", v.category == WB_CAT_NONE ? "PASS" : "FAIL",
           s->variant->name, wb_dtype_name(s->dtype), s->rows, s->cols,
           v.category == WB_CAT_NONE ? "the CPU run matches ref/cpu" : wb_category_name(v.category),
           v.category == WB_CAT_NONE ? "" : ": ", v.category == WB_CAT_NONE ? "" : msg);
    free(hc.want);
    free(hc.bound);
    return v.category == WB_CAT_NONE ? 0 : 1;
}

/* ---- figures ------------------------------------------------------------------------ */

static int figures(const char *plan, const char *dir)
{
    FILE *f = fopen(plan, "r");
    if (!f) {
        perror(plan);
        return 2;
    }
    char line[512];
    int lineno = 0, failed = 0, drawn = 0;
    size_t week_len = strlen(wb_this_week.name);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char name[128], variant[64], dtype_name[16], shape[64], kind[32], extra[256] = "";
        if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line))
            continue;
        int n = sscanf(line, "%127s %63s %15s %63s %31s %255[^\n]", name, variant, dtype_name,
                       shape, kind, extra);
        if (strncmp(name, wb_this_week.name, week_len) || name[week_len] != '-')
            continue; /* another week's figure */
        wbt_run_state s = {0};
        s.variant = n >= 5 ? find_variant(variant) : NULL;
        if (n < 5 || !s.variant || wb_dtype_parse(dtype_name, &s.dtype) ||
            !parse_shape(shape, &s.rows, &s.cols)) {
            fprintf(stderr,
                    "%s:%d: want NAME VARIANT DTYPE ROWSxCOLS FIGURE [KEY=VALUE...] with "
                    "a variant of %s (%s)\n",
                    plan, lineno, wb_this_week.name, variant_names());
            failed = 1;
            continue;
        }
        s.op = find_op(s.variant->op);
        const wbt_figure_kind *k = wbt_figure_kind_of(kind);
        if (!k) {
            fprintf(stderr, "%s:%d: no figure kind '%s' (%s)\n", plan, lineno, kind,
                    wbt_figure_kinds());
            failed = 1;
            continue;
        }
        run_variant(&s, k->all_blocks, (wbt_xyz){0, 0, 0}, 0);
        wbt_symbolize();
        wbt_figure fig = {name, kind, extra, &s.p, s.variant->name, s.rows, s.cols, s.in[0], s.rc};
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.svg", dir, name);
        FILE *out = fopen(path, "w");
        if (!out) {
            perror(path);
            return 1;
        }
        /* a stub (the student edition) gets a figure that says so; any other
         * refusal is a mistake of the plan */
        const char *err = s.rc == WB_OK                ? k->draw(out, &fig)
                          : s.rc == WB_NOT_IMPLEMENTED ? NULL
                                                       : describe_rc(s.rc);
        if (s.rc == WB_NOT_IMPLEMENTED)
            wbt_draw_placeholder(out, &fig, describe_rc(s.rc));
        if (fclose(out) || err) {
            fprintf(stderr, "%s:%d: %s: %s\n", plan, lineno, name, err ? err : "cannot write");
            remove(path); /* no half-drawn figure: the book's link check then names it */
            failed = 1;
        } else {
            drawn++;
        }
        for (int k2 = 0; k2 < 3; k2++)
            free(s.in[k2]);
    }
    fclose(f);
    printf("%s: %d figures in %s\n", wb_this_week.name, drawn, dir);
    return failed;
}

int main(int argc, char **argv)
{
    options o = {0};
    program = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--variant") && next)
            o.variant = argv[++i];
        else if (!strcmp(a, "--dtype") && next)
            o.dtype_name = argv[++i];
        else if (!strcmp(a, "--shape") && next)
            o.shape = argv[++i];
        else if (!strcmp(a, "--block") && next)
            parse_block(argv[++i], &o.block);
        else if (!strcmp(a, "--figures") && next && i + 2 < argc) {
            o.plan = argv[++i];
            o.img_dir = argv[++i];
        } else if (!strcmp(a, "--tsv"))
            o.tsv = 1;
        else if (!strcmp(a, "--check"))
            o.check = 1;
        else if (!strcmp(a, "--list"))
            o.list = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--variant") || !strcmp(a, "--dtype") || !strcmp(a, "--shape") ||
                   !strcmp(a, "--block") || !strcmp(a, "--figures")) {
            bad_request("%s needs a value", a, "see --help");
        } else {
            usage(stderr);
            bad_request("unknown option '%s'", a, "see the usage above");
        }
    }
    if (o.list) {
        for (int i = 0; i < wb_lesson_variant_count; i++)
            printf("%s\t%s\n", wb_lesson_variants[i].name, wb_lesson_variants[i].op);
        return 0;
    }
    if (o.plan)
        return figures(o.plan, o.img_dir);

    char fix[2300];
    snprintf(fix, sizeof fix, "%s's variants are %s (e.g. make trace WEEK=%s VARIANT=%s)",
             wb_this_week.name, variant_names(), wb_this_week.name + 4, wb_lesson_variants[0].name);
    if (!o.variant)
        bad_request("no variant given%s", "", fix);
    wbt_run_state s = {0};
    s.variant = find_variant(o.variant);
    if (!s.variant) {
        char what[128];
        snprintf(what, sizeof what, "%s has no variant '%%s'", wb_this_week.name);
        bad_request(what, o.variant, fix);
    }
    s.op = find_op(s.variant->op);
    s.dtype = WB_F32;
    if (o.dtype_name && wb_dtype_parse(o.dtype_name, &s.dtype))
        bad_request("no element type '%s'", o.dtype_name, "use DTYPE=f32, f16 or bf16");
    if (!(s.variant->dtypes & WB_DT(s.dtype))) {
        char types[64] = "";
        for (int d = 0; d < WB_DTYPE_COUNT; d++)
            if (s.variant->dtypes & WB_DT(d))
                snprintf(types + strlen(types), sizeof types - strlen(types), " DTYPE=%s",
                         wb_dtype_name((wb_dtype)d));
        bad_request("%s does not take this element type", s.variant->name, types + 1);
    }
    if (o.shape) {
        if (!parse_shape(o.shape, &s.rows, &s.cols))
            bad_request("SHAPE='%s' is not ROWSxCOLS", o.shape, "e.g. SHAPE=8192x8192");
        int one_row = s.op->n_shapes > 0; /* an op the suite only grades on single rows */
        for (int i = 0; i < s.op->n_shapes; i++)
            one_row &= s.op->shapes[i].rows == 1;
        if (one_row && s.rows != 1) {
            char fix[96];
            snprintf(fix, sizeof fix, "e.g. SHAPE=1x%ld", s.rows * s.cols);
            bad_request("%s takes one row of n values", s.op->name, fix);
        }
    } else if (s.op->n_bench_shapes) {
        s.rows = s.op->bench_shapes[0].rows;
        s.cols = s.op->bench_shapes[0].cols;
    } else {
        s.rows = s.cols = 1024;
    }

    run_variant(&s, o.check, o.block, o.check);
    if (s.rc != WB_OK) {
        char what[160];
        snprintf(what, sizeof what, "%s, %s, %ldx%ld: %%s", s.variant->name, wb_dtype_name(s.dtype),
                 s.rows, s.cols);
        bad_request(what, describe_rc(s.rc),
                    s.rc == WB_UNSUPPORTED ? "pick another SHAPE= or DTYPE=" : "see the lesson");
    }
    if (o.check) {
        int rc = check_variant(&s);
        for (int k = 0; k < 3; k++)
            free(s.in[k]);
        return rc;
    }
    wbt_symbolize();
    if (o.tsv) {
        wbt_report_tsv(stdout);
    } else {
        printf("trace: %s %s, %s, %ldx%ld, run on the CPU (no GPU): each warp's requests to "
               "global memory (32-byte sectors touched) and shared memory (wavefronts; more than "
               "1 per request is a bank conflict)\n",
               wb_this_week.name, s.variant->name, wb_dtype_name(s.dtype), s.rows, s.cols);
        wbt_report_table(stdout);
    }
    for (int k = 0; k < 3; k++)
        free(s.in[k]);
    return 0;
}
