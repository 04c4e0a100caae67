/*
 * infer_elementwise.c - inference and lowering for elementwise operators:
 * broadcasting arithmetic, variadic Max/Min/Sum, activations, Clip, Cast,
 * Identity, Dropout, Constant.  Kernels: runtime/rt_elementwise.h.
 */
#include <math.h>
#include <string.h>

#include "infer.h"

/* Lowers the inputs -> out 0 to rt_nary with the given opcode.  ins gives
 * the shapes to broadcast: n->in, or views of them (PRelu-6's channel
 * slope). */
static void lower_nary(Graph *g, Node *n, int opcode, const DType *allowed, Value *const *ins) {
  int rank;
  int64_t dims[IR_MAXRANK];
  int k = n->nin;
  if (k < 1)
    error_node(g, n, "expects at least one input");
  for (int j = 0; j < k; j++) {
    if (!ins[j])
      error_node(g, n, "input %d is empty", j);
    if (ins[j]->dt != ins[0]->dt)
      error_node(g, n, "inputs have different element types (%s and %s)",
                 dtype_name(ins[0]->dt), dtype_name(ins[j]->dt));
  }
  need_dtype(g, n, ins[0]->dt, allowed);
  broadcast_shapes(g, n, ins, k, &rank, dims);
  set_output(n, 0, ins[0]->dt, rank, dims);
  lower(g, n, "rt_nary", ins[0]->dt);
  push_ip(g, n, opcode);
  push_ip(g, n, rank);
  push_ip(g, n, k);
  push_ips(g, n, dims, rank);
  for (int j = 0; j < k; j++) {
    int64_t str[IR_MAXRANK];
    broadcast_strides(ins[j], rank, dims, str);
    push_ips(g, n, str, rank);
  }
}

void infer_binary(Graph *g, Node *n) {
  need_inputs(g, n, 2, 2);
  /* Before opset 7, B broadcasts to A only if broadcast=1, aligned at
   * 'axis' (default: trailing): view B with trailing 1s appended. */
  Value *bins[2] = {n->in[0], n->in[1]}, bview;
  if (n->opset < 7 && n->op != OP_PRELU) {
    Value *a = n->in[0], *b = n->in[1];
    if (!attr_int(n, "broadcast", 0)) {
      if (a->rank != b->rank || memcmp(a->dims, b->dims, sizeof a->dims[0] * (size_t)a->rank))
        error_node(g, n, "shapes %s and %s differ and broadcast=0 (opset < 7 needs equal shapes)",
                   shape_str(g->arena, a), shape_str(g->arena, b));
    } else if (attr_find(n, "axis")) {
      int64_t axis = attr_int(n, "axis", 0);
      if (axis < 0)
        axis += a->rank;
      if (axis < 0 || axis + b->rank > a->rank)
        error_node(g, n, "legacy broadcast of %s into %s at axis %lld does not fit",
                   shape_str(g->arena, b), shape_str(g->arena, a), (long long)attr_int(n, "axis", 0));
      bview = *b;
      bview.rank = a->rank - (int)axis;
      for (int d = b->rank; d < bview.rank; d++)
        bview.dims[d] = 1;
      bins[1] = &bview;
    }
    int rank;
    int64_t dims[IR_MAXRANK];
    broadcast_shapes(g, n, bins, 2, &rank, dims);
    if (rank != a->rank || memcmp(dims, a->dims, sizeof dims[0] * (size_t)rank))
      error_node(g, n, "B %s does not broadcast to A %s (opset < 7 broadcasts B only)",
                 shape_str(g->arena, b), shape_str(g->arena, a));
  }
  switch (n->op) {
  case OP_ADD: lower_nary(g, n, 0, dtypes_numeric, bins); break;
  case OP_SUB: lower_nary(g, n, 1, dtypes_numeric, bins); break;
  case OP_MUL: lower_nary(g, n, 2, dtypes_numeric, bins); break;
  case OP_DIV: lower_nary(g, n, 3, dtypes_numeric, bins); break;
  case OP_POW: lower_nary(g, n, 7, dtypes_float, bins); break;
  case OP_PRELU: {
    /* The slope broadcasts to X ("unidirectional"); the output is X's shape.
     * Before opset 7 a [C] slope is per channel (axis 1): view it as
     * [C, 1, ..., 1]. */
    int rank;
    int64_t dims[IR_MAXRANK];
    Value *x = n->in[0], *ins[2] = {n->in[0], n->in[1]}, chan;
    if (n->opset < 7 && ins[1]->rank == 1 && x->rank >= 2 && ins[1]->dims[0] == x->dims[1]) {
      chan = *ins[1];
      chan.rank = x->rank - 1;
      for (int d = 1; d < chan.rank; d++)
        chan.dims[d] = 1;
      ins[1] = &chan;
    }
    broadcast_shapes(g, n, ins, 2, &rank, dims);
    if (rank != n->in[0]->rank || memcmp(dims, n->in[0]->dims, sizeof dims[0] * (size_t)rank))
      error_node(g, n, "slope shape %s does not broadcast to input shape %s",
                 shape_str(g->arena, n->in[1]), shape_str(g->arena, n->in[0]));
    lower_nary(g, n, 6, dtypes_numeric, ins);
    break;
  }
  default: die("infer_binary: %s", op_name(n->op));
  }
}

