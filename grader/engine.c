/* engine.c: the worker engine of engine.h: processes, pipes, deadlines and
 * the GPU lock. No CUDA here; a worker's test is a callback. */
#define _POSIX_C_SOURCE 200809L
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the protocol ------------------------------------------------------- */

/* Commands, parent to worker. */
enum { CMD_TEST = 1, CMD_GRANT = 2, CMD_EXIT = 3 };
/* Reports, worker to parent. */
enum { REP_START = 11, REP_ACQUIRE = 12, REP_RELEASE = 13, REP_DONE = 14 };

typedef struct message {
    int32_t type;
    int32_t test;
    int32_t arg; /* ACQUIRE: the mode; DONE: WB_RUN_*; TEST: bytes of description that follow */
    int32_t pad;
} message;

enum { DESC_MAX = 4096 };

static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* 1 read, 0 end of file before anything, -1 error or a short read */
static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, p + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

static int send_message(int fd, int type, int test, int arg)
{
    message m = {type, test, arg, 0};
    return write_full(fd, &m, sizeof m);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- the worker side ---------------------------------------------------- */

static int g_cmd_fd = -1, g_status_fd = -1;

int wb_gpu_acquire(wb_gpu_mode mode)
{
    if (g_status_fd < 0)
        return 0; /* not an engine worker */
    if (send_message(g_status_fd, REP_ACQUIRE, -1, (int)mode))
        return -1;
    message m;
    if (read_full(g_cmd_fd, &m, sizeof m) != 1 || m.type != CMD_GRANT)
        return -1;
    return 0;
}

void wb_gpu_release(void)
{
    if (g_status_fd >= 0 && send_message(g_status_fd, REP_RELEASE, -1, 0))
        _exit(0); /* the parent is gone: nothing left to report to */
}

void wb_worker_loop(int cmd_fd, int status_fd, int (*run)(int test, void *ctx),
                    wb_run_described run_described, void *ctx)
{
    static unsigned char desc[DESC_MAX];
    g_cmd_fd = cmd_fd;
    g_status_fd = status_fd;
    for (;;) {
        message m;
        if (read_full(cmd_fd, &m, sizeof m) != 1 || m.type == CMD_EXIT)
            _exit(0);
        if (m.type != CMD_TEST || m.arg < 0 || m.arg > DESC_MAX)
            _exit(3); /* a protocol error: the parent records what the test needs */
        if (m.arg > 0 && read_full(cmd_fd, desc, (size_t)m.arg) != 1)
            _exit(0);
        if (send_message(status_fd, REP_START, m.test, 0))
            _exit(0);
        int rc = run_described ? run_described(m.test, desc, (size_t)m.arg, ctx) : run(m.test, ctx);
        if (send_message(status_fd, REP_DONE, m.test, rc))
            _exit(0);
        if (rc == WB_RUN_CONTEXT_LOST)
            _exit(0);
    }
}

/* ---- the parent side ---------------------------------------------------- */

typedef struct worker {
    pid_t pid; /* 0: no process in this slot */
    int cmd_fd, status_fd;
    int id;
    int test;    /* assigned test, -1 when idle */
    int started; /* its START arrived */
    double start, waited, wait_since;
    int holds;   /* 0 or a wb_gpu_mode */
    int wants;   /* 0 or the mode it waits for */
    int exiting; /* said its context is lost: takes no more tests */
    int group;   /* the group of the last test it ran, -1: none */
    unsigned char buf[sizeof(message)];
    size_t have;
} worker;

enum { PENDING = 0, ASSIGNED = 1, FINAL = 2 };

struct wb_engine {
    wb_engine_config cfg;
    worker *w;
    int n_workers; /* slots, = jobs */
    unsigned char *state;
    int next; /* no test before it is PENDING */
    int finished, failed;
    int started_workers;
    int failed_starts; /* workers in a row that died before starting a test */
    double t0;
    char stop_reason[160];
};

static void trace(wb_engine *e, const char *what, const worker *w, int test)
{
    if (e->cfg.trace)
        e->cfg.trace(what, w ? w->id : -1, test, e->cfg.ctx);
}

static void progress(wb_engine *e, int test, const char *label)
{
    FILE *f = e->cfg.progress;
    if (!f)
        return;
    int n = e->cfg.n_tests, done = e->finished;
    if (e->cfg.progress_tty) {
        double el = now_s() - e->t0;
        double left = done > 0 ? el / done * (n - done) : 0.0;
        fprintf(f, "\r\033[K[%d/%d] %d failed, %.0f s elapsed, about %.0f s left", done, n,
                e->failed, el, left);
        if (done == n)
            fputc('\n', f);
    } else {
        const char *name = e->cfg.names ? e->cfg.names[test] : "";
        fprintf(f, "[%3d/%d] %-44s %s\n", done, n, name, label);
    }
    fflush(f);
}

static void finalise(wb_engine *e, int test, const wb_test_end *end)
{
    if (e->state[test] == FINAL)
        return;
    e->state[test] = FINAL;
    e->finished++;
    const char *label = "";
    int failed = 0;
    if (e->cfg.ended)
        failed = e->cfg.ended(test, end, e->cfg.ctx, &label);
    if (failed)
        e->failed++;
    trace(e, "end", NULL, test);
    progress(e, test, label ? label : "");
}

wb_engine *wb_engine_create(const wb_engine_config *cfg)
{
    wb_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->cfg = *cfg;
    e->n_workers = cfg->jobs < 1 ? 1 : cfg->jobs;
    e->w = calloc((size_t)e->n_workers, sizeof *e->w);
    e->state = calloc((size_t)(cfg->n_tests > 0 ? cfg->n_tests : 1), 1);
    if (!e->w || !e->state) {
        free(e->w);
        free(e->state);
        free(e);
        return NULL;
    }
    for (int i = 0; i < e->n_workers; i++)
        e->w[i].test = -1;
    e->t0 = now_s();
    /* a worker that dies must not take the parent with it */
    signal(SIGPIPE, SIG_IGN);
    return e;
}

static int plain_fork_spawn(wb_engine *e, const int cmd[2], const int status[2])
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        /* the parent's ends: holding them would hide the parent's death */
        close(cmd[1]);
        close(status[0]);
        for (int i = 0; i < e->n_workers; i++)
            if (e->w[i].pid) {
                close(e->w[i].cmd_fd);
                close(e->w[i].status_fd);
            }
        wb_worker_loop(cmd[0], status[1], e->cfg.run, NULL, e->cfg.ctx);
    }
    return (int)pid;
}

