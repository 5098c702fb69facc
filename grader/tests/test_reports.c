/* test_reports.c: the report writers (no GPU).
 *
 * gcc -std=c11 -Wall -Wextra -Igrader -Iref/cpu -I/usr/local/cuda/include \
 *     grader/tests/test_reports.c grader/report.c grader/report_json.c \
 *     grader/report_tap.c grader/report_junit.c grader/report_gradescope.c \
 *     grader/report_table.c grader/score.c grader/category.c \
 *     $(pkg-config --cflags --libs check)
 * (add ref/cpu/dtype.c once it exists; the weak stand-in below yields to it)
 *
 * JSON and XML are checked by small validators here, and also by jq and
 * xmllint when they are installed. */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname, mkdtemp, setenv */

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dtype.h"
#include "report.h"
#include "result.h"
#include "score.h"
#include "tap_suite.h"

/* Stand-in for ref/cpu/dtype.c, used only when that file is not linked. */
__attribute__((weak)) const char *wb_dtype_name(wb_dtype d)
{
    static const char *const names[] = {"f32", "f16", "bf16"};
    return (int)d >= 0 && d < WB_DTYPE_COUNT ? names[d] : "unknown";
}

/* A message with everything that breaks naive escaping: quotes, backslash,
 * markup, a newline, a tab, control characters, DEL, a malformed UTF-8 byte,
 * and a well-formed accented letter. */
static const char nasty[] = "element 5 \"x\" <y> & 'z' \\ path\nline two\ttab \x01\x1f\x7f "
                            "bad \xff byte caf\xc3\xa9";
/* what a reader must get back: the malformed byte replaced by U+FFFD */
static const char nasty_decoded[] = "element 5 \"x\" <y> & 'z' \\ path\nline two\ttab "
                                    "\x01\x1f\x7f bad \xef\xbf\xbd byte caf\xc3\xa9";

