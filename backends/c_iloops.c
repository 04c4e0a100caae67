/*
 * c_iloops.c - the integer core (c_int.c's NAME_run_int) as loops with
 * constant bounds over values stored in the narrowest standard type their
 * interval allows, instead of generic int64 kernels.  Issue 11.
 *
 * Requires: a graph after lower_fixed (fixed-point values carry qlo..qhi
 * from interval analysis) and a CGen in integer-only mode.  Provides, per
 * node position, c->loops (1: written here, 2: computed in an earlier
 * node's loops, 3: a pure copy whose output shares its input's storage),
 * c->vtype (each value's C type) and the loops themselves.
 *
 * Products.  A MatMul by a constant 2-d weight (no batch axes) or a
 * bibc.SparseMatMul becomes, per row i of A,
 *
 *     dense:   for (k) { ak = a[i][k]; for (j) acc[j] += ak * w[k][j]; }
 *     sparse:  for (j) { acc = 0; for (e = st[j]; e < st[j + 1]; e++) acc += a[i][ix[e]] * nz[e]; }
 *
 * The accumulator type is the narrowest of int16/int32/int64 holding every
 * partial sum of every column: for column j the partial sums lie in
 * [sum_k min(0, a_lo w_kj, a_hi w_kj), sum_k max(0, a_lo w_kj, a_hi w_kj)],
 * a_lo..a_hi the interval of A.  A sum of integers does not depend on its
 * order, so the result is the kernel's (rt_linalg.h), bit for bit; the
 * int64 accumulator wraps as the kernel does.  Dense or sparse is chosen
 * per layer by a stated cost in scalar multiply-adds: dense K*N/L, L the
 * accumulator's lanes in a 256-bit vector (16, 8, 4); sparse 2*nnz + N (a
 * gathered multiply-add counts 2, each column's loop 1).  Zeros of a pruned
 * layer cost nothing in the sparse form and are multiplied in the dense.
 *
 * Elementwise steps.  A product's sole reader, and that one's sole reader,
 * and so on, run in the product's last loop while they are: Add, Sub or
 * Mul with a constant (printed broadcast to the output's shape), Relu,
 * bibc.Requant, bibc.Threshold (the kernels' formulas, rt_fixed.h, with
 * their parameters as constants: one int64 v per element).  The same steps
 * alone are one loop over the elements.  Flatten, Reshape, Squeeze,
 * Unsqueeze and Identity copy nothing: the output is the input's storage.
 *
 * Storage.  A value written and read only by such loops is stored in the
 * narrowest of int8/uint8/int16/uint16/int32/uint32/int64 holding its
 * interval; a value a kernel writes or reads stays int64.  Weights and
 * step constants are printed in the narrowest type of their contents.
 * Cost: one scan of the nodes and of each constant; the dense form prints
 * K*N weights only when its cost is at most the sparse one's.
 */
#include <string.h>

#include "backends.h"

#define VEC_BYTES 32  /* the vector width the dense/sparse cost assumes */

static int is_copy(const Node *n) {
  return (n->op == OP_FLATTEN || n->op == OP_RESHAPE || n->op == OP_SQUEEZE ||
          n->op == OP_UNSQUEEZE || n->op == OP_IDENTITY) && n->nout == 1 && n->out[0];
}

static int is_int_fixed(const Value *v) {
  return v && v->dt == DT_I64 && v->fx.w > 0 && v->qlo <= v->qhi;
}

/* The one operand of n that is a constant, 0 or 1, or -1. */
static int const_operand(const Node *n) {
  if (n->nin != 2)
    return -1;
  int c0 = n->in[0]->data != NULL, c1 = n->in[1]->data != NULL;
  return c0 == c1 ? -1 : c0 ? 0 : 1;
}

static int is_arith(const Node *n) { return n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL; }

/* The value a step or product computes from (not its constant operand). */
static const Value *var_in(const Node *n) {
  return is_arith(n) && const_operand(n) == 0 ? n->in[1] : n->in[0];
}

