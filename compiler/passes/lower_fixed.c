/*
 * lower_fixed - turns a quantized float graph into an integer graph: every
 * value between quantizers becomes fixed point (int64 containers, FixType +
 * integer range on the Value), and interval analysis on the actual
 * constants sizes every product and sum so nothing can overflow.  A
 * quantizer whose scale is not a power of two gives scaled integers: its
 * codes with the real scale beside them (Value.rscale; lower_fixed_quant.c).
 * Semantics: ir/fixed-point.md.
 *
 * Algorithm (one forward sweep, nodes are rewritten in place):
 *   - Quant/IntQuant on a float value stays a float quantizer and is
 *     followed by FromFloat (exact: its output lies on the 2^-F grid);
 *     Quant on a fixed value becomes Requant (round + saturate, exact
 *     integer arithmetic).  Per-channel scales share the largest F.
 *   - MatMul/Gemm/Conv with a constant operand: the constant is converted to
 *     integers at its exact fraction bits (float weights that a folded
 *     quantizer put on a grid convert without loss); the result has F_a+F_b
 *     fraction bits and, per output column, the range of the sum of the
 *     products over the input range.  Gemm becomes MatMul + Add.
 *   - Add/Sub align both operands to the larger F (exact left shift);
 *     Mul adds fraction bits; Relu clips the range; MaxPool and data
 *     movement (Reshape, Flatten, Transpose, ...) keep format and range.
 *   - Any other op reading a fixed value gets it back as float32 (ToFloat),
 *     so float tails (Softmax) compute what the float model computes;
 *     fixed graph outputs are converted the same way.
 * Requires: infer_shapes.  Provides: fixed-point types and ranges
 * (--dump-ir shows them).  Invalidates: nothing.  Cost: linear in nodes
 * plus the size of the constants.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "lower_fixed.h"
#include "../../runtime/rt_fixed.h"

#define RANGE_LIMIT ((int64_t)1 << 62)

static __int128 min2(__int128 a, __int128 b) { return a < b ? a : b; }
static __int128 max2(__int128 a, __int128 b) { return a > b ? a : b; }

static int bits_of(uint64_t x) {
  int b = 0;
  for (; x; x >>= 1)
    b++;
  return b;
}

/* Gives v format f and integer range [lo, hi]; the width follows from the
 * range (unsigned if lo >= 0). */
void set_fixed(Fixer *F, Node *n, Value *v, int f, __int128 lo, __int128 hi) {
  if (lo < -RANGE_LIMIT || hi >= RANGE_LIMIT)
    error_node(F->g, n, "the fixed-point range of '%s' needs more than 63 bits; bibc's integer "
               "pipeline cannot represent it (quantize it more coarsely)", v->name);
  v->qlo = (int64_t)lo;
  v->qhi = (int64_t)hi;
  v->fx.f = f;
  v->fx.sgn = lo < 0;
  int bn = lo < 0 ? bits_of((uint64_t)(-(lo + 1))) : 0, bp = bits_of((uint64_t)(hi > 0 ? hi : 0));
  v->fx.w = lo < 0 ? 1 + (bn > bp ? bn : bp)  /* hi < 0 too: all-negative ranges (review) */
                   : (bp ? bp : 1);
}

/* Smallest f in [-64, 62] with every element * 2^f an integer below 2^53
 * in magnitude; INT32_MIN if there is none (not on a power-of-two grid). */
int exact_frac(const Value *c) {
  int64_t n = value_numel(c);
  for (int f = -64; f <= 62; f++) {
    int ok = 1;
    for (int64_t i = 0; i < n && ok; i++) {
      double v = ldexp(value_get_f64(c, i), f);
      ok = v == floor(v) && fabs(v) < 9007199254740992.0;
    }
    if (ok)
      return f;
  }
  return INT32_MIN;
}

