/*
 * fold_thresholds_exact.c - the thresholds of a section whose input is a
 * scaled integer (see fold_thresholds.c): for each quantizer level, the
 * condition "code >= level" is carried backwards through the section's
 * ops as u >= (p + q sqrt(v)) / d (or <=, or >, or settled), with exact
 * dyadic numbers (compiler/exact.c), and its integer threshold is the
 * exact floor on the accumulator.  Computed once per parameter channel.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fold_thresholds.h"
#include "../exact.h"
#include "../../runtime/rt_quant.h"

/* ---- scaled input: exact thresholds ---- */

/* Condition on a value u: dir * (u - E) >= 0 (or > 0 if strict), with
 * E = (p + q sqrt(v)) / d, d > 0; or a constant truth (known). */
typedef struct Cond {
  Dy p, q, v, d;
  int dir, strict, known, truth;
} Cond;

static int settle(Cond *c, int truth) {
  c->known = 1;
  c->truth = truth;
  return 1;
}

/* u rel E with u a constant k: settled now. */
static int decide_const(Cond *c, const Dy *k) {
  Dy a, nq = c->q;
  int sg;
  if (!dy_mul(&a, k, &c->d) || !dy_sub(&a, &a, &c->p))
    return 0;
  dy_neg(&nq);
  if (!dy_sign_surd(&a, &nq, &c->v, &sg))
    return 0;
  sg *= c->dir;
  return settle(c, c->strict ? sg > 0 : sg >= 0);
}

