# ci/tests/assert.sh: the assertions the shell tests share (sourced, not run).
# Each prints "ok   NAME" or "FAIL NAME" with what differed; `finish` prints
# the tally that ci/test.sh counts and returns nonzero when one failed.
# `skip NAME REASON` counts a check that cannot run here, and says why.
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | head -n 25 | sed 's/^/     /'; }
# same NAME WANT GOT
same() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "$(printf 'want:\n%s\ngot:\n%s' "$2" "$3")"; fi; }
# has NAME PATTERN TEXT / lacks NAME PATTERN TEXT (extended regular expressions)
has() { if grep -qE -- "$2" <<<"$3"; then ok "$1"; else bad "$1" "$(printf 'wanted /%s/ in:\n%s' "$2" "$3")"; fi; }
lacks() { if grep -qE -- "$2" <<<"$3"; then bad "$1" "$(printf 'did not want /%s/ in:\n%s' "$2" "$3")"; else ok "$1"; fi; }
# skip NAME REASON
skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }

finish() {
    echo
    echo "$passed passed, $failed failed$([ "$skipped" -eq 0 ] || echo ", $skipped skipped")"
    [ "$failed" -eq 0 ]
}