/* A new int64 constant holding c * 2^f, with format and range. */
Value *const_to_fixed(Fixer *F, Node *n, Value *c, int f) {
  Value *q = value_new(F->g, arena_printf(F->g->arena, "%s.q%d", c->name, f));
  q->dt = DT_I64;
  q->rank = c->rank;
  memcpy(q->dims, c->dims, sizeof q->dims);
  q->shape_known = 1;
  int64_t cnt = value_numel(c), lo = 0, hi = 0;
  q->data = arena_alloc(F->g->arena, sizeof(int64_t) * (size_t)(cnt ? cnt : 1));
  for (int64_t i = 0; i < cnt; i++) {
    double d = ldexp(value_get_f64(c, i), f);
    if (!(fabs(d) < 4611686018427387904.0))  /* 2^62; also NaN */
      error_node(F->g, n, "constant '%s' element %lld (%g) times 2^%d does not fit a 62-bit "
                 "fixed-point code; rescale the model or compile without --fixed", c->name,
                 (long long)i, value_get_f64(c, i), f);
    int64_t x = (int64_t)d;
    ((int64_t *)q->data)[i] = x;
    lo = i == 0 || x < lo ? x : lo;
    hi = i == 0 || x > hi ? x : hi;
  }
  set_fixed(F, n, q, f, lo, hi);
  return q;
}

Value *fixed_const(Fixer *F, Node *n, Value *c, int fmin) {
  int f = exact_frac(c);
  if (f == INT32_MIN)
    error_node(F->g, n, "constant '%s' is not on a power-of-two grid; the fixed-point pipeline "
               "needs power-of-two quantization scales", c->name);
  return const_to_fixed(F, n, c, f > fmin ? f : fmin);
}

/* Inserts a node before the one being rewritten; returns it. */
Node *insert_before(Fixer *F, Node *at, OpKind op, Value *in, const char *suffix) {
  Node *m = node_insert(F->g, F->pos++, op, 1, 1);
  m->index = at->index;
  m->name = at->name;
  m->opset = at->opset;
  m->in[0] = in;
  m->out[0] = value_new(F->g, arena_printf(F->g->arena, "%s.%s", in->name, suffix));
  m->out[0]->producer = m;
  return m;
}

/* x at f >= x->fx.f fraction bits: an exact left shift (a Requant). */
Value *align(Fixer *F, Node *at, Value *x, int f) {
  if (x->fx.f == f)
    return x;
  int s = f - x->fx.f;
  Node *m = insert_before(F, at, OP_REQUANT, x, arena_printf(F->g->arena, "f%d", f));
  const int64_t ch[4] = {-s, 0, 0, 0};
  node_set_int(F->g, m, "ovf", OVF_WRAP);
  node_set_int(F->g, m, "w", 64);
  node_set_ints(F->g, m, "channels", ch, 4);
  infer_node(F->g, m);
  set_fixed(F, at, m->out[0], f, x->qlo * ((__int128)1 << s), x->qhi * ((__int128)1 << s));
  return m->out[0];
}

/* ToFloat m of x: fraction bits, and x's real scale if it has one. */
static void convert_attrs(Graph *g, Node *m, const Value *x) {
  node_set_int(g, m, "f", x->fx.f);
  if (x->rscale) {
    node_set_floats(g, m, "scale", x->rscale, (int)x->nrscale);
    node_set_int(g, m, "axis", x->rscale_axis);
  }
  infer_node(g, m);
}

/* Gives y x's real scale (per tensor, or per channel along axis). */
static void copy_scale(Value *y, const Value *x) {
  y->rscale = x->rscale;
  y->nrscale = x->nrscale;
  y->rscale_axis = x->rscale_axis;
}

/* Is fixed x an index (ArgMax's, TopK's), through data movement?  Its
 * codes are the model's own int64 values. */
static int is_index(const Value *x) {
  const Value *v = x;
  for (const Node *p = v->producer; p && (p->op == OP_RESHAPE || p->op == OP_FLATTEN ||
       p->op == OP_SQUEEZE || p->op == OP_UNSQUEEZE || p->op == OP_IDENTITY ||
       p->op == OP_TRANSPOSE || p->op == OP_DROPOUT || p->op == OP_CONCAT); p = v->producer)
    v = p->in[0];
  const Node *p = v->producer;
  return p && (p->op == OP_ARGMAX || (p->op == OP_TOPK && p->nout > 1 && v == p->out[1]));
}