/* An elementwise step on one int64 value per element. */
static int is_step(const Node *n) {
  if (!n->kernel || n->nout != 1 || !is_int_fixed(n->out[0]) || n->nin < 1 ||
      value_numel(n->out[0]) == 0)
    return 0;
  const Value *x = var_in(n);
  if (!is_int_fixed(x) || x->data || value_numel(x) != value_numel(n->out[0]))
    return 0;
  if (n->op == OP_RELU)
    return n->nin == 1;
  if (n->op == OP_REQUANT || n->op == OP_THRESHOLD)
    return 1;
  return is_arith(n) && const_operand(n) >= 0 && n->in[const_operand(n)]->dt == DT_I64;
}

static int is_product(const Node *n) {
  if (!n->kernel || n->nout != 1 || !is_int_fixed(n->out[0]) || value_numel(n->out[0]) == 0 ||
      !is_int_fixed(n->in[0]) || n->in[0]->data)
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

int iloop_takes(const Node *n) {
  if (is_copy(n))
    return is_int_fixed(n->in[0]) && !n->in[0]->data && is_int_fixed(n->out[0]) ? 3 : 0;
  return is_product(n) || is_step(n);
}

/* ---- types ---- */

static const char *range_type(int64_t lo, int64_t hi) {
  if (lo >= 0 && hi <= 255) return "uint8_t";  /* unsigned first: u8 x s8 dot products */
  if (lo >= -128 && hi <= 127) return "int8_t";
  if (lo >= -32768 && hi <= 32767) return "int16_t";
  if (lo >= 0 && hi <= 65535) return "uint16_t";
  if (lo >= INT32_MIN && hi <= INT32_MAX) return "int32_t";
  if (lo >= 0 && hi <= (int64_t)UINT32_MAX) return "uint32_t";
  return "int64_t";
}

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
 * at most 256 values and the weights are signed bytes: A - a_lo as
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
  int bytes = a->qlo > -((int64_t)1 << 40) && a->qhi - a->qlo <= 255 && wlo >= -128 && whi <= 127 && p->bits <= 32 &&
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

/* ---- plan ---- */

void iloop_plan(CGen *c) {
  Graph *g = c->g;
  c->vtype = arena_alloc(g->arena, sizeof *c->vtype * (size_t)(g->nvalues + 1));
  c->next = arena_alloc(g->arena, sizeof *c->next * (size_t)(g->nnodes + 1));
  int *prod = arena_alloc(g->arena, sizeof *prod * (size_t)(g->nvalues + 1));
  for (int i = 0; i < g->nvalues; i++)
    prod[i] = -1;
  for (int i = 0; i < g->nnodes; i++) {
    c->next[i] = -1;
    for (int k = 0; c->want[i] && k < g->nodes[i]->nout; k++)
      if (g->nodes[i]->out[k])
        prod[g->nodes[i]->out[k]->id] = i;
  }
  /* chains: a step that is the sole reader of a loop node's only output */
  for (int i = 0; i < g->nnodes; i++) {
    if (c->loops[i] != 1 && c->loops[i] != 2)
      continue;
    int r = graph_sole_reader(g, g->nodes[i]->out[0], i + 1);
    if (r < 0 || c->loops[r] != 1 || !is_step(g->nodes[r]) || var_in(g->nodes[r]) != g->nodes[i]->out[0] ||
        g->nodes[i]->out[0]->output_index >= 0)
      continue;
    c->loops[r] = 2;
    c->next[i] = r;
    c->vname[g->nodes[i]->out[0]->id] = "(computed in loops)";
  }
  /* storage: narrow when every writer and reader in the file is a loop */
  char *narrow = arena_alloc(g->arena, (size_t)g->nvalues + 1);
  for (int i = 0; i < g->nvalues; i++) {
    const Value *v = g->values[i];
    narrow[i] = !v->data && is_int_fixed(v) && (prod[i] < 0 || c->loops[prod[i]]);
  }
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (!c->want[i])
      continue;
    for (int k = 0; k < n->ntargs; k++)
      if (n->targs[k] && !c->loops[i])
        narrow[n->targs[k]->id] = 0;
    for (int k = 0; k < n->nin; k++)
      if (n->in[k] && !c->loops[i])
        narrow[n->in[k]->id] = 0;
  }
  /* a copy's output shares its input's storage: both narrow or neither */
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < g->nnodes; i++)
      if (c->loops[i] == 3) {
        int a = g->nodes[i]->in[0]->id, b = g->nodes[i]->out[0]->id;
        narrow[a] = narrow[b] = narrow[a] && narrow[b];
      }
  for (int i = 0; i < g->nnodes; i++)  /* a root's type, then its copies' */
    for (int k = 0; c->want[i] && k < g->nodes[i]->nout; k++) {
      const Value *v = g->nodes[i]->out[k];
      if (!v || !narrow[v->id])
        continue;
      c->vtype[v->id] = c->loops[i] == 3 ? c->vtype[g->nodes[i]->in[0]->id]
                                         : range_type(v->qlo, v->qhi);
    }
  for (int i = 0; i < g->nvalues; i++)  /* the file's integer arguments */
    if (narrow[i] && prod[i] < 0 && !c->vtype[i])
      c->vtype[i] = int_ctype(&g->values[i]->fx);
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; c->want[i] && k < g->nodes[i]->nout; k++) {
      const Value *v = g->nodes[i]->out[k];
      if (v && c->loops[i] == 3 && !c->vtype[v->id])
        c->vtype[v->id] = c->vtype[g->nodes[i]->in[0]->id];
    }
  /* constants only loops read are printed by iloop_constants */
  for (int i = 0; i < g->nvalues; i++)
    if (g->values[i]->data)
      c->reads[i] = 0;
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; c->want[i] && !c->loops[i] && k < g->nodes[i]->ntargs; k++)
      if (g->nodes[i]->targs[k])
        c->reads[g->nodes[i]->targs[k]->id] = 1;
}