static wb_env make_env(void)
{
    wb_env e;
    memset(&e, 0, sizeof e);
    e.have_device = 1;
    snprintf(e.device_name, sizeof e.device_name, "NVIDIA H200");
    e.cc_major = 9;
    e.cc_minor = 0;
    e.sm_count = 132;
    e.l2_bytes = 62914560;
    e.driver_version = 13000;
    e.runtime_version = 13000;
    snprintf(e.driver_string, sizeof e.driver_string, "580.159.04");
    e.copy_ceiling_gbps = 4000.0;
    e.seed = 18446744073709551557ull; /* past 2^53: must survive as a string */
    snprintf(e.commit, sizeof e.commit, "abc1234");
    /* the run started now, so Gradescope's execution_time is small and known */
    time_t now = time(NULL);
    strftime(e.date, sizeof e.date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    snprintf(e.week, sizeof e.week, "week0");
    return e;
}

static wb_result make_result(const char *variant, const char *op, wb_dtype d, long rows, long cols)
{
    wb_result r;
    memset(&r, 0, sizeof r);
    snprintf(r.variant, sizeof r.variant, "%s", variant);
    snprintf(r.op, sizeof r.op, "%s", op);
    r.dtype = d;
    r.rows = rows;
    r.cols = cols;
    r.ran = 1;
    r.passed = 1;
    return r;
}

/* four results: a timed pass, a failure with the nasty message, a skip, a NaN failure */
#define N_FIXTURE 4
static void make_results(wb_result *r)
{
    r[0] = make_result("copy", "copy", WB_F32, 8192, 8192);
    r[0].ms = 0.25;
    r[0].gbps = 2000.0; /* 50% of the 4000 GB/s ceiling */
    r[0].baseline_ms = 0.125;
    r[0].reps = 50;
    r[0].bytes = 2.0 * 8192 * 8192 * 4;
    r[0].wall_s = 1.5; /* the test, not the kernel: JUnit's time */
    r[1] = make_result("transpose_naive", "transpose", WB_F16, 33, 65);
    r[1].passed = 0;
    r[1].category = WB_CAT_WRONG;
    snprintf(r[1].message, sizeof r[1].message, "%s", nasty);
    r[2] = make_result("transpose_best", "transpose", WB_BF16, 1, 1);
    r[2].passed = 0;
    r[2].skipped = 1;
    snprintf(r[2].message, sizeof r[2].message, "filtered out");
    r[3] = make_result("transpose_best", "transpose", WB_F32, 7, 3);
    r[3].passed = 0;
    r[3].category = WB_CAT_NAN;
    r[3].max_error = NAN;
    snprintf(r[3].message, sizeof r[3].message, "element 0: expected 1, got nan");
}

static wb_score make_score(const wb_result *r, int n)
{
    wb_score_config cfg;
    char err[256];
    int rc = wb_score_parse("t.score",
                            "correctness copy 10\ncorrectness transpose_naive 5\n"
                            "performance copy copy f32 8192x8192 4\n",
                            &cfg, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    return wb_score_compute(&cfg, r, n);
}

/* ---- capturing a writer's output ---- */

typedef int (*writer)(FILE *, const char *, const wb_env *, const wb_result *, int,
                      const wb_score *);

static char *slurp(FILE *f, size_t *len_out)
{
    fflush(f);
    long len = ftell(f);
    ck_assert_int_ge(len, 0);
    char *buf = malloc((size_t)len + 1);
    rewind(f);
    size_t got = fread(buf, 1, (size_t)len, f);
    ck_assert_int_eq((long)got, len);
    buf[len] = '\0';
    if (len_out)
        *len_out = (size_t)len;
    return buf;
}

static char *capture(writer w, const wb_env *env, const wb_result *r, int n, const wb_score *s)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(w(f, "week0", env, r, n, s), 0);
    char *text = slurp(f, NULL);
    fclose(f);
    return text;
}

static char *save_tmp(const char *text, const char *suffix)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/test_reports_%ld%s", (long)getpid(), suffix);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int have_tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* ---- a strict little JSON validator (RFC 8259) ---- */

/* The report parses as JSON: with jansson, the grader's one JSON library,
 * and with jq where it is installed. */
static void assert_json_valid(const char *text)
{
    json_error_t e;
    json_t *doc = json_loads(text, 0, &e);
    ck_assert_msg(doc != NULL, "not JSON: line %d: %s", e.line, e.text);
    json_decref(doc);
    if (have_tool("jq")) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "jq -e . %s >/dev/null", save_tmp(text, ".json"));
        ck_assert_msg(system(cmd) == 0, "jq rejects the JSON");
    }
}

/* Run jq -e FILTER on text; returns its exit status (0: true). */
static int jq_true(const char *text, const char *filter)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "jq -e '%s' %s >/dev/null", filter, save_tmp(text, ".json"));
    return system(cmd);
}

/* ---- a little XML well-formedness checker ---- */

