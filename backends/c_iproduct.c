/*
 * c_iproduct.c - matrix products by a constant weight in the integer loops
 * (c_iloops.c): MatMul with a constant 2-d weight and no batch axes, and
 * bibc.SparseMatMul.  Requires a product that iproduct_takes; provides its
 * weight tables (iproduct_constants) and loops (iproduct_emit), the steps
 * chained after it in its last loop.  The forms and their costs are in
 * c_iloops.c's comment and at product_form.
 */
#include <string.h>

#include "c_iloops.h"

#define VEC_BYTES 32  /* the vector width the dense/sparse cost assumes */

/* The weight W[k][j] of product n (K x N), from B or the sparse columns. */
typedef struct Weights {
  int64_t k, n, nnz;
  const int64_t *dense;      /* [K][N] (MatMul), or NULL */
  const int64_t *nz, *start, *row;  /* SparseMatMul's columns */
} Weights;

static void weights(const Node *n, Weights *w) {
  MatMulGeom g;
  matmul_geom(n, &g);
  *w = (Weights){.k = g.k, .n = g.n};
  if (n->op == OP_MATMUL) {
    w->dense = n->in[1]->data;
    for (int64_t e = 0; e < g.k * g.n; e++)
      w->nnz += w->dense[e] != 0;
    return;
  }
  w->nz = n->in[1]->data, w->start = n->in[2]->data, w->row = w->start + g.n + 1;
  w->nnz = w->start[g.n];
}

/* Visits the nonzero weights of column j. */
#define FOR_COLUMN(w, j, kvar, xvar, ...) \
  do { \
    if ((w)->dense) { \
      for (int64_t kvar = 0; kvar < (w)->k; kvar++) { \
        int64_t xvar = (w)->dense[kvar * (w)->n + (j)]; \
        if (xvar) { __VA_ARGS__; } \
      } \
    } else { \
      for (int64_t e_ = (w)->start[j]; e_ < (w)->start[(j) + 1]; e_++) { \
        int64_t kvar = (w)->row[e_], xvar = (w)->nz[e_]; \
        __VA_ARGS__; \
      } \
    } \
  } while (0)

/* Bits of the narrowest of int16/int32/int64 holding every partial sum
 * of every column for A in [alo, ahi] (doubles: exact below 2^53, and
 * anything near that is int64 anyway). */
static int sum_bits(const Weights *w, double alo, double ahi) {
  double lo = 0, hi = 0;
  for (int64_t j = 0; j < w->n; j++) {
    double l = 0, h = 0;
    FOR_COLUMN(w, j, k, x, {
      (void)k;
      double p = alo * (double)x, q = ahi * (double)x;
      l += p < q ? (p < 0 ? p : 0) : (q < 0 ? q : 0);
      h += p > q ? (p > 0 ? p : 0) : (q > 0 ? q : 0);
    });
    lo = l < lo ? l : lo, hi = h > hi ? h : hi;
  }
  return lo >= -32768 && hi <= 32767 ? 16 : lo >= -2147483648.0 && hi <= 2147483647.0 ? 32 : 64;
}

/* How a product is written (see the file comment). */
enum { FORM_OUTER, FORM_DOT, FORM_BYTES, FORM_SPARSE };
typedef struct Form {
  int form, bits;            /* bits of the sums */
  const char *sum;           /* their C type */
  int64_t dense_cost, sparse_cost;
  int64_t xlo, kpad;         /* FORM_BYTES: A - xlo as bytes, K padded to kpad */
} Form;

/* Sparse when its cost is lower.  Dense as byte dot products when A spans
 * at most 256 values, the weights are signed bytes and K >= 32: A - a_lo as
 * unsigned bytes, K padded with zeros to a multiple of 32, and a_lo times
 * the column's weight sum added back, the unsigned-times-signed byte dot
 * product that compilers turn into vpdpbusd (x86 VNNI) or udot/usdot
 * (Arm).  Otherwise outputs innermost when there are at least 16 outputs
 * to fill a vector, dot products when fewer.  Measured (gcc 12, -O3
 * -march=native, this project's 2-core machine, one layer): 64 x 32,
 * bytes 47 ns, outputs innermost 116 ns; 784 x 64, 953 and 1,721 ns;
 * 512 x 256, 823 and 1,524 ns; 32 x 5, 14 and 51 ns. */
