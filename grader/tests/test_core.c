/* test_core.c: host-side checks of the grader's core, no GPU needed: the
 * comparison and its messages, guard zones, shape parsing, how a run's
 * tests are chosen, seeds, element-type conversions, week 0's references
 * and the timing statistics. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "derivation.h"
#include "dtype.h"
#include "rng.h"
#include "tap_suite.h"
#include "test_plan.h"
#include "timing.h"
#include "transpose.h"

/* ---- comparison ------------------------------------------------------- */

static float *floats(long n, double start)
{
    float *v = malloc((size_t)n * sizeof *v);
    for (long i = 0; i < n; i++)
        v[i] = (float)(start + 0.25 * (double)i);
    return v;
}

static double *as_doubles(const float *v, long n)
{
    double *d = malloc((size_t)n * sizeof *d);
    for (long i = 0; i < n; i++)
        d[i] = v[i];
    return d;
}

START_TEST(exact_output_passes)
{
    float *got = floats(100, -3.0);
    double *want = as_doubles(got, 100);
    wb_verdict v = wb_compare(WB_F32, got, want, NULL, 100);
    ck_assert_int_eq(v.category, WB_CAT_NONE);
    ck_assert_int_eq(v.first_bad, -1);
    ck_assert_int_eq(v.bad_count, 0);
    ck_assert(v.max_error == 0.0);
    free(got);
    free(want);
}
END_TEST

START_TEST(first_wrong_element_is_named)
{
    float *got = floats(100, 1.0);
    double *want = as_doubles(got, 100);
    got[9] += 1.0f;
    got[5] = -7.0f;
    wb_verdict v = wb_compare(WB_F32, got, want, NULL, 100);
    ck_assert_int_eq(v.category, WB_CAT_WRONG);
    ck_assert_int_eq(v.first_bad, 5);
    ck_assert_int_eq(v.bad_count, 2);
    ck_assert(v.want == want[5] && v.got == -7.0);
    ck_assert(fabs(v.max_error - (want[5] + 7.0)) < 1e-12);
    free(got);
    free(want);
}
END_TEST

START_TEST(poison_is_unwritten_and_a_computed_nan_is_nan)
{
    float *got = floats(16, 0.5);
    double *want = as_doubles(got, 16);
    memset(&got[3], WB_POISON_BYTE, sizeof got[3]);
    wb_verdict v = wb_compare(WB_F32, got, want, NULL, 16);
    ck_assert_int_eq(v.category, WB_CAT_UNWRITTEN);
    ck_assert_int_eq(v.first_bad, 3);
    got[3] = nanf(""); /* a NaN the kernel computed: a different bit pattern */
    v = wb_compare(WB_F32, got, want, NULL, 16);
    ck_assert_int_eq(v.category, WB_CAT_NAN);
    got[3] = INFINITY;
    v = wb_compare(WB_F32, got, want, NULL, 16);
    ck_assert_int_eq(v.category, WB_CAT_NAN);
    free(got);
    free(want);
}
END_TEST

START_TEST(sixteen_bit_poison_is_unwritten)
{
    uint16_t got[4] = {wb_float_to_half(1.0f), 0xFFFF, wb_float_to_half(2.0f), 0x7E00};
    double want[4] = {1.0, 1.5, 2.0, 3.0};
    wb_verdict v = wb_compare(WB_F16, got, want, NULL, 4);
    ck_assert_int_eq(v.category, WB_CAT_UNWRITTEN);
    ck_assert_int_eq(v.first_bad, 1);
    ck_assert_int_eq(v.bad_count, 2); /* the poison and the computed NaN */
}
END_TEST

