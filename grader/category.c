/* category.c: the names a report gives the ways a test can fail.
 *
 * The key is what machines read (the JSON report, TAP, JUnit's failure type,
 * a mutant's `// expect:` line), so it never changes once published; the name
 * is what a person reads in the terminal table. */
#include "result.h"

typedef struct category_label {
    const char *key;
    const char *name;
} category_label;

/* Indexed by wb_category: the static assertion below keeps the table and the
 * enum the same length, so a new category cannot be added without its labels. */
static const category_label category_labels[] = {
    [WB_CAT_NONE] = {"none", "passed"},
    [WB_CAT_WRONG] = {"wrong", "wrong value"},
    [WB_CAT_NAN] = {"nan", "NaN or Inf"},
    [WB_CAT_UNWRITTEN] = {"unwritten", "output not written"},
    [WB_CAT_OUT_OF_BOUNDS] = {"out_of_bounds", "write out of bounds"},
    [WB_CAT_INPUT_MODIFIED] = {"input_modified", "input modified"},
    [WB_CAT_CUDA_ERROR] = {"cuda_error", "CUDA error"},
    [WB_CAT_TIMEOUT] = {"timeout", "timeout"},
    [WB_CAT_CRASH] = {"crash", "crash"},
    [WB_CAT_UNSUPPORTED] = {"unsupported", "shape not supported"},
    [WB_CAT_NOT_IMPLEMENTED] = {"not_implemented", "not implemented"},
    [WB_CAT_REPEAT_MISMATCH] = {"repeat_mismatch", "wrong on a repeated run"},
    [WB_CAT_PROPERTY] = {"property", "property violated"},
    [WB_CAT_FORBIDDEN] = {"forbidden", "forbidden symbol"},
    [WB_CAT_TIMED_MISMATCH] = {"timed_mismatch", "wrong when timed"},
    [WB_CAT_UNSYNCHRONISED] = {"unsynchronised_work", "work off p->stream"},
    [WB_CAT_FORBIDDEN_CALL] = {"forbidden_call", "forbidden call"},
    [WB_CAT_IMPLAUSIBLE] = {"implausible_speed", "faster than the ceiling"},
    [WB_CAT_READ_OOB] = {"read_out_of_bounds", "read out of bounds"},
    [WB_CAT_MISSING_SUPPORT] = {"missing_support", "required but unsupported"},
};

_Static_assert(sizeof category_labels / sizeof category_labels[0] == WB_CAT_COUNT,
               "every wb_category needs a key and a name");

static const category_label *category_label_of(wb_category c)
{
    /* A value outside the enum comes from a corrupted result slot (a child
     * that died mid-write): say so rather than index past the table. */
    static const category_label unknown = {"unknown", "unknown category"};
    if ((int)c < 0 || c >= WB_CAT_COUNT || !category_labels[c].key)
        return &unknown;
    return &category_labels[c];
}

const char *wb_category_name(wb_category c)
{
    return category_label_of(c)->name;
}

const char *wb_category_key(wb_category c)
{
    return category_label_of(c)->key;
}
