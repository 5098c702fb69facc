/* derivation.h: how a test's device input is made from its group's base
 * input, and where each output element then comes from.
 *
 * Tests of one (op, dtype, shape, input kind) share one base input and its
 * reference, drawn once (host_data.h). Every launch a test makes gets its
 * own derivation of the base: rows permuted by r -> (a r + b) mod rows,
 * columns rotated, and for an odd op the sign of input 0 flipped, all at
 * random. So no two launches, of one variant or of two, see the same input,
 * and no variant can hand in another's output; the reference of any launch
 * is the base reference read through the derivation, with nothing recomputed.
 *
 * Except for an op with a flipped_reference (suite.h): a whole-array sum
 * is the same under every permutation, and a sign flip only negates it, so
 * a launch that remembered an earlier answer and read one element's sign
 * would pass. Its launches also flip the signs of about half of the
 * elements, a different half each time, so the answer depends on every
 * element; the reference of such a launch is measured from its input
 * (wb_measure_flipped, device_test.h). */
#ifndef WB_DERIVATION_H
#define WB_DERIVATION_H

#include <stddef.h>

#include "rng.h"
#include "test_plan.h"
#include "trusted_kernels.h"

/* A random derivation for this test's shape and op. */
wb_derivation wb_random_derivation(const wb_test *test, wb_rng *rng);

/* The derivation of input k of a launch: the sign flips in input 0 only
 * (an odd op is odd in its first input). */
wb_derivation wb_input_derivation(const wb_derivation *der, int k);

/* The derivation's mapping of outputs, for wb_expected.source. */
typedef struct wb_output_map {
    wb_layout layout;
    long rows, cols; /* of the input */
    wb_derivation der;
} wb_output_map;

wb_output_map wb_output_map_of(const wb_test *test, const wb_derivation *der);
/* Where output element i of a derived launch comes from in the base output,
 * and whether its sign flipped (ctx: a wb_output_map). */
long wb_derived_source(long i, int *negated, const void *ctx);

/* "input rows r <- (3 r + 1) mod 7, columns rotated by 2, sign flipped" */
void wb_describe_derivation(const wb_test *test, const wb_derivation *der, char *buf, size_t len);

#endif
