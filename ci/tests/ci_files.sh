#!/usr/bin/env bash
# ci_files.sh: the CI files work, tested without GitHub, GitLab or a GPU
# (make test's ci-files stage; make ci-validate). In order:
#   - every GitHub workflow matches its schema with its actions pinned, every
#     GitLab file GitLab's (ci/validate-ci.sh), and broken fixtures are refused;
#   - what the workflows promise, read with yq: fork safety, one GPU job at a
#     time, the triggers, the parts each GPU job runs;
#   - the new files pass the pre-commit hooks (yamllint, shellcheck, the CI
#     files), each hook runs, the linters' hooks refuse a broken file, and
#     `make hooks` installs them in a clone;
#   - the steps each GitHub workflow names run here in order
#     (ci/github/run-steps.sh), and that runner on a fixture workflow;
#   - the GitLab pipeline's no-GPU jobs run here with gitlab-ci-local's shell
#     executor (ci/gitlab-local.sh).
# Steps and jobs that need a GPU, GitHub or make test itself are skipped by
# the runners with their reasons. Without the CI tools (ci/setup.sh installs
# them with Node.js 20+) or outside a git checkout every check is skipped,
# unless CI=true: then it fails.
# Prints "N passed, N failed[, N skipped]".
# shellcheck disable=SC2016 # the expected texts hold GitHub expressions and jq/YAML $ signs, not the shell's
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. ci/tests/tap.sh
FIX=ci/tests/fixtures/ci
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PRE_COMMIT_HOME=$PWD/build/pre-commit-home

missing=""
for tool in ci/node_modules/.bin/action-validator ci/node_modules/.bin/gitlab-ci-local; do
    [ -x "$tool" ] || missing+=" $tool"
done
for tool in yq yamllint shellcheck pre-commit rsync git tap2junit xmllint; do
    command -v "$tool" >/dev/null || missing+=" $tool"
done
# pre-commit and gitlab-ci-local read git (a student edition is no checkout)
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || missing+=" a git checkout"
if [ -n "$missing" ]; then
    if [ "${CI:-}" = true ]; then
        fail "the CI-file checkers are here" "not here:$missing (ci/setup.sh installs the tools)"
    else
        skip "the CI files" "not here:$missing (ci/setup.sh installs the tools, the npm ones with Node.js 20+)"
    fi
    finish
    exit
fi

# ---- schemas and pins -------------------------------------------------------
out=$(ci/validate-ci.sh 2>&1); rc=$?
same "validate-ci: the CI files are valid" 0 "$rc"
for f in ci/github/no-gpu.yml ci/github/gpu.yml ci/github/gpu-nightly.yml; do
    has "validate-ci: $f checked" "^ok   $f: workflow schema, actions pinned$" "$out"
done
for f in ci/gitlab/.gitlab-ci.yml ci/gitlab/slurm.gitlab-ci.yml; do
    has "validate-ci: $f checked" "^ok   $f: GitLab schema$" "$out"
done
out=$(ci/validate-ci.sh "$FIX/workflows/unpinned.yml" 2>&1); rc=$?
same "validate-ci: an action by tag fails" 1 "$rc"
has "validate-ci: an action by tag is named" 'uses: actions/checkout@v4 is not pinned to a full 40-hex commit$' "$out"
out=$(ci/validate-ci.sh "$FIX/workflows/untagged.yml" 2>&1); rc=$?
same "validate-ci: a pin without its tag fails" 1 "$rc"
has "validate-ci: a pin without its tag is named at its line" \
    "$FIX/workflows/untagged.yml:9: uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 has no '# vX.Y.Z' comment" "$out"
out=$(ci/validate-ci.sh "$FIX/workflows/schema-error.yml" 2>&1); rc=$?
same "validate-ci: a schema error fails" 1 "$rc"
has "validate-ci: a schema error is named" "/jobs/a: Additional property 'stepz' is not allowed" "$out"
out=$(ci/validate-ci.sh "$FIX/gitlab/no-script.gitlab-ci.yml" 2>&1); rc=$?
same "validate-ci: a GitLab job without a script fails" 1 "$rc"
has "validate-ci: a GitLab job without a script is named" "^FAIL $FIX/gitlab/no-script.gitlab-ci.yml: .*script" "$out"

# ---- what the workflows promise ------------------------------------------------
# q FILE FILTER: one line of yq's compact output
q() { yq -c "$2" "$1"; }
G=ci/github/gpu.yml N=ci/github/gpu-nightly.yml H=ci/github/no-gpu.yml
same "gpu.yml: pull requests come through pull_request_target, never pull_request (a fork cannot edit the workflow)" \
    '[true,false]' "$(q $G '.on | [has("pull_request_target"), has("pull_request")]')"
