# sass-ops.awk: `cuobjdump -sass FILE` -> the opcodes of each kernel and
# architecture, counted by op-count.awk (awk -f sass-ops.awk -f op-count.awk).
# An instruction line looks like
#   /*0090*/   @!P0 LDG.E.128.CONSTANT R4, desc[UR4][R2.64] ;   /* 0x... */
# the opcode is the first word after the address and the optional predicate.
/^[ \t]*arch[ \t]*=[ \t]*sm_/ { arch = $0; sub(/.*=[ \t]*/, "", arch); sub(/[ \t].*/, "", arch); next }
/code for sm_[0-9]+/ { t = $0; sub(/.*code for /, "", t); sub(/[ \t].*/, "", t); arch = t; next }
/Function[ \t]*:[ \t]*[^ \t]/ {
    cur = $0; sub(/.*Function[ \t]*:[ \t]*/, "", cur); sub(/[ \t].*/, "", cur)
    if (arch == "") arch = "unknown"
    next
}
/^[ \t]*\/\*[0-9a-fA-F]+\*\// && cur != "" {
    t = $0
    sub(/^[ \t]*\/\*[0-9a-fA-F]+\*\/[ \t]*/, "", t)
    sub(/^\{[ \t]*/, "", t)                      # dual-issue braces (old architectures)
    sub(/^@!?U?P[0-9T]+[ \t]+/, "", t)           # predicate guard
    op = t; sub(/[ \t;].*/, "", op)
    if (op !~ /^[A-Z][A-Z0-9_.]*$/) next
    count_op(arch, cur, op)
}