START_TEST(a_bound_admits_what_it_says_and_no_more)
{
    float got[3] = {1.0f, 2.0f, 3.0f};
    double want[3] = {1.0 + 1e-3, 2.0 - 1e-3, 3.0};
    double bound[3] = {1.0001e-3, 0.9999e-3, 0.0};
    wb_verdict v = wb_compare(WB_F32, got, want, bound, 3);
    ck_assert_int_eq(v.category, WB_CAT_WRONG);
    ck_assert_int_eq(v.first_bad, 1);
    ck_assert_int_eq(v.bad_count, 1);
    bound[1] = 1.0001e-3;
    v = wb_compare(WB_F32, got, want, bound, 3);
    ck_assert_int_eq(v.category, WB_CAT_NONE);
    got[2] = nanf("");
    bound[2] = 1e30; /* no bound makes NaN pass */
    v = wb_compare(WB_F32, got, want, bound, 3);
    ck_assert_int_eq(v.category, WB_CAT_NAN);
}
END_TEST

START_TEST(chunked_compare_finds_the_earliest_bad_element)
{
    long n = 5L << 16; /* several chunks of the parallel pass */
    float *got = floats(n, 0.0);
    double *want = as_doubles(got, n);
    got[n - 3] = -1.0f;
    got[(2L << 16) + 17] = -2.0f;
    got[(1L << 16) + 1] = -3.0f;
    wb_verdict v = wb_compare(WB_F32, got, want, NULL, n);
    ck_assert_int_eq(v.first_bad, (1L << 16) + 1);
    ck_assert_int_eq(v.bad_count, 3);
    ck_assert(v.got == -3.0);
    free(got);
    free(want);
}
END_TEST

START_TEST(message_names_row_column_expected_and_got)
{
    wb_verdict v = {WB_CAT_UNWRITTEN, 10, 4, 0.5, NAN, 0.0};
    char msg[256];
    wb_verdict_message(&v, 7, 42, msg, sizeof msg);
    ck_assert_msg(strstr(msg, "y[1][3] (flat 10)") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "expected 0.5") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "never written") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "4 of 42 elements bad") != NULL, "%s", msg);
}
END_TEST

START_TEST(guard_zone_reports_the_first_changed_byte)
{
    unsigned char guard[64];
    memset(guard, WB_CANARY_BYTE, sizeof guard);
    ck_assert_int_eq(wb_guard_first_bad(guard, sizeof guard, WB_CANARY_BYTE), -1);
    guard[40] = 0;
    guard[12] = 1;
    ck_assert_int_eq(wb_guard_first_bad(guard, sizeof guard, WB_CANARY_BYTE), 12);
}
END_TEST

/* A timed call's output is compared with the checked run's reference read
 * through the call's derivation, and its own poison counts as unwritten. */
static long reversed(long i, int *negated, const void *ctx)
{
    *negated = 1;
    return *(const long *)ctx - 1 - i;
}

START_TEST(a_timed_call_is_checked_through_its_derivation)
{
    enum { N = 5 };
    double want[N] = {1, 2, 3, 4, 5};
    long n = N;
    wb_expected e = {want, NULL, reversed, &n, 0xFFC1FFC1u};
    float got[N] = {-5, -4, -3, -2, -1};
    ck_assert_int_eq(wb_compare_expected(WB_F32, got, &e, N).category, WB_CAT_NONE);
    got[3] = 2; /* the sign flip forgotten */
    wb_verdict v = wb_compare_expected(WB_F32, got, &e, N);
    ck_assert_int_eq(v.category, WB_CAT_WRONG);
    ck_assert_int_eq(v.first_bad, 3);
    ck_assert(v.want == -2.0);
    uint32_t poison = 0xFFC1FFC1u;
    memcpy(&got[3], &poison, 4);
    ck_assert_int_eq(wb_compare_expected(WB_F32, got, &e, N).category, WB_CAT_UNWRITTEN);
    /* another call's poison is a computed NaN here, not an unwritten element */
    e.poison = 0xFFC2FFC2u;
    ck_assert_int_eq(wb_compare_expected(WB_F32, got, &e, N).category, WB_CAT_NAN);
}
END_TEST