same "gpu.yml: push to main and workflow_dispatch" '[["main"],true]' "$(q $G '[.on.push.branches, (.on | has("workflow_dispatch"))]')"
same "gpu.yml: the token reads only" '{"contents":"read"}' "$(q $G '.permissions')"
same "gpu.yml: a pull request's GPU job uses the protected environment" \
    '"${{ github.event_name == '"'pull_request_target'"' && '"'gpu-pull-request'"' || '"'gpu'"' }}"' "$(q $G '.jobs.gpu.environment')"
same "gpu.yml: the GPU job waits for the gate" '"gate"' "$(q $G '.jobs.gpu.needs')"
same "gpu.yml: the gate checks the environment's reviewers on pull requests" \
    '"github.event_name == '"'pull_request_target'"'"' "$(q $G '.jobs.gate.if')"
has "gpu.yml: the gate asks for required reviewers" 'required_reviewers' "$(q $G '.jobs.gate.steps[0].run')"
same "gpu.yml: the pull request's head is checked out without credentials" \
    '["${{ github.event.pull_request.head.sha || github.sha }}",false]' \
    "$(q $G '.jobs.gpu.steps[0].with | [.ref, .["persist-credentials"]]')"
for f in $G $N; do
    job=$(q "$f" '.jobs | to_entries[] | select(.value["runs-on"] | tostring | contains("gpu")) | .key' | tr -d '"')
    same "$f: the GPU job runs on a self-hosted runner labelled gpu" '["self-hosted","gpu"]' "$(q "$f" ".jobs[\"$job\"][\"runs-on\"]")"
    same "$f: one GPU job at a time (concurrency group gpu, none cancelled)" '{"group":"gpu","cancel-in-progress":false}' \
        "$(q "$f" ".jobs[\"$job\"].concurrency")"
done
same "gpu.yml: the GPU job's steps, in order" \
    '["ci/setup.sh","ci/gpu-job.sh build","ci/gpu-job.sh test","ci/gpu-job.sh grade","ci/gpu-job.sh perf","ci/gpu-job.sh report >> \"$GITHUB_STEP_SUMMARY\""]' \
    "$(q $G '[.jobs.gpu.steps[] | .run // empty]')"
same "gpu-nightly.yml: a nightly schedule and workflow_dispatch" '[true,true]' \
    "$(q $N '[(.on.schedule[0].cron | length > 0), (.on | has("workflow_dispatch"))]')"
same "gpu-nightly.yml: profile, sanitize, the benches and sweeps" \
    '["ci/setup.sh","ci/gpu-job.sh build","ci/gpu-job.sh profile","ci/gpu-job.sh sanitize","ci/gpu-job.sh perf","ci/gpu-job.sh sweeps","ci/gpu-job.sh report >> \"$GITHUB_STEP_SUMMARY\""]' \
    "$(q $N '[.jobs.nightly.steps[] | .run // empty]')"
same "no-gpu.yml: a hosted runner runs .ci/run" '["ubuntu-24.04",[".ci/run"]]' \
    "$(q $H '[.jobs.test["runs-on"], [.jobs.test.steps[] | select(.run == ".ci/run") | .run]]')"
same "no-gpu.yml: the book is uploaded, and its absence fails" '["book/out","error"]' \
    "$(q $H '.jobs.test.steps[] | select(.with.name == "book") | [.with.path, .with["if-no-files-found"]]')"
known=$(ci/gpu-job.sh bogus 2>&1 | sed -n 's/.*(\(.*\)).*/\1/p')
used=$(cat ci/github/*.yml | sed -n 's/.*ci\/gpu-job\.sh \([a-z ]*\).*/\1/p'
    ci/gitlab-local.sh --file ci/gitlab/.gitlab-ci.yml --preview 2>/dev/null | yq -r '.variables | .GPU_PARTS, .NIGHTLY_PARTS')
unknown=$(for p in $used; do [[ " $known " == *" $p "* ]] || echo "$p"; done | sort -u)
same "every ci/gpu-job.sh part the workflows and pipelines name exists" "" "$unknown"

