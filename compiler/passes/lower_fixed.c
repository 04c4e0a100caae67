/*
 * lower_fixed - turns a float graph quantized with power-of-two scales into
 * an integer graph: every value between quantizers becomes fixed point
 * (int64 containers, FixType + integer range on the Value), and interval
 * analysis on the actual constants sizes every product and sum so nothing
 * can overflow.  Semantics: ir/fixed-point.md.
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

#include "../compiler.h"
#include "../../runtime/rt_fixed.h"

#define RANGE_LIMIT ((int64_t)1 << 62)

typedef struct Fixer {
  Graph *g;
  int pos;                   /* index of the node being rewritten */
  Value **as_float;          /* per value id: its ToFloat copy, if made */
  int cap;                   /* entries in as_float */
} Fixer;

static int is_fixed(const Value *v) { return v && v->fx.w > 0; }
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
static void set_fixed(Fixer *F, Node *n, Value *v, int f, __int128 lo, __int128 hi) {
  if (lo < -RANGE_LIMIT || hi >= RANGE_LIMIT)
    error_node(F->g, n, "the fixed-point range of '%s' needs more than 63 bits; bibc's integer "
               "pipeline cannot represent it (quantize it more coarsely)", v->name);
  v->qlo = (int64_t)lo;
  v->qhi = (int64_t)hi;
  v->fx.f = f;
  v->fx.sgn = lo < 0;
  v->fx.w = lo < 0 ? 1 + (bits_of((uint64_t)(-(lo + 1))) > bits_of((uint64_t)hi)
                              ? bits_of((uint64_t)(-(lo + 1))) : bits_of((uint64_t)(hi > 0 ? hi : 0)))
                   : (bits_of((uint64_t)hi) ? bits_of((uint64_t)hi) : 1);
}

/* Smallest f in [-64, 62] with every element * 2^f an integer below 2^53
 * in magnitude; INT32_MIN if there is none (not on a power-of-two grid). */
