/*
 * cmvm_bench - the distributed-arithmetic benchmark of issue 8 and
 * ../shared/REFERENCE.md section 3: random N x N matrices of 8-bit signed
 * integers (uniform in [-128, 127]) times 8-bit signed inputs, 100 fixed
 * seeds per N; prints mean and max adders (two-operand additions and
 * subtractions, plus a negation where an output is a negative single term),
 * mean adder bits, mean and max adder depth and milliseconds per matrix.
 * Every graph is checked against W x on random and extreme inputs (a
 * mismatch exits 1).  Options pick the algorithm's variants, so they can
 * be compared:
 *
 *   cmvm_bench [-n 4,8,16,32] [--seeds K] [--first S] [--cost adders|luts]
 *              [--weight count|width|narrow|overlap] [--depth K] [--tries T]
 *              [--oldest-first] [--no-cse] [--no-decompose]
 *
 * --cost: what the graph has least of, with the pattern weight that won for
 * it (cmvm_options): adders (the default, the measure) or luts
 * (adder bits; what the da pass minimizes unless --da-cost adders).
 *
 * The matrices come from splitmix64 seeded with (seed, N): fresh matrices
 * from the benchmark's own seeds, never one matrix tuned for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../compiler/cmvm.h"

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Checks m against W on 64 random vectors and the all-min / all-max ones. */
static int check(const Cmvm *m, const int64_t *W, int n, uint64_t *rng) {
  int64_t x[64], y[64], want;
  for (int k = 0; k < 66; k++) {
    for (int i = 0; i < n; i++)
      x[i] = k == 64 ? -128 : k == 65 ? 127 : (int64_t)(splitmix(rng) % 256) - 128;
    cmvm_eval(m, x, y);
    for (int o = 0; o < n; o++) {
      want = 0;
      for (int i = 0; i < n; i++)
        want += W[o * n + i] * x[i];
      if (y[o] != want)
        return 0;
    }
  }
  return 1;
}

/* --matrix FILE: "NOUT NIN LO HI" then NOUT x NIN weights, row-major (one
 * output per row), inputs in [LO, HI]; prints the adders (and negations)
 * and depth of its graph, for comparison with 'bibc estimate'. */
static int one_matrix(const char *file, const CmvmOptions *o) {
  FILE *f = fopen(file, "r");
  long long nout, nin, lo, hi;
  if (!f || fscanf(f, "%lld %lld %lld %lld", &nout, &nin, &lo, &hi) != 4 || nout < 1 || nin < 1 ||
      nout > 4096 || nin > 4096) {
    fprintf(stderr, "cmvm_bench: %s: expected NOUT NIN LO HI and the weights\n", file);
    return 1;
  }
  int64_t *W = malloc(sizeof *W * (size_t)(nout * nin)), *l = malloc(sizeof *l * (size_t)nin),
          *h = malloc(sizeof *h * (size_t)nin);
  for (long long k = 0; k < nout * nin; k++) {
    long long w;
    if (fscanf(f, "%lld", &w) != 1) {
      fprintf(stderr, "cmvm_bench: %s: %lld weights expected\n", file, nout * nin);
      return 1;
    }
    W[k] = w;
  }
  fclose(f);
  for (int i = 0; i < nin; i++)
    l[i] = lo, h[i] = hi;
  const char *why = NULL;
  Cmvm *m = cmvm_solve(W, (int)nout, (int)nin, l, h, NULL, o, &why);
  if (!m) {
    fprintf(stderr, "cmvm_bench: %s: %s\n", file, why);
    return 1;
  }
  printf("adders %lld depth %d adder_bits %lld\n", (long long)(m->adders + m->negations), m->depth,
         (long long)m->adder_bits);
  cmvm_free(m);
  free(W), free(l), free(h);
  return 0;
}

static void usage(void) {
  fprintf(stderr, "usage: cmvm_bench [-n 4,8,16,32] [--seeds K] [--first S] [--cost adders|luts] "
                  "[--weight count|width|narrow|overlap] [--depth K] [--tries T] [--oldest-first] [--no-cse]\n"
                  "                  [--no-decompose] [--matrix FILE]\n");
  exit(2);
}

