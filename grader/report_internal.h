/* report_internal.h: helpers the report writers share (not for other callers).
 *
 * Strings in a wb_result live in fixed arrays that a crashed test child may
 * have left without a terminating NUL, so every helper here reads at most the
 * array's size. */
#ifndef WB_REPORT_INTERNAL_H
#define WB_REPORT_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "result.h"
#include "score.h"

#define WBR_FIELD(s) (s), sizeof(s) /* a char array and its capacity */

/* Length of s, reading at most cap bytes. */
size_t wbr_len(const char *s, size_t cap);

/* Decode one UTF-8 character from s (len > 0 bytes left): returns the bytes
 * it used and sets *cp to the code point, or to -1 for a malformed sequence
 * (then 1 byte is used). */
size_t wbr_utf8_next(const unsigned char *s, size_t len, long *cp);

/* JSON values through jansson, the one JSON writer: a string of at most cap
 * bytes (malformed UTF-8 and NUL replaced by U+FFFD), a number (an integer
 * when it is one; null for NaN and infinities, which JSON has not). Each
 * returns a new reference. */
json_t *wbr_json_str(const char *s, size_t cap);
json_t *wbr_json_num(double v);
/* What --attach-profile loaded (report.h), NULL when nothing was. */
const json_t *wbr_attached_profile(void);
const char *wbr_attached_text(void);
/* Print v as one line of JSON (a YAML scalar in TAP) and drop the reference. */
int wbr_json_print(FILE *f, json_t *v);

/* XML character data (attr = 0) or an attribute value without its quotes
 * (attr = 1): markup characters escaped, characters XML 1.0 forbids (most
 * control characters, malformed UTF-8) replaced by U+FFFD. */
void wbr_xml_text(FILE *f, const char *s, size_t cap, int attr);

/* s on one line, into buf (TAP lines, table cells): line breaks and tabs
 * become spaces, other control characters '?'. */
void wbr_one_line(char *buf, size_t bufcap, const char *s, size_t cap);

const char *wbr_week(const char *week, const wb_env *env);
/* "copy/f32/1x1" */
void wbr_test_name(char *buf, size_t cap, const wb_result *r);
/* "8192x8192" */
void wbr_shape(char *buf, size_t cap, const wb_result *r);
/* A CUDA version number (13000) as "13.0". */
void wbr_cuda_version(char *buf, size_t cap, int v);
/* The driver as a person names it: nvidia-smi's version, else the CUDA driver API version. */
void wbr_driver(char *buf, size_t cap, const wb_env *env);

/* Derived timing figures; 0 when not measured. */
double wbr_pct_ceiling(const wb_env *env, const wb_result *r);
double wbr_vs_baseline(const wb_result *r);
int wbr_timed(const wb_result *r);

/* The name of the ref/gpu baseline an op is timed against, from the week
 * suite linked into the grader; NULL when none is linked (host tests). */
const char *wbr_baseline_name(const char *op, size_t cap);

typedef struct wbr_counts {
    int passed, failed, skipped;
} wbr_counts;
wbr_counts wbr_count(const wb_result *r, int n);

/* Seconds since env->date (the run's start, ISO 8601 UTC), or -1 when it
 * cannot be read. */
double wbr_elapsed_s(const wb_env *env);

/* "copy: correctness" or "copy: performance f32 8192x8192" */
void wbr_item_name(char *buf, size_t cap, const wb_score_item *it);

#endif /* WB_REPORT_INTERNAL_H */