void infer_variadic(Graph *g, Node *n) {
  int opcode = n->op == OP_MAX ? 4 : n->op == OP_MIN ? 5 : 0;
  lower_nary(g, n, opcode, n->op == OP_SUM ? dtypes_float : dtypes_numeric, n->in);
}

void infer_unary(Graph *g, Node *n) {
  static const DType relu_types[] = {DT_F32, DT_F64, DT_I8, DT_I16, DT_I32, DT_I64, DT_UNDEF};
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  int opcode = 0;
  double a = 0, b = 0;
  switch (n->op) {
  case OP_RELU: opcode = 0; need_dtype(g, n, x->dt, relu_types); break;
  case OP_LEAKYRELU: opcode = 1; a = attr_float(n, "alpha", 0.01f); break;
  case OP_ELU: opcode = 2; a = attr_float(n, "alpha", 1.0); break;
  case OP_SELU:
    opcode = 3;
    a = attr_float(n, "alpha", 1.67326319217681884765625);
    b = attr_float(n, "gamma", 1.05070102214813232421875);
    break;
  case OP_SIGMOID: opcode = 4; break;
  case OP_HARDSIGMOID:
    opcode = 5;
    a = attr_float(n, "alpha", 0.2f);
    b = attr_float(n, "beta", 0.5);
    break;
  case OP_TANH: opcode = 6; break;
  case OP_SIGN: opcode = 7; need_dtype(g, n, x->dt, relu_types); break;
  default: die("infer_unary: %s", op_name(n->op));
  }
  if (n->op != OP_RELU && n->op != OP_SIGN)
    need_dtype(g, n, x->dt, dtypes_float);
  set_output(n, 0, x->dt, x->rank, x->dims);
  lower(g, n, "rt_unary", x->dt);
  push_ip(g, n, opcode);
  push_ip(g, n, value_numel(x));
  push_fp(g, n, a);
  push_fp(g, n, b);
}

void infer_clip(Graph *g, Node *n) {
  need_inputs(g, n, 1, 3);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_numeric);
  int64_t mode[2] = {0, 0};
  double lim[2] = {0, 0};
  if (n->opset < 11) {
    need_dtype(g, n, x->dt, dtypes_float);  /* float attributes: Clip-6 is float-only */
    if (attr_find(n, "min"))
      mode[0] = 2, lim[0] = attr_float(n, "min", 0);
    if (attr_find(n, "max"))
      mode[1] = 2, lim[1] = attr_float(n, "max", 0);
  } else {
    for (int k = 1; k <= 2; k++) {
      if (!has_input(n, k))
        continue;
      Value *b = n->in[k];
      if (b->dt != x->dt)
        error_node(g, n, "%s bound has type %s, input has %s", k == 1 ? "min" : "max",
                   dtype_name(b->dt), dtype_name(x->dt));
      if (value_numel(b) != 1)
        error_node(g, n, "%s bound must be a scalar, has shape %s", k == 1 ? "min" : "max",
                   shape_str(g->arena, b));
      mode[k - 1] = 1;
    }
  }
  set_output(n, 0, x->dt, x->rank, x->dims);
  lower(g, n, "rt_clip", x->dt);
  /* The kernel always takes [X, lo, hi, Y]: pad absent optional inputs
   * (opset < 11 bounds are attributes, and any inputs past X are ignored). */
  Value *t[4] = {x, NULL, NULL, n->out[0]};
  for (int k = 1; k < 3 && n->opset >= 11; k++)
    t[k] = has_input(n, k) ? n->in[k] : NULL;
  set_targs(g, n, t, 4);
  push_ip(g, n, value_numel(x));
  push_ips(g, n, mode, 2);
  push_fp(g, n, lim[0]);
  push_fp(g, n, lim[1]);
}