int main(int argc, char **argv) {
  CmvmOptions o = cmvm_defaults;
  int sizes[8] = {4, 8, 16, 32}, nsizes = 4, seeds = 100, first = 1;
  const char *matrix = NULL;
  int weight = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--oldest-first") == 0) {
      o.oldest_first = 1;
      continue;
    }
    if (strcmp(a, "--no-cse") == 0 || strcmp(a, "--no-decompose") == 0) {
      *(a[5] == 'c' ? &o.cse : &o.decompose) = 0;
      continue;
    }
    if (!v)
      usage();
    i++;
    if (strcmp(a, "-n") == 0) {
      nsizes = 0;
      for (char *p = (char *)v; *p && nsizes < 8; p += *p == ',') {
        sizes[nsizes] = (int)strtol(p, &p, 10);
        if (sizes[nsizes] < 1 || sizes[nsizes] > 64)
          usage();
        nsizes++;
      }
    } else if (strcmp(a, "--matrix") == 0) {
      matrix = v;
    } else if (strcmp(a, "--seeds") == 0) {
      seeds = atoi(v);
    } else if (strcmp(a, "--first") == 0) {
      first = atoi(v);
    } else if (strcmp(a, "--depth") == 0) {
      o.max_depth = atoi(v);
    } else if (strcmp(a, "--tries") == 0) {
      o.tries = atoi(v);
    } else if (strcmp(a, "--cost") == 0) {
      if (strcmp(v, "adders") != 0 && strcmp(v, "luts") != 0)
        usage();
      CmvmOptions c = cmvm_options(v[0] == 'l' ? CMVM_COST_LUTS : CMVM_COST_ADDERS);
      o.cost = c.cost, o.weight = c.weight;
    } else if (strcmp(a, "--weight") == 0) {
      weight = strcmp(v, "count") == 0 ? CMVM_W_COUNT : strcmp(v, "width") == 0 ? CMVM_W_WIDTH
               : strcmp(v, "narrow") == 0 ? CMVM_W_COUNT_NARROW
               : strcmp(v, "overlap") == 0 ? CMVM_W_OVERLAP : -1;
      if (weight < 0)
        usage();
    } else {
      usage();
    }
  }
  if (weight >= 0)
    o.weight = weight;
  if (matrix)
    return one_matrix(matrix, &o);
  if (seeds < 1)
    usage();
  printf("# cmvm_bench: %d random N x N int8 matrices per N (seeds %d..%d); cost %s, weight %s, "
         "depth %s, tries %d, ties %s first%s%s\n", seeds, first, first + seeds - 1,
         o.cost == CMVM_COST_LUTS ? "luts" : "adders",
         o.weight == CMVM_W_WIDTH ? "width" : o.weight == CMVM_W_COUNT_NARROW ? "narrow"
         : o.weight == CMVM_W_OVERLAP ? "overlap" : "count",
         o.max_depth < 0 ? "unlimited" : "limited", o.tries, o.oldest_first ? "oldest" : "newest",
         o.cse ? "" : ", no CSE",
         o.decompose ? ", decomposition tried" : "");
  if (o.max_depth >= 0)
    printf("# depth limit: %d level(s) over the shallowest tree of each output's CSD terms\n",
           o.max_depth);
  printf("%4s %10s %8s %12s %10s %9s %10s\n", "N", "adders", "max", "adder bits", "depth",
         "max depth", "ms/matrix");
  for (int k = 0; k < nsizes; k++) {
    int n = sizes[k];
    int64_t *W = malloc(sizeof *W * (size_t)(n * n)), lo[64], hi[64];
    for (int i = 0; i < n; i++)
      lo[i] = -128, hi[i] = 127;
    double sum = 0, bits = 0, dsum = 0, ms = 0;
    int64_t mx = 0;
    int dmax = 0;
    for (int sd = first; sd < first + seeds; sd++) {
      uint64_t rng = (uint64_t)sd * 1000003u + (uint64_t)n;
      for (int i = 0; i < n * n; i++)
        W[i] = (int64_t)(splitmix(&rng) % 256) - 128;
      const char *why = NULL;
      double t0 = now_ms();
      Cmvm *m = cmvm_solve(W, n, n, lo, hi, NULL, &o, &why);
      ms += now_ms() - t0;
      if (!m) {
        fprintf(stderr, "cmvm_bench: N=%d seed %d: %s\n", n, sd, why);
        return 1;
      }
      if (!check(m, W, n, &rng)) {
        fprintf(stderr, "cmvm_bench: N=%d seed %d: the adder graph does not compute W x\n", n, sd);
        return 1;
      }
      int64_t a = m->adders + m->negations;
      sum += (double)a, bits += (double)m->adder_bits, dsum += m->depth;
      mx = a > mx ? a : mx;
      dmax = m->depth > dmax ? m->depth : dmax;
      cmvm_free(m);
    }
    printf("%4d %10.1f %8lld %12.1f %10.2f %9d %10.2f\n", n, sum / seeds, (long long)mx,
           bits / seeds, dsum / seeds, dmax, ms / seeds);
    free(W);
  }
  return 0;
}
