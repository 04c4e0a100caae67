/*
 * infer_layout.c - inference and lowering for operators that move or rename
 * data: Reshape, Flatten, Squeeze, Unsqueeze (rt_copy: only the shape
 * changes), Transpose, Concat, Gather, Pad (runtime/rt_layout.h) and Shape
 * (no kernel: static shapes make its output a constant, computed here).
 *
 * Shape, axes and pads operands must be constants.  Exporters compute them
 * with Shape -> Gather -> Unsqueeze -> Concat chains, which the infer_shapes
 * pass folds before the consumer is inferred, so they arrive as constants.
 */
#include <math.h>
#include <string.h>

#include "infer.h"

static int64_t prod(const int64_t *dims, int from, int to) {
  int64_t p = 1;
  for (int d = from; d < to; d++)
    p *= dims[d];
  return p;
}

/* Lowers a node whose output is its input 0 under another shape. */
static void lower_copy(Graph *g, Node *n) {
  Value *x = n->in[0];
  Value *t[2] = {x, n->out[0]};
  lower(g, n, "rt_copy", DT_UNDEF);
  set_targs(g, n, t, 2);
  push_ip(g, n, value_numel(x) * (int64_t)dtype_size(x->dt));
}

/* Reads constant integer input k (a scalar or 1-D int32/int64 tensor) into
 * out[max]; returns the count. */
static int const_ints(Graph *g, Node *n, int k, const char *what, int64_t *out, int max) {
  Value *v = need_const(g, n, k, what);
  if (v->dt != DT_I64 && v->dt != DT_I32)
    error_node(g, n, "%s (input %d) must be int64 (or int32), got %s", what, k, dtype_name(v->dt));
  if (v->rank > 1)
    error_node(g, n, "%s (input %d) must be 1-D, has shape %s", what, k, shape_str(g->arena, v));
  int64_t cnt = value_numel(v);
  if (cnt > max)
    error_node(g, n, "%s (input %d) has %lld values; at most %d are supported (rank <= %d)",
               what, k, (long long)cnt, max, IR_MAXRANK);
  for (int64_t i = 0; i < cnt; i++)
    out[i] = value_get_i64(v, i);
  return (int)cnt;
}

/* Normalizes axes[0..k-1] against rank (negative counts from the end) and
 * rejects duplicates; returns a bit set of the axes. */
static unsigned axis_set(Graph *g, Node *n, int64_t *axes, int k, int rank) {
  unsigned set = 0;
  for (int i = 0; i < k; i++) {
    axes[i] = norm_axis(g, n, axes[i], rank, "axis");
    if (set & (1u << axes[i]))
      error_node(g, n, "axis %lld is listed twice", (long long)axes[i]);
    set |= 1u << axes[i];
  }
  return set;
}

