/*
 * infer_qcdq.c - inference and lowering for ONNX's standard quantization
 * operators (QCDQ): QuantizeLinear, DequantizeLinear (opsets 10-21, and the
 * precision / output_dtype attributes of 23), MatMulInteger, QLinearMatMul,
 * ConvInteger, QLinearConv.  Kernels: runtime/rt_qcdq.h, whose comment
 * gives the arithmetic (the ONNX reference implementation's).
 *
 * Element types are bibc's: quantized tensors uint8/int8 (and uint16/int16,
 * int32 for (De)QuantizeLinear), scales float32 (int32 too for
 * QuantizeLinear).  float16/bfloat16 scales and float8/int4/uint4/float4
 * data have no bibc element type and are rejected (the importer already
 * rejects such tensors; output_dtype names them here).
 *
 * Scale/zero-point layouts.  (De)QuantizeLinear: a single element is
 * per-tensor (whatever its rank, as the reference does); a 1-D scale is
 * per-axis along 'axis' (opset >= 13); with block_size > 0 the scale has X's
 * rank and ceil(D/block_size) entries on the axis (blocked, opset 21).
 * QLinearMatMul/MatMulInteger: per-tensor, per-row of A (1-D of M, or
 * [..., M, 1]), per-column of B (1-D of N, or [..., 1, N]), and y's may be
 * per-row or per element; batch axes of N-D scales broadcast.
 * QLinearConv/ConvInteger: x's and y's per-tensor, w's per-tensor or per
 * output channel (1-D of M).  A zero point must have its scale's shape
 * (any two single-element shapes match).
 */
#include "infer.h"

static const DType q8_types[] = {DT_U8, DT_I8, DT_UNDEF};

static Value *opt_input(const Node *n, int k) { return has_input(n, k) ? n->in[k] : NULL; }

/* Fails unless input k is present; ONNX lists it as required. */
static Value *req_input(Graph *g, Node *n, int k, const char *what) {
  if (!has_input(n, k))
    error_node(g, n, "input %d (%s) is required", k, what);
  return n->in[k];
}

static void need_scale_f32(Graph *g, Node *n, const Value *s, const char *what) {
  if (s->dt != DT_F32)
    error_node(g, n, "%s '%s' has element type %s; bibc supports float32 scales", what, s->name,
               dtype_name(s->dt));
}

/* Zero point zp (or NULL) must have type dt and its scale's shape. */
static void need_zero_point(Graph *g, Node *n, const Value *zp, const Value *s, DType dt,
                            const char *what) {
  if (!zp)
    return;
  if (zp->dt != dt)
    error_node(g, n, "%s '%s' has element type %s, expected %s", what, zp->name,
               dtype_name(zp->dt), dtype_name(dt));
  int same = value_numel(zp) == 1 && value_numel(s) == 1;
  if (!same && zp->rank == s->rank) {
    same = 1;
    for (int d = 0; d < zp->rank; d++)
      same &= zp->dims[d] == s->dims[d];
  }
  if (!same)
    error_node(g, n, "%s %s must have the shape of its scale %s", what,
               shape_str(g->arena, zp), shape_str(g->arena, s));
}

/* ---- QuantizeLinear, DequantizeLinear ---- */

/* Pushes [outer, A, inner, B, so, sa, si] for scale s of X (rt_qcdq.h). */
static void push_q_layout(Graph *g, Node *n, const Value *x, const Value *s) {
  int64_t block = attr_int(n, "block_size", 0);
  if (block < 0)
    error_node(g, n, "block_size must be >= 0, got %lld", (long long)block);
  if (value_numel(s) == 1) {
    int64_t p[7] = {value_numel(x), 1, 1, 1, 0, 0, 0};
    push_ips(g, n, p, 7);
    return;
  }
  if (block == 0 && s->rank != 1)
    error_node(g, n, "scale %s must be a scalar (per-tensor) or 1-D (per-axis), or set "
               "block_size for blocked quantization", shape_str(g->arena, s));
  if (block == 0 && n->opset < 13)
    error_node(g, n, "per-axis quantization (scale %s) needs opset 13 or later; the node has "
               "opset %d", shape_str(g->arena, s), n->opset);
  int axis = norm_axis(g, n, attr_int(n, "axis", 1), x->rank, "axis");
  int64_t outer = 1, inner = 1, na = x->dims[axis];
  for (int d = 0; d < axis; d++)
    outer *= x->dims[d];
  for (int d = axis + 1; d < x->rank; d++)
    inner *= x->dims[d];
  if (block == 0) {
    if (s->dims[0] != na)
      error_node(g, n, "per-axis scale %s must have %lld elements (axis %d of %s)",
                 shape_str(g->arena, s), (long long)na, axis, shape_str(g->arena, x));
    int64_t p[7] = {outer, na, inner, 1, 0, 1, 0};
    push_ips(g, n, p, 7);
    return;
  }
  int64_t nblk = (na + block - 1) / block;
  int fits = s->rank == x->rank;
  for (int d = 0; fits && d < x->rank; d++)
    fits = s->dims[d] == (d == axis ? nblk : x->dims[d]);
  if (!fits)
    error_node(g, n, "blocked scale %s must have the shape of X %s with %lld (= ceil(%lld / "
               "block_size %lld)) on axis %d", shape_str(g->arena, s), shape_str(g->arena, x),
               (long long)nblk, (long long)na, (long long)block, axis);
  int64_t p[7] = {outer, na, inner, block, nblk * inner, inner, 1};
  push_ips(g, n, p, 7);
}

