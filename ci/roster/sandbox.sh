#!/usr/bin/env bash
# sandbox.sh: run one step of a submission (its build, its link or its grade)
# inside a bubblewrap sandbox; the one place the roster calls bwrap.
#
#   ci/roster/sandbox.sh [OPTIONS] WORK -- COMMAND...
#
#   WORK            the submission's folder for this step: /work inside, the
#                   only writable place (besides a private /tmp and /dev/shm)
#   --kit DIR       the grading kit (ci/roster/kit.sh), read-only: its Makefile,
#                   grader/, ref/, book/ and build/obj at the same places under
#                   /work, so the instructor's Makefile builds there
#   --ro SRC:DEST   one more read-only file or folder (e.g. a score file)
#   --gpu           bind the GPU device nodes /dev/nvidia* and /sys (not when
#                   ROSTER_NO_GPU=1: the tests take the no-GPU path on a GPU machine)
#   --env NAME      pass NAME with its value from this script's environment
#                   (the sandbox's environment is otherwise rebuilt from
#                   nothing). Values never appear on a command line.
#   --keep-fd3      leave file descriptor 3 open for COMMAND (the hidden
#                   shapes; every other step runs with it closed)
#   --wall S        wall-clock limit in seconds (timeout, then SIGKILL)
#   --cpu S         CPU seconds per process (RLIMIT_CPU)
#   --as BYTES      address space per process (RLIMIT_AS), 0 for none:
#                   CUDA reserves far more address space than it uses, so a
#                   grade runs without one
#   --nproc N       processes and threads of the sandbox's user (RLIMIT_NPROC)
#   --fsize BYTES   largest file it may write (RLIMIT_FSIZE)
#
# Exit status: COMMAND's; 124 when the wall-clock limit stopped it; 125 when
# the sandbox could not be set up (the message says why).
#
# What is inside: /usr read-only (compilers, noweb, the CUDA toolkit when it
# is under /usr), the few files of /etc that the loader and the alternatives
# need, CUDA_HOME, CHECK_PREFIX and the LD_LIBRARY_PATH folders read-only when
# they lie outside /usr (ROSTER_BIND_RO adds more, colon-separated), a fresh
# /proc and /dev. No network (a new network namespace holds only loopback),
# no other process of the host (a new PID namespace, killed with its first
# process), no home folder, no other submission, nothing of the roster's
# output but WORK. Run as root, the command drops to a user of its own
# (roster_sandbox_uid in lib.sh) with no capabilities, so that RLIMIT_NPROC
# counts this sandbox alone; run as a user, bubblewrap makes an unprivileged
# user namespace and forbids further ones.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/roster/lib.sh
. "$here/lib.sh"
die() { echo "sandbox: $*" >&2; exit 125; }
usage() { sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2; exit 125; }

kit='' gpu=0 keep_fd3=0 wall=600 cpu=600 as=0 nproc=4096 fsize=$((1 << 30))
env_names=() ro_extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --kit) kit=${2:?--kit needs a folder}; shift 2 ;;
    --ro) ro_extra+=("${2:?--ro needs SRC:DEST}"); shift 2 ;;
    --gpu) gpu=1; shift ;;
    --env) env_names+=("${2:?--env needs a name}"); shift 2 ;;
    --keep-fd3) keep_fd3=1; shift ;;
    --wall) wall=${2:?}; shift 2 ;;
    --cpu) cpu=${2:?}; shift 2 ;;
    --as) as=${2:?}; shift 2 ;;
    --nproc) nproc=${2:?}; shift 2 ;;
    --fsize) fsize=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
    esac
