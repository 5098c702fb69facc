#!/usr/bin/env bash
# sanitize.sh [WEEK] : the week's grader tests under compute-sanitizer
# (`make sanitize [WEEK=N] [VARIANT=v] [GRADE=path]`).
#
#   grader/profile/sanitize.sh 1                                    build/week1/grade
#   GRADE=build/mutants/week0_shared_race/grade grader/profile/sanitize.sh   any grade binary
#
# For each tool (memcheck, racecheck, synccheck, initcheck) and each variant,
# runs the grader in one process (--no-fork), its outputs allocated to their
# exact size (--no-guards: memcheck then sees a write past the end), on 2-3
# small shapes per op, all dtypes, under
#   compute-sanitizer --tool T --print-limit 20 --error-exitcode 99
#                     --target-processes all --show-backtrace device
# and reads the findings. The kernels are built with -lineinfo and their
# source carries #line directives into the lesson, so a finding is printed as
#   lessons/week1-reduction.nw:142: racecheck: <message> (variant V)
# (a mutant's findings name grader/mutants/NAME.cu). Writes
# build/reports/sanitize-NAME.json and .tap (NAME: weekN, or the mutant's
# folder name); logs stay in build/sanitize/NAME/.
# Exit: 0 no findings, 1 findings (errors; racecheck warnings are listed but
# do not fail), 2 could not run (no compute-sanitizer, no GPU, bad usage).
#
# Environment: GRADE, VARIANT (a,b), DTYPE, SANITIZE_TOOLS (memcheck,racecheck,...),
# SANITIZE_SHAPES (RxC,... for every op), SANITIZE_TIMEOUT (s per run, 600),
# COMPUTE_SANITIZER (path), CUDA_HOME.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. grader/profile/lib.sh

