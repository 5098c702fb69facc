/* figures.c: the book's pictures, drawn from a traced run of a lesson's own
 * kernel (see figures.h). Every number a figure shows comes from the run:
 * the requests, shuffles and launches the trace recorded, and the inputs and
 * outputs in its buffers. */
#include "figures.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "dtype.h"
#include "svg.h"

#define LANE_W  27.0 /* a lane's column */
#define LEFT    40.0
#define WIDTH   (2 * LEFT + WBT_WARP * LANE_W)
#define MAX_FIG 4096 /* elements a map or tree figure shows */

/* ---- the plan line's KEY=VALUE words -------------------------------------------- */

static long option(const wbt_figure *f, const char *key, long def)
{
    size_t n = strlen(key);
    for (const char *p = f->extra; p && (p = strstr(p, key)); p += n)
        if ((p == f->extra || p[-1] == ' ') && p[n] == '=')
            return strtol(p + n + 1, NULL, 10);
    return def;
}

static int option_is(const wbt_figure *f, const char *key, const char *value)
{
    char want[64];
    snprintf(want, sizeof want, "%s=%s", key, value);
    const char *p = f->extra ? strstr(f->extra, want) : NULL;
    return p && (p == f->extra || p[-1] == ' ');
}

/* launch=N of the plan (1-based; default 1), as an index */
static int launch_of(const wbt_figure *f)
{
    long l = option(f, "launch", 1);
    return l >= 1 && l <= wbt_trace.n_launches ? (int)l - 1 : 0;
}

static const char *dtype_word(const wbt_figure *f)
{
    static const char *w[] = {"float32", "float16", "bfloat16"};
    return w[f->p->dtype];
}

static size_t elem_size(const wbt_figure *f)
{
    return wb_dtype_size(f->p->dtype);
}

/* the first block a launch traced */
static int first_block(int launch)
{
    for (int i = 0; i < wbt_trace.n_requests; i++)
        if (wbt_trace.requests[i].launch == launch)
            return wbt_trace.requests[i].block;
    return 0;
}

static int lanes_of(const wbt_request *r)
{
    return __builtin_popcount(r->active);
}

static const char *line_of(uintptr_t pc)
{
    const char *w = wbt_place_of(pc)->where, *colon = strrchr(w, ':');
    return colon ? colon + 1 : w;
}

/* ---- sectors: which 32-byte sectors one warp's load and store touch ------------ */

