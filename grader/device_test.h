/* device_test.h: a test's buffers on the device and the steps run_test.c and
 * timed_check.c share: uploading, poisoning, one checked launch, verifying. */
#ifndef WB_DEVICE_TEST_H
#define WB_DEVICE_TEST_H

#include <stdint.h>

#include "compare.h"
#include "derivation.h"
#include "devbuf.h"
#include "host_data.h"
#include "result.h"

typedef struct device_test {
    const wb_devbuf *base; /* the group's base inputs (never given to a launcher) */
    wb_devbuf in[3], out, work;
    wb_problem p;
    /* The group's reference and bounds, for judging outputs on the device.
     * Uploaded when a verdict needs them and scrubbed before any launcher
     * runs again, so no learner code ever runs beside them. ref_state: 0 not
     * there, 1 there, -1 no room this test (the host judges instead). */
    double *want, *bound;
    size_t ref_bytes;
    int ref_state;
} device_test;

/* What run_test needs from the run (set by main.c, or by a worker from
 * what the parent sent it). */
typedef struct wb_run_settings {
    double copy_ceiling_gbps, read_ceiling_gbps; /* 0: not measured */
    int runtime_guard;                           /* watch one checked call per test */
    int timing_checks;                           /* rotate, poison and check timed repetitions */
} wb_run_settings;

extern wb_run_settings wb_settings;

/* Record a failure in r: its category and message; returns -1. */
int wb_fail(wb_result *r, wb_category c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Derive the launch's inputs from the base (derivation.h), measure a
 * flipped input's sums into der (wb_measure_flipped), and poison the output
 * and workspace. */
int wb_test_prepare(const wb_test *test, device_test *d, wb_derivation *der);
/* With der->flips: der->flipped_sum and flipped_abs of `in`, the derived
 * input 0 now on the device (waits for the stream). Nothing without. */
int wb_measure_flipped(const wb_test *test, const void *in, wb_derivation *der,
                       cudaStream_t stream);
/* Launch once and wait for the whole device; the category of what went
 * wrong (UNSUPPORTED and NOT_IMPLEMENTED included, with r's message), or NONE.
 * With `seen`, the run-time guard watches the launcher's call (and only it)
 * and *seen gets what it found. */
typedef struct wb_guard_finding wb_guard_finding;
wb_category wb_test_launch(const wb_test *test, device_test *d, wb_result *r,
                           wb_guard_finding *seen);
/* Guards, unchanged inputs, then values against the base reference read
 * through the launch's derivation; 0 or -1 (r says why; a wrong value is
 * reported as wrong_as when that is not NONE). Called under the shared GPU
 * lock, which it lets go while an op's property check runs on the host. */
int wb_test_verify(const wb_test *test, const wb_host_data *h, device_test *d,
                   const wb_derivation *der, void *got, wb_category wrong_as, wb_result *r);

/* The verdict on an output of the test's launch now in device memory
 * (out: h->out_count elements), against the base reference read through der
 * (or, with der->flips, the reference measured from the launch's input),
 * with `poison` as what an unwritten element holds: judged on the device,
 * then, when an element is bad or the device has no room for the reference,
 * again on the host from a copy in got (h->out_bytes), which gives the
 * message. *copied says whether got now holds the output. 0, or -1 with
 * wb_cuda_error set. */
int wb_judge_output(const wb_test *test, const wb_host_data *h, device_test *d, const void *out,
                    const wb_derivation *der, uint32_t poison, void *got, int *copied,
                    wb_verdict *v);
/* Scrub and free the reference on the device (before a launcher runs). */
void wb_reference_drop(device_test *d);

/* The timing phase (timed_check.c). Prepare allocates what the loop needs
 * (under the shared GPU lock), run times the variant and the baseline
 * (under the exclusive lock), judge checks what the loop recorded (shared
 * again, after the fresh-input re-check); free is safe at any point. Each
 * returns 0, or -1 with r's verdict set. */
typedef struct wb_timed_state wb_timed_state;
wb_timed_state *wb_timed_prepare(const wb_test *test, const wb_host_data *h, device_test *d,
                                 wb_result *r);
int wb_timed_run(wb_timed_state *t, wb_result *r);
int wb_timed_judge(wb_timed_state *t, wb_result *r);
void wb_timed_free(wb_timed_state *t);

#endif