int clip_bounds(const Node *n, double b[2]) {
  b[0] = -INFINITY, b[1] = INFINITY;
  for (int k = 0; k < 2; k++) {
    const char *name = k ? "max" : "min";
    const Value *c = n->opset >= 11 && n->nin > k + 1 ? n->in[k + 1] : NULL;
    if (n->opset < 11 && attr_find(n, name))
      b[k] = attr_float(n, name, 0);
    else if (c && (!c->data || value_numel(c) != 1))
      return 0;
    else if (c)
      b[k] = value_get_f64(c, 0);
  }
  return 1;
}

void infer_cast(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  if (!attr_find(n, "to"))
    error_node(g, n, "attribute 'to' is required");
  int64_t to = attr_int(n, "to", -1);
  if (!dtype_is_valid((int)to))
    error_node(g, n, "cast to element type %s is not supported", onnx_dtype_name((int)to));
  Value *x = n->in[0];
  set_output(n, 0, (DType)to, x->rank, x->dims);
  lower(g, n, "rt_cast", DT_UNDEF);
  push_ip(g, n, value_numel(x));
  push_ip(g, n, x->dt);
  push_ip(g, n, to);
}

void infer_identity(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  set_output(n, 0, x->dt, x->rank, x->dims);
  lower(g, n, "rt_copy", DT_UNDEF);
  push_ip(g, n, value_numel(x) * (int64_t)dtype_size(x->dt));
}

void infer_dropout(Graph *g, Node *n) {
  need_inputs(g, n, 1, 3);
  Value *x = n->in[0];
  if (has_input(n, 2)) {
    Value *tm = need_const(g, n, 2, "training_mode");
    /* Training mode drops at random unless the ratio is a constant 0. */
    if (value_get_i64(tm, 0)) {
      if (!has_input(n, 1))
        error_node(g, n, "training_mode is true; bibc compiles inference graphs (set it to false)");
      Value *ratio = need_const(g, n, 1, "ratio (with training_mode true)");
      if (value_get_f64(ratio, 0) != 0)
        error_node(g, n, "training_mode is true with ratio %g: the output would be random; "
                   "bibc compiles inference graphs (set training_mode to false)",
                   value_get_f64(ratio, 0));
    }
  }
  set_output(n, 0, x->dt, x->rank, x->dims);
  if (n->nout > 1)
    set_output(n, 1, DT_BOOL, x->rank, x->dims);
  lower(g, n, "rt_dropout", DT_UNDEF);
  fixed_targs(g, n, 3, 2);
  push_ip(g, n, value_numel(x) * (int64_t)dtype_size(x->dt));
  push_ip(g, n, value_numel(x));
}

/* Constant: the importer has already turned the attribute into out[0]'s
 * data (value, value_float(s), value_int(s)); nothing runs at run time. */
void infer_constant(Graph *g, Node *n) {
  if (!n->out[0] || !n->out[0]->data)
    error_node(g, n, "has no supported value attribute (value, value_float(s), value_int(s))");
  n->out[0]->shape_known = 1;
}

/* ---- geometry (ir.h): rt_nary's parameters, decoded ---- */
void bcast_geom(const Node *n, BcastGeom *b) {
  ASSERT(n->kernel && strncmp(n->kernel, "rt_nary_", 8) == 0);
  b->rank = (int)n->ip[1];
  b->nin = (int)n->ip[2];
  b->dims = n->ip + 3;
  b->str = n->ip + 3 + b->rank;
}
