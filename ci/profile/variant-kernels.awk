# variant-kernels.awk: which functions each variant of a lesson can reach,
# read from the host assembly of the lesson (nvcc -cuda, then g++ -S -O0, so
# nothing is inlined away). Run it with the file named twice:
#
#   awk -f variant-kernels.awk lesson.s lesson.s  ->  "variant<TAB>symbol" lines
#
# The variants come from the table wb_lesson_variants[] (grader/wb.h): each
# entry starts with two string pointers (name, op) and then the launcher, so a
# function pointer right after two .LC strings is a launcher and the first of
# the two strings is its variant's name. From each launcher every symbol it
# calls, takes the address of, or reaches through a table of pointers is
# followed, to any depth; a kernel's host stub has the kernel's own mangled
# name, so the kernels a variant can launch (for any dtype or shape) are among
# the symbols printed. The caller keeps those that are kernels.
# Portable awk (mawk is enough).

# pass 1: every label the file defines, so that only those count as references
FNR == NR {
    if (match($0, /^[A-Za-z_.$][A-Za-z0-9_.$]*:/)) defined[substr($0, 1, RLENGTH - 1)] = 1
    next
}

# pass 2: cur is the symbol whose body or data this line belongs to; local
# labels inside a function (.L12, .LFB3) do not start a new one, string
# constants (.LC0) do
match($0, /^[A-Za-z_.$][A-Za-z0-9_.$]*:/) {
    l = substr($0, 1, RLENGTH - 1)
    if (l !~ /^\.L/ || l ~ /^\.LC[0-9]/) cur = l
    next
}
cur == "" { next }
# a string constant: .LC3: .string "copy"
cur ~ /^\.LC/ && $1 == ".string" {
    s = $0; sub(/^[^"]*"/, "", s); sub(/"[^"]*$/, "", s)
    str[cur] = s
    next
}
# only instructions and data words refer to symbols; other directives (.type,
# .size, .cfi_*, .section) name symbols without using them
$1 ~ /^\./ && $1 !~ /^\.(quad|long|8byte|4byte|value)$/ { next }
cur == "wb_lesson_variants" && $1 ~ /^\.(quad|8byte)$/ { table[++nt] = $2 }
cur ~ /^\./ { next }
{
    line = $0
    sub(/^[ \t]*[^ \t]+/, "", line) # the mnemonic is not a symbol
    while (match(line, /[A-Za-z_$][A-Za-z0-9_.$]*/)) {
        sym = substr(line, RSTART, RLENGTH)
        line = substr(line, RSTART + RLENGTH)
        if (sym != cur && (sym in defined) && !((cur SUBSEP sym) in edge)) {
            edge[cur, sym] = 1
            out[cur] = out[cur] " " sym
        }
    }
}

function visit(v, sym,   n, i, next_syms) {
    if ((v SUBSEP sym) in seen) return
    seen[v, sym] = 1
    print v "\t" sym
    n = split(out[sym], next_syms, " ")
    for (i = 1; i <= n; i++) visit(v, next_syms[i])
}

END {
    for (i = 3; i <= nt; i++) {
        if (table[i] ~ /^\./ || !(table[i] in defined)) continue
        if (table[i - 1] !~ /^\.LC/ || table[i - 2] !~ /^\.LC/) continue
        visit(str[table[i - 2]], table[i])
    }
}
