/* report.h: one run's results, written for people and for machines.
 *
 * Every writer takes the run (wb_env), its results, and the score when the
 * week has a score file (NULL otherwise), and returns 0, or -1 when writing
 * to the stream failed. The formats are documented in grader/REPORTS.md:
 *
 *   JSON        the workbook-results/1 schema of ci/CONVENTIONS.md, plus points
 *   TAP         version 13, one line per test, YAML diagnostics for failures
 *   JUnit XML   testsuites/testsuite/testcase, for CI test tabs
 *   Gradescope  results.json for a Gradescope autograder
 *   table       the terminal table a person reads
 *
 * `week` names the week ("week0"); NULL or "" means env->week.
 */
#ifndef WB_REPORT_H
#define WB_REPORT_H

#include <stdio.h>

#include "result.h"
#include "score.h"

int wb_report_json(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                   const wb_score *score);
int wb_report_tap(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                  const wb_score *score);
int wb_report_junit(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                    const wb_score *score);
int wb_report_gradescope(FILE *f, const char *week, const wb_env *env, const wb_result *results,
                         int n, const wb_score *score);

/* The terminal table, coloured when f is a terminal and NO_COLOR is unset or
 * empty (https://no-color.org). */
int wb_report_table(FILE *f, const char *week, const wb_env *env, const wb_result *results, int n,
                    const wb_score *score);
/* The same with colour forced on (1) or off (0). */
int wb_report_table_colour(FILE *f, int colour, const char *week, const wb_env *env,
                           const wb_result *results, int n, const wb_score *score);
/* Whether wb_report_table would colour f. */
int wb_report_use_colour(FILE *f);

/* The profile section a profile tool wrote (grader/profile/, --attach-profile):
 * {"schema": "workbook-profile-section/1", "profile": VALUE, "text": "..."}.
 * Every report written afterwards carries it: the JSON report under
 * "profile", the terminal table and Gradescope's output the text. 0, or -1
 * with "FILE:LINE: why" in err. */
int wb_report_attach_profile(const char *path, char *err, size_t len);

/* Write DIR/WEEK.json, DIR/WEEK.tap, DIR/WEEK.junit.xml and DIR/results.json
 * (Gradescope), creating DIR if needed. Each file is written to a temporary
 * name in DIR and renamed into place, so a reader never sees half a report.
 * Every file is attempted even when one fails. Returns 0, or -1 after printing
 * "grader: cannot write PATH: reason" to stderr for each failure. */
int wb_report_write_all(const char *dir, const char *week, const wb_env *env,
                        const wb_result *results, int n, const wb_score *score);

#endif /* WB_REPORT_H */