static int exact_frac(const Value *c) {
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
static Value *const_to_fixed(Fixer *F, Node *n, Value *c, int f) {
  Value *q = value_new(F->g, arena_printf(F->g->arena, "%s.q%d", c->name, f));
  q->dt = DT_I64;
  q->rank = c->rank;
  memcpy(q->dims, c->dims, sizeof q->dims);
  q->shape_known = 1;
  int64_t cnt = value_numel(c), lo = 0, hi = 0;
  q->data = arena_alloc(F->g->arena, sizeof(int64_t) * (size_t)(cnt ? cnt : 1));
  for (int64_t i = 0; i < cnt; i++) {
    int64_t x = (int64_t)ldexp(value_get_f64(c, i), f);
    ((int64_t *)q->data)[i] = x;
    lo = i == 0 || x < lo ? x : lo;
    hi = i == 0 || x > hi ? x : hi;
  }
  set_fixed(F, n, q, f, lo, hi);
  return q;
}

static Value *fixed_const(Fixer *F, Node *n, Value *c, int fmin) {
  int f = exact_frac(c);
  if (f == INT32_MIN)
    error_node(F->g, n, "constant '%s' is not on a power-of-two grid; the fixed-point pipeline "
               "needs power-of-two quantization scales", c->name);
  return const_to_fixed(F, n, c, f > fmin ? f : fmin);
}

/* Inserts a node before the one being rewritten; returns it. */
static Node *insert_before(Fixer *F, Node *at, OpKind op, Value *in, const char *suffix) {
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
static Value *align(Fixer *F, Node *at, Value *x, int f) {
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

/* The float32 value of fixed x, for ops that compute in float. */
static Value *to_float(Fixer *F, Node *at, Value *x) {
  if (x->id < F->cap && F->as_float[x->id])
    return F->as_float[x->id];
  Node *m = insert_before(F, at, OP_TOFLOAT, x, "float");
  node_set_int(F->g, m, "f", x->fx.f);
  infer_node(F->g, m);
  if (x->id >= F->cap) {  /* x was made by this pass: grow the cache */
    Value **a = arena_alloc(F->g->arena, sizeof *a * (size_t)(2 * F->g->nvalues + 1));
    memcpy(a, F->as_float, sizeof *a * (size_t)F->cap);
    F->as_float = a;
    F->cap = 2 * F->g->nvalues + 1;
  }
  return F->as_float[x->id] = m->out[0];
}

/* Node inputs that are fixed but the op computes in float get ToFloat. */
static void float_op(Fixer *F, Node *n) {
  int changed = 0;
  for (int k = 0; k < n->nin; k++)
    if (is_fixed(n->in[k]))
      n->in[k] = to_float(F, n, n->in[k]), changed = 1;
  if (changed)
    infer_node(F->g, n);
}

static void replace_uses(Graph *g, Value *from, Value *to, int start) {
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

/* ---- quantizers ---- */

static RoundMode round_mode_of(Fixer *F, Node *n) {
  static const struct { const char *name; RoundMode mode; } modes[] = {
    {"ROUND", RND_HALF_EVEN}, {"CEIL", RND_CEIL}, {"FLOOR", RND_FLOOR}, {"UP", RND_AWAY},
    {"DOWN", RND_TRUNC}, {"HALF_UP", RND_HALF_AWAY}, {"HALF_DOWN", RND_HALF_ZERO},
  };
  const Attr *b = attr_find(n, "bibc_round");  /* quantize_ptq's exact mode (hls4ml RND, ...) */
  if (b)
    return (RoundMode)b->i;
  const char *m = attr_string(n, "rounding_mode", "ROUND");
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcasecmp(m, modes[i].name) == 0)
      return modes[i].mode;
  error_node(F->g, n, "unknown rounding_mode \"%s\" (ROUND, CEIL, FLOOR, UP, DOWN, HALF_UP, "
             "HALF_DOWN)", m);
}

/* The fraction bits of each channel of a power-of-two scale (fc[c]) and the
 * channel axis of x (-1: per tensor); the largest goes to *fmax. */
static int *po2_fracs(Fixer *F, Node *n, const Value *scale, const Value *x, int *axis, int *fmax) {
  Graph *g = F->g;
  int64_t nc = value_numel(scale);
  *axis = -1;
  if (nc > 1)
    for (int d = 0; d < scale->rank; d++)
      if (scale->dims[d] != 1) {
        if (*axis >= 0)
          error_node(g, n, "scale %s varies along more than one axis", shape_str(g->arena, scale));
        *axis = x->rank - scale->rank + d;
      }
  int *fc = arena_alloc(g->arena, sizeof *fc * (size_t)nc);
  *fmax = INT32_MIN;
  for (int64_t c = 0; c < nc; c++) {
    int e;
    double sc = value_get_f64(scale, c), m = frexp(sc, &e);
    if (m != 0.5)
      error_node(g, n, "scale %g is not a power of two; the fixed-point pipeline needs "
                 "power-of-two scales", sc);
    fc[c] = 1 - e;
    *fmax = fc[c] > *fmax ? fc[c] : *fmax;
  }
  return fc;
}

/* After a float quantizer n whose output lies on the 2^-f grid: FromFloat
 * reads it exactly as integers in [lo, hi]; later nodes use that. */
static void read_float_quantizer(Fixer *F, Node *n, int f, __int128 lo, __int128 hi) {
  Graph *g = F->g;
  Node *m = node_insert(g, F->pos + 1, OP_FROMFLOAT, 1, 1);
  m->index = n->index;
  m->name = n->name;
  m->in[0] = n->out[0];
  m->out[0] = value_new(g, arena_printf(g->arena, "%s.fixed", n->out[0]->name));
  m->out[0]->producer = m;
  node_set_int(g, m, "f", f);
  infer_node(g, m);
  set_fixed(F, n, m->out[0], f, lo, hi);
  replace_uses(g, n->out[0], m->out[0], F->pos + 2);
  F->pos++;
}

/* BipolarQuant(X, scale), and Quant with 1 bit signed: y = (x >= 0 ? 1 : -1)
 * * scale.  A sign is no requantization, so a fixed input is read back as
 * its (exact) float value and the float quantizer runs; its +-1 codes enter
 * the integer pipeline at the scale's fraction bits. */
static void fix_bipolar(Fixer *F, Node *n) {
  Value *x = n->in[0], *scale = n->in[1];
  if (!scale->data)
    error_node(F->g, n, "scale must be a constant");
  if (is_fixed(x)) {
    n->in[0] = to_float(F, n, x);
    infer_node(F->g, n);
  }
  int axis, f;
  int *fc = po2_fracs(F, n, scale, n->in[0], &axis, &f);
  __int128 m = 1;
  for (int64_t c = 0; c < value_numel(scale); c++)
    m = max2(m, (__int128)1 << (f - fc[c]));
  read_float_quantizer(F, n, f, -m, m);
}

/* Quant(X, scale, zeropt, bitwidth) with power-of-two scales.  The stored
 * integer is q - zeropt, clamped to [min_int - zp, max_int - zp]; channel c
 * has f_c fraction bits and is stored at the tensor's f = max f_c. */
static void fix_quant(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *x = n->in[0], *scale = n->in[1], *zp = n->in[2], *bw = n->in[3];
  if (!scale->data || !zp->data || !bw->data)
    error_node(g, n, "scale, zeropt and bitwidth must be constants");
  int bits = (int)value_get_f64(bw, 0);
  int sgn = (int)attr_int(n, "signed", 1), narrow = (int)attr_int(n, "narrow", 0);
  RoundMode mode = round_mode_of(F, n);  /* read now: the node's attributes are replaced below */
  int wrap = attr_int(n, "bibc_overflow", OVF_SAT) == OVF_WRAP;
  if (!is_fixed(x) && (attr_find(n, "bibc_round") || attr_find(n, "bibc_overflow")))
    die("node %d: bibc_round/bibc_overflow on a Quant of a float value", n->index);
  if (bits == 1 && sgn) {
    fix_bipolar(F, n);
    return;
  }
  double z = value_get_f64(zp, 0);
  for (int64_t i = 0; i < value_numel(zp); i++)
    if (value_get_f64(zp, i) != z || z != floor(z))
      error_node(g, n, "zeropt must be one integer for the fixed-point pipeline");
  int64_t min_int = sgn ? -((int64_t)1 << (bits - 1)) + narrow : 0;
  int64_t max_int = sgn ? ((int64_t)1 << (bits - 1)) - 1 : ((int64_t)1 << bits) - 1 - narrow;
  int64_t lo_q = min_int - (int64_t)z, hi_q = max_int - (int64_t)z;
  int axis, f;
  int64_t nc = value_numel(scale);
  int *fc = po2_fracs(F, n, scale, x, &axis, &f);
  int64_t *ch = arena_alloc(g->arena, sizeof *ch * 4 * (size_t)nc);
  __int128 lo = 0, hi = 0;
  for (int64_t c = 0; c < nc; c++) {
    int64_t shift = is_fixed(x) ? x->fx.f - fc[c] : 0, post = f - fc[c];
    if (shift > 62 || post > 62)
      error_node(g, n, "scale 2^%d is too far from the input's 2^%d for 64-bit arithmetic", -fc[c],
                 is_fixed(x) ? -x->fx.f : 0);
    int64_t clo = lo_q, chi = hi_q;
    if (is_fixed(x)) {  /* tighten by the input's range (rounding is monotone) */
      int64_t rlo = rt_fx_round(x->qlo, shift, mode);
      int64_t rhi = rt_fx_round(x->qhi, shift, mode);
      if (!wrap || (rlo >= lo_q && rhi <= hi_q)) {  /* WRAP: only if nothing can wrap */
        clo = rlo < lo_q ? lo_q : rlo > hi_q ? hi_q : rlo;
        chi = rhi < lo_q ? lo_q : rhi > hi_q ? hi_q : rhi;
      }
    }
    const int64_t row[4] = {shift, lo_q, hi_q, post};
    memcpy(ch + 4 * c, row, sizeof row);
    __int128 l = clo * ((__int128)1 << post), h = chi * ((__int128)1 << post);
    lo = c == 0 || l < lo ? l : lo;
    hi = c == 0 || h > hi ? h : hi;
  }
  if (!is_fixed(x)) {  /* a float value: keep the float quantizer, read its exact result */
    read_float_quantizer(F, n, f, lo, hi);
    return;
  }
  n->op = OP_REQUANT;
  n->nin = 1;
  n->nattrs = 0;
  node_set_int(g, n, "mode", mode);
  node_set_int(g, n, "ovf", wrap ? OVF_WRAP : OVF_SAT);
  node_set_int(g, n, "w", bits);
  node_set_int(g, n, "sgn", sgn);
  node_set_int(g, n, "axis", axis);
  node_set_ints(g, n, "channels", ch, 4 * (int)nc);
  infer_node(g, n);
  set_fixed(F, n, n->out[0], f, lo, hi);
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
  if (!is_fixed(b)) {
    if (b->rank != 2)
      error_node(g, n, "fixed-point MatMul needs a 2-D constant operand, got %s",
                 shape_str(g->arena, b));
    b = n->in[1] = fixed_const(F, n, b, -64);
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
    __int128 p[4] = {(__int128)a->qlo * b->qlo, (__int128)a->qlo * b->qhi,
                     (__int128)a->qhi * b->qlo, (__int128)a->qhi * b->qhi};
    lo = min2(min2(p[0], p[1]), min2(p[2], p[3])) * K;
    hi = max2(max2(p[0], p[1]), max2(p[2], p[3])) * K;
  }
  sparsify(F, n);
  infer_node(g, n);
  set_fixed(F, n, n->out[0], a->fx.f + b->fx.f, lo, hi);
}

/* Gemm = MatMul (B transposed at compile time if transB) + Add of C. */
static void fix_gemm(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *a = n->in[0], *b = n->in[1], *c = n->nin > 2 ? n->in[2] : NULL, *y = n->out[0];
  if (!is_fixed(a)) {
    float_op(F, n);
    return;
  }
  if (attr_int(n, "transA", 0) || !b->data || attr_float(n, "alpha", 1) != 1 ||
      (c && attr_float(n, "beta", 1) != 1))
    error_node(g, n, "the fixed-point pipeline maps Gemm with constant B, transA=0, alpha=1 and "
               "beta=1 only");
  if (attr_int(n, "transB", 0)) {
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
    b = bt;
  }
  n->op = OP_MATMUL;
  n->nin = 2;
  n->in[1] = b;
  n->nattrs = 0;
  if (c) {
    Value *t = value_new(g, arena_printf(g->arena, "%s.mm", y->name));
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
  }
  fix_matmul(F, n);
}

/* Conv with fixed X and constant W (and B): integer convolution at
 * F_x + F_w fraction bits.  Range per output channel m: B[m] plus, per
 * weight, the extreme products taken together with 0 (a tap that falls in
 * the padding contributes nothing). */
static void fix_conv(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *x = n->in[0], *w = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
  if (!is_fixed(x) || !w->data || is_fixed(w) || (b && !b->data)) {
    float_op(F, n);
    return;
  }
  int fb = b ? exact_frac(b) : INT32_MIN;
  if (b && fb == INT32_MIN)
    error_node(g, n, "bias '%s' is not on a power-of-two grid; the fixed-point pipeline needs "
               "power-of-two quantization scales", b->name);
  /* Weights get enough fraction bits for the products to hold the bias exactly. */
  w = n->in[1] = fixed_const(F, n, w, b ? fb - x->fx.f : -64);
  int f = x->fx.f + w->fx.f;
  if (b)
    b = n->in[2] = const_to_fixed(F, n, b, f);
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
  infer_node(g, n);
  set_fixed(F, n, n->out[0], f, lo, hi);
}

/* Add/Sub align operands to the larger fraction bits; Mul adds them. */
static void fix_arith(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *a = n->in[0], *b = n->in[1];
  int fa = is_fixed(a), fb = is_fixed(b);
  if (!fa && !fb)
    return;
  if ((fa && !fb && !b->data) || (fb && !fa && !a->data)) {
    float_op(F, n);
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

/* Relu and data movement keep the format; Relu clips the range at 0. */
static void fix_passthrough(Fixer *F, Node *n) {
  Value *x = n->in[0];
  if (!is_fixed(x)) {
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
}


void lower_fixed(Graph *g) {
  Fixer F = {.g = g, .cap = g->nvalues + 1};
  F.as_float = arena_alloc(g->arena, sizeof *F.as_float * (size_t)F.cap);
  for (F.pos = 0; F.pos < g->nnodes; F.pos++) {
    Node *n = g->nodes[F.pos];
    switch (n->op) {
    case OP_QUANT: case OP_INTQUANT: fix_quant(&F, n); break;
    case OP_BIPOLARQUANT: fix_bipolar(&F, n); break;
    case OP_MATMUL: fix_matmul(&F, n); break;
    case OP_GEMM: fix_gemm(&F, n); break;
    case OP_CONV: fix_conv(&F, n); break;
    case OP_ADD: case OP_SUB: case OP_MUL: fix_arith(&F, n); break;
    case OP_RELU: case OP_IDENTITY: case OP_FLATTEN: case OP_RESHAPE: case OP_SQUEEZE:
    case OP_UNSQUEEZE: case OP_TRANSPOSE: case OP_DROPOUT: case OP_MAXPOOL:
      fix_passthrough(&F, n);
      break;
    default: float_op(&F, n); break;
    }
  }
  /* Fixed graph outputs are delivered as the float values they stand for. */
  for (int i = 0; i < g->noutputs; i++) {
    Value *v = g->outputs[i];
    if (!is_fixed(v))
      continue;
    Node *m = node_new(g, OP_TOFLOAT, 1, 1);
    m->index = v->producer ? v->producer->index : m->index;
    m->name = "output";
    m->in[0] = v;
    m->out[0] = value_new(g, v->name);
    m->out[0]->producer = m;
    v->name = arena_printf(g->arena, "%s.fixed", v->name);
    node_set_int(g, m, "f", v->fx.f);
    infer_node(g, m);
    g->outputs[i] = m->out[0];
    m->out[0]->output_index = i;
    v->output_index = -1;
  }
  graph_count_uses(g);
}