void infer_reshape(Graph *g, Node *n) {
  int64_t shape[IR_MAXRANK], dims[IR_MAXRANK];
  int r;
  if (n->opset < 5) {
    need_inputs(g, n, 1, 1);
    r = attr_ints(g, n, "shape", shape, IR_MAXRANK);
    if (r < 0)
      error_node(g, n, "has no 'shape' attribute (required before opset 5)");
  } else {
    need_inputs(g, n, 2, 2);
    r = const_ints(g, n, 1, "shape", shape, IR_MAXRANK);
  }
  Value *x = n->in[0];
  int allowzero = (int)attr_int(n, "allowzero", 0);
  int64_t known = 1;
  int infer_at = -1;
  for (int d = 0; d < r; d++) {
    int64_t s = shape[d];
    if (s == -1) {
      if (infer_at >= 0)
        error_node(g, n, "shape has more than one -1 (entries %d and %d)", infer_at, d);
      infer_at = d;
      continue;
    }
    if (s == 0 && !allowzero) {
      if (d >= x->rank)
        error_node(g, n, "shape entry %d is 0 (copy the input dim) but the input %s has rank %d",
                   d, shape_str(g->arena, x), x->rank);
      s = x->dims[d];
    } else if (s < 0) {
      error_node(g, n, "shape entry %d is %lld; entries must be >= -1", d, (long long)s);
    }
    if (s > 0 && known > INT64_MAX / s)
      error_node(g, n, "shape entry %d (%lld) makes the tensor too large", d, (long long)s);
    dims[d] = s;
    known *= s;
  }
  int64_t total = value_numel(x);
  Value want = {.rank = r};  /* the requested shape, for messages */
  memcpy(want.dims, shape, sizeof shape[0] * (size_t)r);
  if (infer_at >= 0) {
    if (known == 0)
      error_node(g, n, "shape %s has a -1 and a zero-size dim; the -1 cannot be inferred",
                 shape_str(g->arena, &want));
    if (total % known)
      error_node(g, n, "cannot reshape %s (%lld elements) to %s: %lld is not a multiple of %lld",
                 shape_str(g->arena, x), (long long)total, shape_str(g->arena, &want),
                 (long long)total, (long long)known);
    dims[infer_at] = total / known;
    known = total;
  }
  if (known != total)
    error_node(g, n, "cannot reshape %s (%lld elements) to %s (%lld elements)",
               shape_str(g->arena, x), (long long)total, shape_str(g->arena, &want),
               (long long)known);
  set_output(n, 0, x->dt, r, dims);
  lower_copy(g, n);
}

void infer_flatten(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  int64_t axis = attr_int(n, "axis", 1);
  if (axis < -x->rank || axis > x->rank)
    error_node(g, n, "axis %lld is out of range [%d, %d] for input %s", (long long)axis,
               -x->rank, x->rank, shape_str(g->arena, x));
  if (axis < 0)
    axis += x->rank;
  int64_t dims[2] = {prod(x->dims, 0, (int)axis), prod(x->dims, (int)axis, x->rank)};
  set_output(n, 0, x->dt, 2, dims);
  lower_copy(g, n);
}

void infer_squeeze(Graph *g, Node *n) {
  int64_t axes[IR_MAXRANK], dims[IR_MAXRANK];
  int k = -1;
  if (n->opset < 13) {
    need_inputs(g, n, 1, 1);
    k = attr_ints(g, n, "axes", axes, IR_MAXRANK);
  } else {
    need_inputs(g, n, 1, 2);
    if (has_input(n, 1))
      k = const_ints(g, n, 1, "axes", axes, IR_MAXRANK);
  }
  Value *x = n->in[0];
  unsigned set = 0;
  if (k > 0) {  /* absent or empty axes: every size-1 axis (as onnxruntime) */
    set = axis_set(g, n, axes, k, x->rank);
    for (int i = 0; i < k; i++)
      if (x->dims[axes[i]] != 1)
        error_node(g, n, "cannot squeeze axis %lld of input %s: its size is not 1",
                   (long long)axes[i], shape_str(g->arena, x));
  } else {
    for (int d = 0; d < x->rank; d++)
      if (x->dims[d] == 1)
        set |= 1u << d;
  }
  int r = 0;
  for (int d = 0; d < x->rank; d++)
    if (!(set & (1u << d)))
      dims[r++] = x->dims[d];
  set_output(n, 0, x->dt, r, dims);
  lower_copy(g, n);
}

void infer_unsqueeze(Graph *g, Node *n) {
  int64_t axes[IR_MAXRANK], dims[IR_MAXRANK];
  int k;
  if (n->opset < 13) {
    need_inputs(g, n, 1, 1);
    k = attr_ints(g, n, "axes", axes, IR_MAXRANK);
    if (k < 0)
      error_node(g, n, "has no 'axes' attribute (required before opset 13)");
  } else {
    need_inputs(g, n, 2, 2);
    k = const_ints(g, n, 1, "axes", axes, IR_MAXRANK);
  }
  Value *x = n->in[0];
  int r = x->rank + k;
  if (r > IR_MAXRANK)
    error_node(g, n, "output rank %d exceeds the supported maximum %d", r, IR_MAXRANK);
  unsigned set = axis_set(g, n, axes, k, r);
  for (int d = 0, j = 0; d < r; d++)
    dims[d] = set & (1u << d) ? 1 : x->dims[j++];
  set_output(n, 0, x->dt, r, dims);
  lower_copy(g, n);
}

