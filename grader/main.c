/* main.c: the week's grader. `build/weekN/grade --help` says how to use it.
 *
 * The grader is a Check program: one Check test per graded test (variant x
 * dtype x shape). The parent process never initialises CUDA: the device is
 * found by a child (probe.c), and the tests run in engine workers (engine.h,
 * worker_main.c), each owning one CUDA context for many tests, or with
 * --isolate test in a process per test, or with --no-fork in this process.
 * A crash, a CUDA error or a hang fails its test alone, and the reports are
 * always written. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "device_test.h"
#include "dtype.h"
#include "engine.h"
#include "options.h"
#include "partial.h"
#include "probe.h"
#include "report.h"
#include "result.h"
#include "run_test.h"
#include "score.h"
#include "suite.h"
#include "test_plan.h"
#include "worker.h"

#ifndef WB_DEFAULT_COMMIT
#define WB_DEFAULT_COMMIT "unknown"
#endif

enum { EXIT_ALL_PASSED = 0, EXIT_SOME_FAILED = 1, EXIT_CANNOT_RUN = 2 };

/* The run, as the Check tests and the engine's callbacks see it. */
static struct {
    const wb_test *tests;
    wb_result *results; /* shared with test processes for --isolate test */
    int n;
    wb_engine *engine; /* NULL unless --isolate worker */
    wb_result *slots;  /* the workers' result slots (shared memory) */
    int slots_fd;
    const char **names;
    int quiet, no_guards, threads;
    char partial_path[600]; /* --bench --results-dir: rewritten after each test */
    const wb_env *env;
    int finished; /* tests whose verdict is final, in Check's order */
} run;

static void list_variants(void)
{
    printf("%s (%s)\n", wb_this_week.name, wb_this_week.lesson);
    for (int i = 0; i < wb_this_week.n_ops; i++) {
        const wb_op *op = &wb_this_week.ops[i];
        printf("  op %s:", op->name);
        for (int k = 0; k < wb_op_input_count(op); k++)
            printf("%s %s = p->in[%d]", k ? "," : "", op->inputs[k], k);
        printf("; %s = p->y\n", op->output);
    }
    for (int i = 0; i < wb_lesson_variant_count; i++) {
        const wb_variant *v = &wb_lesson_variants[i];
        printf("  %-24s %-16s", v->name, v->op);
        for (int d = 0; d < WB_DTYPE_COUNT; d++)
            if (v->dtypes & WB_DT(d))
                printf(" %s", wb_dtype_name((wb_dtype)d));
        printf("%s  %s\n", v->max_cols ? "  (rows up to a limit)" : "", v->summary);
    }
}

static int test_failed(const wb_result *r)
{
    return !r->passed && !r->skipped;
}

START_TEST(graded_test)
{
    const wb_test *j = &run.tests[_i];
    wb_result *r = &run.results[_i];
    if (run.engine) {
        wb_engine_await(run.engine, _i);
    } else {
        int rc = wb_run_test(j, j->seed, r);
        r->passed = rc == 0 && !r->skipped; /* until the parent merges Check's verdict */
        if (!run.quiet)
            fprintf(stderr, "[%3d/%d] %-44s %s\n", _i + 1, run.n, j->name,
                    r->skipped ? "unsupported"
                    : rc == 0  ? "ok"
                               : wb_category_name(r->category));
    }
    if (test_failed(r))
        ck_abort_msg("%s: %s: %s", j->name, wb_category_name(r->category), r->message);
}
END_TEST

/* Check runs a test case's unchecked teardown in the parent, after the test:
 * the moment to save what the run has measured so far. */
static void after_test(void)
{
    static int warned;
    run.finished++;
    if (run.partial_path[0] &&
        wb_partial_write(run.partial_path, wb_this_week.name, run.env, run.results, run.n,
                         run.finished) &&
        !warned) {
        fprintf(stderr, "grade: cannot write %s: %s (the run goes on)\n", run.partial_path,
                strerror(errno));
        warned = 1;
    }
}

/* A test whose process died or ran out of time recorded no verdict of its
 * own: it gets one here, keeping what it noted last. */
