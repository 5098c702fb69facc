#!/usr/bin/env bash
# shellcheck disable=SC2016 # the scripts in single quotes run in the sandbox
# roster_sandbox.sh: what ci/roster/sandbox.sh promises, tried from inside it
# (no GPU needed): its own folder writable and nothing else, no other
# student's folder, no hidden-shapes file, no network, no host process, no
# environment or descriptor it was not given, and its limits (processes,
# CPU time, file size, wall clock); nothing it starts outlives it.
#
#   ci/tests/roster_sandbox.sh
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
sandbox=$repo/ci/roster/sandbox.sh
# shellcheck source=ci/tests/tap.sh
. "$here/tap.sh"

if ! command -v bwrap >/dev/null 2>&1; then
    echo "skipped: bwrap not installed (ci/setup.sh installs bubblewrap)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
mkdir -p "$tmp/alice" "$tmp/bob/lessons" "$tmp/secret"
echo "bob's solution" >"$tmp/bob/lessons/week0-copy-transpose.nw"
echo "4099x4093" >"$tmp/secret/hidden.txt"

# run [SANDBOX OPTIONS] -- SCRIPT: SCRIPT in alice's sandbox; output and status
run() {
    local opts=()
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    out=$("$sandbox" "${opts[@]}" "$tmp/alice" -- bash -c "$1" 2>&1)
    rc=$?
}

run --wall 30 -- 'echo mine >/work/note && cat /work/note'
same "its own folder is writable" 0 "$rc"
has "its own folder is writable (output)" '^mine$' "$out"
same "what it wrote is in the folder on the host" mine "$(cat "$tmp/alice/note" 2>/dev/null)"
run --wall 30 -- 'touch /usr/x; touch /etc/x; touch /x'
has "/usr is read-only" "/usr/x.*Read-only file system" "$out"
has "nothing else is writable" "/x.*Permission denied" "$out"
lacks "nothing else was written on the host" . "$(ls /usr/x /etc/x 2>/dev/null)"

run --wall 30 -- "cat '$tmp/bob/lessons/week0-copy-transpose.nw' ../bob/lessons/week0-copy-transpose.nw '$tmp/secret/hidden.txt' 2>&1; ls / /root /home 2>&1"
lacks "another student's folder is invisible" "bob's solution" "$out"
lacks "the hidden shapes are invisible" "4099x4093" "$out"
has "no home folder" "/root.*No such file" "$out"
lacks "/ holds only the system and the work folder" '^(home|root|run|var|opt|mnt|media|srv|boot)$' "$out"

run --wall 30 -- 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "; (echo > /dev/tcp/1.1.1.1/53) 2>&1; (echo > /dev/tcp/127.0.0.1/22) 2>&1; echo end'
same "the only network interface is loopback" lo "$(head -n 1 <<<"$out")"
has "no route out" "Network is unreachable" "$out"

run --wall 30 -- 'ls /proc | grep -c "^[0-9]"'
if [ "$out" -le 5 ]; then pass "host processes are invisible ($out in /proc)"; else fail "host processes are invisible" "$out"; fi

export SECRET_SEED=12345 GIVEN=yes
run --env GIVEN --wall 30 -- 'env; ls /proc/self/fd'
has "a variable asked for is passed" '^GIVEN=yes$' "$out"
lacks "a variable not asked for is not" 'SECRET_SEED' "$out"
run --wall 30 -- 'cat /dev/fd/3 2>&1 || echo closed' 3<"$tmp/secret/hidden.txt"
lacks "descriptor 3 is closed unless asked for" "4099x4093" "$out"
run --keep-fd3 --wall 30 -- 'cat /dev/fd/3' 3<"$tmp/secret/hidden.txt"
has "descriptor 3 is passed with --keep-fd3" "4099x4093" "$out"
unset SECRET_SEED GIVEN

if [ "$(id -u)" -eq 0 ]; then
    run --wall 30 -- 'id -u; grep CapEff /proc/self/status'
    lacks "as root, the command is not root" '^0$' "$out"
    has "as root, the command has no capabilities" 'CapEff:[[:space:]]*0+$' "$out"
fi

run --nproc 30 --wall 60 -- 'for i in $(seq 60); do sleep 5 & done 2>&1 | tail -n 1; wait'
has "the process limit stops a fork bomb" "fork|Resource temporarily unavailable" "$out"
run --cpu 1 --wall 60 -- 'while :; do :; done'
same "the CPU limit stops a busy loop (SIGXCPU)" 152 "$rc"
run --fsize $((1 << 20)) --wall 60 -- 'head -c 4194304 /dev/zero >/work/big; echo "exit $?"'
lacks "the file size limit stops a large file" "exit 0" "$out"
start=$(date +%s)
run --wall 2 -- 'sleep 60'
same "the wall-clock limit stops a hang (exit 124)" 124 "$rc"
if [ $(($(date +%s) - start)) -lt 30 ]; then pass "a hang is stopped soon after the limit"; else fail "a hang is stopped soon after the limit"; fi

# a process left running in the background dies with the sandbox
run --wall 30 -- '(setsid bash -c "while :; do date +%s%N >/work/beat; sleep 0.1; done" &) ; sleep 0.5'
sleep 1
before=$(cat "$tmp/alice/beat" 2>/dev/null)
sleep 1
same "a process left behind dies with the sandbox" "$before" "$(cat "$tmp/alice/beat" 2>/dev/null)"
[ -n "$before" ] || fail "the background process ran at all"

# run by an ordinary user, bubblewrap makes a user namespace instead
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
    chown -R 65534:65534 "$tmp/alice"
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- "$sandbox" --wall 30 "$tmp/alice" -- \
        bash -c "id -u; echo user >/work/by-user; cat '$tmp/bob/lessons/week0-copy-transpose.nw'; unshare -U true && echo nested" 2>&1)
    rc=$?
    if [ "$rc" -eq 125 ]; then
        echo "# as a user: the sandbox does not start here (unprivileged user namespaces off?): $out"
    else
        has "as a user: it runs as that user" '^65534$' "$out"
        same "as a user: its own folder is writable" user "$(cat "$tmp/alice/by-user" 2>/dev/null)"
        lacks "as a user: another student's folder is invisible" "bob's solution" "$out"
        lacks "as a user: no further user namespace" '^nested$' "$out"
    fi
fi

# noweb unpacked outside /usr (a machine that cannot install it): a build
# inside still finds its notangle, read-only
mkdir -p "$tmp/tools/noweb/bin"
printf '#!/bin/sh\necho "noweb from its own folder"\n' >"$tmp/tools/noweb/bin/notangle"
chmod -R a+rX "$tmp/tools"
chmod a+x "$tmp/tools/noweb/bin/notangle"
PATH=$tmp/tools/noweb/bin:$PATH run --wall 30 -- 'notangle; touch "$(dirname "$(command -v notangle)")/x" 2>&1'
has "a notangle outside /usr is on the sandbox's PATH" '^noweb from its own folder$' "$out"
has "and read-only there" 'Read-only file system' "$out"

# a command that cannot start is no fault of the command: exit 125
out=$("$sandbox" --kit "$tmp/no-such-kit" "$tmp/alice" -- true 2>&1)
same "a missing kit is the sandbox's error (125)" 125 "$?"

finish