usage() { echo "usage: grader/profile/sanitize.sh [WEEK]   (or GRADE=path grader/profile/sanitize.sh)" >&2; exit 2; }
[ $# -le 1 ] || usage
if [ -n "${GRADE:-}" ]; then
    grade=$GRADE
    name=$(basename "$(dirname "$grade")")
else
    [ $# -eq 1 ] || usage
    name=week${1#week}
    grade=build/$name/grade
fi
[ -x "$grade" ] || { echo "sanitize: $grade not found: build it first (make ${name})" >&2; exit 2; }
week=$(week_of_grade "$grade")
[ -n "$week" ] || { echo "sanitize: $grade --list says nothing: is it a workbook grader?" >&2; exit 2; }
tools=${SANITIZE_TOOLS:-memcheck,racecheck,synccheck,initcheck}
timeout_s=${SANITIZE_TIMEOUT:-600}
work=build/sanitize/$name
json=build/reports/sanitize-$name.json
tap=build/reports/sanitize-$name.tap
commit=$(repo_commit)
date=$(now_utc)
mkdir -p "$work" build/reports
rm -f "$work"/*.log

unavailable() {
    printf '{ "schema": "workbook-sanitize/1", "name": %s, "week": %s, "status": "unavailable", "reason": %s,\n  "commit": %s, "date": %s, "findings": [] }\n' \
        "$(json_escape "$name")" "$(json_escape "$week")" "$(json_escape "$1")" "$(json_escape "$commit")" "$(json_escape "$date")" >"$json"
    printf 'TAP version 13\n1..0 # SKIP %s\n' "$1" >"$tap"
    echo "sanitize: $name: not sanitized: $1 (wrote $json)"
    exit 2
}
cs=$(find_cuda_tool compute-sanitizer) ||
    unavailable "compute-sanitizer not found in \$COMPUTE_SANITIZER, $CUDA_HOME/bin, PATH or $CUDA_HOME/compute-sanitizer"
cs_version=$("$cs" --version 2>/dev/null | tail -n 1)
# one process (ncu and compute-sanitizer follow children poorly), and exact
# allocations: the grader's guard zones would hide a write past the end
# (the help text is read whole first: with pipefail, grep -q leaving early
# can kill the writer with SIGPIPE and fail a test that matched)
grade_help=$("$grade" --help 2>/dev/null) || true
nofork=()
[[ $grade_help == *--no-fork* ]] && nofork=(--no-fork)
[[ $grade_help == *--no-guards* ]] && nofork+=(--no-guards)

shapes_for() {
    [ -n "${SANITIZE_SHAPES:-}" ] && { echo "$SANITIZE_SHAPES"; return; }
    case $1 in
        copy | transpose) echo 1x1,33x65,255x257 ;;
        row_sum | row_max) echo 1x1,5x255,3x65537 ;;
        array_sum) echo 1x7,1x1000,1x262147 ;;
        softmax | softmax_backward) echo 1x1,7x255,3x4099 ;;
        *) echo 1x1,33x65,255x257 ;;
    esac
}

# sanitizer.awk's lines with a bare file name ("week0_write_past_end.cu", as
# compute-sanitizer 2025 prints a location) get its path in the repository,
# when exactly one file of lessons/, tangled/, grader/ or ref/ has that name
in_repository() {
    awk -F'\t' -v OFS='\t' 'NR == FNR { n[$1]++; path[$1] = $2; next }
        $2 != "" && $2 !~ /\// && n[$2] == 1 { $2 = path[$2] } { print }' \
        <(find lessons tangled grader ref -type f 2>/dev/null | awk -F/ -v OFS='\t' '{ print $NF, $0 }') -
}

mapfile -t variant_lines < <(variants_of_grade "$grade")
runs=$work/runs.tsv findings=$work/findings.tsv
: >"$runs"; : >"$findings"
first=1
for tool in ${tools//,/ }; do
    case $tool in memcheck | racecheck | synccheck | initcheck) ;; *) echo "sanitize: unknown tool '$tool'" >&2; exit 2 ;; esac
    for line in "${variant_lines[@]}"; do
        v=${line%%	*}; op=${line#*	}
        if [ -n "${VARIANT:-}" ] && [[ ,$VARIANT, != *",$v,"* ]]; then continue; fi
        shapes=$(shapes_for "$op")
        log=$work/$tool-$v.log
        echo "sanitize: $name $tool $v ($shapes) ..." >&2
        timeout "$timeout_s" "$cs" --tool "$tool" --print-limit 20 --error-exitcode 99 \
            --target-processes all --show-backtrace device \
            "$grade" "${nofork[@]}" --variant "$v" --shape "$shapes" ${DTYPE:+--dtype "$DTYPE"} \
            --seed 1 --quiet --report-dir "$work/grade-reports" >"$log" 2>&1
        rc=$?
        if [ "$first" = 1 ]; then
            first=0
            if grep -q '^skipped: no CUDA device' "$log"; then
                unavailable "no CUDA device: $(grep -m1 '^skipped: no CUDA device' "$log")"
            fi
            if grep -qiE 'Device not supported|Unable to find a supported device|error 999|Target application terminated before first instrumented API call' "$log" &&
                ! grep -q 'ERROR SUMMARY' "$log"; then
                unavailable "compute-sanitizer cannot run here: $(grep -m1 -iE 'not supported|error 999|terminated before' "$log" | cut -c1-200)"
            fi
        fi
        n_before=$(wc -l <"$findings")
        awk -f grader/profile/sanitizer.awk "$log" | in_repository |
            awk -F'\t' -v OFS='\t' -v t="$tool" -v v="$v" '{ print t, v, $0 }' >>"$findings"
        n_after=$(wc -l <"$findings")
        errors=$(tail -n +$((n_before + 1)) "$findings" | awk -F'\t' '$3 == "error"' | wc -l)
        grade_result=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
        note=""
        [ $rc -eq 124 ] && note="timed out after ${timeout_s} s (SANITIZE_TIMEOUT)"
        [ $rc -eq 99 ] && [ "$errors" -eq 0 ] && note="compute-sanitizer reported errors the parser did not read; see $log"
        [ $rc -ne 0 ] && [ $rc -ne 99 ] && [ $rc -ne 124 ] && [ -z "$grade_result" ] && note="the grader ended without its summary (exit $rc); see $log"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$v" "$shapes" "$rc" "$((n_after - n_before))" "$errors" "$grade_result" "$note" >>"$runs"
    done
done
[ -s "$runs" ] || { echo "sanitize: no variant selected (VARIANT=${VARIANT:-})" >&2; exit 2; }

# ---- report --------------------------------------------------------------
# findings: tool variant severity file line message where; the same finding
# from several dtypes or shapes is reported once, with a count
awk -F'\t' -v OFS='\t' '{ k = $1 FS $2 FS $3 FS $4 FS $5 FS $6; if (!(k in n)) { order[++m] = k; w[k] = $7 } n[k]++ }
    END { for (i = 1; i <= m; i++) print order[i], n[order[i]], w[order[i]] }' "$findings" >"$work/unique.tsv"

awk -F'\t' -v grade="$grade" '
    { loc = $4 != "" ? $4 ":" $5 : grade
      printf "%s: %s: %s%s (variant %s%s)\n", loc, $1, ($3 == "warning" ? "warning: " : ""), $6, $2, ($7 > 1 ? ", " $7 " times" : "") }' \
    "$work/unique.tsv" >"$work/findings.txt"

{
    printf '{ "schema": "workbook-sanitize/1", "name": %s, "week": %s, "grade": %s, "status": "ran",\n' \
        "$(json_escape "$name")" "$(json_escape "$week")" "$(json_escape "$grade")"
    printf '  "compute_sanitizer": %s, "commit": %s, "date": %s, "tools": %s,\n' "$(json_escape "$cs_version")" \
        "$(json_escape "$commit")" "$(json_escape "$date")" "$(json_escape "$tools")"
    printf '  "runs": [\n'
    awk -F'\t' -v work="$work" '
        function j(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
        { printf "%s    { \"tool\": %s, \"variant\": %s, \"shapes\": %s, \"exit\": %d, \"findings\": %d, \"errors\": %d, \"grader\": %s, \"note\": %s, \"log\": %s }", \
            (NR > 1 ? ",\n" : ""), j($1), j($2), j($3), $4, $5, $6, j($7), j($8), j(work "/" $1 "-" $2 ".log") }
        END { printf "\n" }' "$runs"
    printf '  ],\n  "findings": [\n'
    awk -F'\t' '
        function j(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
        { printf "%s    { \"tool\": %s, \"variant\": %s, \"severity\": %s, \"file\": %s, \"line\": %s, \"message\": %s, \"count\": %d, \"where\": %s }", \
            (NR > 1 ? ",\n" : ""), j($1), j($2), j($3), ($4 == "" ? "null" : j($4)), ($5 == "" ? "null" : $5 + 0), j($6), $7, j($8) }
        END { printf "\n" }' "$work/unique.tsv"
    printf '  ]\n}\n'
} >"$json"

n_runs=$(wc -l <"$runs")
{
    printf 'TAP version 13\n1..%d\n' "$n_runs"
    i=0
    while IFS=$'\t' read -r tool v shapes rc nf ne _ note; do
        i=$((i + 1))
        if [ "$ne" -gt 0 ] || [ -n "$note" ]; then
            printf 'not ok %d - %s %s (%s)\n' "$i" "$tool" "$v" "$shapes"
            [ -n "$note" ] && printf '  # %s\n' "$note"
            awk -F'\t' -v t="$tool" -v vv="$v" -v grade="$grade" '$1 == t && $2 == vv {
                printf "  # %s: %s: %s%s\n", ($4 != "" ? $4 ":" $5 : grade), $1, ($3 == "warning" ? "warning: " : ""), $6 }' "$work/unique.tsv"
        else
            printf 'ok %d - %s %s (%s)%s\n' "$i" "$tool" "$v" "$shapes" "$([ "$nf" -gt 0 ] && echo " # $nf warning(s)")"
        fi
    done <"$runs"
} >"$tap"

echo
echo "sanitize: $name ($week) with $cs_version; $n_runs runs ($tools x variants)"
awk -F'\t' '{ printf "  %-10s %-26s exit %-3s %s%s%s\n", $1, $2, $4, ($6 > 0 ? $6 " error(s)" : "clean"), ($7 != "" ? "; grader: " $7 : ""), ($8 != "" ? "; " $8 : "") }' "$runs"
if [ -s "$work/findings.txt" ]; then
    echo
    cat "$work/findings.txt"
fi
bad=$(awk -F'\t' '$6 > 0 || $8 != ""' "$runs" | wc -l)
echo "sanitize: wrote $json and $tap (logs in $work/)"
echo "$((n_runs - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
