#!/usr/bin/env bash
# make-class.sh: a class of test submissions for the roster, each the student
# edition with week 0's lesson solved (this checkout's lesson) and one small
# edit, or left as handed out.
#
#   ci/roster/make-class.sh [--edition DIR] [--extra N] CLASS
#
# --edition DIR   a student edition to start from (default: build one into
#                 CLASS/edition with ci/student-edition.sh)
# --extra N       N more copies of full-marks (full-marks-2, ...): a class
#                 with more graded work, to time several GPUs against one
# Writes, replacing what was there:
#   CLASS/submissions/ID or ID.tar.gz   ten submissions, folders and tarballs
#   CLASS/roster.csv                    the same class as "student,path"
#   CLASS/secret/hidden.txt             hidden shapes, which two submissions try to read
#   CLASS/expected.tsv                  what each must get (ci/roster/check-class.sh reads it):
#       student, verdict without a GPU, verdict on a GPU, the correctness points
#       it loses against full-marks on a GPU ("all" for none earned), and an
#       extended regular expression its reason must match (empty: any)
#
# The escapes name absolute paths of CLASS, so grade the class where it was
# made (or at the same path). Every edit must apply exactly once to the
# lesson; when the lesson changes so that one does not, this script stops
# and names it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
edition='' extra=0
while [ $# -gt 1 ]; do
    case $1 in
    --edition) edition=${2:?--edition needs a folder}; shift 2 ;;
    --extra) extra=${2:?--extra needs a number}; shift 2 ;;
    *) break ;;
    esac
done
[[ $extra =~ ^[0-9]+$ ]] || { echo "make-class: --extra $extra: not a number" >&2; exit 2; }
class=${1:?usage: ci/roster/make-class.sh [--edition DIR] [--extra N] CLASS}
mkdir -p "$class"
class=$(cd "$class" && pwd -P)
if [ -z "$edition" ]; then
    "$repo/ci/student-edition.sh" build "$class/edition/student" >"$class/edition.log" 2>&1 || {
        tail -n 20 "$class/edition.log" >&2
        exit 1
    }
    edition=$class/edition/student
fi
[ -d "$edition/lessons" ] || { echo "make-class: $edition is no student edition (no lessons/)" >&2; exit 2; }
edition=$(cd "$edition" && pwd -P)

lesson_name=$(basename "$(ls "$repo"/lessons/week0-*.nw)")
solved=$repo/lessons/$lesson_name
subs=$class/submissions
hidden=$class/secret/hidden.txt
rm -rf "$subs" "$class/secret" "$class/roster.csv" "$class/expected.tsv" "$class/work"
mkdir -p "$subs" "$class/secret" "$class/work"
cat >"$hidden" <<'EOF'
# hidden shapes of the test class: one prime-sized square, one long row
257x263
copy 3x65537
EOF
other=$subs/full-marks/lessons/$lesson_name

