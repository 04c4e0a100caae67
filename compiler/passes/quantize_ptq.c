/*
 * quantize_ptq - post-training quantization of a float model to hls4ml-style
 * fixed-point types, expressed as QONNX Quant nodes with power-of-two scales
 * so that lower_fixed then turns the graph into exact integer arithmetic.
 *
 * Where quantizers go (types from ptq_config.c: Model / LayerType /
 * LayerName, variables weight, bias, result, accum):
 *   - each float32 graph input: its result type (LayerName may name the
 *     input tensor);
 *   - Conv / Gemm / MatMul: constant weights and biases are rounded now, at
 *     compile time (a MatMul's bias is the constant operand of the Add that
 *     follows it, as Keras exports Dense); Gemm's alpha and beta are folded
 *     into them first.  If an accum type is given, the layer's output (after
 *     the bias) is narrowed to it once: bibc sums exactly, then rounds and
 *     saturates or wraps.  (hls4ml's dense_latency casts each product and
 *     the bias to accum and adds in accum, so the two differ when accum has
 *     fewer fraction bits than weight + input, which rounds every product
 *     there, or when a partial sum saturates; with WRAP and enough fraction
 *     bits they agree, as wrapping commutes with addition.)  Without
 *     one the accumulator is exact: interval analysis sizes it, so it can
 *     never overflow silently.  The layer's result type applies after its
 *     activation when a single activation reads it (Relu, Softmax, ...), else
 *     to its output;
 *   - Add / Sub / Mul: constant operands get the node's bias (Add/Sub) or
 *     weight (Mul) type; the output its result type;
 *   - every other op that computes in float (Softmax, Sigmoid, AvgPool,
 *     Concat, ...): its float32 output gets its result type.
 * Data movement, Relu and MaxPool keep their input's type exactly.
 *
 * Each quantizer is a QONNX Quant (scale 2^-(W-I), zeropt 0, bitwidth W,
 * signed for fixed, narrow for SAT_SYM).  hls4ml's rounding and saturation
 * modes are exact RoundMode / OverflowMode values: a Quant reading a value
 * that lower_fixed makes fixed carries them as the attributes bibc_round and
 * bibc_overflow (ir/fixed-point.md), which lower_fixed honours.  A Quant of
 * a float value cannot (the float kernel knows QONNX's modes only, and its
 * HALF_UP rounds |x| + 0.5 in float32), so it is split in two: a float
 * Quant with an exact directed rounding onto the grid 2^-(F+1) (W+1 bits;
 * 32 for WRAP, so larger values saturate before they wrap), then an
 * integer one with the real mode, using
 *   HALF_UP(v) = HALF_UP(FLOOR(2v) / 2)      HALF_DOWN(v) = HALF_DOWN(CEIL(2v) / 2)
 *   HALF_AWAY(v) = HALF_AWAY(TRUNC(2v) / 2)  HALF_ZERO(v) = HALF_ZERO(AWAY(2v) / 2)
 * (a half-way case of v stays one of FLOOR(2v)/2 etc., every other v rounds
 * the same way from its directed value).  FLOOR, TRUNC and HALF_EVEN with
 * SAT or SAT_SYM need one Quant (np.floor, np.fix, np.rint are exact).
 *
 * --calibrate: the float graph runs on the samples first (calibrate.c) and
 * every tensor that is quantized gets the fewest integer bits I that hold
 * its largest observed |v| (signed: 2^(I-1) > max|v|, unsigned: 2^I >
 * max|v|), W kept; weights and biases use their own largest |w|.  Types a
 * LayerName entry gives explicitly are kept as written.
 *
 * Requires: infer_shapes on a float graph without quantizers.  Provides:
 * the quantized float graph (QONNX semantics), ready for lower_fixed.
 * Invalidates: nothing (new nodes are inferred).  Cost: linear in nodes and
 * weights, plus the calibration run.
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "../compiler.h"

#define NOFIX INT_MIN        /* value is float in the fixed pipeline */

typedef struct Ptq {
  Graph *g;
  PtqConfig *cfg;
  double *range;             /* --calibrate: max |v| per value id < nold, or NULL */
  int nold;                  /* values before this pass */
  int *frac;                 /* per value id: NOFIX if float once lowered, else ~F */
  int cap;                   /* entries in frac */
  char *done;                /* per value id < nold: its quantizer is placed */
} Ptq;

