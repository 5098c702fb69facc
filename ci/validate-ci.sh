#!/usr/bin/env bash
# validate-ci.sh: the CI files match their schemas, and every GitHub action is
# pinned to a commit. make test (ci/tests/ci_files.sh) and the pre-commit hook
# `ci-files` run it.
#
#   ci/validate-ci.sh [FILE...]    default: ci/github/*.yml and ci/gitlab/*.yml
#
# A file named *gitlab-ci.yml is a GitLab pipeline: gitlab-ci-local reads it
# with its includes and checks it against GitLab's schema. Any other is a
# GitHub workflow: action-validator checks it against the workflow schema, and
# every `uses:` must be OWNER/REPO[/PATH]@ a full 40-hex commit, with the tag
# it stands for in a comment on the same line (`# v4.2.2`); a local action
# (./path) needs none. Both tools come from ci/package.json (ci/setup.sh).
# One line per file; exit 1 when one is wrong, naming the file and why.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
validator=ci/node_modules/.bin/action-validator
for tool in "$validator" ci/node_modules/.bin/gitlab-ci-local; do
    [ -x "$tool" ] || { echo "validate-ci: $tool not found; ci/setup.sh installs it" >&2; exit 2; }
done
command -v yq >/dev/null || { echo "validate-ci: yq not found (ci/setup.sh installs Debian's yq)" >&2; exit 2; }

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    files=(ci/github/*.yml ci/gitlab/*.yml ci/gitlab/.gitlab-ci.yml)
fi

# pins FILE: one line per `uses:` that is not pinned to a commit with its tag beside it
pins() {
    local file=$1 uses line n
    while IFS= read -r uses; do
        case $uses in ./*) continue ;; esac
        if [[ ! $uses =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$ ]]; then
            echo "$file: uses: $uses is not pinned to a full 40-hex commit"
            continue
        fi
        n=0
        while IFS= read -r line; do
            n=$((n + 1))
            [[ $line =~ \#[[:space:]]*v[0-9] ]] ||
                echo "$file:${line%%:*}: uses: $uses has no '# vX.Y.Z' comment naming the tag it pins"
        done < <(grep -nF -- "$uses" "$file")
        [ "$n" -gt 0 ] || echo "$file: uses: $uses: its line was not found for the tag comment"
    done < <(yq -r '[.. | objects | select(has("uses")) | .uses] | unique[]' "$file")
}

# action-validator's errors, one line each: the innermost details where it has them
# shellcheck disable=SC2016 # jq's variables, not the shell's
schema_errors_jq='.errors[] as $e
| ([$e | .. | objects | select(has("detail")) | "\(.path): \(.detail)"] | unique) as $details
| if ($details | length) > 0 then $details[] else "\($e.path): \($e.title)" end'

status=0
for file in "${files[@]}"; do
    if [ ! -f "$file" ]; then
        echo "FAIL $file: no such file"
        status=1
        continue
    fi
    case $file in
        *gitlab-ci.yml)
            if out=$(ci/gitlab-local.sh --file "$file" --list 2>&1); then
                echo "ok   $file: GitLab schema"
            else
                echo "FAIL $file: $(grep -vE 'remote|origin|symbolic-ref|Using fallback|finished in|validated in' <<<"$out")"
                status=1
            fi
            ;;
        *)
            problems=""
            out=$("$validator" "$file" 2>&1) ||
                problems=$(jq -r "$schema_errors_jq" <<<"$out" 2>/dev/null || echo "$out")
            problems+=$(pins "$file")
            if [ -z "$problems" ]; then
                echo "ok   $file: workflow schema, actions pinned"
            else
                echo "FAIL $file:"
                while IFS= read -r problem; do echo "     $problem"; done <<<"$problems"
                status=1
            fi
            ;;
    esac
done
exit $status
