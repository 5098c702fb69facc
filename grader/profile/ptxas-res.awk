# ptxas-res.awk: `nvcc -Xptxas -v` output (build/weekN/resource-usage.txt) ->
# one TSV line per kernel and architecture:
#   arch  mangled  registers  smem_bytes  stack_bytes  spill_store_bytes  spill_load_bytes  barriers
# Lines it does not know are skipped, so the file may hold warnings too.
# Portable awk (mawk, gawk, busybox): no gawk extensions.
function num_before(s, word,    i, t, n, k) {
    # the number written just before `word` in s ("8448 bytes smem" -> 8448), or ""
    n = split(s, t, /[ \t,]+/)
    for (i = 2; i <= n; i++) {
        k = t[i]
        if (k == word) return t[i - 1] + 0
    }
    return ""
}
function quoted(s,    a, b) {
    a = index(s, "'"); if (!a) return ""
    s = substr(s, a + 1); b = index(s, "'"); if (!b) return ""
    return substr(s, 1, b - 1)
}
/Compiling entry function '/ {
    line = $0
    cur = quoted(line)
    rest = substr(line, index(line, "' for ") + 6)
    arch = quoted(rest)
    if (arch == "") arch = "unknown"
    key = arch SUBSEP cur
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    regs[key] = ""; smem[key] = 0; bars[key] = 0
    next
}
/Function properties for / {
    props = $0; sub(/.*Function properties for /, "", props); sub(/[ \t]*$/, "", props)
    next
}
/bytes stack frame/ {
    # stack line belongs to the last "Function properties for" name, in the
    # architecture being compiled
    k = arch SUBSEP props
    stack[k] = num_before($0, "bytes") # first "N bytes": the stack frame
    t = $0; sub(/.*stack frame,[ \t]*/, "", t)
    split(t, parts, ",")
    st = parts[1]; ld = parts[2]
    sub(/^[ \t]*/, "", st); sub(/ .*/, "", st)
    sub(/^[ \t]*/, "", ld); sub(/ .*/, "", ld)
    spill_st[k] = st + 0; spill_ld[k] = ld + 0
    next
}
/Used [0-9]+ registers/ {
    key = arch SUBSEP cur
    t = $0; sub(/.*Used /, "", t); regs[key] = t + 0
    if (match($0, /[0-9]+ bytes smem/)) smem[key] = substr($0, RSTART, RLENGTH) + 0
    if (match($0, /used [0-9]+ barrier/)) { t = substr($0, RSTART + 5); bars[key] = t + 0 }
    next
}
END {
    for (i = 1; i <= n; i++) {
        key = order[i]; split(key, kk, SUBSEP)
        printf "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", kk[1], kk[2], regs[key], smem[key], \
            stack[key] + 0, spill_st[key] + 0, spill_ld[key] + 0, bars[key] + 0
    }
}
