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

/* The tests of one case, run as TAP; or, when `skip_why` is not NULL, each
 * reported as a TAP skip for that reason without running. */
static inline int run_tests_as_tap(const char *name, int timeout_s, const TTest *const *tests,
                                   int n, const char *skip_why)
{
    if (skip_why) {
        printf("1..%d\n", n);
        for (int i = 0; i < n; i++)
            printf("ok %d - %s # SKIP %s\n", i + 1, tests[i]->name, skip_why);
        return EXIT_SUCCESS;
    }
    Suite *suite = suite_create(name);
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, timeout_s);
    for (int i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(suite, tc);
    return run_suite_as_tap(suite);
}

#endif
