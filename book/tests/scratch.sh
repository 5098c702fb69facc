# shellcheck shell=bash
# book/tests/scratch.sh: what every book test sources once it is at the
# repository root: the TAP assertions (ci/tests/tap.sh) and WORK, a scratch
# folder removed when the test exits.
# shellcheck source=ci/tests/tap.sh
. ci/tests/tap.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/booktest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
