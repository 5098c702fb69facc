# ptx-ops.awk: PTX (nvcc -ptx) -> the opcodes of each kernel, counted by
# op-count.awk (awk -f ptx-ops.awk -f op-count.awk FILE).
# Used when no cuobjdump is installed: PTX is what nvcc hands to ptxas, so it
# shows the choices the lesson makes (shuffles, shared memory, barriers,
# 16-byte vector loads) but not ptxas's own (spills, instruction scheduling).
/^[ \t]*\.target[ \t]/ { t = $0; sub(/.*\.target[ \t]+/, "", t); sub(/[ \t,].*/, "", t); sub(/^sm_/, "compute_", t); arch = t; next }
/\.entry[ \t]+[A-Za-z_$]/ {
    cur = $0; sub(/.*\.entry[ \t]+/, "", cur); sub(/[ \t(].*/, "", cur)
    infn = 1
    next
}
infn && /^}/ { infn = 0; cur = ""; next }
infn && cur != "" {
    t = $0
    sub(/^[ \t]+/, "", t)
    if (t == "" || t ~ /^(\.|\/\/|\{|\}|\$|\(|\)|,)/) next
    sub(/^@!?%[a-z0-9_]+[ \t]+/, "", t)       # predicate guard
    op = t; sub(/[ \t;].*/, "", op)
    if (op !~ /^[a-z][a-z0-9_.:]*$/) next
    count_op(arch == "" ? "unknown" : arch, cur, op)
}
