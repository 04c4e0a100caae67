/*
 * infer_shapes - static shape inference, lowering and constant folding in
 * one forward sweep (they must interleave: a Reshape's output shape depends
 * on a shape tensor that is itself computed by earlier, foldable nodes).
 *
 * Requires: an imported graph in topological order.
 * Provides: dt/rank/dims of every value, each node's kernel call; nodes
 *           whose inputs are all constants are run now (by the reference
 *           interpreter's kernels) and removed.  Cost: linear in the nodes
 *           plus the work of the folded kernels.
 * Invalidates: nothing.
 */
#include <string.h>

#include "../compiler.h"

/* A new float32 constant shaped like y, for its scales. */
static Value *scale_const(Graph *g, const Value *y) {
  Value *q = value_new(g, arena_printf(g->arena, "%s.scale", y->name));
  q->dt = DT_F32;
  q->rank = y->rank;
  memcpy(q->dims, y->dims, sizeof q->dims);
  q->shape_known = 1;
  q->data = arena_alloc(g->arena, sizeof(float) * (size_t)(value_numel(y) + 1));
  return q;
}

/* Remembers, for a folded float quantizer, its scale per element (the
 * scale input broadcast to the output's shape) and carries it through
 * folded data movement (the node's own kernel moves the scales as it moved
 * the data).  lower_fixed reads the integer codes of quantized weights back
 * from it. */
static void keep_scale(Graph *g, Node *n, void **t) {
  Value *y = n->out[0];
  if (!y || y->dt != DT_F32)
    return;
  if (n->op == OP_QUANT || n->op == OP_INTQUANT || n->op == OP_BIPOLARQUANT) {
    Value *s = n->in[1];
    if (!s || s->rank > y->rank)
      return;
    Value *q = scale_const(g, y);
    for (int64_t i = 0; i < value_numel(y); i++)
      ((float *)q->data)[i] = (float)value_get_bcast(s, y, i);
    y->qscale = q;
    return;
  }
  int mover = n->op == OP_TRANSPOSE || n->op == OP_RESHAPE || n->op == OP_FLATTEN ||
              n->op == OP_SQUEEZE || n->op == OP_UNSQUEEZE || n->op == OP_IDENTITY;
  if (!mover || !n->in[0] || !n->in[0]->qscale || n->in[0]->dt != DT_F32)
    return;
  int ti = -1, to = -1;
  for (int k = 0; k < n->ntargs; k++) {
    ti = n->targs[k] == n->in[0] && ti < 0 ? k : ti;
    to = n->targs[k] == y ? k : to;
  }
  if (ti < 0 || to < 0)
    return;
  Value *q = scale_const(g, y);
  void *sv = t[ti], *so = t[to];
  t[ti] = n->in[0]->qscale->data;
  t[to] = q->data;
  interp_node(n, t);
  t[ti] = sv;
  t[to] = so;
  y->qscale = q;
}

/* The graph outputs must be what the model declares them to be (ONNX's
 * type contract; a generated function's signature follows the computed
 * type).  Undeclared parts, symbolic sizes and placeholder batch sizes pass. */
static void check_declared(const Graph *g) {
  for (int i = 0; g->decl && i < g->noutputs; i++) {
    const OutputDecl *d = &g->decl[i];
    const Value *v = g->outputs[i];
    if (d->dt && d->dt != v->dt)
      error_at(g->file, v->producer, "graph output '%s' is declared %s, but the model computes %s",
               v->name, dtype_name(d->dt), dtype_name(v->dt));
    int same = d->rank < 0 || d->rank == v->rank;
    for (int k = 0; same && d->rank > 0 && k < d->rank; k++)
      same = d->dims[k] < 0 || d->dims[k] == v->dims[k];
    if (!same) {
      char decl[32 * IR_MAXRANK + 4];
      int n = snprintf(decl, sizeof decl, "[");
      for (int k = 0; k < d->rank; k++)
        n += d->dims[k] < 0 ? snprintf(decl + n, sizeof decl - (size_t)n, "%s?", k ? "," : "")
                            : snprintf(decl + n, sizeof decl - (size_t)n, "%s%lld", k ? "," : "",
                                       (long long)d->dims[k]);
      snprintf(decl + n, sizeof decl - (size_t)n, "]");
      error_at(g->file, v->producer, "graph output '%s' is declared with shape %s, but the model "
               "computes %s", v->name, decl, shape_str(g->arena, v));
    }
  }
}

void infer_shapes(Graph *g) {
  int keep = 0;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    for (int k = 0; k < n->nin; k++)
      if (n->in[k] && !n->in[k]->shape_known)
        die("input %d of node %d has no shape", k, n->index);
    infer_node(g, n);
    int64_t limit = g->max_elements > 0 ? g->max_elements : IR_MAX_ELEMENTS;
    for (int k = 0; k < n->nout; k++) {  /* before a fold or a backend allocates it */
      const Value *v = n->out[k];
      if (v && value_numel(v) > limit)
        error_node(g, n, "output '%s' would have %lld elements (shape %s), over bibc's limit of %lld "
                   "per tensor (--max-elements N raises it)", v->name, (long long)value_numel(v),
                   shape_str(g->arena, v), (long long)limit);
    }
    int foldable = 1;
    for (int k = 0; k < n->nin; k++)
      if (n->in[k] && !n->in[k]->data)
        foldable = 0;
    if (n->kernel && foldable) {
      void **t = arena_alloc(g->arena, sizeof *t * (size_t)(n->ntargs + 1));
      for (int k = 0; k < n->nout; k++) {
        Value *v = n->out[k];
        if (v) {
          int64_t cnt = value_numel(v);
          v->data = arena_alloc(g->arena, (size_t)(cnt ? cnt : 1) * dtype_size(v->dt));
        }
      }
      for (int k = 0; k < n->ntargs; k++)
        t[k] = n->targs[k] ? n->targs[k]->data : NULL;
      interp_check(g, n, t);
      interp_node(n, t);
      keep_scale(g, n, t);
    }
    int all_const = 1;
    for (int k = 0; k < n->nout; k++)
      if (n->out[k] && !n->out[k]->data)
        all_const = 0;
    if (all_const) {
      for (int k = 0; k < n->nout; k++)
        if (n->out[k])
          n->out[k]->producer = NULL;
      continue;  /* folded: drop the node */
    }
    g->nodes[keep++] = n;
  }
  g->nnodes = keep;
  graph_count_uses(g);
  check_declared(g);
}
