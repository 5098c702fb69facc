#!/usr/bin/env bash
# check_symbols.sh: refuse a learner's build that takes a shortcut.
#
#   grader/check_symbols.sh [-f RULES] OBJECT...
#
# Runs nm on each object of the learner's build (the tangled lesson objects)
# and refuses references to the trusted references, to libraries that would
# do the work (CUB, Thrust, cuBLAS), to copies done by the runtime instead of
# a kernel (cudaMemcpy*), and to the grader's own report and score writers.
# The rules, with the reason a learner is shown, are in
# grader/forbidden-symbols.txt (or RULES).
#
# Exit status: 0 clean ("symbols: ok (N objects)"), 1 a forbidden reference
# (one line per offence naming the object and the symbol), 2 the check itself
# could not run (no nm, a missing object, a bad rules file).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rules="$here/forbidden-symbols.txt"
NM=${NM:-nm}

usage() {
    echo "usage: $0 [-f RULES] OBJECT..." >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    -f)
        [ $# -ge 2 ] || usage
        rules=$2
        shift 2
        ;;
    -h | --help)
        sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
        exit 0
        ;;
    --)
        shift
        break
        ;;
    -*) usage ;;
    *) break ;;
    esac
done
[ $# -gt 0 ] || usage

command -v "$NM" >/dev/null 2>&1 || {
    echo "symbols: cannot check: $NM not found (install binutils)" >&2
    exit 2
}
[ -r "$rules" ] || {
    echo "symbols: cannot check: rules file $rules not readable" >&2
    exit 2
}

# Rules as "scope<TAB>pattern<TAB>reason", checked once here so a typo in
# the rules file is reported as such, not as a learner's offence.
rule_lines=$(awk -v file="$rules" '
    /^[[:space:]]*(#|$)/ { next }
    {
        scope = $1; pattern = $2
        if (scope != "undefined" && scope != "defined" && scope != "any") {
            printf "%s:%d: scope must be undefined, defined or any, got \"%s\"\n", file, NR, scope > "/dev/stderr"
            bad = 1; next
        }
        if (NF < 3) {
            printf "%s:%d: expected SCOPE PATTERN REASON\n", file, NR > "/dev/stderr"
            bad = 1; next
        }
        reason = $0
        sub(/^[[:space:]]*[^[:space:]]+[[:space:]]+[^[:space:]]+[[:space:]]+/, "", reason)
        printf "%s\t%s\t%s\n", scope, pattern, reason
    }
    END { exit bad }' "$rules") || exit 2

status=0
offences=0
for obj in "$@"; do
    if [ ! -r "$obj" ]; then
        echo "symbols: cannot check: $obj: no such file" >&2
        exit 2
    fi
    # nm prints "ADDRESS TYPE NAME" for a defined symbol and "TYPE NAME" (the
    # address blank) for an undefined one; a demangled name may hold spaces.
    # An archive's members are announced by "member.o:" lines.
    if ! syms=$("$NM" -C "$obj" 2>&1); then
        case $syms in
        *"no symbols"*) syms= ;;
        *)
            echo "symbols: cannot check: nm $obj: $syms" >&2
            exit 2
            ;;
        esac
    fi
    found=$(printf '%s\n' "$syms" | awk -v obj="$obj" -v rules="$rule_lines" '
        BEGIN {
            n = split(rules, lines, "\n")
            for (i = 1; i <= n; i++) {
                if (lines[i] == "") continue
                split(lines[i], f, "\t")
                nrules++
                scope[nrules] = f[1]; pat[nrules] = f[2]; why[nrules] = f[3]
            }
        }
        /^$/ { next }
        /^[^ ]+:$/ { member = substr($0, 1, length($0) - 1); next }
        {
            if (!match($0, /^[0-9a-fA-F]* *[A-Za-z?-] /)) next
            type = substr($0, RLENGTH - 1, 1)
            name = substr($0, RLENGTH + 1)
            undefined = (type == "U" || type == "w" || type == "v")
            for (r = 1; r <= nrules; r++) {
                if (scope[r] == "undefined" && !undefined) continue
                if (scope[r] == "defined" && undefined) continue
                if (name !~ pat[r]) continue
                where = member != "" && member != obj ? obj "(" member ")" : obj
                if ((where SUBSEP name) in seen) break
                seen[where, name] = 1
                # A header-only library instantiates dozens of templates:
                # one line per object and rule, naming the shortest symbol.
                key = scope[r] == "any" ? where SUBSEP r : where SUBSEP r SUBSEP name
                if (!(key in count)) {
                    order[++n_off] = key
                    off_where[key] = where; off_rule[key] = r
                    off_name[key] = name; off_undef[key] = undefined
                } else if (length(name) < length(off_name[key])) {
                    off_name[key] = name; off_undef[key] = undefined
                }
                count[key]++
                break
            }
        }
        END {
            for (i = 1; i <= n_off; i++) {
                key = order[i]
                name = off_name[key]
                if (length(name) > 160) name = substr(name, 1, 157) "..."
                more = count[key] > 1 ? sprintf(" (and %d more such symbols)", count[key] - 1) : ""
                printf "symbols: %s: %s %s%s: %s\n", off_where[key], off_undef[key] ? "references" : "contains", name, more, why[off_rule[key]]
            }
        }')
    if [ -n "$found" ]; then
        printf '%s\n' "$found" >&2
        offences=$((offences + $(printf '%s\n' "$found" | wc -l)))
        status=1
    fi
done

if [ $status -ne 0 ]; then
    echo "symbols: refused: $offences forbidden reference(s) in the learner's build (rules: $rules)" >&2
    exit 1
fi
echo "symbols: ok ($# objects)"