/* The value of fixed x for ops outside the integer core: float32
 * (ToFloat), or int64 for an index (ToInt). */
Value *to_float(Fixer *F, Node *at, Value *x) {
  if (x->id < F->cap && F->as_float[x->id])
    return F->as_float[x->id];
  int index = is_index(x);
  Node *m = insert_before(F, at, index ? OP_TOINT : OP_TOFLOAT, x, index ? "int" : "float");
  if (index)
    infer_node(F->g, m);
  else
    convert_attrs(F->g, m, x);
  if (x->id >= F->cap) {  /* x was made by this pass: grow the cache */
    Value **a = arena_alloc(F->g->arena, sizeof *a * (size_t)(2 * F->g->nvalues + 1));
    memcpy(a, F->as_float, sizeof *a * (size_t)F->cap);
    F->as_float = a;
    F->cap = 2 * F->g->nvalues + 1;
  }
  return F->as_float[x->id] = m->out[0];
}

/* Node inputs that are fixed but the op computes in float get ToFloat. */
void float_op(Fixer *F, Node *n) {
  int changed = 0;
  for (int k = 0; k < n->nin; k++)
    if (is_fixed(n->in[k]))
      n->in[k] = to_float(F, n, n->in[k]), changed = 1;
  if (changed)
    infer_node(F->g, n);
}

void replace_uses(Graph *g, Value *from, Value *to, int start) {
  for (int i = start; i < g->nnodes; i++)
    for (int k = 0; k < g->nodes[i]->nin; k++)
      if (g->nodes[i]->in[k] == from)
        g->nodes[i]->in[k] = to;
  for (int i = 0; i < g->noutputs; i++)
    if (g->outputs[i] == from) {
      g->outputs[i] = to;
      to->output_index = i;
      from->output_index = -1;
    }
}

/* ---- products and sums ---- */


/* A MatMul by a constant B with at least a quarter zeros (pruned weights)
 * becomes SparseMatMul, which stores and multiplies the nonzeros only. */
static void sparsify(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *b = n->in[1];
  if (!b->data || b->rank != 2 || b->dt != DT_I64)
    return;
  int64_t K = b->dims[0], N = b->dims[1], nnz = 0;
  const int64_t *w = b->data;
  for (int64_t i = 0; i < K * N; i++)
    nnz += w[i] != 0;
  if (nnz == 0 || 4 * (K * N - nnz) < K * N)
    return;
  int64_t len = N + 1 + nnz;
  Value *vals = value_new(g, arena_printf(g->arena, "%s.nz", b->name));
  Value *idx = value_new(g, arena_printf(g->arena, "%s.index", b->name));
  vals->dt = idx->dt = DT_I64;
  vals->rank = idx->rank = 1;
  vals->dims[0] = nnz;
  idx->dims[0] = len;
  vals->shape_known = idx->shape_known = 1;
  vals->fx = b->fx;
  vals->qlo = b->qlo;
  vals->qhi = b->qhi;
  int64_t *v = vals->data = arena_alloc(g->arena, sizeof *v * (size_t)(nnz + 1));
  int64_t *x = idx->data = arena_alloc(g->arena, sizeof *x * (size_t)(len + 1));
  int64_t e = 0;
  for (int64_t j = 0; j < N; j++) {
    x[j] = e;
    for (int64_t k = 0; k < K; k++)
      if (w[k * N + j]) {
        v[e] = w[k * N + j];
        x[N + 1 + e++] = k;
      }
  }
  x[N] = e;
  Value *a = n->in[0];
  n->op = OP_SPMATMUL;
  n->nin = 3;
  n->in = arena_alloc(g->arena, sizeof *n->in * 3);
  n->in[0] = a;
  n->in[1] = vals;
  n->in[2] = idx;
  n->nattrs = 0;
  node_set_int(g, n, "n", N);
}

