# lib.sh: what the roster scripts share (sourced, never run): the limits of
# each sandboxed step, the student-id rule, the weeks a kit grades.
#
# Every limit can be changed from the environment (make roster passes it on):
#   ROSTER_BUILD_WALL, ROSTER_BUILD_CPU   tangle and nvcc: wall and CPU seconds (600, 600)
#   ROSTER_BUILD_AS                       address space of each build process (8 GiB)
#   ROSTER_GRADE_WALL, ROSTER_GRADE_CPU   one week's grade: wall and CPU seconds (3600, 3600)
#   ROSTER_NPROC                          processes and threads of one sandbox (4096)
#   ROSTER_FSIZE                          largest file a step may write (1 GiB)
#   ROSTER_UNPACK_WALL                    unpacking one tarball (120 s)

# shellcheck shell=bash
ROSTER_BUILD_WALL=${ROSTER_BUILD_WALL:-600}
ROSTER_BUILD_CPU=${ROSTER_BUILD_CPU:-600}
ROSTER_BUILD_AS=${ROSTER_BUILD_AS:-$((8 << 30))}
ROSTER_GRADE_WALL=${ROSTER_GRADE_WALL:-3600}
ROSTER_GRADE_CPU=${ROSTER_GRADE_CPU:-3600}
ROSTER_NPROC=${ROSTER_NPROC:-4096}
ROSTER_FSIZE=${ROSTER_FSIZE:-$((1 << 30))}
ROSTER_UNPACK_WALL=${ROSTER_UNPACK_WALL:-120}

# the user a sandbox's command runs as when the roster runs as root: one of
# its own per slot, so that RLIMIT_NPROC counts that sandbox alone (empty
# when not root: the sandbox then runs as the caller, in a user namespace)
roster_sandbox_uid() {
    [ "$(id -u)" -eq 0 ] && echo "${ROSTER_UID:-$((3000000 + ${ROSTER_SLOT:-0}))}"
    return 0
}

# roster_default_out REPO ROSTER: where a roster's results go by default,
# build/roster/NAME (NAME: the roster's folder or CSV name)
roster_default_out() {
    local name=${2%/}
    name=${name##*/}
    echo "$1/build/roster/${name%.csv}"
}

roster_die() {
    echo "roster: $*" >&2
    exit 2
}

# a student id names a folder of the roster's output: letters, digits, . _ -
roster_valid_id() {
    [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]]
}

# roster_weeks KIT [WEEKS]: the weeks to grade, "week0 week1 ...": those
# named in WEEKS ("0 2" or "week0,week2"), else every week the kit grades
roster_weeks() {
    local kit=$1 want=${2:-} w chosen=() known=()
    for f in "$kit"/grader/week*.c; do
        [ -e "$f" ] || continue
        w=${f##*/}
        known+=("${w%.c}")
    done
    [ ${#known[@]} -gt 0 ] || roster_die "$kit/grader has no week*.c: not a grading kit"
    if [ -z "$want" ]; then
        printf '%s\n' "${known[@]}"
        return
    fi
    for w in ${want//,/ }; do
        w=week${w#week}
        [[ " ${known[*]} " == *" $w "* ]] || roster_die "ROSTER_WEEKS: no $w in this grader (it has ${known[*]})"
        chosen+=("$w")
    done
    printf '%s\n' "${chosen[@]}"
}