gitlab=$(ci/gitlab-local.sh --file ci/gitlab/.gitlab-ci.yml --preview 2>/dev/null)
slurm=$(ci/gitlab-local.sh --file ci/gitlab/slurm.gitlab-ci.yml --preview 2>/dev/null)
for job in gpu gpu-nightly; do
    same "GitLab $job: the runner tagged gpu, one job at a time (resource_group gpu)" '[["gpu"],"gpu"]' \
        "$(yq -c ".[\"$job\"] | [.tags, .resource_group]" <<<"$gitlab")"
    same "GitLab $job: starts through \$GPU_LAUNCH" '"$GPU_LAUNCH ci/gpu-job.sh' \
        "$(yq -c ".[\"$job\"].script[0]" <<<"$gitlab" | cut -d' ' -f1-2)"
    same "Slurm variant $job: the runner tagged slurm" '["slurm"]' "$(yq -c ".[\"$job\"].tags" <<<"$slurm")"
done
same "GitLab gpu: a merge request's GPU job waits for someone to start it" '"manual"' \
    "$(yq -c '.gpu.rules[] | select(.if | contains("merge_request_event")) | .when' <<<"$gitlab")"
same "GitLab gpu-nightly: from a schedule only" '[{"if":"$CI_PIPELINE_SOURCE == \"schedule\""}]' \
    "$(yq -c '.["gpu-nightly"].rules' <<<"$gitlab")"
same "GitLab: nothing launches the GPU jobs but themselves" '""' "$(yq -c '.variables.GPU_LAUNCH' <<<"$gitlab")"
has "Slurm variant: the GPU jobs start with srun, one GPU" '^"srun --partition=\$SLURM_PARTITION --gres=gpu:1 ' \
    "$(yq -c '.variables.GPU_LAUNCH' <<<"$slurm")"
same "GitLab test: JUnit to the test tab, the book as an artifact" '["build/junit/**/*.junit.xml",true]' \
    "$(yq -c '.test.artifacts | [.reports.junit, (.paths | index("book/out/") != null)]' <<<"$gitlab")"