/* Y = A B with A fixed [.., K] and B a constant [K, N] (converted to
 * integers), or both fixed.  Range per output column: the sum over k of
 * the extreme products b_kj * a for a in [a.qlo, a.qhi]. */
static void fix_matmul(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *a = n->in[0], *b = n->in[1];
  if (!is_fixed(a) && !is_fixed(b))
    return;
  if (!is_fixed(a) || (!is_fixed(b) && !b->data)) {
    float_op(F, n);
    return;
  }
  __int128 lo = 0, hi = 0;
  const double *sw = NULL;   /* per-column scale of B's codes (scaled weights) */
  double *sy = NULL;         /* the output's scale */
  int64_t ns = 0;
  if (b->rscale || (a->rscale && a->nrscale > 1)) {  /* the scale would vary along K */
    float_op(F, n);
    return;
  }
  if (!is_fixed(b)) {
    if (b->rank != 2)
      error_node(g, n, "fixed-point MatMul needs a 2-D constant operand, got %s",
                 shape_str(g->arena, b));
    Value *codes = weight_codes(F, n, b, 1, &sw);
    if ((!codes && exact_frac(b) == INT32_MIN) || !product_scale(F, a, sw, b->dims[1], &sy, &ns)) {
      float_op(F, n);  /* not on a grid nor a quantizer's output, or a scale product that is
                        * not exact: the float model's MatMul */
      return;
    }
    b = n->in[1] = codes ? codes : fixed_const(F, n, b, -64);
    int64_t K = b->dims[0], N = b->dims[1];
    const int64_t *w = b->data;
    for (int64_t j = 0; j < N; j++) {
      __int128 slo = 0, shi = 0;
      for (int64_t k = 0; k < K; k++) {
        __int128 p = (__int128)w[k * N + j] * a->qlo, q = (__int128)w[k * N + j] * a->qhi;
        slo += min2(p, q);
        shi += max2(p, q);
      }
      lo = j == 0 ? slo : min2(lo, slo);
      hi = j == 0 ? shi : max2(hi, shi);
    }
  } else {
    int64_t K = a->dims[a->rank - 1];
    if (!product_scale(F, a, NULL, 1, &sy, &ns)) {
      float_op(F, n);
      return;
    }
    __int128 p[4] = {(__int128)a->qlo * b->qlo, (__int128)a->qlo * b->qhi,
                     (__int128)a->qhi * b->qlo, (__int128)a->qhi * b->qhi};
    lo = min2(min2(p[0], p[1]), min2(p[2], p[3])) * K;
    hi = max2(max2(p[0], p[1]), max2(p[2], p[3])) * K;
  }
  sparsify(F, n);
  infer_node(g, n);
  set_fixed(F, n, n->out[0], a->fx.f + b->fx.f, lo, hi);
  set_scale(n->out[0], sy, ns, n->out[0]->rank - 1);
}

/* A new constant: 2-D b transposed. */
static Value *transpose2d(Graph *g, const Value *b) {
  Value *bt = value_new(g, arena_printf(g->arena, "%s.T", b->name));
  bt->dt = b->dt;
  bt->rank = 2;
  bt->dims[0] = b->dims[1];
  bt->dims[1] = b->dims[0];
  bt->shape_known = 1;
  size_t es = dtype_size(b->dt);
  bt->data = arena_alloc(g->arena, es * (size_t)value_numel(b) + 1);
  for (int64_t i = 0; i < b->dims[0]; i++)
    for (int64_t j = 0; j < b->dims[1]; j++)
      memcpy((char *)bt->data + es * (size_t)(j * b->dims[0] + i),
             (char *)b->data + es * (size_t)(i * b->dims[1] + j), es);
  return bt;
}

/* Node n's output y becomes Add(t, c) after it, t (named y.suffix) being
 * n's new output; returns the Add. */