void infer_quantize_linear(Graph *g, Node *n) {
  static const DType x_types[] = {DT_F32, DT_I32, DT_UNDEF};
  static const DType y_types[] = {DT_U8, DT_I8, DT_U16, DT_I16, DT_UNDEF};
  need_inputs(g, n, 2, 3);
  Value *x = n->in[0], *s = n->in[1], *zp = opt_input(n, 2);
  need_dtype(g, n, x->dt, x_types);
  if (s->dt != DT_F32 && s->dt != DT_I32)
    error_node(g, n, "y_scale '%s' has element type %s; bibc supports float32 and int32 scales",
               s->name, dtype_name(s->dt));
  int64_t odt = attr_int(n, "output_dtype", 0);
  if (zp && odt && odt != zp->dt)
    error_node(g, n, "output_dtype %s does not match the type of y_zero_point (%s)",
               onnx_dtype_name((int)odt), dtype_name(zp->dt));
  DType yt = zp ? zp->dt : odt ? (DType)odt : DT_U8;
  int ok = 0;
  for (const DType *t = y_types; *t != DT_UNDEF; t++)
    ok |= *t == yt;
  if (!ok)
    error_node(g, n, "quantizing to %s is not supported; bibc quantizes to uint8, int8, uint16 "
               "and int16 (float8, 4-bit and 2-bit types have no bibc element type)",
               zp ? dtype_name(yt) : onnx_dtype_name((int)odt));
  /* 'saturate' (opset 19) only concerns float8 outputs: integer outputs
   * always saturate. */
  int64_t prec = attr_int(n, "precision", 0);
  if (prec != 0 && prec != DT_F32 && prec != DT_F64)
    error_node(g, n, "precision %s is not supported (float and double are)",
               onnx_dtype_name((int)prec));
  int div_f32 = prec == DT_F32 || (prec == 0 && x->dt == DT_F32 && s->dt == DT_F32);
  need_zero_point(g, n, zp, s, yt, "y_zero_point");
  set_output(n, 0, yt, x->rank, x->dims);
  lower(g, n, "rt_quantize_linear", yt);
  fixed_targs(g, n, 3, 1);
  push_q_layout(g, n, x, s);
  push_ip(g, n, x->dt);
  push_ip(g, n, s->dt);
  push_ip(g, n, div_f32);
}

void infer_dequantize_linear(Graph *g, Node *n) {
  static const DType x_types[] = {DT_U8, DT_I8, DT_U16, DT_I16, DT_I32, DT_UNDEF};
  need_inputs(g, n, 2, 3);
  Value *x = n->in[0], *s = n->in[1], *zp = opt_input(n, 2);
  need_dtype(g, n, x->dt, x_types);
  need_scale_f32(g, n, s, "x_scale");
  int64_t odt = attr_int(n, "output_dtype", 0);
  if (odt != 0 && odt != DT_F32)
    error_node(g, n, "output_dtype %s is not supported; bibc dequantizes to float32",
               onnx_dtype_name((int)odt));
  need_zero_point(g, n, zp, s, x->dt, "x_zero_point");
  set_output(n, 0, DT_F32, x->rank, x->dims);
  lower(g, n, "rt_dequantize_linear", x->dt);
  fixed_targs(g, n, 3, 1);
  push_q_layout(g, n, x, s);
}

/* ---- MatMulInteger, QLinearMatMul ---- */

enum { PER_ROW = 1, PER_COL = 2 };

/* Pushes the r+2 strides over (batch[r], i, j) of scale or zero point p
 * (NULL: all 0) for a product with M, N, r and bdims already in n->ip;
 * 'allow' says along which of i and j p may vary. */
