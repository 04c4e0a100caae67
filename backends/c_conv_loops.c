/*
 * c_conv_loops.c - convolutions and the data movement around them written
 * as loops with constant bounds in the float C (issue 11), beside the
 * matrix products of c_loops.c, which calls these through cloop_takes,
 * cloop_plan and cloop_emit.
 *
 * Requires: a float Conv (rt_conv_f32/f64) with a constant weight whose
 * elements are all finite and a constant bias or none; Transpose and the
 * pure copies (rt_copy: Identity, Reshape, Flatten, Squeeze, Unsqueeze,
 * Dropout) of float data.  Provides:
 *
 * Conv.  Each output row (the last spatial axis) is accumulated in a local
 * array, the window's taps outside and the row's positions inside,
 *
 *     for (c) for (k0) for (k1) for (k2) { wv = w[m][c][k]; for (o2) acc[o2] += xr[o2 * s2] * wv; }
 *
 * which gcc and clang vectorize over the row.  Every output still adds its
 * products in rt_conv's order (c, then the window row-major), from 0, and
 * the bias last, so the bits are the interpreter's.  The kernel skips the
 * taps that fall into the padding; here the input is first copied into a
 * zero-bordered buffer (static, so the border is written once, at load)
 * and every tap is added: a padded tap adds 0 * w = +-0 (w finite), and
 * acc + +-0 == acc because acc, starting from +0, is never -0 (a sum in
 * round-to-nearest is -0 only when both addends are).  A Transpose whose
 * only reader is the Conv is done by that copy (its input read through the
 * permuted strides), and a Relu and then a Transpose after the Conv (each
 * the only reader of the value before it) are done in the row's last loop,
 * which writes through the Transpose's strides: no buffer between them.
 *
 * Transpose otherwise: a loop nest over the output with the input's
 * strides as constants (rt_transpose walks an index vector per element).
 *
 * Copies: the output takes the input's storage (no copy) when it is no
 * graph output and every reader is in this file; nothing writes a value
 * but its producer, so the alias is never overwritten.
 *
 * Cost: one scan of the nodes; a Conv's code is some 25 lines.
 */
#include <math.h>
#include <string.h>

#include "backends.h"

#define CCONV_MAXROW 4096        /* the longest output row kept in a local array */
#define CCONV_MAXPAD (1 << 22)   /* the largest zero-bordered input copy, in elements */

static char alias_mark[] = "(an alias, named when its node is written)";

static int is_copy(const Node *n) {
  return n->kernel && strcmp(n->kernel, "rt_copy") == 0 && n->nin >= 1 &&
         (n->nout == 1 || !n->out[1]);
}

/* The extents of the zero-bordered copy of the input, per window axis. */
static void padded_dims(const Window3 *w, int64_t *p) {
  for (int d = 0; d < 3; d++) {
    int64_t need = (w->out[d] - 1) * w->s[d] + (w->k[d] - 1) * w->d[d] + 1;
    p[d] = w->in[d] + w->pb[d] > need ? w->in[d] + w->pb[d] : need;
  }
}

static int conv_takes(const Node *n) {
  const Value *w = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
  if (!w->data || (b && !b->data) ||
      (strcmp(n->kernel, "rt_conv_f32") != 0 && strcmp(n->kernel, "rt_conv_f64") != 0))
    return 0;
  for (int64_t e = 0; e < value_numel(w); e++) {
    double x = w->dt == DT_F32 ? (double)((const float *)w->data)[e] : ((const double *)w->data)[e];
    if (!isfinite(x))
      return 0;  /* 0 * inf: a padded tap would not add +-0 */
  }
  ConvGeom g;
  conv_geom(n, &g);
  int64_t p[3];
  padded_dims(&g.w, p);
  return g.w.out[2] <= CCONV_MAXROW && g.groups * g.cg * p[0] * p[1] * p[2] <= CCONV_MAXPAD;
}

int cconv_takes(const Node *n) {
  if (n->op == OP_CONV)
    return conv_takes(n);
  return n->op == OP_TRANSPOSE || is_copy(n);
}

static int node_pos(const Graph *g, const Node *n) {
  for (int i = 0; i < g->nnodes; i++)
    if (g->nodes[i] == n)
      return i;
  return -1;
}