static void verdict_without_process(wb_result *r, wb_category c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void verdict_without_process(wb_result *r, wb_category c, const char *fmt, ...)
{
    char prior[WB_MSG_LEN];
    snprintf(prior, sizeof prior, "%s", r->message);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    r->passed = 0;
    r->skipped = 0;
    r->category = c;
    if (prior[0]) {
        size_t used = strlen(r->message);
        snprintf(r->message + used, sizeof r->message - used, " (last note: %.200s)", prior);
    }
}

/* Merge Check's verdict (--isolate test) into what the child recorded. */
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
    if (strstr(msg, "timeout"))
        verdict_without_process(r, WB_CAT_TIMEOUT, "timeout after %d s (a hang, or far too slow)",
                                timeout_s);
    else
        verdict_without_process(r, WB_CAT_CRASH, "the test process died: %s", msg);
}

/* ---- the worker engine's callbacks --------------------------------------- */

static int spawn_worker(int slot, int cmd_fd, int status_fd, void *ctx)
{
    (void)ctx;
    pid_t pid = fork();
    if (pid != 0)
        return (int)pid;
    setpgid(0, 0);
    char a[4][24], threads[24];
    snprintf(a[0], sizeof a[0], "%d", cmd_fd);
    snprintf(a[1], sizeof a[1], "%d", status_fd);
    snprintf(a[2], sizeof a[2], "%d", run.slots_fd);
    snprintf(a[3], sizeof a[3], "%d", slot);
    snprintf(threads, sizeof threads, "%d", run.threads);
    setenv("OMP_NUM_THREADS", threads, 1);
    char *argv[] = {"grade-worker",
                    "--worker",
                    a[0],
                    a[1],
                    a[2],
                    a[3],
                    run.no_guards ? "--no-guards" : NULL,
                    NULL};
    execv("/proc/self/exe", argv);
    fprintf(stderr, "grade: cannot start a worker (exec /proc/self/exe): %s\n", strerror(errno));
    _exit(127);
}

static size_t describe_test(int test, void *buf, size_t cap, void *ctx)
{
    (void)ctx;
    wb_worker_desc d;
    memset(&d, 0, sizeof d);
    d.test = run.tests[test];
    d.settings = wb_settings;
    if (cap < sizeof d)
        return 0;
    memcpy(buf, &d, sizeof d);
    return sizeof d;
}

static int test_ended(int test, const wb_test_end *end, void *ctx, const char **label)
{
    (void)ctx;
    wb_result *r = &run.results[test];
    int timeout_s = run.tests[test].timeout_s;
    if (end->slot >= 0 && end->kind != WB_END_LOST)
        *r = run.slots[end->slot]; /* its verdict, or its last notes */
    if (end->kind != WB_END_DONE)
        r->wall_s = end->seconds;
    switch (end->kind) {
    case WB_END_DONE:
        break;
    case WB_END_TIMEOUT:
        verdict_without_process(r, WB_CAT_TIMEOUT, "timeout after %d s (a hang, or far too slow)",
                                timeout_s);
        break;
    case WB_END_SIGNAL:
        verdict_without_process(r, WB_CAT_CRASH, "the test process died: Received signal %d (%s)",
                                end->code, strsignal(end->code));
        break;
    case WB_END_EXIT:
        verdict_without_process(
            r, WB_CAT_CRASH, "the test process died: Early exit with return value %d", end->code);
        break;
    case WB_END_LOST:
        wb_result_for_test(r, &run.tests[test]);
        verdict_without_process(r, WB_CAT_CRASH,
                                "no worker could run this test (workers kept dying as they "
                                "started)");
        break;
    }
    *label = r->skipped ? "unsupported" : r->passed ? "ok" : wb_category_name(r->category);
    return test_failed(r);
}

/* The bytes a test holds on the device at most: inputs twice over for the
 * timing loop, five outputs (checked, kept calls, discard), and while an
 * output is judged, the reference and its bounds (two doubles an element). */