const char *value_ctype(const CGen *c, const Value *v) {
  return c->vtype && c->vtype[v->id] ? c->vtype[v->id] : dtype_ctype(v->dt);
}

/* ---- constants ---- */

static void print_table(FILE *f, const char *type, const char *name, const char *dims,
                        const int64_t *x, int64_t n) {
  fprintf(f, "static const %s %s%s = {", type, name, dims);
  for (int64_t e = 0; e < n; e++) {
    fputs(e % 16 ? ", " : (e ? ",\n  " : "\n  "), f);
    c_print_int(f, x[e]);
  }
  fputs(n ? "\n};\n" : "0};\n", f);
}

static void print_range_table(CGen *c, const char *name, const char *dims, const int64_t *x,
                              int64_t n) {
  int64_t lo = -1, hi = 0;  /* signed types: a sign row's "< 0" must not be always false */
  for (int64_t e = 0; e < n; e++) {
    lo = x[e] < lo ? x[e] : lo;
    hi = x[e] > hi ? x[e] : hi;
  }
  print_table(c->f, range_type(lo, hi), name, dims, x, n);
}

/* The constant operand of step n broadcast to the output's shape. */
static int64_t *broadcast_const(CGen *c, const Node *n) {
  int k = const_operand(n);
  BcastGeom b;
  bcast_geom(n, &b);
  int64_t total = value_numel(n->out[0]), idx[IR_MAXRANK] = {0};
  int64_t *x = arena_alloc(c->g->arena, sizeof *x * (size_t)total);
  for (int64_t e = 0; e < total; e++) {
    int64_t off = 0;
    for (int d = 0; d < b.rank; d++)
      off += idx[d] * b.str[k * b.rank + d];
    x[e] = value_get_i64(n->in[k], off);
    for (int d = b.rank - 1; d >= 0; d--) {
      if (++idx[d] < b.dims[d])
        break;
      idx[d] = 0;
    }
  }
  return x;
}