static void assert_xml_well_formed(const char *text)
{
    const char *stack[32];
    size_t stack_len[32];
    int depth = 0, roots = 0;
    const char *p = text;
    if (strncmp(p, "<?xml", 5) == 0) {
        p = strstr(p, "?>");
        ck_assert_ptr_nonnull(p);
        p += 2;
    }
    while (*p) {
        unsigned char c = (unsigned char)*p;
        ck_assert_msg(c >= 0x20 || c == '\n' || c == '\t' || c == '\r',
                      "control character 0x%02x at offset %ld", c, (long)(p - text));
        if (c == '&') {
            const char *end = strchr(p, ';');
            ck_assert_msg(end && end - p < 10, "bad entity at offset %ld", (long)(p - text));
            int ok = strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
                     strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0 ||
                     strncmp(p, "&apos;", 6) == 0 || p[1] == '#';
            ck_assert_msg(ok, "unknown entity %.8s", p);
            p = end + 1;
            continue;
        }
        if (c == '>' && depth == 0 && roots == 0)
            ck_abort_msg("stray '>' outside markup");
        if (c != '<') {
            ck_assert_msg(depth > 0 || isspace(c), "text outside the root element");
            p++;
            continue;
        }
        /* a tag */
        int closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t nlen = strcspn(name, " \t\n/>");
        ck_assert_msg(nlen > 0, "empty tag name at offset %ld", (long)(p - text));
        const char *q = name + nlen;
        /* attributes: name="value" with no '<' in the value */
        while (*q && *q != '>' && !(*q == '/' && q[1] == '>')) {
            if (isspace((unsigned char)*q)) {
                q++;
                continue;
            }
            ck_assert_msg(!closing, "attributes on a closing tag");
            size_t alen = strcspn(q, "= \t\n/>");
            ck_assert_msg(alen > 0 && q[alen] == '=' && q[alen + 1] == '"',
                          "attribute without a quoted value at offset %ld", (long)(q - text));
            const char *v = q + alen + 2;
            const char *end = strchr(v, '"');
            ck_assert_ptr_nonnull(end);
            for (const char *k = v; k < end; k++)
                ck_assert_msg(*k != '<', "'<' in an attribute value");
            q = end + 1;
        }
        ck_assert_msg(*q, "unterminated tag");
        int empty = *q == '/';
        if (closing) {
            ck_assert_msg(depth > 0, "closing tag without an opening one");
            depth--;
            ck_assert_msg(stack_len[depth] == nlen && strncmp(stack[depth], name, nlen) == 0,
                          "</%.*s> closes <%.*s>", (int)nlen, name, (int)stack_len[depth],
                          stack[depth]);
        } else if (!empty) {
            if (depth == 0)
                roots++;
            ck_assert_int_lt(depth, 32);
            stack[depth] = name;
            stack_len[depth] = nlen;
            depth++;
        } else if (depth == 0) {
            roots++;
        }
        p = q + (empty ? 2 : 1);
    }
    ck_assert_msg(depth == 0, "%d elements left open", depth);
    ck_assert_int_eq(roots, 1);
    if (have_tool("xmllint")) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "xmllint --noout %s", save_tmp(text, ".xml"));
        ck_assert_msg(system(cmd) == 0, "xmllint rejects the XML");
    }
}

static int count_substr(const char *s, const char *sub)
{
    int n = 0;
    for (const char *p = strstr(s, sub); p; p = strstr(p + 1, sub))
        n++;
    return n;
}

/* ---- JSON ---- */

START_TEST(test_json_valid_and_escaped)
{
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    wb_score s = make_score(r, N_FIXTURE);
    char *text = capture(wb_report_json, &env, r, N_FIXTURE, &s);
    assert_json_valid(text);
    ck_assert_ptr_nonnull(strstr(text, "\"schema\": \"workbook-results/1\""));
    ck_assert_ptr_nonnull(strstr(text, "\\\"x\\\""));
    /* control characters escaped; DEL needs no escape in JSON */
    ck_assert_ptr_nonnull(strstr(text, " \\\\ path\\nline two\\ttab \\u0001\\u001F\x7f"));
    ck_assert_ptr_nonnull(strstr(text, "bad \xef\xbf\xbd byte caf\xc3\xa9")); /* U+FFFD */
    ck_assert_ptr_nonnull(strstr(text, "\"max_error\": null"));               /* NaN is not JSON */
    ck_assert_ptr_nonnull(strstr(text, "\"seed_string\": \"18446744073709551557\""));
    ck_assert_ptr_null(strstr(text, "nan,"));
    if (have_tool("jq")) {
        ck_assert_int_eq(jq_true(text, ".env.gpu == \"NVIDIA H200\" and .env.cc == \"9.0\" and "
                                       ".env.sms == 132 and .env.driver == \"580.159.04\" and "
                                       ".env.cuda_runtime == \"13.0\" and .week == \"week0\""),
                         0);
        ck_assert_int_eq(jq_true(text, ".results | length == 4"), 0);
        ck_assert_int_eq(jq_true(text, ".results[0] | .passed and .category == \"none\" and "
                                       ".ms == 0.25 and .gbps == 2000 and .pct_ceiling == 50 "
                                       "and .vs_baseline == 0.5 and .baseline_ms == 0.125 and "
                                       ".points == 4 * 1.2 * 0.5 and .max_points == 4"),
                         0);
        ck_assert_int_eq(jq_true(text, ".results[1] | (.passed | not) and .category == "
                                       "\"wrong\" and .ms == null and .dtype == \"f16\""),
                         0);
        ck_assert_int_eq(jq_true(text, ".results[2].skipped and .summary == {\"tests\": 4, "
                                       "\"passed\": 1, \"failed\": 2, \"skipped\": 1}"),
                         0);
        ck_assert_int_eq(jq_true(text, ".score.max == 19 and .score.rule.full_at == 1.2 and "
                                       "(.score.items | length) == 3"),
                         0);
        /* the message round-trips exactly, bar the malformed byte */
        char cmd[256], *path = save_tmp(text, ".json");
        snprintf(cmd, sizeof cmd, "jq -j '.results[1].message' %s > %s.msg", path, path);
        ck_assert_int_eq(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "%s.msg", path);
        FILE *f = fopen(cmd, "rb");
        ck_assert_ptr_nonnull(f);
        fseek(f, 0, SEEK_END);
        size_t len;
        char *msg = slurp(f, &len);
        fclose(f);
        unlink(cmd);
        ck_assert_uint_eq(len, strlen(nasty_decoded));
        ck_assert_mem_eq(msg, nasty_decoded, len);
        free(msg);
    }
    free(text);
}
END_TEST

