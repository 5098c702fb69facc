#!/usr/bin/env bash
# grade-one.sh: grade one student's submission, week by week, each step in a
# sandbox of its own, and write the student's records and reports.
#
#   ci/roster/grade-one.sh OUT STUDENT SOURCE
#
# OUT is the roster's output (ci/roster/roster.sh made OUT/kit and
# OUT/secret); SOURCE the submission (a folder or a tarball). For each week of
# ROSTER_WEEKS (default: every week the kit grades) it writes
# OUT/students/STUDENT/WEEK/:
#   record.json  the roster's record (schema workbook-roster-record/1): verdict,
#                reason, points, the GPU that graded it, seconds per step
#   report/      the grader's WEEK.json, .tap, .junit.xml and Gradescope
#                results.json; for a week the grader never ran, a
#                results.json that says why
#   build.log, symbols.log, link.log, grade.log
# A week whose record.json exists is skipped, unless its verdict is "error"
# (the roster could not grade it): an interrupted roster resumes.
#
# Steps, each in a fresh folder, so that nothing a step leaves behind can
# steer the next: build (tangle the lesson and compile it, with the
# instructor's Makefile), symbols (grader/check_symbols.sh on the object
# alone), link (the object with the kit's grader objects), grade (the binary
# alone, with the GPU, the secret seed in GRADER_SEED and the hidden shapes on
# descriptor 3). Only the grade step sees the seed or the hidden shapes.
#
# Environment: ROSTER_WEEKS, CUDA_VISIBLE_DEVICES and ROSTER_GPU_UUID (the
# GPU the scheduler gave this submission), ROSTER_GRADE_ARGS (more grader
# options, e.g. "--dtype f32"), ROSTER_SLOT, CHECK_PREFIX (as the Makefile
# reads it), and the limits in ci/roster/lib.sh. The architectures and the
# instructor's commit are the kit's (OUT/kit/.arch, .commit).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/roster/lib.sh
. "$here/lib.sh"