static Node *add_after(Fixer *F, Node *n, Value *c, const char *suffix) {
  Graph *g = F->g;
  Value *y = n->out[0], *t = value_new(g, arena_printf(g->arena, "%s.%s", y->name, suffix));
  n->out[0] = t;
  t->producer = n;
  Node *add = node_insert(g, F->pos + 1, OP_ADD, 2, 1);
  add->index = n->index;
  add->name = n->name;
  add->opset = 14;
  add->in[0] = t;
  add->in[1] = c;
  add->out[0] = y;
  y->producer = add;
  return add;
}

/* Gemm = MatMul (B transposed at compile time if transB) + Add of C. */
static void fix_gemm(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *a = n->in[0], *b = n->in[1], *c = n->nin > 2 ? n->in[2] : NULL;
  if (!is_fixed(a)) {
    float_op(F, n);
    return;
  }
  if (attr_int(n, "transA", 0) || !b->data || attr_float(n, "alpha", 1) != 1 ||
      (c && attr_float(n, "beta", 1) != 1))
    error_node(g, n, "the fixed-point pipeline maps Gemm with constant B, transA=0, alpha=1 and "
               "beta=1 only");
  if (attr_int(n, "transB", 0)) {
    const Value *qs = b->qscale;
    b = transpose2d(g, b);
    if (qs)
      b->qscale = transpose2d(g, qs);
  }
  n->op = OP_MATMUL;
  n->nin = 2;
  n->in[1] = b;
  n->nattrs = 0;
  if (c)
    add_after(F, n, c, "mm");
  fix_matmul(F, n);
}

/* Sets the range of Conv n's output at f fraction bits, per output channel
 * m: B[m] plus, per weight, the extreme products taken together with 0 (a
 * tap that falls in the padding contributes nothing). */
static void conv_range(Fixer *F, Node *n, int f) {
  const Value *x = n->in[0], *w = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
  int64_t nm = w->dims[0], per = value_numel(w) / nm;
  const int64_t *wq = w->data;
  __int128 lo = 0, hi = 0;
  for (int64_t m = 0; m < nm; m++) {
    __int128 slo = b ? ((int64_t *)b->data)[m] : 0, shi = slo;
    for (int64_t k = 0; k < per; k++) {
      __int128 p = (__int128)wq[m * per + k] * x->qlo, q = (__int128)wq[m * per + k] * x->qhi;
      slo += min2(0, min2(p, q));
      shi += max2(0, max2(p, q));
    }
    lo = m == 0 ? slo : min2(lo, slo);
    hi = m == 0 ? shi : max2(hi, shi);
  }
  set_fixed(F, n, n->out[0], f, lo, hi);
}

/* Conv of a scaled integer, or with weights that are a quantizer's codes
 * with a per-output-channel scale (codes, or NULL: W on a power-of-two
 * grid): the integer convolution without the bias, whose output has the
 * scale x's times W's per channel (sw); the bias becomes an Add after it (a
 * float section for fold_thresholds, or the float tail). */
static void fix_conv_scaled(Fixer *F, Node *n, Value *codes, const double *sw) {
  Graph *g = F->g;
  Value *x = n->in[0], *b = n->nin > 2 ? n->in[2] : NULL, *y = n->out[0];
  double *sy;
  int64_t ns;
  if ((!codes && exact_frac(n->in[1]) == INT32_MIN) ||
      !product_scale(F, x, sw, n->in[1]->dims[0], &sy, &ns)) {
    float_op(F, n);
    return;
  }
  Value *w = n->in[1] = codes ? codes : fixed_const(F, n, n->in[1], -64);
  if (b) {  /* Y = Conv(X, W) + B[m] along axis 1 */
    Node *add = add_after(F, n, NULL, "conv");
    Value *bc = add->in[1] = value_new(g, arena_printf(g->arena, "%s.bias", b->name));
    *bc = *b;
    bc->id = g->nvalues - 1;
    bc->name = arena_printf(g->arena, "%s.bias", b->name);
    bc->nuses = 0;
    bc->rank = y->rank - 1;
    bc->dims[0] = b->dims[0];
    for (int d = 1; d < bc->rank; d++)
      bc->dims[d] = 1;
    n->nin = 2;
  }
  infer_node(g, n);
  conv_range(F, n, x->fx.f + w->fx.f);
  set_scale(n->out[0], sy, ns, 1);
}

