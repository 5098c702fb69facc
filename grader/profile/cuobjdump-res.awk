# cuobjdump-res.awk: `cuobjdump --dump-resource-usage FILE` -> one TSV line per
# kernel and architecture:
#   arch  mangled  registers  shared_bytes  stack_bytes  local_bytes
# The dump names the architecture ("arch = sm_90") before each ELF image, then
# "Function NAME:" followed by "REG:32 STACK:0 SHARED:8448 LOCAL:0 ..." (on the
# same line or the next one, depending on the CUDA version).
/^[ \t]*arch[ \t]*=[ \t]*sm_/ { arch = $0; sub(/.*=[ \t]*/, "", arch); sub(/[ \t].*/, "", arch); next }
/^[ \t]*Function [^ \t]+:/ {
    cur = $0; sub(/^[ \t]*Function /, "", cur); sub(/:.*/, "", cur)
    if (arch == "") arch = "unknown"
    key = arch SUBSEP cur
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
}
/REG:[0-9]+/ && cur != "" {
    key = arch SUBSEP cur
    m = split($0, tok, /[ \t]+/)
    for (i = 1; i <= m; i++) {
        if (index(tok[i], ":") == 0) continue
        k = tok[i]; v = k; sub(/:.*/, "", k); sub(/^[^:]*:/, "", v)
        if (k == "REG") reg[key] = v + 0
        else if (k == "STACK") stk[key] = v + 0
        else if (k == "SHARED") shr[key] = v + 0
        else if (k == "LOCAL") loc[key] = v + 0
    }
}
END {
    for (i = 1; i <= n; i++) {
        key = order[i]; split(key, kk, SUBSEP)
        printf "%s\t%s\t%d\t%d\t%d\t%d\n", kk[1], kk[2], reg[key], shr[key], stk[key], loc[key]
    }
}
