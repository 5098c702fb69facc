/* tap_suite.h: runs a Check suite with TAP on stdout, the form in which
 * make test counts every test program (prove, ci/tap-tally.pl). */
#ifndef TAP_SUITE_H
#define TAP_SUITE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static inline int run_suite_as_tap(Suite *suite)
{
    /* Check forks a child per test: what stdout holds would be written twice */
    fflush(stdout);
    SRunner *runner = srunner_create(suite);
    srunner_set_tap(runner, "-");
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