# ---- lint and the pre-commit hooks ---------------------------------------------
mine=(.pre-commit-config.yaml .yamllint ci/github/*.yml ci/github/run-steps.sh ci/gitlab/.gitlab-ci.yml
    ci/gitlab/slurm.gitlab-ci.yml ci/gitlab-local.sh ci/validate-ci.sh ci/gpu-job.sh ci/perf-smoke.sh
    ci/wait-gpu-idle.sh ci/junit.sh ci/install-cuda.sh ci/tests/ci_files.sh ci/tests/perf_smoke.sh
    ci/tests/wait_gpu_idle.sh ci/tests/junit_writer.sh ci/tests/gpu_job.sh)
out=$(pre-commit validate-config .pre-commit-config.yaml 2>&1); rc=$?
same "pre-commit: the hooks' configuration is valid" 0 "$rc"
same "pre-commit: every hook is local and installs nothing" '["local"] ["system"]' \
    "$(q .pre-commit-config.yaml '[.repos[].repo] | unique') $(q .pre-commit-config.yaml '[.repos[].hooks[].language] | unique')"
out=$(pre-commit run --files "${mine[@]}" 2>&1); rc=$?
same "pre-commit: the CI files and scripts pass every hook" 0 "$rc"
for hook in shellcheck "yamllint \(.yamllint\)" "CI files match their schemas, actions pinned"; do
    has "pre-commit: $hook ran on them" "^$hook\.+Passed$" "$out"
done
out=$(pre-commit run clang-format --files grader/rng.c 2>&1); rc=$?
same "pre-commit clang-format: a formatted file passes" 0 "$rc"
mkdir -p build/tmp
printf 'int  main( void ){return 0;}\n' >build/tmp/misformatted.c
out=$(pre-commit run clang-format --files build/tmp/misformatted.c 2>&1); rc=$?
same "pre-commit clang-format: a misformatted file fails" 1 "$rc"
lesson=$(ls lessons/week0-*.nw)
out=$(pre-commit run tangled-current --files "$lesson" 2>&1); rc=$?
same "pre-commit tangled-current: runs check-tangled and passes" 0 "$rc"
has "pre-commit tangled-current: its output" 'tangled/ is current with lessons/' "$(pre-commit run tangled-current --verbose --files "$lesson" 2>&1)"
out=$(pre-commit run lint-lessons --files "$lesson" 2>&1); rc=$?
same "pre-commit lint-lessons: a lesson passes" 0 "$rc"
printf '#!/usr/bin/env bash\necho $1\n' >build/tmp/unquoted.sh
out=$(pre-commit run shellcheck --files build/tmp/unquoted.sh 2>&1); rc=$?
same "pre-commit shellcheck: an unquoted expansion fails" 1 "$rc"
has "pre-commit shellcheck: names it" 'SC2086' "$out"
printf 'key:  value\n' >build/tmp/spaced.yml
out=$(pre-commit run yamllint --files build/tmp/spaced.yml 2>&1); rc=$?
same "pre-commit yamllint: a badly spaced file fails" 1 "$rc"
has "pre-commit yamllint: names it" 'too many spaces after colon' "$out"
git clone --quiet . "$tmp/clone" 2>/dev/null
out=$(make -C "$tmp/clone" --no-print-directory hooks 2>&1); rc=$?
same "make hooks: installs them in a clone" 0 "$rc"
has "make hooks: the git hook runs pre-commit" 'pre-commit' "$(cat "$tmp/clone/.git/hooks/pre-commit" 2>&1)"

# ---- the GitHub workflows' steps, here ----------------------------------------
for f in ci/github/*.yml; do
    out=$(ci/github/run-steps.sh "$f" 2>&1); rc=$?
    same "run-steps $f: every step run here passes" 0 "$rc"
    has "run-steps $f: some steps ran" '^[1-9][0-9]* passed, 0 failed' "$out"
    printf '%s\n' "$out" | sed -n 's/^skip /     skipped: /p'
done
out=$(ci/github/run-steps.sh $H 2>&1)
has "no-gpu.yml: the setup step ran" '^ok   test / Debian packages and the CI tools$' "$out"
has "no-gpu.yml: .ci/run is not run inside make test, and says why" '^skip test / \.ci/run: it runs make test' "$out"
has "no-gpu.yml: the JUnit summary was written" '^### Test results \(JUnit\)$' \
    "$(cat build/ci-local/github/no-gpu/test-*.summary.md 2>/dev/null)"
out=$(ci/github/run-steps.sh $G 2>&1)
has "gpu.yml: the build step ran" '^ok   gpu / Build$' "$out"
has "gpu.yml: make grade is skipped for want of a GPU" '^skip gpu / make grade, every week: needs a GPU$' "$out"

: >"$tmp/order"
out=$(ORDER=$tmp/order ci/github/run-steps.sh "$FIX/workflows/steps.yml" 2>&1); rc=$?
same "run-steps fixture: a failed step fails the run" 1 "$rc"
same "run-steps fixture: the steps that run, in order, with the right env" "one step job two always third" \
    "$(paste -sd' ' "$tmp/order")"
has "run-steps fixture: a marked step is skipped with its reason" '^skip first / marked: stands for a GPU step$' "$out"
has "run-steps fixture: a condition is GitHub's" "^skip first / conditional: if: github.event_name == 'push' is GitHub's to evaluate$" "$out"
has "run-steps fixture: an action is skipped" '^skip first / an action: uses actions/checkout@' "$out"
has "run-steps fixture: an expression fails" '^FAIL first / expression: a \$\{\{ \}\} expression' "$out"
has "run-steps fixture: after a failure, the job's next step is skipped" '^skip first / after the failure: step 8 of first failed$' "$out"
has "run-steps fixture: pipefail, as GitHub's bash runs" '^FAIL second / pipefail' "$out"
has "run-steps fixture: the step summary is kept" '^a summary line$' \
    "$(cat build/ci-local/github/steps/first-7.summary.md 2>/dev/null)"
has "run-steps fixture: the tally" '^6 passed, 2 failed, 5 skipped$' "$out"

# ---- the GitLab pipeline's no-GPU jobs, here ------------------------------------
jobs=() 
while IFS=$'\t' read -r job reason; do
    if [ -n "$reason" ]; then skip "GitLab job $job" "$reason"; else jobs+=("$job"); fi
done < <(yq -r 'to_entries[] | select((.value | type) == "object" and (.value | has("script")))
    | select(.value.tags == null or (.value.tags | index("gpu") == null))
    | [.key, (.value.variables.WB_LOCAL_SKIP // "")] | @tsv' <<<"$gitlab")
if [ ${#jobs[@]} -eq 0 ]; then
    fail "GitLab: some no-GPU job runs here" "the pipeline has none that make test may run"
else
    out=$(ci/gitlab-local.sh --file ci/gitlab/.gitlab-ci.yml "${jobs[@]}" 2>&1); rc=$?
    same "GitLab no-GPU jobs (${jobs[*]}): pass in gitlab-ci-local's shell executor" 0 "$rc"
    for job in "${jobs[@]}"; do
        has "GitLab $job: passed" "PASS +$job\$" "$out"
    done
    [ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/     /'
fi
if [[ " ${jobs[*]} " == *" student-edition "* ]]; then
    same "GitLab student-edition: its artifact is the edition's tarball" yes \
        "$([ -s build/gitlab-ci-local/artifacts/student-edition/dist/student.tar.gz ] && echo yes)"
fi

finish
