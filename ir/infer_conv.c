/*
 * infer_conv.c - inference and lowering for sliding-window operators: Conv,
 * MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool.  Kernels:
 * runtime/rt_conv.h and runtime/rt_pool.h.
 *
 * window() turns the ONNX attributes (kernel_shape, strides, dilations,
 * pads, auto_pad, ceil_mode) into one explicit description per spatial axis:
 * input size, kernel size, output size, stride, dilation, pad before/after.
 * With e = (kernel-1)*dilation + 1 the effective kernel extent:
 *   NOTSET/VALID: out = floor((in + pb + pe - e) / s) + 1 (ceil with
 *                 ceil_mode, then one less if the last window would start
 *                 in the end padding); VALID means pads 0;
 *   SAME_*:       out = ceil(in / s), total pad = max(0, (out-1)*s + e - in),
 *                 the odd unit at the end (UPPER) or the beginning (LOWER).
 * Kernels take exactly 3 spatial axes; fewer are padded in front with unit
 * axes, so 1-D, 2-D and 3-D windows share one loop nest.  ConvInteger and
 * QLinearConv (infer_qcdq.c) reuse Conv's checks through conv_lower_window().
 */
#include <string.h>

#include "infer.h"

#define MAXSP 3   /* spatial axes the window kernels handle */

typedef struct Window {
  int nsp;                   /* spatial axes of the node (1..MAXSP) */
  int64_t in[MAXSP];         /* input extent per axis */
  int64_t k[MAXSP];          /* kernel extent */
  int64_t out[MAXSP];        /* output extent */
  int64_t s[MAXSP];          /* stride */
  int64_t d[MAXSP];          /* dilation */
  int64_t pb[MAXSP];         /* padding before */
  int64_t pe[MAXSP];         /* padding after */
} Window;

/* Reads an INTS attribute of exactly cnt values, each >= lo, into out;
 * dflt fills it when the attribute is absent. */
static void ints_attr(Graph *g, Node *n, const char *name, int cnt, int64_t lo, int64_t dflt,
                      int64_t *out) {
  int got = attr_ints(g, n, name, out, 2 * MAXSP);
  if (got < 0) {
    for (int i = 0; i < cnt; i++)
      out[i] = dflt;
    return;
  }
  if (got != cnt)
    error_node(g, n, "attribute '%s' has %d values, expected %d for %d spatial axes", name, got,
               cnt, n->in[0]->rank - 2);
  for (int i = 0; i < cnt; i++)
    if (out[i] < lo)
      error_node(g, n, "attribute '%s' value %lld must be >= %lld", name, (long long)out[i],
                 (long long)lo);
}

/* Fills w from X's spatial dims, the kernel extents and the attributes. */
static void window(Graph *g, Node *n, const int64_t *kernel, int ceil_mode, Window *w) {
  const Value *x = n->in[0];
  int nsp = x->rank - 2;
  int64_t pads[2 * MAXSP];
  w->nsp = nsp;
  ints_attr(g, n, "strides", nsp, 1, 1, w->s);
  ints_attr(g, n, "dilations", nsp, 1, 1, w->d);
  ints_attr(g, n, "pads", 2 * nsp, 0, 0, pads);
  const char *ap = attr_string(n, "auto_pad", "NOTSET");
  int same = strcmp(ap, "SAME_UPPER") == 0 ? 1 : strcmp(ap, "SAME_LOWER") == 0 ? 2 : 0;
  int valid = strcmp(ap, "VALID") == 0;
  if (!same && !valid && strcmp(ap, "NOTSET") != 0)
    error_node(g, n, "auto_pad '%s' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", ap);
  for (int i = 0; i < nsp; i++) {
    int64_t in = x->dims[2 + i], e = (kernel[i] - 1) * w->d[i] + 1, s = w->s[i];
    w->in[i] = in;
    w->k[i] = kernel[i];
    if (same) {
      w->out[i] = (in + s - 1) / s;
      int64_t total = (w->out[i] - 1) * s + e - in;
      total = total > 0 ? total : 0;
      w->pb[i] = same == 1 ? total / 2 : total - total / 2;
      w->pe[i] = total - w->pb[i];
      continue;
    }
    w->pb[i] = valid ? 0 : pads[i];
    w->pe[i] = valid ? 0 : pads[nsp + i];
    int64_t span = in + w->pb[i] + w->pe[i] - e;
    if (span < 0)
      error_node(g, n, "kernel extent %lld (kernel %lld, dilation %lld) exceeds the padded input "
                 "extent %lld on spatial axis %d", (long long)e, (long long)kernel[i],
                 (long long)w->d[i], (long long)(in + w->pb[i] + w->pe[i]), i);
    w->out[i] = (ceil_mode ? span + s - 1 : span) / s + 1;
    if (ceil_mode && (w->out[i] - 1) * s >= in + w->pb[i])
      w->out[i]--;  /* the last window must start inside the input or the front padding */
  }
}

