/*
 * infer_norm.c - inference and lowering for operators that normalize or
 * reduce along an axis: BatchNormalization, Softmax, ArgMax.  Kernels:
 * runtime/rt_norm.h, which view the input as [outer, n, inner] around the
 * axis; the functions here compute those extents.
 */
#include "infer.h"

static int64_t prod(const int64_t *dims, int from, int to) {
  int64_t p = 1;
  for (int d = from; d < to; d++)
    p *= dims[d];
  return p;
}

/* BatchNormalization, inference form.  Opsets 6-8 carry 'spatial' (0 =
 * one parameter per channel and spatial position) and opsets 6-13 list the
 * training outputs (mean, var, saved_mean, saved_var), which bibc rejects.
 * Opset 14+ has training_mode: if set, the batch statistics are used and
 * running_mean/var computed; if not, those outputs (which ONNX forbids in
 * that case) are plain copies of the inputs mean/var. */
void infer_batchnorm(Graph *g, Node *n) {
  static const char *const pname[] = {"X", "scale", "B", "input_mean", "input_var"};
  need_inputs(g, n, 5, 5);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_float);
  if (x->rank < 2)
    error_node(g, n, "input %s must have rank >= 2 (N x C x ...)", shape_str(g->arena, x));
  int64_t nc = x->dims[1], ns = prod(x->dims, 2, x->rank);
  int per_elem = n->opset < 9 && attr_int(n, "spatial", 1) == 0;
  int training = n->opset >= 14 && attr_int(n, "training_mode", 0) != 0;
  int extra = 0;
  for (int k = 1; k < n->nout; k++)
    extra |= n->out[k] != NULL;
  if (extra && n->opset < 14)
    error_node(g, n, "training outputs (mean, var, saved_mean, saved_var) are not supported; "
               "bibc compiles inference graphs (export the model in eval mode)");
  if (n->nout > 3)
    error_node(g, n, "has %d outputs; at most 3 (Y, running_mean, running_var) are allowed", n->nout);
  for (int k = 1; k < 5; k++) {
    Value *p = n->in[k];
    if (p->dt != x->dt)
      error_node(g, n, "%s has type %s but X has %s; bibc needs them equal", pname[k],
                 dtype_name(p->dt), dtype_name(x->dt));
    if (value_numel(p) != (per_elem ? nc * ns : nc))
      error_node(g, n, "%s has shape %s; expected %lld values (one per %s of X %s)", pname[k],
                 shape_str(g->arena, p), (long long)(per_elem ? nc * ns : nc),
                 per_elem ? "channel and position" : "channel", shape_str(g->arena, x));
  }
  set_output(n, 0, x->dt, x->rank, x->dims);
  for (int k = 1; k < n->nout; k++)
    set_output(n, k, x->dt, 1, &nc);
  lower(g, n, "rt_batchnorm", x->dt);
  fixed_targs(g, n, 5, 3);
  push_ip(g, n, x->dims[0]);
  push_ip(g, n, nc);
  push_ip(g, n, ns);
  push_ip(g, n, per_elem);
  push_ip(g, n, training);
  push_fp(g, n, attr_float(n, "epsilon", 1e-5f));
  push_fp(g, n, attr_float(n, "momentum", 0.9f));
}

/* Softmax: before opset 13 the input is coerced to 2-D [prod(d<axis),
 * prod(d>=axis)] (default axis 1) and normalized over the second
 * dimension; from 13 over the single axis (default -1). */
void infer_softmax(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_float);
  if (x->rank == 0)
    error_node(g, n, "input must have rank >= 1, it is a scalar");
  int64_t outer, len, inner;
  if (n->opset < 13) {
    int64_t a = attr_int(n, "axis", 1);
    if (a < -x->rank || a > x->rank)
      error_node(g, n, "axis %lld is out of range [%d, %d] for input %s", (long long)a,
                 -x->rank, x->rank, shape_str(g->arena, x));
    int axis = (int)(a < 0 ? a + x->rank : a);
    outer = prod(x->dims, 0, axis);
    len = prod(x->dims, axis, x->rank);
    inner = 1;
  } else {
    int axis = norm_axis(g, n, attr_int(n, "axis", -1), x->rank, "axis");
    outer = prod(x->dims, 0, axis);
    len = x->dims[axis];
    inner = prod(x->dims, axis + 1, x->rank);
  }
  set_output(n, 0, x->dt, x->rank, x->dims);
  lower(g, n, "rt_softmax", x->dt);
  push_ip(g, n, outer);
  push_ip(g, n, len);
  push_ip(g, n, inner);
}

void infer_argmax(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_numeric);
  if (x->rank == 0)
    error_node(g, n, "input must have rank >= 1, it is a scalar");
  int axis = norm_axis(g, n, attr_int(n, "axis", 0), x->rank, "axis");
  if (x->dims[axis] == 0)
    error_node(g, n, "axis %d of input %s is empty; it has no maximum", axis,
               shape_str(g->arena, x));
  int keep = attr_int(n, "keepdims", 1) != 0, r = 0;
  int64_t dims[IR_MAXRANK];
  for (int d = 0; d < x->rank; d++)
    if (d != axis)
      dims[r++] = x->dims[d];
    else if (keep)
      dims[r++] = 1;
  set_output(n, 0, DT_I64, r, dims);
  lower(g, n, "rt_argmax", x->dt);
  push_ip(g, n, prod(x->dims, 0, axis));
  push_ip(g, n, x->dims[axis]);
  push_ip(g, n, prod(x->dims, axis + 1, x->rank));
  push_ip(g, n, attr_int(n, "select_last_index", 0) != 0);
}