/* Conv with fixed X and constant W (and B): integer convolution at
 * F_x + F_w fraction bits.  Range per output channel m: B[m] plus, per
 * weight, the extreme products taken together with 0 (a tap that falls in
 * the padding contributes nothing). */
static void fix_conv(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *x = n->in[0], *w = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
  if (!is_fixed(x) || !w->data || is_fixed(w) || (b && !b->data) ||
      (x->rscale && x->nrscale > 1)) {
    float_op(F, n);
    return;
  }
  const double *sw = NULL;
  Value *codes = weight_codes(F, n, w, 0, &sw);
  int fb = b ? exact_frac(b) : INT32_MIN;
  if (codes || x->rscale || (b && fb == INT32_MIN)) {  /* the bias becomes an Add */
    fix_conv_scaled(F, n, codes, sw);
    return;
  }
  /* Weights get enough fraction bits for the products to hold the bias exactly. */
  w = n->in[1] = fixed_const(F, n, w, b ? fb - x->fx.f : -64);
  int f = x->fx.f + w->fx.f;
  if (b)
    b = n->in[2] = const_to_fixed(F, n, b, f);
  infer_node(g, n);
  conv_range(F, n, f);
}

/* Add/Sub align operands to the larger fraction bits; Mul adds them. */
static void fix_arith(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *a = n->in[0], *b = n->in[1];
  int fa = is_fixed(a), fb = is_fixed(b);
  if (!fa && !fb)
    return;
  if ((fa && !fb && !b->data) || (fb && !fa && !a->data) || a->rscale || b->rscale ||
      (!fa && exact_frac(a) == INT32_MIN) || (!fb && exact_frac(b) == INT32_MIN)) {
    float_op(F, n);  /* (a constant off every grid: float, a section for fold_thresholds) */
    return;
  }
  __int128 lo, hi;
  int f;
  if (n->op == OP_MUL) {
    a = fa ? a : fixed_const(F, n, a, -64);
    b = fb ? b : fixed_const(F, n, b, -64);
    __int128 p[4] = {(__int128)a->qlo * b->qlo, (__int128)a->qlo * b->qhi,
                     (__int128)a->qhi * b->qlo, (__int128)a->qhi * b->qhi};
    lo = min2(min2(p[0], p[1]), min2(p[2], p[3]));
    hi = max2(max2(p[0], p[1]), max2(p[2], p[3]));
    f = a->fx.f + b->fx.f;
  } else {
    a = fa ? a : fixed_const(F, n, a, b->fx.f);
    b = fb ? b : fixed_const(F, n, b, a->fx.f);
    f = a->fx.f > b->fx.f ? a->fx.f : b->fx.f;
    a = align(F, n, a, f);
    b = align(F, n, b, f);
    lo = n->op == OP_ADD ? (__int128)a->qlo + b->qlo : (__int128)a->qlo - b->qhi;
    hi = n->op == OP_ADD ? (__int128)a->qhi + b->qhi : (__int128)a->qhi - b->qlo;
  }
  n->in[0] = a;
  n->in[1] = b;
  infer_node(g, n);
  set_fixed(F, n, n->out[0], f, lo, hi);
}

/* Concat of fixed values (constants on a grid too): all at the largest
 * fraction bits, the union of the ranges.  Scaled integers only with one
 * equal scale per tensor. */
