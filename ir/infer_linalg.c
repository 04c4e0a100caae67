/*
 * infer_linalg.c - inference and lowering for matrix products: Gemm and
 * MatMul.  Kernels: runtime/rt_linalg.h.
 *
 * Gemm's C broadcasts unidirectionally to (M,N) (opset >= 7, and opset 6
 * with broadcast=1; opset 6 with broadcast=0 needs C to be exactly (M,N)).
 * MatMul follows numpy.matmul: a 1-D operand gets a unit axis that is
 * dropped from the result, batch axes broadcast; MatMulInteger and
 * QLinearMatMul share that rule through matmul_lower_shape().
 */
#include "infer.h"

void infer_gemm(Graph *g, Node *n) {
  need_inputs(g, n, n->opset < 11 ? 3 : 2, 3);
  Value *a = n->in[0], *b = n->in[1], *c = has_input(n, 2) ? n->in[2] : NULL;
  need_dtype(g, n, a->dt, dtypes_float);
  if (b->dt != a->dt || (c && c->dt != a->dt))
    error_node(g, n, "inputs have different element types (A %s, B %s%s%s)", dtype_name(a->dt),
               dtype_name(b->dt), c ? ", C " : "", c ? dtype_name(c->dt) : "");
  if (a->rank != 2 || b->rank != 2)
    error_node(g, n, "A and B must be matrices, got shapes %s and %s (use MatMul for other ranks)",
               shape_str(g->arena, a), shape_str(g->arena, b));
  int64_t ta = attr_int(n, "transA", 0), tb = attr_int(n, "transB", 0);
  if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1))
    error_node(g, n, "transA and transB must be 0 or 1, got %lld and %lld", (long long)ta,
               (long long)tb);
  int64_t m = a->dims[ta ? 1 : 0], k = a->dims[ta ? 0 : 1];
  int64_t kb = b->dims[tb ? 1 : 0], nn = b->dims[tb ? 0 : 1];
  if (k != kb)
    error_node(g, n, "inner dimensions differ: A %s%s gives K = %lld, B %s%s gives K = %lld",
               shape_str(g->arena, a), ta ? " with transA=1" : "", (long long)k,
               shape_str(g->arena, b), tb ? " with transB=1" : "", (long long)kb);
  double alpha = attr_float(n, "alpha", 1.0), beta = attr_float(n, "beta", 1.0);
  /* C's strides over (M,N); 0 on a broadcast axis. */
  int64_t crow = 0, ccol = 0;
  if (c) {
    int exact = c->rank == 2 && c->dims[0] == m && c->dims[1] == nn;
    if (n->opset < 7 && !attr_int(n, "broadcast", 0) && !exact)
      error_node(g, n, "C has shape %s but must be [%lld,%lld] without broadcast=1 (opset %d)",
                 shape_str(g->arena, c), (long long)m, (long long)nn, n->opset);
    int64_t cr = c->rank == 2 ? c->dims[0] : 1, cc = c->rank >= 1 ? c->dims[c->rank - 1] : 1;
    if (c->rank > 2 || (cr != 1 && cr != m) || (cc != 1 && cc != nn))
      error_node(g, n, "C has shape %s, which does not broadcast to [%lld,%lld]",
                 shape_str(g->arena, c), (long long)m, (long long)nn);
    crow = cr == 1 ? 0 : cc;
    ccol = cc == 1 ? 0 : 1;
  }
  int64_t dims[2] = {m, nn};
  set_output(n, 0, a->dt, 2, dims);
  lower(g, n, "rt_gemm", a->dt);
  fixed_targs(g, n, 3, 1);
  int64_t p[7] = {m, nn, k, ta, tb, crow, ccol};
  push_ips(g, n, p, 7);
  push_fp(g, n, alpha);
  push_fp(g, n, beta);
}

/* numpy.matmul's shape rule for A and B: sets output 0 (element type dt)
 * and pushes rt_matmul's ip layout [M, N, K, r, bdims[r], astrides[r],
 * bstrides[r]]; call after lower().  Shared with MatMulInteger and
 * QLinearMatMul (infer_qcdq.c). */