static void step_constants(CGen *c, int pos) {
  const Node *n = c->g->nodes[pos];
  if (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL) {
    print_range_table(c, arena_printf(c->g->arena, "k%d", pos),
                      arena_printf(c->g->arena, "[%lld]", (long long)value_numel(n->out[0])),
                      broadcast_const(c, n), value_numel(n->out[0]));
  } else if (n->op == OP_REQUANT && n->ip[1] > 1) {
    print_table(c->f, "int64_t", arena_printf(c->g->arena, "rq%d", pos),
                arena_printf(c->g->arena, "[%lld]", (long long)(4 * n->ip[1])), n->ip + 9, 4 * n->ip[1]);
  } else if (n->op == OP_THRESHOLD) {  /* [3 + K][C]: sign, base, step, thresholds */
    int64_t nc = n->ip[1], nk = n->ip[3];
    int64_t *t = arena_alloc(c->g->arena, sizeof *t * (size_t)(nc * (3 + nk)));
    for (int64_t ch = 0; ch < nc; ch++)
      for (int64_t r = 0; r < 3 + nk; r++)
        t[r * nc + ch] = n->ip[4 + ch * (3 + nk) + r];
    print_range_table(c, arena_printf(c->g->arena, "th%d", pos),
                      arena_printf(c->g->arena, "[%lld]", (long long)(nc * (3 + nk))), t, nc * (3 + nk));
  }
}

void iloop_constants(CGen *c) {
  Graph *g = c->g;
  FILE *f = c->f;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (!c->loops[i] || c->loops[i] == 3)
      continue;
    if (!is_product(n)) {
      step_constants(c, i);
      continue;
    }
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
      print_range_table(c, arena_printf(g->arena, "w%d", i),
                        arena_printf(g->arena, "[%lld]", (long long)(kp * w.n)), x, kp * w.n);
      if (p.xlo)  /* a_lo times each column's weights: what A - a_lo leaves out */
        print_range_table(c, arena_printf(g->arena, "cw%d", i),
                          arena_printf(g->arena, "[%lld]", (long long)w.n), cw, w.n);
    } else {
      int64_t *nz = arena_alloc(g->arena, sizeof *nz * (size_t)(w.nnz + 1));
      int64_t *row = arena_alloc(g->arena, sizeof *row * (size_t)(w.nnz + 1));
      int64_t *st = arena_alloc(g->arena, sizeof *st * (size_t)(w.n + 1)), e = 0;
      for (int64_t j = 0; j < w.n; j++) {
        st[j] = e;
        FOR_COLUMN(&w, j, k, v, { nz[e] = v; row[e] = k; e++; });
      }
      st[w.n] = e;
      print_range_table(c, arena_printf(g->arena, "nz%d", i),
                        arena_printf(g->arena, "[%lld]", (long long)(e ? e : 1)), nz, e);
      print_range_table(c, arena_printf(g->arena, "ix%d", i),
                        arena_printf(g->arena, "[%lld]", (long long)(e ? e : 1)), row, e);
      print_range_table(c, arena_printf(g->arena, "st%d", i),
                        arena_printf(g->arena, "[%lld]", (long long)(w.n + 1)), st, w.n + 1);
    }
  }
}

/* ---- loops ---- */

static const char *storage(const CGen *c, const Value *v) {
  if (!c->vname[v->id])
    die("value %s has no storage", v->name);
  return c->vname[v->id];
}

/* The channel of flat element E of a [outer, C, inner] view. */
static const char *channel(CGen *c, const Node *n, const char *e) {
  int64_t outer = n->ip[0], nc = n->ip[1], inner = n->ip[2];
  if (nc == 1)
    return "0";
  if (inner == 1)
    return outer == 1 ? e : arena_printf(c->g->arena, "(%s) %% %lld", e, (long long)nc);
  return arena_printf(c->g->arena, "(%s) / %lld %% %lld", e, (long long)inner, (long long)nc);
}