static int get_frac(const Ptq *P, const Value *v) {
  if (v->data)
    return NOFIX;
  return v->id < P->cap ? P->frac[v->id] : NOFIX;
}

static void set_frac(Ptq *P, const Value *v, int f) {
  if (v->id >= P->cap) {
    int cap = 2 * P->g->nvalues + 16;
    int *a = arena_alloc(P->g->arena, sizeof *a * (size_t)cap);
    memcpy(a, P->frac, sizeof *a * (size_t)P->cap);
    for (int i = P->cap; i < cap; i++)
      a[i] = NOFIX;
    P->frac = a;
    P->cap = cap;
  }
  P->frac[v->id] = f;
}

static int is_fix(const Ptq *P, const Value *v) { return v && get_frac(P, v) != NOFIX; }

/* ---- types ---- */

/* Fewest integer bits holding max|v| (see the file comment), kept so that
 * the fraction bits W - I stay in [-32, 48]. */
static int calibrated_i(const PtqType *t, double maxabs) {
  int e;
  frexp(maxabs, &e);  /* 2^(e-1) <= maxabs < 2^e */
  int i = t->sgn ? e + 1 : e;
  if (t->w - i > 48)
    i = t->w - 48;
  if (t->w - i < -32)
    i = t->w + 32;
  return i;
}

/* Variable var's type at node n (op, node name, output tensor name);
 * maxabs >= 0 is the calibrated magnitude, < 0 none. */
static PtqType type_at(Ptq *P, OpKind op, const char *name, const char *tensor, int var,
                       double maxabs) {
  int expl;
  PtqType t = ptq_type_for(P->cfg, op, name, tensor, var, &expl);
  if (t.set && !expl && maxabs > 0 && isfinite(maxabs))
    t.i = calibrated_i(&t, maxabs);
  return t;
}

static double observed(const Ptq *P, const Value *v) {
  return P->range && v->id < P->nold ? P->range[v->id] : -1;
}

/* ---- constants, rounded now ---- */

/* The exact round(q) of an integer-or-half-or-anything double q. */
static double round_real(double q, int mode) {
  double fl = floor(q), r = q - fl;  /* exact */
  int neg = q < 0;
  switch (mode) {
  case RND_FLOOR: return fl;
  case RND_CEIL: return ceil(q);
  case RND_TRUNC: return trunc(q);
  case RND_AWAY: return neg ? floor(q) : ceil(q);
  case RND_HALF_UP: return r >= 0.5 ? fl + 1 : fl;
  case RND_HALF_DOWN: return r > 0.5 ? fl + 1 : fl;
  case RND_HALF_EVEN: return r > 0.5 || (r == 0.5 && fmod(fl, 2) != 0) ? fl + 1 : fl;
  case RND_HALF_AWAY: return r > 0.5 || (r == 0.5 && !neg) ? fl + 1 : fl;
  default: return r > 0.5 || (r == 0.5 && neg) ? fl + 1 : fl;  /* HALF_ZERO */
  }
}

static void type_bounds(const PtqType *t, double *lo, double *hi) {
  *lo = t->sgn ? -ldexp(1, t->w - 1) + (t->ovf == OVF_SAT_SYM) : 0;
  *hi = t->sgn ? ldexp(1, t->w - 1) - 1 : ldexp(1, t->w) - 1;
}

/* A new float32 constant: c quantized to t, exactly (float32 holds every
 * W <= 24 bit value of the grid). */
