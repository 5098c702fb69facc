#!/usr/bin/env bash
# run-steps.sh: run a GitHub workflow's `run:` steps here, job by job and in
# order, as a runner would (bash -eo pipefail, from the repository root, with
# the workflow's, job's and step's env), so that `make test` proves the steps
# work without GitHub and without a GPU.
#
#   ci/github/run-steps.sh WORKFLOW.yml
#
# Not run, each with its reason on a "skip" line:
#   - `uses:` steps: actions run on GitHub only (but the paths of one that
#     fails when it finds no files, an upload, must exist by then);
#   - steps whose env sets WB_LOCAL_SKIP: its value says why (a GPU, GitHub's
#     API, or `make test` itself, which runs this script);
#   - steps whose `if:` is a condition other than always(), !cancelled() or
#     success(): only GitHub can evaluate it;
#   - the rest of a job after a failed step, unless always() or !cancelled().
# A step that is run must not hold a ${{ }} expression in its script or env
# (pass such values in through a skipped step, or mark the step): it fails.
# Jobs' own `if:`, `needs:` and `runs-on:` are not looked at. GITHUB_STEP_SUMMARY,
# GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH and RUNNER_TEMP point into
# build/ci-local/github/NAME/, where each step's log is kept too.
# Last line: "N passed, N failed, N skipped"; exit 1 when a step failed.
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: ci/github/run-steps.sh WORKFLOW.yml" >&2; exit 2; }
workflow=$(realpath "$1") || exit 2
cd "$(dirname "$0")/../.." || exit 2
command -v yq >/dev/null || { echo "run-steps: yq not found (ci/setup.sh installs Debian's yq)" >&2; exit 2; }

root=$PWD
name=$(basename "$workflow" .yml)
work=$root/build/ci-local/github/$name
rm -rf "$work"
mkdir -p "$work/runner-temp"

# one JSON object per step, in file order
# shellcheck disable=SC2016 # jq's variables, not the shell's
steps_jq='
def strings: with_entries(.value |= tostring);
(.env // {} | strings) as $workflow_env
| (.defaults.run.shell // "bash") as $workflow_shell
| .jobs | to_entries[] | .key as $job | .value as $j
| ($j.steps // []) | to_entries[]
| .value as $s
| { job: $job, n: (.key + 1),
    name: ($s.name // $s.uses // ($s.run | tostring | split("\n")[0])),
    uses: $s.uses, run: $s.run, if: ($s.if // "" | tostring),
    required_paths: (if $s.with["if-no-files-found"] == "error"
                     then ($s.with.path // "" | split("\n") | map(select(length > 0))) else [] end),
    shell: ($s.shell // $j.defaults.run.shell // $workflow_shell),
    dir: ($s["working-directory"] // $j.defaults.run["working-directory"] // "."),
    skip: ($s.env.WB_LOCAL_SKIP // ""),
    env: ($workflow_env + ($j.env // {} | strings) + ($s.env // {} | strings)) }'
if ! steps=$(yq -c "$steps_jq" "$workflow" 2>"$work/yq.err"); then
    echo "run-steps: $1: cannot read the workflow: $(cat "$work/yq.err")" >&2
    exit 2
fi

passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
skip() { skipped=$((skipped + 1)); printf 'skip %s: %s\n' "$1" "$2"; }

# the condition without ${{ }} and blanks
bare_condition() { sed -e 's/^\${{//' -e 's/}}$//' -e 's/[[:space:]]//g' <<<"$1"; }

# field NAME: that field of the current step, "" when absent
field() { jq -r ".$1 // \"\"" <<<"$step"; }

job_failed="" last_job=""
while IFS= read -r step; do
    job=$(field job) n=$(field n)
    label="$job / $(field name)"
    [ "$job" = "$last_job" ] || job_failed=""
    last_job=$job
    condition=$(bare_condition "$(field if)")
    if [ -n "$job_failed" ] && [ "$condition" != "always()" ] && [ "$condition" != "!cancelled()" ]; then
        skip "$label" "step $job_failed of $job failed"
        continue
    fi
    if [ -n "$(field uses)" ]; then
        missing=$(jq -r '.required_paths[]' <<<"$step" | while IFS= read -r p; do [ -e "$p" ] || echo "$p"; done)
        if [ -n "$missing" ]; then
            bad "$label: its if-no-files-found is error, and there is no ${missing//$'\n'/, } after the steps before it"
        else
            skip "$label" "uses $(field uses): an action runs on GitHub only"
        fi
        continue
    fi
    if [ -n "$(field skip)" ]; then
        skip "$label" "$(field skip)"
        continue
    fi
    case $condition in
        "" | "always()" | "!cancelled()" | "success()") ;;
        *) skip "$label" "if: $(field if) is GitHub's to evaluate"; continue ;;
    esac
    if [ "$(field shell)" != bash ]; then
        bad "$label: shell $(field shell); steps run here with bash only"
        job_failed=$n
        continue
    fi
    if jq -e '[.run, (.env | to_entries[] | .value)] | any(contains("${{"))' <<<"$step" >/dev/null; then
        bad "$label: a \${{ }} expression in its script or env, which only GitHub evaluates (pass it through a skipped step or mark the step WB_LOCAL_SKIP)"
        job_failed=$n
        continue
    fi
    field run >"$work/$job-$n.sh"
    envs=()
    while IFS= read -r -d '' kv; do envs+=("$kv"); done < <(jq -j '.env | to_entries[] | "\(.key)=\(.value)\u0000"' <<<"$step")
    for f in summary env output path; do : >"$work/$f"; done
    log=$work/$job-$n.log
    if (cd "$(field dir)" && env CI=true GITHUB_WORKSPACE="$root" RUNNER_TEMP="$work/runner-temp" \
        GITHUB_STEP_SUMMARY="$work/summary" GITHUB_ENV="$work/env" GITHUB_OUTPUT="$work/output" \
        GITHUB_PATH="$work/path" "${envs[@]}" \
        bash --noprofile --norc -eo pipefail "$work/$job-$n.sh") >"$log" 2>&1 </dev/null; then
        ok "$label"
        cp "$work/summary" "$work/$job-$n.summary.md"
    else
        bad "$label (log: ${log#"$root"/})"
        tail -n 20 "$log" | sed 's/^/     /'
        job_failed=$n
    fi
done <<<"$steps"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
