/* worker_main.c: an engine worker (engine.h) started by exec, so that it
 * holds nothing of the parent's but what each command tells it: not the run's
 * seed, not the other tests' shapes (hidden ones included). It owns one CUDA
 * context, runs the tests it is sent one after another, leaves each verdict
 * in its slot of memory shared with the parent, and exits after a sticky
 * CUDA error so that a fresh worker takes the next test. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devbuf.h"
#include "engine.h"
#include "run_test.h"
#include "test_plan.h"
#include "worker.h"

typedef struct worker_ctx {
    wb_result *slot;
} worker_ctx;

static int run_described(int index, const void *desc, size_t len, void *ctx)
{
    worker_ctx *w = ctx;
    wb_worker_desc d;
    (void)index;
    if (len != sizeof d)
        _exit(4); /* a grader built from other sources than its workers */
    memcpy(&d, desc, sizeof d);
    if (wb_test_resolve(&d.test, &wb_this_week, wb_lesson_variants, wb_lesson_variant_count))
        _exit(4);
    wb_settings = d.settings;
    wb_result_for_test(w->slot, &d.test);
    int rc = wb_run_test(&d.test, d.test.seed, w->slot);
    w->slot->passed = rc == 0 && !w->slot->skipped;
    return wb_context_usable() ? WB_RUN_OK : WB_RUN_CONTEXT_LOST;
}

int wb_worker_main(int argc, char **argv)
{
    /* grade --worker CMD_FD STATUS_FD SLOTS_FD SLOT [--no-guards] */
    if (argc < 6) {
        fprintf(stderr, "grade: --worker is started by the grader itself\n");
        return 2;
    }
    int cmd = atoi(argv[2]), status = atoi(argv[3]), slots_fd = atoi(argv[4]), slot = atoi(argv[5]);
    for (int i = 6; i < argc; i++)
        if (!strcmp(argv[i], "--no-guards"))
            wb_devbuf_guard_bytes = 0;
    size_t bytes = (size_t)(slot + 1) * sizeof(wb_result);
    wb_result *slots = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, slots_fd, 0);
    if (slots == MAP_FAILED) {
        perror("grade: worker cannot map its result slot");
        return 2;
    }
    close(slots_fd);
    worker_ctx ctx = {&slots[slot]};
    wb_worker_loop(cmd, status, NULL, run_described, &ctx);
}
