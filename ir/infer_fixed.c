/*
 * infer_fixed.c - inference and lowering for bibc's internal fixed-point
 * ops (made by compiler/passes/lower_fixed.c; semantics in
 * ir/fixed-point.md, arithmetic in runtime/rt_fixed.h).  Their parameters
 * are node attributes, so a dump or a re-run of inference reproduces them:
 *   Requant:   mode, ovf, w, sgn (ints), axis (-1: per tensor),
 *              channels = [shift, lo, hi, post] per channel;
 *   FromFloat, ToFloat: f (the fixed-point side's fraction bits), or for
 *              scaled integers scale = [s_c] (floats) along axis;
 *   ToInt:     none (indices: the codes are the values);
 *   Threshold: k (levels), axis, rows = [sign, base, step, T[0..k-1]] per
 *              channel (see rt_threshold);
 *   SparseMatMul: n (columns of B); inputs A [.., K], values [nnz],
 *   index [N + 1 column starts, then nnz rows] (see rt_spmatmul_i64).
 * Fixed-point data is held in int64 containers.
 */
#include "infer.h"

void infer_requant(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  const Attr *ch = attr_find(n, "channels");
  int64_t axis = attr_int(n, "axis", -1);
  if (x->dt != DT_I64 || !ch || ch->kind != ATTR_INTS || ch->n % 4 != 0 || ch->n == 0)
    die("malformed Requant node %d", n->index);
  int64_t nc = ch->n / 4, outer = 1, inner = 1;
  if (axis >= 0) {
    ASSERT(axis < x->rank && x->dims[axis] == nc);
    for (int d = 0; d < axis; d++)
      outer *= x->dims[d];
    for (int d = (int)axis + 1; d < x->rank; d++)
      inner *= x->dims[d];
  } else {
    ASSERT(nc == 1);
    inner = value_numel(x);
  }
  set_output(n, 0, DT_I64, x->rank, x->dims);
  lower(g, n, "rt_requant", DT_UNDEF);
  const int64_t head[] = {outer, nc, inner, DT_I64, DT_I64, attr_int(n, "mode", RND_HALF_EVEN),
                          attr_int(n, "ovf", OVF_SAT) == OVF_WRAP ? 0 : 1, attr_int(n, "w", 64),
                          attr_int(n, "sgn", 1)};
  push_ips(g, n, head, 9);
  push_ips(g, n, ch->ints, ch->n);
}

/* [outer, C, inner] of x for per-channel parameters along axis (-1: C = 1). */
static void channel_view(const Node *n, const Value *x, int64_t axis, int64_t nc, int64_t v[3]) {
  v[0] = v[2] = 1;
  v[1] = nc;
  if (axis < 0) {
    if (nc != 1)
      die("node %d: %lld channels but no axis", n->index, (long long)nc);
    v[2] = value_numel(x);
    return;
  }
  if (axis >= x->rank || x->dims[axis] != nc)
    die("node %d: %lld channels do not match axis %lld", n->index, (long long)nc, (long long)axis);
  for (int d = 0; d < axis; d++)
    v[0] *= x->dims[d];
  for (int d = (int)axis + 1; d < x->rank; d++)
    v[2] *= x->dims[d];
}

void infer_fix_convert(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  if (n->op == OP_TOINT) {  /* F = 0, no scale: the codes are the values */
    if (x->dt != DT_I64)
      die("ToInt node %d has input type %s", n->index, dtype_name(x->dt));
    set_output(n, 0, DT_I64, x->rank, x->dims);
    lower(g, n, "rt_copy", DT_UNDEF);
    push_ip(g, n, value_numel(x) * (int64_t)sizeof(int64_t));
    return;
  }
  int to_float = n->op == OP_TOFLOAT;
  const Attr *sc = attr_find(n, "scale");
  if (x->dt != (to_float ? DT_I64 : DT_F32) || (sc && (sc->kind != ATTR_FLOATS || !sc->n)))
    die("%s node %d has input type %s", op_name(n->op), n->index, dtype_name(x->dt));
  set_output(n, 0, to_float ? DT_F32 : DT_I64, x->rank, x->dims);
  if (!sc) {
    lower(g, n, to_float ? "rt_tofloat_f32" : "rt_fromfloat_f32", DT_UNDEF);
    push_ip(g, n, value_numel(x));
    push_ip(g, n, attr_int(n, "f", 0));
    return;
  }
  int64_t view[3];
  channel_view(n, x, attr_int(n, "axis", -1), sc->n, view);
  lower(g, n, to_float ? "rt_tofloat_scaled_f32" : "rt_fromfloat_scaled_f32", DT_UNDEF);
  push_ips(g, n, view, 3);
  if (to_float)
    push_ip(g, n, attr_int(n, "f", 0));
  for (int c = 0; c < sc->n; c++)
    push_fp(g, n, sc->floats[c]);
}

void infer_threshold(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  const Attr *rows = attr_find(n, "rows");
  int64_t nk = attr_int(n, "k", -1);
  if (x->dt != DT_I64 || !rows || rows->kind != ATTR_INTS || nk < 0 || rows->n % (3 + nk) != 0)
    die("malformed Threshold node %d", n->index);
  int64_t view[3];
  channel_view(n, x, attr_int(n, "axis", -1), rows->n / (3 + nk), view);
  set_output(n, 0, DT_I64, x->rank, x->dims);
  lower(g, n, "rt_threshold", DT_UNDEF);
  push_ips(g, n, view, 3);
  push_ip(g, n, nk);
  push_ips(g, n, rows->ints, rows->n);
}

void infer_spmatmul(Graph *g, Node *n) {
  need_inputs(g, n, 3, 3);
  Value *a = n->in[0], *vals = n->in[1], *idx = n->in[2];
  int64_t cols = attr_int(n, "n", -1);
  if (a->dt != DT_I64 || a->rank < 1 || !vals->data || !idx->data || cols < 1 ||
      value_numel(idx) != cols + 1 + value_numel(vals))
    die("malformed SparseMatMul node %d", n->index);
  int64_t dims[IR_MAXRANK], k = a->dims[a->rank - 1];
  for (int d = 0; d < a->rank - 1; d++)
    dims[d] = a->dims[d];
  dims[a->rank - 1] = cols;
  set_output(n, 0, DT_I64, a->rank, dims);
  lower(g, n, "rt_spmatmul_i64", DT_UNDEF);
  push_ip(g, n, k ? value_numel(a) / k : 0);
  push_ip(g, n, cols);
  push_ip(g, n, k);
}