static void fix_concat(Fixer *F, Node *n) {
  int f = INT32_MIN, any = 0;
  for (int k = 0; k < n->nin; k++) {
    Value *v = n->in[k];
    any |= is_fixed(v);
    if ((!is_fixed(v) && (!v->data || exact_frac(v) == INT32_MIN)) ||
        (v->rscale ? v->nrscale != 1 || !n->in[0]->rscale || v->rscale[0] != n->in[0]->rscale[0]
                   : n->in[0]->rscale != NULL)) {
      float_op(F, n);
      return;
    }
  }
  if (!any)
    return;
  for (int k = 0; k < n->nin; k++) {
    if (!is_fixed(n->in[k]))
      n->in[k] = fixed_const(F, n, n->in[k], -64);
    f = n->in[k]->fx.f > f ? n->in[k]->fx.f : f;
  }
  __int128 lo = 0, hi = 0;
  for (int k = 0; k < n->nin; k++) {
    Value *v = n->in[k] = align(F, n, n->in[k], f);
    lo = k == 0 || v->qlo < lo ? v->qlo : lo;
    hi = k == 0 || v->qhi > hi ? v->qhi : hi;
  }
  infer_node(F->g, n);
  set_fixed(F, n, n->out[0], f, lo, hi);
  copy_scale(n->out[0], n->in[0]);
}

/* Relu and data movement keep the format; Relu clips the range at 0. */
static void fix_passthrough(Fixer *F, Node *n) {
  Value *x = n->in[0];
  int moves = n->op != OP_RELU && n->op != OP_MAXPOOL && n->op != OP_IDENTITY &&
              n->op != OP_DROPOUT;  /* the channel axis may move: one scale only */
  if (!is_fixed(x) || (x->rscale && x->nrscale > 1 && moves)) {
    float_op(F, n);
    return;
  }
  for (int k = 1; k < n->nin; k++)
    if (is_fixed(n->in[k]))
      n->in[k] = to_float(F, n, n->in[k]);
  infer_node(F->g, n);
  int64_t lo = x->qlo, hi = x->qhi;
  if (n->op == OP_RELU) {
    lo = lo > 0 ? lo : 0;
    hi = hi > 0 ? hi : 0;
  }
  set_fixed(F, n, n->out[0], x->fx.f, lo, hi);
  copy_scale(n->out[0], x);
}

/* ArgMax, and TopK with k = 1, of a fixed value compare its codes: an
 * index, 0..len-1, and for TopK the selected value in x's format.  A
 * scale that varies along the compared axis would reorder the values, so
 * then the op computes in float. */
static void fix_select(Fixer *F, Node *n) {
  Value *x = n->in[0];
  if (!is_fixed(x) || (n->op == OP_TOPK && (!n->in[1] || !n->in[1]->data ||
                                            value_get_i64(n->in[1], 0) != 1))) {
    float_op(F, n);
    return;
  }
  int64_t axis = attr_int(n, "axis", n->op == OP_ARGMAX ? 0 : -1);
  if (x->rscale && x->nrscale > 1 && x->rscale_axis == (axis < 0 ? axis + x->rank : axis)) {
    float_op(F, n);
    return;
  }
  infer_node(F->g, n);  /* an int64 kernel on the codes */
  AxisGeom ax;
  axis_geom(n, &ax);
  Value *idx = n->op == OP_ARGMAX ? n->out[0] : n->nout > 1 ? n->out[1] : NULL;
  if (idx)
    set_fixed(F, n, idx, 0, 0, ax.len - 1);
  if (n->op == OP_TOPK && n->out[0]) {
    set_fixed(F, n, n->out[0], x->fx.f, x->qlo, x->qhi);
    copy_scale(n->out[0], x);
  }
}

/* The fixed-point path takes its constants and float attributes as exact
 * numbers.  NaN has no code and no order (float semantics propagate it,
 * the integers could not), so it is a user error here.  Infinities are
 * exact: a threshold of -inf is always passed, an Add of +inf saturates the
 * Quant after it or keeps a scaled section in float (tests/backends/cli.sh
 * checks that 'run --fixed' equals 'run' there). */