static void push_mm_param(Graph *g, Node *n, const Value *p, int allow, const char *what) {
  int64_t m = n->ip[0], nn = n->ip[1];
  int r = (int)n->ip[3], rr = r + 2;
  const int64_t *bd = n->ip + 4;
  int64_t vd[IR_MAXRANK + 2], want[IR_MAXRANK + 2], st[IR_MAXRANK + 2];
  for (int d = 0; d < rr; d++) {
    vd[d] = 1;
    want[d] = d < r ? bd[d] : d == r ? m : nn;
  }
  if (p && value_numel(p) != 1) {
    if (p->rank == 1) {
      vd[allow == PER_COL ? r + 1 : r] = p->dims[0];
    } else if (p->rank <= rr) {
      for (int d = 0; d < p->rank; d++)
        vd[rr - p->rank + d] = p->dims[d];
    }
    int fits = p->rank <= rr && (allow & PER_ROW || vd[r] == 1) &&
               (allow & PER_COL || vd[r + 1] == 1);
    for (int d = 0; fits && d < rr; d++)
      fits = vd[d] == 1 || vd[d] == want[d];
    if (!fits && allow == PER_ROW)
      error_node(g, n, "%s %s must be a scalar or per row (1-D of %lld, or [..., %lld, 1])",
                 what, shape_str(g->arena, p), (long long)m, (long long)m);
    if (!fits && allow == PER_COL)
      error_node(g, n, "%s %s must be a scalar or per column (1-D of %lld, or [..., 1, %lld])",
                 what, shape_str(g->arena, p), (long long)nn, (long long)nn);
    if (!fits)
      error_node(g, n, "%s %s must be a scalar, per row (1-D of %lld) or broadcast to the "
                 "output's [..., %lld, %lld]", what, shape_str(g->arena, p), (long long)m,
                 (long long)m, (long long)nn);
  }
  int64_t s = 1;
  for (int d = rr - 1; d >= 0; d--) {
    st[d] = vd[d] == 1 ? 0 : s;
    s *= vd[d];
  }
  push_ips(g, n, st, rr);
}

static const char *qkernel(Graph *g, const char *family, const Value *a, const Value *b) {
  return arena_printf(g->arena, "%s_%s%s", family, dtype_suffix(a->dt), dtype_suffix(b->dt));
}

void infer_matmul_integer(Graph *g, Node *n) {
  need_inputs(g, n, 2, 4);
  Value *a = n->in[0], *b = n->in[1], *azp = opt_input(n, 2), *bzp = opt_input(n, 3);
  need_dtype(g, n, a->dt, q8_types);
  need_dtype(g, n, b->dt, q8_types);
  if (azp && azp->dt != a->dt)
    error_node(g, n, "a_zero_point has element type %s, A has %s", dtype_name(azp->dt),
               dtype_name(a->dt));
  if (bzp && bzp->dt != b->dt)
    error_node(g, n, "b_zero_point has element type %s, B has %s", dtype_name(bzp->dt),
               dtype_name(b->dt));
  lower(g, n, qkernel(g, "rt_qmatmul", a, b), DT_UNDEF);
  matmul_lower_shape(g, n, a, b, DT_I32);
  push_ip(g, n, DT_I32);
  push_mm_param(g, n, azp, PER_ROW, "a_zero_point");
  push_mm_param(g, n, bzp, PER_COL, "b_zero_point");
  push_mm_param(g, n, NULL, 0, "");
  Value *t[9] = {a, NULL, azp, b, NULL, bzp, NULL, NULL, n->out[0]};
  set_targs(g, n, t, 9);
}

void infer_qlinear_matmul(Graph *g, Node *n) {
  need_inputs(g, n, 2, 8);
  Value *a = n->in[0], *as = req_input(g, n, 1, "a_scale"), *azp = opt_input(n, 2);
  Value *b = req_input(g, n, 3, "b"), *bs = req_input(g, n, 4, "b_scale"), *bzp = opt_input(n, 5);
  Value *ys = req_input(g, n, 6, "y_scale"), *yzp = opt_input(n, 7);
  need_dtype(g, n, a->dt, q8_types);
  need_dtype(g, n, b->dt, q8_types);
  need_scale_f32(g, n, as, "a_scale");
  need_scale_f32(g, n, bs, "b_scale");
  need_scale_f32(g, n, ys, "y_scale");
  DType yt = yzp ? yzp->dt : a->dt;
  if (yt != DT_U8 && yt != DT_I8)
    error_node(g, n, "y_zero_point has element type %s; the output must be uint8 or int8",
               dtype_name(yt));
  need_zero_point(g, n, azp, as, a->dt, "a_zero_point");
  need_zero_point(g, n, bzp, bs, b->dt, "b_zero_point");
  need_zero_point(g, n, yzp, ys, yt, "y_zero_point");
  lower(g, n, qkernel(g, "rt_qmatmul", a, b), DT_UNDEF);
  fixed_targs(g, n, 8, 1);
  matmul_lower_shape(g, n, a, b, yt);
  push_ip(g, n, yt);
  push_mm_param(g, n, as, PER_ROW, "a_scale");
  push_mm_param(g, n, bs, PER_COL, "b_scale");
  push_mm_param(g, n, ys, PER_ROW | PER_COL, "y_scale");
}