[ $# -eq 3 ] || roster_die "usage: ci/roster/grade-one.sh OUT STUDENT SOURCE"
out=$(cd "$1" && pwd -P)
student=$2 source=$3
roster_valid_id "$student" || roster_die "bad student id '$student'"
kit=$out/kit
secret=$out/secret
[ -r "$kit/.arch" ] || roster_die "$kit is no grading kit: run ci/roster/prepare.sh, which builds it"
# what the kit was built for and from (ci/roster/kit.sh)
CUDA_ARCH=$(cat "$kit/.arch")
WB_COMMIT=$(cat "$kit/.commit" 2>/dev/null || echo unknown)
[ -r "$secret/seed" ] || roster_die "$secret/seed missing: run ci/roster/roster.sh, which writes it"
seed=$(cat "$secret/seed")
sdir=$out/students/$student
sandbox=${ROSTER_SANDBOX:-$here/sandbox.sh} # a test may watch what each step gets
mapfile -t weeks < <(roster_weeks "$kit" "${ROSTER_WEEKS:-}")

build_limits=(--wall "$ROSTER_BUILD_WALL" --cpu "$ROSTER_BUILD_CPU" --as "$ROSTER_BUILD_AS"
    --nproc "$ROSTER_NPROC" --fsize "$ROSTER_FSIZE")
make_args=(make --no-print-directory CUDA_ARCH="$CUDA_ARCH" WB_COMMIT="${WB_COMMIT:-unknown}")
# Check unpacked from .deb files (a GPU machine that cannot install it, see
# the README): the sandbox shows CHECK_PREFIX read-only, and the grader finds
# its libraries through LD_LIBRARY_PATH
if [ -n "${CHECK_PREFIX:-}" ]; then
    make_args+=(CHECK_PREFIX="$CHECK_PREFIX")
    export LD_LIBRARY_PATH=$CHECK_PREFIX/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi

# ---- the submission's lessons, and nothing else, into $sdir/submission ----
# stage: fills $sdir/submission/lessons, or writes the reason it cannot into
# $sdir/submission/.invalid
stage() {
    local sub=$sdir/submission root found depth first dir f
    [ -f "$sub/.staged" ] && return 0
    rm -rf "$sub" "$sdir/unpacked"
    mkdir -p "$sub/lessons"
    if [ -d "$source" ]; then
        root=$(cd "$source" && pwd -P) # the roster may link to it; inside, no link is followed
    elif [ -f "$source" ]; then
        # an archive is unpacked in a sandbox: a hostile one (links out of
        # the folder, huge members) meets the same walls as its code
        root=$sdir/unpacked
        mkdir -p "$root"
        if ! "$sandbox" --ro "$source:/submission.tar" --wall "$ROSTER_UNPACK_WALL" \
            --cpu "$ROSTER_UNPACK_WALL" --as "$ROSTER_BUILD_AS" --nproc 64 --fsize "$ROSTER_FSIZE" \
            "$root" -- tar -xf /submission.tar --no-same-owner --no-same-permissions \
            >"$sdir/unpack.log" 2>&1; then
            printf 'cannot unpack %s: %s\n' "${source##*/}" "$(tail -n 1 "$sdir/unpack.log")" >"$sub/.invalid"
            touch "$sub/.staged"
            return 0
        fi
    else
        printf '%s: neither a folder nor a tarball\n' "$source" >"$sub/.invalid"
        touch "$sub/.staged"
        return 0
    fi
    # the shallowest lessons/ folder holding week lessons: plain files only
    # (find does not follow links and -type f skips them)
    found=$(find "$root" -maxdepth 6 -path '*/.git' -prune -o -type f -path '*/lessons/week*-*.nw' \
        -printf '%d\t%p\n' | sort -n)
    if [ -z "$found" ]; then
        echo "no lessons/weekN-*.nw in the submission" >"$sub/.invalid"
    else
        depth=$(head -n 1 <<<"$found" | cut -f1)
        first=$(head -n 1 <<<"$found" | cut -f2)
        dir=$(dirname "$first")
        while IFS=$'\t' read -r d f; do
            [ "$d" = "$depth" ] || continue
            if [ "$(dirname "$f")" != "$dir" ]; then
                echo "two lessons/ folders at the same depth: ${dir#"$root"/} and $(dirname "${f#"$root"/}")" >"$sub/.invalid"
                break
            fi
            if [ "$(stat -c %s "$f")" -gt $((4 << 20)) ]; then
                echo "${f#"$root"/} is larger than 4 MiB" >"$sub/.invalid"
                break
            fi
            cp --no-preserve=all "$f" "$sub/lessons/"
        done <<<"$found"
    fi
    touch "$sub/.staged"
}

# ---- writers ----------------------------------------------------------------
# record WEEK VERDICT REASON [REPORT]: the week's record.json (record.sh)
record() {
    local seconds
    seconds=$(for k in "${!secs[@]}"; do printf '{"%s": %s}\n' "$k" "${secs[$k]}"; done | jq -s 'add // {}')
    "$here/record.sh" "$sdir/$1" "$student" "$1" "$2" "$3" "$seconds" ${4:+"$4"}
}

# gradescope_ungraded WEEK VERDICT REASON LOG: the Gradescope results.json of
# a week the grader never ran (it writes its own when it runs)
gradescope_ungraded() {
    local week=$1 verdict=$2 reason=$3 log=${4:-}
    local detail=''
    [ -n "$log" ] && [ -f "$log" ] && detail=$(tail -n 40 "$log")
    jq -n --arg week "$week" --arg verdict "$verdict" --arg reason "$reason" --arg detail "$detail" '{
        score: 0, visibility: "visible", stdout_visibility: "visible",
        output: ("\($week) was not graded: \($verdict): \($reason)\n"
                 + (if $detail == "" then "" else "\n\($detail)\n" end)),
        extra_data: { week: $week, verdict: $verdict, graded_by: "ci/roster" },
        tests: [] }' >"$sdir/$week/report/results.json"
}

# ungraded WEEK VERDICT REASON [LOG]: both files for a week that never ran
ungraded() {
    gradescope_ungraded "$1" "$2" "$3" "${4:-}"
    record "$1" "$2" "$3"
}

# first_error LOG: the line of a failed build that says what went wrong
first_error() {
    local line
    line=$(grep -m 1 -E '(error|Error|ERROR)[: ]' "$1" || true)
    [ -n "$line" ] || line=$(grep -v '^[[:space:]]*$' "$1" | tail -n 1 || true)
    printf '%s' "${line:0:300}"
}

# failures REPORT: "variant: category xN; ..." for the tests that failed
failures() {
    jq -r '[.results[] | select((.passed | not) and (.skipped | not))]
        | group_by(.variant + " " + .category)
        | map("\(.[0].variant): \(.[0].category) x\(length)")
        | if length > 6 then .[0:6] + ["..."] else . end | join("; ")' "$1"
}

# take SRC DEST: copy a file a sandbox wrote, refusing links and non-files
take() {
    [ -f "$1" ] && [ ! -L "$1" ] && mkdir -p "$(dirname "$2")" && cp --no-preserve=all "$1" "$2"
}

declare -A secs
step() { # step NAME COMMAND...: run and time one step; its status in $rc
    local name=$1 t0
    shift
    t0=$(date +%s)
    set +e
    "$@"
    rc=$?
    set -e
    secs[$name]=$(($(date +%s) - t0))
}

# sandboxed_grade SANDBOX-ARGS...: the grade step's sandbox, the secrets in
# its environment (never on a command line, where ps would show them)
sandboxed_grade() {
    GRADER_SEED=$seed GRADER_HIDDEN=/dev/fd/3 CUDA_DEVICE_ORDER=PCI_BUS_ID \
        WB_COMMIT=${WB_COMMIT:-unknown} "$sandbox" "$@"
}

# ---- one week ---------------------------------------------------------------
grade_week() {
    local week=$1 wd=$sdir/$1 lessons rc=0 report='' verdict reason
    secs=()
    rm -rf "$wd"
    mkdir -p "$wd/report"
    if [ -f "$sdir/submission/.invalid" ]; then
        ungraded "$week" invalid "$(cat "$sdir/submission/.invalid")"
        return
    fi
    mapfile -t lessons < <(find "$sdir/submission/lessons" -maxdepth 1 -type f -name "$week-*.nw" | sort)
    if [ ${#lessons[@]} -eq 0 ]; then
        ungraded "$week" missing "no lessons/$week-*.nw in the submission"
        return
    elif [ ${#lessons[@]} -gt 1 ]; then
        ungraded "$week" invalid "several lessons for $week: $(printf '%s ' "${lessons[@]##*/}")"
        return
    fi

    # build: tangle and compile the lesson with the instructor's Makefile
    mkdir -p "$wd/src/lessons"
    cp "${lessons[0]}" "$wd/src/lessons/"
    step build "$sandbox" --kit "$kit" "${build_limits[@]}" "$wd/src" -- \
        "${make_args[@]}" "build/$week/lesson.o" >"$wd/build.log" 2>&1
    case $rc in
    0) ;;
    124) ungraded "$week" timeout "the build ran past $ROSTER_BUILD_WALL s" "$wd/build.log"; return ;;
    125) ungraded "$week" error "the sandbox could not start: $(tail -n 1 "$wd/build.log")"; return ;;
    *) ungraded "$week" not_building "$(first_error "$wd/build.log")" "$wd/build.log"; return ;;
    esac

    # symbols and link: the object alone, in a folder of its own
    if ! take "$wd/src/build/$week/lesson.o" "$wd/link/build/$week/lesson.o"; then
        ungraded "$week" not_building "the build wrote no build/$week/lesson.o" "$wd/build.log"
        return
    fi
    step symbols "$sandbox" --kit "$kit" "${build_limits[@]}" "$wd/link" -- \
        grader/check_symbols.sh "build/$week/lesson.o" >"$wd/symbols.log" 2>&1
    case $rc in
    0) ;;
    1)
        reason=$(grep '^symbols: build/' "$wd/symbols.log" | sed 's/^symbols: build\/[^:]*: //' | paste -sd';' | sed 's/;/; /g')
        ungraded "$week" forbidden "${reason:-$(tail -n 1 "$wd/symbols.log")}" "$wd/symbols.log"
        return
        ;;
    *) ungraded "$week" error "the symbol check could not run: $(tail -n 1 "$wd/symbols.log")"; return ;;
    esac
    step link "$sandbox" --kit "$kit" "${build_limits[@]}" "$wd/link" -- \
        "${make_args[@]}" -o "build/$week/lesson.o" "build/$week/grade" >"$wd/link.log" 2>&1
    if [ "$rc" -ne 0 ] || ! take "$wd/link/build/$week/grade" "$wd/run/grade"; then
        ungraded "$week" not_building "link: $(first_error "$wd/link.log")" "$wd/link.log"
        return
    fi
    chmod 0755 "$wd/run/grade"

    # grade: the binary alone, with the GPU, the seed and the hidden shapes
    local grade_sbx=(--gpu --wall "$ROSTER_GRADE_WALL" --cpu "$ROSTER_GRADE_CPU" --as 0
        --nproc "$ROSTER_NPROC" --fsize "$ROSTER_FSIZE" --env GRADER_SEED --env WB_COMMIT)
    local grade_args=(--time --report-dir /work/reports)
    if [ -f "$kit/grader/$week.score" ]; then
        grade_sbx+=(--ro "$kit/grader/$week.score:/kit/$week.score")
        grade_args+=(--score "/kit/$week.score")
    fi
    if [ -n "${CUDA_VISIBLE_DEVICES+set}" ]; then
        grade_sbx+=(--env CUDA_VISIBLE_DEVICES --env CUDA_DEVICE_ORDER)
    fi
    # the hidden shapes on descriptor 3: a copy the command's user may open
    # again as /dev/fd/3, in a folder the sandbox does not show
    local hidden=/dev/null uid
    if [ -f "$secret/hidden.txt" ]; then
        grade_sbx+=(--env GRADER_HIDDEN --keep-fd3)
        hidden=$wd/hidden
        (umask 077 && cp "$secret/hidden.txt" "$hidden")
        uid=$(roster_sandbox_uid)
        [ -z "$uid" ] || chown "$uid:$uid" "$hidden"
        chmod 0400 "$hidden"
    fi
    # shellcheck disable=SC2206 # ROSTER_GRADE_ARGS is a list of words
    grade_args+=(${ROSTER_GRADE_ARGS:-})
    mkdir -p "$wd/run/reports"
    step grade sandboxed_grade "${grade_sbx[@]}" "$wd/run" -- \
        /work/grade "${grade_args[@]}" >"$wd/grade.log" 2>&1 3<"$hidden"
    rm -f "$wd/hidden"
    for f in "$week.json" "$week.tap" "$week.junit.xml" results.json; do
        take "$wd/run/reports/$f" "$wd/report/$f" || true
    done
    [ -f "$wd/report/$week.json" ] && report=$wd/report/$week.json
    local rejected=''
    if [ -n "$report" ]; then
        if ! jq -e --arg w "$week" '.schema == "workbook-results/1" and .week == $w' "$report" >/dev/null 2>&1; then
            rejected="the grader's report is not a $week report of schema workbook-results/1"
        elif [ "$(jq -r '.env.seed_string // (.env.seed | tostring)' "$report")" != "$seed" ]; then
            rejected="the report's seed is not the roster's: it did not come from this run"
        fi
        if [ -n "$rejected" ]; then
            mv "$report" "$report.rejected"
            report=''
        fi
    fi

    case $rc in
    0) verdict=passed reason="" ;;
    1) verdict=failed reason=$([ -z "$report" ] || failures "$report") ;;
    2)
        if [ -n "$report" ] && [ "$(jq -r '.env.have_device' "$report")" = false ]; then
            verdict=no_device reason="skipped: no CUDA device ($(jq -r '.env.no_device_reason' "$report"))"
        else
            verdict=error reason="the grader could not run: $(grep -v '^[[:space:]]*$' "$wd/grade.log" | tail -n 1)"
        fi
        ;;
    124) verdict=timeout reason="the grade ran past $ROSTER_GRADE_WALL s" ;;
    125) verdict=error reason="the sandbox could not start: $(tail -n 1 "$wd/grade.log")" ;;
    *)
        verdict=crashed
        if [ "$rc" -gt 128 ]; then
            reason="the grader died of signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null || echo ?))"
        else
            reason="the grader exited with status $rc"
        fi
        ;;
    esac
    if [ -n "$rejected" ]; then
        verdict=error reason=$rejected
    elif [ -z "$report" ] && [ "$verdict" != timeout ] && [ "$verdict" != crashed ]; then
        verdict=error reason="the grader wrote no report (exit $rc): $(grep -v '^[[:space:]]*$' "$wd/grade.log" | tail -n 1)"
    fi
    [ -n "$report" ] || gradescope_ungraded "$week" "$verdict" "$reason" "$wd/grade.log"
    record "$week" "$verdict" "$reason" "$report"
}

mkdir -p "$sdir"
stage
for week in "${weeks[@]}"; do
    # a finished week is kept; one the roster itself could not grade (an
    # error: no sandbox, no grader) is tried again
    if [ -f "$sdir/$week/record.json" ] &&
        [ "$(jq -r .verdict "$sdir/$week/record.json" 2>/dev/null)" != error ]; then
        continue
    fi
    grade_week "$week"
done
