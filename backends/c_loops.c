/*
 * c_loops.c - matrix products by a constant weight written as loops with
 * constant bounds in the float C (c.c, and the float wrappers of c_int.c),
 * instead of a call of the generic runtime kernel that reads its sizes
 * from a parameter array.  Issue 11: with the sizes known and the weights
 * laid out [K][N], the innermost loop runs over the outputs,
 *
 *     for (k = 0; k < K; k++) { ak = a[i][k]; for (j = 0; j < N; j++) acc[j] += ak * w[k][j]; }
 *
 * which gcc and clang vectorize without reassociating any sum: every
 * output still adds its products in the order k = 0..K-1, from 0, as the
 * kernel does (runtime/rt_linalg.h), so the bits are the interpreter's.
 * The accumulators are a local array (no aliasing doubts about the
 * caller's output buffer).  A Gemm with transB gets its weight printed
 * transposed (the constant is read by no other node); alpha and beta are
 * applied as the kernel applies them, acc = alpha * acc, then acc + beta *
 * C.  Taken: Gemm without transA and MatMul without batch axes, float32 or
 * float64, B a 2-d constant, 1 <= N <= CLOOP_MAXN (the accumulators live
 * on the stack).
 *
 * A product's only reader, an Add of a constant (a bias), and that Add's
 * only reader, a Relu, are done in the product's last loop, v = (T)(v +
 * b), v = v > 0 ? v : 0, in the order the nodes compute them, with no
 * buffer between (cloop_plan).
 *
 * The float Add, Sub and Mul of two operands (a bias, a scale) and Relu
 * around them are loops too: the generic kernels find every element's
 * operands through an index vector and strides, and switch on the op per
 * element; here the broadcast strides are constants in the loop nest (axes
 * of extent 1 dropped), y = (T)(a op b) and y = x > 0 ? x : 0 as the
 * kernels compute them.  Cost: one scan of the nodes; the code is as long
 * as a kernel call.
 */
#include <string.h>

#include "backends.h"

#define CLOOP_MAXN 4096

static int is_float(DType dt) { return dt == DT_F32 || dt == DT_F64; }

int cloop_takes(const Node *n) {
  if (!n->kernel || !n->nout || !n->out[0] || !is_float(n->out[0]->dt) ||
      value_numel(n->out[0]) == 0)  /* nothing to compute: the kernel's loops run 0 times */
    return 0;
  if (n->op == OP_RELU)
    return 1;
  if (n->op == OP_CONV || n->op == OP_TRANSPOSE || (n->kernel && strcmp(n->kernel, "rt_copy") == 0))
    return cconv_takes(n);
  if ((n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL) && n->nin == 2)
    return 1;
  if (n->op != OP_GEMM && n->op != OP_MATMUL)
    return 0;
  const Value *b = n->in[1];
  int64_t nn;
  if (n->op == OP_GEMM) {
    GemmGeom g;
    gemm_geom(n, &g);
    if (g.ta || (g.tb && (b->nuses != 1 || b->output_index >= 0)))
      return 0;
    nn = g.n;
  } else {
    MatMulGeom g;
    matmul_geom(n, &g);
    if (g.r)
      return 0;
    nn = g.n;
  }
  return b->data && b->rank == 2 && nn >= 1 && nn <= CLOOP_MAXN;
}

const Node *cloop_transposes(const Node *n) {
  if (n->op != OP_GEMM || !cloop_takes(n))
    return NULL;
  GemmGeom g;
  gemm_geom(n, &g);
  return g.tb ? n : NULL;
}

int64_t cloop_source(const Node *n, int64_t e) {
  GemmGeom g;
  gemm_geom(n, &g);
  return (e % g.n) * g.k + e / g.n;  /* element [k][j] of the print is B[j][k] */
}

