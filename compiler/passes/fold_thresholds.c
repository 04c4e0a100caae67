/*
 * fold_thresholds - turns each float section that lower_fixed leaves
 * between an integer value and a quantizer into one integer Threshold:
 *
 *   x (fixed) -> ToFloat -> per-element monotone float ops (Add, Sub, Mul,
 *   Div by constants, BatchNormalization, Relu, Identity, Dropout) ->
 *   Quant / IntQuant / BipolarQuant -> FromFloat -> codes
 *
 * becomes codes = Threshold(x), code = base + step * #{k : sign * x >= T_k}
 * (FINN's multi-threshold, on the exact integer accumulator).  So a
 * quantized MatMul -> BatchNorm -> Relu -> Quant layer has no float left.
 * The thresholds compute what the section computes:
 *   - x with a power-of-two format (ToFloat without a scale): ToFloat gives
 *     exactly the float value the float model has there, so the section's
 *     own kernels are run on candidate integers and each threshold is found
 *     by bisection (the section is monotone: every op is, float rounding
 *     included).  The result is then checked against the kernels at every
 *     integer of the range (around every threshold and on a 4096-point grid
 *     if the range is wider); a section that fails the check is left alone.
 *     The integer graph thus agrees with the float model bit for bit.
 *   - x a scaled integer (ToFloat with a scale: real value x * 2^-f * s_c,
 *     not a float): the thresholds are those of the section's exact
 *     real-number semantics (ir/fixed-point.md), computed backwards from
 *     each quantizer level with exact dyadic arithmetic (compiler/exact.c):
 *     every float32 constant is taken at its exact value and
 *     BatchNormalization's square root is never rounded.
 * Sections that do not match, or whose constants exceed the exact
 * arithmetic, are left as they are (mixed float and integer code).
 * Requires: lower_fixed.  Provides: Threshold nodes (the replaced float
 * nodes are left for eliminate_dead).  Invalidates: nothing.  Cost: per
 * section, (levels x 64) runs of its kernels, or per element and level a
 * few exact operations on numbers of at most 4096 bits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../compiler.h"
#include "../exact.h"
#include "../../runtime/rt_quant.h"

#define MAXOPS 16

typedef struct Section {
  Graph *g;
  Node *seq[MAXOPS + 3];     /* ToFloat, the float ops, the quantizer, FromFloat */
  int n;
  Value *x;                  /* the integer input */
  int64_t m;                 /* elements of x */
  int64_t nk;                /* levels: the quantizer's codes minus one */
  int64_t *qlev;             /* per element: quantizer integer of level 0..nk */
  int64_t *rows;             /* per element: sign, base, step, T[0..nk-1] */
} Section;

/* ---- matching ---- */

static Node *sole_consumer(Graph *g, const Value *v) {
  if (v->nuses != 1 || v->output_index >= 0)
    return NULL;
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; k < g->nodes[i]->nin; k++)
      if (g->nodes[i]->in[k] == v)
        return g->nodes[i];
  return NULL;
}

static int same_shape(const Value *a, const Value *b) {
  return a->rank == b->rank && !memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank);
}

/* Is n a per-element monotone float op of v whose other inputs are constants? */
static int chain_op(const Node *n, const Value *v) {
  if (!n->kernel || !n->out[0] || n->out[0]->dt != DT_F32 || !same_shape(n->out[0], v))
    return 0;
  for (int k = 0; k < n->nin; k++)
    if (n->in[k] && n->in[k] != v && !n->in[k]->data)
      return 0;
  for (int k = 1; k < n->nout; k++)
    if (n->out[k])
      return 0;
  switch (n->op) {
  case OP_ADD: case OP_SUB: case OP_MUL:
    return n->nin == 2 && (n->in[0] == v) != (n->in[1] == v);
  case OP_DIV:
    return n->nin == 2 && n->in[0] == v && n->in[1] != v;
  case OP_BATCHNORM:
    return n->in[0] == v && n->nip >= 5 && n->ip[4] == 0;
  case OP_RELU: case OP_IDENTITY:
    return n->in[0] == v;
  case OP_DROPOUT:  /* inference: no ratio or training_mode input */
    return n->in[0] == v && n->nin == 1;
  default:
    return 0;
  }
}

static int is_quantizer(const Node *n) {
  return n->op == OP_QUANT || n->op == OP_INTQUANT || n->op == OP_BIPOLARQUANT ||
         n->op == OP_MULTITHRESHOLD;
}