START_TEST(test_json_without_score_or_results)
{
    wb_env env = make_env();
    env.have_device = 0;
    snprintf(env.no_device_reason, sizeof env.no_device_reason, "no CUDA device: \"driver\"");
    char *text = capture(wb_report_json, &env, NULL, 0, NULL);
    assert_json_valid(text);
    ck_assert_ptr_null(strstr(text, "\"score\""));
    ck_assert_ptr_nonnull(strstr(text, "\"results\": []"));
    ck_assert_ptr_nonnull(strstr(text, "\"have_device\": false"));
    free(text);
}
END_TEST

START_TEST(test_json_unterminated_fields)
{
    /* a child that died mid-write can leave a field without its NUL */
    wb_env env = make_env();
    wb_result r = make_result("copy", "copy", WB_F32, 1, 1);
    memset(r.variant, 'v', sizeof r.variant);
    memset(r.message, 'm', sizeof r.message);
    r.passed = 0;
    r.category = (wb_category)99; /* and a category outside the enum */
    char *text = capture(wb_report_json, &env, &r, 1, NULL);
    assert_json_valid(text);
    ck_assert_ptr_nonnull(strstr(text, "\"category\": \"unknown\""));
    char *m = strstr(text, "\"message\": \"");
    ck_assert_ptr_nonnull(m);
    m += strlen("\"message\": \"");
    ck_assert_uint_eq(strspn(m, "m"), WB_MSG_LEN);
    free(text);
    /* every writer copes with the same slot */
    writer all[] = {wb_report_tap, wb_report_junit, wb_report_gradescope, wb_report_table};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        free(capture(all[k], &env, &r, 1, NULL));
}
END_TEST

/* ---- TAP ---- */

