#!/usr/bin/env bash
# plan.sh: read a roster and write the list of submissions to grade, one
# "STUDENT<TAB>ABSOLUTE PATH" a line, in the roster's order.
#
#   ci/roster/plan.sh ROSTER > plan.tsv
#
# ROSTER is either
#   a folder: each entry is one student's submission, named by the student's
#             id: a folder (a student edition, or anything holding
#             lessons/weekN-*.nw) or a tarball (ID.tar.gz, ID.tgz, ID.tar),
#             or a link the instructor made to one; other files are skipped
#             with a note on stderr;
#   a CSV:    "student,path" a line (a header line "student,..." and lines
#             starting with # are skipped); a relative path is relative to
#             the CSV's folder.
# An id is letters, digits, '.', '_' and '-'. Every line is checked before
# anything is graded: a bad id, a missing path or an id given twice stops the
# plan with FILE:LINE (exit 2).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/roster/lib.sh
. "$here/lib.sh"

roster=${1:?usage: ci/roster/plan.sh ROSTER}
[ -e "$roster" ] || roster_die "$roster: no such folder or file"

declare -A seen=()
bad=0
emit() { # emit WHERE ID PATH
    local where=$1 id=$2 path=$3
    if ! roster_valid_id "$id"; then
        echo "$where: student id '$id' must be letters, digits, '.', '_' or '-' (at most 64)" >&2
        bad=1
    elif [ -n "${seen[$id]:-}" ]; then
        echo "$where: student '$id' is already in the roster (${seen[$id]})" >&2
        bad=1
    elif [ ! -e "$path" ]; then
        echo "$where: $path: no such folder or tarball" >&2
        bad=1
    else
        seen[$id]=$where
        printf '%s\t%s\n' "$id" "$(cd "$(dirname "$path")" && pwd -P)/$(basename "$path")"
    fi
}

if [ -d "$roster" ]; then
    while IFS= read -r -d '' entry; do
        name=${entry##*/}
        case $name in
        .*) continue ;;
        *.tar.gz) id=${name%.tar.gz} ;;
        *.tgz) id=${name%.tgz} ;;
        *.tar) id=${name%.tar} ;;
        *)
            if [ -d "$entry" ]; then
                id=$name
            else
                echo "roster: skipping $entry (neither a folder nor a tarball)" >&2
                continue
            fi
            ;;
        esac
        emit "$entry" "$id" "$entry"
    done < <(find "$roster" -mindepth 1 -maxdepth 1 -print0 | sort -z)
else
    roster_dir=$(dirname "$roster")
    n=0
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        line=${line%$'\r'}
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        IFS=, read -r id path extra <<<"$line"
        id=$(sed -e 's/^[[:space:]"]*//' -e 's/[[:space:]"]*$//' <<<"$id")
        path=$(sed -e 's/^[[:space:]"]*//' -e 's/[[:space:]"]*$//' <<<"$path")
        if [ "$n" = 1 ] && [[ ${id,,} =~ ^(student|id|student_id)$ ]]; then
            continue
        fi
        if [ -z "$path" ] || [ -n "${extra:-}" ]; then
            echo "$roster:$n: expected two fields, student,path" >&2
            bad=1
            continue
        fi
        case $path in /*) ;; *) path=$roster_dir/$path ;; esac
        emit "$roster:$n" "$id" "$path"
    done <"$roster"
fi
[ "$bad" -eq 0 ] || roster_die "the roster $roster has errors (above); nothing was graded"
[ ${#seen[@]} -gt 0 ] || roster_die "$roster: no submission in it"
