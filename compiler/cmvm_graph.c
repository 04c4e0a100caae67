/*
 * cmvm_graph.c - the adder graph of cmvm.h as a data structure: appending
 * an adder (its depth and interval from its operands'), the exact
 * intervals of the adders' linear forms, the summary figures, evaluation
 * and freeing.  cmvm.c builds graphs with these; cmvm_decompose.c combines
 * them.
 */
#include <stdlib.h>
#include <string.h>

#include "cmvm.h"

int cmvm_digits(int64_t c) {
  int n = 0;
  while (c != 0) {
    if (c & 1) {
      c -= (c & 3) == 3 ? -1 : 1;
      n++;
    }
    c /= 2;
  }
  return n;
}

int cmvm_width(int64_t lo, int64_t hi) {
  int w = 1;
  if (lo < 0) {
    uint64_t m = (uint64_t)(-(lo + 1)) > (uint64_t)(hi > 0 ? hi : 0) ? (uint64_t)(-(lo + 1)) : (uint64_t)hi;
    while (m >> (w - 1))
      w++;
    return w;
  }
  while (w < 64 && ((uint64_t)hi >> w))
    w++;
  return w;
}


void cmvm_var_set(CmvmVar *v, const CmvmVar *vars, int32_t a, int sa, int32_t b, int sb, int sub) {
  *v = (CmvmVar){.a = a, .b = b, .sa = (int8_t)sa, .sb = (int8_t)sb, .sub = (int8_t)sub};
  int32_t da = vars[a].depth, db = vars[b].depth;
  v->depth = (da > db ? da : db) + 1;
  __int128 pa = (__int128)1 << sa, pb = (__int128)1 << sb;  /* no shifts of negatives (UB) */
  __int128 alo = vars[a].lo * pa, ahi = vars[a].hi * pa;
  __int128 blo = vars[b].lo * pb, bhi = vars[b].hi * pb;
  __int128 l = sub ? alo - bhi : alo + blo, h = sub ? ahi - blo : ahi + bhi;
  __int128 lim = (__int128)1 << 62;
  v->lo = l < -lim ? INT64_MIN / 2 : (int64_t)l;  /* beyond 2^62: exact_intervals refuses it */
  v->hi = h > lim ? INT64_MAX / 2 : (int64_t)h;
}

int32_t cmvm_add(Cmvm *m, int32_t a, int sa, int32_t b, int sb, int sub) {
  if (m->nvars == m->capvars) {
    m->capvars = 2 * m->capvars + 16;
    m->vars = realloc(m->vars, sizeof *m->vars * (size_t)m->capvars);
    if (!m->vars)
      abort();
  }
  cmvm_var_set(&m->vars[m->nvars], m->vars, a, sa, b, sb, sub);
  return m->nvars++;
}

/* The exact interval of every adder: its linear form over the inputs,
 * each input anywhere in its interval independently.  Interval arithmetic
 * on the operands is wider when they share inputs (a column decomposition's
 * y_j = d_j + y_p, or patterns over shared variables).  Skipped (m->exact
 * 0) beyond EXACT_MAX coefficients or 2^62. */
#define EXACT_MAX ((int64_t)1 << 22)
static void exact_intervals(Cmvm *m) {
  m->exact = 0;
  if ((int64_t)m->nvars * m->nin > EXACT_MAX)
    return;
  int64_t *c = calloc((size_t)m->nvars * (size_t)m->nin + 1, sizeof *c);
  int64_t *lo = malloc(sizeof *lo * (size_t)(m->nvars + 1)), *hi = malloc(sizeof *hi * (size_t)(m->nvars + 1));
  if (!c || !lo || !hi)
    abort();
  const __int128 lim = (__int128)1 << 62;
  for (int32_t v = 0; v < m->nvars; v++) {
    const CmvmVar *x = &m->vars[v];
    int64_t *cv = c + (int64_t)v * m->nin;
    if (v < m->nin) {
      cv[v] = 1;
      lo[v] = x->lo, hi[v] = x->hi;
      continue;
    }
    const int64_t *ca = c + (int64_t)x->a * m->nin, *cb = c + (int64_t)x->b * m->nin;
    __int128 l = 0, h = 0;
    for (int i = 0; i < m->nin; i++) {
      __int128 k = ca[i] * ((__int128)1 << x->sa) + (x->sub ? -1 : 1) * cb[i] * ((__int128)1 << x->sb);
      if (k >= lim || k <= -lim)
        goto out;
      cv[i] = (int64_t)k;
      l += k * (k > 0 ? m->vars[i].lo : m->vars[i].hi);
      h += k * (k > 0 ? m->vars[i].hi : m->vars[i].lo);
      if (l <= -lim || h >= lim)
        goto out;
    }
    lo[v] = (int64_t)l, hi[v] = (int64_t)h;
  }
  for (int32_t v = m->nin; v < m->nvars; v++)
    m->vars[v].lo = lo[v], m->vars[v].hi = hi[v];
  m->exact = 1;
out:
  free(c), free(lo), free(hi);
}

void cmvm_finish(Cmvm *m) {
  exact_intervals(m);
  m->adders = m->nvars - m->nin;
  m->negations = m->adder_bits = 0;
  m->depth = 0;
  for (int32_t v = m->nin; v < m->nvars; v++) {
    const CmvmVar *x = &m->vars[v];
    int wired = x->sub ? x->sb : (x->sa > x->sb ? x->sa : x->sb);
    m->adder_bits += cmvm_width(x->lo, x->hi) - wired;
  }
  for (int o = 0; o < m->nout; o++)
    if (m->out[o].v >= 0) {
      m->negations += m->out[o].neg;
      if (m->vars[m->out[o].v].depth > m->depth)
        m->depth = m->vars[m->out[o].v].depth;
    }
}

void cmvm_free(Cmvm *m) {
  if (!m)
    return;
  free(m->vars);
  free(m->out);
  free(m);
}

void cmvm_eval(const Cmvm *m, const int64_t *x, int64_t *y) {
  int64_t *v = malloc(sizeof *v * (size_t)(m->nvars + 1));
  if (!v)
    abort();
  for (int32_t i = 0; i < m->nvars; i++) {
    const CmvmVar *d = &m->vars[i];
    if (i < m->nin)
      v[i] = x[i];
    else
      v[i] = d->sub ? v[d->a] * ((int64_t)1 << d->sa) - v[d->b] * ((int64_t)1 << d->sb)
                    : v[d->a] * ((int64_t)1 << d->sa) + v[d->b] * ((int64_t)1 << d->sb);
  }
  for (int o = 0; o < m->nout; o++) {
    const CmvmOut *t = &m->out[o];
    y[o] = t->v < 0 ? 0 : (t->neg ? -1 : 1) * v[t->v] * ((int64_t)1 << t->e);
  }
  free(v);
}
