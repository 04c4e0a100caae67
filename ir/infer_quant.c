/*
 * infer_quant.c - inference and lowering of the QONNX custom ops (Quant /
 * IntQuant, BipolarQuant, Trunc, MultiThreshold) and of ONNX TopK.
 * Kernels: runtime/rt_quant.h.
 *
 * The QONNX ops follow the implementation semantics of fastmachinelearning/
 * qonnx (../shared/REFERENCE.md section 2): the float "fake-quantized" model
 * exactly as its authors evaluate it.  Their parameters (scale, zero point,
 * bit widths) must be constants, as every exporter writes them: bibc checks
 * them here, once, and the kernels only compute.  A Quant whose input is
 * also constant (quantized weights) is folded by infer_shapes, so the
 * generated code holds the already-quantized float weights.
 */
#include <math.h>
#include <string.h>

#include "infer.h"

/* Case-insensitive string equality (QONNX upper-cases rounding modes). */
static int same_upper(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char ca = *a >= 'a' && *a <= 'z' ? (char)(*a - 'a' + 'A') : *a;
    if (ca != *b)
      return 0;
  }
  return *a == *b;
}

/* Attribute rounding_mode as an RT_QR_* code (ORDER RT_QR in rt_quant.h). */
static int64_t rounding_mode(Graph *g, Node *n, const char *dflt) {
  static const char *const names[] = {"ROUND", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP",
                                      "HALF_DOWN"};
  const char *s = attr_string(n, "rounding_mode", dflt);
  if (same_upper(s, "HALF_EVEN"))
    return 0;
  for (int64_t i = 0; i < (int64_t)(sizeof names / sizeof names[0]); i++)
    if (same_upper(s, names[i]))
      return i;
  error_node(g, n, "rounding_mode '%s' is not one of ROUND (HALF_EVEN), CEIL, FLOOR, UP, DOWN, "
             "HALF_UP, HALF_DOWN", s);
}

/* A 0/1 integer attribute (signed, narrow). */
static int flag_attr(Graph *g, Node *n, const char *name, int dflt) {
  int64_t v = attr_int(n, name, dflt);
  if (v != 0 && v != 1)
    error_node(g, n, "attribute '%s' must be 0 or 1, got %lld", name, (long long)v);
  return (int)v;
}

/* Input k: a numeric constant that broadcasts to X (per tensor or per
 * channel: each of its dims is 1 or X's, aligned at the right). */
static Value *const_param(Graph *g, Node *n, int k, const char *what) {
  Value *x = n->in[0], *p = need_const(g, n, k, what);
  if (p->dt == DT_BOOL)
    error_node(g, n, "%s (input %d, '%s') must be numeric, it is bool", what, k, p->name);
  int ok = p->rank <= x->rank;
  for (int d = 0; ok && d < p->rank; d++) {
    int64_t pd = p->dims[d], xd = x->dims[x->rank - p->rank + d];
    ok = pd == 1 || pd == xd;
  }
  if (!ok)
    error_node(g, n, "%s '%s' of shape %s does not broadcast to the input's shape %s (it must "
               "be one value or one per channel)", what, p->name, shape_str(g->arena, p),
               shape_str(g->arena, x));
  return p;
}

/* Every element of constant input k is finite, and > 0 if positive. */
static void need_finite(Graph *g, Node *n, int k, const char *what, int positive) {
  Value *p = n->in[k];
  for (int64_t i = 0; i < value_numel(p); i++) {
    double v = value_get_f64(p, i);
    if (!isfinite(v) || (positive && !(v > 0)))
      error_node(g, n, "%s '%s' must be %sfinite, but element %lld is %g", what, p->name,
                 positive ? "positive and " : "", (long long)i, v);
  }
}

/* Input k: a constant integer-valued scalar in [lo, hi] (a bit width). */
static int64_t const_bits(Graph *g, Node *n, int k, const char *what, int64_t lo, int64_t hi) {
  Value *p = need_const(g, n, k, what);
  if (value_numel(p) != 1)
    error_node(g, n, "%s '%s' must be a single value, it has shape %s", what, p->name,
               shape_str(g->arena, p));
  double v = value_get_f64(p, 0);
  if (!(v >= (double)lo && v <= (double)hi) || v != floor(v))
    error_node(g, n, "%s '%s' is %g; it must be an integer from %lld to %lld", what, p->name, v,
               (long long)lo, (long long)hi);
  return (int64_t)v;
}