/* Are all of v's readers computed by this file? */
static int read_here(const CGen *c, const Value *v) {
  for (int i = 0; i < c->g->nnodes; i++)
    for (int k = 0; k < c->g->nodes[i]->nin; k++)
      if (c->g->nodes[i]->in[k] == v && !c->want[i])
        return 0;
  return 1;
}

/* The node after v that the loops of pos can absorb: v's only reader, of
 * kind op, written as loops itself; -1 if none. */
static int absorbable(const CGen *c, const Value *v, int pos, OpKind op) {
  int r = graph_sole_reader(c->g, v, pos + 1);
  return r >= 0 && c->loops[r] == 1 && c->g->nodes[r]->op == op ? r : -1;
}

void cconv_plan(CGen *c) {
  Graph *g = c->g;
  c->tin_of = arena_alloc(g->arena, sizeof *c->tin_of * (size_t)(g->nnodes + 1));
  c->tout_of = arena_alloc(g->arena, sizeof *c->tout_of * (size_t)(g->nnodes + 1));
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (c->loops[i] != 1)
      continue;
    if (is_copy(n) && n->out[0]->output_index < 0 && read_here(c, n->out[0])) {
      c->vname[n->out[0]->id] = alias_mark;
      continue;
    }
    if (n->op != OP_CONV)
      continue;
    const Node *t = n->in[0]->producer;
    int tp = t ? node_pos(g, t) : -1;
    if (t && t->op == OP_TRANSPOSE && c->loops[tp] == 1 &&
        graph_sole_reader(g, t->out[0], tp + 1) == i) {
      c->loops[tp] = 2;
      c->tin_of[i] = t;
      c->vname[t->out[0]->id] = "(computed in loops)";
    }
    const Value *v = n->out[0];
    int r = absorbable(c, v, i, OP_RELU);
    if (r >= 0) {
      c->loops[r] = 2;
      c->relu_of[i] = g->nodes[r];
      c->vname[v->id] = "(computed in loops)";
      v = g->nodes[r]->out[0];
    }
    r = absorbable(c, v, i, OP_TRANSPOSE);
    if (r >= 0) {
      c->loops[r] = 2;
      c->tout_of[i] = g->nodes[r];
      c->vname[v->id] = "(computed in loops)";
    }
  }
}

static const char *storage(const CGen *c, const Value *v) {
  if (!c->vname[v->id] || c->vname[v->id] == alias_mark)
    die("value %s has no storage", v->name);
  return c->vname[v->id];
}

/* Row-major strides of v. */
static void row_major(const Value *v, int64_t *str) {
  int64_t s = 1;
  for (int d = v->rank - 1; d >= 0; d--) {
    str[d] = s;
    s *= v->dims[d];
  }
}

/* str[d]: the stride, in t's input, of t's output axis d (perm[d] of the input). */
static void transposed_strides(const Node *t, int64_t *str) {
  int64_t xs[IR_MAXRANK];
  const Value *x = t->in[0];
  const Attr *p = attr_find(t, "perm");
  row_major(x, xs);
  for (int d = 0; d < x->rank; d++)
    str[d] = xs[p ? p->ints[d] : x->rank - 1 - d];
}

/* " + i * s" terms of an offset: idx[d] times str[d], for str[d] != 0. */
static char *offset(Arena *a, int n, const char *const *idx, const int64_t *str) {
  char *s = arena_strdup(a, "0");
  int any = 0;
  for (int d = 0; d < n; d++) {
    if (!idx[d] || !str[d])
      continue;
    s = str[d] == 1 ? arena_printf(a, "%s%s", any ? s : "", idx[d])
                    : arena_printf(a, "%s%s * %lld", any ? s : "", idx[d], (long long)str[d]);
    s = arena_printf(a, "%s + ", s);
    any = 1;
  }
  if (any)
    s[strlen(s) - 3] = 0;
  return s;
}