START_TEST(test_tap_plan_and_lines)
{
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    char *text = capture(wb_report_tap, &env, r, N_FIXTURE, NULL);
    ck_assert_msg(strncmp(text, "TAP version 13\n1..4\n", 20) == 0, "header: %.30s", text);
    ck_assert_ptr_nonnull(strstr(text, "\nok 1 - copy/f32/8192x8192\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "\nnot ok 2 - transpose_naive/f16/33x65 # wrong: element 5"));
    ck_assert_ptr_nonnull(strstr(text, "\nok 3 - transpose_best/bf16/1x1 # SKIP filtered out\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nnot ok 4 - transpose_best/f32/7x3 # nan: element 0"));
    /* test lines: 2 ok, 2 not ok, numbered 1..4 in order */
    int oks = 0, not_oks = 0, next = 1;
    for (const char *line = text; line && *line; line = strchr(line, '\n') + 1) {
        int num;
        if (sscanf(line, "ok %d", &num) == 1) {
            oks++;
            ck_assert_int_eq(num, next++);
        } else if (sscanf(line, "not ok %d", &num) == 1) {
            not_oks++;
            ck_assert_int_eq(num, next++);
        }
        if (!strchr(line, '\n'))
            break;
    }
    ck_assert_int_eq(oks, 2);
    ck_assert_int_eq(not_oks, 2);
    /* the failure's whole message sits in a YAML block */
    ck_assert_ptr_nonnull(
        strstr(text, "  ---\n  category: wrong\n  message: \"element 5 \\\"x\\\""));
    ck_assert_int_eq(count_substr(text, "\n  ...\n"), 2);
    ck_assert_ptr_nonnull(strstr(text, "# passed 1, failed 2, skipped 1\n"));
    free(text);
}
END_TEST

START_TEST(test_tap_empty_plan)
{
    wb_env env = make_env();
    env.have_device = 0;
    snprintf(env.no_device_reason, sizeof env.no_device_reason, "no CUDA device found");
    char *text = capture(wb_report_tap, &env, NULL, 0, NULL);
    ck_assert_str_eq(text, "TAP version 13\n1..0 # SKIP no CUDA device found\n");
    free(text);
}
END_TEST

/* ---- JUnit ---- */

START_TEST(test_junit_well_formed)
{
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    wb_score s = make_score(r, N_FIXTURE);
    char *text = capture(wb_report_junit, &env, r, N_FIXTURE, &s);
    assert_xml_well_formed(text);
    ck_assert_ptr_nonnull(
        strstr(text, "<testsuites name=\"week0\" tests=\"4\" failures=\"2\" errors=\"0\" "
                     "skipped=\"1\""));
    ck_assert_int_eq(count_substr(text, "<testcase "), 4);
    ck_assert_int_eq(count_substr(text, "<failure "), 2);
    ck_assert_int_eq(count_substr(text, "<skipped "), 1);
    ck_assert_ptr_nonnull(strstr(
        text, "<testcase classname=\"week0.copy\" name=\"f32/8192x8192\" time=\"1.500000\"/>"));
    ck_assert_ptr_nonnull(strstr(text, "classname=\"week0.transpose_naive\" name=\"f16/33x65\""));
    ck_assert_ptr_nonnull(strstr(text, "type=\"wrong\""));
    ck_assert_ptr_nonnull(strstr(text, "&quot;x&quot; &lt;y&gt; &amp; &apos;z&apos;"));
    ck_assert_ptr_nonnull(strstr(text, "path&#10;line two&#9;tab")); /* in the attribute */
    ck_assert_ptr_nonnull(strstr(text, "&#xFFFD;&#xFFFD;&#x7F; bad &#xFFFD; byte"));
    ck_assert_ptr_nonnull(strstr(text, "<property name=\"gpu\" value=\"NVIDIA H200\"/>"));
    ck_assert_ptr_nonnull(strstr(text, "<system-out>score "));
    if (have_tool("xmllint")) {
        char cmd[512];
        snprintf(cmd, sizeof cmd,
                 "test \"$(xmllint --xpath 'string(//testcase[@name=\"f16/33x65\"]/failure/"
                 "@type)' %s)\" = wrong",
                 save_tmp(text, ".xml"));
        ck_assert_int_eq(system(cmd), 0);
    }
    free(text);
}
END_TEST

/* ---- Gradescope ---- */

START_TEST(test_gradescope_scored)
{
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    wb_score s = make_score(r, N_FIXTURE);
    char *text = capture(wb_report_gradescope, &env, r, N_FIXTURE, &s);
    assert_json_valid(text);
    ck_assert_ptr_nonnull(strstr(text, "\"score\": 12.4"));
    ck_assert_ptr_nonnull(strstr(text, "\"execution_time\": "));
    ck_assert_ptr_nonnull(strstr(text, "\"name\": \"copy: correctness\""));
    ck_assert_ptr_nonnull(strstr(text, "\"name\": \"transpose_best: correctness (not scored)\""));
    ck_assert_int_eq(count_substr(text, "\"visibility\": \"visible\""), 1 + 4);
    if (have_tool("jq")) {
        ck_assert_int_eq(jq_true(text, "(.score - 12.4 | fabs) < 1e-9 and .extra_data.max_score "
                                       "== 19 and (.output | test(\"NVIDIA H200\"))"),
                         0);
        ck_assert_int_eq(jq_true(text, ".tests | length == 4"), 0);
        ck_assert_int_eq(jq_true(text, ".execution_time >= 0 and .execution_time < 60"), 0);
        ck_assert_int_eq(jq_true(text, "all(.tests[]; has(\"name\") and has(\"status\") and "
                                       "has(\"score\") and has(\"max_score\") and "
                                       "has(\"output\") and .visibility == \"visible\" and "
                                       "(.status == \"passed\" or .status == \"failed\"))"),
                         0);
        ck_assert_int_eq(jq_true(text, ".tests[0] | .status == \"passed\" and .score == 10 and "
                                       ".max_score == 10"),
                         0);
        ck_assert_int_eq(jq_true(text, ".tests[1] | .status == \"failed\" and .score == 0 and "
                                       ".max_score == 5 and (.output | test(\"f16 33x65: wrong "
                                       "value: element 5\"))"),
                         0);
        ck_assert_int_eq(jq_true(text, ".tests[2] | .status == \"failed\" and "
                                       "(.score - 2.4 | fabs) < 1e-9 and .max_score == 4 and "
                                       "(.output | test(\"2.00x the reference\"))"),
                         0);
    }
    free(text);
}
END_TEST

START_TEST(test_gradescope_unscored)
{
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    char *text = capture(wb_report_gradescope, &env, r, N_FIXTURE, NULL);
    assert_json_valid(text);
    if (have_tool("jq")) {
        ck_assert_int_eq(jq_true(text, ".score == 1 and (.tests | length) == 4 and "
                                       ".tests[0].name == \"copy/f32/8192x8192\" and "
                                       ".tests[0].status == \"passed\" and "
                                       ".tests[2].status == \"failed\""),
                         0);
    }
    free(text);
}
END_TEST

/* ---- the terminal table ---- */

START_TEST(test_table_columns_and_figures)
{
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    wb_score s = make_score(r, N_FIXTURE);
    char *text = capture(wb_report_table, &env, r, N_FIXTURE, &s);
    ck_assert_ptr_null(strchr(text, '\033')); /* a file is no terminal */
    ck_assert_ptr_nonnull(strstr(text, "week0 on NVIDIA H200 (cc 9.0, 132 SMs)"));
    ck_assert_ptr_nonnull(strstr(text, "driver 580.159.04, CUDA 13.0, seed 18446744073709551557, "
                                       "copy ceiling 4000.0 GB/s"));
    const char *head = strstr(text, "variant");
    ck_assert_ptr_nonnull(head);
    const char *cols[] = {"op", "dtype", "shape",     "verdict",
                          "ms", "GB/s",  "% ceiling", "x baseline"};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        ck_assert_msg(strstr(head, cols[k]), "no column %s", cols[k]);
    /* padded to the widest variant name, figures right-aligned */
    ck_assert_ptr_nonnull(strstr(text, "\ncopy             copy       f32    8192x8192  PASS  "));
    ck_assert_ptr_nonnull(strstr(text, "0.250"));
    ck_assert_ptr_nonnull(strstr(text, " 2000 "));
    ck_assert_ptr_nonnull(strstr(text, " 50% "));
    ck_assert_ptr_nonnull(strstr(text, " 0.50x\n"));
    ck_assert_ptr_nonnull(strstr(text, "FAIL wrong"));
    ck_assert_ptr_nonnull(strstr(text, "SKIP"));
    /* failures below with their whole message, continuation lines indented */
    ck_assert_ptr_nonnull(strstr(text, "2 failed:\n  transpose_naive/f16/33x65: wrong value\n"
                                       "    element 5 \"x\""));
    ck_assert_ptr_nonnull(strstr(text, "\\ path\n    line two\ttab \\x01\\x1f\\x7f bad"));
    ck_assert_ptr_null(strchr(text, '\x01')); /* no control characters reach a terminal */
    ck_assert_ptr_nonnull(strstr(text, "score 12.40 / 19.00"));
    ck_assert_ptr_nonnull(strstr(text, "4 tests: 1 passed, 2 failed, 1 skipped\n"));
    /* every table row has the same width up to the last column */
    const char *row1 = strstr(text, "\ncopy ");
    const char *row2 = strstr(text, "\ntranspose_naive ");
    ck_assert_int_eq((int)(strstr(row1, "f32") - row1), (int)(strstr(row2, "f16") - row2));
    free(text);
}
END_TEST

START_TEST(test_table_colour_forced)
{
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    FILE *f = tmpfile();
    ck_assert_int_eq(wb_report_table_colour(f, 1, "week0", &env, r, N_FIXTURE, NULL), 0);
    char *text = slurp(f, NULL);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "\033[32mPASS\033[0m"));
    ck_assert_ptr_nonnull(strstr(text, "\033[31mFAIL wrong\033[0m"));
    ck_assert_ptr_nonnull(strstr(text, "\033[33mSKIP\033[0m"));
    /* colour codes do not count towards the padding */
    ck_assert_ptr_nonnull(strstr(text, "\033[32mPASS\033[0m        "));
    free(text);
}
END_TEST