/* QONNX's min_int / max_int of a b-bit integer (exact in double for b <= 53,
 * rounded like numpy's int64 -> float conversion beyond). */
static void int_range(int sgn, int narrow, int64_t b, double *lo, double *hi) {
  double p = ldexp(1.0, (int)b), h = ldexp(1.0, (int)b - 1);
  *lo = sgn ? (narrow ? -h + 1 : -h) : 0;
  *hi = sgn ? h - 1 : (narrow ? p - 2 : p - 1);
}

/* Pushes the broadcast strides of each parameter against X's shape. */
static void push_strides(Graph *g, Node *n, Value *const *ps, int k) {
  Value *x = n->in[0];
  for (int j = 0; j < k; j++) {
    int64_t str[IR_MAXRANK] = {0};
    if (ps[j])
      broadcast_strides(ps[j], x->rank, x->dims, str);
    push_ips(g, n, str, x->rank);
  }
}

/* Weights that are already quantized: if every X/scale + zeropt is an
 * integer, none should need clamping.  When some fall outside the range the
 * attributes give but all fit another signed/narrow pair, the exporter most
 * likely wrote the pair wrong (Brevitas once exported signed and narrow
 * swapped): say so.  The semantics still follow the attributes. */
static void check_weight_grid(Graph *g, Node *n, int sgn, int narrow, int64_t b) {
  Value *x = n->in[0], *s = n->in[1], *z = n->in[2];
  int64_t sstr[IR_MAXRANK], zstr[IR_MAXRANK], idx[IR_MAXRANK] = {0}, nel = value_numel(x);
  double qmin = 0, qmax = 0;
  broadcast_strides(s, x->rank, x->dims, sstr);
  broadcast_strides(z, x->rank, x->dims, zstr);
  for (int64_t i = 0; i < nel; i++) {
    int64_t so = 0, zo = 0;
    for (int d = 0; d < x->rank; d++) {
      so += idx[d] * sstr[d];
      zo += idx[d] * zstr[d];
    }
    double q = value_get_f64(x, i) / value_get_f64(s, so) + value_get_f64(z, zo);
    if (!isfinite(q) || fabs(q - rint(q)) > 1e-3)
      return;  /* not on the grid: ordinary float weights, clamping is expected */
    q = rint(q);
    qmin = i == 0 || q < qmin ? q : qmin;
    qmax = i == 0 || q > qmax ? q : qmax;
    for (int d = x->rank - 1; d >= 0 && ++idx[d] == x->dims[d]; d--)
      idx[d] = 0;
  }
  double lo, hi;
  int_range(sgn, narrow, b, &lo, &hi);
  if (nel == 0 || (qmin >= lo && qmax <= hi))
    return;
  /* The swapped pair first, then the others. */
  static const int alt[5][2] = {{-1, -1}, {1, 0}, {0, 0}, {1, 1}, {0, 1}};
  for (int a = 0; a < 5; a++) {
    int as = a ? alt[a][0] : narrow, an = a ? alt[a][1] : sgn;
    if (as == sgn && an == narrow)
      continue;
    double alo, ahi;
    int_range(as, an, b, &alo, &ahi);
    if (qmin >= alo && qmax <= ahi) {
      note_node(g, n, "constant '%s' is already quantized (integers %g to "
           "%g times the scale), but signed=%d narrow=%d at %lld bits allows only %g to %g; "
           "signed=%d narrow=%d would fit%s; bibc follows the attributes and clamps",
           x->name, qmin, qmax, sgn, narrow, (long long)b, lo, hi,
           as, an, a == 0 ? " (were signed and narrow exported swapped?)" : "");
      return;
    }
  }
}

void infer_quant(Graph *g, Node *n) {
  need_inputs(g, n, 4, 4);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_float);
  Value *ps[2] = {const_param(g, n, 1, "scale"), const_param(g, n, 2, "zeropt")};
  need_finite(g, n, 1, "scale", 1);
  need_finite(g, n, 2, "zeropt", 0);
  int64_t b = const_bits(g, n, 3, "bitwidth", 1, 32);
  int sgn = flag_attr(g, n, "signed", 1), narrow = flag_attr(g, n, "narrow", 0);
  int64_t mode = rounding_mode(g, n, "ROUND");
  double lo, hi;
  int_range(sgn, narrow, b, &lo, &hi);
  int bipolar = b == 1 && sgn;
  if (x->data && !bipolar)
    check_weight_grid(g, n, sgn, narrow, b);
  set_output(n, 0, x->dt, x->rank, x->dims);
  lower(g, n, "rt_quant", x->dt);
  push_ip(g, n, x->rank);
  push_ip(g, n, mode);
  push_ip(g, n, bipolar);
  push_ip(g, n, ps[0]->dt);
  push_ip(g, n, ps[1]->dt);
  push_ips(g, n, x->dims, x->rank);
  push_strides(g, n, ps, 2);
  push_fp(g, n, lo);
  push_fp(g, n, hi);
}