static Value *quantize_const(Ptq *P, Node *n, Value *c, const PtqType *t, const char *what,
                             double scale) {
  Graph *g = P->g;
  if (t->w > 24)
    error_node(g, n, "the %s precision has %d bits; constants are held in float32, so at most "
               "24", what, t->w);
  int f = t->w - t->i;
  double lo, hi;
  type_bounds(t, &lo, &hi);
  Value *q = value_new(g, arena_printf(g->arena, "%s.%s_q", c->name, what));
  q->dt = DT_F32;
  q->rank = c->rank;
  memcpy(q->dims, c->dims, sizeof q->dims);
  q->shape_known = 1;
  int64_t cnt = value_numel(c);
  q->data = arena_alloc(g->arena, sizeof(float) * (size_t)(cnt ? cnt : 1));
  for (int64_t e = 0; e < cnt; e++) {
    double v = value_get_f64(c, e) * scale;
    if (!isfinite(v))
      error_node(g, n, "%s '%s' element %lld is %g; it cannot be quantized", what, c->name,
                 (long long)e, v);
    double r = round_real(ldexp(v, f), t->round);
    if (t->ovf == OVF_WRAP) {
      double m = ldexp(1, t->w), k = fmod(r - lo, m);
      r = (k < 0 ? k + m : k) + lo;
    } else {
      r = r < lo ? lo : r > hi ? hi : r;
    }
    ((float *)q->data)[e] = (float)ldexp(r, -f);
  }
  return q;
}

static double max_abs_const(const Value *c, double scale) {
  double m = 0;
  for (int64_t e = 0; e < value_numel(c); e++) {
    double v = fabs(value_get_f64(c, e) * scale);
    m = v > m && isfinite(v) ? v : m;
  }
  return m;
}

/* ---- quantizer nodes ---- */

static Value *scalar(Graph *g, const char *name, float v) {
  Value *c = value_new(g, name);
  c->dt = DT_F32;
  c->shape_known = 1;
  c->data = arena_alloc(g->arena, sizeof(float));
  *(float *)c->data = v;
  return c;
}

static void set_string(Graph *g, Node *n, const char *name, const char *s) {
  Attr *a = arena_alloc(g->arena, sizeof *a * (size_t)(n->nattrs + 1));
  if (n->nattrs)
    memcpy(a, n->attrs, sizeof *a * (size_t)n->nattrs);
  a[n->nattrs].name = name;
  a[n->nattrs].kind = ATTR_STRING;
  a[n->nattrs].s = s;
  n->attrs = a;
  n->nattrs++;
}

/* QONNX's name for an exactly equal rounding mode, or NULL. */
static const char *qonnx_mode(int mode) {
  switch (mode) {
  case RND_FLOOR: return "FLOOR";
  case RND_CEIL: return "CEIL";
  case RND_TRUNC: return "DOWN";
  case RND_AWAY: return "UP";
  case RND_HALF_EVEN: return "ROUND";
  default: return NULL;
  }
}

/* Inserts Quant(x) at *pos (advanced past it): f fraction bits, bits wide;
 * bibc_round / bibc_overflow only when fixed_in (x is fixed once lowered). */
static Value *quant_node(Ptq *P, int *pos, Value *x, const char *base, const Node *at,
                         const char *label, int f, int bits, int sgn, int round, int ovf,
                         int fixed_in) {
  Graph *g = P->g;
  Node *m = node_insert(g, (*pos)++, OP_QUANT, 4, 1);
  m->index = at->index;
  m->name = arena_printf(g->arena, "%s.%s", *at->name ? at->name : base, label);
  m->opset = 1;
  m->in[0] = x;
  m->in[1] = scalar(g, arena_printf(g->arena, "%s.scale", m->name), (float)ldexp(1, -f));
  m->in[2] = scalar(g, arena_printf(g->arena, "%s.zeropt", m->name), 0);
  m->in[3] = scalar(g, arena_printf(g->arena, "%s.bitwidth", m->name), (float)bits);
  m->out[0] = value_new(g, arena_printf(g->arena, "%s.%s", base, label));
  m->out[0]->producer = m;
  node_set_int(g, m, "signed", sgn);
  node_set_int(g, m, "narrow", sgn && ovf == OVF_SAT_SYM);
  const char *qm = qonnx_mode(round);
  set_string(g, m, "rounding_mode", qm ? qm : round == RND_HALF_ZERO ? "HALF_DOWN" : "HALF_UP");
  if (fixed_in) {
    node_set_int(g, m, "bibc_round", round);
    node_set_int(g, m, "bibc_overflow", ovf == OVF_WRAP ? OVF_WRAP : OVF_SAT);
  }
  infer_node(g, m);
  set_frac(P, m->out[0], f);
  return m->out[0];
}