/* A pseudo-terminal: the table colours it unless NO_COLOR is set. */
START_TEST(test_table_colour_on_tty_only)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        if (master >= 0)
            close(master);
        return; /* no pseudo-terminals here: the forced test covers the codes */
    }
    FILE *tty = fopen(ptsname(master), "w");
    ck_assert_ptr_nonnull(tty);
    unsetenv("NO_COLOR");
    ck_assert_int_eq(wb_report_use_colour(tty), 1);
    setenv("NO_COLOR", "1", 1);
    ck_assert_int_eq(wb_report_use_colour(tty), 0);
    setenv("NO_COLOR", "", 1); /* no-color.org: an empty value does not count */
    ck_assert_int_eq(wb_report_use_colour(tty), 1);
    unsetenv("NO_COLOR");
    fclose(tty);
    close(master);

    FILE *plain = tmpfile();
    ck_assert_int_eq(wb_report_use_colour(plain), 0);
    fclose(plain);
}
END_TEST

/* ---- all reports at once ---- */

static int dir_has_tmp_files(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int found = 0;
    for (struct dirent *e; (e = readdir(d));)
        found |= strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return found;
}

/* One writer per report: the profile section a profile tool wrote is
 * embedded by the grader's own writers, and a broken one is refused with
 * its file and line. (Last in its case: the section stays attached.) */
