/* analyse.c: sectors and wavefronts of the recorded requests, and the lesson
 * line each came from (see analyse.h). */
#define _GNU_SOURCE
#include "analyse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int wbt_sectors(const wbt_request *r)
{
    uint64_t s[WBT_WARP * 2 + 2 * WBT_WARP];
    int n = 0;
    for (int i = 0; i < WBT_WARP; i++) {
        if (!(r->active >> i & 1))
            continue;
        uint64_t first = r->offset[i] / WBT_SECTOR,
                 last = (r->offset[i] + r->size[i] - 1) / WBT_SECTOR;
        for (uint64_t k = first; k <= last && n < (int)(sizeof s / sizeof s[0]); k++)
            s[n++] = k * WBT_MAX_BUFFERS + (uint64_t)r->target[i]; /* a sector of one buffer */
    }
    qsort(s, (size_t)n, sizeof s[0], cmp_u64);
    int distinct = 0;
    for (int i = 0; i < n; i++)
        distinct += i == 0 || s[i] != s[i - 1];
    return distinct;
}

void wbt_wavefronts(const wbt_request *r, int *wavefronts, int *ideal)
{
    unsigned widest = 4;
    for (int i = 0; i < WBT_WARP; i++)
        if (r->active >> i & 1 && r->size[i] > widest)
            widest = r->size[i];
    int phase_lanes = widest >= 128 ? 1 : (int)(128 / widest);
    *wavefronts = *ideal = 0;
    for (int p0 = 0; p0 < WBT_WARP; p0 += phase_lanes) {
        /* the distinct words of this phase, then the most that share a bank */
        uint64_t words[WBT_WARP * 4];
        int n = 0;
        for (int i = p0; i < p0 + phase_lanes && i < WBT_WARP; i++) {
            if (!(r->active >> i & 1))
                continue;
            for (uint64_t w = r->offset[i] / 4; w <= (r->offset[i] + r->size[i] - 1) / 4 &&
                                                n < (int)(sizeof words / sizeof words[0]);
                 w++)
                words[n++] = w * WBT_MAX_CLUSTER + (uint64_t)r->target[i];
        }
        if (!n)
            continue;
        qsort(words, (size_t)n, sizeof words[0], cmp_u64);
        int per_bank[WBT_BANKS] = {0}, most = 0;
        for (int i = 0; i < n; i++) {
            if (i && words[i] == words[i - 1])
                continue; /* the same word: one read serves every lane that wants it */
            int b = (int)(words[i] / WBT_MAX_CLUSTER % WBT_BANKS);
            if (++per_bank[b] > most)
                most = per_bank[b];
        }
        *wavefronts += most;
        *ideal += 1;
    }
}

/* ---- symbols ---------------------------------------------------------------------- */

typedef struct {
    uintptr_t pc;
    wbt_place place;
} place_entry;

static place_entry *places;
static int n_places;
static char **kernel_names;

static int cmp_place(const void *a, const void *b)
{
    uintptr_t x = ((const place_entry *)a)->pc, y = ((const place_entry *)b)->pc;
    return x < y ? -1 : x > y;
}

const wbt_place *wbt_place_of(uintptr_t pc)
{
    place_entry key = {.pc = pc};
    place_entry *e = bsearch(&key, places, (size_t)n_places, sizeof *places, cmp_place);
    static wbt_place unknown;
    if (e)
        return &e->place;
    snprintf(unknown.where, sizeof unknown.where, "%#lx", (unsigned long)pc);
    return &unknown;
}

static void add_pc(uintptr_t pc, int *cap)
{
    if (n_places == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        places = realloc(places, (size_t)*cap * sizeof *places);
        if (!places) {
            perror("trace");
            exit(1);
        }
    }
    memset(&places[n_places], 0, sizeof places[n_places]);
    places[n_places++].pc = pc;
}

/* "func" then "file:line (discriminator n)", innermost inline frame first */
static void take_frame(wbt_place *p, const char *function, const char *location, int *have_nw)
{
    char loc[sizeof p->where];
    snprintf(loc, sizeof loc, "%.*s", (int)sizeof loc - 1, location);
    char *cut = strstr(loc, " (discriminator");
    if (cut)
        *cut = 0;
    static char cwd[512];
    if (!cwd[0] && getcwd(cwd, sizeof cwd - 1))
        strcat(cwd, "/");
    size_t n = strlen(cwd);
    if (n > 1 && !strncmp(loc, cwd, n)) /* relative to where the tool runs: the repository */
        memmove(loc, loc + n, strlen(loc + n) + 1);
    char *colon = strrchr(loc, ':');
    int is_nw = colon && colon - loc >= 3 && !strncmp(colon - 3, ".nw", 3);
    if (*have_nw || (p->where[0] && !is_nw))
        return; /* keep the innermost lesson frame, else the innermost of all */
    snprintf(p->where, sizeof p->where, "%.*s", (int)sizeof p->where - 1, loc);
    snprintf(p->function, sizeof p->function, "%.*s", (int)sizeof p->function - 1, function);
    *have_nw = is_nw;
}

