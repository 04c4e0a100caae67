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
 *     Mul adds fraction bits; Relu, and Clip by bounds on the grid, clip
 *     the range; MaxPool and data
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
  if (s > 62 && (x->qlo || x->qhi))  /* (the shift itself would overflow __int128) */
    error_node(F->g, at, "'%s' needs %d more fraction bits to line up with the other operand: "
               "its fixed-point range needs more than 63 bits; bibc's integer pipeline cannot "
               "represent it (quantize it more coarsely)", x->name, s);
  if (s > 62)
    s = 62;  /* an all-zero value: any shift gives 0 */
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

/* The element type of x in the float model: float32 but for the bits of
 * a logic layer that reads bool or integer values. */
static DType model_type(const Fixer *F, const Value *x) {
  DType dt = x->id < F->nmodel ? F->model_dt[x->id] : DT_UNDEF;
  return dt == DT_UNDEF ? DT_F32 : dt;
}

/* The value of fixed x for ops outside the integer core: float32
 * (ToFloat), or int64 for an index (ToInt). */
Value *to_float(Fixer *F, Node *at, Value *x) {
  if (x->id < F->cap && F->as_float[x->id])
    return F->as_float[x->id];
  int index = is_index(x);
  Node *m = insert_before(F, at, index ? OP_TOINT : OP_TOFLOAT, x, index ? "int" : "float");
  Value *y = m->out[0];
  if (index) {
    infer_node(F->g, m);
  } else {
    convert_attrs(F->g, m, x);
    DType dt = model_type(F, x);
    if (dt != DT_F32) {  /* bits of a bool or integer logic layer */
      Node *c = insert_before(F, at, OP_CAST, y, dtype_suffix(dt));
      node_set_int(F->g, c, "to", dt);
      infer_node(F->g, c);
      y = c->out[0];
    }
  }
  if (x->id >= F->cap) {  /* x was made by this pass: grow the cache */
    Value **a = arena_alloc(F->g->arena, sizeof *a * (size_t)(2 * F->g->nvalues + 1));
    memcpy(a, F->as_float, sizeof *a * (size_t)F->cap);
    F->as_float = a;
    F->cap = 2 * F->g->nvalues + 1;
  }
  return F->as_float[x->id] = y;
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

/* A scalar int64 constant (a Clip bound's code). */
static Value *code_const(Fixer *F, const char *name, int64_t k) {
  Value *c = value_new(F->g, name);
  c->dt = DT_I64;
  c->rank = 0;
  c->shape_known = 1;
  c->data = arena_alloc(F->g->arena, sizeof(int64_t));
  *(int64_t *)c->data = k;
  return c;
}

/* Clip of a fixed value by constant bounds on its grid clamps the codes,
 * and the range narrows to the bounds (an input's declared range, `input
 * x: ... in [lo, hi]`, is such a Clip).  A bound off the grid (the clamp
 * would give a value the format cannot hold), a bound that is not a
 * constant, or scaled codes: the op computes in float.  An infinite bound
 * clamps nothing. */
static void fix_clip(Fixer *F, Node *n) {
  Value *x = n->in[0];
  double b[2];
  int ok = is_fixed(x) && !x->rscale && clip_bounds(n, b);
  int open[2] = {b[0] == -INFINITY, b[1] == INFINITY};  /* +inf below clamps everything */
  for (int k = 0; k < 2 && ok; k++) {
    double d = ldexp(b[k], x->fx.f);
    ok = ok && (open[k] || (d == floor(d) && fabs(d) < 4611686018427387904.0));  /* 2^62 */
  }
  if (!ok) {
    float_op(F, n);
    return;
  }
  __int128 lo = open[0] ? x->qlo : (__int128)ldexp(b[0], x->fx.f);
  __int128 hi = open[1] ? x->qhi : (__int128)ldexp(b[1], x->fx.f);
  Value *in[3] = {x, NULL, NULL};
  if (!open[0])
    in[1] = code_const(F, arena_printf(F->g->arena, "%s.lo", n->out[0]->name), (int64_t)lo);
  if (!open[1])
    in[2] = code_const(F, arena_printf(F->g->arena, "%s.hi", n->out[0]->name), (int64_t)hi);
  if (n->nin < 3)
    n->in = arena_alloc(F->g->arena, sizeof *n->in * 3);
  n->nin = 3;
  for (int k = 0; k < 3; k++)
    n->in[k] = in[k];
  n->nattrs = 0;  /* Clip-6's min and max are the inputs now */
  n->opset = n->opset > 13 ? n->opset : 13;  /* integer Clip: opset 12 on */
  infer_node(F->g, n);
  /* min(max(q, lo), hi) is monotone in q: the ends of x's range map to the
   * ends of the result's. */
  __int128 ylo = min2(max2(x->qlo, lo), hi), yhi = min2(max2(x->qhi, lo), hi);
  set_fixed(F, n, n->out[0], x->fx.f, ylo, yhi);
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

/* ---- logic-gate networks ---- */

/* The bits a logic-gate network op reads, as fixed point.  A fixed value
 * must hold codes 0 and 1 at 0 fraction bits (a 1-bit unsigned quantizer,
 * one threshold, a logic layer).  Any other value (a float, bool or
 * integer graph input) enters the integer core through FromFloat at 0
 * fraction bits, bool and integers by way of a Cast to float32: exact for 0
 * and 1, the only values the interpreter lets a logic layer read, so the
 * range is [0, 1]. */
static Value *fixed_bits(Fixer *F, Node *n, Value *x) {
  if (is_fixed(x)) {
    if (x->rscale || x->fx.f != 0 || x->qlo < 0 || x->qhi > 1)
      error_node(F->g, n, "input '%s' is fixed point with codes %lld..%lld at %d fraction "
                 "bits%s; in the integer pipeline %s reads bits: quantize it to 0 and 1 (a 1-bit "
                 "unsigned Quant with scale 1, or MultiThreshold with one threshold)", x->name,
                 (long long)x->qlo, (long long)x->qhi, x->fx.f, x->rscale ? " and a scale" : "",
                 op_name(n->op));
    return x;
  }
  Value *v = x;
  if (x->dt != DT_F32) {
    Node *c = insert_before(F, n, OP_CAST, x, "f32");
    node_set_int(F->g, c, "to", DT_F32);
    infer_node(F->g, c);
    v = c->out[0];
  }
  Node *m = insert_before(F, n, OP_FROMFLOAT, v, "bits");
  node_set_int(F->g, m, "f", 0);
  infer_node(F->g, m);
  set_fixed(F, n, m->out[0], 0, 0, 1);
  return m->out[0];
}

/* LogicLayer on codes 0 and 1 gives codes 0 and 1 (rt_logic_i64). */
static void fix_logic(Fixer *F, Node *n) {
  Value *y = n->out[0];
  if (y->id < F->nmodel)
    F->model_dt[y->id] = y->dt;  /* before inference makes it int64 */
  n->in[0] = fixed_bits(F, n, n->in[0]);
  infer_node(F->g, n);
  set_fixed(F, n, y, 0, 0, 1);
}

/* GroupSum with tau = 2^F becomes PopCount, whose count read at F fraction
 * bits is count / tau exactly (rt_popcount); any other tau has no exact
 * fixed-point form, so the scores stay float (a GroupSum reading ToFloat's
 * bits, as the float model computes them). */
static void fix_group_sum(Fixer *F, Node *n) {
  int e;
  double tau = attr_float(n, "tau", 1.0);
  if (frexp(tau, &e) != 0.5) {
    float_op(F, n);
    return;
  }
  n->in[0] = fixed_bits(F, n, n->in[0]);
  int k = 0;
  for (int j = 0; j < n->nattrs; j++)  /* PopCount keeps k only */
    if (strcmp(n->attrs[j].name, "tau") != 0)
      n->attrs[k++] = n->attrs[j];
  n->nattrs = k;
  n->op = OP_POPCOUNT;
  infer_node(F->g, n);
  set_fixed(F, n, n->out[0], e - 1, 0, n->in[0]->dims[1] / n->out[0]->dims[1]);
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

/* The rewrite that maps op to fixed point; NULL: the op computes in float
 * (float_op gives it its fixed inputs as float). */
typedef void (*FixFn)(Fixer *F, Node *n);
static FixFn fixer_for(OpKind op) {
  switch (op) {
  case OP_QUANT: case OP_INTQUANT: return fix_quant;
  case OP_MULTITHRESHOLD: return fix_multithreshold;
  case OP_BIPOLARQUANT: return fix_bipolar;
  case OP_MATMUL: return fix_matmul;
  case OP_GEMM: return fix_gemm;
  case OP_CONV: return fix_conv;
  case OP_ADD: case OP_SUB: case OP_MUL: return fix_arith;
  case OP_CONCAT: return fix_concat;
  case OP_ARGMAX: case OP_TOPK: return fix_select;
  case OP_CLIP: return fix_clip;
  case OP_LOGICLAYER: return fix_logic;
  case OP_GROUPSUM: return fix_group_sum;
  case OP_RELU: case OP_IDENTITY: case OP_FLATTEN: case OP_RESHAPE: case OP_SQUEEZE:
  case OP_UNSQUEEZE: case OP_TRANSPOSE: case OP_DROPOUT: case OP_MAXPOOL:
    return fix_passthrough;
  default: return NULL;
  }
}

void lower_fixed(Graph *g) {
  Fixer F = {.g = g, .cap = g->nvalues + 1};
  F.as_float = arena_alloc(g->arena, sizeof *F.as_float * (size_t)F.cap);
  F.nmodel = g->nvalues;
  F.model_dt = arena_alloc(g->arena, sizeof *F.model_dt * (size_t)(F.nmodel + 1));
  for (F.pos = 0; F.pos < g->nnodes; F.pos++) {
    Node *n = g->nodes[F.pos];
    FixFn fix = fixer_for(n->op);
    if (fix) {
      check_not_nan(g, n);  /* float tails keep float semantics */
      fix(&F, n);
    } else {
      float_op(&F, n);
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
    DType dt = index ? DT_I64 : model_type(&F, v);
    m->out[0] = value_new(g, dt == DT_F32 || index ? v->name : arena_printf(g->arena, "%s.tofloat", v->name));
    m->out[0]->producer = m;
    Value *y = m->out[0];
    if (index)
      infer_node(g, m);
    else
      convert_attrs(g, m, v);
    if (!index && dt != DT_F32) {  /* a bool or integer logic layer's bits */
      Node *c = node_new(g, OP_CAST, 1, 1);
      c->index = m->index;
      c->name = "output";
      c->in[0] = y;
      c->out[0] = y = value_new(g, v->name);
      y->producer = c;
      node_set_int(g, c, "to", dt);
      infer_node(g, c);
    }
    v->name = arena_printf(g->arena, "%s.fixed", v->name);
    g->outputs[i] = y;
    y->output_index = i;
    v->output_index = -1;
  }
  graph_count_uses(g);
}