void matmul_lower_shape(Graph *g, Node *n, Value *a, Value *b, DType dt) {
  if (a->rank < 1 || b->rank < 1)
    error_node(g, n, "operands must have rank >= 1, got shapes %s and %s",
               shape_str(g->arena, a), shape_str(g->arena, b));
  int abr = a->rank > 1 ? a->rank - 2 : 0, bbr = b->rank > 1 ? b->rank - 2 : 0;
  int64_t m = a->rank > 1 ? a->dims[a->rank - 2] : 1, k = a->dims[a->rank - 1];
  int64_t kb = b->rank > 1 ? b->dims[b->rank - 2] : b->dims[0];
  int64_t nn = b->rank > 1 ? b->dims[b->rank - 1] : 1;
  if (k != kb)
    error_node(g, n, "inner dimensions differ: A %s has K = %lld, B %s has K = %lld",
               shape_str(g->arena, a), (long long)k, shape_str(g->arena, b), (long long)kb);
  /* Batch axes, right-aligned; strides in elements, 0 where broadcast. */
  int r = abr > bbr ? abr : bbr;
  int64_t bd[IR_MAXRANK], as[IR_MAXRANK], bs[IR_MAXRANK], asz = m * k, bsz = k * nn;
  for (int d = r - 1; d >= 0; d--) {
    int da = d - (r - abr), db = d - (r - bbr);
    int64_t ea = da >= 0 ? a->dims[da] : 1, eb = db >= 0 ? b->dims[db] : 1;
    if (ea != eb && ea != 1 && eb != 1)
      error_node(g, n, "batch axes of %s and %s cannot be broadcast (%lld vs %lld)",
                 shape_str(g->arena, a), shape_str(g->arena, b), (long long)ea, (long long)eb);
    bd[d] = ea == 1 ? eb : ea;
    as[d] = ea == 1 ? 0 : asz;
    bs[d] = eb == 1 ? 0 : bsz;
    asz *= ea;
    bsz *= eb;
  }
  int64_t dims[IR_MAXRANK];
  int rank = r;
  for (int d = 0; d < r; d++)
    dims[d] = bd[d];
  if (a->rank > 1)
    dims[rank++] = m;
  if (b->rank > 1)
    dims[rank++] = nn;
  set_output(n, 0, dt, rank, dims);
  int64_t p[4] = {m, nn, k, r};
  push_ips(g, n, p, 4);
  push_ips(g, n, bd, r);
  push_ips(g, n, as, r);
  push_ips(g, n, bs, r);
}

void infer_matmul(Graph *g, Node *n) {
  static const DType types[] = {DT_F32, DT_F64, DT_I32, DT_I64, DT_U32, DT_U64, DT_UNDEF};
  need_inputs(g, n, 2, 2);
  Value *a = n->in[0], *b = n->in[1];
  need_dtype(g, n, a->dt, types);
  if (b->dt != a->dt)
    error_node(g, n, "inputs have different element types (%s and %s)", dtype_name(a->dt),
               dtype_name(b->dt));
  lower(g, n, "rt_matmul", a->dt);
  matmul_lower_shape(g, n, a, b, a->dt);
}

/* ---- geometry (ir.h): rt_matmul's and rt_spmatmul's parameters, decoded ---- */
void gemm_geom(const Node *n, GemmGeom *m) {
  ASSERT(n->op == OP_GEMM && n->nip >= 7 && n->nfp >= 2);
  *m = (GemmGeom){.m = n->ip[0], .n = n->ip[1], .k = n->ip[2], .ta = (int)n->ip[3],
                  .tb = (int)n->ip[4], .crow = n->ip[5], .ccol = n->ip[6], .alpha = n->fp[0],
                  .beta = n->fp[1]};
}

void matmul_geom(const Node *n, MatMulGeom *m) {
  ASSERT((n->op == OP_MATMUL || n->op == OP_SPMATMUL) && n->nip >= 3);
  m->m = n->ip[0];
  m->n = n->ip[1];
  m->k = n->ip[2];
  m->r = n->op == OP_MATMUL ? (int)n->ip[3] : 0;
  for (int d = 0; d < m->r; d++) {
    m->bd[d] = n->ip[4 + d];
    m->as[d] = n->ip[4 + m->r + d];
    m->bs[d] = n->ip[4 + 2 * m->r + d];
  }
}