static void emit_transpose(CGen *c, const Node *n) {
  FILE *f = c->f;
  const Value *y = n->out[0];
  const char *t = dtype_ctype(y->dt);
  int64_t str[IR_MAXRANK], ystr[IR_MAXRANK];
  const char *xi[IR_MAXRANK], *yi[IR_MAXRANK];
  transposed_strides(n, str);
  row_major(y, ystr);
  fprintf(f, "    const %s *x = (const %s *)%s;\n    %s *y = (%s *)%s;\n", t, t,
          storage(c, n->in[0]), t, t, storage(c, y));
  int depth = 0;
  for (int d = 0; d < y->rank; d++) {
    xi[d] = yi[d] = y->dims[d] > 1 ? arena_printf(c->g->arena, "i%d", d) : NULL;
    if (xi[d])
      fprintf(f, "%s i%d", depth++ ? "," : "    int64_t", d);
  }
  fputs(depth ? ";\n" : "", f);
  depth = 0;
  for (int d = 0; d < y->rank; d++)
    if (xi[d])
      fprintf(f, "%*sfor (i%d = 0; i%d < %lld; i%d++)\n", 4 + 2 * depth++, "", d, d,
              (long long)y->dims[d], d);
  fprintf(f, "%*sy[%s] = x[%s];\n  }\n", 4 + 2 * depth, "",
          offset(c->g->arena, y->rank, yi, ystr), offset(c->g->arena, y->rank, xi, str));
}

/* for (V = 0; V < N; V++) at indentation *ind, if N > 1 (else V is 0: no loop). */
static const char *loop(CGen *c, int *ind, const char *v, int64_t n) {
  if (n <= 1)
    return NULL;
  fprintf(c->f, "%*sfor (%s = 0; %s < %lld; %s++)\n", *ind, "", v, v, (long long)n, v);
  *ind += 2;
  return v;
}

/* Opens a block at indentation *ind; returns that indentation. */
static int open_block(CGen *c, int *ind) {
  int at = *ind;
  fprintf(c->f, "%*s{\n", at, "");
  *ind += 2;
  return at;
}

/* Output rows per block: all of them if their flat span fits in
 * CCONV_MAXROW, else the largest divisor of out1 that does. */
static int64_t rows_per_block(int64_t out1, int64_t rs, int64_t out2) {
  for (int64_t r = out1; r > 1; r--)
    if (out1 % r == 0 && (r - 1) * rs + out2 <= CCONV_MAXROW)
      return r;
  return 1;
}