void cloop_plan(CGen *c) {
  Graph *g = c->g;
  c->add_of = arena_alloc(g->arena, sizeof *c->add_of * (size_t)(g->nnodes + 1));
  c->relu_of = arena_alloc(g->arena, sizeof *c->relu_of * (size_t)(g->nnodes + 1));
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (c->loops[i] != 1 || (n->op != OP_GEMM && n->op != OP_MATMUL))
      continue;
    int a = graph_sole_reader(g, n->out[0], i + 1);
    if (a < 0 || c->loops[a] != 1 || g->nodes[a]->op != OP_ADD)
      continue;
    const Node *add = g->nodes[a];
    const Value *b = add->in[0] == n->out[0] ? add->in[1] : add->in[0];
    if (!b->data || b == n->out[0] || value_numel(add->out[0]) != value_numel(n->out[0]))
      continue;  /* a constant bias, and the product not broadcast */
    c->loops[a] = 2;
    c->add_of[i] = add;
    c->vname[n->out[0]->id] = "(computed in loops)";
    int r = graph_sole_reader(g, add->out[0], a + 1);
    if (r >= 0 && c->loops[r] == 1 && g->nodes[r]->op == OP_RELU) {
      c->loops[r] = 2;
      c->relu_of[i] = g->nodes[r];
      c->vname[add->out[0]->id] = "(computed in loops)";
    }
  }
  cconv_plan(c);
}

static const char *storage(const CGen *c, const Value *v) {
  if (!c->vname[v->id])
    die("value %s has no storage", v->name);
  return c->vname[v->id];
}

/* y = x > 0 ? x : 0 (rt_unary's RT_RELU: NaN and -0 give 0). */
static void emit_relu(CGen *c, const Node *n) {
  const char *t = dtype_ctype(n->out[0]->dt);
  fprintf(c->f, "    const %s *x = (const %s *)%s;\n    %s *y = (%s *)%s;\n    int64_t e;\n", t, t,
          storage(c, n->in[0]), t, t, storage(c, n->out[0]));
  fprintf(c->f, "    for (e = 0; e < %lld; e++)\n      y[e] = x[e] > 0 ? x[e] : 0;\n  }\n",
          (long long)value_numel(n->out[0]));
}

/* y = (T)(a op b) over the output's axes, each operand through its
 * broadcast strides (rt_nary). */
static void emit_binary(CGen *c, const Node *n) {
  FILE *f = c->f;
  const char *t = dtype_ctype(n->out[0]->dt);
  BcastGeom b;
  bcast_geom(n, &b);
  fprintf(f, "    const %s *p = (const %s *)%s, *q = (const %s *)%s;\n    %s *y = (%s *)%s;\n", t, t,
          storage(c, n->in[0]), t, storage(c, n->in[1]), t, t, storage(c, n->out[0]));
  int depth = 0;
  for (int d = 0; d < b.rank; d++)  /* the indices first: C99 has no declaration as a loop body */
    if (b.dims[d] > 1)
      fprintf(f, "%s i%d", depth++ ? "," : "    int64_t", d);
  fputs(depth ? ";\n" : "", f);
  depth = 0;
  for (int d = 0; d < b.rank; d++)
    if (b.dims[d] > 1) {
      fprintf(f, "%*sfor (i%d = 0; i%d < %lld; i%d++)\n", 4 + 2 * depth, "", d, d,
              (long long)b.dims[d], d);
      depth++;
    }
  /* offsets: y contiguous; operand j through str[j * rank + d] */
  fprintf(f, "%*sy[0", 4 + 2 * depth, "");
  int64_t ystride = 1;
  char *yoff = arena_strdup(c->g->arena, "");
  for (int d = b.rank - 1; d >= 0; d--) {
    if (b.dims[d] > 1)
      yoff = arena_printf(c->g->arena, " + i%d * %lld%s", d, (long long)ystride, yoff);
    ystride *= b.dims[d];
  }
  fprintf(f, "%s] = (%s)(", yoff, t);
  for (int j = 0; j < 2; j++) {
    fputs(j ? (n->op == OP_ADD ? " + " : n->op == OP_SUB ? " - " : " * ") : "", f);
    fputs(j ? "q[0" : "p[0", f);
    for (int d = 0; d < b.rank; d++)
      if (b.dims[d] > 1 && b.str[j * b.rank + d])
        fprintf(f, " + i%d * %lld", d, (long long)b.str[j * b.rank + d]);
    fputc(']', f);
  }
  fputs(");\n  }\n", f);
}