/* Appends per-axis arrays padded in front to MAXSP entries with fill. */
static void push_axes(Graph *g, Node *n, const int64_t *v, int nsp, int64_t fill) {
  for (int i = nsp; i < MAXSP; i++)
    push_ip(g, n, fill);
  push_ips(g, n, v, nsp);
}

/* Pushes in, kernel, out, strides, dilations, pads_begin (3 each). */
static void push_window(Graph *g, Node *n, const Window *w) {
  push_axes(g, n, w->in, w->nsp, 1);
  push_axes(g, n, w->k, w->nsp, 1);
  push_axes(g, n, w->out, w->nsp, 1);
  push_axes(g, n, w->s, w->nsp, 1);
  push_axes(g, n, w->d, w->nsp, 1);
  push_axes(g, n, w->pb, w->nsp, 0);
}

/* Checks X has 1..MAXSP spatial axes. */
static void need_spatial(Graph *g, Node *n) {
  const Value *x = n->in[0];
  if (x->rank < 3 || x->rank > 2 + MAXSP)
    error_node(g, n, "input %s must be (N, C, D1..Dk) with 1 to %d spatial axes, has rank %d",
               shape_str(g->arena, x), MAXSP, x->rank);
}

/* The part of Conv's inference that ConvInteger and QLinearConv share:
 * checks X = n->in[0] (N, C, D1..Dk), the weight w (M, C/group, k1..kk) and
 * the optional bias b (M), resolves the window attributes, sets output 0 to
 * element type dt and pushes rt_conv's parameters [N, G, C/G, M/G, in[3],
 * kernel[3], out[3], strides[3], dilations[3], pads_begin[3]].  Call after
 * lower(). */
void conv_lower_window(Graph *g, Node *n, Value *wt, Value *b, DType dt) {
  Value *x = n->in[0];
  need_spatial(g, n);
  int nsp = x->rank - 2;
  if (wt->rank != x->rank)
    error_node(g, n, "weight W %s must have rank %d (M, C/group, kernel...) like input X %s",
               shape_str(g->arena, wt), x->rank, shape_str(g->arena, x));
  int64_t group = attr_int(n, "group", 1), c = x->dims[1], m = wt->dims[0];
  if (group < 1)
    error_node(g, n, "group must be >= 1, got %lld", (long long)group);
  if (c % group || m % group)
    error_node(g, n, "input channels %lld and output channels %lld must both be divisible by "
               "group %lld", (long long)c, (long long)m, (long long)group);
  if (wt->dims[1] * group != c)
    error_node(g, n, "channel mismatch: X %s has %lld channels, W %s expects %lld x group %lld",
               shape_str(g->arena, x), (long long)c, shape_str(g->arena, wt),
               (long long)wt->dims[1], (long long)group);
  if (b && (b->rank != 1 || b->dims[0] != m))
    error_node(g, n, "bias B %s must be 1-D with %lld elements (one per output channel)",
               shape_str(g->arena, b), (long long)m);
  int64_t kernel[MAXSP];
  int nk = attr_ints(g, n, "kernel_shape", kernel, MAXSP);
  if (nk >= 0 && (nk != nsp || memcmp(kernel, wt->dims + 2, sizeof kernel[0] * (size_t)nsp)))
    error_node(g, n, "attribute kernel_shape does not match the spatial shape of W %s",
               shape_str(g->arena, wt));
  memcpy(kernel, wt->dims + 2, sizeof kernel[0] * (size_t)nsp);
  for (int i = 0; i < nsp; i++)
    if (kernel[i] < 1)
      error_node(g, n, "weight W %s has an empty kernel axis", shape_str(g->arena, wt));
  Window w;
  window(g, n, kernel, 0, &w);
  int64_t dims[2 + MAXSP] = {x->dims[0], m};
  memcpy(dims + 2, w.out, sizeof dims[0] * (size_t)nsp);
  set_output(n, 0, dt, x->rank, dims);
  int64_t p[4] = {x->dims[0], group, c / group, m / group};
  push_ips(g, n, p, 4);
  push_window(g, n, &w);
}

void infer_conv(Graph *g, Node *n) {
  need_inputs(g, n, 2, 3);
  /* int64 is the fixed-point pipeline's integer convolution (lower_fixed). */
  static const DType conv_types[] = {DT_F32, DT_F64, DT_I64, DT_UNDEF};
  Value *x = n->in[0], *wt = n->in[1], *b = has_input(n, 2) ? n->in[2] : NULL;
  need_dtype(g, n, x->dt, conv_types);
  if (wt->dt != x->dt || (b && b->dt != x->dt))
    error_node(g, n, "inputs have different element types (X %s, W %s%s%s)", dtype_name(x->dt),
               dtype_name(wt->dt), b ? ", B " : "", b ? dtype_name(b->dt) : "");
  lower(g, n, "rt_conv", x->dt);
  fixed_targs(g, n, 3, 1);
  conv_lower_window(g, n, wt, b, x->dt);
}

