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
 *     integer of the range when that takes at most 2^24 element
 *     evaluations (PassOptions.threshold_evals), else around every
 *     threshold and on a grid of up to 4096 points; a section that fails
 *     the check is left alone.
 *     The integer graph thus agrees with the float model bit for bit.
 *   - x a scaled integer (ToFloat with a scale: real value x * 2^-f * s_c,
 *     not a float): the thresholds are those of the section's exact
 *     real-number semantics (ir/fixed-point.md), computed backwards from
 *     each quantizer level with exact dyadic arithmetic (compiler/exact.c):
 *     every float32 constant is taken at its exact value and
 *     BatchNormalization's square root is never rounded.
 * Sections that do not match, or whose constants exceed the exact
 * arithmetic, are left as they are (mixed float and integer code).
 * (fold_thresholds_exact.c: the exact thresholds.)
 * Requires: lower_fixed.  Provides: Threshold nodes (the replaced float
 * nodes are left for eliminate_dead).  Invalidates: nothing.  Cost: per
 * section, (levels x 64) runs of its kernels and at most 2^24 element
 * evaluations for the check, or per element and level a few exact
 * operations on numbers of at most 4096 bits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../compiler.h"
#include "../../runtime/rt_table.h"

#include "fold_thresholds.h"

/* ---- matching ---- */

static Node *sole_consumer(Graph *g, const Value *v) {
  int i = graph_sole_reader(g, v, 0);
  return i < 0 ? NULL : g->nodes[i];
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
  case OP_DROPOUT:  /* inference: training_mode absent or false */
    return n->in[0] == v && (n->nin < 3 || !n->in[2] || !value_get_f64(n->in[2], 0));
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
    float sc = mt ? (float)q->fp[0] : (float)value_get_bcast(q->in[1], qin, i);
    float z = mt ? (float)q->fp[1]
                 : q->op == OP_BIPOLARQUANT ? 0 : (float)value_get_bcast(q->in[2], qin, i);
    int64_t code[2];
    for (int64_t j = 0; j <= s->nk; j++) {
      float l = (float)s->qlev[j];
      float y = mt ? (float)((float)(l * sc) + z) : (float)((float)(l - z) * sc);
      double d = rs ? rint((double)y / (double)sc) : (double)ldexpf(y, f);
      if (!(fabs(d) < 0x1p48))  /* infinite, NaN or huge (j * step overflows): no fold */
        return 0;
      int64_t c = (int64_t)d;
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
  const KernelInfo **kern;   /* per seq node: its kernel, found once */
  void **buf;                /* per seq node: its output buffer */
  int64_t *acc;              /* the candidate integers */
  char *sorted;              /* per element: its thresholds ascend */
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
    e->kern[j]->fn(n->ip, n->fp, t);  /* interp_node, without its lookup by name */
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

/* How many of the nk thresholds t are <= v: a binary search when they
 * ascend (bisection makes them so for a monotone section), else a count,
 * as rt_threshold counts. */
static int64_t count_le(const int64_t *t, int64_t nk, int64_t v, int sorted) {
  if (!sorted) {
    int64_t cnt = 0;
    for (int64_t k = 0; k < nk; k++)
      cnt += v >= t[k];
    return cnt;
  }
  int64_t lo = 0, hi = nk;  /* t[0..lo) <= v < t[hi..nk) */
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (t[mid] <= v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Does the threshold formula give the section's codes when element i's
 * input is a[i] (e->acc)?  Cost: one run of the section, and log(nk) per
 * element (the exhaustive check calls this for every input integer). */
static int agrees(Eval *e) {
  Section *s = e->s;
  int64_t w = 3 + s->nk;
  const int64_t *c = run(e);
  for (int64_t i = 0; i < s->m; i++) {
    const int64_t *row = s->rows + i * w;
    int64_t cnt = count_le(row + 3, s->nk, row[0] * e->acc[i], e->sorted[i]);
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
  e.kern = arena_alloc(s->g->arena, sizeof *e.kern * (size_t)s->n);
  for (int j = 0; j < s->n; j++)
    if (!(e.kern[j] = kernel_find(s->seq[j]->kernel)))
      die("no runtime kernel named %s", s->seq[j]->kernel);
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
  e.sorted = arena_alloc(s->g->arena, (size_t)m + 1);
  for (int64_t i = 0; i < m; i++) {
    const int64_t *t = s->rows + i * w + 3;
    e.sorted[i] = 1;
    for (int64_t k = 1; k < s->nk && e.sorted[i]; k++)
      e.sorted[i] = t[k - 1] <= t[k];
  }
  /* The check: every integer of a narrow range; else a grid, and each
   * element just below and at each of its thresholds. */
  int64_t per = s->evals / m;  /* runs of the section the check may take */
  if ((hi - lo + 1) <= per) {
    for (int64_t a = lo; a <= hi; a++)
      if (!agrees_at(&e, a))
        return 0;
    return 1;
  }
  int64_t grid = per < 64 ? 64 : per > 4096 ? 4096 : per;
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
      (!exact && s->m * s->nk > s->evals / 16))  /* bisection: (64 nk) runs of m */
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

void fold_thresholds(Graph *g, const PassOptions *o) {
  graph_count_uses(g);
  Section s = {.g = g, .evals = o->threshold_evals > 0 ? o->threshold_evals : (int64_t)1 << 24};
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->op == OP_TOFLOAT && n->in[0]->fx.w > 0 && match(&s, n))
      fold(&s);
  }
}