static int match(Section *s, Node *tf) {
  Graph *g = s->g;
  s->n = 0;
  s->x = tf->in[0];
  s->seq[s->n++] = tf;
  Value *v = tf->out[0];
  for (;;) {
    Node *c = sole_consumer(g, v);
    if (!c)
      return 0;
    if (is_quantizer(c)) {
      if (c->in[0] != v || !c->out[0] || !c->kernel)
        return 0;
      for (int k = 1; k < c->nin; k++)
        if (c->in[k] && !c->in[k]->data)
          return 0;
      Node *r = sole_consumer(g, c->out[0]);
      if (!r || r->op != OP_FROMFLOAT)
        return 0;
      s->seq[s->n++] = c;
      s->seq[s->n++] = r;
      return 1;
    }
    if (s->n > MAXOPS || !chain_op(c, v))
      return 0;
    s->seq[s->n++] = c;
    v = c->out[0];
  }
}

/* Element i of constant c broadcast (numpy rules) against shape y. */
static double bget(const Value *c, const Value *y, int64_t i) {
  int64_t off = 0, str = 1;
  for (int d = y->rank - 1; d >= 0; d--) {
    int64_t id = i % y->dims[d];
    i /= y->dims[d];
    int k = c->rank - (y->rank - d);
    if (k >= 0) {
      off += (c->dims[k] == 1 ? 0 : id) * str;
      str *= c->dims[k];
    }
  }
  return value_get_f64(c, off);
}

/* ---- the codes of the quantizer levels ---- */

/* Quantizer levels (qlev) per element, and the code FromFloat makes of
 * each: code(level j) = base + step * j, or 0 if the codes are not evenly
 * spaced. */
static int levels(Section *s) {
  Node *q = s->seq[s->n - 2], *r = s->seq[s->n - 1];
  Value *qin = q->in[0];
  int mt = q->op == OP_MULTITHRESHOLD, bipolar = !mt && (q->op == OP_BIPOLARQUANT || q->ip[2]);
  int64_t qmin = mt ? 0 : bipolar ? -1 : (int64_t)q->fp[0];
  int64_t qmax = mt ? q->ip[3] : bipolar ? 1 : (int64_t)q->fp[1];
  s->nk = bipolar ? 1 : qmax - qmin;
  if (s->nk < 1 || s->nk > 4096 || s->m * (3 + s->nk) > ((int64_t)1 << 22))
    return 0;  /* (the rows take at most 32 MB) */
  int64_t w = 3 + s->nk;
  s->rows = arena_alloc(s->g->arena, sizeof *s->rows * (size_t)(w * s->m));
  s->qlev = arena_alloc(s->g->arena, sizeof *s->qlev * (size_t)(s->nk + 1));
  for (int64_t j = 0; j <= s->nk; j++)
    s->qlev[j] = bipolar ? 2 * j - 1 : qmin + j;
  const Attr *rs = attr_find(r, "scale");
  int f = (int)attr_int(r, "f", 0);
  for (int64_t i = 0; i < s->m; i++) {
    /* level j's float output y = (q_j - z) * sc (MultiThreshold: j * sc + z) */
    float sc = mt ? (float)q->fp[0] : (float)bget(q->in[1], qin, i);
    float z = mt ? (float)q->fp[1] : q->op == OP_BIPOLARQUANT ? 0 : (float)bget(q->in[2], qin, i);
    int64_t code[2];
    for (int64_t j = 0; j <= s->nk; j++) {
      float l = (float)s->qlev[j];
      float y = mt ? (float)((float)(l * sc) + z) : (float)((float)(l - z) * sc);
      int64_t c = rs ? (int64_t)rint((double)y / (double)sc) : (int64_t)ldexpf(y, f);
      if (j < 2)
        code[j] = c;
      else if (c != code[0] + j * (code[1] - code[0]))  /* evenly spaced? */
        return 0;
    }
    s->rows[i * w + 1] = code[0];
    s->rows[i * w + 2] = code[1] - code[0];
    if (code[1] <= code[0])
      return 0;
  }
  return 1;
}

/* ---- power-of-two input: bisection on the section's own kernels ---- */

typedef struct Eval {
  Section *s;
  void **buf;                /* per seq node: its output buffer */
  int64_t *acc;              /* the candidate integers */
} Eval;