static void infer_global_pool(Graph *g, Node *n) {
  Value *x = n->in[0];
  if (x->rank < 3)
    error_node(g, n, "input %s must be (N, C, D1..Dk) with at least one spatial axis",
               shape_str(g->arena, x));
  int64_t dims[IR_MAXRANK], s = 1;
  for (int i = 0; i < x->rank; i++)
    dims[i] = i < 2 ? x->dims[i] : 1;
  for (int i = 2; i < x->rank; i++)
    s *= x->dims[i];
  set_output(n, 0, x->dt, x->rank, dims);
  lower(g, n, "rt_globalpool", x->dt);
  push_ip(g, n, n->op == OP_GLOBALMAXPOOL);
  push_ip(g, n, x->dims[0] * x->dims[1]);
  push_ip(g, n, s);
}

void infer_pool(Graph *g, Node *n) {
  static const DType max_types[] = {DT_F32, DT_F64, DT_I8, DT_U8, DT_I64, DT_UNDEF};
  int is_max = n->op == OP_MAXPOOL;
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, is_max ? max_types : dtypes_float);
  if (n->op == OP_GLOBALAVGPOOL || n->op == OP_GLOBALMAXPOOL) {
    infer_global_pool(g, n);
    return;
  }
  need_spatial(g, n);
  int nsp = x->rank - 2;
  int64_t kernel[2 * MAXSP];
  int nk = attr_ints(g, n, "kernel_shape", kernel, 2 * MAXSP);
  if (nk < 0)
    error_node(g, n, "attribute kernel_shape is required");
  if (nk != nsp)
    error_node(g, n, "kernel_shape has %d values, input %s has %d spatial axes", nk,
               shape_str(g->arena, x), nsp);
  for (int i = 0; i < nsp; i++)
    if (kernel[i] < 1)
      error_node(g, n, "kernel_shape value %lld must be >= 1", (long long)kernel[i]);
  int64_t ceil_mode = attr_int(n, "ceil_mode", 0);
  int64_t order = attr_int(n, "storage_order", 0), incl = attr_int(n, "count_include_pad", 0);
  if ((ceil_mode != 0 && ceil_mode != 1) || (order != 0 && order != 1) || (incl != 0 && incl != 1))
    error_node(g, n, "ceil_mode, storage_order and count_include_pad must be 0 or 1");
  Window w;
  window(g, n, kernel, (int)ceil_mode, &w);
  int64_t dims[2 + MAXSP] = {x->dims[0], x->dims[1]};
  memcpy(dims + 2, w.out, sizeof dims[0] * (size_t)nsp);
  set_output(n, 0, x->dt, x->rank, dims);
  if (n->nout > 2 || (n->nout == 2 && !is_max))
    error_node(g, n, "has %d outputs, expected %s", n->nout, is_max ? "1 or 2" : "1");
  if (is_max && n->nout == 2)
    set_output(n, 1, DT_I64, x->rank, dims);
  lower(g, n, is_max ? "rt_maxpool" : "rt_avgpool", x->dt);
  if (is_max)
    fixed_targs(g, n, 1, 2);
  push_ip(g, n, x->dims[0] * x->dims[1]);
  push_window(g, n, &w);
  if (is_max) {
    push_ip(g, n, order);
  } else {
    push_axes(g, n, w.pe, nsp, 0);
    push_ip(g, n, incl);
  }
}

/* ---- geometry (ir.h): rt_conv's and rt_maxpool's parameters, decoded ---- */

static void window3(const int64_t *p, Window3 *w) {
  for (int i = 0; i < MAXSP; i++) {
    w->in[i] = p[i];
    w->k[i] = p[3 + i];
    w->out[i] = p[6 + i];
    w->s[i] = p[9 + i];
    w->d[i] = p[12 + i];
    w->pb[i] = p[15 + i];
  }
}

void conv_geom(const Node *n, ConvGeom *c) {
  ASSERT(n->op == OP_CONV && n->nip >= 22);
  c->batch = n->ip[0];
  c->groups = n->ip[1];
  c->cg = n->ip[2];
  c->mg = n->ip[3];
  window3(n->ip + 4, &c->w);
}

void pool_geom(const Node *n, PoolGeom *p) {
  ASSERT(n->op == OP_MAXPOOL && n->nip >= 19);
  p->planes = n->ip[0];
  window3(n->ip + 1, &p->w);
}