static void check_not_nan(const Graph *g, const Node *n) {
  for (int k = 0; k < n->nin; k++) {
    const Value *v = n->in[k];
    if (!v || !v->data || !dtype_is_float(v->dt))
      continue;
    for (int64_t i = 0, cnt = value_numel(v); i < cnt; i++)
      if (isnan(value_get_f64(v, i)))
        error_node(g, n, "constant '%s' holds NaN at element %lld; the fixed-point path needs "
                   "numbers (without --fixed the model runs in float)", v->name, (long long)i);
  }
  for (int k = 0; k < n->nattrs; k++) {
    const Attr *a = &n->attrs[k];
    for (int i = 0; i < (a->kind == ATTR_FLOATS ? a->n : a->kind == ATTR_FLOAT); i++)
      if (isnan(a->kind == ATTR_FLOATS ? a->floats[i] : a->f))
        error_node(g, n, "attribute '%s' is NaN; the fixed-point path needs numbers", a->name);
  }
}

/* The ops the switch below maps to fixed point (float_op takes the rest). */
static int ops_fixed_capable(OpKind op) {
  switch (op) {
  case OP_QUANT: case OP_INTQUANT: case OP_MULTITHRESHOLD: case OP_BIPOLARQUANT: case OP_MATMUL:
  case OP_GEMM: case OP_CONV: case OP_ADD: case OP_SUB: case OP_MUL: case OP_CONCAT:
  case OP_ARGMAX: case OP_TOPK: case OP_RELU: case OP_IDENTITY: case OP_FLATTEN: case OP_RESHAPE:
  case OP_SQUEEZE: case OP_UNSQUEEZE: case OP_TRANSPOSE: case OP_DROPOUT: case OP_MAXPOOL:
    return 1;
  default: return 0;
  }
}

void lower_fixed(Graph *g) {
  Fixer F = {.g = g, .cap = g->nvalues + 1};
  F.as_float = arena_alloc(g->arena, sizeof *F.as_float * (size_t)F.cap);
  for (F.pos = 0; F.pos < g->nnodes; F.pos++) {
    Node *n = g->nodes[F.pos];
    if (ops_fixed_capable(n->op))  /* float tails keep float semantics */
      check_not_nan(g, n);
    switch (n->op) {
    case OP_QUANT: case OP_INTQUANT: fix_quant(&F, n); break;
    case OP_MULTITHRESHOLD: fix_multithreshold(&F, n); break;
    case OP_BIPOLARQUANT: fix_bipolar(&F, n); break;
    case OP_MATMUL: fix_matmul(&F, n); break;
    case OP_GEMM: fix_gemm(&F, n); break;
    case OP_CONV: fix_conv(&F, n); break;
    case OP_ADD: case OP_SUB: case OP_MUL: fix_arith(&F, n); break;
    case OP_CONCAT: fix_concat(&F, n); break;
    case OP_ARGMAX: case OP_TOPK: fix_select(&F, n); break;
    case OP_RELU: case OP_IDENTITY: case OP_FLATTEN: case OP_RESHAPE: case OP_SQUEEZE:
    case OP_UNSQUEEZE: case OP_TRANSPOSE: case OP_DROPOUT: case OP_MAXPOOL:
      fix_passthrough(&F, n);
      break;
    default: float_op(&F, n); break;
    }
  }
  /* Fixed graph outputs are delivered as the float values they stand for
   * (indices as int64). */
  for (int i = 0; i < g->noutputs; i++) {
    Value *v = g->outputs[i];
    if (!is_fixed(v))
      continue;
    int index = is_index(v);
    Node *m = node_new(g, index ? OP_TOINT : OP_TOFLOAT, 1, 1);
    m->index = v->producer ? v->producer->index : m->index;
    m->name = "output";
    m->in[0] = v;
    m->out[0] = value_new(g, v->name);
    m->out[0]->producer = m;
    v->name = arena_printf(g->arena, "%s.fixed", v->name);
    if (index)
      infer_node(g, m);
    else
      convert_attrs(g, m, v);
    g->outputs[i] = m->out[0];
    m->out[0]->output_index = i;
    v->output_index = -1;
  }
  graph_count_uses(g);
}
