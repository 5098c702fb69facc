/* test_element_rules.c: the line walk of element_rules.h, which the
 * derivation and comparison kernels use in place of a division per element,
 * reaches the element wb_source_index names for every output element, in
 * every layout, whatever the stride a thread walks a line with. */
#include <check.h>

#include "element_rules.h"
#include "tap_suite.h"

/* Walk every line with threads that start at 0 .. stride - 1, as the
 * kernels do (walker_for in trusted_kernels.cu); count the elements reached
 * and check each one's source. */
static void walk_matches(wb_layout layout, long rows, long cols, long a, long b, long rotate,
                         long stride)
{
    long n = layout == WB_LAYOUT_ROW_REDUCE   ? rows
             : layout == WB_LAYOUT_ALL_REDUCE ? 1
                                              : rows * cols;
    wb_line_walk w = wb_walk_of(layout, rows, cols, n);
    ck_assert_int_eq(w.lines * w.len, n);
    long reached = 0;
    for (long line = 0; line < w.lines; line++) {
        long base = wb_walk_line_base(layout, rows, cols, a, b, rotate, line);
        for (long j0 = 0; j0 < stride; j0++) {
            long v = w.permuted_pos ? wb_permuted_row(j0, a, b, rows) : 0;
            long step = w.permuted_pos ? (a * stride) % rows : 0;
            for (long j = j0; j < w.len; j += stride) {
                long i = line * w.len + j;
                long want = wb_source_index(layout, rows, cols, a, b, rotate, i);
                long got = wb_walk_source(layout, base, j, v, rotate, cols);
                ck_assert_msg(got == want,
                              "layout %d, %ldx%ld, a=%ld b=%ld rotate=%ld, stride %ld: element "
                              "%ld walked to %ld, not %ld",
                              (int)layout, rows, cols, a, b, rotate, stride, i, got, want);
                if (w.permuted_pos)
                    v = wb_permuted_row_step(v, step, rows);
                reached++;
            }
        }
    }
    ck_assert_int_eq(reached, n);
}

START_TEST(the_walk_reaches_the_source_of_every_element)
{
    const long shapes[][2] = {{1, 1}, {1, 37}, {7, 1}, {5, 9}, {31, 33}, {64, 48}, {97, 13}};
    const long strides[] = {1, 2, 3, 7, 32, 1000};
    for (int layout = WB_LAYOUT_ELEMENTWISE; layout <= WB_LAYOUT_ALL_REDUCE; layout++)
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            long rows = shapes[s][0], cols = shapes[s][1];
            /* a coprime with rows, as the derivation draws it; b and rotate anywhere */
            for (long a = 1; a < rows || a == 1; a++) {
                long x = a, y = rows;
                while (y) {
                    long t = x % y;
                    x = y;
                    y = t;
                }
                if (x != 1)
                    continue;
                long b = (3 * a + 1) % rows, rotate = (5 * a + 2) % cols;
                for (size_t k = 0; k < sizeof strides / sizeof strides[0]; k++)
                    walk_matches((wb_layout)layout, rows, cols, a, b, rotate, strides[k]);
            }
        }
}
END_TEST

/* Fails if the walk is wrong: a permuted position stepped without its
 * wrap-around lands outside the rows (what the test above would catch). */
START_TEST(a_step_wraps_around_the_rows)
{
    ck_assert_int_eq(wb_permuted_row_step(5, 4, 7), 2);
    ck_assert_int_eq(wb_permuted_row_step(2, 4, 7), 6);
    ck_assert_int_eq(wb_permuted_row(3, 4, 6, 7), 4);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {the_walk_reaches_the_source_of_every_element,
                                  a_step_wraps_around_the_rows};
    return run_tests_as_tap("element_rules", 120, tests, 2, NULL);
}