void infer_bipolar_quant(Graph *g, Node *n) {
  need_inputs(g, n, 2, 2);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_float);
  Value *s = const_param(g, n, 1, "scale");
  need_finite(g, n, 1, "scale", 1);
  set_output(n, 0, x->dt, x->rank, x->dims);
  lower(g, n, "rt_bipolar_quant", x->dt);
  push_ip(g, n, x->rank);
  push_ip(g, n, s->dt);
  push_ips(g, n, x->dims, x->rank);
  push_strides(g, n, &s, 1);
}

/* Trunc v1 (X, scale, zeropt, in_bitwidth, out_bitwidth) and v2 (X, scale,
 * zeropt, in_bitwidth, out_scale, out_bitwidth; attrs signed, narrow):
 * the input count tells them apart, and a node whose domain opset is 2
 * must be v2.  v2 ignores in_bitwidth (QONNX derives the shift from
 * out_scale / scale); it is still checked. */
void infer_trunc(Graph *g, Node *n) {
  need_inputs(g, n, 5, 6);
  int v2 = has_input(n, 5);
  if (n->opset == 2 && !v2)
    error_node(g, n, "Trunc version 2 (the opset of its domain) has 6 inputs (X, scale, zeropt, "
               "in_bitwidth, out_scale, out_bitwidth), this node has 5");
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_float);
  Value *ps[3] = {const_param(g, n, 1, "scale"), const_param(g, n, 2, "zeropt"),
                  v2 ? const_param(g, n, 4, "out_scale") : NULL};
  need_finite(g, n, 1, "scale", 1);
  need_finite(g, n, 2, "zeropt", 0);
  if (v2)
    need_finite(g, n, 4, "out_scale", 1);
  int64_t in_bw = const_bits(g, n, 3, "in_bitwidth", 1, 64);
  int64_t out_bw = const_bits(g, n, v2 ? 5 : 4, "out_bitwidth", 1, 64);
  int sgn = 1, narrow = 0;
  if (v2) {
    sgn = flag_attr(g, n, "signed", 1);
    narrow = flag_attr(g, n, "narrow", 0);
  }
  int64_t mode = rounding_mode(g, n, "FLOOR");
  double lo, hi;
  int_range(sgn, narrow, out_bw, &lo, &hi);
  set_output(n, 0, x->dt, x->rank, x->dims);
  lower(g, n, "rt_trunc", x->dt);
  Value *t[5] = {x, ps[0], ps[1], ps[2], n->out[0]};
  set_targs(g, n, t, 5);
  push_ip(g, n, v2);
  push_ip(g, n, x->rank);
  push_ip(g, n, mode);
  push_ip(g, n, ps[0]->dt);
  push_ip(g, n, ps[1]->dt);
  push_ip(g, n, v2 ? ps[2]->dt : DT_F32);
  push_ips(g, n, x->dims, x->rank);
  push_strides(g, n, ps, 3);
  push_fp(g, n, ldexp(1.0, (int)(in_bw - out_bw)));
  push_fp(g, n, lo);
  push_fp(g, n, hi);
}

/* The channel axis of MultiThreshold's input.  QONNX: NCHW (the default)
 * means axis 1 for rank 2 and 4, and the last axis for any other rank (it
 * reshapes those to [-1, C]); NHWC means axis 3 for rank 4, 1 for rank 2.
 * bibc also takes any other layout string with one letter per axis
 * ("NC", "NWC", "NCW", ...): the channel is where its C is. */
static int channel_axis(Graph *g, Node *n, const char *layout, int rank) {
  if (strcmp(layout, "NCHW") == 0)
    return rank == 2 || rank == 4 ? 1 : rank - 1;
  if (strcmp(layout, "NHWC") == 0 && (rank == 2 || rank == 4))
    return rank - 1;
  const char *c = strchr(layout, 'C');
  int ok = (int)strlen(layout) == rank && c && !strchr(c + 1, 'C');
  if (!ok)
    error_node(g, n, "data_layout '%s' does not fit the input's rank %d (use NCHW, NHWC, or one "
               "letter per axis with C on the channel axis)", layout, rank);
  return (int)(c - layout);
}

