/*
 * eliminate_dead - backward liveness sweep from the graph outputs; nodes
 * none of whose outputs is live are removed.  Removes e.g. Dropout masks'
 * producers and shape computations left after folding.
 *
 * Requires: infer_shapes.  Provides: only live nodes remain.
 * Invalidates: nothing.  Cost: linear in nodes + edges.
 */
#include <stdlib.h>

#include "../compiler.h"

void eliminate_dead(Graph *g) {
  char *live = calloc((size_t)g->nvalues + 1, 1);
  if (!live)
    die("out of memory");
  for (int i = 0; i < g->noutputs; i++)
    live[g->outputs[i]->id] = 1;
  int keep = g->nnodes;
  for (int i = g->nnodes - 1; i >= 0; i--) {
    Node *n = g->nodes[i];
    int used = 0;
    for (int k = 0; k < n->nout; k++)
      if (n->out[k] && live[n->out[k]->id])
        used = 1;
    if (!used) {
      for (int k = 0; k < n->nout; k++)
        if (n->out[k])
          n->out[k]->producer = NULL;
      continue;
    }
    for (int k = 0; k < n->nin; k++)
      if (n->in[k])
        live[n->in[k]->id] = 1;
    g->nodes[--keep] = n;
  }
  for (int i = keep; i < g->nnodes; i++)
    g->nodes[i - keep] = g->nodes[i];
  g->nnodes -= keep;
  free(live);
  graph_count_uses(g);
}