/* ---- shapes, jobs, seeds ------------------------------------------------ */

START_TEST(shapes_parse_and_nonsense_is_refused)
{
    wb_shape s;
    ck_assert_int_eq(wb_parse_shape("255x257", &s), 0);
    ck_assert(s.rows == 255 && s.cols == 257);
    ck_assert_int_eq(wb_parse_shape("3X7", &s), 0);
    ck_assert(s.rows == 3 && s.cols == 7);
    ck_assert_int_eq(wb_parse_shape("4,5", &s), 0);
    const char *bad[] = {"12by4", "0x5", "5x0", "5x", "x5", "5x5x", "-1x3", "", "8192"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(wb_parse_shape(bad[i], &s) != 0, "'%s' parsed", bad[i]);
}
END_TEST

static void same(long r, long c, long *orow, long *ocol)
{
    *orow = r;
    *ocol = c;
}

static const wb_shape copy_shapes[] = {{1, 1}, {15, 37}, {15, 37}};
static const wb_shape copy_bench[] = {{8192, 8192}};
static const wb_shape sum_shapes[] = {{3, 7}};
static int one_row(long rows, long cols)
{
    (void)cols;
    return rows == 1;
}
static const wb_input_kind sum_kinds[] = {{"exact", one_row}};
static const wb_op test_ops[] = {
    {
        .name = "copy",
        .inputs = {"x"},
        .output = "y",
        .out_shape = same,
        .baseline_name = "none",
        .shapes = copy_shapes,
        .n_shapes = 3,
        .bench_shapes = copy_bench,
        .n_bench_shapes = 1,
    },
    {
        .name = "row_sum",
        .inputs = {"x"},
        .output = "y",
        .out_shape = same,
        .baseline_name = "none",
        .shapes = sum_shapes,
        .n_shapes = 1,
        .extra_kinds = sum_kinds,
        .n_extra_kinds = 1,
    },
};
static const wb_week test_week = {
    .name = "week9", .lesson = "lessons/week9-test.nw", .ops = test_ops, .n_ops = 2};
static const wb_variant test_variants[] = {
    {"copy_fast", "copy", NULL, WB_ALL_DTYPES, 0, NULL, "a copy"},
    {"sum_f32", "row_sum", NULL, WB_DT(WB_F32), 0, NULL, "a sum"},
};

static int build(const wb_filter *f, wb_test **jobs, int *n, char *err)
{
    return wb_build_tests(&test_week, test_variants, 2, f, jobs, n, err, 512);
}

START_TEST(every_variant_dtype_and_shape_once)
{
    wb_filter f = {0};
    wb_test *jobs;
    int n;
    char err[512];
    ck_assert_int_eq(build(&f, &jobs, &n, err), 0);
    /* copy: 3 dtypes x 2 distinct shapes; sum: f32 x 1 shape */
    ck_assert_int_eq(n, 3 * 2 + 1);
    ck_assert_str_eq(jobs[0].name, "copy_fast/f32/1x1");
    ck_assert_str_eq(jobs[n - 1].name, "sum_f32/f32/3x7");
    ck_assert(!jobs[0].timed);
    free(jobs);
}
END_TEST

/* Two whole-array sums, one with flipped_reference (suite.h), one without */
static void to_one(long r, long c, long *orow, long *ocol)
{
    (void)r;
    (void)c;
    *orow = 1;
    *ocol = 1;
}
static void total_flipped(const wb_host_test *c, double sum, double sum_abs, double *want,
                          double *bound)
{
    (void)c;
    *want = sum;
    *bound = 1e-6 * sum_abs;
}
static const wb_shape total_shapes[] = {{1, 1000}};
static const wb_op total_ops[] = {
    {.name = "total",
     .inputs = {"x"},
     .output = "y",
     .out_shape = to_one,
     .flipped_reference = total_flipped,
     .baseline_name = "none",
     .shapes = total_shapes,
     .n_shapes = 1,
     .layout = WB_LAYOUT_ALL_REDUCE,
     .odd = 1},
    {.name = "plain_total",
     .inputs = {"x"},
     .output = "y",
     .out_shape = to_one,
     .baseline_name = "none",
     .shapes = total_shapes,
     .n_shapes = 1,
     .layout = WB_LAYOUT_ALL_REDUCE,
     .odd = 1},
};
static const wb_week total_week = {
    .name = "week9", .lesson = "lessons/week9-test.nw", .ops = total_ops, .n_ops = 2};
static const wb_variant total_variants[] = {
    {"total_a", "total", NULL, WB_DT(WB_F32), 0, NULL, "a sum"},
    {"total_b", "total", NULL, WB_DT(WB_F32), 0, NULL, "another"},
    {"plain_a", "plain_total", NULL, WB_DT(WB_F32), 0, NULL, "a sum"},
    {"plain_b", "plain_total", NULL, WB_DT(WB_F32), 0, NULL, "another"},
};

START_TEST(a_whole_array_sum_flips_signs_and_shares_its_draw)
{
    wb_filter f = {0};
    wb_test *t;
    int n;
    char err[512];
    ck_assert_int_eq(wb_build_tests(&total_week, total_variants, 4, &f, &t, &n, err, 512), 0);
    ck_assert_int_eq(n, 4);
    /* with flips every launch differs, so its variants share one draw ... */
    ck_assert_int_eq(t[0].group, t[1].group);
    ck_assert(t[0].base_seed == t[1].base_seed);
    /* ... without, each variant draws its own: its answer is every launch's */
    ck_assert_int_ne(t[2].group, t[3].group);
    ck_assert(t[2].base_seed != t[3].base_seed);
    wb_rng rng;
    wb_rng_seed(&rng, 1);
    wb_derivation a = wb_random_derivation(&t[0], &rng), b = wb_random_derivation(&t[0], &rng);
    ck_assert(a.flips != 0 && b.flips != 0 && a.flips != b.flips);
    ck_assert(wb_input_derivation(&a, 0).flips == a.flips);
    ck_assert(wb_input_derivation(&a, 1).flips == 0); /* input 0 only, as the sign */
    char how[200];
    wb_describe_derivation(&t[0], &a, how, sizeof how);
    ck_assert_msg(strstr(how, "signs flipped") != NULL, "%s", how);
    wb_derivation plain = wb_random_derivation(&t[2], &rng);
    ck_assert(plain.flips == 0);
    wb_describe_derivation(&t[2], &plain, how, sizeof how);
    ck_assert_msg(strstr(how, "signs flipped") == NULL, "%s", how);
    free(t);
}
END_TEST

START_TEST(filters_narrow_the_run)
{
    wb_filter f = {.variants = "copy_fast", .dtypes = "bf16,f16", .shapes = "9x9,2x3"};
    wb_test *jobs;
    int n;
    char err[512];
    ck_assert_int_eq(build(&f, &jobs, &n, err), 0);
    ck_assert_int_eq(n, 4);
    ck_assert_str_eq(jobs[0].name, "copy_fast/f16/9x9");
    ck_assert_str_eq(jobs[3].name, "copy_fast/bf16/2x3");
    free(jobs);
    wb_filter b = {.bench = 1, .variants = "copy_fast", .dtypes = "f32"};
    ck_assert_int_eq(build(&b, &jobs, &n, err), 0);
    ck_assert_int_eq(n, 1);
    ck_assert_str_eq(jobs[0].name, "copy_fast/f32/8192x8192");
    ck_assert(jobs[0].timed);
    free(jobs);
}
END_TEST

START_TEST(bad_filters_say_how_to_fix_them)
{
    wb_test *jobs = NULL;
    int n = 0;
    char err[512];
    wb_filter v = {.variants = "copy_fast,copy_slow"};
    ck_assert_int_eq(build(&v, &jobs, &n, err), -1);
    ck_assert_msg(strstr(err, "unknown variant 'copy_slow'; week9 has: copy_fast sum_f32"), "%s",
                  err);
    wb_filter d = {.dtypes = "f64"};
    ck_assert_int_eq(build(&d, &jobs, &n, err), -1);
    ck_assert_msg(strstr(err, "unknown dtype 'f64'"), "%s", err);
    wb_filter s = {.shapes = "3x3,huge"};
    ck_assert_int_eq(build(&s, &jobs, &n, err), -1);
    ck_assert_msg(strstr(err, "'huge' is not a shape"), "%s", err);
    static const wb_variant orphan[] = {{"mystery", "fft", NULL, WB_ALL_DTYPES, 0, NULL, ""}};
    wb_filter all = {0};
    ck_assert_int_eq(wb_build_tests(&test_week, orphan, 1, &all, &jobs, &n, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "op 'fft'") && strstr(err, "grader/week9.c"), "%s", err);
}
END_TEST

/* An input kind is graded as tests of its own, named after it, only on the
 * shapes it applies to. */
START_TEST(input_kinds_add_tests_where_they_apply)
{
    wb_filter f = {.variants = "sum_f32", .shapes = "3x7,1x4096"};
    wb_test *jobs;
    int n;
    char err[512];
    ck_assert_int_eq(build(&f, &jobs, &n, err), 0);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(jobs[0].name, "sum_f32/f32/3x7");
    ck_assert_str_eq(jobs[1].name, "sum_f32/f32/1x4096");
    ck_assert_str_eq(jobs[2].name, "sum_f32/f32/1x4096/exact");
    ck_assert_int_eq(jobs[2].kind, 1);
    ck_assert_int_eq(jobs[1].kind, 0);
    /* a test's inputs depend on its name, not on what else was selected */
    uint64_t seed = jobs[2].seed;
    ck_assert(seed != jobs[1].seed);
    free(jobs);
    wb_filter g = {.variants = "sum_f32", .shapes = "1x4096"};
    ck_assert_int_eq(build(&g, &jobs, &n, err), 0);
    ck_assert_int_eq(n, 2);
    ck_assert(jobs[1].seed == seed);
    free(jobs);
}
END_TEST

/* What the week requires: a dtype the variant leaves out is still graded
 * (and fails), and an unsupported shape fails unless past a stated limit. */
START_TEST(requirements_add_dtypes_and_demand_support)
{
    wb_requirements req = {.dtypes = WB_DT(WB_F32) | WB_DT(WB_F16), .all_shapes = 1, .n_limits = 1};
    snprintf(req.limits[0].variant, sizeof req.limits[0].variant, "copy_fast");
    req.limits[0].max_cols = 20;
    wb_filter f = {.require = &req, .shapes = "3x7,15x37"};
    wb_test *jobs;
    int n;
    char err[512];
    ck_assert_int_eq(build(&f, &jobs, &n, err), 0);
    /* copy_fast declares all three dtypes: 3 x 2; sum_f32 declares f32 but f16 is required: 2 x 2 */
    ck_assert_int_eq(n, 3 * 2 + 2 * 2);
    int undeclared = 0, must = 0, allowed = 0;
    for (int i = 0; i < n; i++) {
        undeclared += jobs[i].undeclared;
        if (!strcmp(jobs[i].variant->name, "copy_fast")) {
            must += jobs[i].must_support;
            allowed += !jobs[i].must_support;
            ck_assert_int_eq(jobs[i].must_support, jobs[i].cols <= 20);
        }
    }
    ck_assert_int_eq(undeclared, 2); /* sum_f32's f16 tests */
    ck_assert_int_eq(must, 3);
    ck_assert_int_eq(allowed, 3);
    free(jobs);
    wb_filter none = {.shapes = "3x7"};
    ck_assert_int_eq(build(&none, &jobs, &n, err), 0);
    for (int i = 0; i < n; i++)
        ck_assert(!jobs[i].undeclared && !jobs[i].must_support);
    free(jobs);
}
END_TEST

START_TEST(hidden_shapes_join_their_op_only)
{
    char path[] = "/tmp/wb-hidden-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "# secret shapes\n17x19\nrow_sum 5x1000003  # one op only\n\n");
    fclose(f);
    wb_filter h = {.hidden = path};
    wb_test *jobs;
    int n;
    char err[512];
    ck_assert_int_eq(build(&h, &jobs, &n, err), 0);
    ck_assert_int_eq(n, 3 * 3 + 3); /* copy: +17x19; sum: +17x19, +5x1000003 */
    int found = 0;
    for (int i = 0; i < n; i++)
        found += !strcmp(jobs[i].name, "sum_f32/f32/5x1000003") +
                 !strcmp(jobs[i].name, "copy_fast/bf16/17x19");
    ck_assert_int_eq(found, 2);
    free(jobs);
    f = fopen(path, "w");
    fprintf(f, "17x19\nrow_sum 5by5\n");
    fclose(f);
    ck_assert_int_eq(build(&h, &jobs, &n, err), -1);
    ck_assert_msg(strstr(err, ":2: '5by5' is not a shape"), "%s", err);
    unlink(path);
}
END_TEST

START_TEST(seeds_depend_on_the_run_and_the_test_only)
{
    uint64_t a = wb_test_seed(42, "copy/f32/1x1");
    ck_assert(a == wb_test_seed(42, "copy/f32/1x1"));
    ck_assert(a != wb_test_seed(43, "copy/f32/1x1"));
    ck_assert(a != wb_test_seed(42, "copy/f16/1x1"));
    ck_assert_int_ge(wb_test_timeout(8192, 8192, 0), 10 + 16);
    ck_assert_int_gt(wb_test_timeout(8192, 8192, 1), wb_test_timeout(8192, 8192, 0));
}
END_TEST

/* ---- element types ------------------------------------------------------ */

START_TEST(half_conversion_rounds_to_nearest_even)
{
    ck_assert_uint_eq(wb_float_to_half(1.0f), 0x3C00);
    ck_assert_uint_eq(wb_float_to_half(-2.0f), 0xC000);
    ck_assert_uint_eq(wb_float_to_half(65504.0f), 0x7BFF);
    ck_assert_uint_eq(wb_float_to_half(65520.0f), 0x7C00);   /* rounds up to infinity */
    ck_assert_uint_eq(wb_float_to_half(0x1.0p-24f), 0x0001); /* smallest subnormal */
    /* halfway between 1 and 1 + 2^-10 goes to the even one, 1 */
    ck_assert_uint_eq(wb_float_to_half(1.0f + 0x1.0p-11f), 0x3C00);
    /* halfway between 1 + 2^-10 and 1 + 2^-9 goes to the even one, 1 + 2^-9 */
    ck_assert_uint_eq(wb_float_to_half(1.0f + 3 * 0x1.0p-11f), 0x3C02);
    ck_assert(isnan(wb_half_to_float(wb_float_to_half(nanf("")))));
    for (uint32_t h = 0; h < 0x7C00; h++) /* every finite half survives the round trip */
        ck_assert_uint_eq(wb_float_to_half(wb_half_to_float((uint16_t)h)), h);
}
END_TEST

START_TEST(bfloat16_conversion_rounds_to_nearest_even)
{
    ck_assert_uint_eq(wb_float_to_bf16(1.0f), 0x3F80);
    ck_assert_uint_eq(wb_float_to_bf16(1.0f + 0x1.0p-8f), 0x3F80);     /* tie: even */
    ck_assert_uint_eq(wb_float_to_bf16(1.0f + 3 * 0x1.0p-8f), 0x3F82); /* tie: even */
    ck_assert_uint_eq(wb_float_to_bf16(1.0f + 0x1.8p-8f), 0x3F81);     /* above the tie */
    ck_assert(isnan(wb_bf16_to_float(wb_float_to_bf16(nanf("")))));
    unsigned char buf[2];
    double stored = wb_store(WB_BF16, buf, 0, 3.14159);
    ck_assert(stored == wb_load(WB_BF16, buf, 0));
    ck_assert(fabs(stored - 3.14159) <= 3.14159 * wb_dtype_eps(WB_BF16));
    wb_dtype d;
    ck_assert_int_eq(wb_dtype_parse("bfloat16", &d), 0);
    ck_assert_int_eq(d, WB_BF16);
    ck_assert_int_ne(wb_dtype_parse("f64", &d), 0);
}
END_TEST

START_TEST(storing_an_array_rounds_each_value_as_one_store_does)
{
    /* every kind of value: ties, subnormals of each type, overflow, both
     * infinities and NaN, among random ones of every magnitude */
    enum { N = 4096 };
    static double v[N], one[N];
    static unsigned char typed[N * 4], single[4];
    const double edge[] = {
        0.0,       -0.0,    1.0 + 0x1.0p-11, 1.0 + 0x1.0p-8, 0x1.0p-24, 0x1.0p-25,
        1e-8,      65504.0, 65520.0,         -1e39,          3.0e38,    INFINITY,
        -INFINITY, NAN,     0x1.0p-133,      1.0 / 3.0};
    wb_rng rng;
    wb_rng_seed(&rng, 7);
    for (int i = 0; i < N; i++)
        v[i] = i < (int)(sizeof edge / sizeof edge[0])
                   ? edge[i]
                   : (wb_rng_uniform(&rng) - 0.5) * exp2(80.0 * wb_rng_uniform(&rng) - 40.0);
    for (int d = 0; d < WB_DTYPE_COUNT; d++) {
        memcpy(one, v, sizeof v);
        wb_store_values((wb_dtype)d, typed, one, N);
        size_t size = wb_dtype_size((wb_dtype)d);
        for (int i = 0; i < N; i++) {
            double want = wb_store((wb_dtype)d, single, 0, v[i]);
            ck_assert_msg(memcmp(typed + (size_t)i * size, single, size) == 0,
                          "%s: %.17g stored differently", wb_dtype_name((wb_dtype)d), v[i]);
            ck_assert_msg((isnan(want) && isnan(one[i])) || want == one[i],
                          "%s: %.17g reads back as %.17g, not %.17g", wb_dtype_name((wb_dtype)d),
                          v[i], one[i], want);
        }
    }
}
END_TEST

START_TEST(normal_draws_are_standard_and_reproducible)
{
    enum { N = 1 << 20 };
    wb_rng a, b;
    wb_rng_seed(&a, 99);
    double sum = 0.0, squares = 0.0, beyond3 = 0.0, first = wb_rng_normal(&a);
    sum += first;
    squares += first * first;
    for (int i = 1; i < N; i++) {
        double z = wb_rng_normal(&a);
        sum += z;
        squares += z * z;
        beyond3 += fabs(z) > 3.0;
    }
    double mean = sum / N, var = squares / N - mean * mean;
    ck_assert_msg(fabs(mean) < 5.0 / sqrt(N), "mean %g", mean);
    ck_assert_msg(fabs(var - 1.0) < 0.01, "variance %g", var);
    /* P(|z| > 3) = 0.0027: the tails are there, and not too heavy */
    ck_assert_msg(fabs(beyond3 / N - 0.0027) < 0.0005, "%g beyond 3 sigma", beyond3 / N);
    /* seeding again forgets a pending second normal: the same stream again */
    wb_rng_normal(&a);
    wb_rng_seed(&a, 99);
    wb_rng_seed(&b, 99);
    ck_assert(wb_rng_normal(&a) == first);
    ck_assert(wb_rng_normal(&b) == first);
    ck_assert(wb_rng_normal(&a) == wb_rng_normal(&b));
}
END_TEST

/* ---- week 0 references and timing statistics ---------------------------- */

START_TEST(transpose_reference_of_a_wide_matrix)
{
    enum { R = 3, C = 70 }; /* wider than the reference's 64-column blocks */
    double x[R * C], y[C * R], back[R * C];
    for (int i = 0; i < R * C; i++)
        x[i] = i;
    ref_transpose(x, R, C, y);
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++)
            ck_assert(y[c * R + r] == x[r * C + c]);
    ref_transpose(y, C, R, back);
    ck_assert(memcmp(back, x, sizeof x) == 0);
    ref_copy(x, R, C, back);
    ck_assert(memcmp(back, x, sizeof x) == 0);
}
END_TEST