/* Readers of x from node position start on (and graph outputs) read q. */
static void replace_uses(Graph *g, Value *x, Value *q, int start) {
  for (int i = start; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    int hit = 0;
    for (int k = 0; k < n->nin; k++)
      if (n->in[k] == x)
        n->in[k] = q, hit = 1;
    if (hit)
      infer_node(g, n);
  }
  if (x->output_index >= 0) {  /* q takes over the output's name */
    q->name = x->name;
    x->name = arena_printf(g->arena, "%s.float", x->name);
    q->output_index = x->output_index;
    g->outputs[x->output_index] = q;
    x->output_index = -1;
  }
}

static int node_pos(const Graph *g, const Node *n, int from) {
  for (int i = from; i < g->nnodes; i++)
    if (g->nodes[i] == n)
      return i;
  die("node %d is not in the graph", n->index);
}

/* Quantizes value x to type t: the quantizer goes right after x's
 * producer (first for a graph input), and every reader reads it. */
static Value *quantize_value(Ptq *P, Value *x, const Node *at, const char *label,
                             const PtqType *t) {
  int f = t->w - t->i, p = x->producer ? node_pos(P->g, x->producer, 0) + 1 : 0, *pos = &p;
  Value *q;
  if (is_fix(P, x)) {
    q = quant_node(P, pos, x, x->name, at, label, f, t->w, t->sgn, t->round, t->ovf, 1);
  } else if (qonnx_mode(t->round) && t->ovf != OVF_WRAP &&
             (t->round == RND_FLOOR || t->round == RND_TRUNC || t->round == RND_HALF_EVEN)) {
    q = quant_node(P, pos, x, x->name, at, label, f, t->w, t->sgn, t->round, t->ovf, 0);
  } else {
    int pre = t->round == RND_HALF_UP ? RND_FLOOR : t->round == RND_HALF_DOWN ? RND_CEIL
            : t->round == RND_HALF_AWAY ? RND_TRUNC : t->round == RND_HALF_ZERO ? RND_AWAY
            : t->round;
    int fine = pre != t->round;  /* half-way modes: one more fraction bit */
    if (t->ovf != OVF_WRAP && t->w + fine > 32)
      error_node(P->g, at, "a 32-bit %s type with this rounding needs 33-bit QONNX Quant; use at "
                 "most 31 bits here", label);
    Value *y = quant_node(P, pos, x, x->name, at, arena_printf(P->g->arena, "%s_grid", label),
                          f + fine,
                          t->ovf == OVF_WRAP ? 32 : t->w + fine, t->sgn, pre, OVF_SAT, 0);
    q = quant_node(P, pos, y, x->name, at, label, f, t->w, t->sgn, t->round, t->ovf, 1);
  }
  replace_uses(P->g, x, q, *pos);
  return q;
}

/* ---- layers ---- */

static int is_activation(OpKind op) {
  return op == OP_RELU || op == OP_LEAKYRELU || op == OP_SIGMOID || op == OP_TANH ||
         op == OP_SOFTMAX || op == OP_HARDSIGMOID || op == OP_CLIP || op == OP_ELU ||
         op == OP_SELU;
}

static int is_exact(OpKind op) {
  return op == OP_RELU || op == OP_IDENTITY || op == OP_FLATTEN || op == OP_RESHAPE ||
         op == OP_SQUEEZE || op == OP_UNSQUEEZE || op == OP_TRANSPOSE || op == OP_DROPOUT ||
         op == OP_MAXPOOL;
}

/* A Clip of a fixed value by constant bounds on its grid (an input's
 * range, `input x: ... in [lo, hi]`) is exact too: lower_fixed clamps the
 * codes, and the result needs no type of its own. */
static int is_exact_clip(const Ptq *P, const Node *n) {
  int f = get_frac(P, n->in[0]);
  double b[2];
  if (n->op != OP_CLIP || f == NOFIX || !clip_bounds(n, b))
    return 0;
  for (int k = 0; k < 2; k++) {
    double d = ldexp(b[k], f);
    int open = k ? b[k] == INFINITY : b[k] == -INFINITY;  /* +inf below is a bound */
    if (!open && !(d == floor(d) && fabs(d) < 4611686018427387904.0))  /* 2^62; NaN */
      return 0;
  }
  return 1;
}

/* The only reader of v, or NULL. */
static Node *sole_reader(const Graph *g, const Value *v, int from) {
  int i = graph_sole_reader(g, v, from);
  return i < 0 ? NULL : g->nodes[i];
}

