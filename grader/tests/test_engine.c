/* test_engine.c: the worker engine (grader/engine.c) without a GPU. Fake
 * test bodies crash, hang, lose their "context" and take the GPU lock, and
 * the tests check what the parent made of it: the right test fails with the
 * right outcome, the others pass, and a timing section never shares the GPU. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "tap_suite.h"

enum { MAX_TESTS = 64 };

/* What each fake test does. */
typedef enum { PASS, CRASH, HANG, LOSE_CONTEXT, EXIT_EARLY, SHARED_WORK, TIMED_WORK } behaviour;

/* An interval during which a fake test held the GPU, logged by the worker
 * into memory shared with the parent. */
typedef struct interval {
    double begin, end;
    int mode, test, pid;
} interval;

typedef struct shared_log {
    int n;
    interval v[4 * MAX_TESTS];
} shared_log;

typedef struct fake {
    behaviour what[MAX_TESTS];
    int hold_ms[MAX_TESTS];
    shared_log *log;
    wb_test_end ends[MAX_TESTS];
    int ended[MAX_TESTS];
    int workers_seen;
} fake;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void hold_gpu(fake *f, int test, wb_gpu_mode mode)
{
    ck_assert_int_eq(wb_gpu_acquire(mode), 0);
    double begin = now_s();
    usleep((useconds_t)f->hold_ms[test] * 1000u);
    double end = now_s();
    wb_gpu_release();
    int k = __atomic_fetch_add(&f->log->n, 1, __ATOMIC_SEQ_CST);
    f->log->v[k] = (interval){begin, end, (int)mode, test, (int)getpid()};
}

static int fake_run(int test, void *ctx)
{
    fake *f = ctx;
    switch (f->what[test]) {
    case PASS:
        return WB_RUN_OK;
    case CRASH:
        raise(SIGSEGV);
        return WB_RUN_OK;
    case HANG:
        for (;;)
            pause();
    case LOSE_CONTEXT:
        return WB_RUN_CONTEXT_LOST;
    case EXIT_EARLY:
        _exit(7);
    case SHARED_WORK:
        hold_gpu(f, test, WB_GPU_SHARED);
        return WB_RUN_OK;
    case TIMED_WORK:
        hold_gpu(f, test, WB_GPU_SHARED);
        hold_gpu(f, test, WB_GPU_EXCLUSIVE);
        return WB_RUN_OK;
    }
    return WB_RUN_OK;
}

static int fake_ended(int test, const wb_test_end *end, void *ctx, const char **label)
{
    fake *f = ctx;
    f->ends[test] = *end;
    f->ended[test]++;
    if (end->worker + 1 > f->workers_seen)
        f->workers_seen = end->worker + 1;
    *label = end->kind == WB_END_DONE ? "ok" : "failed";
    return end->kind != WB_END_DONE;
}

