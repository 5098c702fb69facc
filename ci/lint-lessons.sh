#!/usr/bin/env bash
# lint-lessons.sh: the code of every lesson, formatted as the repo's
# .clang-format says. Each root chunk is tangled without #line directives;
# notangle indents a chunk by the indentation of its use, preprocessor lines
# included, so those go back to column 0 first (where clang-format keeps
# them). A line clang-format would change is reported at its lesson line.
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for lesson in "${@:-lessons/week*-*.nw}"; do
    for lesson_file in $lesson; do
        roots=$(book/cuda-markup "$lesson_file" | awk '
            /^@quote$/,/^@endquote$/ { next }
            /^@defn / { d[substr($0, 7)] = 1 } /^@use / { u[substr($0, 6)] = 1 }
            END { for (c in d) if (!(c in u)) print c }' | grep -E '\.(cu|cuh|h|c)$')
        for root in $roots; do
            ext=${root##*.}
            notangle -markup book/cuda-markup -R"$root" "$lesson_file" | sed 's/^[ \t]*#/#/' >"$tmp/code.$ext"
            clang-format --style=file:.clang-format "$tmp/code.$ext" >"$tmp/formatted.$ext"
            if ! cmp -s "$tmp/code.$ext" "$tmp/formatted.$ext"; then
                status=1
                diff "$tmp/code.$ext" "$tmp/formatted.$ext" | sed -n 's/^< //p' | while IFS= read -r text; do
                    needle=$(sed 's/^[ \t]*//' <<<"$text")
                    [ -n "$needle" ] || continue
                    line=$(grep -n -F -- "$needle" "$lesson_file" | head -n 1 | cut -d: -f1)
                    echo "$lesson_file:${line:-?}: not clang-formatted ($root): $needle"
                done
            fi
        done
    done
done
[ $status -eq 0 ] && echo "lint-lessons: lesson code is clang-formatted"
exit $status
