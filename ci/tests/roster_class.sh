#!/usr/bin/env bash
# roster_class.sh: grade the generated test class (ci/roster/make-class.sh)
# with the roster, without a GPU: every submission is built in its sandbox,
# the escapes are refused at build, the graders say "skipped: no CUDA
# device", the CSV, summary and Gradescope files are written, an interrupted
# roster resumes where it stopped, and only the grade step gets the seed and
# the hidden shapes. Week 0 only, compiled for one architecture (CUDA_ARCH,
# default 90), to keep it short.
#
#   ci/tests/roster_class.sh [WORKDIR]    (default build/test-roster)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
# shellcheck source=ci/tests/tap.sh
. "$here/tap.sh"

for tool in bwrap jq notangle; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skipped: $tool not installed (ci/setup.sh installs it)"
        echo "0 passed, 0 failed, 1 skipped"
        exit 0
    fi
done
base=${1:-$repo/build/test-roster}
class=$base/class
out=$base/out
rm -rf "$class" "$out"
mkdir -p "$base"
export CUDA_ARCH=${CUDA_ARCH:-90} ROSTER_WEEKS=0 ROSTER_KIT=$base/kit
export GRADER_SEED=20261203 GRADER_HIDDEN=$class/secret/hidden.txt
# the no-GPU path even where a GPU is present: the sandboxes get no GPU
export ROSTER_NO_GPU=1

if ! "$repo/ci/roster/make-class.sh" "$class" >"$base/make-class.log" 2>&1; then
    fail "the test class is generated" "$(tail -n 20 "$base/make-class.log")"
    finish
    exit 1
fi
n=$(wc -l <"$class/roster.csv")
pass "the test class is generated ($n submissions)"

# every sandbox step is recorded (its options), then run
spy=$base/spy.sh
cat >"$spy" <<EOF
#!/usr/bin/env bash
printf '%s\n' "\$*" | sed 's/ -- .*//' >>"$base/steps.log"
exec "$repo/ci/roster/sandbox.sh" "\$@"
EOF
chmod +x "$spy"
rm -f "$base/steps.log"
export ROSTER_SANDBOX=$spy

# ---- a roster stopped halfway, then resumed ---------------------------------
"$repo/ci/roster/roster.sh" --out "$out" "$class/submissions" >"$base/run1.log" 2>&1 &
roster=$!
for _ in $(seq 600); do
    done_now=$(find "$out/students" -name record.json 2>/dev/null | wc -l)
    [ "$done_now" -ge 3 ] && break
    kill -0 "$roster" 2>/dev/null || break
    sleep 0.5
done
kill -TERM "$roster" 2>/dev/null
wait "$roster"
rc1=$?
before=$(find "$out/students" -name record.json | sort)
nbefore=$(grep -c . <<<"$before")
if [ "$rc1" -ne 0 ] && [ "$nbefore" -ge 3 ] && [ "$nbefore" -lt "$n" ]; then
    pass "a roster stopped after $nbefore of $n submissions stops (exit $rc1)"
else
    fail "a roster stopped halfway stops" "exit $rc1, $nbefore records; $(tail -n 5 "$base/run1.log")"
fi
declare -A dates=()
for r in $before; do dates[$r]=$(jq -r .date "$r"); done

start=$(date +%s)
"$repo/ci/roster/roster.sh" --out "$out" "$class/submissions" >"$base/run2.log" 2>&1
rc2=$?
took=$(($(date +%s) - start))
same "the resumed roster ends (exit 0)" 0 "$rc2"
same "every submission has a record" "$n" "$(find "$out/students" -name record.json | wc -l)"
kept=0
for r in $before; do
    [ "$(jq -r .date "$r")" = "${dates[$r]}" ] && kept=$((kept + 1))
done
same "the records written before the stop are kept, not graded again" "$nbefore" "$kept"
graded=$(grep -c '^\[worker 0\] ' "$base/run2.log")
same "the resumed roster grades only the rest" $((n - nbefore)) "$graded"
echo "# roster of $n submissions: resumed run took $took s for $((n - nbefore)) of them"

# ---- verdicts, reasons and files: ci/roster/check-class.sh ------------------
check "every submission's verdict, reason and files are the expected ones (ci/roster/check-class.sh)" \
    "$repo/ci/roster/check-class.sh" "$class" "$out"

# ---- the class report ---------------------------------------------------------
header=$(head -n 1 "$out/class.csv")
has "the CSV starts with student, week, points and verdict" \
    '^student,week,correctness,performance,total,verdict,' "$header"
same "one CSV row per submission" "$n" "$(($(wc -l <"$out/class.csv") - 1))"
has "the summary counts the verdicts" '^verdicts: .*forbidden 3' "$(cat "$out/summary.txt")"
has "the summary says no GPU timed anything" '^GPUs: none' "$(cat "$out/summary.txt")"

# ---- the secrets reached the grader, and only it ------------------------------
report=$out/students/full-marks/week0/report/week0.json
same "the grader's report carries the roster's seed" "$GRADER_SEED" "$(jq -r .env.seed_string "$report")"
has "the hidden shapes reached the grader (descriptor 3)" '257x263' \
    "$(jq -r '.results[] | "\(.variant)/\(.rows)x\(.cols)"' "$report" | sort -u)"
steps=$(cat "$base/steps.log")
grade_steps=$(grep -c -- '--gpu' <<<"$steps")
same "a grade step for each submission that built, and for no other" 5 \
    "$(grep -- '--gpu' <<<"$steps" | grep -oE 'students/[^/]+/week0/run' | sort -u | wc -l)"
lacks "no build, symbol or link step gets the seed" '^--kit .*GRADER_SEED' "$steps"
lacks "no build, symbol or link step keeps descriptor 3" '^--kit .*--keep-fd3' "$steps"
same "every grade step gets the seed and descriptor 3" "$grade_steps" \
    "$(grep -- '--gpu' <<<"$steps" | grep -- '--env GRADER_SEED' | grep -c -- '--keep-fd3')"
lacks "the seed is on no sandbox command line" "$GRADER_SEED" "$steps"

# ---- once finished, a roster does nothing more ----------------------------------
"$repo/ci/roster/roster.sh" --out "$out" "$class/submissions" >"$base/run3.log" 2>&1
same "a finished roster grades nothing again" 0 "$(grep -c '^\[worker' "$base/run3.log")"
out3=$(GRADER_SEED=1 "$repo/ci/roster/roster.sh" --out "$out" "$class/submissions" 2>&1)
has "a resumed roster refuses another seed" "graded with another GRADER_SEED" "$out3"

# ---- the CSV form of the roster, and its errors ----------------------------------
plan_dir=$("$repo/ci/roster/plan.sh" "$class/submissions" 2>/dev/null | sort)
plan_csv=$("$repo/ci/roster/plan.sh" "$class/roster.csv" 2>/dev/null | sort)
same "the CSV roster names the same submissions as the folder" "$plan_dir" "$plan_csv"
printf 'student,path\nbad id,submissions/full-marks\nann,submissions/nobody\nfull-marks,submissions/full-marks\nfull-marks,submissions/hanging\n' \
    >"$class/bad.csv"
bad_plan=$("$repo/ci/roster/plan.sh" "$class/bad.csv" 2>&1)
same "a bad roster stops the plan (exit 2)" 2 "$?"
has "a bad id is named with its line" "bad\.csv:2: student id 'bad id'" "$bad_plan"
has "a missing path is named with its line" "bad\.csv:3: .*nobody: no such" "$bad_plan"
has "a student named twice is named with its line" "bad\.csv:5: student 'full-marks' is already" "$bad_plan"

finish
