/* main.c: the week's grader. `build/weekN/grade --help` says how to use it.
 *
 * The parent process never initialises CUDA: the device is found by a
 * child (probe.c) and every test runs in a child that Check forks, with a
 * time limit, so a crash, a CUDA error or a hang fails that test alone and
 * the report is always written. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devbuf.h"
#include "dtype.h"
#include "job.h"
#include "partial.h"
#include "probe.h"
#include "report.h"
#include "result.h"
#include "run_case.h"
#include "score.h"
#include "suite.h"

#ifndef WB_DEFAULT_COMMIT
#define WB_DEFAULT_COMMIT "unknown"
#endif

enum { EXIT_ALL_PASSED = 0, EXIT_SOME_FAILED = 1, EXIT_CANNOT_RUN = 2 };

typedef struct options {
    wb_filter filter;
    const char *report_dir;
    const char *results_dir; /* --bench: write RESULTS_DIR/<gpu>/<week>.json */
    const char *score_file;
    uint64_t seed;
    int have_seed;
    int list;
    int quiet;
    int no_fork;       /* --no-fork: tests run in this process (for ncu, compute-sanitizer) */
    int shard, shards; /* run jobs with index % shards == shard */
} options;

static const wb_job *g_jobs;
static wb_result *g_results;
static uint64_t g_seed;
static int g_n_jobs;
/* --bench --results-dir: the partial results file, rewritten after each test */
static char g_partial_path[600];
static const wb_env *g_env;
static int g_finished; /* tests whose process has ended */

static void usage(FILE *f, const char *argv0)
{
    fprintf(f,
            "usage: %s [options]\n"
            "Grades %s's variants (%s) on the GPU: each variant x dtype x shape in its own\n"
            "process, compared with ref/cpu, timed against ref/gpu.\n\n"
            "  --variant A,B     only these variants (see --list)\n"
            "  --dtype f32,f16   only these element types (f32, f16, bf16)\n"
            "  --shape 255x257   only these shapes (ROWSxCOLS, comma-separated)\n"
            "  --time            time every test (default: only with --bench)\n"
            "  --bench           the week's benchmark shapes, timed\n"
            "  --results-dir D   with --bench: write D/<gpu>/%s.json (bench/results)\n"
            "  --report-dir D    write the reports (JSON, TAP, JUnit, Gradescope) into D\n"
            "  --score FILE      points from this scoring file (grader/%s.score)\n"
            "  --seed N          reproduce a run (also GRADER_SEED=N)\n"
            "  --list            list the lesson's variants and the week's ops, then exit\n"
            "  --quiet           no progress lines while tests run\n"
            "  --no-fork         run the tests in this process, one after another, without\n"
            "                    time limits (for ncu and compute-sanitizer: make profile,\n"
            "                    make sanitize); a crash then ends the whole run\n"
            "  --no-guards       outputs without the guard zones that catch writes past\n"
            "                    their ends, so that compute-sanitizer's memcheck sees\n"
            "                    such a write and names its line (make sanitize)\n"
            "  --shard K/N       only every N-th test from the K-th (0-based): N graders can\n"
            "                    share a GPU for correctness runs (not for timing)\n"
            "  --help            this text\n\n"
            "Environment: GRADER_SEED, GRADER_HIDDEN (file of extra shapes, 'RxC' or 'OP RxC' a "
            "line),\nWB_COMMIT (the commit named in reports), NO_COLOR.\n"
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

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->filter.hidden = getenv("GRADER_HIDDEN");
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
            o->no_fork = 1;
        else if (!strcmp(a, "--no-guards"))
            wb_devbuf_guard_bytes = 0;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout, argv[0]);
            exit(EXIT_ALL_PASSED);
        } else {
            fprintf(stderr, "grade: unknown option '%s' (see --help)\n", a);
            return -1;
        }
    }
    return 0;
}

static uint64_t fresh_seed(void)
{
    uint64_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&s, sizeof s, 1, f) != 1)
        s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (f)
        fclose(f);
    return s & 0xffffffffffffull; /* short enough to type */
}

static void list_variants(void)
{
    printf("%s (%s)\n", wb_this_week.name, wb_this_week.lesson);
    for (int i = 0; i < wb_lesson_variant_count; i++) {
        const wb_variant *v = &wb_lesson_variants[i];
        printf("  %-24s %-16s", v->name, v->op);
        for (int d = 0; d < WB_DTYPE_COUNT; d++)
            if (v->dtypes & WB_DT(d))
                printf(" %s", wb_dtype_name((wb_dtype)d));
        printf("%s  %s\n", v->max_cols ? "  (rows up to a limit)" : "", v->summary);
    }
}

