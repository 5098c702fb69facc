# shellcheck shell=bash
# ci/tests/tap.sh: the assertions of every shell test (sourced, not run).
#
# Each assertion prints one TAP line, "ok N - NAME" or "not ok N - NAME", with
# what differed as "# " lines on stderr (as Test::More's diag does); `finish`
# prints the plan "1..N" that `prove` reads, then "N passed, N failed, N
# skipped" for ci/test.sh, and returns nonzero when one failed.
#
#   pass NAME                    fail NAME [DETAIL]        skip NAME REASON
#   check NAME COMMAND...        COMMAND succeeds (its output is the detail)
#   refuse NAME COMMAND...       COMMAND fails
#   same NAME WANT GOT           the two strings are equal
#   has NAME PATTERN TEXT        TEXT matches the extended regex PATTERN
#   lacks NAME PATTERN TEXT      it does not
#   finish
tap_count=0 tap_failed=0 tap_skipped=0

pass() {
    tap_count=$((tap_count + 1))
    printf 'ok %d - %s\n' "$tap_count" "$1"
}
fail() {
    tap_count=$((tap_count + 1)) tap_failed=$((tap_failed + 1))
    printf 'not ok %d - %s\n' "$tap_count" "$1"
    [ -z "${2:-}" ] || printf '%s\n' "$2" | head -n 40 | sed 's/^/#     /' >&2
}
skip() {
    tap_count=$((tap_count + 1)) tap_skipped=$((tap_skipped + 1))
    printf 'ok %d - %s # SKIP %s\n' "$tap_count" "$1" "$2"
}
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}
refuse() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then fail "$name" "succeeded, should have failed: $out"; else pass "$name"; fi
}
same() {
    if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "$(printf 'want:\n%s\ngot:\n%s' "$2" "$3")"; fi
}
has() {
    if grep -qE -- "$2" <<<"$3"; then pass "$1"; else fail "$1" "$(printf 'wanted /%s/ in:\n%s' "$2" "$3")"; fi
}
lacks() {
    if grep -qE -- "$2" <<<"$3"; then fail "$1" "$(printf 'did not want /%s/ in:\n%s' "$2" "$3")"; else pass "$1"; fi
}
finish() {
    printf '1..%d\n' "$tap_count"
    printf '%d passed, %d failed, %d skipped\n' "$((tap_count - tap_failed - tap_skipped))" "$tap_failed" "$tap_skipped"
    [ "$tap_failed" -eq 0 ]
}
