/* report_table.c: the table a person reads at the end of `make grade`.
 *
 *   week0 on NVIDIA H200 (cc 9.0, 132 SMs)
 *   driver 580.159.04, CUDA 13.0, seed 123, copy ceiling 4300.0 GB/s
 *
 *   variant            op         dtype  shape      verdict      ms   GB/s  % ceiling  x baseline
 *   copy               copy       f32    8192x8192  PASS      0.130   4000        93%       0.92x
 *   ...
 *   then every failure with its whole message, the score and a summary line.
 *
 * Columns are padded to their widest cell. Colour only on a terminal, and
 * never when NO_COLOR is set (https://no-color.org). */
#define _POSIX_C_SOURCE 200809L /* fileno */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dtype.h"
#include "report.h"
#include "report_internal.h"

enum {
    COL_VARIANT,
    COL_OP,
    COL_DTYPE,
    COL_SHAPE,
    COL_VERDICT,
    COL_MS,
    COL_GBPS,
    COL_PCT,
    COL_X,
    N_COLS
};

static const char *const headers[N_COLS] = {"variant", "op",   "dtype",     "shape",     "verdict",
                                            "ms",      "GB/s", "% ceiling", "x baseline"};
/* numbers read best right-aligned */
static const int right_aligned[N_COLS] = {0, 0, 0, 0, 0, 1, 1, 1, 1};

#define CELL 96

typedef struct row {
    char cell[N_COLS][CELL];
    const char *colour; /* for the verdict cell, NULL for none */
} row;

#define GREEN  "\033[32m"
#define RED    "\033[31m"
#define YELLOW "\033[33m"
#define BOLD   "\033[1m"
#define RESET  "\033[0m"

int wb_report_use_colour(FILE *f)
{
    const char *no_colour = getenv("NO_COLOR");
    if (no_colour && *no_colour)
        return 0;
    int fd = fileno(f);
    return fd >= 0 && isatty(fd);
}

/* Characters on screen, counting a UTF-8 sequence as one. */
static int display_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *f, int n)
{
    for (; n > 0; n--)
        fputc(' ', f);
}

static void fill_row(row *rw, const wb_env *env, const wb_result *r)
{
    memset(rw, 0, sizeof *rw);
    wbr_one_line(rw->cell[COL_VARIANT], CELL, WBR_FIELD(r->variant));
    wbr_one_line(rw->cell[COL_OP], CELL, WBR_FIELD(r->op));
    snprintf(rw->cell[COL_DTYPE], CELL, "%s",
             (int)r->dtype >= 0 && r->dtype < WB_DTYPE_COUNT ? wb_dtype_name(r->dtype) : "?");
    wbr_shape(rw->cell[COL_SHAPE], CELL, r);
    if (r->skipped) {
        snprintf(rw->cell[COL_VERDICT], CELL, "SKIP");
        rw->colour = YELLOW;
    } else if (r->passed) {
        snprintf(rw->cell[COL_VERDICT], CELL, "PASS");
        rw->colour = GREEN;
    } else {
        snprintf(rw->cell[COL_VERDICT], CELL, "FAIL %s", wb_category_key(r->category));
        rw->colour = RED;
    }
    double pct = wbr_pct_ceiling(env, r), x = wbr_vs_baseline(r);
    if (wbr_timed(r)) {
        snprintf(rw->cell[COL_MS], CELL, "%.3f", r->ms);
        snprintf(rw->cell[COL_GBPS], CELL, "%.0f", r->gbps);
    }
    if (pct > 0)
        snprintf(rw->cell[COL_PCT], CELL, "%.0f%%", pct);
    if (x > 0)
        snprintf(rw->cell[COL_X], CELL, "%.2fx", x);
    for (int c = COL_MS; c < N_COLS; c++)
        if (!rw->cell[c][0])
            snprintf(rw->cell[c], CELL, "-");
}

static void print_cell(FILE *f, const char *s, int width, int right, const char *colour, int last)
{
    int gap = width - display_width(s);
    if (right)
        pad(f, gap);
    if (colour)
        fprintf(f, "%s%s%s", colour, s, RESET);
    else
        fputs(s, f);
    if (!right && !last)
        pad(f, gap);
}

static void print_row(FILE *f, const int *width, char cells[N_COLS][CELL], const char *colour,
                      int colour_on)
{
    for (int c = 0; c < N_COLS; c++) {
        if (c)
            fputs("  ", f);
        print_cell(f, cells[c], width[c], right_aligned[c],
                   colour_on && c == COL_VERDICT ? colour : NULL, c == N_COLS - 1);
    }
    fputc('\n', f);
}

