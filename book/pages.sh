# shellcheck shell=bash
# book/pages.sh: the book's pages, for book/build.sh and book/pdf.sh (sourced).
#
#   book_args ARGS...   OUT LESSON.nw... [RESULTS_DIR] [--results DIR]
#                       [--pdf NAME]: sets book_out (OUT), lessons, RESULTS
#                       (one GPU's results) and BOOK_PDF (the PDF edition the
#                       contents link to, beside the pages)
#   book_check_prose WORK   reports measurements typed in the lessons' prose
#   book_weave WORK     weaves every lesson to WORK/<stem>.md and its index
#                       file WORK/<stem>.index (nwback), writes where its
#                       solution regions are to WORK/<stem>.regions, and the
#                       page list WORK/pages.tsv; exits 1 after reporting
#                       every lesson's chunk errors as FILE:LINE
#   book_env WORK IMG   exports what the filters read (BOOK_*, book/README.md)
#   book_static_profiles WORK   remakes the chapters' stale static profiles
#
# A page is named by its lesson's basename up to the first '-'
# (lessons/week0-copy-transpose.nw -> week0). Lessons named common*.nw or
# shared*.nw are shared: woven in front of every chapter, so that chunks
# defined there resolve, and given a page of their own. Pages, in order:
#   chapter      the lessons, in week order (week2 before week10)
#   shared       the shared lessons
#   appendix     book/appendix-grader.md, appendix-results.md, appendix-index.md,
#                appendix-references.md
#   instructors  book/instructors.md, book/ci.md

