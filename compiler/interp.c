/*
 * interp.c - the reference interpreter.  It executes the graph's lowered
 * kernel calls in topological order, with one heap buffer per computed
 * value.  Because the generated C calls the same kernels with the same
 * parameters, interpreter and C backend agree bit for bit when compiled with
 * the same floating-point settings.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "../runtime/rt_table.h"

void interp_node(const Node *n, void *const *t) {
  const KernelInfo *k = kernel_find(n->kernel);
  if (!k)
    die("no runtime kernel named %s", n->kernel);
  k->fn(n->ip, n->fp, t);
}

void interp_run(Graph *g, void *const *inputs, void *const *outputs) {
  void **buf = calloc((size_t)g->nvalues + 1, sizeof *buf);
  void **owned = calloc((size_t)g->nvalues + 1, sizeof *owned);
  void **t = NULL;
  int tcap = 0;
  if (!buf || !owned)
    die("out of memory");
  for (int i = 0; i < g->ninputs; i++)
    buf[g->inputs[i]->id] = inputs[i];
  for (int i = 0; i < g->nvalues; i++) {
    Value *v = g->values[i];
    if (v->data)
      buf[i] = v->data;
    else if (!buf[i] && v->producer) {
      size_t sz = (size_t)value_numel(v) * dtype_size(v->dt);
      owned[i] = buf[i] = calloc(sz ? sz : 1, 1);
      if (!buf[i])
        die("out of memory");
    }
  }
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (!n->kernel)
      continue;
    if (n->ntargs > tcap) {
      tcap = n->ntargs * 2;
      t = realloc(t, sizeof *t * (size_t)tcap);
      if (!t)
        die("out of memory");
    }
    for (int k = 0; k < n->ntargs; k++)
      t[k] = n->targs[k] ? buf[n->targs[k]->id] : NULL;
    interp_node(n, t);
  }
  for (int i = 0; i < g->noutputs; i++) {
    Value *v = g->outputs[i];
    ASSERT(buf[v->id]);
    memcpy(outputs[i], buf[v->id], (size_t)value_numel(v) * dtype_size(v->dt));
  }
  for (int i = 0; i < g->nvalues; i++)
    free(owned[i]);
  free(owned);
  free(buf);
  free(t);
}
