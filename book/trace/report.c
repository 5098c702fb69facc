/* report.c: a traced run as a learner reads it (one table per launch, a row
 * per lesson line and kind of access) or as a test reads it (TSV). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "analyse.h"

static const char *access_name(const wbt_line_stats *s)
{
    static const char *kind[] = {"load", "store", "atomic"};
    static char buf[48];
    snprintf(buf, sizeof buf, "%s %s",
             s->space == WBT_GLOBAL ? "global"
             : s->remote            ? "cluster shared"
                                    : "shared",
             kind[s->kind]);
    return buf;
}

static void dims(char *buf, size_t len, wbt_xyz d)
{
    snprintf(buf, len, "%u x %u x %u", d.x, d.y, d.z);
}

void wbt_report_table(FILE *out)
{
    wbt_line_stats *s;
    int n = wbt_line_stats_of(&s);
    for (int l = 0; l < wbt_trace.n_launches; l++) {
        const wbt_launch_record *rec = &wbt_trace.launches[l];
        char grid[48], block[48], cluster[80] = "";
        dims(grid, sizeof grid, rec->cfg.grid);
        dims(block, sizeof block, rec->cfg.block);
        if (rec->cfg.cluster.x * rec->cfg.cluster.y * rec->cfg.cluster.z > 1) {
            char c[48];
            dims(c, sizeof c, rec->cfg.cluster);
            snprintf(cluster, sizeof cluster, ", clusters of %s", c);
        }
        fprintf(out,
                "\nlaunch %d of %d: %s\n  grid %s (%ld blocks), block %s%s; traced %d block%s\n",
                l + 1, wbt_trace.n_launches, wbt_kernel_name(l), grid, rec->blocks_in_grid, block,
                cluster, rec->blocks_traced, rec->blocks_traced == 1 ? "" : "s");
        fprintf(out, "  %-40s %-20s %9s %6s %8s %8s %10s\n", "lesson line", "access", "requests",
                "lanes", "sectors", "wavefr.", "conflicts");
        fprintf(out, "  %-40s %-20s %9s %6s %8s %8s %10s\n", "", "", "per block", "/req", "/req",
                "/req", "per block");
        long conflicts[2] = {0, 0}, requests[2] = {0, 0};
        for (int i = 0; i < n; i++) {
            if (s[i].launch != l)
                continue;
            double per_block = rec->blocks_traced ? 1.0 / rec->blocks_traced : 0;
            double req = (double)s[i].requests;
            fprintf(out, "  %-40.40s %-20s %9.0f %6.1f", s[i].place->where, access_name(&s[i]),
                    req * per_block, (double)s[i].lanes / req);
            if (s[i].space == WBT_GLOBAL)
                fprintf(out, " %8.2f %8s %10s\n", (double)s[i].sectors / req, "", "");
            else if (s[i].remote)
                fprintf(out, " %8s %8s %10s\n", "", "", "");
            else {
                fprintf(out, " %8s %8.2f %10.0f\n", "", (double)s[i].wavefronts / req,
                        (double)(s[i].wavefronts - s[i].ideal) * per_block);
                if (s[i].kind != WBT_ATOMIC) {
                    conflicts[s[i].kind] += s[i].wavefronts - s[i].ideal;
                    requests[s[i].kind] += s[i].requests;
                }
            }
        }
        if (rec->blocks_traced && (requests[0] || requests[1]))
            fprintf(out,
                    "  whole grid, every block like the traced one%s: %.0f shared-load and %.0f "
                    "shared-store bank conflicts\n",
                    rec->blocks_traced == 1 ? "" : "s",
                    (double)conflicts[WBT_LOAD] * rec->blocks_in_grid / rec->blocks_traced,
                    (double)conflicts[WBT_STORE] * rec->blocks_in_grid / rec->blocks_traced);
    }
    free(s);
}

void wbt_report_tsv(FILE *out)
{
    static const char *space[] = {"global", "shared"}, *kind[] = {"load", "store", "atomic"};
    wbt_line_stats *s;
    int n = wbt_line_stats_of(&s);
    fprintf(out,
            "launch\tkernel\tblocks_in_grid\tblocks_traced\tline\tspace\tkind\tremote\trequests"
            "\tlanes\tsectors\twavefronts\tideal_wavefronts\n");
    for (int i = 0; i < n; i++) {
        const wbt_launch_record *rec = &wbt_trace.launches[s[i].launch];
        fprintf(out, "%d\t%s\t%ld\t%d\t%s\t%s\t%s\t%d\t%ld\t%ld\t%ld\t%ld\t%ld\n", s[i].launch + 1,
                wbt_kernel_name(s[i].launch), rec->blocks_in_grid, rec->blocks_traced,
                s[i].place->where, space[s[i].space], kind[s[i].kind], s[i].remote, s[i].requests,
                s[i].lanes, s[i].sectors, s[i].wavefronts, s[i].ideal);
    }
    free(s);
}
