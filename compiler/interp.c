/*
 * interp.c - the reference interpreter.  It executes the graph's lowered
 * kernel calls in topological order, with one heap buffer per computed
 * value.  Because the generated C calls the same kernels with the same
 * parameters, interpreter and C backend agree bit for bit when compiled with
 * the same floating-point settings.  Before a call it checks what a kernel
 * cannot (interp_check): the reference, unlike generated code, stops with
 * an error naming the node where a logic-gate network op reads a value
 * other than 0 or 1.
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

/* Heap buffers for every computed value; constants and inputs point at
 * their data.  owned[] lists what to free. */
static void **buffers(Graph *g, void *const *inputs, void ***owned) {
  void **buf = calloc((size_t)g->nvalues + 1, sizeof *buf);
  *owned = calloc((size_t)g->nvalues + 1, sizeof **owned);
  if (!buf || !*owned)
    die("out of memory");
  for (int i = 0; i < g->ninputs; i++)
    buf[g->inputs[i]->id] = inputs[i];
  for (int i = 0; i < g->nvalues; i++) {
    Value *v = g->values[i];
    if (v->data)
      buf[i] = v->data;
    else if (!buf[i] && v->producer) {
      size_t sz = (size_t)value_numel(v) * dtype_size(v->dt);
      (*owned)[i] = buf[i] = calloc(sz ? sz : 1, 1);
      if (!buf[i])
        die("out of memory");
    }
  }
  return buf;
}

/* Logic-gate network ops are defined on bits: the reference refuses any
 * other input value, naming the node and the element, where the kernels
 * (and so the generated code) would read it as 1 if nonzero. */
void interp_check(const Graph *g, const Node *n, void *const *t) {
  if (n->op != OP_LOGICLAYER && n->op != OP_GROUPSUM)
    return;
  Value view = *n->in[0];
  view.data = t[0];
  for (int64_t i = 0, cnt = value_numel(&view); i < cnt; i++) {
    double v = value_get_f64(&view, i);
    if (v != 0 && v != 1)
      error_node(g, n, "input '%s' holds %g at element %lld; %s reads only 0 and 1 (binarize "
                 "the features first, e.g. with MultiThreshold or a 1-bit Quant)", n->in[0]->name,
                 v, (long long)i, op_name(n->op));
  }
}

/* Runs the nodes with want[position] set (NULL: all), in order. */
static void run_nodes(Graph *g, void **buf, const char *want) {
  void **t = NULL;
  int tcap = 0;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (!n->kernel || (want && !want[i]))
      continue;
    if (n->ntargs > tcap) {
      tcap = n->ntargs * 2;
      t = realloc(t, sizeof *t * (size_t)tcap);
      if (!t)
        die("out of memory");
    }
    for (int k = 0; k < n->ntargs; k++)
      t[k] = n->targs[k] ? buf[n->targs[k]->id] : NULL;
    interp_check(g, n, t);
    interp_node(n, t);
  }
  free(t);
}

static void finish(Graph *g, void **buf, void **owned, void *const *outputs) {
  for (int i = 0; i < g->noutputs; i++) {
    Value *v = g->outputs[i];
    ASSERT(buf[v->id]);
    memcpy(outputs[i], buf[v->id], (size_t)value_numel(v) * dtype_size(v->dt));
  }
  for (int i = 0; i < g->nvalues; i++)
    free(owned[i]);
  free(owned);
  free(buf);
}

void interp_run(Graph *g, void *const *inputs, void *const *outputs) {
  void **owned, **buf = buffers(g, inputs, &owned);
  run_nodes(g, buf, NULL);
  finish(g, buf, owned, outputs);
}

void interp_run_core(Graph *g, const Net *net, int use_net, void *const *inputs,
                     void *const *outputs, int64_t *const *qin, int64_t *const *qout) {
  const IntSplit *s = &net->split;
  void **owned, **buf = buffers(g, inputs, &owned);
  run_nodes(g, buf, s->pre);  /* the prologue reads no core or tail value (int_split) */
  if (use_net) {
    const int64_t **in = calloc((size_t)s->nqin + 1, sizeof *in);
    int64_t **out = calloc((size_t)s->nqout + 1, sizeof *out);
    if (!in || !out)
      die("out of memory");
    for (int p = 0; p < s->nqin; p++)
      in[p] = buf[s->qin[p]->id];
    for (int p = 0; p < s->nqout; p++)
      out[p] = buf[s->qout[p]->id];
    net_eval(net, in, out, NULL);
    free(in);
    free(out);
  } else {
    run_nodes(g, buf, s->core);
  }
  for (int p = 0; qin && p < s->nqin; p++)
    memcpy(qin[p], buf[s->qin[p]->id], sizeof **qin * (size_t)value_numel(s->qin[p]));
  for (int p = 0; qout && p < s->nqout; p++)
    memcpy(qout[p], buf[s->qout[p]->id], sizeof **qout * (size_t)value_numel(s->qout[p]));
  run_nodes(g, buf, s->post);
  finish(g, buf, owned, outputs);
}

void interp_run_tail(Graph *g, const IntSplit *s, void *const *inputs, const int64_t *const *qout,
                     void *const *outputs) {
  void **owned, **buf = buffers(g, inputs, &owned);
  run_nodes(g, buf, s->pre);
  for (int p = 0; p < s->nqout; p++)
    if (!s->qout[p]->data)  /* a constant stays what it is */
      memcpy(buf[s->qout[p]->id], qout[p], sizeof *qout[p] * (size_t)value_numel(s->qout[p]));
  run_nodes(g, buf, s->post);
  finish(g, buf, owned, outputs);
}