/* Start a worker in slot w; -1 when the pipes or the process cannot be made. */
static int start_worker(wb_engine *e, worker *w)
{
    int cmd[2], status[2];
    if (pipe(cmd))
        return -1;
    if (pipe(status)) {
        close(cmd[0]);
        close(cmd[1]);
        return -1;
    }
    /* the parent's ends must not leak into later workers */
    fcntl(cmd[1], F_SETFD, FD_CLOEXEC);
    fcntl(status[0], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    int pid = e->cfg.spawn ? e->cfg.spawn((int)(w - e->w), cmd[0], status[1], e->cfg.ctx)
                           : plain_fork_spawn(e, cmd, status);
    close(cmd[0]);
    close(status[1]);
    if (pid <= 0) {
        close(cmd[1]);
        close(status[0]);
        return -1;
    }
    memset(w, 0, sizeof *w);
    w->pid = pid;
    w->cmd_fd = cmd[1];
    w->status_fd = status[0];
    w->id = e->started_workers++;
    w->test = -1;
    w->group = -1;
    trace(e, "spawn", w, -1);
    return 0;
}

static void close_worker(worker *w)
{
    close(w->cmd_fd);
    close(w->status_fd);
    w->pid = 0;
    w->test = -1;
    w->holds = 0;
    w->wants = 0;
    w->exiting = 0;
    w->group = -1;
    w->have = 0;
}

static double test_elapsed(const worker *w, double now)
{
    double waiting = w->wants ? now - w->wait_since : 0.0;
    return now - w->start - w->waited - waiting;
}

/* The worker in slot w has ended (its pipe closed, or it was killed): record
 * what that means for its test and free the slot. */
static void reap(wb_engine *e, worker *w, int killed_for_timeout)
{
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    trace(e, "reap", w, w->test);
    int t = w->test;
    double now = now_s();
    if (t >= 0 && e->state[t] != FINAL) {
        if (!w->started && !killed_for_timeout) {
            /* died before the test began: give the test to another worker,
             * unless workers keep dying at start (then say so) */
            e->failed_starts++;
            if (e->failed_starts < 3) {
                e->state[t] = PENDING;
                if (t < e->next)
                    e->next = t;
            } else {
                wb_test_end end = {WB_END_LOST, WIFSIGNALED(status) ? WTERMSIG(status) : 0, 0.0,
                                   w->id, (int)(w - e->w)};
                finalise(e, t, &end);
            }
        } else {
            wb_test_end end = {WB_END_DONE, 0, test_elapsed(w, now), w->id, (int)(w - e->w)};
            if (killed_for_timeout)
                end.kind = WB_END_TIMEOUT;
            else if (WIFSIGNALED(status)) {
                end.kind = WB_END_SIGNAL;
                end.code = WTERMSIG(status);
            } else {
                end.kind = WB_END_EXIT;
                end.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            finalise(e, t, &end);
        }
    }
    close_worker(w);
}

/* Is group g held by a live worker other than w (one that will run its
 * other tests: not one on its way out)? */
static int group_taken(const wb_engine *e, const worker *w, int g)
{
    for (int i = 0; i < e->n_workers; i++)
        if (&e->w[i] != w && e->w[i].pid && !e->w[i].exiting && e->w[i].group == g)
            return 1;
    return 0;
}

/* The next test for worker w: more of its own group first, then a pending
 * test of a group no other worker holds, the costliest first, so that no
 * long group is left for the end while the other workers sit idle. A test
 * of a group another worker holds waits for that worker: taking it would
 * draw the group's data twice, which costs more than the wait. Without
 * groups, the first pending test. -1: nothing for w now. */
static int next_test(wb_engine *e, worker *w)
{
    while (e->next < e->cfg.n_tests && e->state[e->next] != PENDING)
        e->next++;
    const int *g = e->cfg.group;
    const double *cost = e->cfg.cost;
    int pick = -1;
    if (!g) {
        for (int t = e->next; t < e->cfg.n_tests && pick < 0; t++)
            if (e->state[t] == PENDING)
                pick = t;
        return pick;
    }
    for (int t = e->next; t < e->cfg.n_tests && pick < 0; t++)
        if (e->state[t] == PENDING && w->group >= 0 && g[t] == w->group)
            pick = t;
    for (int t = e->next; t < e->cfg.n_tests && pick < 0; t++)
        if (e->state[t] == PENDING && !group_taken(e, w, g[t]))
            pick = t;
    if (pick >= 0 && cost && g[pick] != w->group)
        for (int t = pick + 1; t < e->cfg.n_tests; t++)
            if (e->state[t] == PENDING && cost[t] > cost[pick] && !group_taken(e, w, g[t]))
                pick = t;
    if (pick >= 0)
        w->group = g[pick];
    return pick;
}

static int tests_waiting(const wb_engine *e)
{
    for (int t = e->next; t < e->cfg.n_tests; t++)
        if (e->state[t] == PENDING)
            return 1;
    return 0;
}

static int assign(wb_engine *e, worker *w, int t)
{
    static unsigned char desc[DESC_MAX];
    size_t len = e->cfg.describe ? e->cfg.describe(t, desc, sizeof desc, e->cfg.ctx) : 0;
    if (len > DESC_MAX)
        len = DESC_MAX;
    message m = {CMD_TEST, t, (int32_t)len, 0};
    e->state[t] = ASSIGNED;
    w->test = t;
    w->started = 0;
    w->waited = 0.0;
    w->start = now_s();
    trace(e, "assign", w, t);
    if (write_full(w->cmd_fd, &m, sizeof m) || (len && write_full(w->cmd_fd, desc, len)))
        return -1; /* the worker is gone; its pipe's end of file reaps it */
    return 0;
}

/* Grant the GPU: exclusive waiters first, and no new shared grant while one
 * waits, so a timing loop is never starved and never shares the GPU. */
static void grant(wb_engine *e)
{
    int shared = 0, exclusive = 0;
    worker *first_excl = NULL;
    for (int i = 0; i < e->n_workers; i++) {
        worker *w = &e->w[i];
        if (!w->pid)
            continue;
        if (w->holds == WB_GPU_SHARED)
            shared++;
        if (w->holds == WB_GPU_EXCLUSIVE)
            exclusive++;
        if (w->wants == WB_GPU_EXCLUSIVE && (!first_excl || w->wait_since < first_excl->wait_since))
            first_excl = w;
    }
    if (exclusive)
        return;
    double now = now_s();
    if (first_excl) {
        if (shared)
            return;
        first_excl->holds = WB_GPU_EXCLUSIVE;
        first_excl->wants = 0;
        first_excl->waited += now - first_excl->wait_since;
        trace(e, "grant-exclusive", first_excl, first_excl->test);
        send_message(first_excl->cmd_fd, CMD_GRANT, first_excl->test, 0);
        return;
    }
    for (int i = 0; i < e->n_workers; i++) {
        worker *w = &e->w[i];
        if (w->pid && w->wants == WB_GPU_SHARED) {
            w->holds = WB_GPU_SHARED;
            w->wants = 0;
            w->waited += now - w->wait_since;
            trace(e, "grant-shared", w, w->test);
            send_message(w->cmd_fd, CMD_GRANT, w->test, 0);
        }
    }
}

static void handle(wb_engine *e, worker *w, const message *m)
{
    switch (m->type) {
    case REP_START:
        if (m->test == w->test) {
            w->started = 1;
            w->start = now_s();
            e->failed_starts = 0;
        }
        break;
    case REP_ACQUIRE:
        w->wants = m->arg == WB_GPU_EXCLUSIVE ? WB_GPU_EXCLUSIVE : WB_GPU_SHARED;
        w->wait_since = now_s();
        trace(e, w->wants == WB_GPU_EXCLUSIVE ? "want-exclusive" : "want-shared", w, w->test);
        break;
    case REP_RELEASE:
        trace(e, "release", w, w->test);
        w->holds = 0;
        break;
    case REP_DONE: {
        int t = w->test;
        w->holds = 0; /* a test's end gives the GPU back */
        w->wants = 0;
        w->test = -1;
        if (t >= 0 && t == m->test) {
            wb_test_end end = {WB_END_DONE, m->arg, now_s() - w->start - w->waited, w->id,
                               (int)(w - e->w)};
            finalise(e, t, &end);
        }
        if (m->arg == WB_RUN_CONTEXT_LOST) {
            w->exiting = 1; /* it exits; its end of file reaps it */
            trace(e, "context-lost", w, t);
        }
        break;
    }
    default:
        break;
    }
}

/* Read what worker w sent; 1 when its pipe reached end of file. */
static int drain(wb_engine *e, worker *w)
{
    for (;;) {
        ssize_t r = read(w->status_fd, w->buf + w->have, sizeof w->buf - w->have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 1;
        w->have += (size_t)r;
        if (w->have == sizeof w->buf) {
            message m;
            memcpy(&m, w->buf, sizeof m);
            w->have = 0;
            handle(e, w, &m);
            return 0; /* one message per wake-up keeps grants in order */
        }
    }
}

static int live_workers(const wb_engine *e)
{
    int n = 0;
    for (int i = 0; i < e->n_workers; i++)
        n += e->w[i].pid != 0;
    return n;
}

/* One round: start workers, hand out tests, grant, wait for news or a
 * deadline. -1 when no worker can be started and tests remain. */
static int pump(wb_engine *e)
{
    /* hand out tests, starting workers as needed */
    for (int i = 0; i < e->n_workers; i++) {
        worker *w = &e->w[i];
        if (!tests_waiting(e))
            break;
        if (!w->pid && start_worker(e, w)) {
            if (live_workers(e) == 0) {
                snprintf(e->stop_reason, sizeof e->stop_reason, "cannot start a worker: %s",
                         strerror(errno));
                return -1;
            }
            continue;
        }
        if (w->pid && w->test < 0 && !w->exiting) {
            int t = next_test(e, w);
            if (t >= 0 && assign(e, w, t))
                continue; /* its pipe will say it is gone */
        }
    }
    grant(e);

    struct pollfd fds[64];
    worker *who[64];
    int n = 0;
    double now = now_s(), wait_s = 1.0;
    for (int i = 0; i < e->n_workers && n < 64; i++) {
        worker *w = &e->w[i];
        if (!w->pid)
            continue;
        fds[n].fd = w->status_fd;
        fds[n].events = POLLIN;
        fds[n].revents = 0;
        who[n++] = w;
        if (w->test >= 0 && !w->wants) {
            double left = e->cfg.timeout_s[w->test] - test_elapsed(w, now);
            if (left < wait_s)
                wait_s = left;
        }
    }
    if (n == 0)
        return tests_waiting(e) ? -1 : 0;
    int ms = wait_s <= 0 ? 0 : (int)(wait_s * 1000.0) + 1;
    int ready = poll(fds, (nfds_t)n, ms);
    if (ready < 0 && errno != EINTR)
        return -1;
    for (int k = 0; k < n && ready > 0; k++)
        if (fds[k].revents & (POLLIN | POLLHUP | POLLERR))
            if (drain(e, who[k]))
                reap(e, who[k], 0);
    /* deadlines */
    now = now_s();
    for (int i = 0; i < e->n_workers; i++) {
        worker *w = &e->w[i];
        if (w->pid && w->test >= 0 && !w->wants &&
            test_elapsed(w, now) > e->cfg.timeout_s[w->test]) {
            trace(e, "kill", w, w->test);
            kill(-w->pid, SIGKILL); /* its process group: anything it started too */
            kill(w->pid, SIGKILL);
            if (!w->started)
                w->started = 1; /* a hang before START still ran out the test's time */
            reap(e, w, 1);
        }
    }
    return 0;
}

int wb_engine_await(wb_engine *e, int i)
{
    while (e->state[i] != FINAL)
        if (pump(e)) {
            /* no worker can run: every test left is lost, said once */
            for (int t = 0; t < e->cfg.n_tests; t++)
                if (e->state[t] != FINAL) {
                    wb_test_end end = {WB_END_LOST, 0, 0.0, -1, -1};
                    finalise(e, t, &end);
                }
            return -1;
        }
    return 0;
}

int wb_engine_finish(wb_engine *e)
{
    int rc = 0;
    for (int t = 0; t < e->cfg.n_tests; t++)
        if (wb_engine_await(e, t))
            rc = -1;
    for (int i = 0; i < e->n_workers; i++) {
        worker *w = &e->w[i];
        if (!w->pid)
            continue;
        send_message(w->cmd_fd, CMD_EXIT, -1, 0);
        close(w->cmd_fd);
        int status;
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
        close(w->status_fd);
        w->pid = 0;
    }
    free(e->w);
    free(e->state);
    free(e);
    return rc;
}

int wb_engine_default_jobs(long cpus, double free_gpu_bytes, double largest_test_bytes)
{
    long jobs = cpus / 2;
    if (jobs < 1)
        jobs = 1;
    if (jobs > 8)
        jobs = 8;
    if (free_gpu_bytes > 0 && largest_test_bytes > 0) {
        /* leave half the free memory for the timing loop's pool and the OS */
        long fit = (long)(0.5 * free_gpu_bytes / largest_test_bytes);
        if (fit < jobs)
            jobs = fit < 1 ? 1 : fit;
    }
    return (int)jobs;
}
