/*
 * lower_fixed_linear.c - the products of the lower_fixed pass (see
 * lower_fixed.c): MatMul, Gemm and Conv with a constant operand.  The
 * constant becomes integers at its exact fraction bits (or a folded
 * quantizer's codes, with their real scales beside the result), the
 * result gets F_a + F_b fraction bits, and interval analysis over the
 * real weights gives each output column or channel its range, so no
 * product or sum can overflow.  Pruned MatMuls become SparseMatMul.
 */
#include <string.h>

#include "lower_fixed.h"


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
void fix_matmul(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *a = n->in[0], *b = n->in[1];
  if (!is_fixed(a) && !is_fixed(b))
    return;
  if (!is_fixed(a) || (!is_fixed(b) && !b->data)) {
    float_op(F, n);
    return;
  }
  __int128 lo = 0, hi = 0;
  const double *sw = NULL;   /* per-column scale of B's codes (scaled weights) */
  double *sy = NULL;         /* the output's scale */
  int64_t ns = 0;
  if (b->rscale || (a->rscale && a->nrscale > 1)) {  /* the scale would vary along K */
    float_op(F, n);
    return;
  }
  if (!is_fixed(b)) {
    if (b->rank != 2)
      error_node(g, n, "fixed-point MatMul needs a 2-D constant operand, got %s",
                 shape_str(g->arena, b));
    Value *codes = weight_codes(F, n, b, 1, &sw);
    if ((!codes && exact_frac(b) == INT32_MIN) || !product_scale(F, a, sw, b->dims[1], &sy, &ns)) {
      float_op(F, n);  /* not on a grid nor a quantizer's output, or a scale product that is
                        * not exact: the float model's MatMul */
      return;
    }
    b = n->in[1] = codes ? codes : fixed_const(F, n, b, -64);
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
    if (!product_scale(F, a, NULL, 1, &sy, &ns)) {
      float_op(F, n);
      return;
    }
    __int128 p[4] = {(__int128)a->qlo * b->qlo, (__int128)a->qlo * b->qhi,
                     (__int128)a->qhi * b->qlo, (__int128)a->qhi * b->qhi};
    lo = min2(min2(p[0], p[1]), min2(p[2], p[3])) * K;
    hi = max2(max2(p[0], p[1]), max2(p[2], p[3])) * K;
  }
  sparsify(F, n);
  infer_node(g, n);
  set_fixed(F, n, n->out[0], a->fx.f + b->fx.f, lo, hi);
  set_scale(n->out[0], sy, ns, n->out[0]->rank - 1);
}

/* A new constant: 2-D b transposed. */
static Value *transpose2d(Graph *g, const Value *b) {
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
  return bt;
}

/* Node n's output y becomes Add(t, c) after it, t (named y.suffix) being
 * n's new output; returns the Add. */
static Node *add_after(Fixer *F, Node *n, Value *c, const char *suffix) {
  Graph *g = F->g;
  Value *y = n->out[0], *t = value_new(g, arena_printf(g->arena, "%s.%s", y->name, suffix));
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
  return add;
}

/* Gemm = MatMul (B transposed at compile time if transB) + Add of C. */
void fix_gemm(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *a = n->in[0], *b = n->in[1], *c = n->nin > 2 ? n->in[2] : NULL;
  if (!is_fixed(a)) {
    float_op(F, n);
    return;
  }
  if (attr_int(n, "transA", 0) || !b->data || attr_float(n, "alpha", 1) != 1 ||
      (c && attr_float(n, "beta", 1) != 1))
    error_node(g, n, "the fixed-point pipeline maps Gemm with constant B, transA=0, alpha=1 and "
               "beta=1 only");
  if (attr_int(n, "transB", 0)) {
    const Value *qs = b->qscale;
    b = transpose2d(g, b);
    if (qs)
      b->qscale = transpose2d(g, qs);
  }
  n->op = OP_MATMUL;
  n->nin = 2;
  n->in[1] = b;
  n->nattrs = 0;
  if (c)
    add_after(F, n, c, "mm");
  fix_matmul(F, n);
}

/* Sets the range of Conv n's output at f fraction bits, per output channel
 * m: B[m] plus, per weight, the extreme products taken together with 0 (a
 * tap that falls in the padding contributes nothing). */
static void conv_range(Fixer *F, Node *n, int f) {
  const Value *x = n->in[0], *w = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
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
  set_fixed(F, n, n->out[0], f, lo, hi);
}

/* Conv of a scaled integer, or with weights that are a quantizer's codes
 * with a per-output-channel scale (codes, or NULL: W on a power-of-two
 * grid): the integer convolution without the bias, whose output has the
 * scale x's times W's per channel (sw); the bias becomes an Add after it (a
 * float section for fold_thresholds, or the float tail). */
static void fix_conv_scaled(Fixer *F, Node *n, Value *codes, const double *sw) {
  Graph *g = F->g;
  Value *x = n->in[0], *b = n->nin > 2 ? n->in[2] : NULL, *y = n->out[0];
  double *sy;
  int64_t ns;
  if ((!codes && exact_frac(n->in[1]) == INT32_MIN) ||
      !product_scale(F, x, sw, n->in[1]->dims[0], &sy, &ns)) {
    float_op(F, n);
    return;
  }
  Value *w = n->in[1] = codes ? codes : fixed_const(F, n, n->in[1], -64);
  if (b) {  /* Y = Conv(X, W) + B[m] along axis 1 */
    Node *add = add_after(F, n, NULL, "conv");
    Value *bc = add->in[1] = value_new(g, arena_printf(g->arena, "%s.bias", b->name));
    *bc = *b;
    bc->id = g->nvalues - 1;
    bc->name = arena_printf(g->arena, "%s.bias", b->name);
    bc->nuses = 0;
    bc->rank = y->rank - 1;
    bc->dims[0] = b->dims[0];
    for (int d = 1; d < bc->rank; d++)
      bc->dims[d] = 1;
    n->nin = 2;
  }
  infer_node(g, n);
  conv_range(F, n, x->fx.f + w->fx.f);
  set_scale(n->out[0], sy, ns, 1);
}

/* Conv with fixed X and constant W (and B): integer convolution at
 * F_x + F_w fraction bits.  Range per output channel m: B[m] plus, per
 * weight, the extreme products taken together with 0 (a tap that falls in
 * the padding contributes nothing). */
void fix_conv(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *x = n->in[0], *w = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
  if (!is_fixed(x) || !w->data || is_fixed(w) || (b && !b->data) ||
      (x->rscale && x->nrscale > 1)) {
    float_op(F, n);
    return;
  }
  const double *sw = NULL;
  Value *codes = weight_codes(F, n, w, 0, &sw);
  int fb = b ? exact_frac(b) : INT32_MIN;
  if (codes || x->rscale || (b && fb == INT32_MIN)) {  /* the bias becomes an Add */
    fix_conv_scaled(F, n, codes, sw);
    return;
  }
  /* Weights get enough fraction bits for the products to hold the bias exactly. */
  w = n->in[1] = fixed_const(F, n, w, b ? fb - x->fx.f : -64);
  int f = x->fx.f + w->fx.f;
  if (b)
    b = n->in[2] = const_to_fixed(F, n, b, f);
  infer_node(g, n);
  conv_range(F, n, f);
}
