/* svg.h: the one SVG writer of the trace figures (svg.c): a white page, boxes,
 * lines, arrows and text, escaped; colours that read on a white background in
 * both of the book's themes (book.css puts figures on white). */
#ifndef SVG_H
#define SVG_H

#include <stdio.h>

typedef struct {
    FILE *f;
    double width, height;
} svg;

/* title: the figure's one-line summary, shown on top and as its <title> */
void svg_begin(svg *s, FILE *f, double width, double height, const char *title);
void svg_end(svg *s);

void svg_rect(svg *s, double x, double y, double w, double h, const char *fill, const char *stroke);
void svg_line(svg *s, double x1, double y1, double x2, double y2, const char *stroke, double width);
void svg_arrow(svg *s, double x1, double y1, double x2, double y2, const char *stroke);
void svg_circle(svg *s, double x, double y, double r, const char *fill, const char *stroke);
/* anchor: "start", "middle" or "end" */
void svg_text(svg *s, double x, double y, double size, const char *anchor, const char *fill,
              const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* the colour of category k of n: a fixed palette for up to 8, then hues */
const char *svg_colour(int k, int n);
/* the same, mixed with three parts of white: a background for dark text */
const char *svg_tint(int k, int n);

#define SVG_INK   "#1f2328"
#define SVG_MUTED "#6e7781"
#define SVG_RULE  "#d0d7de"
#define SVG_LOAD  "#0072b2"
#define SVG_STORE "#d55e00"
#define SVG_HOT   "#cc3311"

#endif