static void emit_conv(CGen *c, int pos) {
  FILE *f = c->f;
  Arena *a = c->g->arena;
  const Node *n = c->g->nodes[pos], *tin = c->tin_of[pos], *tout = c->tout_of[pos];
  const Node *relu = c->relu_of[pos];
  const Value *x = tin ? tin->in[0] : n->in[0], *b = n->nin > 2 ? n->in[2] : NULL;
  const Value *y = tout ? tout->out[0] : relu ? relu->out[0] : n->out[0];
  const char *t = dtype_ctype(n->out[0]->dt);
  ConvGeom g;
  conv_geom(n, &g);
  const Window3 *w = &g.w;
  int ns = n->out[0]->rank - 2;  /* spatial axes; window axis 3 - ns + j is model axis 2 + j */
  int64_t xs[IR_MAXRANK], ys[IR_MAXRANK], p[3], xs3[3] = {0, 0, 0}, ys3[3] = {0, 0, 0};
  if (tin)
    transposed_strides(tin, xs);
  else
    row_major(x, xs);
  if (tout) {  /* the Conv's axis a is the Transpose's output axis d with perm[d] = a */
    int64_t zs[IR_MAXRANK];
    const Attr *pa = attr_find(tout, "perm");
    row_major(y, zs);
    for (int d = 0; d < y->rank; d++)
      ys[pa ? pa->ints[d] : y->rank - 1 - d] = zs[d];
  } else {
    row_major(y, ys);
  }
  for (int j = 0; j < ns; j++)
    xs3[3 - ns + j] = xs[2 + j], ys3[3 - ns + j] = ys[2 + j];
  padded_dims(w, p);
  int copy = tin != NULL;
  for (int d = 0; d < 3; d++)
    copy |= p[d] != w->in[d];
  int64_t cin = g.groups * g.cg, psz = p[0] * p[1] * p[2];
  /* the strides the taps read with: of xp, or of x itself */
  int64_t cs = copy ? psz : xs[1], as0 = copy ? p[1] * p[2] : xs3[0], as1 = copy ? p[2] : xs3[1],
          as2 = copy ? 1 : xs3[2];
  /* With unit strides along axes 1 and 2, R output rows are one flat run of
   * (R - 1) * as1 + out2 positions (the sums at the positions between rows
   * are computed and dropped), so the innermost loop is long. */
  int64_t o1n = w->out[1], o2n = w->out[2], nr = 1;
  if (w->s[1] == 1 && w->s[2] == 1 && as2 == 1 && o1n > 1)
    nr = rows_per_block(o1n, as1, o2n);
  int64_t len = (nr - 1) * as1 + o2n;
  fprintf(f, "    const %s *x = (const %s *)%s;\n    const %s *w = (const %s *)%s;\n", t, t,
          storage(c, x), t, t, storage(c, n->in[1]));
  if (b)
    fprintf(f, "    const %s *bias = (const %s *)%s;\n", t, t, storage(c, b));
  fprintf(f, "    %s *y = (%s *)%s;\n", t, t, storage(c, y));
  if (copy)
    fprintf(f, "    static %s xp[%lld]; /* the input, zero-bordered to [%lld,%lld,%lld,%lld] */\n",
            t, (long long)(cin * psz), (long long)cin, (long long)p[0], (long long)p[1],
            (long long)p[2]);
  fprintf(f, "    %s acc[%lld];\n    int64_t e, o2", t, (long long)len);
  const char *names[12] = {"b", "m", "c", "o0", "o1", "r", "k0", "k1", "k2", "i0", "i1", "i2"};
  int64_t ext[12] = {g.batch, g.groups * g.mg, copy && cin > g.cg ? cin : g.cg, w->out[0],
                     o1n / nr, nr, w->k[0], w->k[1], w->k[2], copy ? w->in[0] : 1,
                     copy ? w->in[1] : 1, copy ? w->in[2] : 1};
  for (int v = 0; v < 12; v++)  /* the indices of the loops below (extent 1: none) */
    if (ext[v] > 1)
      fprintf(f, ", %s", names[v]);
  fputs(";\n", f);
  int ind = 4;
  const char *bi = loop(c, &ind, "b", g.batch);
  int at_batch = bi ? open_block(c, &ind) : -1;  /* the batch loop's body */
  const char *xb = copy ? "xp" : arena_printf(a, "(x + %s)", offset(a, 1, &bi, xs));
  if (copy) {  /* the interior of xp, from x through its strides */
    int at = ind;
    const char *ci = loop(c, &ind, "c", cin), *ii[3];
    for (int d = 0; d < 3; d++)
      ii[d] = loop(c, &ind, (const char *[]){"i0", "i1", "i2"}[d], w->in[d]);
    const char *pidx[4] = {ci, ii[0], ii[1], ii[2]}, *xidx[5] = {bi, ci, ii[0], ii[1], ii[2]};
    int64_t pstr[4] = {psz, p[1] * p[2], p[2], 1}, xstr[5] = {xs[0], xs[1], xs3[0], xs3[1], xs3[2]};
    int64_t base = (w->pb[0] * p[1] + w->pb[1]) * p[2] + w->pb[2];
    fprintf(f, "%*sxp[%lld + %s] = x[%s];\n", ind, "", (long long)base, offset(a, 4, pidx, pstr),
            offset(a, 5, xidx, xstr));
    ind = at;
  }
  const char *mi = loop(c, &ind, "m", g.groups * g.mg), *oi0 = loop(c, &ind, "o0", w->out[0]);
  const char *oi1 = NULL;
  if (o1n > nr) {
    fprintf(f, "%*sfor (o1 = 0; o1 < %lld; o1 += %lld)\n", ind, "", (long long)o1n, (long long)nr);
    ind += 2;
    oi1 = "o1";
  }
  int at_row = open_block(c, &ind);
  fprintf(f, "%*sfor (e = 0; e < %lld; e++)\n%*sacc[e] = 0;\n", ind, "", (long long)len, ind + 2,
          "");
  int at_sum = ind;
  const char *ci = loop(c, &ind, "c", g.cg), *ki[3];
  for (int d = 0; d < 3; d++)
    ki[d] = loop(c, &ind, (const char *[]){"k0", "k1", "k2"}[d], w->k[d]);
  int at_tap = open_block(c, &ind);
  const char *widx[5] = {mi, ci, ki[0], ki[1], ki[2]};
  int64_t wstr[5] = {g.cg * w->k[0] * w->k[1] * w->k[2], w->k[0] * w->k[1] * w->k[2],
                     w->k[1] * w->k[2], w->k[2], 1};
  fprintf(f, "%*sconst %s wv = w[%s];\n", ind, "", t, offset(a, 5, widx, wstr));
  const char *gi = g.groups > 1 && mi ? arena_printf(a, "(m / %lld)", (long long)g.mg) : NULL;
  const char *ridx[7] = {gi, ci, oi0, ki[0], oi1, ki[1], ki[2]};
  int64_t rs[7] = {g.cg * cs, cs, w->s[0] * as0, w->d[0] * as0, w->s[1] * as1, w->d[1] * as1,
                   w->d[2] * as2};
  fprintf(f, "%*sconst %s *xr = %s + %s;\n", ind, "", t, xb, offset(a, 7, ridx, rs));
  int64_t s2 = w->s[2] * as2;
  fprintf(f, "%*sfor (e = 0; e < %lld; e++)\n%*sacc[e] += xr[e%s] * wv;\n", ind, "",
          (long long)len, ind + 2, "", s2 == 1 ? "" : arena_printf(a, " * %lld", (long long)s2));
  fprintf(f, "%*s}\n", at_tap, "");
  ind = at_sum;
  const char *ri = loop(c, &ind, "r", nr);
  fprintf(f, "%*sfor (o2 = 0; o2 < %lld; o2++) {\n%*s%s v = acc[%s];\n", ind, "",
          (long long)o2n, ind + 2, "", t,
          ri ? arena_printf(a, "r * %lld + o2", (long long)as1) : "o2");
  if (b)
    fprintf(f, "%*sv = (%s)(v + bias[%s]);\n", ind + 2, "", t, mi ? mi : "0");
  if (relu)
    fprintf(f, "%*sv = v > 0 ? v : 0;\n", ind + 2, "");
  const char *row = oi1 && ri ? "(o1 + r)" : oi1 ? oi1 : ri;
  const char *yidx[5] = {bi, mi, oi0, row, "o2"};
  int64_t ystr[5] = {ys[0], ys[1], ys3[0], ys3[1], ys3[2]};
  fprintf(f, "%*sy[%s] = v;\n%*s}\n", ind + 2, "", offset(a, 5, yidx, ystr), ind, "");
  fprintf(f, "%*s}\n", at_row, "");
  if (at_batch >= 0)
    fprintf(f, "%*s}\n", at_batch, "");
  fputs("  }\n", f);
}

