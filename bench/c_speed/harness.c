/*
 * harness.c - times two C implementations of one model side by side:
 * A_RUN and B_RUN, both void F(const float *in, float *out) (bibc's
 * NAME_run; onnx2c's entry() through o2c_run when O2C_FILE names its
 * file).  N_IN and N_OUT are the element counts of the input and output.
 * 64 inputs uniform in [-LO, LO] (fixed seed) are run round-robin; each of
 * 5 alternating rounds runs each function for at least 0.25 s, and the
 * best round counts.  The outputs must agree within TOL (relative to
 * 1 + |y|): exit status 1 and a message otherwise.  Prints
 *   A_inferences_per_s B_inferences_per_s max_abs_diff
 */
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef LO
#define LO 1.0
#endif
#ifndef TOL
#define TOL 1e-4
#endif
#define NS 64

void A_RUN(const float *in, float *out);
#ifdef O2C_FILE
#include O2C_FILE
static void o2c_run(const float *in, float *out) { entry((const void *)in, (void *)out); }
#else
void B_RUN(const float *in, float *out);
#endif

static float xin[NS][N_IN], ya[NS][N_OUT], yb[NS][N_OUT];
static volatile float sink;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Inferences per second of f over at least 0.25 s. */
static double rate(void (*f)(const float *, float *), float (*y)[N_OUT]) {
  long n = 0, batch = 64;
  double t0 = now(), t;
  do {
    for (long i = 0; i < batch; i++, n++)
      f(xin[n % NS], y[n % NS]);
    sink = y[0][0];
    t = now() - t0;
    if (t < 0.01)
      batch *= 2;
  } while (t < 0.25);
  return (double)n / t;
}

int main(void) {
  unsigned long long s = 12345;
  for (int i = 0; i < NS; i++)
    for (int j = 0; j < N_IN; j++) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      xin[i][j] = (float)(LO * (2.0 * (double)(s >> 11) / 9007199254740992.0 - 1.0));
    }
  double diff = 0;
  for (int i = 0; i < NS; i++) {
    A_RUN(xin[i], ya[i]);
    B_RUN(xin[i], yb[i]);
    for (int j = 0; j < N_OUT; j++) {
      double d = fabs((double)ya[i][j] - (double)yb[i][j]);
      diff = d > diff ? d : diff;
      if (!(d <= TOL * (1 + fabs((double)ya[i][j])))) {
        fprintf(stderr, "outputs differ: sample %d element %d: %.9g vs %.9g\n", i, j,
                (double)ya[i][j], (double)yb[i][j]);
        return 1;
      }
    }
  }
  double ra = 0, rb = 0;
  for (int r = 0; r < 5; r++) {
    double a = rate(A_RUN, ya), b = rate(B_RUN, yb);
    ra = a > ra ? a : ra;
    rb = b > rb ? b : rb;
  }
  printf("%.0f %.0f %.3g\n", ra, rb, diff);
  return 0;
}