START_TEST(graded_test)
{
    const wb_job *j = &g_jobs[_i];
    wb_result *r = &g_results[_i];
    int rc = wb_run_case(j, wb_job_seed(g_seed, j->name), r);
    r->passed = rc == 0 && !r->skipped; /* until the parent merges Check's verdict */
    if (!getenv("WB_QUIET")) {
        fprintf(stderr, "[%3d/%d] %-44s %s\n", _i + 1, g_n_jobs, j->name,
                r->skipped ? "unsupported"
                : rc == 0  ? "ok"
                           : wb_category_name(r->category));
    }
    if (rc != 0)
        ck_abort_msg("%s: %s: %s", j->name, wb_category_name(r->category), r->message);
}
END_TEST

/* Check runs a test case's unchecked teardown in the parent, after the test's
 * process has ended: the moment to save what the run has measured so far. */
static void after_test(void)
{
    static int warned;
    g_finished++;
    if (g_partial_path[0] &&
        wb_partial_write(g_partial_path, wb_this_week.name, g_env, g_results, g_n_jobs,
                         g_finished) &&
        !warned) {
        fprintf(stderr, "grade: cannot write %s: %s (the run goes on)\n", g_partial_path,
                strerror(errno));
        warned = 1;
    }
}

static void init_result(wb_result *r, const wb_job *j)
{
    memset(r, 0, sizeof *r);
    snprintf(r->variant, sizeof r->variant, "%s", j->variant->name);
    snprintf(r->op, sizeof r->op, "%s", j->op->name);
    r->dtype = j->dtype;
    r->rows = j->rows;
    r->cols = j->cols;
}

/* Merge Check's verdict into what the child recorded: a child that died or
 * ran out of time recorded no verdict of its own. */
static void merge_check_result(wb_result *r, TestResult *tr, int timeout_s)
{
    enum test_result t = tr_rtype(tr);
    if (t == CK_PASS) {
        if (!r->skipped)
            r->passed = 1;
        return;
    }
    r->passed = 0;
    if (t == CK_FAILURE && r->category != WB_CAT_NONE)
        return; /* the child's own verdict and message */
    const char *msg = tr_msg(tr) ? tr_msg(tr) : "";
    char prior[WB_MSG_LEN];
    snprintf(prior, sizeof prior, "%s", r->message);
    if (strstr(msg, "timeout")) {
        r->category = WB_CAT_TIMEOUT;
        snprintf(r->message, sizeof r->message, "timeout after %d s (a hang, or far too slow)",
                 timeout_s);
    } else {
        r->category = WB_CAT_CRASH;
        snprintf(r->message, sizeof r->message, "the test process died: %s", msg);
    }
    if (prior[0]) {
        size_t used = strlen(r->message);
        snprintf(r->message + used, sizeof r->message - used, " (last note: %.200s)", prior);
    }
}