BOOK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BOOK_DIR")
NOWEB_LIB=${NOWEB_LIB:-/usr/lib/noweb}
GPU=${GPU:-h200}
BOOK_TITLE=${BOOK_TITLE:-"CUDA C kernel workbook"}
# (citeproc: pandoc's own, resolving [@key] citations from book/references.bib)
BOOK_FILTERS=(results versus profile appendix figures typography exercises references citeproc chunks nav)
# BOOK_STUDENT_OF=DIR: the lessons are DIR/lessons/*.nw stubbed (the student
# edition, ci/student-edition.sh): the book shows the TODOs of DIR's regions
BOOK_STUDENT_OF=${BOOK_STUDENT_OF:-}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
stem_of() { local b; b=$(basename "$1" .nw); echo "${b%%-*}"; }
book_show_path() { case $1 in "$REPO_DIR"/*) echo "${1#"$REPO_DIR"/}" ;; *) echo "$1" ;; esac; }
abs_path() { if [ -d "$1" ]; then (cd "$1" && pwd); else echo "$1"; fi; }

book_args() {
    local results_arg="" arg
    book_out="" lessons=() BOOK_PDF=""
    while [ $# -gt 0 ]; do
        case $1 in
            --results) [ $# -ge 2 ] || die "--results needs a directory"; results_arg=$2; shift 2 ;;
            --results=*) results_arg=${1#--results=}; shift ;;
            --pdf) [ $# -ge 2 ] || die "--pdf needs a file name"; BOOK_PDF=$2; shift 2 ;;
            -*) die "unknown option $1" ;;
            *)
                if [ -z "$book_out" ]; then book_out=$1
                elif [ -d "$1" ]; then results_arg=$1
                else [ -f "$1" ] || die "$1: no such lesson file"; lessons+=("$1"); fi
                shift ;;
        esac
    done
    [ ${#lessons[@]} -ge 1 ] || die "no lesson given"
    RESULTS=${results_arg:-${RESULTS_DIR:-$REPO_DIR/bench/results/$GPU}}
    # bench/results (GPU subdirectories, no week files) -> bench/results/$GPU
    if [ -d "$RESULTS/$GPU" ] && ! compgen -G "$RESULTS/*.json" >/dev/null; then
        RESULTS=$RESULTS/$GPU
    fi
    RESULTS=$(abs_path "$RESULTS")
    for arg in pandoc jq gnuplot gcc; do
        command -v "$arg" >/dev/null || die "$arg not found (see book/PACKAGES)"
    done
    for arg in finduses noidx; do
        [ -x "$NOWEB_LIB/$arg" ] || die "$NOWEB_LIB/$arg not found (install the noweb package)"
    done
}

# book_split: the lessons as chapters and shared files
book_split() {
    local l
    chapters=() shared=()
    for l in "${lessons[@]}"; do
        case $(basename "$l") in common* | shared*) shared+=("$l") ;; *) chapters+=("$l") ;; esac
    done
}

# book_nwback WORK: compile the back end into WORK
book_nwback() {
    mkdir -p "$1"
    gcc -std=c11 -Wall -Wextra -O2 -o "$1/nwback" "$BOOK_DIR/nwback.c" || die "cannot compile book/nwback.c"
}

# book_woven WORK LESSON NWBACK-OPTIONS...: nwback on LESSON, shared files in front
book_woven() {
    local work=$1 l=$2 f inputs=() flags=()
    shift 2
    for f in "${shared[@]}"; do
        flags+=(-shared "$f")
        [ "$f" = "$l" ] || inputs+=("$f")
    done
    "$BOOK_DIR/cuda-markup" "${inputs[@]}" "$l" | "$NOWEB_LIB/finduses" | "$NOWEB_LIB/noidx" |
        "$work/nwback" -emit "$l" "${flags[@]}" "$@"
}

# book_check_prose WORK: every measurement typed in the lessons' prose,
# as LESSON:LINE (nwback -check-prose); status 1 if there is one
book_check_prose() {
    local l rc=0
    book_split
    book_nwback "$1"
    for l in "${lessons[@]}"; do book_woven "$1" "$l" -check-prose || rc=1; done
    return $rc
}

# book_regions LESSON OUT: where LESSON's solution regions are (for
# book/filters/exercises.lua), read by the one reader of their markup; in the
# student edition, those of the lesson it was stubbed from
book_regions() {
    local l=$1 reader=$REPO_DIR/ci/student-edition.sh
    [ -z "$BOOK_STUDENT_OF" ] || l=$BOOK_STUDENT_OF/lessons/$(basename "$1")
    if [ ! -x "$reader" ] || [ ! -f "$l" ]; then
        : >"$2"
    elif ! "$reader" regions "$l" >"$2"; then
        echo "$(basename "$0"): $l: malformed solution regions (see above)" >&2
        return 1
    fi
}

book_weave() {
    local work=$1 l s failed=0 f
    book_split
    book_nwback "$work"
    if [ ${#chapters[@]} -gt 0 ]; then
        mapfile -t chapters < <(for l in "${chapters[@]}"; do printf '%s\t%s\n' "$(stem_of "$l")" "$l"; done |
            sort -V -k1,1 | cut -f2-)
    fi
    : >"$work/pages.tsv"
    declare -A seen=()
    for l in "${chapters[@]}" "${shared[@]}"; do
        s=$(stem_of "$l")
        [ -z "${seen[$s]:-}" ] || die "$l and ${seen[$s]} would both become $s.html"
        seen[$s]=$l
        if ! book_woven "$work" "$l" -index "$work/$s.index" >"$work/$s.md"; then
            echo "$(basename "$0"): $l: weaving failed (see the messages above)" >&2
            failed=1
        fi
        book_regions "$l" "$work/$s.regions" || failed=1
        case $(basename "$l") in common* | shared*) f=shared ;; *) f=chapter ;; esac
        printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$s" "$work/$s.md" "$work/$s.index" "$l" >>"$work/pages.tsv"
    done
    [ "$failed" -eq 0 ] || exit 1
    for f in appendix:appendix-grader appendix:appendix-results appendix:appendix-index appendix:appendix-references \
        instructors:instructors instructors:ci; do
        s=${f#*:}
        [ ! -f "$BOOK_DIR/$s.md" ] || printf '%s\t%s\t%s\t\t\n' "${f%%:*}" "$s" "$BOOK_DIR/$s.md" >>"$work/pages.tsv"
    done
}

book_env() {
    local work=$1 root=$RESULTS
    # RESULTS names one GPU's directory; the results appendix shows every GPU's
    compgen -G "$RESULTS/*.json" >/dev/null && root=$(dirname "$RESULTS")
    mkdir -p "$2"
    export BOOK_REPO=$REPO_DIR BOOK_RESULTS=$RESULTS BOOK_RESULTS_ROOT=$root BOOK_GPU=$GPU
    export BOOK_IMG BOOK_PAGES=$work/pages.tsv BOOK_TITLE BOOK_JQ=$BOOK_DIR/jq BOOK_PDF
    BOOK_IMG=$(abs_path "$2")
    export BOOK_STATIC_PROFILE_DIR=${STATIC_PROFILE_DIR:-$REPO_DIR/build}
    export BOOK_BIBLIOGRAPHY=$BOOK_DIR/references.bib
    export BOOK_EDITION=${BOOK_STUDENT_OF:+student}
    # the commit the book is built from, and its date (a student edition
    # unpacked outside git names its commit in .student-edition-of)
    BOOK_COMMIT=$(git -C "$REPO_DIR" rev-parse --short=12 HEAD 2>/dev/null ||
        cat "$REPO_DIR/.student-edition-of" 2>/dev/null || echo unknown)
    BOOK_DATE=$(git -C "$REPO_DIR" log -1 --format=%cs 2>/dev/null || date -u +%F)
    export BOOK_COMMIT BOOK_DATE
}

# the static profiles the chapters show: remade when older than the week's
# object (no GPU needed), only for the default build directory
book_static_profiles() {
    local group stem
    [ "$BOOK_STATIC_PROFILE_DIR" = "$REPO_DIR/build" ] || return 0
    while IFS=$'\t' read -r group stem _; do
        if [ "$group" = chapter ] && [ -f "$REPO_DIR/build/$stem/lesson.o" ]; then
            (cd "$REPO_DIR" && STATIC_PROFILE_QUIET=1 grader/profile/static-profile.sh --if-stale "$stem" >/dev/null 2>&1) || true
        fi
    done <"$1/pages.tsv"
}

# the filters, as pandoc options, in the order they run
book_filter_args() {
    local f
    for f in "${BOOK_FILTERS[@]}"; do
        if [ "$f" = citeproc ]; then
            printf -- '%s\n' --citeproc --bibliography "$BOOK_BIBLIOGRAPHY" --metadata link-citations=true
        else
            printf -- '--lua-filter\n%s\n' "$BOOK_DIR/filters/$f.lua"
        fi
    done
}