/* Conv / Gemm / MatMul at position pos: weights, bias, accum, result. */
static void quantize_layer(Ptq *P, int pos, Node *n) {
  Graph *g = P->g;
  Value *x = n->in[0], *y = n->out[0];
  const char *nm = n->name, *tn = y->name;
  int wk = n->op == OP_MATMUL && !n->in[1]->data && n->in[0]->data ? 0 : 1;
  Value *w = n->in[wk];
  int fw = 0;
  if (w->data) {
    double alpha = n->op == OP_GEMM ? attr_float(n, "alpha", 1) : 1;
    PtqType t = type_at(P, n->op, nm, tn, PTQ_WEIGHT, P->range ? max_abs_const(w, alpha) : -1);
    n->in[wk] = quantize_const(P, n, w, &t, "weight", alpha);
    fw = t.w - t.i;
    for (int k = 0; k < n->nattrs && n->op == OP_GEMM; k++)
      if (strcmp(n->attrs[k].name, "alpha") == 0)
        n->attrs[k].f = 1;
  }
  int fp = is_fix(P, x) && w->data ? get_frac(P, x) + fw : NOFIX;
  if ((n->op == OP_CONV || n->op == OP_GEMM) && n->nin > 2 && n->in[2] && n->in[2]->data) {
    double beta = n->op == OP_GEMM ? attr_float(n, "beta", 1) : 1;
    PtqType t = type_at(P, n->op, nm, tn, PTQ_BIAS, P->range ? max_abs_const(n->in[2], beta) : -1);
    n->in[2] = quantize_const(P, n, n->in[2], &t, "bias", beta);
    fp = fp != NOFIX && t.w - t.i > fp ? t.w - t.i : fp;
    for (int k = 0; k < n->nattrs && n->op == OP_GEMM; k++)
      if (strcmp(n->attrs[k].name, "beta") == 0)
        n->attrs[k].f = 1;
  }
  infer_node(g, n);
  set_frac(P, y, fp);
  /* A MatMul's bias: the constant operand of the Add reading it. */
  Node *add = n->op == OP_MATMUL ? sole_reader(g, y, pos) : NULL;
  if (add && add->op == OP_ADD && add->nin == 2 && (add->in[0]->data || add->in[1]->data)) {
    int kb = add->in[1]->data ? 1 : 0;
    PtqType t = type_at(P, n->op, nm, tn, PTQ_BIAS, P->range ? max_abs_const(add->in[kb], 1) : -1);
    add->in[kb] = quantize_const(P, n, add->in[kb], &t, "bias", 1);
    infer_node(g, add);
    y = add->out[0];
    set_frac(P, y, fp != NOFIX && t.w - t.i > fp ? t.w - t.i : fp);
    P->done[y->id] = 1;
  }
  graph_count_uses(g);
  PtqType acc = type_at(P, n->op, nm, tn, PTQ_ACCUM, observed(P, y));
  if (acc.set)
    y = quantize_value(P, y, n, "accum", &acc);
  /* The result type applies after a single activation reading the layer. */
  graph_count_uses(g);
  Node *act = sole_reader(g, y, pos);
  Value *r = y;
  PtqType res = type_at(P, n->op, nm, tn, PTQ_RESULT, observed(P, y));
  if (act && is_activation(act->op) && act->out[0]->id < P->nold) {
    int expl;
    ptq_type_for(P->cfg, act->op, act->name, act->out[0]->name, PTQ_RESULT, &expl);
    if (expl)  /* a LayerName entry for the activation itself */
      res = type_at(P, act->op, act->name, act->out[0]->name, PTQ_RESULT, -1);
    else
      res = type_at(P, n->op, nm, tn, PTQ_RESULT, observed(P, act->out[0]));
    r = act->out[0];
    set_frac(P, r, act->op == OP_RELU && is_fix(P, y) ? get_frac(P, y) : NOFIX);
    P->done[r->id] = 1;
  }
  quantize_value(P, r, act && r == act->out[0] ? act : n, "result", &res);
}