# edit FILE OLD NEW: replace the one occurrence of OLD (a literal) with NEW
edit() {
    local file=$1 old=$2 new=$3 text rest count
    text=$(<"$file")
    rest=${text//"$old"/}
    count=$(((${#text} - ${#rest}) / ${#old}))
    if [ "$count" != 1 ]; then
        echo "make-class: ${file##*/}: the text to edit occurs $count times, not once:" >&2
        printf '    %s\n' "$old" >&2
        exit 1
    fi
    printf '%s\n' "${text/"$old"/"$new"}" >"$file"
}

# submission ID FORM LESSON: the edition with week 0's lesson replaced by
# LESSON (a file), as a folder (FORM dir) or a tarball (FORM tar)
submission() {
    local id=$1 form=$2 lesson=$3 dir=$class/work/$1/student
    rm -rf "$class/work/$id"
    mkdir -p "$class/work/$id"
    cp -r "$edition" "$dir"
    rm -rf "$dir/book/out" # the book is no part of a submission; keeps the class small
    cp "$lesson" "$dir/lessons/$lesson_name"
    if [ "$form" = dir ]; then
        mv "$dir" "$subs/$id"
    else
        tar -C "$class/work/$id" -czf "$subs/$id.tar.gz" student
    fi
    rm -rf "$class/work/$id"
    printf '%s,submissions/%s\n' "$id" "$([ "$form" = dir ] && echo "$id" || echo "$id.tar.gz")" >>"$class/roster.csv"
}

# expect ID NO_GPU GPU LOST REASON: one line of expected.tsv
expect() {
    printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$class/expected.tsv"
}

launch_copy_start='    size_t bytes = (size_t)p->rows * (size_t)p->cols * element_size(p->dtype);
    size_t n_vec = bytes / sizeof(uint4);'
after_includes='#include "week0.h"
'
work=$class/work/lessons
mkdir -p "$work"
printf 'student\tno_gpu\tgpu\tcorrectness_lost\treason\n' >"$class/expected.tsv"

# 1. every exercise solved: the full marks
submission full-marks dir "$solved"
expect full-marks no_device passed 0 ''

# 2. the copy's last byte of a tail is never written: shapes with a tail fail
cp "$solved" "$work/partly-wrong.nw"
edit "$work/partly-wrong.nw" 'if (blockIdx.x == 0 && threadIdx.x < tail_bytes) {' \
    'if (blockIdx.x == 0 && threadIdx.x + 1 < tail_bytes) { /* misses the last byte */'
submission partly-wrong tar "$work/partly-wrong.nw"
# (a missing byte of a float is a poison byte in its value: nan, or wrong)
expect partly-wrong no_device failed 10 '^copy: (unwritten|wrong|nan)'

# 3. the edition as handed out, with a semicolon missing
cp "$edition/lessons/$lesson_name" "$work/not-building.nw"
edit "$work/not-building.nw" '    size_t n_vec = bytes / sizeof(uint4);' '    size_t n_vec = bytes / sizeof(uint4)'
submission not-building dir "$work/not-building.nw"
expect not-building not_building not_building all "${lesson_name}[:(][0-9]+.*error"

# 4. the naive transpose's launcher writes through a null pointer on 1x1
cp "$solved" "$work/crashing.nw"
edit "$work/crashing.nw" 'int launch_transpose_naive(const wb_problem *p)
{' 'int launch_transpose_naive(const wb_problem *p)
{
    if (p->rows == 1 && p->cols == 1)
        *(volatile int *)nullptr = 1; /* crashes the process */'
submission crashing tar "$work/crashing.nw"
expect crashing no_device failed 5 'transpose_naive: crash'

# 5. the copy kernel never finishes on one float32 element (1x1)
cp "$solved" "$work/hanging.nw"
edit "$work/hanging.nw" '    size_t base = (size_t)blockIdx.x * COPY_THREADS * COPY_UNROLL + threadIdx.x;' \
    '    if (n_vec == 0 && tail_bytes == 4)
        for (;;)
            __nanosleep(1000); /* hangs */
    size_t base = (size_t)blockIdx.x * COPY_THREADS * COPY_UNROLL + threadIdx.x;'
submission hanging dir "$work/hanging.nw"
expect hanging no_device failed 10 'copy: timeout'

# 6. the copy's launcher calls the trusted reference
cp "$solved" "$work/calls-reference.nw"
edit "$work/calls-reference.nw" "$after_includes" "$after_includes"'extern "C" void ref_transpose(const double *x, long rows, long cols, double *y);
'
edit "$work/calls-reference.nw" "$launch_copy_start" "    if (p->rows < 0)
        ref_transpose(nullptr, 0, 0, nullptr); /* the grader's answer */
$launch_copy_start"
submission calls-reference tar "$work/calls-reference.nw"
expect calls-reference forbidden forbidden all 'references ref_transpose'

# 7. the copy's launcher reads another student's folder
cp "$solved" "$work/reads-other-student.nw"
edit "$work/reads-other-student.nw" "$after_includes" "$after_includes"'#include <cstdio>
#include <dirent.h>
'
edit "$work/reads-other-student.nw" "$launch_copy_start" "    if (DIR *d = opendir(\"../full-marks\"))
        closedir(d);
    if (FILE *f = fopen(\"$other\", \"r\"))
        fclose(f);
$launch_copy_start"
submission reads-other-student dir "$work/reads-other-student.nw"
expect reads-other-student forbidden forbidden all 'references (fopen|opendir)'

# 8. the copy's launcher reads the hidden shapes
cp "$solved" "$work/reads-hidden.nw"
edit "$work/reads-hidden.nw" "$after_includes" "$after_includes"'#include <fcntl.h>
#include <unistd.h>
'
edit "$work/reads-hidden.nw" "$launch_copy_start" "    int fd = open(\"$hidden\", O_RDONLY);
    if (fd >= 0)
        close(fd);
$launch_copy_start"
submission reads-hidden tar "$work/reads-hidden.nw"
# (open, or __open_2 where glibc's fortified headers rewrite it)
expect reads-hidden forbidden forbidden all 'references (__)?open'

# 9. the same two reads as raw system calls, which no symbol shows: the
#    sandbox must make them fail (the launcher then does its work, and says
#    on stderr what it got; had a read succeeded, it would launch nothing)
cp "$solved" "$work/escape-raw-syscall.nw"
edit "$work/escape-raw-syscall.nw" "$after_includes" "$after_includes"'#include <cstdio>

/* openat(AT_FDCWD, path, O_RDONLY) without libc: invisible to nm */
static long raw_open(const char *path)
{
    long ret;
    asm volatile("syscall" : "=a"(ret) : "a"(257L), "D"(-100L), "S"(path), "d"(0L) : "rcx", "r11", "memory");
    return ret;
}
'
edit "$work/escape-raw-syscall.nw" "$launch_copy_start" "    static int escaped = -1; /* tried once per process, so timings stay the copy's */
    if (escaped < 0) {
        static const char *targets[] = {\"$hidden\", \"$other\", \"../full-marks/lessons/$lesson_name\"};
        escaped = 0;
        for (const char *t : targets) {
            long got = raw_open(t);
            fprintf(stderr, \"escape: openat(%s) = %ld\\n\", t, got);
            escaped |= got >= 0;
        }
    }
    if (escaped)
        return WB_OK; /* read a file: launch nothing, and fail */
$launch_copy_start"
submission escape-raw-syscall dir "$work/escape-raw-syscall.nw"
expect escape-raw-syscall no_device passed 0 ''

# 10. the hidden shapes included at compile time: outside a sandbox the
#     compiler's error would print them
cp "$solved" "$work/includes-hidden.nw"
edit "$work/includes-hidden.nw" "$after_includes" "$after_includes#include \"$hidden\"
"
submission includes-hidden tar "$work/includes-hidden.nw"
expect includes-hidden not_building not_building all 'hidden\.txt: No such file'

for ((k = 2; k <= extra + 1; k++)); do
    submission "full-marks-$k" dir "$solved"
    expect "full-marks-$k" no_device passed 0 ''
done

rm -rf "$class/work"
echo "class: $(find "$subs" -mindepth 1 -maxdepth 1 | wc -l) submissions in $subs, roster $class/roster.csv, hidden shapes $hidden"