static void print_header(FILE *f, const char *week, const wb_env *env, int colour)
{
    if (colour)
        fputs(BOLD, f);
    if (env->have_device)
        fprintf(f, "%s on %.*s (cc %d.%d, %d SMs)", week, (int)wbr_len(WBR_FIELD(env->device_name)),
                env->device_name, env->cc_major, env->cc_minor, env->sm_count);
    else
        fprintf(f, "%s: no GPU: %.*s", week, (int)wbr_len(WBR_FIELD(env->no_device_reason)),
                env->no_device_reason);
    if (colour)
        fputs(RESET, f);
    char driver[96], runtime[32];
    wbr_driver(driver, sizeof driver, env);
    wbr_cuda_version(runtime, sizeof runtime, env->runtime_version);
    fprintf(f, "\ndriver %s, CUDA %s, seed %llu, copy ceiling ", driver, runtime, env->seed);
    if (env->copy_ceiling_gbps > 0)
        fprintf(f, "%.1f GB/s\n\n", env->copy_ceiling_gbps);
    else
        fputs("not measured\n\n", f);
}

/* Every failure with its whole message, continuation lines indented. */
static void print_failures(FILE *f, const wb_result *r, int n, int failed, int colour)
{
    if (failed == 0)
        return;
    fprintf(f, "\n%s%d failed:%s\n", colour ? RED : "", failed, colour ? RESET : "");
    for (int i = 0; i < n; i++) {
        if (r[i].passed || r[i].skipped)
            continue;
        char name[160];
        wbr_test_name(name, sizeof name, &r[i]);
        fprintf(f, "  %s: %s\n", name, wb_category_name(r[i].category));
        size_t len = wbr_len(WBR_FIELD(r[i].message));
        if (len == 0)
            continue;
        fputs("    ", f);
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)r[i].message[k];
            if (c == '\n')
                fputs(k + 1 < len ? "\n    " : "", f);
            else if ((c < 0x20 && c != '\t') || c == 0x7F)
                fprintf(f, "\\x%02x", c); /* no control sequences reach the terminal */
            else
                fputc(c, f);
        }
        fputc('\n', f);
    }
}

static void print_score(FILE *f, const wb_score *s, int colour)
{
    fprintf(f, "\n%sscore %.2f / %.2f%s (performance: full marks at %.2fx the reference time)\n",
            colour ? BOLD : "", s->total, s->max, colour ? RESET : "", s->full_at);
    int width = 0;
    char names[WB_SCORE_MAX_ITEMS][160];
    for (int k = 0; k < s->n_items; k++) {
        wbr_item_name(names[k], sizeof names[k], &s->items[k]);
        int w = display_width(names[k]);
        if (w > width)
            width = w;
    }
    for (int k = 0; k < s->n_items; k++) {
        const wb_score_item *it = &s->items[k];
        fprintf(f, "  %s", names[k]);
        pad(f, width - display_width(names[k]));
        fprintf(f, "  %6.2f / %6.2f", it->points, it->spec.points);
        if (it->note[0])
            fprintf(f, "  %.*s", (int)wbr_len(WBR_FIELD(it->note)), it->note);
        fputc('\n', f);
    }
}

int wb_report_table_colour(FILE *f, int colour, const char *week, const wb_env *env,
                           const wb_result *results, int n, const wb_score *score)
{
    const char *w = wbr_week(week, env);
    if (!results)
        n = 0;
    print_header(f, w, env, colour);

    row *rows = n > 0 ? calloc((size_t)n, sizeof *rows) : NULL;
    if (n > 0 && !rows)
        return -1;
    int width[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        width[c] = display_width(headers[c]);
    for (int i = 0; i < n; i++) {
        fill_row(&rows[i], env, &results[i]);
        for (int c = 0; c < N_COLS; c++) {
            int cw = display_width(rows[i].cell[c]);
            if (cw > width[c])
                width[c] = cw;
        }
    }
    char head[N_COLS][CELL];
    for (int c = 0; c < N_COLS; c++)
        snprintf(head[c], CELL, "%s", headers[c]);
    print_row(f, width, head, NULL, 0);
    for (int i = 0; i < n; i++)
        print_row(f, width, rows[i].cell, rows[i].colour, colour);
    free(rows);

    wbr_counts c = wbr_count(results, n);
    print_failures(f, results, n, c.failed, colour);
    if (score)
        print_score(f, score, colour);
    fprintf(f, "\n%d tests: ", n);
    fprintf(f, "%s%d passed%s, ", colour && c.passed ? GREEN : "", c.passed,
            colour && c.passed ? RESET : "");
    fprintf(f, "%s%d failed%s, ", colour && c.failed ? RED : "", c.failed,
            colour && c.failed ? RESET : "");
    fprintf(f, "%s%d skipped%s\n", colour && c.skipped ? YELLOW : "", c.skipped,
            colour && c.skipped ? RESET : "");
    const char *profile = wbr_attached_text();
    if (profile)
        fprintf(f, "\n%s%s", profile, profile[strlen(profile) - 1] == '\n' ? "" : "\n");
    return ferror(f) ? -1 : 0;
}

int wb_report_table(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                    const wb_score *score)
{
    return wb_report_table_colour(f, wb_report_use_colour(f), week, env, results, n, score);
}
