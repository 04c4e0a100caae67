/*
 * cmvm_test - compiler/cmvm.c and cmvm_decompose.c against their contract
 * on random and adversarial matrices: the graph computes W x exactly (on
 * random, corner and extreme inputs), every variable stays inside its
 * interval and, when the intervals are exact, reaches both ends; the depth
 * limit holds per output; sharing never costs more adders than none; the
 * same input gives the same graph; sizes beyond the limits are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "../../compiler/cmvm.h"
#include "check.h"

static uint64_t rng_state = 12345;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static int64_t uniform(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

static int csd_terms(int64_t c) {
  int n = 0;
  for (; c; c /= 2)
    if (c & 1)
      c -= (c & 3) == 3 ? -1 : 1, n++;
  return n;
}

/* All variables' values on x. */
static void eval_vars(const Cmvm *m, const int64_t *x, __int128 *v) {
  for (int32_t i = 0; i < m->nvars; i++) {
    const CmvmVar *d = &m->vars[i];
    v[i] = i < m->nin ? x[i]
         : v[d->a] * ((__int128)1 << d->sa) + (d->sub ? -1 : 1) * v[d->b] * ((__int128)1 << d->sb);
  }
}

/* Checks m against W on random and corner inputs; returns failures. */
static int check_graph(const Cmvm *m, const int64_t *W, const int64_t *lo, const int64_t *hi,
                       const char *what) {
  int nout = m->nout, nin = m->nin, bad = 0;
  int64_t *x = malloc(sizeof *x * (size_t)nin), *y = malloc(sizeof *y * (size_t)nout);
  __int128 *v = malloc(sizeof *v * (size_t)m->nvars);
  for (int k = 0; k < 200 && !bad; k++) {
    for (int i = 0; i < nin; i++)
      x[i] = k == 0 ? lo[i] : k == 1 ? hi[i] : k < 40 ? (rnd() & 1 ? lo[i] : hi[i]) : uniform(lo[i], hi[i]);
    cmvm_eval(m, x, y);
    eval_vars(m, x, v);
    for (int o = 0; o < nout; o++) {
      __int128 want = 0;
      for (int i = 0; i < nin; i++)
        want += (__int128)W[(int64_t)o * nin + i] * x[i];
      if (y[o] != want)
        bad++;
    }
    for (int32_t i = nin; i < m->nvars; i++)
      if (v[i] < m->vars[i].lo || v[i] > m->vars[i].hi)
        bad++;
  }
  CHECK(!bad, "%s: %d mismatches or values outside their intervals", what, bad);
  if (m->exact) {  /* each adder's bounds are reached at a corner of the input box */
    int loose = 0;
    int64_t *e = calloc((size_t)nin, sizeof *e);
    __int128 *coef = malloc(sizeof *coef * (size_t)m->nvars * (size_t)nin);
    for (int i = 0; i < nin; i++) {
      e[i] = 1;
      eval_vars(m, e, v);
      for (int32_t j = 0; j < m->nvars; j++)
        coef[(int64_t)j * nin + i] = v[j];
      e[i] = 0;
    }
    for (int32_t j = nin; j < m->nvars; j++) {
      __int128 l = 0, h = 0;
      for (int i = 0; i < nin; i++) {
        __int128 c = coef[(int64_t)j * nin + i];
        l += c * (c > 0 ? lo[i] : hi[i]);
        h += c * (c > 0 ? hi[i] : lo[i]);
      }
      loose += l != m->vars[j].lo || h != m->vars[j].hi;
    }
    CHECK(!loose, "%s: %d adders whose exact interval is not the box's", what, loose);
    free(e), free(coef);
  }
  free(x), free(y), free(v);
  return bad;
}