static double test_device_bytes(const wb_test *j)
{
    long orows, ocols;
    j->op->out_shape(j->rows, j->cols, &orows, &ocols);
    double es = (double)wb_dtype_size(j->dtype), outputs = (double)orows * (double)ocols;
    return es * (3.0 * wb_op_input_count(j->op) * (double)j->rows * (double)j->cols +
                 6.0 * outputs) +
           2.0 * sizeof(double) * outputs;
}

static int start_engine(const wb_options *o, wb_env *env)
{
    double largest = 0;
    for (int i = 0; i < run.n; i++)
        if (test_device_bytes(&run.tests[i]) > largest)
            largest = test_device_bytes(&run.tests[i]);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int jobs = o->jobs ? o->jobs : wb_engine_default_jobs(cpus, env->free_mem_bytes, largest);
    if (jobs > run.n)
        jobs = run.n;
    env->jobs = jobs;
    run.threads = cpus / jobs > 0 ? (int)(cpus / jobs) : 1;
    run.slots_fd = memfd_create("grade-results", 0);
    size_t bytes = (size_t)jobs * sizeof(wb_result);
    if (run.slots_fd < 0 || ftruncate(run.slots_fd, (off_t)bytes)) {
        fprintf(stderr, "grade: cannot make the workers' result memory: %s\n", strerror(errno));
        return -1;
    }
    run.slots = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, run.slots_fd, 0);
    if (run.slots == MAP_FAILED) {
        fprintf(stderr, "grade: cannot map the workers' result memory: %s\n", strerror(errno));
        return -1;
    }
    /* the engine keeps these arrays for the run */
    static int timeouts[1], groups[1];
    static double costs[1];
    int *t = run.n > 1 ? malloc((size_t)run.n * sizeof *t) : timeouts;
    int *g = run.n > 1 ? malloc((size_t)run.n * sizeof *g) : groups;
    double *c = run.n > 1 ? malloc((size_t)run.n * sizeof *c) : costs;
    if (!t || !g || !c)
        return -1;
    for (int i = 0; i < run.n; i++) {
        const wb_test *test = &run.tests[i];
        t[i] = test->timeout_s;
        g[i] = test->group;
        /* drawing the inputs and the reference dominates a large group */
        c[i] = (double)test->rows * (double)test->cols * wb_op_input_count(test->op);
    }
    wb_engine_config cfg = {
        .n_tests = run.n,
        .jobs = jobs,
        .timeout_s = t,
        .spawn = spawn_worker,
        .ended = test_ended,
        .describe = describe_test,
        .progress = o->quiet ? NULL : stderr,
        .progress_tty = isatty(STDERR_FILENO),
        .names = run.names,
        /* a group's tests go to one worker in a row: its inputs and
         * reference are drawn, and its baseline timed, once */
        .group = g,
        .cost = c,
    };
    run.engine = wb_engine_create(&cfg);
    if (!run.engine) {
        fprintf(stderr, "grade: cannot start the engine: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- secrets -------------------------------------------------------------- */

/* The run's seed and the hidden shapes have been read: nothing that runs
 * learner code may find them. Workers are exec'd with a clean environment and
 * get only their own tests; the hidden-shape file's descriptor, if it was
 * passed as /dev/fd/N (a sandbox does), is closed. */
static void scrub_secrets(const char *hidden)
{
    int fd = -1;
    if (hidden &&
        (sscanf(hidden, "/dev/fd/%d", &fd) == 1 || sscanf(hidden, "/proc/self/fd/%d", &fd) == 1) &&
        fd > 2)
        close(fd);
    unsetenv("GRADER_SEED");
    unsetenv("GRADER_HIDDEN");
}

/* ---- reports and bench results -------------------------------------------- */

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
static int bench_results_path(const wb_options *o, const wb_env *env, const char *suffix,
                              char *path, size_t len)
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

static int write_bench_results(const wb_options *o, const wb_env *env, const wb_result *r, int n)
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

/* Tests the score file times for points get the bench's full timing budget. */
static void mark_scored(wb_test *tests, int n, const wb_score_config *cfg)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < cfg->n_items; k++) {
            const wb_score_spec *s = &cfg->items[k];
            if (s->kind == WB_SCORE_PERFORMANCE && !strcmp(s->variant, tests[i].variant->name) &&
                !strcmp(s->op, tests[i].op->name) && s->dtype == tests[i].dtype &&
                s->rows == tests[i].rows && s->cols == tests[i].cols && tests[i].kind == 0)
                tests[i].bench = 1;
        }
}