static void run_addr2line(void)
{
    char list[] = "/tmp/wbt-pcs-XXXXXX";
    int fd = mkstemp(list);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        perror("trace: a temporary file");
        return;
    }
    for (int i = 0; i < n_places; i++) /* a return address: the call is the byte before */
        fprintf(f, "%#lx\n", (unsigned long)(places[i].pc - 1));
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "addr2line -e /proc/%d/exe -a -f -C -i < %s", (int)getpid(), list);
    FILE *in = popen(cmd, "r");
    char line[1024], function[512] = "";
    int k = -1, expect_location = 0, have_nw = 0;
    while (in && fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, "0x", 2) && !expect_location) {
            k++;
            have_nw = 0;
            continue;
        }
        if (k < 0 || k >= n_places)
            break;
        if (!expect_location) {
            snprintf(function, sizeof function, "%.*s", (int)sizeof function - 1, line);
        } else {
            take_frame(&places[k].place, function, line, &have_nw);
        }
        expect_location = !expect_location;
    }
    if (!in || pclose(in) != 0)
        fprintf(stderr, "trace: addr2line (binutils) failed: lines are shown as addresses\n");
    unlink(list);
}

/* transpose_tiled<unsigned int, 32, 8, 0>(unsigned int const*, ...) -> transpose_tiled<...>,
 * without "(anonymous namespace)::" and with enum casts "(RowMap)1" as "1" */
static char *short_kernel_name(const char *function)
{
    char *s = malloc(strlen(function) + 1), *o = s;
    if (!s)
        return NULL;
    int depth = 0;
    if (!strncmp(function, "void ", 5)) /* a kernel template's name comes with its return type */
        function += 5;
    for (const char *p = function; *p; p++) {
        if (!strncmp(p, "(anonymous namespace)::", 23)) {
            p += 22;
            continue;
        }
        if (*p == '<')
            depth++;
        if (*p == '>')
            depth--;
        if (*p == '(' && depth == 0)
            break;                    /* the parameters */
        if (*p == '(' && depth > 0) { /* an enum's cast inside the template arguments */
            const char *close = strchr(p, ')');
            if (close) {
                p = close;
                continue;
            }
        }
        *o++ = *p;
    }
    *o = 0;
    return s;
}

const wbt_place *wbt_place_now(uintptr_t pc)
{
    int cap = 0;
    n_places = 0;
    add_pc(pc, &cap);
    run_addr2line();
    return &places[0].place;
}

void wbt_symbolize(void)
{
    int cap = 0;
    n_places = 0;
    for (int i = 0; i < wbt_trace.n_requests; i++)
        add_pc(wbt_trace.requests[i].pc, &cap);
    for (int i = 0; i < wbt_trace.n_shuffles; i++)
        add_pc(wbt_trace.shuffles[i].pc, &cap);
    for (int i = 0; i < wbt_trace.n_launches; i++)
        if (wbt_trace.launches[i].kernel_pc)
            add_pc(wbt_trace.launches[i].kernel_pc, &cap);
    qsort(places, (size_t)n_places, sizeof *places, cmp_place);
    int n = 0; /* distinct */
    for (int i = 0; i < n_places; i++)
        if (!n || places[i].pc != places[n - 1].pc)
            places[n++] = places[i];
    n_places = n;
    if (n_places)
        run_addr2line();
    kernel_names = realloc(kernel_names, (size_t)(wbt_trace.n_launches + 1) * sizeof *kernel_names);
    for (int i = 0; i < wbt_trace.n_launches; i++) {
        const wbt_place *p = wbt_place_of(wbt_trace.launches[i].kernel_pc);
        kernel_names[i] = short_kernel_name(p->function[0] ? p->function : "(kernel)");
    }
}

const char *wbt_kernel_name(int launch)
{
    return kernel_names && kernel_names[launch] ? kernel_names[launch] : "(kernel)";
}

int wbt_line_stats_of(wbt_line_stats **out)
{
    wbt_line_stats *s = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < wbt_trace.n_requests; i++) {
        const wbt_request *r = &wbt_trace.requests[i];
        const wbt_place *place = wbt_place_of(r->pc);
        int remote = 0, lanes = 0;
        for (int l = 0; l < WBT_WARP; l++)
            if (r->active >> l & 1) {
                lanes++;
                remote |= r->space == WBT_SHARED && r->target[l] != r->rank;
            }
        int k = 0;
        while (k < n && !(s[k].launch == r->launch && !strcmp(s[k].place->where, place->where) &&
                          s[k].space == r->space && s[k].kind == r->kind && s[k].remote == remote))
            k++;
        if (k == n) {
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                s = realloc(s, (size_t)cap * sizeof *s);
                if (!s) {
                    perror("trace");
                    exit(1);
                }
            }
            s[n++] = (wbt_line_stats){r->launch, place, r->space, r->kind, remote, 0, 0, 0, 0, 0};
        }
        s[k].requests++;
        s[k].lanes += lanes;
        if (r->space == WBT_GLOBAL) {
            s[k].sectors += wbt_sectors(r);
        } else if (!remote) {
            int w, ideal;
            wbt_wavefronts(r, &w, &ideal);
            s[k].wavefronts += w;
            s[k].ideal += ideal;
        }
    }
    *out = s;
    return n;
}
