/*
 * fold_thresholds.h - shared by the two files of the fold_thresholds pass:
 * fold_thresholds.c (matching, levels, bisection on the float kernels,
 * rewriting) and fold_thresholds_exact.c (exact thresholds for scaled
 * integers).
 */
#ifndef BIBC_FOLD_THRESHOLDS_H
#define BIBC_FOLD_THRESHOLDS_H
#include "../compiler.h"

#define MAXOPS 16

typedef struct Section {
  Graph *g;
  Node *seq[MAXOPS + 3];     /* ToFloat, the float ops, the quantizer, FromFloat */
  int n;
  Value *x;                  /* the integer input */
  int64_t m;                 /* elements of x */
  int64_t nk;                /* levels: the quantizer's codes minus one */
  int64_t *qlev;             /* the quantizer integer of each level 0..nk */
  int64_t *rows;             /* per element: sign, base, step, T[0..nk-1] */
  int64_t evals;             /* bound on element evaluations of the kernels */
} Section;

/* The rows of a section whose input is a scaled integer, from the exact
 * real-number semantics; 0 if they cannot be computed exactly. */
int by_exact(Section *s);

#endif