void cconv_emit(CGen *c, int pos) {
  FILE *f = c->f;
  const Node *n = c->g->nodes[pos];
  if (is_copy(n) && c->vname[n->out[0]->id] == alias_mark) {
    c->vname[n->out[0]->id] = arena_strdup(c->g->arena, storage(c, n->in[0]));
    fprintf(f, "  /* node %d: %s \"", n->index, op_name(n->op));
    c_comment(f, n->name);
    fputs("\": %", f);
    c_comment(f, n->out[0]->name);
    fputs(" is its input (no copy) */\n", f);
    return;
  }
  fprintf(f, "  { /* node %d: %s \"", n->index, op_name(n->op));
  c_comment(f, n->name);
  fputs("\" in loops */\n", f);
  if (n->op == OP_TRANSPOSE) {
    emit_transpose(c, n);
    return;
  }
  if (is_copy(n)) {
    const char *t = dtype_ctype(n->out[0]->dt);
    fprintf(f, "    const %s *x = (const %s *)%s;\n    %s *y = (%s *)%s;\n    int64_t e;\n"
            "    for (e = 0; e < %lld; e++)\n      y[e] = x[e];\n  }\n", t, t,
            storage(c, n->in[0]), t, t, storage(c, n->out[0]), (long long)value_numel(n->out[0]));
    return;
  }
  emit_conv(c, pos);
}