void cloop_emit(CGen *c, int pos) {
  FILE *f = c->f;
  const Node *n = c->g->nodes[pos];
  if (n->op != OP_GEMM && n->op != OP_MATMUL && n->op != OP_RELU && n->op != OP_ADD &&
      n->op != OP_SUB && n->op != OP_MUL) {
    cconv_emit(c, pos);
    return;
  }
  if (n->op == OP_RELU || n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL) {
    fprintf(f, "  { /* node %d: %s \"", n->index, op_name(n->op));
    c_comment(f, n->name);
    fputs("\" in loops */\n", f);
    if (n->op == OP_RELU)
      emit_relu(c, n);
    else
      emit_binary(c, n);
    return;
  }
  DType dt = n->out[0]->dt;
  const char *t = dtype_ctype(dt);
  int64_t m, nn, kk;
  GemmGeom g = {.alpha = 1, .beta = 0};
  const Value *cv = NULL;
  if (n->op == OP_GEMM) {
    gemm_geom(n, &g);
    m = g.m, nn = g.n, kk = g.k;
    cv = g.beta != 0 ? n->targs[2] : NULL;  /* the kernel drops C when beta is 0 */
  } else {
    MatMulGeom mg;
    matmul_geom(n, &mg);
    m = mg.m, nn = mg.n, kk = mg.k;
  }
  fprintf(f, "  { /* node %d: %s \"", n->index, op_name(n->op));
  c_comment(f, n->name);
  fprintf(f, "\": [%lld,%lld] x [%lld,%lld] in loops */\n", (long long)m, (long long)kk,
          (long long)kk, (long long)nn);
  fprintf(f, "    const %s *a = (const %s *)%s;\n", t, t, storage(c, n->in[0]));
  fprintf(f, "    const %s (*w)[%lld] = (const %s (*)[%lld])%s;\n", t, (long long)nn, t,
          (long long)nn, storage(c, n->in[1]));
  if (cv)
    fprintf(f, "    const %s *cc = (const %s *)%s;\n", t, t, storage(c, cv));
  const Node *add = c->add_of[pos], *relu = c->relu_of[pos];
  const Value *out = relu ? relu->out[0] : add ? add->out[0] : n->out[0];
  int bias_first = add && add->in[1] == n->out[0];  /* Add(b, product) */
  BcastGeom bg;
  if (add) {
    bcast_geom(add, &bg);
    fprintf(f, "    const %s *q = (const %s *)%s;\n", t, t,
            storage(c, add->in[bias_first ? 0 : 1]));
  }
  fprintf(f, "    %s *y = (%s *)%s;\n", t, t, storage(c, out));
  fprintf(f, "    int64_t i, j, k;\n    for (i = 0; i < %lld; i++) {\n      %s acc[%lld];\n",
          (long long)m, t, (long long)nn);
  fprintf(f, "      for (j = 0; j < %lld; j++)\n        acc[j] = 0;\n", (long long)nn);
  fprintf(f, "      for (k = 0; k < %lld; k++) {\n        const %s ak = a[i * %lld + k];\n"
          "        for (j = 0; j < %lld; j++)\n          acc[j] += ak * w[k][j];\n      }\n",
          (long long)kk, t, (long long)kk, (long long)nn);
  fprintf(f, "      for (j = 0; j < %lld; j++) {\n        %s v = ", (long long)nn, t);
  if (n->op == OP_GEMM) {  /* the kernel's acc = alpha * acc (exact for 1), then + beta * C */
    c_print_float(f, dt == DT_F32 ? (double)(float)g.alpha : g.alpha, dt == DT_F32);
    fputs(" * acc[j]", f);
  } else {
    fputs("acc[j]", f);
  }
  if (cv) {
    fputs(" + ", f);
    c_print_float(f, dt == DT_F32 ? (double)(float)g.beta : g.beta, dt == DT_F32);
    fprintf(f, " * cc[i * %lld + j * %lld]", (long long)g.crow, (long long)g.ccol);
  }
  fputs(";\n", f);
  if (add) {  /* the bias at (i, j) of the product's [m, n] (or [n]) through its strides */
    int j = bias_first ? 0 : 1, r = bg.rank;
    int64_t si = r >= 2 ? bg.str[j * r + r - 2] : 0, sj = r >= 1 ? bg.str[j * r + r - 1] : 0;
    const char *b = arena_printf(c->g->arena, "q[i * %lld + j * %lld]", (long long)si,
                                 (long long)sj);
    fprintf(f, "        v = (%s)(%s + %s);\n", t, bias_first ? b : "v", bias_first ? "v" : b);
  }
  if (relu)
    fputs("        v = v > 0 ? v : 0;\n", f);
  fprintf(f, "        y[i * %lld + j] = v;\n      }\n    }\n  }\n", (long long)nn);
}
