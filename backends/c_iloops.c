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
 * bibc.SparseMatMul becomes, per row i of A, one of
 *
 *     outputs innermost:  for (k) { ak = a[i][k]; for (j) acc[j] += ak * w[k][j]; }
 *     dot products:       for (j) { s = 0; for (k) s += a[i][k] * w[j][k]; acc[j] = s; }
 *     byte dot products:  b[k] = a[i][k] - a_lo (unsigned bytes, K padded with zeros),
 *                         for (j) { s = 0; for (k) s += b[k] * w[j][k]; acc[j] = s + a_lo * sum_k w[j][k]; }
 *     sparse columns:     for (j) { s = 0; for (e = st[j]; e < st[j + 1]; e++) s += a[i][ix[e]] * nz[e]; acc[j] = s; }
 *
 * then one loop over j for the steps chained after it.  The sums are in
 * the narrowest of int16/int32/int64 holding every partial sum of every
 * column: for column j the partial sums lie in [sum_k min(0, a_lo w_kj,
 * a_hi w_kj), sum_k max(0, a_lo w_kj, a_hi w_kj)], a_lo..a_hi the interval
 * of A.  A sum of integers does not depend on its order, so the result is
 * the kernel's (rt_linalg.h), bit for bit; int64 sums wrap as the kernel's
 * do.  Dense or sparse is chosen per layer by a stated cost in scalar
 * multiply-adds: dense K*N/L, L the sums' lanes in a 256-bit vector (16,
 * 8, 4); sparse 2*nnz + N (a gathered multiply-add counts 2, each column's
 * loop 1).  Zeros of a pruned layer cost nothing in the sparse form and
 * are multiplied in the dense; the dense form is chosen by measurements
 * stated at c_iproduct.c's product_form.
 *
 * Elementwise steps.  A product's sole reader, and that one's sole reader,
 * and so on, run in the product's last loop while they are: Add, Sub or
 * Mul with a constant (printed broadcast to the output's shape), Relu,
 * bibc.Requant, bibc.Threshold (the kernels' formulas, rt_fixed.h, with
 * their parameters as constants: one v per element, int32 when every value
 * of the chain stays within +-2^29, else int64; iloop_chain_type).  The
 * same steps alone are one loop over the elements, and they follow a Conv
 * or a MaxPool (c_iconv.c) as they follow a product.  Flatten, Reshape,
 * Squeeze, Unsqueeze and Identity copy nothing: the output is the input's
 * storage.
 *
 * Storage.  A value written and read only by such loops is stored in the
 * narrowest of int8/uint8/int16/uint16/int32/uint32/int64 holding its
 * interval; a value a kernel writes or reads stays int64.  Weights and
 * step constants are printed in the narrowest type of their contents.
 * Cost: one scan of the nodes and of each constant; the dense form prints
 * K*N weights only when its cost is at most the sparse one's.
 *
 * This file plans (which nodes, chains, types) and dispatches; the
 * products are c_iproduct.c and c_iconv.c, the steps and the helpers all
 * share c_isteps.c (c_iloops.h between them).
 */
#include <string.h>

#include "c_iloops.h"

static int is_copy(const Node *n) {
  return (n->op == OP_FLATTEN || n->op == OP_RESHAPE || n->op == OP_SQUEEZE ||
          n->op == OP_UNSQUEEZE || n->op == OP_IDENTITY) && n->nout == 1 && n->out[0];
}

int iloop_takes(const Node *n) {
  if (is_copy(n))
    return iloop_int_fixed(n->in[0]) && !n->in[0]->data && iloop_int_fixed(n->out[0]) ? 3 : 0;
  return iproduct_takes(n) || istep_takes(n);
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
    if (r < 0 || c->loops[r] != 1 || !istep_takes(g->nodes[r]) || istep_input(g->nodes[r]) != g->nodes[i]->out[0] ||
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
    narrow[i] = !v->data && iloop_int_fixed(v) && (prod[i] < 0 || c->loops[prod[i]]);
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
                                         : iloop_range_type(v->qlo, v->qhi);
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

/* ---- constants ---- */

void iloop_constants(CGen *c) {
  Graph *g = c->g;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (!c->loops[i] || c->loops[i] == 3)
      continue;
    if (iproduct_takes(n))
      iproduct_constants(c, i);
    else
      istep_constants(c, i);
  }
}

void iloop_emit(CGen *c, int pos) {
  FILE *f = c->f;
  const Node *n = c->g->nodes[pos];
  if (iproduct_takes(n)) {
    iproduct_emit(c, pos);
    return;
  }
  const Value *x = istep_input(n), *out = iloop_chain_out(c, pos);
  fprintf(f, "  { /* node %d: %s \"", n->index, op_name(n->op));
  c_comment(f, n->name);
  fputs("\" in loops */\n", f);
  fprintf(f, "    const %s *x = (const %s *)%s;\n", value_ctype(c, x), value_ctype(c, x), iloop_storage(c, x));
  fprintf(f, "    %s *y = (%s *)%s;\n", value_ctype(c, out), value_ctype(c, out), iloop_storage(c, out));
  fprintf(f, "    int64_t e;\n    for (e = 0; e < %lld; e++) {\n      %s v = x[e];\n",
          (long long)value_numel(n->out[0]), iloop_chain_type(c, pos));
  istep_emit(c, pos, "e", 6);
  iloop_tail(c, pos, "e", 6);
  fputs("    }\n  }\n", f);
}
