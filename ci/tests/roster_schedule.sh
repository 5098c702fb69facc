#!/usr/bin/env bash
# roster_schedule.sh: ci/roster/schedule.sh with fake GPUs (a stand-in
# nvidia-smi on PATH) and a stand-in grader in place of grade-one.sh, no GPU
# needed: one worker per GPU, each submission on one GPU from start to end,
# never two at a time on a GPU, a free GPU takes the next submission, every
# record names its GPU, and the class report says when GPU models differ.
#
#   ci/tests/roster_schedule.sh
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
# shellcheck source=ci/tests/tap.sh
. "$here/tap.sh"
command -v jq >/dev/null 2>&1 || { echo "skipped: jq not installed"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/kit/grader"
touch "$tmp/kit/grader/week0.c"

# nvidia-smi as the scheduler asks it: "index, uuid, name" a line, from $FAKE_GPUS
cat >"$tmp/bin/nvidia-smi" <<'EOF'
#!/usr/bin/env bash
[ -n "${FAKE_GPUS:-}" ] || { echo "No devices were found" >&2; exit 6; }
printf '%s\n' "$FAKE_GPUS"
EOF
# the stand-in for grade-one.sh: logs when it ran on which GPU, sleeps as long
# as the student's name says (slow-*: 3 s), writes the report a grader would
# (its env naming the GPU that CUDA_VISIBLE_DEVICES gave it) and the record
cat >"$tmp/bin/grade-one" <<EOF
#!/usr/bin/env bash
set -euo pipefail
out=\$1 student=\$2
[ "\$student" != broken ] || { echo "grade-one: cannot stage \$student" >&2; exit 1; }
start=\$(date +%s.%N)
case \$student in slow-*) sleep 3 ;; *) sleep 0.3 ;; esac
line=\$(printf '%s\n' "\${FAKE_GPUS:-}" | awk -F', ' -v i="\${CUDA_VISIBLE_DEVICES:-none}" '\$1 == i')
uuid=\$(cut -d, -f2 <<<"\$line" | tr -d ' ') name=\$(cut -d, -f3- <<<"\$line" | sed 's/^ *//')
dir=\$out/students/\$student/week0
mkdir -p "\$dir/report"
jq -n --arg gpu "\$name" --arg uuid "\$uuid" --arg index "\${CUDA_VISIBLE_DEVICES:-}" --arg s "\$student" '{
    schema: "workbook-results/1", week: "week0",
    env: {have_device: (\$gpu != ""), gpu: \$gpu, gpu_uuid: \$uuid, gpu_index: \$index},
    summary: {tests: 2, passed: 2, failed: 0, skipped: 0},
    score: {total: 90, max: 100, items: [
        {kind: "correctness", variant: "copy", points: 55, max_points: 55},
        {kind: "performance", variant: "copy", points: (if (\$gpu | test("A100")) then 30 else 35 end), max_points: 45}]},
    results: []}' >"\$dir/report/week0.json"
"$repo/ci/roster/record.sh" "\$dir" "\$student" week0 passed "" '{"grade": 1}' "\$dir/report/week0.json"
printf '%s %s %s %s\n' "\${CUDA_VISIBLE_DEVICES:-none}" "\$student" "\$start" "\$(date +%s.%N)" >>"\$out/ran.log"
EOF
chmod +x "$tmp/bin/nvidia-smi" "$tmp/bin/grade-one"
export PATH=$tmp/bin:$PATH ROSTER_GRADE_ONE=$tmp/bin/grade-one
two_h200=$'0, GPU-aaaa-0000, NVIDIA H200\n1, GPU-bbbb-1111, NVIDIA H200'

# roster OUT STUDENT...: a plan of these students in OUT (and its kit)
roster() {
    local out=$1
    shift
    rm -rf "$out"
    mkdir -p "$out"
    ln -s "$tmp/kit" "$out/kit"
    for s in "$@"; do printf '%s\t/nowhere/%s\n' "$s" "$s"; done >"$out/plan.tsv"
}
# schedule OUT [--jobs J]: run the scheduler; its output in $log, status in $rc, seconds in $secs
schedule() {
    local out=$1 t0
    shift
    t0=$(date +%s.%N)
    log=$("$repo/ci/roster/schedule.sh" "$@" "$out" 2>&1)
    rc=$?
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}
students=(slow-ann bob cat dan eve fay gus hal ian)