/* v = round_mode(v / 2^s) for s > 0 as rt_fx_round computes it, without
 * branches so that the loop vectorizes: floor(v / 2^s) of the offset
 * v + B >= 0 (B a multiple of 2^s at least -lo of v's interval lo..hi) by
 * an unsigned shift, the remainder by a mask, the rounding mode's
 * increment as a comparison.  Intervals beyond +-2^61 call rt_fx_round. */
static void emit_round(CGen *c, int64_t s, int64_t mode, int64_t lo, int64_t hi, int ind) {
  FILE *f = c->f;
  const int64_t big = (int64_t)1 << 61;
  if (lo < -big || hi > big) {
    fprintf(f, "%*sv = rt_fx_round(v, %lld, %lld);\n", ind, "", (long long)s, (long long)mode);
    return;
  }
  uint64_t d = (uint64_t)1 << s, b = lo >= 0 ? 0 : ((uint64_t)-(lo + 1) / d + 1) * d;
  if (mode == 0) {  /* FLOOR: no remainder */
    fprintf(f, "%*sv = (int64_t)(((uint64_t)v + %lluULL) >> %lld) - %lldLL;\n", ind, "",
            (unsigned long long)b, (long long)s, (long long)(b >> s));
    return;
  }
  fprintf(f, "%*s{\n%*sconst uint64_t u = (uint64_t)v + %lluULL, r = u & %lluULL;\n", ind, "",
          ind + 2, "", (unsigned long long)b, (unsigned long long)(d - 1));
  fprintf(f, "%*sconst int64_t q = (int64_t)(u >> %lld) - %lldLL;\n", ind + 2, "", (long long)s,
          (long long)(b >> s));
  const char *h = arena_printf(c->g->arena, "%lluULL", (unsigned long long)(d >> 1));
  const char *inc;
  switch (mode) {
  case 1: inc = "(r != 0)"; break;                                        /* CEIL */
  case 2: inc = "(v < 0 && r != 0)"; break;                               /* TRUNC */
  case 3: inc = "(v >= 0 && r != 0)"; break;                              /* AWAY */
  case 4: inc = arena_printf(c->g->arena, "(r >= %s)", h); break;         /* HALF_UP */
  case 5: inc = arena_printf(c->g->arena, "(r > %s)", h); break;          /* HALF_DOWN */
  case 6: inc = arena_printf(c->g->arena, "(r > %s || (r == %s && (q & 1)))", h, h); break;
  case 7: inc = arena_printf(c->g->arena, "(r > %s || (r == %s && v >= 0))", h, h); break;
  default: inc = arena_printf(c->g->arena, "(r > %s || (r == %s && v < 0))", h, h); break;
  }
  fprintf(f, "%*sv = q + %s;\n%*s}\n", ind + 2, "", inc, ind, "");
}

/* Requant with one shift for the tensor (rt_requant): round, then
 * saturate or wrap, then the post shift. */
static void emit_requant(CGen *c, const Node *n, int ind) {
  FILE *f = c->f;
  const int64_t *ip = n->ip, s = ip[9], lo = ip[10], hi = ip[11], post = ip[12];
  if (s < 0)
    fprintf(f, "%*sv = (int64_t)((uint64_t)v << %lld);\n", ind, "", (long long)-s);
  else if (s > 0)
    emit_round(c, s, ip[5], var_in(n)->qlo, var_in(n)->qhi, ind);
  if (ip[6] == 1) {  /* RT_OVF_SAT */
    fprintf(f, "%*sv = v < %lldLL ? %lldLL : v > %lldLL ? %lldLL : v;\n", ind, "", (long long)lo,
            (long long)lo, (long long)hi, (long long)hi);
  } else if (ip[7] < 64) {  /* the low w bits, sign-extended if signed (rt_fx_wrap) */
    uint64_t m = ((uint64_t)1 << ip[7]) - 1;
    if (ip[8])
      fprintf(f, "%*sv = (int64_t)((((uint64_t)v & %lluULL) ^ %lluULL) - %lluULL);\n", ind, "",
              (unsigned long long)m, (unsigned long long)(m / 2 + 1), (unsigned long long)(m / 2 + 1));
    else
      fprintf(f, "%*sv = (int64_t)((uint64_t)v & %lluULL);\n", ind, "", (unsigned long long)m);
  }
  if (post)
    fprintf(f, "%*sv = (int64_t)((uint64_t)v << %lld);\n", ind, "", (long long)post);
}

