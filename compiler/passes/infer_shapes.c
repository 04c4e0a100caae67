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
#include "../compiler.h"

void infer_shapes(Graph *g) {
  int keep = 0;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    for (int k = 0; k < n->nin; k++)
      if (n->in[k] && !n->in[k]->shape_known)
        die("input %d of node %d has no shape", k, n->index);
    infer_node(g, n);
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
      interp_node(n, t);
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
}
