/*
 * npycmp.c - compares two numeric tensors elementwise, for the model tests.
 *
 *     npycmp [-r] [-v] A B TOL
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

int main(int argc, char **argv) {
  int rel = 0, verbose = 0;
  while (argc > 1 && (strcmp(argv[1], "-r") == 0 || strcmp(argv[1], "-v") == 0)) {
    if (argv[1][1] == 'r')
      rel = 1;
    else
      verbose = 1;
    argv++;
    argc--;
  }
  if (argc != 4) {
    fputs("usage: npycmp [-r] [-v] A B TOL   (A, B: .npy or TensorProto .pb)\n", stderr);
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