/* Step pos on "v", the element at flat index e (rt_nary, rt_unary,
 * rt_requant, rt_threshold). */
static void emit_step(CGen *c, int pos, const char *e, int ind) {
  FILE *f = c->f;
  const Node *n = c->g->nodes[pos];
  if (is_arith(n)) {
    const char *op = n->op == OP_ADD ? "+" : n->op == OP_SUB ? "-" : "*";
    const char *k = arena_printf(c->g->arena, "(uint64_t)k%d[%s]", pos, e);
    int first = const_operand(n) == 0;
    fprintf(f, "%*sv = (int64_t)(%s %s %s);\n", ind, "", first ? k : "(uint64_t)v", op,
            first ? "(uint64_t)v" : k);
  } else if (n->op == OP_RELU) {
    fprintf(f, "%*sv = v > 0 ? v : 0;\n", ind, "");
  } else if (n->op == OP_REQUANT && n->ip[1] == 1) {
    emit_requant(c, n, ind);
  } else if (n->op == OP_REQUANT) {  /* per channel: the kernel's helpers, a table */
    const int64_t *ip = n->ip;
    const char *ch = channel(c, n, e);
    fprintf(f, "%*sv = rt_fx_round(v, rq%d[(%s) * 4], %lld);\n", ind, "", pos, ch, (long long)ip[5]);
    if (ip[6] == 1)  /* RT_OVF_SAT */
      fprintf(f, "%*s{\n%*sconst int64_t lo = rq%d[(%s) * 4 + 1], hi = rq%d[(%s) * 4 + 2];\n"
              "%*sv = v < lo ? lo : v > hi ? hi : v;\n%*s}\n", ind, "", ind + 2, "", pos, ch, pos, ch,
              ind + 2, "", ind, "");
    else
      fprintf(f, "%*sv = rt_fx_wrap(v, %lld, %lld);\n", ind, "", (long long)ip[7], (long long)ip[8]);
    fprintf(f, "%*sv = rt_fx_shl(v, rq%d[(%s) * 4 + 3]);\n", ind, "", pos, ch);
  } else {  /* OP_THRESHOLD: the table is [3 + K][C], channels innermost */
    long long nc = (long long)n->ip[1], nk = (long long)n->ip[3];
    const char *ch = channel(c, n, e);
    fprintf(f, "%*s{\n%*sconst int64_t z = th%d[%s] < 0 ? -v : v;\n%*sint64_t m = 0, u;\n", ind, "",
            ind + 2, "", pos, ch, ind + 2, "");
    fprintf(f, "%*sfor (u = 0; u < %lld; u++)\n%*sm += z >= th%d[(3 + u) * %lld + %s];\n", ind + 2, "",
            nk, ind + 4, "", pos, nc, ch);
    fprintf(f, "%*sv = th%d[%lld + %s] + th%d[%lld + %s] * m;\n%*s}\n", ind + 2, "", pos, nc, ch, pos,
            2 * nc, ch, ind, "");
  }
}

/* The steps chained after pos, then the store of the chain's last value. */
static void emit_tail(CGen *c, int pos, const char *e, int ind) {
  const Node *last = c->g->nodes[pos];
  for (int r = c->next[pos]; r >= 0; r = c->next[r]) {
    emit_step(c, r, e, ind);
    last = c->g->nodes[r];
  }
  fprintf(c->f, "%*sy[%s] = (%s)v;\n", ind, "", e, value_ctype(c, last->out[0]));
}

static const Value *chain_out(const CGen *c, int pos) {
  while (c->next[pos] >= 0)
    pos = c->next[pos];
  return c->g->nodes[pos]->out[0];
}