/* codes[i] = the section applied to acc[i] (= e->acc). */
static const int64_t *run(Eval *e) {
  Section *s = e->s;
  void *t[16];
  for (int j = 0; j < s->n; j++) {
    Node *n = s->seq[j];
    const Value *in = j ? s->seq[j - 1]->out[0] : s->x;
    void *inbuf = j ? e->buf[j - 1] : e->acc;
    ASSERT(n->ntargs <= 16);
    for (int k = 0; k < n->ntargs; k++) {
      Value *v = n->targs[k];
      t[k] = !v ? NULL : v == in ? inbuf : v == n->out[0] ? e->buf[j] : v->data;
    }
    interp_node(n, t);
  }
  return e->buf[s->n - 1];
}

/* Threshold of each element for level j by bisection on a' = sign * a. */
static void bisect(Eval *e, int64_t j, const int64_t *sgn, int64_t lo, int64_t hi) {
  Section *s = e->s;
  int64_t w = 3 + s->nk, m = s->m;
  int64_t *L = malloc(sizeof *L * (size_t)m), *H = malloc(sizeof *H * (size_t)m);
  if (!L || !H)
    die("out of memory");
  for (int64_t i = 0; i < m; i++) {
    L[i] = sgn[i] > 0 ? lo : -hi;
    H[i] = (sgn[i] > 0 ? hi : -lo) + 1;
  }
  for (;;) {
    int open = 0;
    for (int64_t i = 0; i < m; i++) {
      int64_t mid = L[i] + (H[i] - L[i]) / 2;
      open |= L[i] < H[i];
      e->acc[i] = L[i] < H[i] ? sgn[i] * mid : lo;
    }
    if (!open)
      break;
    const int64_t *c = run(e);
    for (int64_t i = 0; i < m; i++) {
      if (L[i] >= H[i])
        continue;
      int64_t mid = L[i] + (H[i] - L[i]) / 2, level = s->rows[i * w + 1] + j * s->rows[i * w + 2];
      if (c[i] >= level)
        H[i] = mid;
      else
        L[i] = mid + 1;
    }
  }
  for (int64_t i = 0; i < m; i++)
    s->rows[i * w + 3 + j - 1] = L[i];
  free(L);
  free(H);
}

/* Does the threshold formula give the section's codes when element i's
 * input is a[i] (e->acc)? */
static int agrees(Eval *e) {
  Section *s = e->s;
  int64_t w = 3 + s->nk;
  const int64_t *c = run(e);
  for (int64_t i = 0; i < s->m; i++) {
    const int64_t *row = s->rows + i * w;
    int64_t v = row[0] * e->acc[i], cnt = 0;
    for (int64_t k = 0; k < s->nk; k++)
      cnt += v >= row[3 + k];
    if (c[i] != row[1] + row[2] * cnt)
      return 0;
  }
  return 1;
}

static int agrees_at(Eval *e, int64_t a) {
  for (int64_t i = 0; i < e->s->m; i++)
    e->acc[i] = a;
  return agrees(e);
}