START_TEST(median_and_quantiles)
{
    double v[] = {5, 1, 4, 2, 3};
    ck_assert(wb_median(v, 5) == 3.0);
    double even[] = {4, 1, 3, 2};
    ck_assert(wb_median(even, 4) == 2.5);
    const double sorted[] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    ck_assert(fabs(wb_quantile_sorted(sorted, 11, 0.1) - 10.0) < 1e-12);
    ck_assert(fabs(wb_quantile_sorted(sorted, 11, 0.9) - 90.0) < 1e-12);
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("grader core");
    TCase *cmp = tcase_create("compare");
    tcase_add_test(cmp, exact_output_passes);
    tcase_add_test(cmp, first_wrong_element_is_named);
    tcase_add_test(cmp, poison_is_unwritten_and_a_computed_nan_is_nan);
    tcase_add_test(cmp, sixteen_bit_poison_is_unwritten);
    tcase_add_test(cmp, a_bound_admits_what_it_says_and_no_more);
    tcase_add_test(cmp, chunked_compare_finds_the_earliest_bad_element);
    tcase_add_test(cmp, message_names_row_column_expected_and_got);
    tcase_add_test(cmp, guard_zone_reports_the_first_changed_byte);
    tcase_add_test(cmp, a_timed_call_is_checked_through_its_derivation);
    suite_add_tcase(s, cmp);
    TCase *jobs = tcase_create("jobs");
    tcase_add_test(jobs, shapes_parse_and_nonsense_is_refused);
    tcase_add_test(jobs, every_variant_dtype_and_shape_once);
    tcase_add_test(jobs, filters_narrow_the_run);
    tcase_add_test(jobs, bad_filters_say_how_to_fix_them);
    tcase_add_test(jobs, hidden_shapes_join_their_op_only);
    tcase_add_test(jobs, input_kinds_add_tests_where_they_apply);
    tcase_add_test(jobs, requirements_add_dtypes_and_demand_support);
    tcase_add_test(jobs, seeds_depend_on_the_run_and_the_test_only);
    tcase_add_test(jobs, a_whole_array_sum_flips_signs_and_shares_its_draw);
    suite_add_tcase(s, jobs);
    TCase *types = tcase_create("dtypes");
    tcase_add_test(types, half_conversion_rounds_to_nearest_even);
    tcase_add_test(types, bfloat16_conversion_rounds_to_nearest_even);
    tcase_add_test(types, storing_an_array_rounds_each_value_as_one_store_does);
    tcase_add_test(types, normal_draws_are_standard_and_reproducible);
    suite_add_tcase(s, types);
    TCase *refs = tcase_create("references");
    tcase_add_test(refs, transpose_reference_of_a_wide_matrix);
    tcase_add_test(refs, median_and_quantiles);
    suite_add_tcase(s, refs);
    return s;
}

int main(void)
{
    return run_suite_as_tap(core_suite());
}
