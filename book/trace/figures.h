/* figures.h: SVG figures drawn from a traced run (figures.c), one kind per
 * picture: sectors, banks, tree, shuffle, passes, map, merge, cluster,
 * timeline. book/trace/figures.txt says which variant, dtype and shape each
 * of the book's figures traces. */
#ifndef FIGURES_H
#define FIGURES_H

#include <stdio.h>

#include "wb.h"

typedef struct {
    const char *name, *kind, *extra; /* extra: the plan line's KEY=VALUE words */
    const wb_problem *p;             /* the run's buffers: inputs and output */
    const char *variant;
    long rows, cols;
    const double *input; /* x's values, NULL when not drawn */
    int launcher_rc;
} wbt_figure;

typedef struct {
    const char *name;
    int all_blocks; /* the figure needs every block of the launch, not one */
    /* NULL when drawn, else why not */
    const char *(*draw)(FILE *out, const wbt_figure *f);
} wbt_figure_kind;

const wbt_figure_kind *wbt_figure_kind_of(const char *name);
const char *wbt_figure_kinds(void); /* "sectors, banks, ..." */
/* a figure whose variant did not run (the student edition's stubs): says why */
void wbt_draw_placeholder(FILE *out, const wbt_figure *f, const char *why);

#endif