static void run_suite(const wb_options *o)
{
    Suite *s = suite_create(wb_this_week.name);
    for (int i = 0; i < run.n; i++) {
        TCase *tc = tcase_create(run.tests[i].name);
        tcase_set_timeout(tc, run.tests[i].timeout_s);
        tcase_add_loop_test(tc, graded_test, i, i + 1);
        tcase_add_unchecked_fixture(tc, NULL, after_test);
        suite_add_tcase(s, tc);
    }
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, o->isolation == WB_ISOLATE_TEST ? CK_FORK : CK_NOFORK);
    fflush(NULL);
    srunner_run_all(sr, CK_SILENT);
    if (o->isolation == WB_ISOLATE_TEST) {
        TestResult **trs = srunner_results(sr);
        int ran = srunner_ntests_run(sr);
        for (int t = 0; t < ran; t++)
            for (int i = 0; i < run.n; i++)
                if (!strcmp(tr_tcname(trs[t]), run.tests[i].name)) {
                    merge_check_result(&run.results[i], trs[t], run.tests[i].timeout_s);
                    break;
                }
        free(trs);
    }
    srunner_free(sr);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--worker"))
        return wb_worker_main(argc, argv);

    wb_options o;
    char err[1024];
    int parsed = wb_parse_options(argc, argv, &o);
    if (parsed)
        return parsed > 0 ? EXIT_ALL_PASSED : EXIT_CANNOT_RUN;
    if (o.list) {
        list_variants();
        return EXIT_ALL_PASSED;
    }

    wb_score_config score_cfg;
    int have_score = 0;
    if (o.score_file) {
        if (wb_score_load(o.score_file, &score_cfg, err, sizeof err)) {
            fprintf(stderr, "grade: %s\n", err);
            return EXIT_CANNOT_RUN;
        }
        have_score = 1;
        o.filter.require = &score_cfg.require;
    }

    if (o.attach_profile && wb_report_attach_profile(o.attach_profile, err, sizeof err))
        fprintf(stderr, "grade: --attach-profile: %s (the reports go without it)\n", err);

    wb_env env;
    memset(&env, 0, sizeof env);
    env.seed = o.have_seed ? o.seed : wb_fresh_seed();
    o.filter.seed = env.seed;
    snprintf(env.week, sizeof env.week, "%s", wb_this_week.name);
    const char *commit = getenv("WB_COMMIT");
    snprintf(env.commit, sizeof env.commit, "%s", commit && *commit ? commit : WB_DEFAULT_COMMIT);
    iso_now(env.date, sizeof env.date);
    static const char *const engine_names[] = {"worker", "test", "in-process"};
    snprintf(env.engine, sizeof env.engine, "%s", engine_names[o.isolation]);

    wb_test *tests = NULL;
    int n = 0;
    if (wb_build_tests(&wb_this_week, wb_lesson_variants, wb_lesson_variant_count, &o.filter,
                       &tests, &n, err, sizeof err)) {
        fprintf(stderr, "grade: %s\n", err);
        return EXIT_CANNOT_RUN;
    }
    scrub_secrets(o.filter.hidden);
    if (o.shards > 1) {
        int kept = 0;
        for (int i = 0; i < n; i++)
            if (i % o.shards == o.shard)
                tests[kept++] = tests[i];
        n = kept;
    }
    if (n == 0) {
        fprintf(stderr, "grade: nothing to grade: the filters select no test (see --list)\n");
        return EXIT_CANNOT_RUN;
    }
    if (have_score)
        mark_scored(tests, n, &score_cfg);

    wb_result *results = mmap(NULL, (size_t)n * sizeof *results, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    const char **names = malloc((size_t)n * sizeof *names);
    if (results == MAP_FAILED || !names) {
        fprintf(stderr, "grade: cannot map result memory: %s\n", strerror(errno));
        return EXIT_CANNOT_RUN;
    }
    for (int i = 0; i < n; i++) {
        wb_result_for_test(&results[i], &tests[i]);
        names[i] = tests[i].name;
    }

    int have_device = wb_probe_device(&env, 1);
    int exit_code;
    if (!have_device) {
        /* said in one line, after the reports are written (below) */
        for (int i = 0; i < n; i++) {
            results[i].skipped = 1;
            snprintf(results[i].message, sizeof results[i].message, "skipped: no CUDA device");
        }
        exit_code = EXIT_CANNOT_RUN;
    } else {
        printf("%s: %d tests; seed %llu (GRADER_SEED=%llu reproduces this run)\n",
               wb_this_week.name, n, (unsigned long long)env.seed, (unsigned long long)env.seed);
        printf("device: %s (sm_%d%d, %d SMs), driver %s, copy ceiling %.0f GB/s, read ceiling "
               "%.0f GB/s\n",
               env.device_name, env.cc_major, env.cc_minor, env.sm_count,
               env.driver_string[0] ? env.driver_string : "?", env.copy_ceiling_gbps,
               env.read_ceiling_gbps);
        wb_settings.copy_ceiling_gbps = env.copy_ceiling_gbps;
        wb_settings.read_ceiling_gbps = env.read_ceiling_gbps;
        wb_settings.runtime_guard = o.runtime_guard;
        wb_settings.timing_checks = o.timing_checks;
        run.tests = tests;
        run.results = results;
        run.n = n;
        run.names = names;
        run.quiet = o.quiet;
        run.no_guards = wb_devbuf_guard_bytes == 0;
        run.env = &env;
        if (o.filter.bench && o.results_dir &&
            bench_results_path(&o, &env, ".partial.json", run.partial_path,
                               sizeof run.partial_path))
            run.partial_path[0] = 0;
        if (o.isolation == WB_ISOLATE_WORKER && start_engine(&o, &env))
            return EXIT_CANNOT_RUN;
        if (o.isolation != WB_ISOLATE_WORKER)
            env.jobs = 1;
        run_suite(&o);
        if (run.engine && wb_engine_finish(run.engine))
            fprintf(stderr, "grade: some tests could not run (see their messages)\n");
        run.engine = NULL;
        exit_code = EXIT_ALL_PASSED;
        for (int i = 0; i < n; i++)
            if (test_failed(&results[i]))
                exit_code = EXIT_SOME_FAILED;
    }

    wb_score score;
    if (have_score)
        score = wb_score_compute(&score_cfg, results, n);
    if (have_device)
        wb_report_table(stdout, wb_this_week.name, &env, results, n, have_score ? &score : NULL);
    const char *dir = o.report_dir ? o.report_dir : "build/reports";
    int written =
        !wb_report_write_all(dir, wb_this_week.name, &env, results, n, have_score ? &score : NULL);
    if (!written)
        exit_code = EXIT_CANNOT_RUN;
    if (!have_device) {
        /* one line: why, what was not run, the seed, the score, where the reports are */
        char points[64] = "";
        if (have_score)
            snprintf(points, sizeof points, ", score %.2f / %.2f", score.total, score.max);
        printf("skipped: no CUDA device (%s); %d tests of %s not run, seed %llu%s%s%s\n",
               env.no_device_reason, n, wb_this_week.name, (unsigned long long)env.seed, points,
               written ? "; reports in " : "", written ? dir : "");
        free(tests);
        free(names);
        return exit_code;
    }
    if (written)
        printf("reports: %s/%s.{json,tap,junit.xml} and %s/results.json (Gradescope)\n", dir,
               wb_this_week.name, dir);
    if (have_device && o.filter.bench && o.results_dir) {
        if (write_bench_results(&o, &env, results, n))
            exit_code = EXIT_CANNOT_RUN;
        else if (run.partial_path[0])
            remove(run.partial_path); /* the complete file stands for it */
    }

    int passed = 0, failed = 0, skipped = 0;
    for (int i = 0; i < n; i++) {
        skipped += results[i].skipped;
        passed += results[i].passed && !results[i].skipped;
        failed += test_failed(&results[i]);
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    free(tests);
    free(names);
    return exit_code;
}
