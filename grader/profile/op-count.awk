# op-count.awk: the counting that sass-ops.awk and ptx-ops.awk share; each
# runs with it as `awk -f PARSER.awk -f op-count.awk FILE`. A parser calls
# count_op for every instruction it reads; the END block prints one TSV line
# per architecture, kernel and opcode, in the order first seen:
#   arch  mangled  opcode  count
function count_op(arch, kernel, op,    key) {
    key = arch SUBSEP kernel SUBSEP op
    if (!(key in count)) order[++n] = key
    count[key]++
}
END {
    for (i = 1; i <= n; i++) {
        split(order[i], kk, SUBSEP)
        printf "%s\t%s\t%s\t%d\n", kk[1], kk[2], kk[3], count[order[i]]
    }
}
