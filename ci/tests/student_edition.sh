#!/usr/bin/env bash
# student_edition.sh: tests of ci/student-edition.sh (no GPU needed).
#
# Builds the student edition into a temporary directory and checks that its
# lessons carry a TODO for every solution region and no marker, that they
# tangle and compile (nvcc -arch=sm_90 -Igrader), that no solution line is
# anywhere in the edition or its tarball, and that malformed regions fail with
# LESSON:LINE. The grading contract is checked without a GPU by
# grader/profile/launch_probe.c: kernels whose PTX changed between the full and
# the student edition must only be reached by variants whose launchers return
# WB_NOT_IMPLEMENTED there, and every other variant must launch exactly what it
# launched before. TAP, through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
TOOL=ci/student-edition.sh
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
NVCC=${NVCC:-$(command -v nvcc || echo "$CUDA_HOME/bin/nvcc")}

. ci/tests/tap.sh
expect_error() { # expect_error NAME PATTERN LESSON-TEXT
    local name=$1 pattern=$2 f=$tmp/bad-$((++nbad)).nw out rc
    printf '%s' "$3" >"$f"
    out=$("$TOOL" stub "$f" 2>&1 >/dev/null)
    rc=$?
    if [ $rc -ne 0 ] && grep -qE "^$f:$pattern" <<<"$out"; then
        pass "$name"
    else
        fail "$name" "rc=$rc, wanted /$f:$pattern/ in: $out"
    fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/student-test.XXXXXX")
[ -n "${KEEP_TMP:-}" ] && echo "keeping $tmp" || trap 'rm -rf "$tmp"' EXIT
nbad=0

# ---- the region syntax --------------------------------------------------------

printf '%s\n' 'Prose.' '<<x.cu>>=' 'int f(int a)' '{' \
    '    // SOLUTION BEGIN: return twice a' '    //: (void)a;' '    //:     return 0;' \
    '    int twice_a_secret_value = 2 * a;' '    return twice_a_secret_value;' '    // SOLUTION END' \
    '}' '@ %def f' >"$tmp/good.nw"
printf '%s\n' 'Prose.' '<<x.cu>>=' 'int f(int a)' '{' '    // TODO: return twice a' \
    '    (void)a;' '        return 0;' '}' '@ %def f' >"$tmp/good.want"
check "a region becomes its TODO and stub, at its indentation" \
    bash -c "'$TOOL' stub '$tmp/good.nw' | diff -u '$tmp/good.want' -"
check "secrets lists the solution lines" \
    bash -c "'$TOOL' secrets '$tmp/good.nw' | grep -qxF \"\$(printf '%s:8\tint twice_a_secret_value = 2 * a;' '$tmp/good.nw')\""

expect_error "unterminated region at the end of the file" \
    '5: unterminated SOLUTION BEGIN' \
    $'<<x.cu>>=\nint f()\n{\n\n// SOLUTION BEGIN: something\nreturn 1;\n'
expect_error "unterminated region at the end of its chunk" \
    '3: unterminated SOLUTION BEGIN .*chunk ends at line 5' \
    $'<<x.cu>>=\nint f() {\n// SOLUTION BEGIN: something\nreturn 1; }\n@\n'
expect_error "SOLUTION END without BEGIN" \
    '3: SOLUTION END without SOLUTION BEGIN' \
    $'<<x.cu>>=\nint a;\n// SOLUTION END\n@\n'
expect_error "nested SOLUTION BEGIN" \
    '3: SOLUTION BEGIN inside the region opened at line 2' \
    $'<<x.cu>>=\n// SOLUTION BEGIN: one\n// SOLUTION BEGIN: two\n// SOLUTION END\n@\n'
expect_error "SOLUTION BEGIN without a description" \
    '2: SOLUTION BEGIN needs a description' \
    $'<<x.cu>>=\n// SOLUTION BEGIN\nint a;\n// SOLUTION END\n@\n'
expect_error "a stub line away from its BEGIN" \
    '4: stub line //: not directly after a SOLUTION BEGIN' \
    $'<<x.cu>>=\n// SOLUTION BEGIN: one\nint a;\n//: int b;\n// SOLUTION END\n@\n'
expect_error "a misspelt marker" \
    '2: unrecognised SOLUTION marker' \
    $'<<x.cu>>=\n// SOLUTION BEGINS here\n@\n'
expect_error "a region in prose" \
    '1: SOLUTION BEGIN outside a code chunk' \
    $'// SOLUTION BEGIN: one\n<<x.cu>>=\nint a;\n@\n'

# ---- the edition ----------------------------------------------------------------

ed=$tmp/dist/student
if "$TOOL" build "$ed" >"$tmp/build.log" 2>&1; then
    pass "ci/student-edition.sh build writes the edition"
else
    fail "ci/student-edition.sh build writes the edition" "$(tail -n 30 "$tmp/build.log")"
fi
check "the tarball exists next to it" test -s "$ed.tar.gz"
check "no git history in the edition" bash -c "! find '$ed' -name .git | grep -q ."
check "no git history in the tarball" bash -c "! tar -tzf '$ed.tar.gz' | grep -qE '(^|/)\\.git/'"
check "no mutants (whole solved lessons) in the edition" bash -c "! tar -tzf '$ed.tar.gz' | grep -q 'grader/mutants/'"
check "the edition has the book built from the stubbed lessons" test -s "$ed/book/out/index.html"
check "the edition's README is the learner's (book/STUDENT-README.md)" cmp -s book/STUDENT-README.md "$ed/README.md"
check "the edition's book shows the TODOs" bash -c "cat '$ed'/book/out/week*.html | sed 's/<[^>]*>//g' | grep -q '// TODO: '"

for l in lessons/week*-*.nw; do
    w=$(basename "$l" | cut -d- -f1)
    s=$ed/$l
    regions=$(grep -cE '^[[:space:]]*//[[:space:]]*SOLUTION[[:space:]]+BEGIN' "$l")
    todos=$(grep -cE '^[[:space:]]*// TODO: ' "$s")
    if [ "$todos" -ge "$regions" ] && ! grep -qE '//[[:space:]]*SOLUTION|^[[:space:]]*//:' "$s"; then
        pass "$w: $regions regions became TODOs, no marker left"
    else
        fail "$w: $regions regions became TODOs, no marker left" "$todos TODO lines; markers: $(grep -nE 'SOLUTION|^[[:space:]]*//:' "$s" | head -3)"
    fi
    check "$w: the student tangled/ is current with its lesson" \
        bash -c "cd '$ed' && book/tangle.sh --check 'lessons/$(basename "$l")' 'tangled/$w'"
done

# ---- compile both editions, then the contract ----------------------------------

if [ ! -x "$NVCC" ]; then
    echo "skip: nvcc not found ($NVCC): compile and contract checks need it"
else
    full=$tmp/full
    mkdir -p "$tmp/objs"
    for l in lessons/week*-*.nw; do
        w=$(basename "$l" | cut -d- -f1)
        mkdir -p "$tmp/objs/keep-$w-full" "$tmp/objs/keep-$w-student"
    done
    for l in lessons/week*-*.nw; do
        w=$(basename "$l" | cut -d- -f1)
        book/tangle.sh "$l" "$full/tangled/$w" >/dev/null 2>&1 || fail "$w: the full lesson tangles"
    done
    # nvcc in parallel, one job per week and edition
    pids=()
    for l in lessons/week*-*.nw; do
        w=$(basename "$l" | cut -d- -f1)
        (cd "$ed" && "$NVCC" -std=c++17 -arch=sm_90 -Igrader -Iref/cpu -Iref/gpu -I"tangled/$w" \
            -keep -keep-dir "$tmp/objs/keep-$w-student" -c "tangled/$w/$w.cu" -o "$tmp/objs/$w.student.o") >"$tmp/objs/$w.student.log" 2>&1 &
        pids+=($!)
        "$NVCC" -std=c++17 -arch=sm_90 -Igrader -Iref/cpu -Iref/gpu -I"$full/tangled/$w" \
            -keep -keep-dir "$tmp/objs/keep-$w-full" -c "$full/tangled/$w/$w.cu" -o "$tmp/objs/$w.full.o" >"$tmp/objs/$w.full.log" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    gcc -std=c11 -Wall -Wextra -Werror -Igrader -I"$CUDA_HOME/include" -c grader/profile/launch_probe.c \
        -o "$tmp/objs/probe.o" 2>"$tmp/objs/probe.log" || fail "the launch probe compiles" "$(cat "$tmp/objs/probe.log")"

    # per kernel (.entry of the PTX nvcc kept): a digest of its code and of
    # the code of every .func it calls, so a change in a device function that
    # was not inlined still marks the kernels that reach it. Names in an
    # anonymous namespace carry a hash of the file's path: drop it.
    ptx_digests() {
        sed -E 's/[0-9a-f]{8}_[0-9]+_[A-Za-z0-9]+_cu_[0-9a-f]{8}/FILEHASH/g' "$1" | awk '
            function flush() { if (name != "") { body[name] = text; if (isentry) entries[name] = 1 } name = "" }
            /^(\.(visible|weak|extern)[ \t]+)*\.(entry|func)[ \t]/ {
                flush()
                line = $0; isentry = (line ~ /\.entry /)
                sub(/^.*\.(entry|func)[ \t]+(\([^)]*\)[ \t]*)?/, "", line); sub(/[ \t(].*$/, "", line)
                name = line; text = ""; next
            }
            name != "" && /^\/\// { next }
            name != "" { gsub(/[ \t]+/, " "); text = text $0 "|"; if ($0 ~ /^}/) flush() }
            END {
                flush()
                for (e in entries) {
                    delete seen; delete todo; n = 0; todo[++n] = e; seen[e] = 1; all = ""
                    for (i = 1; i <= n; i++) {
                        all = all todo[i] ":" body[todo[i]]
                        s = body[todo[i]]
                        while (match(s, /call(\.uni)? [^;]*\(?[ \t]*[A-Za-z_$][A-Za-z0-9_$]*/)) {
                            c = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
                            sub(/^.*[ (,]/, "", c)
                            if ((c in body) && !(c in seen)) { seen[c] = 1; todo[++n] = c }
                        }
                    }
                    print e "\t" all
                }
            }' | while IFS=$'\t' read -r name all; do
                printf '%s\t%s\n' "$name" "$(printf '%s' "$all" | md5sum | cut -c1-16)"
            done | sort
    }

    for l in lessons/week*-*.nw; do
        w=$(basename "$l" | cut -d- -f1)
        if [ -s "$tmp/objs/$w.student.o" ]; then
            if grep -qi 'warning' "$tmp/objs/$w.student.log"; then
                fail "$w: the stubbed .cu compiles without warnings (nvcc -arch=sm_90 -Igrader)" "$(head -n 20 "$tmp/objs/$w.student.log")"
            else
                pass "$w: the stubbed .cu compiles without warnings (nvcc -arch=sm_90 -Igrader)"
            fi
        else
            fail "$w: the stubbed .cu compiles without warnings (nvcc -arch=sm_90 -Igrader)" "$(head -n 30 "$tmp/objs/$w.student.log")"
            continue
        fi
        [ -s "$tmp/objs/$w.full.o" ] || { fail "$w: the full .cu compiles" "$(head -n 30 "$tmp/objs/$w.full.log")"; continue; }
        for e in full student; do
            g++ -o "$tmp/objs/$w.$e.probe" "$tmp/objs/probe.o" "$tmp/objs/$w.$e.o" 2>"$tmp/objs/$w.$e.link" &&
                "$tmp/objs/$w.$e.probe" >"$tmp/$w.$e.launches" 2>"$tmp/objs/$w.$e.run" ||
                { fail "$w: the $e launch probe runs" "$(cat "$tmp/objs/$w.$e.link" "$tmp/objs/$w.$e.run")"; continue 2; }
            ptx_digests "$tmp/objs/keep-$w-$e/$w.ptx" >"$tmp/$w.$e.sass"
            [ -s "$tmp/$w.$e.sass" ] || { fail "$w: kernels found in the $e PTX"; continue 2; }
            sed -Ei 's/[0-9a-f]{8}_[0-9]+_[A-Za-z0-9]+_cu_[0-9a-f]{8}/FILEHASH/g' "$tmp/$w.$e.launches"
        done
        # kernels whose code changed, and those only one edition has
        join -t $'\t' -a1 -a2 -e MISSING -o 0,1.2,2.2 "$tmp/$w.full.sass" "$tmp/$w.student.sass" |
            awk -F'\t' '$2 != $3 { print $1 }' >"$tmp/$w.changed"
        report=$(awk -F'\t' -v changed="$tmp/$w.changed" -v stu="$tmp/$w.student.launches" '
            BEGIN {
                while ((getline k < changed) > 0) ch[k] = 1
                while ((getline l < stu) > 0) {
                    split(l, f, "\t"); key = f[1] "\t" f[2] "\t" f[3]
                    src[key] = f[4]; skern[key] = f[5]
                    if (f[4] == -2) ni[f[1]]++; else ok[f[1]]++
                }
            }
            {
                key = $1 "\t" $2 "\t" $3; v = $1
                n = split($5, ks, " "); touches = 0
                for (i = 1; i <= n; i++) if (ks[i] in ch) touches = 1
                if (!(key in src)) { print "BAD " v "/" $2 "/" $3 ": not probed in the student edition"; next }
                if (touches && src[key] != -2)
                    print "BAD " v "/" $2 "/" $3 ": launches changed kernels but returns " src[key] " (want -2, WB_NOT_IMPLEMENTED)"
                if (src[key] != -2 && (src[key] != $4 || skern[key] != $5))
                    print "BAD " v "/" $2 "/" $3 ": launches differ from the full edition: " skern[key]
                if (src[key] == -2) exercised[v] = 1; else given[v] = 1
            }
            END {
                for (v in ni) if (v in ok) print "BAD " v ": not implemented for some tests only (" ni[v] " of " ni[v] + ok[v] ")"
                for (v in exercised) printf "EXERCISED %s\n", v
                for (v in given) printf "GIVEN %s\n", v
            }' "$tmp/$w.full.launches")
        bad=$(grep '^BAD' <<<"$report" | sed 's/^BAD //')
        ex=$(grep '^EXERCISED' <<<"$report" | cut -d' ' -f2 | sort | tr '\n' ' ')
        gv=$(grep '^GIVEN' <<<"$report" | cut -d' ' -f2 | sort | tr '\n' ' ')
        if [ -z "$bad" ] && [ -n "$ex" ]; then
            pass "$w: grading contract: not implemented: ${ex% }; unchanged: ${gv% }"
        elif [ -z "$bad" ]; then
            fail "$w: grading contract" "no variant returns WB_NOT_IMPLEMENTED in the student edition (a week with exercises should have some)"
        else
            fail "$w: grading contract" "$(head -n 20 <<<"$bad")"
        fi
    done
fi

# ---- no solution text anywhere -----------------------------------------------------

check "no solution line in the edition or its tarball" "$TOOL" leaks "$ed" "$ed.tar.gz"
# the search must notice a planted solution line, and name the file
planted=$(for l in lessons/*.nw; do "$TOOL" secrets "$l"; done | head -n 1 | cut -f2-)
if [ -n "$planted" ]; then
    cp -a "$ed" "$tmp/leaky"
    printf '%s\n' "$planted" >>"$tmp/leaky/grader/wb.h"
    out=$("$TOOL" leaks "$tmp/leaky" 2>&1)
    if [ $? -ne 0 ] && grep -qF "$tmp/leaky/grader/wb.h holds solution text" <<<"$out"; then
        pass "the leak search finds a planted solution line and names the file"
    else
        fail "the leak search finds a planted solution line and names the file" "$out"
    fi
    # and in HTML, where highlighting splits the line with tags
    cp -a "$ed" "$tmp/leaky-html"
    printf '<pre><code><span class="dt">%s</span></code></pre>\n' \
        "$(sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/ /<\/span> <span>/' <<<"$planted")" \
        >>"$tmp/leaky-html/book/out/index.html"
    out=$("$TOOL" leaks "$tmp/leaky-html" 2>&1)
    if [ $? -ne 0 ] && grep -qF "book/out/index.html holds solution text" <<<"$out"; then
        pass "the leak search reads highlighted HTML"
    else
        fail "the leak search reads highlighted HTML" "$out"
    fi
else
    fail "the lessons have solution lines to search for"
fi

finish