done
if [ $# -lt 3 ] || [ "$2" != -- ]; then usage; fi
work=$1
shift 2
[ -d "$work" ] || die "$work: no such folder"
work=$(cd "$work" && pwd -P)
# by its full path: the sandbox's environment, PATH included, is rebuilt below
bwrap=$(command -v bwrap) || die "bwrap not found: install the Debian package bubblewrap (ci/setup.sh does)"

# mkdirs DEST: its missing parents, readable by the command's user (bwrap
# would make them 0700, and the user running the command is not root)
declare -A made=()
mkdirs() {
    local d=${1%/*}
    [ -n "$d" ] || return 0
    [ -n "${made[$d]:-}" ] && return 0
    mkdirs "$d"
    made[$d]=1
    args+=(--perms 0755 --dir "$d")
}

args=(--die-with-parent --new-session --unshare-ipc --unshare-pid --unshare-net --unshare-uts
    --unshare-cgroup-try --proc /proc --dev /dev --perms 1777 --size $((256 << 20)) --tmpfs /tmp
    --perms 1777 --size $((64 << 20)) --tmpfs /dev/shm --ro-bind /usr /usr)
# merged /usr: /bin, /lib... are links into it; elsewhere they are folders
for top in /bin /sbin /lib /lib32 /lib64 /libx32; do
    if [ -L "$top" ]; then
        args+=(--symlink "$(readlink "$top")" "$top")
    elif [ -d "$top" ]; then
        args+=(--ro-bind "$top" "$top")
    fi
done
for f in /etc/ld.so.cache /etc/ld.so.conf /etc/ld.so.conf.d /etc/alternatives; do
    [ -e "$f" ] || continue
    mkdirs "$f"
    args+=(--ro-bind "$f" "$f")
done
# a build runs notangle: where noweb lies outside /usr (unpacked from its
# .deb on a machine that cannot install it), its folder joins the sandbox's
# PATH and is bound read-only, as are the folders ROSTER_BIND_RO names
tool_path=
if notangle=$(command -v notangle); then
    case $notangle in /usr/* | /bin/* | /sbin/*) ;; *) tool_path=$(dirname "$notangle"):$tool_path ;; esac
fi
ro_dirs=("${CUDA_HOME:-/usr/local/cuda}" "${CHECK_PREFIX:-}" "${tool_path%:}")
IFS=: read -r -a more <<<"${LD_LIBRARY_PATH:-}:${ROSTER_BIND_RO:-}"
ro_dirs+=("${more[@]}")
for d in "${ro_dirs[@]}"; do
    if [ -z "$d" ] || [ ! -e "$d" ]; then continue; fi
    real=$(readlink -f "$d")
    case $real/ in /usr/*) continue ;; esac
    mkdirs "$real"
    args+=(--ro-bind "$real" "$real")
    if [ "$real" != "$d" ]; then
        mkdirs "$d"
        args+=(--symlink "$real" "$d")
    fi
done

args+=(--bind "$work" /work --chdir /work)
if [ -n "$kit" ]; then
    if [ ! -f "$kit/Makefile" ] || [ ! -d "$kit/build/obj" ]; then
        die "$kit is no grading kit (ci/roster/kit.sh makes one)"
    fi
    kit=$(cd "$kit" && pwd -P)
    # the mount points, made here so that they belong to the command's user
    mkdir -p "$work/grader" "$work/ref" "$work/book" "$work/build/obj"
    touch "$work/Makefile"
    for p in Makefile grader ref book build/obj; do
        args+=(--ro-bind "$kit/$p" "/work/$p")
    done
fi
for pair in "${ro_extra[@]}"; do
    src=${pair%%:*} dest=${pair#*:}
    [ -e "$src" ] || die "$src: no such file (--ro $pair)"
    case $dest in /work/*) die "--ro $pair: /work is the submission's folder" ;; esac
    mkdirs "$dest"
    args+=(--ro-bind "$src" "$dest")
done

gpu_group=''
if [ "$gpu" = 1 ] && [ "${ROSTER_NO_GPU:-0}" != 1 ]; then
    for dev in /dev/nvidia*; do
        [ -e "$dev" ] && args+=(--dev-bind "$dev" "$dev")
    done
    [ -d /sys ] && args+=(--ro-bind /sys /sys)
    [ -e /dev/nvidiactl ] && gpu_group=$(stat -c %g /dev/nvidiactl)
fi

# the command's environment: a fixed base and the names asked for
declare -A pass=()
for name in "${env_names[@]}"; do
    [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "--env $name: not a variable name"
    [ -n "${!name+set}" ] || die "--env $name: $name is not set"
    pass[$name]=${!name}
done
base_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cuda_home=${CUDA_HOME:-/usr/local/cuda}
keep_ld=${LD_LIBRARY_PATH:-}

# as root: bubblewrap itself stays root to set up the mounts, and the command
# runs as an unprivileged user of its own, with no capabilities
drop=()
uid=$(roster_sandbox_uid)
if [ -n "$uid" ]; then
    groups=$uid
    [ -n "$gpu_group" ] && [ "$gpu_group" != 0 ] && groups=$uid,$gpu_group
    chown -R "$uid:$uid" "$work"
    drop=(setpriv --reuid="$uid" --regid="$uid" --groups="$groups" --inh-caps=-all
        --bounding-set=-all --no-new-privs --)
else
    args+=(--unshare-user --disable-userns --cap-drop ALL)
    # RLIMIT_NPROC counts every thread of this user on the host
    mine=$(grep -l "^Uid:[[:space:]]*$(id -u)[[:space:]]" /proc/[0-9]*/task/*/status 2>/dev/null | wc -l)
    nproc=$((nproc + mine))
fi

# past the CPU limit SIGXCPU, a few seconds later SIGKILL
limits=(prlimit --cpu="$cpu:$((cpu + 5))" --nproc="$nproc" --fsize="$fsize" --core=0)
[ "$as" != 0 ] && limits+=(--as="$as")

# bubblewrap writes --info-fd once the sandbox is set up: an empty file
# afterwards means the sandbox never started, which is no fault of the command
info=$(mktemp)
trap 'rm -f "$info"' EXIT
start=$(date +%s)
set +e
(
    # no descriptor but the standard ones (and the hidden shapes' when asked)
    for path in /proc/"$BASHPID"/fd/*; do
        fd=${path##*/}
        [ "$fd" -gt 2 ] || continue
        [ "$fd" = 4 ] && continue
        [ "$fd" = 3 ] && [ "$keep_fd3" = 1 ] && continue
        eval "exec $fd>&-" 2>/dev/null
    done
    for name in $(compgen -e); do
        unset "$name"
    done
    export PATH=$cuda_home/bin:$tool_path$base_path HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8 NO_COLOR=1 CUDA_HOME=$cuda_home
    [ -n "$keep_ld" ] && export LD_LIBRARY_PATH=$keep_ld
    for name in "${!pass[@]}"; do
        export "$name=${pass[$name]}"
    done
    # --foreground: timeout stays in the caller's process group, so that
    # stopping the roster's worker stops it too (bwrap then kills the rest)
    exec timeout --foreground --kill-after=10 "$wall" "${limits[@]}" -- "$bwrap" --info-fd 4 "${args[@]}" -- "${drop[@]}" "$@"
) 4>"$info" </dev/null
rc=$?
set -e
if [ ! -s "$info" ]; then
    echo "sandbox: bubblewrap could not set up the sandbox (exit $rc; see its message above)" >&2
    exit 125
fi
if { [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } && [ $(($(date +%s) - start)) -ge "$wall" ]; then
    echo "sandbox: stopped after the wall-clock limit of $wall s" >&2
    exit 124
fi
exit "$rc"
