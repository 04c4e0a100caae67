/*
 * ptqcmp.c - accuracy of a quantized model against its float reference, for
 * the post-training quantization tests.
 *
 *     ptqcmp FLOAT.npy FIXED.npy MAXERR MINAGREE
 *
 * Both files hold [N, C] (or [N, ..., C]) outputs of N samples.  Prints the
 * largest |FIXED - FLOAT| and the share of samples whose argmax over the
 * last axis agrees (first maximum, as numpy); exit 0 if the error is at most
 * MAXERR and the agreement at least MINAGREE (a fraction), 1 if not or if a
 * file is unusable, 2 on bad usage.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../frontend/frontend.h"

static int64_t argmax(const Value *v, int64_t from, int64_t n) {
  int64_t best = from;
  for (int64_t i = from + 1; i < from + n; i++)
    if (value_get_f64(v, i) > value_get_f64(v, best))
      best = i;
  return best - from;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: ptqcmp FLOAT.npy FIXED.npy MAXERR MINAGREE\n");
    return 2;
  }
  Arena *a = arena_new();
  Value *f = tensor_read(a, argv[1]), *q = tensor_read(a, argv[2]);
  double maxerr = atof(argv[3]), minagree = atof(argv[4]);
  if (f->rank != q->rank || f->rank < 1 ||
      memcmp(f->dims, q->dims, sizeof f->dims[0] * (size_t)f->rank) != 0) {
    fprintf(stderr, "ptqcmp: %s and %s have different shapes\n", argv[1], argv[2]);
    return 1;
  }
  int64_t n = value_numel(f), c = f->dims[f->rank - 1], ns = c ? n / c : 0, agree = 0;
  double err = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = fabs(value_get_f64(f, i) - value_get_f64(q, i));
    err = d > err || isnan(d) ? d : err;
  }
  for (int64_t s = 0; s < ns; s++)
    agree += argmax(f, s * c, c) == argmax(q, s * c, c);
  double share = ns ? (double)agree / (double)ns : 1;
  printf("max |fixed - float| %.3g (bound %g); argmax agreement %.2f%% (%lld of %lld, bound "
         "%.2f%%)\n", err, maxerr, 100 * share, (long long)agree, (long long)ns, 100 * minagree);
  arena_free(a);
  return err <= maxerr && share >= minagree ? 0 : 1;
}