/* The condition on y = n(u) as one on u; 0 if it cannot be done exactly. */
static int back(Cond *c, const Node *n, const Value *u, int64_t i) {
  if (c->known || n->op == OP_IDENTITY || n->op == OP_DROPOUT)
    return 1;
  Dy t;
  if (n->op == OP_RELU) {  /* max(u, 0) */
    int sg;
    if (!dy_sign_surd(&c->p, &c->q, &c->v, &sg))
      return 0;
    if (c->dir > 0 && (c->strict ? sg < 0 : sg <= 0))
      return settle(c, 1);
    if (c->dir < 0 && (c->strict ? sg <= 0 : sg < 0))
      return settle(c, 0);
    return 1;
  }
  if (n->op == OP_BATCHNORM) {  /* (u - mean) * g / sqrt(var + eps) + b */
    int64_t nc = n->ip[1], ns = n->ip[2], ch = (i / ns) % nc, pi = n->ip[3] ? ch * ns + i % ns : ch;
    for (int k = 1; k <= 4; k++)
      if (!isfinite((float)value_get_f64(n->in[k], pi)))
        return 0;  /* exact arithmetic takes finite numbers only: the section stays float */
    Dy g = dy_double((float)value_get_f64(n->in[1], pi));
    Dy b = dy_double((float)value_get_f64(n->in[2], pi));
    Dy mean = dy_double((float)value_get_f64(n->in[3], pi));
    Dy var = dy_double((float)value_get_f64(n->in[4], pi)), eps = dy_double((float)n->fp[0]), w, r;
    if (dy_sign(&c->q) != 0 || !dy_add(&w, &var, &eps) || dy_sign(&w) <= 0)
      return 0;
    if (dy_sign(&g) == 0)
      return decide_const(c, &b);
    if (!dy_mul(&t, &b, &c->d) || !dy_sub(&r, &c->p, &t))  /* r = p - b d */
      return 0;
    if (!dy_mul(&t, &mean, &g) || !dy_mul(&c->p, &t, &c->d) || !dy_mul(&c->d, &c->d, &g))
      return 0;
    c->q = r;
    c->v = w;
    if (dy_sign(&g) < 0) {
      dy_neg(&c->p);
      dy_neg(&c->q);
      dy_neg(&c->d);
      c->dir = -c->dir;
    }
    return 1;
  }
  int left = n->in[0] == u;
  double kv = (float)value_get_bcast(n->in[left ? 1 : 0], n->out[0], i);
  if (!isfinite(kv))
    return 0;
  Dy k = dy_double(kv);
  int sk = dy_sign(&k);
  switch (n->op) {
  case OP_ADD:  /* u + k >= E  <=>  u >= E - k */
    return dy_mul(&t, &k, &c->d) && dy_sub(&c->p, &c->p, &t);
  case OP_SUB:
    if (left)  /* u - k */
      return dy_mul(&t, &k, &c->d) && dy_add(&c->p, &c->p, &t);
    if (!dy_mul(&t, &k, &c->d) || !dy_sub(&c->p, &t, &c->p))  /* k - u: u <= k - E */
      return 0;
    dy_neg(&c->q);
    c->dir = -c->dir;
    return 1;
  case OP_MUL:
    if (sk == 0) {
      Dy zero = dy_int(0);
      return decide_const(c, &zero);
    }
    if (sk < 0) {
      dy_neg(&k);
      dy_neg(&c->p);
      dy_neg(&c->q);
      c->dir = -c->dir;
    }
    return dy_mul(&c->d, &c->d, &k);
  case OP_DIV:  /* u / k >= E  <=>  u >= E k (k > 0) */
    if (sk == 0 || !dy_mul(&c->p, &c->p, &k) || !dy_mul(&c->q, &c->q, &k))
      return 0;
    if (sk < 0)
      c->dir = -c->dir;
    return 1;
  default:
    return 0;
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* MultiThreshold's count >= L (L >= 1) as "v >= the L-th smallest
 * threshold of v's channel" (an infinite one settles it); 0 if a threshold
 * is NaN. */
static int start_mt(Cond *c, const Node *q, int64_t i, int64_t L) {
  int64_t nc = q->ip[1], inner = q->ip[2], nb = q->ip[3], row = q->ip[4] ? 0 : (i / inner) % nc;
  double *t = malloc(sizeof *t * (size_t)nb), tl;
  if (!t)
    die("out of memory");
  int nan = 0;
  for (int64_t b = 0; b < nb; b++) {
    t[b] = (float)value_get_f64(q->in[1], row * nb + b);
    nan |= t[b] != t[b];
  }
  qsort(t, (size_t)nb, sizeof *t, cmp_double);
  tl = t[L - 1];
  free(t);
  memset(c, 0, sizeof *c);
  c->dir = 1;
  c->d = dy_int(1);
  c->v = dy_int(0);
  c->q = dy_int(0);
  if (nan)
    return 0;
  if (isinf(tl))
    return settle(c, tl < 0);
  c->p = dy_double(tl);
  return 1;
}

/* The condition "quantizer integer >= L" on the quantizer's input v; 0 if
 * a parameter is not finite. */
static int start(Cond *c, const Node *q, int64_t i, int64_t L) {
  const Value *qin = q->in[0];
  double sv = (float)value_get_bcast(q->in[1], qin, i), zv = q->op == OP_BIPOLARQUANT ? 0 :
              (float)value_get_bcast(q->in[2], qin, i);
  if (!isfinite(sv) || !isfinite(zv))
    return 0;
  Dy s = dy_double(sv), z = dy_double(zv);
  memset(c, 0, sizeof *c);
  c->dir = 1;
  c->d = dy_int(1);
  c->v = dy_int(0);
  c->q = dy_int(0);
  Dy t, half = dy_double(0.5);
  if (q->op == OP_BIPOLARQUANT || q->ip[2]) {  /* v / s + z >= 0 */
    t = dy_int(0);
  } else {
    int64_t mode = q->ip[1];
    int up = 0;  /* w >= L - 1/2 (tie to L), or strict */
    switch (mode) {
    case RT_QR_FLOOR: t = dy_int(L); break;
    case RT_QR_CEIL: t = dy_int(L - 1); c->strict = 1; break;
    case RT_QR_DOWN: t = dy_int(L > 0 ? L : L - 1); c->strict = L <= 0; break;
    case RT_QR_UP: t = dy_int(L > 0 ? L - 1 : L); c->strict = L > 0; break;
    default:
      up = mode == RT_QR_ROUND ? (L % 2 == 0) : mode == RT_QR_HALF_UP ? L >= 1 : L <= 0;
      t = dy_int(L);
      dy_sub(&t, &t, &half);
      c->strict = !up;
      break;
    }
  }
  return dy_sub(&t, &t, &z) && dy_mul(&c->p, &t, &s);  /* v >= (t - z) s */
}

/* Axes along which the section's parameters vary (bit d: axis d of x). */
static unsigned param_axes(const Section *s) {
  const Value *x = s->x;
  unsigned mask = 0;
  const Attr *sa = attr_find(s->seq[0], "scale");
  if (sa && sa->n > 1)
    mask |= 1u << attr_int(s->seq[0], "axis", 0);
  for (int j = 1; j < s->n - 1; j++) {
    const Node *n = s->seq[j];
    if (n->op == OP_BATCHNORM) {
      mask |= n->ip[1] > 1 ? 2u : 0;
      mask |= n->ip[3] ? ~1u : 0;  /* per-element parameters */
      continue;
    }
    if (n->op == OP_MULTITHRESHOLD) {
      int64_t outer = 1;
      for (int d = 0; d < x->rank && !n->ip[4] && n->ip[1] > 1; outer *= x->dims[d++])
        if (outer == n->ip[0] && x->dims[d] == n->ip[1]) {
          mask |= 1u << d;
          break;
        }
      continue;
    }
    for (int k = 1; k < n->nin; k++) {
      const Value *c = n->in[k] && n->in[k]->data ? n->in[k] : NULL;
      for (int d = 0; c && d < x->rank; d++) {
        int kd = c->rank - (x->rank - d);
        mask |= kd >= 0 && c->dims[kd] > 1 ? 1u << d : 0;
      }
    }
    if (n->op == OP_ADD || n->op == OP_MUL || n->op == OP_SUB)  /* the constant may be first */
      for (int d = 0; n->in[0]->data && d < x->rank; d++) {
        const Value *c = n->in[0];
        int kd = c->rank - (x->rank - d);
        mask |= kd >= 0 && c->dims[kd] > 1 ? 1u << d : 0;
      }
  }
  return mask;
}

/* The element whose row element i shares (all parameters equal), or i. */
static int64_t representative(const Section *s, unsigned mask, int64_t i) {
  const Value *x = s->x;
  if (mask == 0)
    return 0;
  if (mask & (mask - 1))
    return i;
  int d = 0;
  while (!(mask & (1u << d)))
    d++;
  if (d >= x->rank)
    return i;
  int64_t inner = 1;
  for (int e = d + 1; e < x->rank; e++)
    inner *= x->dims[e];
  return ((i / inner) % x->dims[d]) * inner;
}

int by_exact(Section *s) {
  Node *q = s->seq[s->n - 2], *tf = s->seq[0];
  int64_t lo = s->x->qlo, hi = s->x->qhi, w = 3 + s->nk;
  const Attr *sa = attr_find(tf, "scale");
  int64_t axis = attr_int(tf, "axis", -1), f = attr_int(tf, "f", 0);
  Cond *cs = malloc(sizeof *cs * (size_t)s->nk);
  if (!cs)
    die("out of memory");
  unsigned mask = param_axes(s);
  for (int64_t i = 0; i < s->m; i++) {
    int64_t ch = 0, *row = s->rows + i * w, rep = representative(s, mask, i);
    if (rep != i) {  /* rows are computed in increasing i, and rep <= i */
      memcpy(row, s->rows + rep * w, sizeof *row * (size_t)w);
      continue;
    }
    if (axis >= 0) {
      int64_t inner = 1;
      for (int d = (int)axis + 1; d < s->x->rank; d++)
        inner *= s->x->dims[d];
      ch = (i / inner) % s->x->dims[axis];
    }
    Dy unit = dy_double(ldexp(sa->floats[sa->n > 1 ? ch : 0], (int)-f));  /* a * unit = u */
    int dir = 0;
    for (int64_t j = 1; j <= s->nk; j++) {
      Cond *c = &cs[j - 1];
      int ok = q->op == OP_MULTITHRESHOLD ? start_mt(c, q, i, s->qlev[j]) : start(c, q, i, s->qlev[j]);
      if (!ok)
        goto fail;
      for (int k = s->n - 3; k >= 1; k--)
        if (!back(c, s->seq[k], s->seq[k - 1]->out[0], i))
          goto fail;
      if ((!c->known && !dy_mul(&c->d, &c->d, &unit)) || (!c->known && dir && c->dir != dir))
        goto fail;
      dir = c->known ? dir : c->dir;
    }
    row[0] = dir ? dir : 1;
    for (int64_t j = 1; j <= s->nk; j++) {
      Cond *c = &cs[j - 1];
      int64_t T, fl;
      int is_int;
      if (c->known) {
        T = c->truth ? (row[0] > 0 ? lo : -hi) : (row[0] > 0 ? hi : -lo) + 1;
      } else {
        if (!dy_floor_surd(&c->p, &c->q, &c->v, &c->d, lo, hi, &fl, &is_int))
          goto fail;
        if (c->dir > 0)
          T = c->strict || !is_int ? fl + 1 : fl;
        else
          T = -(c->strict && is_int ? fl - 1 : fl);
      }
      row[3 + j - 1] = T;
      if (j > 1 && T < row[3 + j - 2])
        goto fail;
    }
  }
  free(cs);
  return 1;
fail:
  free(cs);
  return 0;
}
