# shellcheck shell=bash
# grader/profile/lib.sh: helpers shared by grader/profile/static-profile.sh, grader/profile/profile.sh and
# grader/profile/sanitize.sh (sourced, not run). Plain bash and awk (mawk is enough): the
# GPU machine has neither jq nor gawk for certain.

PROFILE_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}

# find_cuda_tool NAME: the path of a CUDA tool on stdout, or nothing.
# Looked for in: $NCU / $COMPUTE_SANITIZER / $CUOBJDUMP / $CUXXFILT when set,
# CUDA_HOME/bin, PATH, CUDA_HOME/<tool dir>, /opt/nvidia/nsight-compute/*.
find_cuda_tool() {
    local name=$1 override="" c
    case $name in
        ncu) override=${NCU:-} ;;
        compute-sanitizer) override=${COMPUTE_SANITIZER:-} ;;
        cuobjdump) override=${CUOBJDUMP:-} ;;
        cu++filt) override=${CUXXFILT:-} ;;
    esac
    if [ -n "$override" ]; then
        [ -x "$override" ] && { echo "$override"; return 0; }
        command -v "$override" 2>/dev/null && return 0
        return 1
    fi
    for c in "$CUDA_HOME/bin/$name" "$(command -v "$name" 2>/dev/null || true)" \
        "$CUDA_HOME/compute-sanitizer/$name" "$CUDA_HOME/nsight-compute/$name"; do
        [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
    done
    if [ "$name" = ncu ]; then
        c=$(ls -d /opt/nvidia/nsight-compute/*/ncu "$CUDA_HOME"/nsight-compute-*/ncu 2>/dev/null | sort -V | tail -n 1)
        [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
    fi
    return 1
}

# demangle: mangled names on stdin, one a line -> "mangled<TAB>demangled"
demangle() {
    local in out tool
    in=$(mktemp); out=$(mktemp)
    cat >"$in"
    # c++filt first: cu++filt writes <unnamed>:: and (int)8, which names.awk
    # also accepts, but the instruction rules are written in c++filt's form
    tool=$(command -v c++filt || find_cuda_tool cu++filt || true)
    if [ -n "$tool" ] && "$tool" <"$in" >"$out" 2>/dev/null && [ "$(wc -l <"$in")" = "$(wc -l <"$out")" ]; then
        paste "$in" "$out"
    else
        paste "$in" "$in"
    fi
    rm -f "$in" "$out"
}

# kernel_names RESOURCE_USAGE.txt: "mangled name short base" (TSV) of every
# kernel the ptxas -v output names, each once (all architectures together)
kernel_names() {
    awk -f "$PROFILE_LIB_DIR/ptxas-res.awk" "$1" | cut -f2 | awk '!seen[$0]++' |
        demangle | awk -f "$PROFILE_LIB_DIR/demangled.awk" -f "$PROFILE_LIB_DIR/names.awk"
}

# this_gpu: the name of the GPU a grader started now would use (the first of
# CUDA_VISIBLE_DEVICES, else device 0), as nvidia-smi names it; nothing
# without nvidia-smi or a GPU
this_gpu() {
    local dev=${CUDA_VISIBLE_DEVICES:-0} out
    command -v nvidia-smi >/dev/null || return 0
    out=$(nvidia-smi --query-gpu=name --format=csv,noheader -i "${dev%%,*}" 2>/dev/null) || return 0
    printf '%s\n' "${out%%$'\n'*}"
}

# gpu_folder "NVIDIA H200" -> h200, as the grader names bench/results folders
gpu_folder() {
    printf '%s\n' "$1" | sed -e 's/^NVIDIA //' | tr 'A-Z ' 'a-z-'
}

# json_escape STRING: STRING as a JSON string, quotes included
json_escape() {
    printf '%s' "$1" | awk 'BEGIN { RS = "\001" } {
        gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "\\r"); gsub(/\n/, "\\n")
        printf "\"%s\"", $0 } END { if (NR == 0) printf "\"\"" }'
}

# week_of_grade GRADE: "week1" from the first line of `GRADE --list`
week_of_grade() {
    "$1" --list 2>/dev/null | awk 'NR == 1 { print $1; exit }'
}

# lesson_of_grade GRADE: "lessons/week1-reduction.nw" from `GRADE --list`
lesson_of_grade() {
    "$1" --list 2>/dev/null | awk 'NR == 1 { s = $2; gsub(/[()]/, "", s); print s; exit }'
}

# variants_of_grade GRADE: "name<TAB>op" a line, from `GRADE --list`
variants_of_grade() {
    "$1" --list 2>/dev/null | awk 'NR > 1 && /^  [^ ]/ { print $1 "\t" $2 }'
}

now_utc() { date -u +%Y-%m-%dT%H:%M:%SZ; }
repo_commit() { echo "${WB_COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}"; }