void infer_transpose(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  int64_t perm[IR_MAXRANK], dims[IR_MAXRANK], xstr[IR_MAXRANK], str[IR_MAXRANK];
  int k = attr_ints(g, n, "perm", perm, IR_MAXRANK);
  if (k < 0) {
    k = x->rank;
    for (int d = 0; d < k; d++)
      perm[d] = k - 1 - d;
  }
  if (k != x->rank)
    error_node(g, n, "perm has %d entries but the input %s has rank %d", k,
               shape_str(g->arena, x), x->rank);
  unsigned seen = 0;
  for (int d = 0; d < k; d++) {
    if (perm[d] < 0 || perm[d] >= k || (seen & (1u << perm[d])))
      error_node(g, n, "perm is not a permutation of 0..%d (entry %d is %lld)", k - 1, d,
                 (long long)perm[d]);
    seen |= 1u << perm[d];
  }
  int64_t s = 1;
  for (int d = k - 1; d >= 0; d--) {
    xstr[d] = s;
    s *= x->dims[d];
  }
  for (int d = 0; d < k; d++) {
    dims[d] = x->dims[perm[d]];
    str[d] = xstr[perm[d]];
  }
  set_output(n, 0, x->dt, k, dims);
  lower(g, n, "rt_transpose", DT_UNDEF);
  push_ip(g, n, (int64_t)dtype_size(x->dt));
  push_ip(g, n, k);
  push_ips(g, n, dims, k);
  push_ips(g, n, str, k);
}

void infer_concat(Graph *g, Node *n) {
  if (n->nin < 1)
    error_node(g, n, "expects at least one input");
  for (int j = 0; j < n->nin; j++)
    if (!n->in[j])
      error_node(g, n, "input %d is empty; every Concat input is required", j);
  Value *x = n->in[0];
  const Attr *a = attr_find(n, "axis");
  if (!a && n->opset >= 4)
    error_node(g, n, "has no 'axis' attribute (required since opset 4)");
  if (x->rank == 0)
    error_node(g, n, "cannot concatenate scalars (input 0 has rank 0)");
  int axis = norm_axis(g, n, attr_int(n, "axis", 1), x->rank, "axis");
  int64_t dims[IR_MAXRANK];
  memcpy(dims, x->dims, sizeof dims);
  dims[axis] = 0;
  for (int j = 0; j < n->nin; j++) {
    Value *v = n->in[j];
    if (v->dt != x->dt)
      error_node(g, n, "inputs have different element types (%s and %s)", dtype_name(x->dt),
                 dtype_name(v->dt));
    if (v->rank != x->rank)
      error_node(g, n, "inputs have different ranks (%s and %s)", shape_str(g->arena, x),
                 shape_str(g->arena, v));
    for (int d = 0; d < x->rank; d++)
      if (d != axis && v->dims[d] != x->dims[d])
        error_node(g, n, "input shapes %s and %s differ on axis %d (only axis %d may differ)",
                   shape_str(g->arena, x), shape_str(g->arena, v), d, axis);
    dims[axis] += v->dims[axis];
  }
  set_output(n, 0, x->dt, x->rank, dims);
  int64_t inner = prod(dims, axis + 1, x->rank) * (int64_t)dtype_size(x->dt);
  lower(g, n, "rt_concat", DT_UNDEF);
  push_ip(g, n, (int64_t)dtype_size(x->dt));
  push_ip(g, n, n->nin);
  push_ip(g, n, prod(dims, 0, axis));
  for (int j = 0; j < n->nin; j++)
    push_ip(g, n, n->in[j]->dims[axis] * inner);
}

