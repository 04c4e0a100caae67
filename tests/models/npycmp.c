/*
 * npycmp.c - compares two numeric tensors elementwise, for the model tests.
 *
 *     npycmp [-r] [-v] A B TOL
 *     npycmp --argmax SCORES LABELS
 *
 * A and B are .npy files or serialized onnx.TensorProto files, in any mix,
 * read with bibc's own tensor_read() (so a file is .npy by its name, a
 * TensorProto otherwise).  Shapes must be equal.  Prints the largest
 * |A - B| and, on failure, the first element whose difference exceeds TOL;
 * exit status 0 if every |A - B| <= TOL, 1 if not or if a file is unusable
 * (tensor_read then prints "FILE: error: ..." to stderr), 2 on bad usage.
 * With -r the bound scales with B: |A - B| <= TOL * max(1, |B|) (for
 * reference outputs in the hundreds, where one float32 ulp exceeds 1e-4).
 * -v also prints both tensors, one row (last axis) per line, A above B.
 * NaN equals NaN; NaN against a number is an infinite difference.
 * --argmax: the argmax over the last axis of each row of SCORES must equal
 * the integer in LABELS (one per row); prints the agreement.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../frontend/frontend.h"

static int same_shape(const Value *a, const Value *b) {
  return a->rank == b->rank && memcmp(a->dims, b->dims, sizeof a->dims[0] * (size_t)a->rank) == 0;
}

/* -v: both tensors row by row, A's row above B's. */
static void print_rows(const Value *a, const Value *b) {
  int64_t n = value_numel(a), row = a->rank ? a->dims[a->rank - 1] : 1;
  for (int64_t i = 0; row > 0 && i < n; i += row) {
    for (int w = 0; w < 2; w++) {
      const Value *t = w ? b : a;
      printf("%s", w ? "B:" : "A:");
      for (int64_t j = i; j < i + row; j++)
        printf(" %10.6g", value_get_f64(t, j));
      putchar('\n');
    }
  }
}

/* Prints the summary line (and the first mismatch); 1 if one exceeds the bound. */
static int compare(const Value *a, const Value *b, double tol, int rel) {
  int64_t n = value_numel(a), first = -1, worst = 0;
  double maxd = 0;
  for (int64_t i = 0; i < n; i++) {
    double x = value_get_f64(a, i), y = value_get_f64(b, i), d;
    if (isnan(x) || isnan(y))
      d = isnan(x) && isnan(y) ? 0 : INFINITY;
    else if (x == y)
      d = 0;  /* also equal infinities */
    else
      d = fabs(x - y);
    if (d > maxd) {
      maxd = d;
      worst = i;
    }
    double bound = rel ? tol * fmax(1.0, fabs(y)) : tol;
    if (d > bound && first < 0)
      first = i;
  }
  printf("max |diff| %.3g over %lld elements", maxd, (long long)n);
  if (maxd > 0)
    printf(" (at flat index %lld)", (long long)worst);
  printf(", tolerance %g%s\n", tol, rel ? " * max(1, |B|)" : "");
  if (first < 0)
    return 0;
  printf("first mismatch at flat index %lld: %.9g vs %.9g\n", (long long)first,
         value_get_f64(a, first), value_get_f64(b, first));
  return 1;
}

/* --argmax: row-wise argmax of scores against integer labels. */
static int check_argmax(const Value *scores, const Value *labels) {
  int64_t row = scores->rank ? scores->dims[scores->rank - 1] : 1;
  int64_t rows = row ? value_numel(scores) / row : 0, agree = 0;
  if (rows != value_numel(labels)) {
    printf("%lld rows of scores, %lld labels\n", (long long)rows, (long long)value_numel(labels));
    return 1;
  }
  for (int64_t r = 0; r < rows; r++) {
    int64_t best = 0;
    for (int64_t j = 1; j < row; j++)
      if (value_get_f64(scores, r * row + j) > value_get_f64(scores, r * row + best))
        best = j;
    if (best == (int64_t)value_get_f64(labels, r))
      agree++;
    else
      printf("row %lld: argmax %lld, label %lld\n", (long long)r, (long long)best,
             (long long)value_get_f64(labels, r));
  }
  printf("argmax agrees with the labels on %lld of %lld rows\n", (long long)agree, (long long)rows);
  return agree == rows ? 0 : 1;
}

int main(int argc, char **argv) {
  int rel = 0, verbose = 0;
  if (argc == 4 && strcmp(argv[1], "--argmax") == 0) {
    Arena *arena = arena_new();
    int status = check_argmax(tensor_read(arena, argv[2]), tensor_read(arena, argv[3]));
    arena_free(arena);
    return status;
  }
  while (argc > 1 && (strcmp(argv[1], "-r") == 0 || strcmp(argv[1], "-v") == 0)) {
    if (argv[1][1] == 'r')
      rel = 1;
    else
      verbose = 1;
    argv++;
    argc--;
  }
  if (argc != 4) {
    fputs("usage: npycmp [-r] [-v] A B TOL | npycmp --argmax SCORES LABELS   (.npy or .pb)\n",
          stderr);
    return 2;
  }
  Arena *arena = arena_new();
  Value *a = tensor_read(arena, argv[1]), *b = tensor_read(arena, argv[2]);
  double tol = atof(argv[3]);
  int status;
  if (!same_shape(a, b)) {
    printf("shape mismatch: %s is %s, %s is %s\n", argv[1], shape_str(arena, a), argv[2],
           shape_str(arena, b));
    status = 1;
  } else {
    if (verbose)
      print_rows(a, b);
    status = compare(a, b, tol, rel);
  }
  arena_free(arena);
  return status;
}
