#!/usr/bin/env bash
# tangle.sh: tangle one lesson into tangled/weekN/, or check that it is current.
#
#   book/tangle.sh LESSON.nw OUTDIR          write every root chunk to OUTDIR/ROOT
#   book/tangle.sh --check LESSON.nw OUTDIR  exit 1 if OUTDIR differs from a fresh tangle
#
# Roots are the chunks defined and never used (as noroots finds them), read
# through book/cuda-markup so CUDA's <<<...>>> is not taken for a chunk use.
# notangle -L writes #line directives, so nvcc reports errors at the lesson's
# line. notangle exits non-zero on an undefined chunk but still writes its
# output: every run goes to a temporary file first and nothing is replaced
# unless every root tangled cleanly.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
markup="$here/cuda-markup"
check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi
if [ $# -ne 2 ]; then
    echo "usage: $0 [--check] LESSON.nw OUTDIR" >&2
    exit 2
fi
lesson=$1 out=$2
[ -r "$lesson" ] || { echo "$lesson: cannot read the lesson" >&2; exit 2; }

roots=$("$markup" "$lesson" | awk '
/^@quote$/,/^@endquote$/ { next }
/^@defn / { defined[substr($0, 7)] = 1 }
/^@use /  { used[substr($0, 6)] = 1 }
END { for (c in defined) if (!(c in used)) print c }' | sort)
if [ -z "$roots" ]; then
    echo "$lesson: no root chunk (a chunk named like week0.cu that no other chunk uses)" >&2
    exit 1
fi

tmp=$(mktemp -d)
errfile=$(mktemp)
trap 'rm -rf "$tmp" "$errfile"' EXIT
# notangle names an undefined chunk but not where it is used: find the line
operators='[][(){};=+*&|^%!~<>]'
report_errors() {
    local msg name line
    while IFS= read -r msg; do
        case "$msg" in
        *"undefined chunk name: <<"*)
            name=${msg#*undefined chunk name: <<}
            name=${name%>>*}
            line=$(grep -n -F "<<$name>>" "$lesson" | grep -v -F "<<$name>>=" | head -n 1 | cut -d: -f1)
            echo "$lesson:${line:-?}: chunk <<$name>> is used but never defined" >&2
            # a chunk name is a sentence; a single word or one with an
            # operator is likely C++ that noweb read as a use (book/cuda-markup
            # lets `a << 3 >> b` and `a<<(b)>>c` through, not `a<<b>>c`)
            if [[ $name != *" "* || $name =~ $operators ]]; then
                echo "$lesson:${line:-?}: if this is code, not a chunk: noweb reads << ... >> on one line as a chunk use; write @<< for its <<, as in a @<< b >> c, or put a space after the << (a << b >> c)" >&2
            fi
            ;;
        *) echo "$lesson: $msg" >&2 ;;
        esac
    done <"$errfile"
}

status=0
while IFS= read -r root; do
    case "$root" in
    *.cu | *.h | *.c | *.cuh) ;;
    *)
        # a root that is not a file name is a chunk nothing uses: name it and where it is
        line=$(grep -n -F "<<$root>>=" "$lesson" | head -n 1 | cut -d: -f1)
        echo "$lesson:${line:-?}: chunk <<$root>> is defined but never used" >&2
        status=1
        continue
        ;;
    esac
    if ! notangle -markup "$markup" -L -R"$root" "$lesson" >"$tmp/$root" 2>"$errfile" ||
        [ -s "$errfile" ]; then
        report_errors
        status=1
    fi
done <<<"$roots"
[ $status -eq 0 ] || { echo "$lesson: not tangled (fix the errors above)" >&2; exit 1; }

if [ $check -eq 1 ]; then
    stale=0
    for f in "$tmp"/*; do
        name=$(basename "$f")
        if ! cmp -s "$f" "$out/$name"; then
            echo "$out/$name is stale against $lesson: run 'make tangle' and commit tangled/" >&2
            stale=1
        fi
    done
    if [ -d "$out" ]; then
        for f in "$out"/*; do
            [ -e "$f" ] || continue
            [ -e "$tmp/$(basename "$f")" ] || { echo "$f: no root chunk of $lesson makes it: remove it" >&2; stale=1; }
        done
    fi
    exit $stale
fi

mkdir -p "$out"
for f in "$tmp"/*; do
    name=$(basename "$f")
    # replace only what changed, so make does not rebuild what is current
    cmp -s "$f" "$out/$name" || cp "$f" "$out/$name"
done