static void emit_product(CGen *c, int pos) {
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
  const Value *a = n->in[0], *out = chain_out(c, pos);
  fprintf(f, "  { /* node %d: %s \"", n->index, op_name(n->op));
  c_comment(f, n->name);
  fprintf(f, "\": [%lld,%lld] x [%lld,%lld], %s, %s sums */\n", m, kk, kk, nn, form_name(p.form), at);
  fprintf(f, "    const %s *a = (const %s *)%s;\n", value_ctype(c, a), value_ctype(c, a), storage(c, a));
  fprintf(f, "    %s *y = (%s *)%s;\n", value_ctype(c, out), value_ctype(c, out), storage(c, out));
  const char *sum = bits == 64 ? "(int64_t)((uint64_t)%s + (uint64_t)%s * (uint64_t)%s)"
                               : "(%s)(%s + %s * %s)";
  if (p.form == FORM_OUTER) {
    fprintf(f, "    int64_t i, j, k;\n    for (i = 0; i < %lld; i++) {\n      %s acc[%lld];\n", m, at, nn);
    fprintf(f, "      for (j = 0; j < %lld; j++)\n        acc[j] = 0;\n", nn);
    fprintf(f, "      for (k = 0; k < %lld; k++) {\n        const %s ak = (%s)a[i * %lld + k];\n"
            "        for (j = 0; j < %lld; j++)\n          acc[j] = ", kk, at, at, kk, nn);
    if (bits == 64)
      fprintf(f, sum, "acc[j]", "ak", arena_printf(c->g->arena, "w%d[k * %lld + j]", pos, nn));
    else
      fprintf(f, sum, at, "acc[j]", "ak", arena_printf(c->g->arena, "w%d[k * %lld + j]", pos, nn));
    fprintf(f, ";\n      }\n      for (j = 0; j < %lld; j++) {\n        int64_t v = acc[j];\n", nn);
  } else {
    int dot = p.form != FORM_SPARSE, bytes = p.form == FORM_BYTES;
    long long kp = (long long)p.kpad;
    if (bytes && !p.xlo && kp == kk && strcmp(value_ctype(c, a), "uint8_t") == 0)
      bytes = 0;  /* A is the bytes already */
    /* the sums first, then the steps in a loop of their own */
    fprintf(f, "    int64_t i, j, %s;\n", dot ? "k" : "e");
    if (bytes)
      fprintf(f, "    uint8_t ab[%lld];\n", kp);
    fprintf(f, "    for (i = 0; i < %lld; i++) {\n      %s acc[%lld];\n", m, at, nn);
    if (bytes) {
      fprintf(f, "      for (k = 0; k < %lld; k++)\n        ab[k] = (uint8_t)(a[i * %lld + k] - %lldLL);\n",
              kk, kk, (long long)p.xlo);
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
    fprintf(f, "      }\n      for (j = 0; j < %lld; j++) {\n        int64_t v = acc[j];\n", nn);
  }
  emit_tail(c, pos, arena_printf(c->g->arena, "i * %lld + j", nn), 8);
  fputs("      }\n    }\n  }\n", f);
}

void iloop_emit(CGen *c, int pos) {
  FILE *f = c->f;
  const Node *n = c->g->nodes[pos];
  if (is_product(n)) {
    emit_product(c, pos);
    return;
  }
  const Value *x = var_in(n), *out = chain_out(c, pos);
  fprintf(f, "  { /* node %d: %s \"", n->index, op_name(n->op));
  c_comment(f, n->name);
  fputs("\" in loops */\n", f);
  fprintf(f, "    const %s *x = (const %s *)%s;\n", value_ctype(c, x), value_ctype(c, x), storage(c, x));
  fprintf(f, "    %s *y = (%s *)%s;\n", value_ctype(c, out), value_ctype(c, out), storage(c, out));
  fprintf(f, "    int64_t e;\n    for (e = 0; e < %lld; e++) {\n      int64_t v = x[e];\n",
          (long long)value_numel(n->out[0]));
  emit_step(c, pos, "e", 6);
  emit_tail(c, pos, "e", 6);
  fputs("    }\n  }\n", f);
}
