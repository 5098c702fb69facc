#!/usr/bin/env bash
# student-edition.sh: the workbook as a learner receives it, without solutions.
#
#   ci/student-edition.sh stub LESSON.nw [OUT.nw]   the lesson with every solution region
#                                                   replaced by its TODO and stub (stdout)
#   ci/student-edition.sh secrets LESSON.nw         the solution lines a learner must not
#                                                   see, one "LESSON:LINE<TAB>text" a line
#   ci/student-edition.sh regions LESSON.nw         where the regions are (for the book):
#                                                   BEGIN-LINE END-LINE STUB-LINES
#                                                   STUDENT-LINE WHAT, tab-separated, where
#                                                   STUDENT-LINE is the TODO's line in the
#                                                   stubbed lesson
#   ci/student-edition.sh leaks DIR [TARBALL]       search DIR (text of HTML pages too) and
#                                                   the tarball for every secret of the
#                                                   lessons of this checkout; exit 1 naming
#                                                   each file that holds one
#   ci/student-edition.sh build [DEST]              DEST (default dist/student) and
#                                                   DEST.tar.gz: the project's files (git
#                                                   ls-files, no history, no mutants) with
#                                                   lessons stubbed, tangled/ regenerated,
#                                                   the book built from them and the
#                                                   learner's README (book/STUDENT-README.md)
#                                                   as README.md
#
# A solution region (see ci/CONVENTIONS.md) is
#
#       // SOLUTION BEGIN: what the learner writes
#       //: stub line
#       ... solution ...
#       // SOLUTION END
#
# inside one code chunk. The edition writes `// TODO: what the learner writes`
# and the stub lines without their `//: ` prefix, at the indentation of the
# markers. A region with no solution lines is a guard: its stub (typically
# `return WB_NOT_IMPLEMENTED;`) exists only in the student edition.
#
# Malformed regions stop everything with LESSON:LINE: what is wrong; every
# lesson is checked before the exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$here")

die() { echo "student-edition: $*" >&2; exit 2; }
CLEANUP=()
trap 'rm -rf "${CLEANUP[@]}"' EXIT
usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" >&2; exit 2; }

# awk program: mode "stub" writes the stubbed lesson, mode "secrets" writes the
# solution lines, mode "regions" where each region is; all check the regions
# and print LESSON:LINE errors.
REGION_AWK='
function err(line, msg) { printf "%s:%d: %s\n", FILENAME, line, msg > "/dev/stderr"; bad = 1 }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }
function close_open(where) {
    if (open) err(open, "unterminated SOLUTION BEGIN (" where " before its SOLUTION END)")
    open = 0
}
BEGIN { open = 0; incode = 0; bad = 0 }
{
    line = $0
    # chunk boundaries: <<name>>= starts code, @ (alone or with text) ends it
    if (line ~ /^<<.*>>=[ \t]*$/) {
        close_open("a new code chunk starts at line " FNR)
        incode = 1; out(line); next
    }
    if (line ~ /^@([ \t]|$)/) {
        close_open("its code chunk ends at line " FNR)
        incode = 0; out(line); next
    }
    if (line ~ /^[ \t]*\/\/[ \t]*SOLUTION[ \t]+BEGIN([^A-Za-z0-9_]|$)/) {
        if (!incode) { err(FNR, "SOLUTION BEGIN outside a code chunk"); out(line); next }
        if (open) { err(FNR, "SOLUTION BEGIN inside the region opened at line " open); next }
        if (line !~ /^[ \t]*\/\/[ \t]*SOLUTION[ \t]+BEGIN:[ \t]*[^ \t]/) {
            err(FNR, "SOLUTION BEGIN needs a description: // SOLUTION BEGIN: what to write"); next
        }
        indent = line; sub(/[^ \t].*$/, "", indent)
        what = line; sub(/^[^:]*:[ \t]*/, "", what); what = trim(what)
        open = FNR; instub = 1; nsol = 0; nstub = 0; todo = nout + 1
        out(indent "// TODO: " what)
        next
    }
    if (line ~ /^[ \t]*\/\/[ \t]*SOLUTION[ \t]+END([^A-Za-z0-9_]|$)/) {
        if (!open) { err(FNR, "SOLUTION END without SOLUTION BEGIN"); next }
        if (trim(line) !~ /^\/\/[ \t]*SOLUTION[ \t]+END$/) err(FNR, "text after SOLUTION END")
        if (mode == "regions") printf "%d\t%d\t%d\t%d\t%s\n", open, FNR, nstub, todo, what
        open = 0; next
    }
    if (line ~ /^[ \t]*\/\/[ \t]*SOLUTION([^A-Za-z0-9_]|$)/) {
        err(FNR, "unrecognised SOLUTION marker (write // SOLUTION BEGIN: what, or // SOLUTION END)")
        next
    }
    if (line ~ /^[ \t]*\/\/:/) {
        if (!open || !instub) { err(FNR, "stub line //: not directly after a SOLUTION BEGIN"); next }
        stub = line; sub(/^[ \t]*\/\/:/, "", stub); sub(/^ /, "", stub); nstub++
        out(stub == "" ? "" : indent stub)
        next
    }
    if (open) {
        instub = 0
        if (mode == "secrets") {
            t = trim(line)
            if (t != "") printf "%s:%d\t%s\n", FILENAME, FNR, t
        }
        next
    }
    out(line)
}
END {
    if (open) err(open, "unterminated SOLUTION BEGIN (the lesson ends before its SOLUTION END)")
    exit bad
}
function out(s) { nout++; if (mode == "stub") print s }
'