static const wbt_request *first_request(int launch, int block, int warp, int space, int kind)
{
    for (int i = 0; i < wbt_trace.n_requests; i++) {
        const wbt_request *r = &wbt_trace.requests[i];
        if (r->launch == launch && r->block == block && r->warp == warp && r->space == space &&
            r->kind == kind)
            return r;
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void sector_panel(svg *s, const wbt_request *r, double y0, const char *verb)
{
    uint64_t sec[2 * WBT_WARP];
    int n = 0, bytes = 0;
    for (int i = 0; i < WBT_WARP; i++)
        if (r->active >> i & 1) {
            bytes += r->size[i];
            for (uint64_t k = r->offset[i] / WBT_SECTOR;
                 k <= (r->offset[i] + r->size[i] - 1) / WBT_SECTOR && n < 2 * WBT_WARP; k++)
                sec[n++] = k;
        }
    qsort(sec, (size_t)n, sizeof sec[0], cmp_u64);
    int d = 0, runs = 0;
    for (int i = 0; i < n; i++)
        if (!d || sec[i] != sec[d - 1]) {
            runs += !d || sec[i] != sec[d - 1] + 1;
            sec[d++] = sec[i];
        }
    const char *buffer = wbt_trace.buffers[r->target[__builtin_ctz(r->active)]].name;
    svg_text(s, LEFT, y0, 12, "start", SVG_INK,
             "%s %s (line %s): %d lanes, %d bytes of data, in %d sector%s (%d bytes moved)", verb,
             buffer, line_of(r->pc), lanes_of(r), bytes, d, d == 1 ? "" : "s", d * WBT_SECTOR);
    double gap = 10, avail = WBT_WARP * LANE_W - (runs - 1) * gap;
    double sw = avail / d > 120 ? 120 : avail / d, x = LEFT, lane_y = y0 + 14, sec_y = y0 + 120;
    double sx[2 * WBT_WARP];
    for (int i = 0; i < d; i++) {
        if (i && sec[i] != sec[i - 1] + 1) {
            svg_text(s, x + gap / 2 - 1, sec_y + 14, 10, "middle", SVG_MUTED, "…");
            x += gap;
        }
        sx[i] = x;
        svg_rect(s, x + 0.5, sec_y, sw - 1, 20, svg_colour(i, d), SVG_INK);
        for (int w = 1; w < 8 && sw > 40; w++) /* its eight 4-byte words */
            svg_line(s, x + w * sw / 8, sec_y + 14, x + w * sw / 8, sec_y + 20, SVG_INK, 0.5);
        x += sw;
    }
    for (int i = 0; i < WBT_WARP; i++) {
        double lx = LEFT + i * LANE_W;
        int on = r->active >> i & 1;
        int k = 0;
        while (on && k < d && sec[k] != r->offset[i] / WBT_SECTOR)
            k++;
        svg_rect(s, lx + 1, lane_y, LANE_W - 2, 18, on ? svg_colour(k, d) : "#ffffff", SVG_INK);
        svg_text(s, lx + LANE_W / 2, lane_y + 13, 9, "middle", SVG_INK, "%d", i);
        if (on && k < d)
            svg_line(s, lx + LANE_W / 2, lane_y + 18,
                     sx[k] +
                         ((double)(r->offset[i] % WBT_SECTOR) + r->size[i] / 2.0) / WBT_SECTOR * sw,
                     sec_y, SVG_MUTED, 0.7);
    }
    svg_text(s, LEFT - 6, lane_y + 13, 9, "end", SVG_MUTED, "lane");
    svg_text(s, LEFT, sec_y + 34, 10, "start", SVG_MUTED, "sectors of %s, from byte %llu%s%llu",
             buffer, (unsigned long long)(sec[0] * WBT_SECTOR), d > 1 ? " to byte " : "",
             d > 1 ? (unsigned long long)(sec[d - 1] * WBT_SECTOR) : 0ULL);
}

static const char *draw_sectors(FILE *out, const wbt_figure *f)
{
    int l = launch_of(f), b = first_block(l), warp = (int)option(f, "warp", 0);
    const wbt_request *ld = first_request(l, b, warp, WBT_GLOBAL, WBT_LOAD);
    const wbt_request *st = first_request(l, b, warp, WBT_GLOBAL, WBT_STORE);
    if (!ld || !st)
        return "warp 0 of the first block has no global load and store";
    char title[256];
    snprintf(title, sizeof title, "%s, %s: warp %d's first load touches %d sectors, its store %d",
             f->variant, dtype_word(f), warp, wbt_sectors(ld), wbt_sectors(st));
    svg s;
    svg_begin(&s, out, WIDTH, 380, title);
    sector_panel(&s, ld, 54, "load from");
    sector_panel(&s, st, 224, "store to");
    svg_end(&s);
    return NULL;
}

/* ---- banks: the 32 banks one shared request falls into ---------------------------- */

static const char *draw_banks(FILE *out, const wbt_figure *f)
{
    int l = launch_of(f), b = first_block(l), warp = (int)option(f, "warp", 0);
    int kind = option_is(f, "access", "store") ? WBT_STORE : WBT_LOAD;
    const wbt_request *r = NULL;
    int most = -1;
    for (int i = 0; i < wbt_trace.n_requests; i++) { /* the worst of the warp's requests */
        const wbt_request *q = &wbt_trace.requests[i];
        int w, ideal;
        if (q->launch != l || q->block != b || q->warp != warp || q->space != WBT_SHARED ||
            q->kind != kind)
            continue;
        wbt_wavefronts(q, &w, &ideal);
        if (w > most)
            most = w, r = q;
    }
    if (!r)
        return "the warp makes no shared request of that kind";
    /* each bank's distinct words, in order of first use, and the lanes on each */
    uint64_t words[WBT_BANKS][WBT_WARP];
    int n_words[WBT_BANKS] = {0}, row_of[WBT_WARP], first_lane[WBT_BANKS][WBT_WARP], tallest = 1;
    for (int i = 0; i < WBT_WARP; i++) {
        row_of[i] = -1;
        if (!(r->active >> i & 1))
            continue;
        uint64_t w = r->offset[i] / 4;
        int bank = wbt_bank(r->offset[i]), k = 0;
        while (k < n_words[bank] && words[bank][k] != w)
            k++;
        if (k == n_words[bank]) {
            first_lane[bank][k] = i;
            words[bank][n_words[bank]++] = w;
        }
        row_of[i] = k;
        if (n_words[bank] > tallest)
            tallest = n_words[bank];
    }
    int wavefronts, ideal;
    wbt_wavefronts(r, &wavefronts, &ideal);
    char title[256];
    snprintf(title, sizeof title,
             "%s, %s: warp %d's shared %s at line %s: %d word%s in the busiest bank, %d "
             "wavefront%s",
             f->variant, dtype_word(f), warp, kind == WBT_LOAD ? "load" : "store", line_of(r->pc),
             tallest, tallest == 1 ? "" : "s", wavefronts, wavefronts == 1 ? "" : "s");
    double lane_y = 44, bank_y = 150, cell = 15;
    svg s;
    svg_begin(&s, out, WIDTH, bank_y + 30 + tallest * cell + 24, title);
    svg_text(&s, LEFT - 6, lane_y + 13, 9, "end", SVG_MUTED, "lane");
    svg_text(&s, LEFT - 6, bank_y + 13, 9, "end", SVG_MUTED, "bank");
    for (int k = 0; k < WBT_BANKS; k++) {
        double x = LEFT + k * LANE_W;
        svg_rect(&s, x + 1, bank_y, LANE_W - 2, 18, n_words[k] > 1 ? "#fde0d9" : "#eef1f4",
                 SVG_INK);
        svg_text(&s, x + LANE_W / 2, bank_y + 13, 9, "middle", SVG_INK, "%d", k);
        for (int w = 0; w < n_words[k]; w++) {
            svg_rect(&s, x + 3, bank_y + 22 + w * cell, LANE_W - 6, cell - 2,
                     w ? SVG_HOT : svg_colour(0, 1), NULL);
            svg_text(&s, x + LANE_W / 2, bank_y + 22 + w * cell + 10, 8, "middle", "#ffffff", "%d",
                     first_lane[k][w]);
        }
    }
    for (int i = 0; i < WBT_WARP; i++) {
        double x = LEFT + i * LANE_W;
        svg_rect(&s, x + 1, lane_y, LANE_W - 2, 18, row_of[i] >= 0 ? "#ffffff" : "#eeeeee",
                 SVG_INK);
        svg_text(&s, x + LANE_W / 2, lane_y + 13, 9, "middle", SVG_INK, "%d", i);
        if (row_of[i] >= 0)
            svg_line(&s, x + LANE_W / 2, lane_y + 18,
                     LEFT + wbt_bank(r->offset[i]) * LANE_W + LANE_W / 2, bank_y, SVG_MUTED, 0.7);
    }
    svg_text(&s, LEFT, bank_y + 40 + tallest * cell, 10, "start", SVG_MUTED,
             "under each bank, one box per distinct 4-byte word the warp wants from it, "
             "with the first lane that wants it: %d wavefront%s where %d would do",
             wavefronts, wavefronts == 1 ? "" : "s", ideal);
    svg_end(&s);
    return NULL;
}

/* ---- tree: a block's reduction rounds in shared memory ---------------------------- */

typedef struct {
    int epoch, thread;
    uint64_t store, loads[4];
    int n_loads;
} tree_step;

static const char *draw_tree(FILE *out, const wbt_figure *f)
{
    int l = launch_of(f), b = first_block(l);
    /* per thread and epoch: the shared words it read, then the one it wrote */
    int cap = 1 << 14, n = 0;
    tree_step *steps = calloc((size_t)cap, sizeof *steps);
    uint64_t base = UINT64_MAX, top = 0;
    int epochs = 0;
    if (!steps)
        return "out of memory";
    for (int i = 0; i < wbt_trace.n_requests; i++) {
        const wbt_request *r = &wbt_trace.requests[i];
        if (r->launch != l || r->block != b || r->space != WBT_SHARED)
            continue;
        for (int k = 0; k < WBT_WARP; k++) {
            if (!(r->active >> k & 1))
                continue;
            int t = r->warp * WBT_WARP + k, j = n - 1;
            while (j >= 0 && !(steps[j].thread == t && steps[j].epoch == r->epoch))
                j--;
            if (j < 0 || steps[j].store != UINT64_MAX) {
                if (n == cap)
                    break;
                j = n++;
                steps[j] = (tree_step){r->epoch, t, UINT64_MAX, {0}, 0};
            }
            uint64_t w = r->offset[k] / 4;
            if (r->kind == WBT_STORE) {
                steps[j].store = w;
                base = w < base ? w : base;
                top = w > top ? w : top;
                epochs = r->epoch + 1 > epochs ? r->epoch + 1 : epochs;
            } else if (steps[j].n_loads < 4) {
                steps[j].loads[steps[j].n_loads++] = w;
            }
        }
    }
    /* the rounds: epochs whose threads combine two words into one of them */
    int round_of[256], rounds = 0;
    for (int e = 0; e < epochs && e < 256; e++) {
        round_of[e] = -1;
        for (int j = 0; j < n; j++)
            if (steps[j].epoch == e && steps[j].n_loads == 2 && steps[j].store != UINT64_MAX) {
                round_of[e] = ++rounds;
                break;
            }
    }
    if (!rounds) {
        free(steps);
        return "no round of the block combines two shared words into one";
    }
    long words = (long)(top - base + 1);
    int warps = (int)((wbt_trace.launches[l].cfg.block.x + WBT_WARP - 1) / WBT_WARP);
    double cw = 840.0 / words, row_h = 44, y0 = 70;
    char busy[256] = "";
    size_t used = 0;
    svg s;
    /* the title needs the busy warps per round: count first */
    int busy_warps[256] = {0}, busy_threads[256] = {0};
    for (int e = 0; e < epochs && e < 256; e++) {
        if (round_of[e] < 0)
            continue;
        unsigned long long mask = 0;
        for (int j = 0; j < n; j++)
            if (steps[j].epoch == e && steps[j].n_loads == 2) {
                mask |= 1ULL << (steps[j].thread / WBT_WARP % 64);
                busy_threads[round_of[e]]++;
            }
        busy_warps[round_of[e]] = __builtin_popcountll(mask);
        used += (size_t)snprintf(busy + used, sizeof busy - used, "%s%d",
                                 round_of[e] > 1 ? ", " : "", busy_warps[round_of[e]]);
        if (used >= sizeof busy)
            used = sizeof busy - 1;
    }
    char title[384];
    snprintf(title, sizeof title, "%s: %d rounds over %ld shared words; warps busy per round: %s",
             f->variant, rounds, words, busy);
    svg_begin(&s, out, WIDTH + 90, y0 + rounds * row_h + 30, title);
    svg_text(&s, LEFT, y0 - 14, 10, "start", SVG_MUTED,
             "shared word 0 .. %ld (one column each); a line joins the word read to the word "
             "it is added into; colour: the thread's warp (%d warps)",
             words - 1, warps);
    for (long w = 0; w < words; w++)
        svg_rect(&s, LEFT + w * cw, y0, cw > 2 ? cw - 0.5 : cw, 8, SVG_RULE, NULL);
    for (int e = 0; e < epochs && e < 256; e++) {
        int r = round_of[e];
        if (r < 0)
            continue;
        double y = y0 + r * row_h;
        for (int j = 0; j < n; j++) {
            const tree_step *st = &steps[j];
            if (st->epoch != e || st->n_loads != 2 || st->store == UINT64_MAX)
                continue;
            uint64_t other = st->loads[0] == st->store ? st->loads[1] : st->loads[0];
            double xd = LEFT + (double)(st->store - base) * cw + cw / 2,
                   xs = LEFT + (double)(other - base) * cw + cw / 2;
            svg_line(&s, xs, y - row_h + 8, xd, y, svg_colour(st->thread / WBT_WARP, warps), 0.6);
            svg_rect(&s, LEFT + (double)(st->store - base) * cw, y, cw > 2 ? cw - 0.5 : cw, 8,
                     svg_colour(st->thread / WBT_WARP, warps), NULL);
        }
        svg_text(&s, LEFT + words * cw + 8, y + 8, 10, "start", SVG_INK,
                 "round %d: %d thread%s, %d warp%s", r, busy_threads[r],
                 busy_threads[r] == 1 ? "" : "s", busy_warps[r], busy_warps[r] == 1 ? "" : "s");
    }
    svg_end(&s);
    free(steps);
    return NULL;
}

/* ---- shuffle: a warp's exchange rounds --------------------------------------------- */

static float as_float(uint64_t bits)
{
    uint32_t u = (uint32_t)bits;
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static int same_pattern(const wbt_shuffle_record *a, const wbt_shuffle_record *b)
{
    return a->active == b->active && !memcmp(a->src, b->src, sizeof a->src);
}

static const char *draw_shuffle(FILE *out, const wbt_figure *f)
{
    int l = -1, warp = (int)option(f, "warp", 0);
    for (int i = 0; i < wbt_trace.n_shuffles && l < 0; i++) /* the first launch that shuffles */
        if (wbt_trace.shuffles[i].warp == warp &&
            (!option(f, "launch", 0) || wbt_trace.shuffles[i].launch == launch_of(f)))
            l = wbt_trace.shuffles[i].launch;
    if (l < 0)
        return "the warp makes no shuffle";
    int b = -1;
    const wbt_shuffle_record *round[32] = {NULL};
    int rounds = 0;
    for (int i = 0; i < wbt_trace.n_shuffles && rounds < 32; i++) {
        const wbt_shuffle_record *r = &wbt_trace.shuffles[i];
        if (r->launch != l || r->warp != warp || (b >= 0 && r->block != b))
            continue;
        b = r->block;
        if (rounds && same_pattern(r, round[rounds - 1]))
            continue; /* the same exchange for the next field of a pair (m, then d) */
        if (rounds && same_pattern(r, round[0]))
            break; /* the next reduction starts */
        round[rounds++] = r;
    }
    if (!rounds)
        return "the warp makes no shuffle";
    const char *how = round[0]->kind == WBT_SHFL_XOR    ? "__shfl_xor_sync"
                      : round[0]->kind == WBT_SHFL_DOWN ? "__shfl_down_sync"
                      : round[0]->kind == WBT_SHFL_UP   ? "__shfl_up_sync"
                                                        : "__shfl_sync";
    char args[128] = "";
    size_t used = 0;
    for (int k = 0; k < rounds && used < sizeof args; k++)
        used += (size_t)snprintf(args + used, sizeof args - used, "%s%d", k ? ", " : "",
                                 round[k]->arg[__builtin_ctz(round[k]->active)]);
    char title[256];
    snprintf(title, sizeof title, "%s: warp %d, %d rounds of %s (%s %s)", f->variant, warp, rounds,
             how, round[0]->kind == WBT_SHFL_XOR ? "lane masks" : "offsets", args);
    double row_h = 58, y0 = 66;
    svg s;
    svg_begin(&s, out, WIDTH, y0 + rounds * row_h + 50, title);
    svg_text(&s, LEFT, y0 - 20, 10, "start", SVG_MUTED,
             "each row: the value each lane holds before the round; a line: the lane it reads");
    for (int k = 0; k < rounds; k++) {
        double y = y0 + k * row_h;
        const wbt_shuffle_record *r = round[k];
        for (int i = 0; i < WBT_WARP; i++) {
            double x = LEFT + i * LANE_W + LANE_W / 2;
            int on = r->active >> i & 1;
            if (on && r->src[i] != i)
                svg_line(&s, LEFT + r->src[i] * LANE_W + LANE_W / 2, y + 8, x, y + row_h - 10,
                         svg_colour(k, rounds > 8 ? 8 : rounds), 0.9);
            svg_circle(&s, x, y, 9, on ? "#ffffff" : "#eeeeee", SVG_INK);
            if (on)
                svg_text(&s, x, y + 3, 6.5, "middle", SVG_INK, "%.3g", as_float(r->sent[i]));
        }
        svg_text(&s, LEFT - 6, y + 3, 9, "end", SVG_MUTED, "%d", k + 1);
    }
    double y = y0 + rounds * row_h;
    int everyone = round[0]->kind == WBT_SHFL_XOR; /* a butterfly leaves the result in every lane */
    for (int i = 0; i < WBT_WARP; i++)
        svg_circle(&s, LEFT + i * LANE_W + LANE_W / 2, y, 9,
                   i == 0 || everyone ? "#fde0d9" : "#ffffff", SVG_INK);
    svg_text(&s, WIDTH - LEFT, y0 - 20, 10, "end", SVG_MUTED, "last row: %s",
             everyone ? "every lane holds the warp's result" : "lane 0 holds the warp's result");
    for (int i = 0; i < WBT_WARP; i++)
        svg_text(&s, LEFT + i * LANE_W + LANE_W / 2, y + 24, 8, "middle", SVG_MUTED, "%d", i);
    svg_text(&s, LEFT - 6, y + 24, 9, "end", SVG_MUTED, "lane");
    svg_end(&s);
    return NULL;
}

/* ---- passes: the launches of a multi-pass reduction ------------------------------- */

static void boxed(svg *s, double x, double y, double w, const char *fill, const char *text)
{
    svg_rect(s, x, y, w, 30, fill, SVG_INK);
    svg_text(s, x + w / 2, y + 19, 10.5, "middle", SVG_INK, "%s", text);
}

static const char *draw_passes(FILE *out, const wbt_figure *f)
{
    int n = wbt_trace.n_launches;
    if (!n)
        return "no launch";
    char title[256], text[256];
    snprintf(title, sizeof title,
             "%s, %ld values of %s: %d launch%s, each block reducing its "
             "slice to one partial",
             f->variant, f->rows * f->cols, dtype_word(f), n, n == 1 ? "" : "es");
    double row_h = 52, y0 = 50;
    svg s;
    svg_begin(&s, out, WIDTH + 80, y0 + n * row_h + 10, title);
    long values = f->rows * f->cols;
    for (int l = 0; l < n; l++) {
        const wbt_launch_record *rec = &wbt_trace.launches[l];
        long stores = 0;
        for (int i = 0; i < wbt_trace.n_requests; i++) {
            const wbt_request *r = &wbt_trace.requests[i];
            if (r->launch == l && r->space == WBT_GLOBAL && r->kind == WBT_STORE)
                stores += lanes_of(r);
        }
        long out_values =
            rec->blocks_traced ? stores / rec->blocks_traced * rec->blocks_in_grid : 0;
        double y = y0 + l * row_h;
        snprintf(text, sizeof text, "%ld values", values);
        boxed(&s, LEFT, y, 150, svg_tint(l, 8), text);
        svg_arrow(&s, LEFT + 152, y + 15, LEFT + 186, y + 15, SVG_MUTED);
        snprintf(text, sizeof text, "launch %d: %ld block%s of %u threads", l + 1,
                 rec->blocks_in_grid, rec->blocks_in_grid == 1 ? "" : "s",
                 rec->cfg.block.x * rec->cfg.block.y * rec->cfg.block.z);
        boxed(&s, LEFT + 190, y, 420, "#ffffff", text);
        svg_arrow(&s, LEFT + 612, y + 15, LEFT + 646, y + 15, SVG_MUTED);
        snprintf(text, sizeof text, "%ld %s", out_values, l + 1 < n ? "partials" : "result");
        boxed(&s, LEFT + 650, y, 150, svg_tint(l + 1, 8), text);
        if (l + 1 < n)
            svg_arrow(&s, LEFT + 725, y + 32, LEFT + 75, y + row_h - 2, SVG_RULE);
        values = out_values;
    }
    svg_end(&s);
    return NULL;
}

/* ---- map: which thread (or block) of the grid reads each element ------------------- */

typedef struct {
    int *block, *thread; /* per element of x: the first to load it, -1 none */
    long n;
} owners;

static int load_owners(const wbt_figure *f, int launch, owners *o)
{
    o->n = f->rows * f->cols;
    if (o->n > (1L << 24))
        return -1;
    o->block = malloc((size_t)o->n * sizeof(int));
    o->thread = malloc((size_t)o->n * sizeof(int));
    if (!o->block || !o->thread)
        return -1;
    for (long i = 0; i < o->n; i++)
        o->block[i] = o->thread[i] = -1;
    size_t es = elem_size(f);
    for (int i = 0; i < wbt_trace.n_requests; i++) {
        const wbt_request *r = &wbt_trace.requests[i];
        if (r->launch != launch || r->space != WBT_GLOBAL || r->kind != WBT_LOAD)
            continue;
        for (int k = 0; k < WBT_WARP; k++) {
            if (!(r->active >> k & 1) || r->target[k] != 0)
                continue;
            for (uint64_t e = r->offset[k] / es; e < (r->offset[k] + r->size[k]) / es; e++)
                if ((long)e < o->n && o->block[e] < 0) {
                    o->block[e] = r->block;
                    o->thread[e] = r->warp * WBT_WARP + k;
                }
        }
    }
    return 0;
}

static void free_owners(owners *o)
{
    free(o->block);
    free(o->thread);
}

/* rank[e]: the element's reader among the distinct readers of its row, in order */
static int row_ranks(const owners *o, long row, long cols, int by_block, int *rank)
{
    long keys[1024];
    int n = 0;
    for (long c = 0; c < cols; c++) {
        long e = row * cols + c;
        long key = o->block[e] < 0 ? -1
                   : by_block      ? o->block[e]
                                   : o->block[e] * 1024L + o->thread[e];
        int k = 0;
        while (k < n && keys[k] != key)
            k++;
        if (k == n && n < 1024)
            keys[n++] = key;
        rank[c] = key < 0 ? -1 : k;
    }
    return n;
}

/* n cells coloured by rank (-1: none), drawn run by run */
static void strip(svg *s, double x, double y, double w, double h, const int *rank, long n,
                  int colours)
{
    for (long c = 0, e; c < n; c = e) {
        for (e = c; e < n && rank[e] == rank[c]; e++)
            ;
        if (rank[c] >= 0)
            svg_rect(s, x + w * c / n, y, w * (e - c) / n, h, svg_colour(rank[c], colours), NULL);
    }
}

static const char *draw_map(FILE *out, const wbt_figure *f)
{
    int l = launch_of(f), by_block = option_is(f, "by", "block");
    owners o;
    if (load_owners(f, l, &o)) {
        free_owners(&o);
        return "the shape is too large for a map";
    }
    long rows = option(f, "rows", 8) < f->rows ? option(f, "rows", 8) : f->rows;
    int *rank = malloc((size_t)f->cols * sizeof(int));
    if (!rank) {
        free_owners(&o);
        return "out of memory";
    }
    int readers = row_ranks(&o, 0, f->cols, by_block, rank);
    /* thread 0's first two loads of row 0: how far apart its packs are */
    long first = -1, second = -1;
    int bytes = 0;
    for (int i = 0; i < wbt_trace.n_requests && second < 0; i++) {
        const wbt_request *r = &wbt_trace.requests[i];
        if (r->launch == l && r->space == WBT_GLOBAL && r->kind == WBT_LOAD && r->warp == 0 &&
            r->block == first_block(l) && (r->active & 1) && r->target[0] == 0) {
            long e = (long)(r->offset[0] / elem_size(f));
            if (first < 0)
                first = e, bytes = r->size[0];
            else if (e != first && e < f->cols)
                second = e;
        }
    }
    int blocks = 0;
    {
        int seen[WBT_MAX_CLUSTER * 64] = {0};
        for (long c = 0; c < f->cols; c++)
            if (o.block[c] >= 0 && o.block[c] < (int)(sizeof seen / sizeof seen[0]) &&
                !seen[o.block[c]]++)
                blocks++;
    }
    char title[320];
    if (by_block)
        snprintf(title, sizeof title,
                 "%s, %ldx%ld %s: %d blocks share row 0; a thread loads %d bytes, then %ld "
                 "elements further",
                 f->variant, f->rows, f->cols, dtype_word(f), readers, bytes,
                 second > first ? second - first : 0);
    else
        snprintf(title, sizeof title,
                 "%s, %ldx%ld %s: %d thread%s of %d block%s share row 0; a thread loads %d bytes, "
                 "then %ld elements further",
                 f->variant, f->rows, f->cols, dtype_word(f), readers, readers == 1 ? "" : "s",
                 blocks, blocks == 1 ? "" : "s", bytes, second > first ? second - first : 0);
    double h = 20, y0 = 64, w = 740;
    svg s;
    svg_begin(&s, out, WIDTH + 40, y0 + rows * (h + 6) + 60, title);
    svg_text(&s, LEFT, y0 - 12, 10, "start", SVG_MUTED,
             "rows 0-%ld of x, columns 0-%ld; colour: which %s of the row's readers loads the "
             "element (in order of first load)",
             rows - 1, f->cols - 1, by_block ? "block" : "thread");
    for (long r = 0; r < rows; r++) {
        int n = row_ranks(&o, r, f->cols, by_block, rank);
        double y = y0 + r * (h + 6);
        strip(&s, LEFT, y, w, h, rank, f->cols, n);
        svg_text(&s, LEFT - 6, y + 14, 9, "end", SVG_MUTED, "%ld", r);
        int lo = -1, hi = -1, lo_block = -1, hi_block = -1;
        for (long c = 0; c < f->cols; c++) {
            int t = o.thread[r * f->cols + c], b = o.block[r * f->cols + c];
            if (t < 0)
                continue;
            if (lo < 0 || b < lo_block || (b == lo_block && t < lo))
                lo = t, lo_block = b;
            if (b > hi_block || (b == hi_block && t > hi))
                hi = t, hi_block = b;
        }
        if (lo_block == hi_block)
            svg_text(&s, LEFT + w + 8, y + 14, 9, "start", SVG_INK, "block %d, threads %d-%d",
                     lo_block, lo, hi);
        else
            svg_text(&s, LEFT + w + 8, y + 14, 9, "start", SVG_INK, "blocks %d-%d", lo_block,
                     hi_block);
    }
    double ly = y0 + rows * (h + 6) + 16;
    for (int k = 0; k < readers && k < 12; k++) {
        svg_rect(&s, LEFT + k * 72, ly, 12, 12, svg_colour(k, readers), NULL);
        svg_text(&s, LEFT + k * 72 + 16, ly + 10, 9, "start", SVG_INK, "%s %d",
                 by_block ? "block" : "thread", k);
    }
    if (readers > 12)
        svg_text(&s, LEFT + 12 * 72, ly + 10, 9, "start", SVG_MUTED, "… %d in all", readers);
    svg_end(&s);
    free(rank);
    free_owners(&o);
    return NULL;
}

/* ---- merge: two lanes' (m, d) and their merge, on one row's values --------------- */

static const char *draw_merge(FILE *out, const wbt_figure *f)
{
    long row = option(f, "row", 0);
    if (!f->input || row >= f->rows || f->cols > 8)
        return "a merge figure wants a row of at most 8 values (row=N picks one)";
    /* the warp that reads the row, and which lane reads each value */
    size_t es = elem_size(f);
    int owner[8], block = -1, warp = -1;
    for (long j = 0; j < f->cols; j++)
        owner[j] = -1;
    for (int i = 0; i < wbt_trace.n_requests; i++) {
        const wbt_request *r = &wbt_trace.requests[i];
        if (r->space != WBT_GLOBAL || r->kind != WBT_LOAD ||
            (block >= 0 && (r->block != block || r->warp != warp)))
            continue;
        for (int k = 0; k < WBT_WARP; k++) {
            if (!(r->active >> k & 1) || r->target[k] != 0)
                continue;
            for (uint64_t e = r->offset[k] / es; e < (r->offset[k] + r->size[k]) / es; e++)
                if ((long)e / f->cols == row && owner[e % (uint64_t)f->cols] < 0) {
                    owner[e % (uint64_t)f->cols] = k;
                    block = r->block, warp = r->warp;
                }
        }
    }
    /* the exchange that pairs lanes 0 and 1: two shuffles, m then d */
    const wbt_shuffle_record *m = NULL, *d = NULL;
    for (int i = 0; i + 1 < wbt_trace.n_shuffles && !m; i++) {
        const wbt_shuffle_record *r = &wbt_trace.shuffles[i];
        if (r->block == block && r->warp == warp && r->src[0] == 1 && r->src[1] == 0 &&
            same_pattern(r, &wbt_trace.shuffles[i + 1]))
            m = r, d = &wbt_trace.shuffles[i + 1];
    }
    if (!m)
        return "no shuffle of the row's warp pairs lanes 0 and 1";
    float m0 = as_float(m->sent[0]), m1 = as_float(m->sent[1]);
    float d0 = as_float(d->sent[0]), d1 = as_float(d->sent[1]);
    double mm = m0 > m1 ? m0 : m1, dd = d0 * exp(m0 - mm) + d1 * exp(m1 - mm);
    int rescaled = m0 < m1 ? 0 : 1;
    char title[256];
    snprintf(title, sizeof title,
             "%s on the %ld values of row %ld: each lane's (m, d), then one merge rescales lane "
             "%d's d",
             f->variant, f->cols, row, rescaled);
    svg s;
    double bw = 96, y0 = 60;
    svg_begin(&s, out, WIDTH, 420, title);
    const double *x = f->input + row * f->cols;
    for (long j = 0; j < f->cols; j++) {
        double bx = LEFT + j * (bw + 6);
        svg_rect(&s, bx, y0, bw, 26, owner[j] >= 0 ? svg_tint(owner[j], 2) : "#eeeeee", SVG_INK);
        svg_text(&s, bx + bw / 2, y0 + 17, 11, "middle", SVG_INK, "x%ld = %.2f", j, x[j]);
    }
    for (int k = 0; k < 2; k++) {
        double bx = LEFT + k * 4 * (bw + 6) + 2 * (bw + 6) - bw / 2 - 30;
        float mk = k ? m1 : m0, dk = k ? d1 : d0;
        svg_rect(&s, bx, y0 + 90, bw + 60, 46, svg_tint(k, 2), SVG_INK);
        svg_text(&s, bx + (bw + 60) / 2, y0 + 108, 11, "middle", SVG_INK, "lane %d: m = %.3f", k,
                 mk);
        svg_text(&s, bx + (bw + 60) / 2, y0 + 126, 11, "middle", SVG_INK, "d = %.4f", dk);
        svg_arrow(&s, bx + (bw + 60) / 2, y0 + 30, bx + (bw + 60) / 2, y0 + 88, SVG_MUTED);
        svg_arrow(&s, bx + (bw + 60) / 2, y0 + 138, LEFT + 4 * (bw + 6) - 3, y0 + 196, SVG_MUTED);
    }
    double cx = LEFT + 4 * (bw + 6) - 3;
    svg_rect(&s, cx - 200, y0 + 198, 400, 64, "#ffffff", SVG_INK);
    svg_text(&s, cx, y0 + 218, 11, "middle", SVG_INK, "m = max(%.3f, %.3f) = %.3f", m0, m1, mm);
    svg_text(&s, cx, y0 + 238, 11, "middle", SVG_INK,
             "d = %.4f e^(%.3f - %.3f) + %.4f e^(%.3f - %.3f)", d0, m0, mm, d1, m1, mm);
    svg_text(&s, cx, y0 + 256, 11, "middle", SVG_INK, "= %.4f", dd);
    for (long j = 0; j < f->cols; j++) { /* the kernel's output */
        double bx = LEFT + j * (bw + 6);
        svg_rect(&s, bx, y0 + 300, bw, 26, "#ffffff", SVG_INK);
        svg_text(&s, bx + bw / 2, y0 + 317, 11, "middle", SVG_INK, "y%ld = %.4f", j,
                 wb_load(f->p->dtype, f->p->y, (size_t)(row * f->cols + j)));
    }
    svg_text(&s, LEFT, y0 + 350, 10, "start", SVG_MUTED,
             "y as the kernel wrote it: y_j = e^(x_j - m) / d with the merged (m, d); the lane "
             "whose maximum was smaller has its d scaled by e^(its m - m)");
    svg_end(&s);
    return NULL;
}

/* ---- cluster: distributed shared memory reads of a cluster ------------------------- */

static const char *draw_cluster(FILE *out, const wbt_figure *f)
{
    int l = launch_of(f);
    const wbt_launch_record *rec = &wbt_trace.launches[l];
    int blocks = (int)(rec->cfg.cluster.x * rec->cfg.cluster.y * rec->cfg.cluster.z);
    if (blocks < 2)
        return "the launch has no cluster";
    const wbt_request *remote[WBT_MAX_CLUSTER] = {0};
    int per_block[WBT_MAX_CLUSTER] = {0};
    for (int i = 0; i < wbt_trace.n_requests; i++) {
        const wbt_request *r = &wbt_trace.requests[i];
        if (r->launch != l || r->space != WBT_SHARED || r->kind != WBT_LOAD)
            continue;
        int far = 0;
        for (int k = 0; k < WBT_WARP; k++)
            far |= (r->active >> k & 1) && r->target[k] != r->rank;
        if (!far)
            continue;
        per_block[r->rank]++;
        if (!remote[r->rank])
            remote[r->rank] = r;
    }
    owners o;
    if (load_owners(f, l, &o)) {
        free_owners(&o);
        return "the shape is too large for a cluster figure";
    }
    char title[256];
    snprintf(title, sizeof title,
             "%s, %ldx%ld %s: a cluster of %d blocks holds row 0; each warp reads the %d blocks' "
             "partials",
             f->variant, f->rows, f->cols, dtype_word(f), blocks, blocks);
    double bw = 860.0 / blocks, y0 = 60;
    svg s;
    svg_begin(&s, out, WIDTH + 20, 290, title);
    double cell_x[WBT_MAX_CLUSTER];
    for (int b = 0; b < blocks; b++) {
        double x = LEFT + b * bw;
        svg_rect(&s, x + 4, y0, bw - 8, 150, "#f6f8fa", SVG_INK);
        svg_text(&s, x + bw / 2, y0 + 18, 11, "middle", SVG_INK, "block %d of the cluster", b);
        cell_x[b] = x + bw / 2;
        svg_rect(&s, cell_x[b] - 40, y0 + 30, 80, 22, "#ffffff", svg_colour(b, blocks));
        svg_text(&s, cell_x[b], y0 + 45, 9, "middle", SVG_INK, "its (m, d)");
        svg_text(&s, x + bw / 2, y0 + 140, 9, "middle", SVG_MUTED, "%d warps read, line %s",
                 per_block[b], remote[b] ? line_of(remote[b]->pc) : "-");
    }
    for (int b = 0; b < blocks; b++) {
        const wbt_request *r = remote[b];
        if (!r)
            continue;
        for (int k = 0; k < WBT_WARP; k++) {
            if (!(r->active >> k & 1))
                continue;
            double lx = LEFT + b * bw + bw / 2 + (k - (blocks - 1) / 2.0) * 14;
            svg_circle(&s, lx, y0 + 110, 5, svg_colour(r->target[k], blocks), SVG_INK);
            svg_arrow(&s, lx, y0 + 104, cell_x[r->target[k]], y0 + 54,
                      svg_colour(r->target[k], blocks));
        }
        svg_text(&s, LEFT + b * bw + bw / 2, y0 + 128, 9, "middle", SVG_MUTED, "warp 0, lanes 0-%d",
                 blocks - 1);
    }
    /* the row: which block loads each element */
    double ry = y0 + 190, w = 860;
    svg_text(&s, LEFT, ry - 8, 10, "start", SVG_MUTED,
             "row 0 of x, columns 0-%ld: the block that loads each element", f->cols - 1);
    int rank_of_block[WBT_MAX_CLUSTER * 64];
    for (int i = 0; i < (int)(sizeof rank_of_block / sizeof rank_of_block[0]); i++)
        rank_of_block[i] = -1;
    for (int i = 0; i < wbt_trace.n_requests; i++) /* grid block -> cluster rank */
        if (wbt_trace.requests[i].launch == l &&
            wbt_trace.requests[i].block < (int)(sizeof rank_of_block / sizeof rank_of_block[0]))
            rank_of_block[wbt_trace.requests[i].block] = wbt_trace.requests[i].rank;
    int *rank = malloc((size_t)f->cols * sizeof(int));
    if (!rank) {
        free_owners(&o);
        return "out of memory";
    }
    for (long c = 0; c < f->cols; c++) {
        int b = o.block[c];
        rank[c] = b >= 0 && b < (int)(sizeof rank_of_block / sizeof rank_of_block[0])
                      ? rank_of_block[b]
                      : -1;
    }
    strip(&s, LEFT, ry, w, 22, rank, f->cols, blocks);
    free(rank);
    svg_end(&s);
    free_owners(&o);
    return NULL;
}

/* ---- timeline: one warp's global requests in order ------------------------------- */

static const char *draw_timeline(FILE *out, const wbt_figure *f)
{
    int l = launch_of(f), b = first_block(l), warp = (int)option(f, "warp", 0);
    const wbt_request *req[4096];
    int n = 0, loads = 0, stores = 0;
    long rows[8];
    int n_rows = 0;
    size_t es = elem_size(f);
    for (int i = 0; i < wbt_trace.n_requests && n < 4096; i++) {
        const wbt_request *r = &wbt_trace.requests[i];
        if (r->launch != l || r->block != b || r->warp != warp || r->space != WBT_GLOBAL)
            continue;
        req[n++] = r;
        *(r->kind == WBT_LOAD ? &loads : &stores) += 1;
        long row = (long)(r->offset[__builtin_ctz(r->active)] / es / (uint64_t)f->cols);
        int k = 0;
        while (k < n_rows && rows[k] != row)
            k++;
        if (k == n_rows && n_rows < 8)
            rows[n_rows++] = row;
    }
    if (!n)
        return "the warp makes no global request";
    char title[256];
    snprintf(title, sizeof title,
             "%s, %ldx%ld %s: warp %d's %d requests in order, %d loads and %d stores, over %d "
             "row%s",
             f->variant, f->rows, f->cols, dtype_word(f), warp, n, loads, stores, n_rows,
             n_rows == 1 ? "" : "s");
    double band = n_rows > 1 ? 260.0 / n_rows : 260, y0 = 70, x0 = LEFT + 60, w = 780;
    svg s;
    svg_begin(&s, out, WIDTH + 40, y0 + n_rows * band + 70, title);
    svg_text(&s, x0, y0 - 16, 10, "start", SVG_MUTED,
             "across: the warp's requests, first to last; up and down: the columns its lanes "
             "touch in each row");
    for (int k = 0; k < n_rows; k++) {
        double y = y0 + k * band;
        svg_rect(&s, x0, y, w, band - 6, "#f6f8fa", NULL);
        svg_text(&s, x0 - 6, y + 12, 9, "end", SVG_MUTED, "row %ld", rows[k]);
        svg_text(&s, x0 - 6, y + band - 8, 9, "end", SVG_MUTED, "col %ld", f->cols - 1);
    }
    double step = w / n;
    for (int i = 0; i < n; i++) {
        const wbt_request *r = req[i];
        long lo = -1, hi = -1, row = -1;
        for (int k = 0; k < WBT_WARP; k++) {
            if (!(r->active >> k & 1))
                continue;
            long e = (long)(r->offset[k] / es);
            row = e / f->cols;
            long c = e % f->cols, c2 = (long)((r->offset[k] + r->size[k] - 1) / es) % f->cols;
            lo = lo < 0 || c < lo ? c : lo;
            hi = c2 > hi ? c2 : hi;
        }
        int k = 0;
        while (k < n_rows && rows[k] != row)
            k++;
        if (k == n_rows)
            continue;
        double y = y0 + k * band, h = band - 6;
        const char *colour = r->kind == WBT_STORE                       ? SVG_STORE
                             : r->target[__builtin_ctz(r->active)] == 0 ? SVG_LOAD
                                                                        : "#009e73";
        svg_rect(&s, x0 + i * step + step * 0.15, y + h * lo / f->cols,
                 step * 0.7 > 1 ? step * 0.7 : 1, h * (hi - lo + 1) / f->cols + 0.5, colour, NULL);
    }
    double ly = y0 + n_rows * band + 20;
    const char *labels[] = {"load of p->in[0]", "load of p->in[1]",
                            "store to p->y"}; /* wb_problem's */
    const char *colours[] = {SVG_LOAD, "#009e73", SVG_STORE};
    for (int k = 0; k < 3; k++) {
        if (k == 1 && !f->p->in[1])
            continue;
        svg_rect(&s, x0 + k * 200, ly, 12, 12, colours[k], NULL);
        svg_text(&s, x0 + k * 200 + 16, ly + 10, 10, "start", SVG_INK, "%s", labels[k]);
    }
    svg_end(&s);
    return NULL;
}

/* ---- the kinds ------------------------------------------------------------------ */

static const wbt_figure_kind kinds[] = {
    {"sectors", 0, draw_sectors}, {"banks", 0, draw_banks},     {"tree", 0, draw_tree},
    {"shuffle", 0, draw_shuffle}, {"passes", 0, draw_passes},   {"map", 1, draw_map},
    {"merge", 0, draw_merge},     {"cluster", 0, draw_cluster}, {"timeline", 0, draw_timeline},
};

const wbt_figure_kind *wbt_figure_kind_of(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

const char *wbt_figure_kinds(void)
{
    static char buf[256];
    size_t n = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", kinds[i].name);
    return buf;
}

void wbt_draw_placeholder(FILE *out, const wbt_figure *f, const char *why)
{
    char title[256];
    snprintf(title, sizeof title, "%s: no figure yet", f->variant);
    svg s;
    svg_begin(&s, out, WIDTH, 90, title);
    svg_text(&s, LEFT, 56, 12, "start", SVG_MUTED, "%s", why);
    svg_text(&s, LEFT, 76, 11, "start", SVG_MUTED,
             "make book draws this figure from your kernel once it runs (make trace shows the "
             "same requests)");
    svg_end(&s);
}