/* ---- ConvInteger, QLinearConv ---- */

/* Stride of a weight scale or zero point p over the output channels: 0 if
 * per-tensor, 1 if per channel (1-D of M). */
static int64_t channel_stride(Graph *g, Node *n, const Value *p, const Value *w, const char *what) {
  if (!p || value_numel(p) == 1)
    return 0;
  if (p->rank != 1 || p->dims[0] != w->dims[0])
    error_node(g, n, "%s %s must be a scalar or 1-D with %lld elements (one per output channel)",
               what, shape_str(g->arena, p), (long long)w->dims[0]);
  return 1;
}

static void need_per_tensor(Graph *g, Node *n, const Value *p, const char *what) {
  if (p && value_numel(p) != 1)
    error_node(g, n, "%s %s must be a scalar (per-tensor)", what, shape_str(g->arena, p));
}

void infer_conv_integer(Graph *g, Node *n) {
  need_inputs(g, n, 2, 4);
  Value *x = n->in[0], *w = n->in[1], *xzp = opt_input(n, 2), *wzp = opt_input(n, 3);
  need_dtype(g, n, x->dt, q8_types);
  need_dtype(g, n, w->dt, q8_types);
  if (xzp && xzp->dt != x->dt)
    error_node(g, n, "x_zero_point has element type %s, x has %s", dtype_name(xzp->dt),
               dtype_name(x->dt));
  if (wzp && wzp->dt != w->dt)
    error_node(g, n, "w_zero_point has element type %s, w has %s", dtype_name(wzp->dt),
               dtype_name(w->dt));
  need_per_tensor(g, n, xzp, "x_zero_point");
  lower(g, n, qkernel(g, "rt_qconv", x, w), DT_UNDEF);
  conv_lower_window(g, n, w, NULL, DT_I32);
  push_ip(g, n, DT_I32);
  push_ip(g, n, channel_stride(g, n, wzp, w, "w_zero_point"));
  push_ip(g, n, 0);
  Value *t[10] = {x, NULL, xzp, w, NULL, wzp, NULL, NULL, NULL, n->out[0]};
  set_targs(g, n, t, 10);
}

void infer_qlinear_conv(Graph *g, Node *n) {
  need_inputs(g, n, 2, 9);
  Value *x = n->in[0], *xs = req_input(g, n, 1, "x_scale"), *xzp = opt_input(n, 2);
  Value *w = req_input(g, n, 3, "w"), *ws = req_input(g, n, 4, "w_scale"), *wzp = opt_input(n, 5);
  Value *ys = req_input(g, n, 6, "y_scale"), *yzp = opt_input(n, 7), *b = opt_input(n, 8);
  need_dtype(g, n, x->dt, q8_types);
  need_dtype(g, n, w->dt, q8_types);
  need_scale_f32(g, n, xs, "x_scale");
  need_scale_f32(g, n, ws, "w_scale");
  need_scale_f32(g, n, ys, "y_scale");
  DType yt = yzp ? yzp->dt : x->dt;
  if (yt != DT_U8 && yt != DT_I8)
    error_node(g, n, "y_zero_point has element type %s; the output must be uint8 or int8",
               dtype_name(yt));
  need_zero_point(g, n, xzp, xs, x->dt, "x_zero_point");
  need_zero_point(g, n, wzp, ws, w->dt, "w_zero_point");
  need_zero_point(g, n, yzp, ys, yt, "y_zero_point");
  need_per_tensor(g, n, xs, "x_scale");
  need_per_tensor(g, n, ys, "y_scale");
  if (b && b->dt != DT_I32)
    error_node(g, n, "bias B has element type %s, expected int32", dtype_name(b->dt));
  lower(g, n, qkernel(g, "rt_qconv", x, w), DT_UNDEF);
  fixed_targs(g, n, 9, 1);
  conv_lower_window(g, n, w, b, yt);
  push_ip(g, n, yt);
  push_ip(g, n, channel_stride(g, n, wzp, w, "w_zero_point"));
  push_ip(g, n, channel_stride(g, n, ws, w, "w_scale"));
}
