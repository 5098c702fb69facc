/* engine.h: runs a week's tests in worker processes, each owning one CUDA
 * context for many tests, with every isolation promise of a process per test.
 *
 * The parent never touches CUDA. It starts up to `jobs` workers and hands
 * each one test at a time over a pipe. A worker tells the parent when a test
 * starts and ends, and asks it for the GPU before every stretch of device
 * work: shared (correctness work; several workers at once) or exclusive (a
 * timing loop; no other worker holds the GPU meanwhile). The parent enforces
 * each test's deadline (time spent waiting for the GPU does not count), and
 * when a worker dies, overruns its deadline or reports that its CUDA context
 * is lost (a sticky error), it records that test's outcome and starts a
 * fresh worker for the tests that remain. Host work of one worker overlaps
 * the device work of the others.
 *
 * The engine knows nothing of CUDA or of grading: what a test does is the
 * `run` callback, which runs in the worker. That keeps the scheduler testable
 * without a GPU (grader/tests/test_engine.c). The design and its trade-offs
 * are in the book's grader appendix. */
#ifndef WB_ENGINE_H
#define WB_ENGINE_H

#include <stddef.h>
#include <stdio.h>

/* How a test ended, as the parent saw it. */
typedef enum {
    WB_END_DONE = 0, /* the worker reported the test finished */
    WB_END_SIGNAL,   /* the worker died on signal `code` while running it */
    WB_END_EXIT,     /* the worker exited with status `code` while running it */
    WB_END_TIMEOUT,  /* the test ran past its deadline; the worker was killed */
    WB_END_LOST      /* the worker died before starting it (no verdict) */
} wb_end_kind;

typedef struct wb_test_end {
    wb_end_kind kind;
    int code;       /* signal number or exit status */
    double seconds; /* wall time from start to end, lock waits excluded */
    int worker;     /* which worker ran it (0-based count of workers started) */
    int slot;       /* the worker's slot, 0 .. jobs - 1 (where it left its notes), -1: none */
} wb_test_end;

/* What `run` returns in the worker. */
enum {
    WB_RUN_OK = 0,          /* the worker can take another test */
    WB_RUN_CONTEXT_LOST = 1 /* the CUDA context is unusable: the worker exits after this test */
};

/* GPU access a worker asks for. */
typedef enum { WB_GPU_SHARED = 1, WB_GPU_EXCLUSIVE = 2 } wb_gpu_mode;

typedef struct wb_engine_config {
    int n_tests;
    int jobs;             /* workers at most (>= 1) */
    const int *timeout_s; /* per test */
    /* Start a worker in slot `slot` (0 .. jobs - 1): fork+exec of a worker
     * program, or a plain fork in tests. Given the two pipe ends the worker
     * must use (it reads commands from cmd_fd, writes reports to status_fd),
     * returns its pid or -1. NULL: a plain fork that calls wb_worker_loop(). */
    int (*spawn)(int slot, int cmd_fd, int status_fd, void *ctx);
    /* In the worker (plain-fork spawn only): run test i. Returns WB_RUN_*. */
    int (*run)(int test, void *ctx);
    /* In the parent, once for every test, when its outcome is final: record
     * it, return 1 when the test failed, and point *label at a word or two
     * for the progress line ("ok", "timeout", ...). */
    int (*ended)(int test, const wb_test_end *end, void *ctx, const char **label);
    void *ctx;
    /* The description of test i a worker needs, sent with the command, so
     * that a worker started by exec knows only the tests it is given.
     * NULL: none (the worker knows the tests itself). */
    size_t (*describe)(int test, void *buf, size_t cap, void *ctx);
    FILE *progress;           /* per-test lines or a progress line; NULL: silent */
    int progress_tty;         /* rewrite one line in place instead of a line per test */
    const char *const *names; /* test names for progress lines (may be NULL) */
    /* Tests of one group share host work (their inputs and reference): a
     * worker that ran a test of group g is given g's next test before any
     * other, and no other worker starts on g while it lives. NULL: no groups. */
    const int *group;
    /* With groups: what test i costs (e.g. its bytes); a free worker starts
     * the pending group of highest cost first. NULL: in test order. */
    const double *cost;
    /* A trace of scheduling events for tests: "lock +S 2" ...; NULL: none. */
    void (*trace)(const char *event, int worker, int test, void *ctx);
} wb_engine_config;

typedef struct wb_engine wb_engine;

/* Start the engine (no worker yet). NULL with errno on failure. */
wb_engine *wb_engine_create(const wb_engine_config *cfg);
/* Run until test i's outcome is final (its `ended` has been called).
 * 0, or -1 when the engine cannot go on (no worker can be started). */
int wb_engine_await(wb_engine *e, int i);
/* Run every remaining test, stop the workers, free the engine. */
int wb_engine_finish(wb_engine *e);

/* ---- the worker side --------------------------------------------------- */

/* The loop of a worker: read a command, run the test with `run`, report.
 * Never returns: exits 0 on an exit command or a closed pipe. `describe`d
 * data of each test is handed to run_described when set (exec'd workers). */
typedef int (*wb_run_described)(int test, const void *desc, size_t len, void *ctx);
void wb_worker_loop(int cmd_fd, int status_fd, int (*run)(int test, void *ctx),
                    wb_run_described run_described, void *ctx) __attribute__((noreturn));

/* Ask the parent for the GPU (blocks until granted) and give it back. In a
 * process that is no engine worker (--no-fork, --isolate test) both are
 * no-ops. Returns 0, or -1 when the parent is gone. */
int wb_gpu_acquire(wb_gpu_mode mode);
void wb_gpu_release(void);

/* A sensible default for --jobs: half the CPUs, at least 1, at most 8
 * (each worker's host work uses two CPUs); fewer when the GPU's free memory cannot hold that many of the week's
 * largest tests (largest_test_bytes 0: not known). */
int wb_engine_default_jobs(long cpus, double free_gpu_bytes, double largest_test_bytes);

#endif /* WB_ENGINE_H */