/* Add / Sub / Mul: constants quantized; result type on the output. */
static void quantize_arith(Ptq *P, Node *n) {
  Graph *g = P->g;
  int f = NOFIX, ok = 1;
  for (int k = 0; k < 2; k++) {
    Value *v = n->in[k];
    if (v->data) {
      int var = n->op == OP_MUL ? PTQ_WEIGHT : PTQ_BIAS;
      PtqType t = type_at(P, n->op, n->name, n->out[0]->name, var,
                          P->range ? max_abs_const(v, 1) : -1);
      n->in[k] = quantize_const(P, n, v, &t, var == PTQ_WEIGHT ? "weight" : "bias", 1);
      int fk = t.w - t.i;
      f = f == NOFIX ? fk : n->op == OP_MUL ? f + fk : (fk > f ? fk : f);
    } else if (is_fix(P, v)) {
      int fk = get_frac(P, v);
      f = f == NOFIX ? fk : n->op == OP_MUL ? f + fk : (fk > f ? fk : f);
    } else {
      ok = 0;
    }
  }
  infer_node(g, n);
  set_frac(P, n->out[0], ok ? f : NOFIX);
  PtqType t = type_at(P, n->op, n->name, n->out[0]->name, PTQ_RESULT, observed(P, n->out[0]));
  quantize_value(P, n->out[0], n, "result", &t);
}

void quantize_ptq(Graph *g, const PassOptions *o) {
  Ptq P = {.g = g, .nold = g->nvalues};
  P.cfg = ptq_config_read(g->arena, o->precision, o->config, g);
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (op_is_qonnx(n->op) || n->op == OP_QUANTIZELINEAR || n->op == OP_DEQUANTIZELINEAR)
      error_node(g, n, "the model is already quantized; post-training quantization (--precision, "
                 "--config, --calibrate%s) is for float models: use --fixed",
                 graph_annotated(g, 0) ? ", a .bib file's @precision or fixed-point input types" : "");
  }
  if (o->calibrate)
    P.range = calibrate(g, o->calibrate);
  P.cap = g->nvalues;
  P.frac = arena_alloc(g->arena, sizeof *P.frac * (size_t)(P.cap + 1));
  for (int i = 0; i < P.cap; i++)
    P.frac[i] = NOFIX;
  P.done = arena_alloc(g->arena, (size_t)P.nold + 1);
  graph_count_uses(g);
  for (int k = 0; k < g->ninputs; k++) {
    Value *x = g->inputs[k];
    if (x->dt != DT_F32)
      continue;
    Node at = {.name = x->name, .index = 0};
    PtqType t = type_at(&P, OP_COUNT, x->name, x->name, PTQ_RESULT, observed(&P, x));
    /* An input without a type of its own that is clamped first (a .bib
     * range, `in [lo, hi]`): the clamped value is quantized, so the bounds
     * need not lie on the grid and fix_quant sizes the codes from them. */
    Node *r = x->annot ? NULL : sole_reader(g, x, 0);
    double b[2];
    if (r && r->op == OP_CLIP && r->in[0] == x && r->out[0]->output_index < 0 &&
        clip_bounds(r, b)) {
      P.done[r->out[0]->id] = 1;
      quantize_value(&P, r->out[0], r, "q", &t);
      continue;
    }
    quantize_value(&P, x, &at, "q", &t);
  }
  for (int pos = 0; pos < g->nnodes; pos++) {
    Node *n = g->nodes[pos];
    Value *y = n->nout ? n->out[0] : NULL;
    if (!y || y->id >= P.nold || P.done[y->id])
      continue;  /* a quantizer made here, or an output already handled */
    if (n->op == OP_CONV || n->op == OP_GEMM || n->op == OP_MATMUL) {
      quantize_layer(&P, pos, n);
    } else if ((n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL) && y->dt == DT_F32) {
      quantize_arith(&P, n);
    } else if ((is_exact(n->op) && is_fix(&P, n->in[0])) || is_exact_clip(&P, n)) {
      set_frac(&P, y, get_frac(&P, n->in[0]));
    } else if (y->dt == DT_F32) {
      PtqType t = type_at(&P, n->op, n->name, y->name, PTQ_RESULT, observed(&P, y));
      quantize_value(&P, y, n, "result", &t);
    }
    graph_count_uses(g);
  }
  ptq_config_check_used(g->arena, P.cfg);
  graph_drop_annots(g, 0);
  graph_count_uses(g);
}
