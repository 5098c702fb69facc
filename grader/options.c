/* options.c: parsing the grader's command line (options.h). */
#define _POSIX_C_SOURCE 200809L
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devbuf.h"
#include "runtime_guard.h"
#include "suite.h"

void wb_usage(FILE *f, const char *argv0)
{
    fprintf(f,
            "usage: %s [options]\n"
            "Grades %s's variants (%s) on the GPU: each variant x dtype x shape is one test,\n"
            "compared with ref/cpu and timed against ref/gpu. Workers that each own one CUDA\n"
            "context run the tests; a crash, a CUDA error or a hang fails its test alone.\n\n"
            "  --variant A,B     only these variants (see --list)\n"
            "  --dtype f32,f16   only these element types (f32, f16, bf16)\n"
            "  --shape 255x257   only these shapes (ROWSxCOLS, comma-separated)\n"
            "  --time            time every test (default: only with --bench)\n"
            "  --bench           the week's benchmark shapes, timed\n"
            "  --results-dir D   with --bench: write D/<gpu>/%s.json (bench/results)\n"
            "  --report-dir D    write the reports (JSON, TAP, JUnit, Gradescope) into D\n"
            "  --score FILE      points, and what the week requires, from this file\n"
            "                    (grader/%s.score)\n"
            "  --attach-profile FILE  embed this profile section (grader/profile) in the reports\n"
            "  --seed N          reproduce a run (also GRADER_SEED=N)\n"
            "  --jobs N          correctness workers sharing the GPU (default: from the CPU\n"
            "                    count and the GPU's free memory); timed work runs alone\n"
            "  --isolate MODE    worker (default): a worker process owns one CUDA context and\n"
            "                    runs many tests; test: a process per test (slow; the first\n"
            "                    engine, kept to compare verdicts)\n"
            "  --list            list the lesson's variants and the week's ops, then exit\n"
            "  --quiet           no progress while tests run\n"
            "  --no-fork         run the tests in this process, one after another, without\n"
            "                    time limits (for ncu and compute-sanitizer: make profile,\n"
            "                    make sanitize); a crash then ends the whole run\n"
            "  --no-guards       outputs without the guard zones that catch writes past\n"
            "                    their ends, so that compute-sanitizer's memcheck sees\n"
            "                    such a write and names its line (make sanitize)\n"
            "  --shard K/N       only every N-th test from the K-th (0-based)\n"
            "  --no-runtime-guard, --no-timing-checks\n"
            "                    switch a defence off, to measure what it costs (make\n"
            "                    grade-speed); never for grading\n"
            "  --help            this text\n\n"
            "Environment: GRADER_SEED, GRADER_HIDDEN (file of extra shapes, 'RxC' or 'OP RxC' a "
            "line;\n/dev/fd/N works, and the grader closes it before any learner code runs), "
            "WB_COMMIT\n(the commit named in reports), NO_COLOR.\n"
            "Exit status: 0 all passed, 1 some failed, 2 the grader could not run.\n",
            argv0, wb_this_week.name, wb_this_week.lesson, wb_this_week.name, wb_this_week.name);
}

static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s || *end || errno)
        return -1;
    *out = v;
    return 0;
}

int wb_parse_options(int argc, char **argv, wb_options *o)
{
    memset(o, 0, sizeof *o);
    o->runtime_guard = 1;
    o->timing_checks = 1;
    o->filter.hidden = getenv("GRADER_HIDDEN");
    if (o->filter.hidden && !*o->filter.hidden)
        o->filter.hidden = NULL;
    const char *env_seed = getenv("GRADER_SEED");
    if (env_seed && *env_seed) {
        if (parse_seed(env_seed, &o->seed)) {
            fprintf(stderr, "grade: GRADER_SEED='%s' is not a number\n", env_seed);
            return -1;
        }
        o->have_seed = 1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        const char **take = NULL;
        if (!strcmp(a, "--variant"))
            take = &o->filter.variants;
        else if (!strcmp(a, "--dtype"))
            take = &o->filter.dtypes;
        else if (!strcmp(a, "--shape"))
            take = &o->filter.shapes;
        else if (!strcmp(a, "--report-dir"))
            take = &o->report_dir;
        else if (!strcmp(a, "--results-dir"))
            take = &o->results_dir;
        else if (!strcmp(a, "--score"))
            take = &o->score_file;
        else if (!strcmp(a, "--attach-profile"))
            take = &o->attach_profile;
        if (take) {
            if (!next || !*next) {
                fprintf(stderr, "grade: %s needs a value (see --help)\n", a);
                return -1;
            }
            *take = next;
            i++;
        } else if (!strcmp(a, "--seed")) {
            if (!next || parse_seed(next, &o->seed)) {
                fprintf(stderr, "grade: --seed needs a number (see --help)\n");
                return -1;
            }
            o->have_seed = 1;
            i++;
        } else if (!strcmp(a, "--jobs")) {
            char *end = NULL;
            long v = next ? strtol(next, &end, 10) : 0;
            if (!next || *end || v < 1 || v > 64) {
                fprintf(stderr, "grade: --jobs needs a number from 1 to 64, e.g. --jobs 4\n");
                return -1;
            }
            o->jobs = (int)v;
            i++;
        } else if (!strcmp(a, "--isolate")) {
            if (next && !strcmp(next, "worker"))
                o->isolation = WB_ISOLATE_WORKER;
            else if (next && !strcmp(next, "test"))
                o->isolation = WB_ISOLATE_TEST;
            else {
                fprintf(stderr, "grade: --isolate needs 'worker' or 'test' (see --help)\n");
                return -1;
            }
            i++;
        } else if (!strcmp(a, "--shard")) {
            if (!next || sscanf(next, "%d/%d", &o->shard, &o->shards) != 2 || o->shards < 1 ||
                o->shard < 0 || o->shard >= o->shards) {
                fprintf(stderr, "grade: --shard needs K/N with 0 <= K < N, e.g. 0/4\n");
                return -1;
            }
            i++;
        } else if (!strcmp(a, "--bench"))
            o->filter.bench = 1;
        else if (!strcmp(a, "--time"))
            o->filter.timed = 1;
        else if (!strcmp(a, "--list"))
            o->list = 1;
        else if (!strcmp(a, "--quiet"))
            o->quiet = 1;
        else if (!strcmp(a, "--no-fork"))
            o->isolation = WB_ISOLATE_NONE;
        else if (!strcmp(a, "--no-guards"))
            wb_devbuf_guard_bytes = 0;
        else if (!strcmp(a, "--no-runtime-guard"))
            o->runtime_guard = 0;
        else if (!strcmp(a, "--no-timing-checks"))
            o->timing_checks = 0;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            wb_usage(stdout, argv[0]);
            return 1;
        } else {
            fprintf(stderr, "grade: unknown option '%s' (see --help)\n", a);
            return -1;
        }
    }
    if (o->isolation == WB_ISOLATE_NONE)
        wb_guard_off_reason = "off with --no-fork (profilers hold the same hooks)";
    return 0;
}
