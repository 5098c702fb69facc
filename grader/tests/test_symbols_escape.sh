#!/usr/bin/env bash
# test_symbols_escape.sh: grader/check_symbols.sh refuses lesson objects that
# reach for files, the environment, other processes or the network (the
# section "what a kernel launcher never needs" of grader/forbidden-symbols.txt),
# and still passes a launcher that only prints (no GPU needed; the nvcc case
# runs when nvcc is installed).
#
#   bash grader/tests/test_symbols_escape.sh
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/tests/tap.sh
. "$here/../../ci/tests/tap.sh"
check=$here/../check_symbols.sh
NVCC=${NVCC:-$(command -v nvcc || echo "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# refused NAME OBJECT SYMBOL...: the check exits 1 and names each SYMBOL with
# its reason
refused() {
    local name=$1 obj=$2 out rc s
    shift 2
    out=$("$check" "$obj" 2>&1)
    rc=$?
    same "$name: exit status" 1 "$rc"
    for s in "$@"; do
        has "$name: $s is named" "${obj##*/}: references $s: [a-z]" "$out"
    done
}

cc() { # cc NAME [FLAGS]: compile $work/NAME.c (stdin) to $work/NAME.o
    cat >"$work/$1.c"
    gcc -std=c11 -O2 "${@:2}" -c "$work/$1.c" -o "$work/$1.o"
}

cc files -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 <<'C'
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
int peek(const char *path)
{
    char buf[PATH_MAX], real[PATH_MAX];
    struct stat st;
    FILE *f = fopen(path, "r");
    int fd = open(path, O_RDONLY);
    int at = openat(AT_FDCWD, path, O_RDONLY, 0600);
    DIR *d = opendir("../other-student");
    long n = read(fd, buf, sizeof buf);
    n += readlink(path, buf, sizeof buf) + stat(path, &st) + access(path, R_OK);
    return (f != 0) + (d != 0) + (realpath(path, real) != 0) + at + (int)n;
}
C
refused "file access" "$work/files.o" fopen '(open|__open_2)' '(openat|__openat_2)' opendir \
    '(read|__read_chk)' '(readlink|__readlink_chk)' stat access '(realpath|__realpath_chk)'

cc processes -D_GNU_SOURCE <<'C'
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
extern char **environ;
int run(char *const argv[])
{
    pid_t pid;
    FILE *p = popen("cat /secret/hidden.txt", "r");
    int r = system("ls ..") + fork() + execvp(argv[0], argv);
    r += posix_spawn(&pid, "/bin/sh", 0, 0, argv, environ);
    return r + (p != 0) + (int)syscall(SYS_getpid) + (getenv("GRADER_SEED") != 0);
}
C
refused "processes and the environment" "$work/processes.o" popen system fork execvp posix_spawn \
    syscall getenv environ

cc network <<'C'
#include <netinet/in.h>
#include <sys/socket.h>
int phone_home(void)
{
    struct sockaddr_in a = {0};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_family = AF_INET;
    return connect(s, (struct sockaddr *)&a, sizeof a);
}
C
refused "the network" "$work/network.o" socket connect

cat >"$work/streams.cpp" <<'CPP'
#include <filesystem>
#include <fstream>
#include <string>
int peek_all()
{
    std::ifstream in("/secret/hidden.txt");
    std::string line;
    int n = 0;
    while (std::getline(in, line))
        n++;
    for (const auto &e : std::filesystem::directory_iterator(".."))
        n += (int)e.path().string().size();
    return n;
}
CPP
g++ -std=c++17 -O2 -c "$work/streams.cpp" -o "$work/streams.o"
out=$("$check" "$work/streams.o" 2>&1)
has "C++ file streams are refused" "streams\.o: (references|contains) .*basic_ifstream.*C\+\+ file stream" "$out"
has "std::filesystem is refused" "streams\.o: (references|contains) .*std::filesystem::.*std::filesystem" "$out"

# what a launcher may do: print, format, allocate host memory
cc printing <<'C'
#include <stdio.h>
#include <stdlib.h>
int launch_report(int n)
{
    char msg[64];
    snprintf(msg, sizeof msg, "%d", n);
    fprintf(stderr, "launch: %s\n", msg);
    void *p = malloc(16);
    free(p);
    return 0;
}
C
out=$("$check" "$work/printing.o" 2>&1)
same "printing and malloc pass: exit status" 0 "$?"
has "printing and malloc pass" '^symbols: ok' "$out"

# a launcher that reads another student's lesson, as nvcc builds lessons
if [ -x "$NVCC" ]; then
    cat >"$work/lesson_peek.cu" <<'CU'
#include <cstdio>
#include <cuda_runtime.h>
__global__ void clear(float *y) { y[threadIdx.x] = 0.0f; }
extern "C" int launch_peek(float *y, cudaStream_t s)
{
    if (FILE *f = fopen("../full-marks/lessons/week0-copy-transpose.nw", "r"))
        fclose(f);
    clear<<<1, 32, 0, s>>>(y);
    return cudaGetLastError();
}
CU
    if "$NVCC" -std=c++17 -arch=sm_90 -c "$work/lesson_peek.cu" -o "$work/lesson_peek.o"; then
        refused "nvcc: a launcher reading another student's lesson" "$work/lesson_peek.o" fopen
    else
        fail "nvcc could not compile the test lesson"
    fi
else
    echo "# nvcc not found: the device-object case is skipped"
fi

finish