# ---- two GPUs, one slow submission first ------------------------------------
roster "$tmp/two" "${students[@]}"
FAKE_GPUS=$two_h200 schedule "$tmp/two"
two_secs=$secs
same "two GPUs: every submission graded (exit 0)" 0 "$rc"
has "two GPUs: one worker per GPU" 'roster: 9 submission\(s\), 2 worker\(s\)' "$log"
ran=$(cat "$tmp/two/ran.log")
same "two GPUs: each submission graded once" 9 "$(cut -d' ' -f2 <<<"$ran" | sort -u | wc -l)"
same "two GPUs: both GPUs used" "0 1" "$(cut -d' ' -f1 <<<"$ran" | sort -u | xargs)"
overlap=$(sort -k1,1 -k3,3n <<<"$ran" | awk '$1 == gpu && $3 < end { print "overlap on gpu " $1 ": " $2 } { gpu = $1; end = $4 }')
same "two GPUs: never two submissions at a time on one GPU" "" "$overlap"
slow_gpu=$(awk '$2 == "slow-ann" { print $1 }' <<<"$ran")
others=$(awk -v g="$slow_gpu" '$1 != g' <<<"$ran" | wc -l)
if [ "$others" -ge 6 ]; then
    pass "two GPUs: the free GPU takes the next submissions ($others of 8 while the slow one ran)"
else
    fail "two GPUs: the free GPU takes the next submissions" "$ran"
fi
mismatch=$(jq -r 'select(.cuda_visible_devices != .gpu_index or .gpu_uuid != .scheduled_gpu_uuid) | .student' \
    "$tmp"/two/students/*/week0/record.json)
same "two GPUs: every record names the GPU it was scheduled on" "" "$mismatch"
has "two GPUs: every record names a GPU by UUID" '^GPU-(aaaa-0000|bbbb-1111)$' \
    "$(jq -r .gpu_uuid "$tmp"/two/students/*/week0/record.json | sort -u)"
gather=$("$repo/ci/roster/gather.sh" "$tmp/two" 2>&1)
has "two GPUs: the summary names the GPUs" 'GPUs: NVIDIA H200 \(2 GPU\(s\), 9 graded weeks\)' "$gather"
lacks "two GPUs of one model: no note on models" 'different GPU models' "$gather"
lacks "two GPUs: no warning" 'warning' "$gather"
has "two GPUs: the CSV names each GPU" ',"GPU-bbbb-1111","1","1",' "$(cat "$tmp/two/class.csv")"

# ---- the same plan on one GPU takes longer ----------------------------------
roster "$tmp/one" "${students[@]}"
FAKE_GPUS=$two_h200 CUDA_VISIBLE_DEVICES=1 schedule "$tmp/one"
same "CUDA_VISIBLE_DEVICES=1: only that GPU is used" "1" "$(cut -d' ' -f1 "$tmp/one/ran.log" | sort -u | xargs)"
if awk -v a="$two_secs" -v b="$secs" 'BEGIN { exit !(a < 0.85 * b) }'; then
    pass "two GPUs take less time than one ($two_secs s against $secs s)"
else
    fail "two GPUs take less time than one" "$two_secs s against $secs s"
fi

# ---- different models --------------------------------------------------------
roster "$tmp/mixed" "${students[@]}"
FAKE_GPUS=$'0, GPU-aaaa-0000, NVIDIA H200\n1, GPU-cccc-2222, NVIDIA A100-SXM4-80GB' schedule "$tmp/mixed"
gather=$("$repo/ci/roster/gather.sh" "$tmp/mixed" 2>&1)
has "two models: the summary says they differ" 'note: the class was graded on different GPU models' "$gather"
has "two models: performance points per model" 'NVIDIA A100-SXM4-80GB: mean 30; NVIDIA H200: mean 35' "$gather"

# ---- limits and failures -----------------------------------------------------
roster "$tmp/three" a b c
FAKE_GPUS=$two_h200 schedule "$tmp/three" --jobs 3
same "JOBS beyond the GPUs is refused (exit 2)" 2 "$rc"
has "JOBS beyond the GPUs says why" 'two submissions would share a GPU' "$log"

roster "$tmp/nogpu" a b c d
FAKE_GPUS='' schedule "$tmp/nogpu" --jobs 2
same "no GPU: every submission graded" 4 "$(wc -l <"$tmp/nogpu/ran.log")"
same "no GPU: CUDA_VISIBLE_DEVICES is left unset" none "$(cut -d' ' -f1 "$tmp/nogpu/ran.log" | sort -u)"
overlap=$(sort -k3,3n "$tmp/nogpu/ran.log" | awk 'NR > 1 && $3 < end { n++ } { if ($4 > end) end = $4 } END { print n + 0 }')
if [ "$overlap" -ge 1 ]; then pass "no GPU, JOBS=2: two builds at a time"; else fail "no GPU, JOBS=2: two builds at a time"; fi

roster "$tmp/broken" a broken c
FAKE_GPUS=$two_h200 schedule "$tmp/broken"
same "a submission that cannot be graded: exit 1" 1 "$rc"
has "a submission that cannot be graded is reported" 'broken: grading stopped with status 1' "$log"
same "the others are graded" "a c" "$(cut -d' ' -f2 "$tmp/broken/ran.log" | sort | xargs)"
gather=$("$repo/ci/roster/gather.sh" "$tmp/broken" 2>&1)
has "the class report lists it as not graded" 'broken +week0 .* not_graded' "$gather"

finish