START_TEST(test_attach_profile)
{
    char err[256];
    char *bad = strdup(save_tmp("{\"profile\": [1, 2,}\n", ".json"));
    ck_assert_int_eq(wb_report_attach_profile(bad, err, sizeof err), -1);
    ck_assert_msg(strstr(err, bad) && strstr(err, ":1:"), "%s", err);
    ck_assert_int_eq(wb_report_attach_profile("/nonexistent/profile.json", err, sizeof err), -1);
    char *none = strdup(save_tmp("{\"text\": \"no profile\"}", ".json"));
    ck_assert_int_eq(wb_report_attach_profile(none, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "expected"), "%s", err);
    char *good = strdup(save_tmp("{\"schema\": \"workbook-profile-section/1\", \"profile\": "
                                 "{\"copy\": {\"registers\": 32}}, \"text\": \"profile: copy "
                                 "uses 32 registers\\n\"}",
                                 ".json"));
    ck_assert_int_eq(wb_report_attach_profile(good, err, sizeof err), 0);
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    char *json = capture(wb_report_json, &env, r, N_FIXTURE, NULL);
    assert_json_valid(json);
    if (have_tool("jq"))
        ck_assert_int_eq(jq_true(json, ".profile.copy.registers == 32"), 0);
    char *table = capture(wb_report_table, &env, r, N_FIXTURE, NULL);
    ck_assert_ptr_nonnull(strstr(table, "profile: copy uses 32 registers"));
    char *gs = capture(wb_report_gradescope, &env, r, N_FIXTURE, NULL);
    json_t *doc = json_loads(gs, 0, NULL);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(doc, "output")), "profile: copy uses 32"));
    json_decref(doc);
    free(json);
    free(table);
    free(gs);
    unlink(bad);
    unlink(none);
    unlink(good);
    free(bad);
    free(none);
    free(good);
}
END_TEST

