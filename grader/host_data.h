/* host_data.h: a test's inputs and reference on the host: the values drawn
 * for it (as doubles for the reference and as the dtype's bytes for the
 * device, equal value for value) and the reference output with its bounds. */
#ifndef WB_HOST_DATA_H
#define WB_HOST_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "test_plan.h"

typedef struct wb_host_data {
    double *value[3];
    void *typed[3];
    size_t count, bytes; /* per input */
    wb_host_test hc;     /* want and bound filled by the op's reference */
    size_t out_count, out_bytes;
    /* The op's property check (suite.h), run once on the reference: a
     * learner's output within its bounds of the reference everywhere has
     * the property up to the sum of those bounds, which is what the check
     * allows, so it need not read each output again. Empty, or why the
     * reference itself fails: a fault of ref/cpu, which fails the group's
     * tests with that message. */
    char reference_fault[320];
} wb_host_data;

/* What identifies a group's base data: tests with equal keys share it. */
typedef struct wb_group_key {
    int op_index, kind;
    wb_dtype dtype;
    long rows, cols;
    uint64_t seed;
} wb_group_key;

wb_group_key wb_group_key_of(const wb_test *test);
int wb_group_key_equal(const wb_group_key *a, const wb_group_key *b);

/* The base data of the test's group (inputs from test->base_seed), prepared
 * once and kept for the group's next test in this process: the engine hands
 * a group's tests to one worker in a row. NULL when host memory runs out.
 * Its buffers are reused by the next group's data (host_data.c says why). */
const wb_host_data *wb_host_for_group(const wb_test *test);

#endif
