#!/usr/bin/env bash
# gitlab-local.sh: gitlab-ci-local (ci/node_modules, from ci/setup.sh) as the
# workbook runs it: GitLab jobs here, in this checkout, with the shell executor
# (no Docker: a job's image is not pulled), state and home under build/.
#
#   ci/gitlab-local.sh --file ci/gitlab/.gitlab-ci.yml --list
#   ci/gitlab-local.sh --file ci/gitlab/.gitlab-ci.yml student-edition
#
# Any other gitlab-ci-local option passes through. Job artifacts land in
# build/gitlab-ci-local/artifacts/JOB/.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=ci/node_modules/.bin/gitlab-ci-local
[ -x "$tool" ] || { echo "gitlab-local: $tool not found; ci/setup.sh installs it" >&2; exit 2; }
mkdir -p build/gitlab-ci-local/home
exec "$tool" --state-dir build/gitlab-ci-local --home build/gitlab-ci-local/home \
    --force-shell-executor --no-color "$@"