static void product_form(const Node *n, const Weights *w, Form *p) {
  const Value *a = n->in[0];
  *p = (Form){.bits = sum_bits(w, (double)a->qlo, (double)a->qhi), .kpad = w->k};
  p->dense_cost = w->k * w->n / (VEC_BYTES * 8 / p->bits);
  p->sparse_cost = 2 * w->nnz + w->n;
  int64_t wlo = 0, whi = 0;
  for (int64_t j = 0; j < w->n; j++)
    FOR_COLUMN(w, j, k, x, { (void)k; wlo = x < wlo ? x : wlo; whi = x > whi ? x : whi; });
  int bytes = w->k >= 32 && a->qlo > -((int64_t)1 << 40) && a->qhi - a->qlo <= 255 && wlo >= -128 && whi <= 127 && p->bits <= 32 &&
              sum_bits(w, 0, (double)(a->qhi - a->qlo)) <= 32;
  if (p->sparse_cost < p->dense_cost)
    p->form = FORM_SPARSE;
  else if (bytes)
    p->form = FORM_BYTES, p->xlo = a->qlo, p->kpad = (w->k + 31) / 32 * 32;
  else
    p->form = w->n < 16 ? FORM_DOT : FORM_OUTER;
  if (p->form != FORM_OUTER && p->bits == 16)
    p->bits = 32;
  p->sum = p->bits == 16 ? "int16_t" : p->bits == 32 ? "int32_t" : "int64_t";
}

static const char *form_name(int form) {
  return form == FORM_OUTER ? "dense, outputs innermost" : form == FORM_DOT ? "dense, dot products"
         : form == FORM_BYTES ? "dense, byte dot products" : "sparse columns";
}

int iproduct_takes(const Node *n) {
  if (n->op == OP_CONV || n->op == OP_MAXPOOL)
    return iconv_takes(n);
  if (!n->kernel || n->nout != 1 || !iloop_int_fixed(n->out[0]) || value_numel(n->out[0]) == 0 ||
      !iloop_int_fixed(n->in[0]) || n->in[0]->data)
    return 0;
  MatMulGeom g;
  if (n->op == OP_SPMATMUL) {
    matmul_geom(n, &g);
    return n->in[1]->data && n->in[2]->data && !g.r;
  }
  if (n->op != OP_MATMUL)
    return 0;
  matmul_geom(n, &g);
  const Value *b = n->in[1];
  return !g.r && b->data && b->dt == DT_I64 && b->rank == 2;
}

void iproduct_constants(CGen *c, int i) {
  if (c->g->nodes[i]->op == OP_CONV || c->g->nodes[i]->op == OP_MAXPOOL) {
    iconv_constants(c, i);
    return;
  }
  Graph *g = c->g;
  FILE *f = c->f;
  const Node *n = g->nodes[i];
    Weights w;
    weights(n, &w);
    Form p;
    product_form(n, &w, &p);
    fprintf(f, "/* node %d: %lld x %lld weights, %lld nonzero, %s sums: %s (cost dense %lld, sparse %lld) */\n",
            n->index, (long long)w.k, (long long)w.n, (long long)w.nnz, p.sum, form_name(p.form),
            (long long)p.dense_cost, (long long)p.sparse_cost);
    if (p.form != FORM_SPARSE) {  /* [K][N], or [N][K padded] for dot products */
      int64_t kp = p.kpad, *x = arena_alloc(g->arena, sizeof *x * (size_t)(kp * w.n));
      int64_t *cw = arena_alloc(g->arena, sizeof *cw * (size_t)w.n);
      int outer = p.form == FORM_OUTER;
      for (int64_t j = 0; j < w.n; j++)
        FOR_COLUMN(&w, j, k, v, { x[outer ? k * w.n + j : j * kp + k] = v; cw[j] += v * p.xlo; });
      iloop_table(c, arena_printf(g->arena, "w%d", i), kp * w.n, x);
      if (p.xlo)  /* a_lo times each column's weights: what A - a_lo leaves out */
        iloop_table(c, arena_printf(g->arena, "cw%d", i), w.n, cw);
    } else {
      int64_t *nz = arena_alloc(g->arena, sizeof *nz * (size_t)(w.nnz + 1));
      int64_t *row = arena_alloc(g->arena, sizeof *row * (size_t)(w.nnz + 1));
      int64_t *st = arena_alloc(g->arena, sizeof *st * (size_t)(w.n + 1)), e = 0;
      for (int64_t j = 0; j < w.n; j++) {
        st[j] = e;
        FOR_COLUMN(&w, j, k, v, { nz[e] = v; row[e] = k; e++; });
      }
      st[w.n] = e;
      iloop_table(c, arena_printf(g->arena, "nz%d", i), e, nz);
      iloop_table(c, arena_printf(g->arena, "ix%d", i), e, row);
      iloop_table(c, arena_printf(g->arena, "st%d", i), w.n + 1, st);
    }
}