void infer_gather(Graph *g, Node *n) {
  need_inputs(g, n, 2, 2);
  Value *x = n->in[0], *ind = n->in[1];
  if (ind->dt != DT_I64 && ind->dt != DT_I32)
    error_node(g, n, "indices must be int32 or int64, got %s", dtype_name(ind->dt));
  if (x->rank == 0)
    error_node(g, n, "cannot gather from a scalar (input 0 has rank 0)");
  int axis = norm_axis(g, n, attr_int(n, "axis", 0), x->rank, "axis");
  int r = x->rank - 1 + ind->rank;
  if (r > IR_MAXRANK)
    error_node(g, n, "output rank %d exceeds the supported maximum %d", r, IR_MAXRANK);
  int64_t ad = x->dims[axis], nidx = value_numel(ind), dims[IR_MAXRANK];
  if (ind->data)
    for (int64_t i = 0; i < nidx; i++) {
      int64_t k = value_get_i64(ind, i);
      if (k < -ad || k >= ad)
        error_node(g, n, "index %lld is out of range for axis %d of size %lld", (long long)k,
                   axis, (long long)ad);
    }
  int k = 0;
  for (int d = 0; d < axis; d++)
    dims[k++] = x->dims[d];
  for (int d = 0; d < ind->rank; d++)
    dims[k++] = ind->dims[d];
  for (int d = axis + 1; d < x->rank; d++)
    dims[k++] = x->dims[d];
  set_output(n, 0, x->dt, r, dims);
  lower(g, n, "rt_gather", DT_UNDEF);
  push_ip(g, n, (int64_t)dtype_size(x->dt));
  push_ip(g, n, prod(x->dims, 0, axis));
  push_ip(g, n, ad);
  push_ip(g, n, prod(x->dims, axis + 1, x->rank));
  push_ip(g, n, nidx);
  push_ip(g, n, ind->dt == DT_I64);
}

#define PAD_MAX ((int64_t)1 << 40)  /* |pad| bound: keeps dims arithmetic far from overflow */

/* Whether the float v converts to dt exactly (so the C conversion is
 * defined and loses nothing). */
static int fits_dtype(DType dt, double v) {
  double lo, hi;  /* hi is exclusive */
  switch (dt) {
  case DT_F32: case DT_F64: return 1;
  case DT_BOOL: return v == 0 || v == 1;
  case DT_U8: lo = 0, hi = 256.0; break;
  case DT_I8: lo = -128.0, hi = 128.0; break;
  case DT_U16: lo = 0, hi = 65536.0; break;
  case DT_I16: lo = -32768.0, hi = 32768.0; break;
  case DT_U32: lo = 0, hi = 4294967296.0; break;
  case DT_I32: lo = -2147483648.0, hi = 2147483648.0; break;
  case DT_U64: lo = 0, hi = 18446744073709551616.0; break;
  default: lo = -9223372036854775808.0, hi = 9223372036854775808.0; break;
  }
  return v == floor(v) && v >= lo && v < hi;
}