static int by_float(Section *s) {
  int64_t lo = s->x->qlo, hi = s->x->qhi, m = s->m, w = 3 + s->nk;
  Eval e = {.s = s};
  e.buf = arena_alloc(s->g->arena, sizeof *e.buf * (size_t)s->n);
  for (int j = 0; j < s->n; j++)
    e.buf[j] = arena_alloc(s->g->arena, dtype_size(s->seq[j]->out[0]->dt) * (size_t)(m + 1));
  e.acc = arena_alloc(s->g->arena, sizeof *e.acc * (size_t)(m + 1));
  int64_t *sgn = arena_alloc(s->g->arena, sizeof *sgn * (size_t)m);
  for (int64_t i = 0; i < m; i++)
    e.acc[i] = lo;
  const int64_t *c = run(&e);
  int64_t *first = arena_alloc(s->g->arena, sizeof *first * (size_t)m);
  memcpy(first, c, sizeof *first * (size_t)m);
  for (int64_t i = 0; i < m; i++)
    e.acc[i] = hi;
  c = run(&e);
  for (int64_t i = 0; i < m; i++) {
    sgn[i] = c[i] < first[i] ? -1 : 1;
    s->rows[i * w] = sgn[i];
  }
  for (int64_t j = 1; j <= s->nk; j++)
    bisect(&e, j, sgn, lo, hi);
  /* The check: every integer of a narrow range; else a grid, and each
   * element just below and at each of its thresholds. */
  if ((hi - lo + 1) <= ((int64_t)1 << 24) / m) {
    for (int64_t a = lo; a <= hi; a++)
      if (!agrees_at(&e, a))
        return 0;
    return 1;
  }
  int64_t grid = ((int64_t)1 << 24) / m < 64 ? 64 : ((int64_t)1 << 24) / m > 4096 ? 4096 :
                 ((int64_t)1 << 24) / m;
  for (int64_t k = 0; k <= grid; k++)
    if (!agrees_at(&e, lo + (int64_t)((double)(hi - lo) * (double)k / (double)grid)))
      return 0;
  for (int64_t k = 0; k < s->nk; k++)
    for (int64_t d = -1; d <= 0; d++) {
      for (int64_t i = 0; i < m; i++) {
        int64_t a = s->rows[i * w] * (s->rows[i * w + 3 + k] + d);
        e.acc[i] = a < lo ? lo : a > hi ? hi : a;
      }
      if (!agrees(&e))
        return 0;
    }
  return 1;
}

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
    Dy g = dy_double((float)value_get_f64(n->in[1], pi)), b = dy_double((float)value_get_f64(n->in[2], pi));
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
  double kv = (float)bget(n->in[left ? 1 : 0], n->out[0], i);
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
  double sv = (float)bget(q->in[1], qin, i), zv = q->op == OP_BIPOLARQUANT ? 0 :
              (float)bget(q->in[2], qin, i);
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

static int by_exact(Section *s) {
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
      if (!(q->op == OP_MULTITHRESHOLD ? start_mt(c, q, i, s->qlev[j]) : start(c, q, i, s->qlev[j])))
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

/* ---- rewriting ---- */

/* The channel axis along which the rows vary (-1: none), or -2 if they
 * vary along more than one. */
static int row_axis(const Section *s) {
  int64_t w = 3 + s->nk;
  const Value *x = s->x;
  int same = 1;
  for (int64_t i = 1; i < s->m && same; i++)
    same = !memcmp(s->rows, s->rows + i * w, sizeof *s->rows * (size_t)w);
  if (same)
    return -1;
  for (int d = 0; d < x->rank; d++) {
    int64_t inner = 1, ok = 1;
    for (int e = d + 1; e < x->rank; e++)
      inner *= x->dims[e];
    for (int64_t i = 0; i < s->m && ok; i++) {
      int64_t rep = ((i / inner) % x->dims[d]) * inner;
      ok = !memcmp(s->rows + i * w, s->rows + rep * w, sizeof *s->rows * (size_t)w);
    }
    if (ok)
      return d;
  }
  return -2;
}

static int fold(Section *s) {
  Graph *g = s->g;
  s->m = value_numel(s->x);
  int exact = attr_find(s->seq[0], "scale") != NULL;
  if (s->m < 1 || s->m > ((int64_t)1 << 20) || !levels(s) ||
      (!exact && s->m * s->nk > ((int64_t)1 << 20)))  /* bisection: (64 nk) runs of m */
    return 0;
  int ok = exact ? by_exact(s) : by_float(s);
  int axis = ok ? row_axis(s) : -2;
  if (axis == -2)
    return 0;
  int64_t w = 3 + s->nk, nc = axis < 0 ? 1 : s->x->dims[axis], inner = 1;
  for (int d = axis + 1; axis >= 0 && d < s->x->rank; d++)
    inner *= s->x->dims[d];
  int64_t *rows = arena_alloc(g->arena, sizeof *rows * (size_t)(w * nc));
  for (int64_t c = 0; c < nc; c++)
    memcpy(rows + c * w, s->rows + c * inner * w, sizeof *rows * (size_t)w);
  Node *r = s->seq[s->n - 1];
  r->op = OP_THRESHOLD;
  r->optype = op_name(OP_THRESHOLD);
  r->in[0] = s->x;
  r->nattrs = 0;
  node_set_int(g, r, "k", s->nk);
  node_set_int(g, r, "axis", axis);
  node_set_ints(g, r, "rows", rows, (int)(w * nc));
  infer_node(g, r);
  graph_count_uses(g);
  return 1;
}

void fold_thresholds(Graph *g) {
  graph_count_uses(g);
  Section s = {.g = g};
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->op == OP_TOFLOAT && n->in[0]->fx.w > 0 && match(&s, n))
      fold(&s);
  }
}