void infer_multithreshold(Graph *g, Node *n) {
  need_inputs(g, n, 2, 2);
  Value *x = n->in[0], *thr = n->in[1];
  need_dtype(g, n, x->dt, dtypes_float);
  if (x->rank == 0)
    error_node(g, n, "input must have a channel axis, it is a scalar");
  if (thr->dt != x->dt)
    error_node(g, n, "thresholds have type %s but the input has %s; bibc needs them equal",
               dtype_name(thr->dt), dtype_name(x->dt));
  int axis = channel_axis(g, n, attr_string(n, "data_layout", "NCHW"), x->rank);
  int64_t nc = x->dims[axis], outer = 1, inner = 1;
  if (thr->rank != 2 || (thr->dims[0] != nc && thr->dims[0] != 1))
    error_node(g, n, "thresholds '%s' have shape %s; expected [%lld, B] or [1, B] (one row per "
               "channel of the input %s, channel axis %d)", thr->name, shape_str(g->arena, thr),
               (long long)nc, shape_str(g->arena, x), axis);
  for (int d = 0; d < axis; d++)
    outer *= x->dims[d];
  for (int d = axis + 1; d < x->rank; d++)
    inner *= x->dims[d];
  set_output(n, 0, x->dt, x->rank, x->dims);
  lower(g, n, "rt_multithreshold", x->dt);
  push_ip(g, n, outer);
  push_ip(g, n, nc);
  push_ip(g, n, inner);
  push_ip(g, n, thr->dims[1]);
  push_ip(g, n, thr->dims[0] == 1 && nc != 1);
  push_fp(g, n, attr_float(n, "out_scale", 1.0));
  push_fp(g, n, attr_float(n, "out_bias", 0.0));
}

/* TopK: k is an attribute before opset 10, a constant input from 10;
 * largest/sorted from 11.  The output is always sorted (what sorted=1
 * requires; with sorted=0 ONNX leaves the order open). */
void infer_topk(Graph *g, Node *n) {
  need_inputs(g, n, n->opset < 10 ? 1 : 2, n->opset < 10 ? 1 : 2);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_numeric);
  if (x->rank == 0)
    error_node(g, n, "input must have rank >= 1, it is a scalar");
  int axis = norm_axis(g, n, attr_int(n, "axis", -1), x->rank, "axis");
  int64_t k;
  if (n->opset < 10) {
    if (!attr_find(n, "k"))
      error_node(g, n, "attribute 'k' is required (opset %d)", n->opset);
    k = attr_int(n, "k", 0);
  } else {
    Value *kv = need_const(g, n, 1, "K");
    if (kv->dt != DT_I64 || value_numel(kv) != 1)
      error_node(g, n, "K '%s' must be one int64 value, it is %s%s", kv->name,
                 dtype_name(kv->dt), shape_str(g->arena, kv));
    k = value_get_i64(kv, 0);
  }
  if (k < 0 || k > x->dims[axis])
    error_node(g, n, "k = %lld is out of range: axis %d of input %s has %lld elements",
               (long long)k, axis, shape_str(g->arena, x), (long long)x->dims[axis]);
  int64_t dims[IR_MAXRANK], outer = 1, inner = 1;
  memcpy(dims, x->dims, sizeof dims);
  dims[axis] = k;
  for (int d = 0; d < axis; d++)
    outer *= x->dims[d];
  for (int d = axis + 1; d < x->rank; d++)
    inner *= x->dims[d];
  set_output(n, 0, x->dt, x->rank, dims);
  if (n->nout > 1)
    set_output(n, 1, DT_I64, x->rank, dims);
  lower(g, n, "rt_topk", x->dt);
  Value *t[3] = {x, n->nout > 0 ? n->out[0] : NULL, n->nout > 1 ? n->out[1] : NULL};
  set_targs(g, n, t, 3);
  push_ip(g, n, outer);
  push_ip(g, n, x->dims[axis]);
  push_ip(g, n, inner);
  push_ip(g, n, k);
  push_ip(g, n, n->opset < 11 || attr_int(n, "largest", 1) != 0);
}
