#include "partial.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void wb_partial_view(const wb_result *in, int n, int finished, wb_result *out)
{
    for (int i = 0; i < n; i++) {
        out[i] = in[i];
        wb_result *r = &out[i];
        if (r->skipped)
            continue;
        if (i >= finished) {
            r->skipped = 1;
            r->passed = 0;
            snprintf(r->message, sizeof r->message, "not run: the run stopped before this test");
        } else if (!r->passed && r->category == WB_CAT_NONE) {
            r->category = WB_CAT_CRASH;
            snprintf(r->message, sizeof r->message,
                     "no verdict: the test process died or ran out of time");
        }
    }
}

int wb_partial_write(const char *path, const char *week, const wb_env *env, const wb_result *in,
                     int n, int finished)
{
    wb_result *view = malloc((size_t)(n > 0 ? n : 1) * sizeof *view);
    char tmp[1024];
    if (!view)
        return -1;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        free(view);
        errno = ENAMETOOLONG;
        return -1;
    }
    wb_partial_view(in, n, finished, view);
    FILE *f = fopen(tmp, "w");
    int rc = !f || wb_report_json(f, week, env, view, n, NULL) ? -1 : 0;
    if (f && fclose(f))
        rc = -1;
    if (rc == 0 && rename(tmp, path))
        rc = -1;
    if (rc)
        remove(tmp);
    free(view);
    return rc;
}
