/* report.h: what `make trace` prints (report.c). */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

/* per launch: each lesson line's requests per block, lanes, sectors and
 * wavefronts per request and bank conflicts, then the whole grid's conflicts */
void wbt_report_table(FILE *out);
/* the same rows as TSV with totals over the traced blocks, for tests */
void wbt_report_tsv(FILE *out);

#endif