void iproduct_emit(CGen *c, int pos) {
  if (c->g->nodes[pos]->op == OP_CONV || c->g->nodes[pos]->op == OP_MAXPOOL) {
    iconv_emit(c, pos);
    return;
  }
  FILE *f = c->f;
  const Node *n = c->g->nodes[pos];
  Weights w;
  weights(n, &w);
  Form p;
  product_form(n, &w, &p);
  const char *at = p.sum;
  int bits = p.bits;
  MatMulGeom g;
  matmul_geom(n, &g);
  long long m = g.m, nn = g.n, kk = g.k;
  const Value *a = n->in[0], *out = iloop_chain_out(c, pos);
  fprintf(f, "  { /* node %d: %s \"", n->index, op_name(n->op));
  c_comment(f, n->name);
  fprintf(f, "\": [%lld,%lld] x [%lld,%lld], %s, %s sums */\n", m, kk, kk, nn, form_name(p.form), at);
  fprintf(f, "    const %s *a = (const %s *)%s;\n", value_ctype(c, a), value_ctype(c, a), iloop_storage(c, a));
  fprintf(f, "    %s *y = (%s *)%s;\n", value_ctype(c, out), value_ctype(c, out), iloop_storage(c, out));
  const char *sum = bits == 64 ? "(int64_t)((uint64_t)%s + (uint64_t)%s * (uint64_t)%s)"
                               : "(%s)(%s + %s * %s)";
  if (p.form == FORM_OUTER) {
    fprintf(f, "    int64_t i, j, k;\n    for (i = 0; i < %lld; i++) {\n      %s%s acc[%lld];\n", m,
            iloop_array_class(nn), at, nn);
    fprintf(f, "      for (j = 0; j < %lld; j++)\n        acc[j] = 0;\n", nn);
    fprintf(f, "      for (k = 0; k < %lld; k++) {\n        const %s ak = (%s)a[i * %lld + k];\n"
            "        for (j = 0; j < %lld; j++)\n          acc[j] = ", kk, at, at, kk, nn);
    if (bits == 64)
      fprintf(f, sum, "acc[j]", "ak", arena_printf(c->g->arena, "w%d[k * %lld + j]", pos, nn));
    else
      fprintf(f, sum, at, "acc[j]", "ak", arena_printf(c->g->arena, "w%d[k * %lld + j]", pos, nn));
    fprintf(f, ";\n      }\n      for (j = 0; j < %lld; j++) {\n        %s v = acc[j];\n", nn,
            iloop_chain_type(c, pos));
  } else {
    int dot = p.form != FORM_SPARSE, bytes = p.form == FORM_BYTES;
    long long kp = (long long)p.kpad;
    if (bytes && !p.xlo && kp == kk && strcmp(value_ctype(c, a), "uint8_t") == 0)
      bytes = 0;  /* A is the bytes already */
    /* the sums first, then the steps in a loop of their own */
    fprintf(f, "    int64_t i, j, %s;\n", dot ? "k" : "e");
    if (bytes)
      fprintf(f, "    %suint8_t ab[%lld];\n", iloop_array_class(kp), kp);
    fprintf(f, "    for (i = 0; i < %lld; i++) {\n      %s%s acc[%lld];\n", m, iloop_array_class(nn), at, nn);
    if (bytes) {
      fprintf(f, "      for (k = 0; k < %lld; k++)\n        ab[k] = (uint8_t)(a[i * %lld + k] %c %lldLL);\n",
              kk, kk, p.xlo < 0 ? '+' : '-', (long long)(p.xlo < 0 ? -p.xlo : p.xlo));
      if (kp > kk)
        fprintf(f, "      for (k = %lld; k < %lld; k++)\n        ab[k] = 0;\n", kk, kp);
    }
    fprintf(f, "      for (j = 0; j < %lld; j++) {\n        %s s = 0;\n", nn, at);
    if (dot)
      fprintf(f, "        for (k = 0; k < %lld; k++)\n          s = ", kp);
    else
      fprintf(f, "        for (e = st%d[j]; e < st%d[j + 1]; e++)\n          s = ", pos, pos);
    const char *ax = bytes ? arena_printf(c->g->arena, "(%s)ab[k]", at)
                     : dot ? arena_printf(c->g->arena, "(%s)a[i * %lld + k]", at, kk)
                           : arena_printf(c->g->arena, "(%s)a[i * %lld + ix%d[e]]", at, kk, pos);
    const char *wx = dot ? arena_printf(c->g->arena, "w%d[j * %lld + k]", pos, kp)
                         : arena_printf(c->g->arena, "nz%d[e]", pos);
    if (bits == 64)
      fprintf(f, sum, "s", ax, wx);
    else
      fprintf(f, sum, at, "s", ax, wx);
    if (bytes && p.xlo)
      fprintf(f, ";\n        acc[j] = (%s)(s + cw%d[j]);\n", at, pos);
    else
      fputs(";\n        acc[j] = s;\n", f);
    fprintf(f, "      }\n      for (j = 0; j < %lld; j++) {\n        %s v = acc[j];\n", nn, iloop_chain_type(c, pos));
  }
  iloop_tail(c, pos, arena_printf(c->g->arena, "i * %lld + j", nn), 8);
  fputs("      }\n    }\n  }\n", f);
}