static fake *new_fake(void)
{
    fake *f = calloc(1, sizeof *f);
    f->log = mmap(NULL, sizeof *f->log, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(f->log, MAP_FAILED);
    memset(f->log, 0, sizeof *f->log);
    return f;
}

static void run_costed(fake *f, int n, int jobs, const int *timeouts, const int *group,
                       const double *cost)
{
    wb_engine_config cfg = {
        .n_tests = n,
        .jobs = jobs,
        .timeout_s = timeouts,
        .run = fake_run,
        .ended = fake_ended,
        .ctx = f,
        .group = group,
        .cost = cost,
    };
    wb_engine *e = wb_engine_create(&cfg);
    ck_assert_ptr_nonnull(e);
    /* Check's own order: await each test in turn, as the grader's suite does */
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(wb_engine_await(e, i), 0);
    ck_assert_int_eq(wb_engine_finish(e), 0);
    for (int i = 0; i < n; i++)
        ck_assert_msg(f->ended[i] == 1, "test %d ended %d times", i, f->ended[i]);
}

static void run_grouped(fake *f, int n, int jobs, const int *timeouts, const int *group)
{
    run_costed(f, n, jobs, timeouts, group, NULL);
}

static void run_engine(fake *f, int n, int jobs, const int *timeouts)
{
    run_grouped(f, n, jobs, timeouts, NULL);
}

static const int one_second[MAX_TESTS] = {[0 ... MAX_TESTS - 1] = 1};

/* The batch: test 3 of 10 dies (the illegal address of a real run
 * kills no process, but a crash in host code does) and test 6 hangs. */
static void crash_and_hang(int jobs)
{
    fake *f = new_fake();
    f->what[2] = CRASH; /* the third test */
    f->what[5] = HANG;  /* the sixth */
    run_engine(f, 10, jobs, one_second);
    for (int i = 0; i < 10; i++) {
        if (i == 2) {
            ck_assert_int_eq(f->ends[i].kind, WB_END_SIGNAL);
            ck_assert_int_eq(f->ends[i].code, SIGSEGV);
        } else if (i == 5) {
            ck_assert_int_eq(f->ends[i].kind, WB_END_TIMEOUT);
        } else {
            ck_assert_msg(f->ends[i].kind == WB_END_DONE, "test %d: outcome %d", i,
                          f->ends[i].kind);
        }
    }
    /* one worker to start, one after the crash, one after the hang (at most
     * one each per job slot) */
    ck_assert_int_ge(f->workers_seen, jobs == 1 ? 3 : 2);
    free(f);
}

START_TEST(a_crash_and_a_hang_fail_only_their_tests_one_worker)
{
    crash_and_hang(1);
}
END_TEST

START_TEST(a_crash_and_a_hang_fail_only_their_tests_three_workers)
{
    crash_and_hang(3);
}
END_TEST

START_TEST(a_lost_context_ends_the_worker_and_the_rest_run)
{
    fake *f = new_fake();
    f->what[1] = LOSE_CONTEXT;
    f->what[4] = EXIT_EARLY;
    run_engine(f, 8, 1, one_second);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(f->ends[i].kind, i == 4 ? WB_END_EXIT : WB_END_DONE);
    ck_assert_int_eq(f->ends[4].code, 7);
    ck_assert_int_eq(f->ends[1].code, WB_RUN_CONTEXT_LOST);
    /* tests 2.. ran in a second worker, 5.. in a third */
    ck_assert_int_eq(f->ends[2].worker, f->ends[1].worker + 1);
    ck_assert_int_eq(f->ends[5].worker, f->ends[4].worker + 1);
    free(f);
}
END_TEST

static int overlaps(const interval *a, const interval *b)
{
    return a->begin < b->end && b->begin < a->end;
}

/* Timing sections (exclusive) interleaved with correctness work (shared) on
 * four workers: no exclusive interval may overlap any other interval. */
START_TEST(a_timing_section_never_shares_the_gpu)
{
    fake *f = new_fake();
    int n = 24;
    for (int i = 0; i < n; i++) {
        f->what[i] = i % 3 == 0 ? TIMED_WORK : SHARED_WORK;
        f->hold_ms[i] = 20 + 7 * (i % 4);
    }
    static int timeouts[MAX_TESTS];
    for (int i = 0; i < n; i++)
        timeouts[i] = 30;
    run_engine(f, n, 4, timeouts);
    shared_log *log = f->log;
    ck_assert_int_eq(log->n, n + n / 3);
    int exclusive = 0, concurrent_shared = 0;
    for (int a = 0; a < log->n; a++) {
        for (int b = a + 1; b < log->n; b++) {
            if (!overlaps(&log->v[a], &log->v[b]))
                continue;
            ck_assert_msg(log->v[a].mode != WB_GPU_EXCLUSIVE && log->v[b].mode != WB_GPU_EXCLUSIVE,
                          "test %d (mode %d) overlapped test %d (mode %d)", log->v[a].test,
                          log->v[a].mode, log->v[b].test, log->v[b].mode);
            concurrent_shared++;
        }
        exclusive += log->v[a].mode == WB_GPU_EXCLUSIVE;
    }
    ck_assert_int_eq(exclusive, n / 3);
    /* the check above means something only if shared work did run side by side */
    ck_assert_int_gt(concurrent_shared, 0);
    free(f);
}
END_TEST

/* A test that waits 1.5 s for the GPU with a 1 s deadline must not time
 * out: waiting for the lock is not the test's time. */
START_TEST(waiting_for_the_gpu_does_not_count_against_the_deadline)
{
    fake *f = new_fake();
    f->what[0] = SHARED_WORK;
    f->hold_ms[0] = 1500;
    f->what[1] = TIMED_WORK;
    f->hold_ms[1] = 50;
    static const int timeouts[2] = {10, 1};
    run_engine(f, 2, 2, timeouts);
    ck_assert_int_eq(f->ends[0].kind, WB_END_DONE);
    ck_assert_int_eq(f->ends[1].kind, WB_END_DONE);
    ck_assert(f->ends[1].seconds < 1.0);
    free(f);
}
END_TEST

/* How many of the groups ran on more than one worker. */
static int split_groups(const fake *f, const int *group, int n_groups)
{
    int pid_of[16] = {0}, split[16] = {0}, count = 0;
    for (int k = 0; k < f->log->n; k++) {
        int g = group[f->log->v[k].test];
        if (!pid_of[g])
            pid_of[g] = f->log->v[k].pid;
        else if (pid_of[g] != f->log->v[k].pid && !split[g]) {
            split[g] = 1;
            count++;
        }
    }
    (void)n_groups;
    return count;
}

/* Tests that share host work (a group) run on one worker, even when the test
 * list interleaves the groups; an idle worker never takes a test of a group
 * another worker holds (it would draw that group's data again). Without groups the same
 * list is spread over the workers test by test. */
START_TEST(a_group_stays_on_one_worker)
{
    enum { N = 20, GROUPS = 5 };
    static int group[N];
    fake *with = new_fake(), *without = new_fake();
    for (int i = 0; i < N; i++) {
        group[i] = i % GROUPS;
        with->what[i] = without->what[i] = SHARED_WORK;
        with->hold_ms[i] = without->hold_ms[i] = 10;
    }
    run_grouped(with, N, 2, one_second, group);
    run_grouped(without, N, 2, one_second, NULL);
    ck_assert_int_eq(with->log->n, N);
    ck_assert_int_eq(split_groups(with, group, GROUPS), 0);
    ck_assert_int_ge(split_groups(without, group, GROUPS), 3);
    free(with);
    free(without);
}
END_TEST

/* With costs, a free worker starts the costliest pending group first (a
 * long group left for the end keeps the run waiting on one worker); its
 * group's other tests follow it on that worker. */
START_TEST(the_costliest_group_starts_first)
{
    enum { N = 12, GROUPS = 4 };
    static int group[N];
    static double cost[N];
    fake *f = new_fake();
    for (int i = 0; i < N; i++) {
        group[i] = i / 3; /* tests 0-2: group 0, ... 9-11: group 3 */
        cost[i] = (double)(i / 3 == 2 ? 100 : i / 3);
        f->what[i] = SHARED_WORK;
        f->hold_ms[i] = 5;
    }
    run_costed(f, N, 1, one_second, group, cost);
    ck_assert_int_eq(f->log->n, N);
    int order[N];
    for (int k = 0; k < N; k++)
        order[k] = group[f->log->v[k].test];
    /* group 2 (cost 100), then 3, 1, 0, each whole */
    const int want[N] = {2, 2, 2, 3, 3, 3, 1, 1, 1, 0, 0, 0};
    for (int k = 0; k < N; k++)
        ck_assert_msg(order[k] == want[k], "run %d was of group %d, wanted %d", k, order[k],
                      want[k]);
    free(f);
}
END_TEST

START_TEST(default_jobs_follow_cpus_and_memory)
{
    ck_assert_int_eq(wb_engine_default_jobs(1, 0, 0), 1);
    ck_assert_int_eq(wb_engine_default_jobs(2, 0, 0), 1);
    ck_assert_int_eq(wb_engine_default_jobs(16, 0, 0), 8);
    ck_assert_int_eq(wb_engine_default_jobs(128, 0, 0), 8);
    /* 16 CPUs but room for one 4 GB test in 10 GB free */
    ck_assert_int_eq(wb_engine_default_jobs(16, 10e9, 4e9), 1);
    ck_assert_int_eq(wb_engine_default_jobs(16, 140e9, 4e9), 8);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("engine");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_crash_and_a_hang_fail_only_their_tests_one_worker);
    tcase_add_test(tc, a_crash_and_a_hang_fail_only_their_tests_three_workers);
    tcase_add_test(tc, a_lost_context_ends_the_worker_and_the_rest_run);
    tcase_add_test(tc, a_timing_section_never_shares_the_gpu);
    tcase_add_test(tc, waiting_for_the_gpu_does_not_count_against_the_deadline);
    tcase_add_test(tc, default_jobs_follow_cpus_and_memory);
    tcase_add_test(tc, a_group_stays_on_one_worker);
    tcase_add_test(tc, the_costliest_group_starts_first);
    suite_add_tcase(s, tc);
    return run_suite_as_tap(s);
}