static void iso_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "NVIDIA H200" -> "h200": the folder bench results live in. */
static void gpu_folder(const char *name, char *out, size_t len)
{
    if (!strncmp(name, "NVIDIA ", 7))
        name += 7;
    size_t k = 0;
    for (; *name && k + 1 < len; name++)
        out[k++] =
            (*name == ' ') ? '-' : (char)((*name >= 'A' && *name <= 'Z') ? *name + 32 : *name);
    out[k] = 0;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

/* RESULTS_DIR/<gpu>/<week><suffix>, its folder made; -1 (said) if it cannot be */
static int bench_results_path(const options *o, const wb_env *env, const char *suffix, char *path,
                              size_t len)
{
    char gpu[128], dir[512];
    gpu_folder(env->device_name, gpu, sizeof gpu);
    snprintf(dir, sizeof dir, "%s/%s", o->results_dir, gpu);
    snprintf(path, len, "%s/%s%s", dir, wb_this_week.name, suffix);
    if (make_dirs(dir)) {
        fprintf(stderr, "grade: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_bench_results(const options *o, const wb_env *env, const wb_result *r, int n)
{
    char path[600];
    if (bench_results_path(o, env, ".json", path, sizeof path))
        return -1;
    FILE *f = fopen(path, "w");
    if (!f || wb_report_json(f, wb_this_week.name, env, r, n, NULL) || fclose(f)) {
        fprintf(stderr, "grade: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    printf("bench results: %s\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    char err[1024];
    if (parse_args(argc, argv, &o))
        return EXIT_CANNOT_RUN;
    if (o.list) {
        list_variants();
        return EXIT_ALL_PASSED;
    }

    wb_job *jobs = NULL;
    int n = 0;
    if (wb_build_jobs(&wb_this_week, wb_lesson_variants, wb_lesson_variant_count, &o.filter, &jobs,
                      &n, err, sizeof err)) {
        fprintf(stderr, "grade: %s\n", err);
        return EXIT_CANNOT_RUN;
    }
    if (o.shards > 1) {
        int kept = 0;
        for (int i = 0; i < n; i++)
            if (i % o.shards == o.shard)
                jobs[kept++] = jobs[i];
        n = kept;
    }
    if (n == 0) {
        fprintf(stderr, "grade: nothing to grade: the filters select no test (see --list)\n");
        return EXIT_CANNOT_RUN;
    }

    wb_score_config score_cfg;
    int have_score = 0;
    if (o.score_file) {
        if (wb_score_load(o.score_file, &score_cfg, err, sizeof err)) {
            fprintf(stderr, "grade: %s\n", err);
            return EXIT_CANNOT_RUN;
        }
        have_score = 1;
    }

    wb_env env;
    memset(&env, 0, sizeof env);
    env.seed = o.have_seed ? o.seed : fresh_seed();
    snprintf(env.week, sizeof env.week, "%s", wb_this_week.name);
    const char *commit = getenv("WB_COMMIT");
    snprintf(env.commit, sizeof env.commit, "%s", commit && *commit ? commit : WB_DEFAULT_COMMIT);
    iso_now(env.date, sizeof env.date);

    wb_result *results = mmap(NULL, (size_t)n * sizeof *results, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (results == MAP_FAILED) {
        fprintf(stderr, "grade: cannot map result memory: %s\n", strerror(errno));
        return EXIT_CANNOT_RUN;
    }
    for (int i = 0; i < n; i++)
        init_result(&results[i], &jobs[i]);

    printf("%s: %d tests; seed %llu (GRADER_SEED=%llu reproduces this run)\n", wb_this_week.name, n,
           (unsigned long long)env.seed, (unsigned long long)env.seed);
    int have_device = wb_probe_device(&env, 1);
    int exit_code;
    if (!have_device) {
        printf("skipped: no CUDA device (%s)\n", env.no_device_reason);
        for (int i = 0; i < n; i++) {
            results[i].skipped = 1;
            snprintf(results[i].message, sizeof results[i].message, "skipped: no CUDA device");
        }
        exit_code = EXIT_CANNOT_RUN;
    } else {
        printf("device: %s (sm_%d%d, %d SMs), driver %s, copy ceiling %.0f GB/s\n", env.device_name,
               env.cc_major, env.cc_minor, env.sm_count,
               env.driver_string[0] ? env.driver_string : "?", env.copy_ceiling_gbps);
        g_jobs = jobs;
        g_results = results;
        g_seed = env.seed;
        g_n_jobs = n;
        if (o.quiet)
            setenv("WB_QUIET", "1", 1);
        g_env = &env;
        if (o.filter.bench && o.results_dir &&
            bench_results_path(&o, &env, ".partial.json", g_partial_path, sizeof g_partial_path))
            g_partial_path[0] = 0;

        Suite *s = suite_create(wb_this_week.name);
        for (int i = 0; i < n; i++) {
            TCase *tc = tcase_create(jobs[i].name);
            tcase_set_timeout(tc, jobs[i].timeout_s);
            tcase_add_loop_test(tc, graded_test, i, i + 1);
            tcase_add_unchecked_fixture(tc, NULL, after_test);
            suite_add_tcase(s, tc);
        }
        SRunner *sr = srunner_create(s);
        srunner_set_fork_status(sr, o.no_fork ? CK_NOFORK : CK_FORK);
        fflush(NULL);
        srunner_run_all(sr, CK_SILENT);
        TestResult **trs = srunner_results(sr);
        int ran = srunner_ntests_run(sr);
        for (int t = 0; t < ran; t++)
            for (int i = 0; i < n; i++)
                if (!strcmp(tr_tcname(trs[t]), jobs[i].name)) {
                    merge_check_result(&results[i], trs[t], jobs[i].timeout_s);
                    break;
                }
        free(trs);
        srunner_free(sr);
        exit_code = EXIT_ALL_PASSED;
        for (int i = 0; i < n; i++)
            if (!results[i].passed && !results[i].skipped)
                exit_code = EXIT_SOME_FAILED;
    }

    wb_score score;
    if (have_score)
        score = wb_score_compute(&score_cfg, results, n);
    wb_report_table(stdout, wb_this_week.name, &env, results, n, have_score ? &score : NULL);
    const char *dir = o.report_dir ? o.report_dir : "build/reports";
    if (wb_report_write_all(dir, wb_this_week.name, &env, results, n, have_score ? &score : NULL))
        exit_code = EXIT_CANNOT_RUN;
    else
        printf("reports: %s/%s.{json,tap,junit.xml} and %s/results.json (Gradescope)\n", dir,
               wb_this_week.name, dir);
    if (have_device && o.filter.bench && o.results_dir) {
        if (write_bench_results(&o, &env, results, n))
            exit_code = EXIT_CANNOT_RUN;
        else if (g_partial_path[0])
            remove(g_partial_path); /* the complete file stands for it */
    }

    int passed = 0, failed = 0, skipped = 0;
    for (int i = 0; i < n; i++) {
        if (results[i].skipped)
            skipped++;
        else if (results[i].passed)
            passed++;
        else
            failed++;
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    free(jobs);
    return exit_code;
}