START_TEST(test_write_all)
{
    wb_env env = make_env();
    wb_result r[N_FIXTURE];
    make_results(r);
    wb_score s = make_score(r, N_FIXTURE);
    char base[] = "/tmp/test_reports_dir_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(base));
    char dir[128];
    snprintf(dir, sizeof dir, "%s/reports/nested", base); /* created on the way */
    ck_assert_int_eq(wb_report_write_all(dir, "week0", &env, r, N_FIXTURE, &s), 0);
    const char *names[] = {"week0.json", "week0.tap", "week0.junit.xml", "results.json"};
    for (size_t k = 0; k < 4; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        struct stat st;
        ck_assert_msg(stat(path, &st) == 0 && st.st_size > 0, "%s missing or empty", path);
        FILE *f = fopen(path, "r");
        fseek(f, 0, SEEK_END);
        char *text = slurp(f, NULL);
        fclose(f);
        if (strstr(names[k], ".json"))
            assert_json_valid(text);
        else if (strstr(names[k], ".xml"))
            assert_xml_well_formed(text);
        else
            ck_assert_ptr_nonnull(strstr(text, "TAP version 13"));
        free(text);
        unlink(path);
    }
    ck_assert_int_eq(dir_has_tmp_files(dir), 0);
    /* week NULL: the env's week names the files */
    ck_assert_int_eq(wb_report_write_all(dir, NULL, &env, r, N_FIXTURE, NULL), 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "test -s %s/week0.json && rm -r %s", dir, base);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_write_all_reports_failure)
{
    wb_env env = make_env();
    /* a directory that cannot be made: below a regular file */
    char file[] = "/tmp/test_reports_file_XXXXXX";
    int fd = mkstemp(file);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/reports", file);
    ck_assert_int_eq(wb_report_write_all(dir, "week0", &env, NULL, 0, NULL), -1);
    unlink(file);
}
END_TEST

static Suite *reports_suite(void)
{
    Suite *s = suite_create("reports");
    TCase *json = tcase_create("json");
    tcase_add_test(json, test_json_valid_and_escaped);
    tcase_add_test(json, test_json_without_score_or_results);
    tcase_add_test(json, test_json_unterminated_fields);
    suite_add_tcase(s, json);
    TCase *tap = tcase_create("tap");
    tcase_add_test(tap, test_tap_plan_and_lines);
    tcase_add_test(tap, test_tap_empty_plan);
    suite_add_tcase(s, tap);
    TCase *junit = tcase_create("junit");
    tcase_add_test(junit, test_junit_well_formed);
    suite_add_tcase(s, junit);
    TCase *gradescope = tcase_create("gradescope");
    tcase_add_test(gradescope, test_gradescope_scored);
    tcase_add_test(gradescope, test_gradescope_unscored);
    suite_add_tcase(s, gradescope);
    TCase *table = tcase_create("table");
    tcase_add_test(table, test_table_columns_and_figures);
    tcase_add_test(table, test_table_colour_forced);
    tcase_add_test(table, test_table_colour_on_tty_only);
    suite_add_tcase(s, table);
    TCase *files = tcase_create("files");
    tcase_add_test(files, test_write_all);
    tcase_add_test(files, test_write_all_reports_failure);
    tcase_add_test(files, test_attach_profile);
    suite_add_tcase(s, files);
    return s;
}

int main(void)
{
    return run_suite_as_tap(reports_suite());
}
