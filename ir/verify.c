/*
 * verify.c - the IR checker, run after every pass (pipeline_run).  It
 * checks structural invariants; a failure is a bibc bug, so it die()s.
 *   - every node input is a constant, a graph input, or the output of an
 *     earlier node (topological order, no dangling producer);
 *   - every value that is read has a known shape and a valid element type;
 *   - once lowered, a node's tensor arguments are its inputs/outputs;
 *   - graph outputs are computed, constant, or graph inputs.
 */
#include <stdlib.h>

#include "ir.h"

void ir_verify(const Graph *g) {
  char *ready = calloc((size_t)g->nvalues + 1, 1);
  int *mine = calloc((size_t)g->nvalues + 1, sizeof *mine);  /* node index + 1 of its values */
  if (!ready || !mine)
    die("out of memory");
  for (int i = 0; i < g->nvalues; i++) {
    const Value *v = g->values[i];
    if (v->id != i)
      die("value '%s' has id %d at index %d", v->name, v->id, i);
    if (v->data || v->input_index >= 0)
      ready[i] = 1;
  }
  for (int i = 0; i < g->ninputs; i++)
    if (g->inputs[i]->input_index != i || g->inputs[i]->data)
      die("graph input %d is inconsistent", i);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    for (int k = 0; k < n->nin; k++) {
      const Value *v = n->in[k];
      if (!v)
        continue;
      if (!ready[v->id])
        die("node %d (%s) reads '%s' before it is computed", n->index, op_name(n->op), v->name);
      if (!v->shape_known || !dtype_size(v->dt))
        die("node %d (%s) reads '%s', which has no type", n->index, op_name(n->op), v->name);
    }
    for (int k = 0; k < n->nout; k++) {
      const Value *v = n->out[k];
      if (!v)
        continue;
      if (v->producer != n)
        die("value '%s' does not name node %d as its producer", v->name, n->index);
      if (ready[v->id])
        die("value '%s' is written twice", v->name);
      ready[v->id] = 1;
    }
    if (n->kernel) {  /* linear in the node's values: Sum may have 10^5 inputs */
      for (int j = 0; j < n->nin; j++)
        if (n->in[j])
          mine[n->in[j]->id] = i + 1;
      for (int j = 0; j < n->nout; j++)
        if (n->out[j])
          mine[n->out[j]->id] = i + 1;
      for (int k = 0; k < n->ntargs; k++) {
        const Value *v = n->targs[k];
        if (v && (v->id < 0 || v->id >= g->nvalues || g->values[v->id] != v || mine[v->id] != i + 1))
          die("node %d (%s): kernel argument %d is not one of its values", n->index,
              op_name(n->op), k);
      }
    }
  }
  for (int i = 0; i < g->noutputs; i++)
    if (!ready[g->outputs[i]->id])
      die("graph output '%s' is never computed", g->outputs[i]->name);
  free(ready);
  free(mine);
}
