/* partial.h: bench results written while the run is still going.
 *
 * `grade --bench --results-dir D` writes D/<gpu>/<week>.json when the run
 * ends. A run stopped before then (a CI time limit, Ctrl-C) would lose every
 * measurement it made, so after each test the parent also rewrites
 * D/<gpu>/<week>.partial.json: the tests so far, with the verdicts their
 * processes recorded, and the others marked not run. The complete file
 * replaces it at the end. */
#ifndef WB_PARTIAL_H
#define WB_PARTIAL_H

#include "result.h"

/* out[0..n) = in[0..n) as a report should show it when only the first
 * `finished` tests have run: a finished test without a verdict of its own
 * (its process died or ran out of time, and Check's verdict is not merged
 * yet) becomes a crash; an unfinished one is skipped, "not run". */
void wb_partial_view(const wb_result *in, int n, int finished, wb_result *out);

/* Writes that view as workbook-results/1 JSON to path, through path.tmp and a
 * rename, so that a run killed while writing leaves the previous file whole.
 * 0, or -1 with errno set. */
int wb_partial_write(const char *path, const char *week, const wb_env *env, const wb_result *in,
                     int n, int finished);

#endif