region_awk() { # region_awk MODE LESSON
    [ -r "$2" ] || die "$2: cannot read the lesson"
    awk -v mode="$1" "$REGION_AWK" "$2"
}

# secrets LESSON: the solution lines worth searching for. A line that the
# stubbed lesson still holds (given code, prose) is no secret, nor is a short
# or purely syntactic one (braces, #pragma unroll, "return v;").
secrets() {
    local lesson=$1 tmp
    tmp=$(mktemp -d)
    region_awk secrets "$lesson" >"$tmp/secrets"
    region_awk stub "$lesson" | sed -e 's/^[ \t]*//' -e 's/[ \t\r]*$//' >"$tmp/stubbed"
    awk -F'\t' -v stubbed="$tmp/stubbed" '
        BEGIN { while ((getline l < stubbed) > 0) given[l] = 1 }
        {
            t = $2
            if (t in given) next
            if (t ~ /^#pragma/) next
            s = t; gsub(/[ \t]/, "", s)
            if (length(s) < 16) next
            if (s !~ /[A-Za-z0-9_]/) next
            print
        }' "$tmp/secrets"
    rm -rf "$tmp"
}

# leaks DIR [TARBALL]: every file of DIR (and of the unpacked tarball) that
# holds a secret of this checkout's lessons. HTML is searched as its text
# (tags removed, entities decoded), since highlighted code is split by tags.
leaks() {
    local dir=$1 tarball=${2:-} tmp found=0 f l
    [ -d "$dir" ] || die "$dir: no such directory"
    tmp=$(mktemp -d)
    CLEANUP+=("$tmp")
    for l in "$REPO"/lessons/*.nw; do
        (cd "$REPO" && secrets "lessons/$(basename "$l")")
    done >"$tmp/secrets.tsv"
    cut -f2- "$tmp/secrets.tsv" | sort -u >"$tmp/patterns"
    if [ ! -s "$tmp/patterns" ]; then
        echo "leaks: no solution lines in the lessons of $REPO: nothing to search for"
        return 0
    fi
    mkdir -p "$tmp/tree"
    cp -a "$dir" "$tmp/tree/edition"
    if [ -n "$tarball" ]; then
        mkdir -p "$tmp/tree/tarball"
        tar -xzf "$tarball" -C "$tmp/tree/tarball" || { echo "leaks: cannot unpack $tarball"; return 1; }
    fi
    # HTML and SVG pages as the reader sees them
    while IFS= read -r -d '' f; do
        sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' \
            -e "s/&#39;/'/g" -e 's/&amp;/\&/g' "$f" >"$f.text"
    done < <(find "$tmp/tree" -type f \( -name '*.html' -o -name '*.svg' \) -print0)
    # compressed or archived members of the edition (a nested tarball) are unpacked too
    while IFS= read -r -d '' f; do
        mkdir -p "$f.unpacked" && tar -xzf "$f" -C "$f.unpacked" 2>/dev/null || true
    done < <(find "$tmp/tree" -type f -name '*.tar.gz' -print0)
    while IFS= read -r f; do
        rel=${f#"$tmp/tree/"}
        rel=${rel%.text}
        case $rel in edition/*) rel="$dir/${rel#edition/}" ;; tarball/*) rel="$tarball:${rel#tarball/}" ;; esac
        grep -hoFf "$tmp/patterns" "$f" | sort -u | head -n 3 | while IFS= read -r pat; do
            src=$(awk -F'\t' -v p="$pat" '$2 == p { print $1; exit }' "$tmp/secrets.tsv")
            printf 'leak: %s holds solution text of %s: %s\n' "$rel" "${src:-a lesson}" "$pat"
        done
        found=1
    done < <(grep -rlFf "$tmp/patterns" "$tmp/tree" || true)
    if [ "$found" -ne 0 ]; then
        return 1
    fi
    echo "leaks: none ($(wc -l <"$tmp/patterns") solution lines searched for in $dir${tarball:+ and $tarball})"
}

# build [DEST]: the edition
build() {
    local dest=${1:-dist/student} l w failed=0
    cd "$REPO"
    git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "not a git checkout: the edition is built from git ls-files"
    # every lesson must be well formed before anything is written
    for l in lessons/*.nw; do
        region_awk stub "$l" >/dev/null || failed=1
    done
    [ "$failed" -eq 0 ] || { echo "student-edition: malformed solution regions (see above)" >&2; exit 1; }

    rm -rf "$dest" "$dest.tar.gz"
    mkdir -p "$dest"
    # tracked files and new ones not ignored, as they are in the work tree;
    # never .git, never the mutants (each is a whole solved lesson)
    git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            [ -f "$f" ] || continue # deleted in the work tree
            case $f in grader/mutants/* | grader/valid/*) continue ;; esac
            printf '%s\0' "$f"
        done | xargs -0 -r cp --parents -t "$dest"
    for l in lessons/*.nw; do
        region_awk stub "$l" >"$dest/$l"
    done
    # the learner's README, not the instructor's
    cp book/STUDENT-README.md "$dest/README.md"
    # tangled/ from the stubbed lessons, #line naming lessons/... as in the repository
    rm -rf "$dest/tangled"
    for l in "$dest"/lessons/week*-*.nw; do
        w=$(basename "$l" | cut -d- -f1)
        (cd "$dest" && book/tangle.sh "lessons/$(basename "$l")" "tangled/$w")
    done
    # the book (HTML, PDF, figures drawn from the stubbed kernels) with a
    # "you write this" box at each TODO of this checkout's lessons
    (cd "$dest" && BOOK_STUDENT_OF="$REPO" make --no-print-directory book) >&2
    rm -rf "$dest/build" # anything the book build compiled on the way (profiles)
    printf '%s\n' "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" >"$dest/.student-edition-of"
    local parent name
    parent=$(dirname "$dest")
    name=$(basename "$dest")
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$parent" -cf - "$name" |
        gzip -n >"$dest.tar.gz"
    echo "student edition: $dest/ and $dest.tar.gz ($(find "$dest" -type f | wc -l) files)"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
    stub)
        [ $# -ge 1 ] && [ $# -le 2 ] || usage
        if [ $# -eq 2 ]; then
            tmp=$(mktemp)
            if region_awk stub "$1" >"$tmp"; then mv "$tmp" "$2"; else rm -f "$tmp"; exit 1; fi
        else
            region_awk stub "$1"
        fi
        ;;
    secrets) [ $# -eq 1 ] || usage; secrets "$1" ;;
    regions) [ $# -eq 1 ] || usage; region_awk regions "$1" ;;
    leaks) [ $# -ge 1 ] && [ $# -le 2 ] || usage; leaks "$@" ;;
    build) [ $# -le 1 ] || usage; build "$@" ;;
    -h|--help) usage ;;
    *) usage ;;
esac