static void random_case(int nout, int nin, int kind, const char *name) {
  int64_t *W = malloc(sizeof *W * (size_t)(nout * nin)), lo[64], hi[64];
  for (int i = 0; i < nin; i++) {
    int t = kind == 3 ? (int)(rnd() % 3) : 0;  /* mixed input ranges */
    lo[i] = t == 0 ? -128 : t == 1 ? 0 : -5;
    hi[i] = t == 0 ? 127 : t == 1 ? 1023 : 300;
  }
  for (int k = 0; k < nout * nin; k++) {
    int64_t w = uniform(-128, 127);
    if (kind == 1 && rnd() % 10 < 4)
      w = 0;                                          /* 40 % pruned */
    if (kind == 2)
      w = (int64_t)(rnd() % (1ULL << 40)) - ((int64_t)1 << 39);  /* wide */
    W[k] = w;
  }
  if (kind == 4 && nout >= 4) {  /* equal, negated and zero rows; a lone negative weight */
    memcpy(W + nin, W, sizeof *W * (size_t)nin);
    for (int i = 0; i < nin; i++)
      W[2 * nin + i] = -W[i], W[3 * nin + i] = 0;
    W[3 * nin] = -3;
  }
  char what[160];
  for (int cse = 0; cse <= 1; cse++)
    for (int dec = 0; dec <= cse; dec++)
      for (int depth = -1; depth <= (cse ? 2 : -1); depth++) {
        CmvmOptions o = cmvm_defaults;
        o.cse = cse, o.decompose = dec, o.max_depth = depth;
        o.weight = (int)(rnd() % CMVM_W_NKINDS);
        o.tries = 1 + (int)(rnd() % 3);
        snprintf(what, sizeof what, "%s %dx%d cse %d decompose %d depth %d weight %d tries %d", name,
                 nout, nin, cse, dec, depth, o.weight, o.tries);
        const char *why = NULL;
        Cmvm *m = cmvm_solve(W, nout, nin, lo, hi, NULL, &o, &why);
        CHECK(m != NULL, "%s: refused (%s)", what, why ? why : "?");
        if (!m)
          continue;
        check_graph(m, W, lo, hi, what);
        int64_t plain = 0;
        for (int r = 0; r < nout; r++) {
          int64_t t = 0;
          for (int i = 0; i < nin; i++)
            t += csd_terms(W[(int64_t)r * nin + i]);
          plain += t > 0 ? t - 1 : 0;
          if (cse && depth >= 0 && m->out[r].v >= 0) {  /* per-output depth limit */
            int base = 0;
            while (((int64_t)1 << base) < t)
              base++;
            CHECK(m->vars[m->out[r].v].depth <= base + depth, "%s: output %d depth %d > %d + %d",
                  what, r, m->vars[m->out[r].v].depth, base, depth);
          }
        }
        if (!cse)
          CHECK(m->adders == plain, "%s: %lld adders without sharing, expected %lld", what,
                (long long)m->adders, (long long)plain);
        else
          CHECK(m->adders <= plain, "%s: sharing costs %lld > %lld", what, (long long)m->adders,
                (long long)plain);
        Cmvm *again = cmvm_solve(W, nout, nin, lo, hi, NULL, &o, &why);
        CHECK(again && again->nvars == m->nvars &&
                  memcmp(again->vars, m->vars, sizeof *m->vars * (size_t)m->nvars) == 0 &&
                  memcmp(again->out, m->out, sizeof *m->out * (size_t)nout) == 0,
              "%s: not deterministic", what);
        cmvm_free(again);
        cmvm_free(m);
      }
  free(W);
}

static void test_limits(void) {
  int64_t W[4] = {1, 2, 3, 4}, lo[2] = {0, -((int64_t)1 << 62) - 1}, hi[2] = {1, 0};
  const char *why = NULL;
  Cmvm *m = cmvm_solve(W, 2, 2, lo, hi, NULL, NULL, &why);
  CHECK(!m && why, "an input interval beyond 2^62 is refused");
  int n = 4000;  /* one row of 4000 int8 weights: about 8e7 pairs, over the budget */
  int64_t *row = malloc(sizeof *row * (size_t)n), *l = malloc(sizeof *l * (size_t)n),
          *h = malloc(sizeof *h * (size_t)n);
  for (int i = 0; i < n; i++)
    row[i] = uniform(-128, 127) | 0x55, l[i] = -128, h[i] = 127;
  why = NULL;
  m = cmvm_solve(row, 1, n, l, h, NULL, NULL, &why);
  CHECK(!m && why, "a product over the pair budget is refused with a reason");
  CmvmOptions plain = cmvm_defaults;
  plain.cse = 0;
  m = cmvm_solve(row, 1, n, l, h, NULL, &plain, &why);
  CHECK(m && check_graph(m, row, l, h, "4000 terms without sharing") == 0, "the same without sharing");
  cmvm_free(m);
  free(row), free(l), free(h);
}

static void test_depths(void) {  /* late inputs: the trees add early inputs first */
  int64_t W[6] = {1, 1, 1, 1, 1, 1}, lo[6], hi[6];
  int32_t d[6] = {0, 0, 0, 0, 0, 5};
  for (int i = 0; i < 6; i++)
    lo[i] = 0, hi[i] = 1;
  const char *why = NULL;
  Cmvm *m = cmvm_solve(W, 1, 6, lo, hi, d, NULL, &why);
  CHECK(m && m->depth == 6, "five early terms and one at depth 5: depth %d, want 6", m ? m->depth : -1);
  cmvm_free(m);
}

int main(void) {
  static const char *kinds[] = {"int8", "pruned", "wide", "mixed ranges", "equal rows"};
  for (int kind = 0; kind < 5; kind++)
    for (int t = 0; t < 12; t++)
      random_case(1 + (int)(rnd() % (kind == 2 ? 10 : 20)), 1 + (int)(rnd() % (kind == 2 ? 10 : 20)),
                  kind, kinds[kind]);
  random_case(16, 16, 0, "int8");
  random_case(32, 8, 1, "pruned");
  test_limits();
  test_depths();
  return CHECK_DONE();
}
