/* harness.c - times NAME_run_batch (m.c), NAME_run_int per sample and the
 * difflogic-style dl_apply (difflogic.c) on the same random 0/1 samples,
 * one core; checks that the three give the same counts.  Rates are the
 * best of 5 rounds of at least 0.3 s.  Usage: harness NSAMPLES */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "m.h"

void dl_apply(const uint8_t *inp, int32_t *out, size_t len);
#define NIN m_BATCH_IN_SIZE
#define K m_BATCH_OUT_SIZE

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint8_t *x;
static int32_t *y;
static size_t n;
static void run_batch(size_t m) { m_run_batch(x, y, m); }
static void run_dl(size_t m) { dl_apply(x, y, m / 64); }
static void run_int(size_t m) {
  static OUT_T out[m_INT_OUT0_SIZE];
  size_t i, c;
  for (i = 0; i < m; i++) {
    m_run_int(x + i * NIN, out);
    for (c = 0; c < K; c++)
      y[i * K + c] = (int32_t)out[c];
  }
}

/* samples per second: best of 5 rounds of at least 0.3 s on m samples */
static double rate(void (*f)(size_t), size_t m) {
  double best = 0;
  int r;
  for (r = 0; r < 5; r++) {
    double t0 = now(), t;
    size_t done = 0;
    do {
      f(m);
      done += m;
      t = now() - t0;
    } while (t < 0.3);
    if (done / t > best)
      best = done / t;
  }
  return best;
}

int main(int argc, char **argv) {
  size_t i, nint;
  int32_t *a, *b;
  unsigned long long s = 88172645463325252ULL;
  n = argc > 1 ? (size_t)atol(argv[1]) : 16384;
  n -= n % 64;
  nint = n < 1024 ? n : 1024;
  x = malloc(n * NIN);
  y = malloc(n * K * sizeof *y);
  a = malloc(n * K * sizeof *a);
  b = malloc(n * K * sizeof *b);
  for (i = 0; i < n * NIN; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    x[i] = (uint8_t)(s >> 40 & 1);
  }
  run_batch(n);
  memcpy(a, y, n * K * sizeof *y);
  run_dl(n);
  memcpy(b, y, n * K * sizeof *y);
  run_int(nint);
  for (i = 0; i < n * K; i++)
    if (a[i] != b[i] || (i < nint * K && a[i] != y[i])) {
      printf("counts differ at sample %zu class %zu: run_batch %d, difflogic %d\n", i / K, i % K,
             (int)a[i], (int)b[i]);
      return 1;
    }
  {
    double rb = rate(run_batch, n), rd = rate(run_dl, n), ri = rate(run_int, nint);
    printf("run_batch  %12.0f samples/s\n", rb);
    printf("difflogic  %12.0f samples/s  (run_batch / difflogic-style: %.2fx)\n", rd, rb / rd);
    printf("run_int    %12.0f samples/s  (run_batch / run_int per sample: %.0fx)\n", ri, rb / ri);
  }
  return 0;
}