void infer_pad(Graph *g, Node *n) {
  static const char *const modes[] = {"constant", "edge", "reflect", "wrap"};
  need_inputs(g, n, n->opset < 11 ? 1 : 2, n->opset < 11 ? 1 : n->opset >= 18 ? 4 : 3);
  Value *x = n->in[0];
  int r = x->rank, np, mode = -1;
  int64_t pads[2 * IR_MAXRANK], ydims[IR_MAXRANK];
  double fill = 0;
  const char *ms = attr_string(n, "mode", "constant");
  for (int i = 0; i < 4; i++)
    if (strcmp(ms, modes[i]) == 0)
      mode = i;
  if (mode < 0)
    error_node(g, n, "mode '%s' is not one of constant, edge, reflect, wrap", ms);
  if (n->opset < 11) {
    np = attr_ints(g, n, "pads", pads, 2 * IR_MAXRANK);
    if (np < 0)
      np = attr_ints(g, n, "paddings", pads, 2 * IR_MAXRANK);
    if (np < 0)
      error_node(g, n, "has no 'pads' attribute (required before opset 11)");
    fill = attr_float(n, "value", 0.0);
    if (!fits_dtype(x->dt, fill))
      error_node(g, n, "pad value %g is not representable in the input type %s", fill,
                 dtype_name(x->dt));
  } else {
    np = const_ints(g, n, 1, "pads", pads, 2 * IR_MAXRANK);
    if (has_input(n, 2)) {
      Value *c = n->in[2];
      if (c->dt != x->dt)
        error_node(g, n, "constant_value has type %s, input has %s", dtype_name(c->dt),
                   dtype_name(x->dt));
      if (value_numel(c) != 1)
        error_node(g, n, "constant_value must be a scalar, has shape %s", shape_str(g->arena, c));
    }
    if (has_input(n, 3)) {
      /* Pads for the listed axes only: spread them over all axes. */
      int64_t axes[IR_MAXRANK], part[2 * IR_MAXRANK];
      int k = const_ints(g, n, 3, "axes", axes, IR_MAXRANK);
      axis_set(g, n, axes, k, r);
      if (np != 2 * k)
        error_node(g, n, "pads has %d values; 2 * %d axes need %d", np, k, 2 * k);
      memcpy(part, pads, sizeof pads[0] * (size_t)np);
      for (int d = 0; d < 2 * r; d++)
        pads[d] = 0;
      for (int i = 0; i < k; i++) {
        pads[axes[i]] = part[i];
        pads[r + axes[i]] = part[k + i];
      }
      np = 2 * r;
    }
  }
  if (np != 2 * r)
    error_node(g, n, "pads has %d values; input %s of rank %d needs %d (all begins, then all "
               "ends)", np, shape_str(g->arena, x), r, 2 * r);
  for (int d = 0; d < r; d++) {
    if (pads[d] > PAD_MAX || pads[d] < -PAD_MAX || pads[r + d] > PAD_MAX || pads[r + d] < -PAD_MAX)
      error_node(g, n, "pads on axis %d (%lld, %lld) are larger than bibc supports (%lld)", d,
                 (long long)pads[d], (long long)pads[r + d], (long long)PAD_MAX);
    ydims[d] = x->dims[d] + pads[d] + pads[r + d];
    if (ydims[d] < 0)
      error_node(g, n, "pads %lld and %lld remove more than the %lld elements of axis %d",
                 (long long)pads[d], (long long)pads[r + d], (long long)x->dims[d], d);
    if (mode != 0 && x->dims[d] == 0 && ydims[d] > 0)
      error_node(g, n, "cannot %s-pad axis %d of size 0", modes[mode], d);
  }
  set_output(n, 0, x->dt, r, ydims);
  Value *t[3] = {x, n->opset >= 11 && has_input(n, 2) ? n->in[2] : NULL, n->out[0]};
  lower(g, n, "rt_pad", x->dt);
  set_targs(g, n, t, 3);
  push_ip(g, n, r);
  push_ip(g, n, mode);
  push_ips(g, n, x->dims, r);
  push_ips(g, n, pads, r);
  push_ips(g, n, ydims, r);
  push_fp(g, n, fill);
}

/* Shape: shapes are static, so the output is computed now and the node is
 * folded away by infer_shapes; it has no kernel. */
void infer_shape_op(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  int64_t r = x->rank, start = attr_int(n, "start", 0), end = attr_int(n, "end", r);
  start = start < 0 ? start + r : start;
  end = end < 0 ? end + r : end;
  start = start < 0 ? 0 : start > r ? r : start;
  end = end < 0 ? 0 : end > r ? r : end;
  int64_t len = end > start ? end - start : 0;
  int64_t *data = arena_alloc(g->arena, sizeof *data * (size_t)(len ? len : 1));
  for (int64_t i = 0; i < len; i++)
    data[i] = x->dims[start + i];
  set_output(n, 0, DT_I64, 1, &len);
  if (n->out[0])
    n->out[0]->data = data;
}
