/*
 * net_check.c - the netlist level (net.h): the verifier, which checks every
 * invariant a pass must keep, and the textual forms (--dump-net, the
 * gate-count and pack_luts report lines).
 */
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* ---- verifier ---- */

void net_verify(const Net *net) {
  for (int64_t i = 0; i < net->nnodes; i++) {
    const NetNode *n = &net->nodes[i];
    if (n->op >= NET_COUNT)
      die("net node %lld: bad op %d", (long long)i, n->op);
    NetId args[NET_MAXARGS];
    int nargs = net_args(n, args);
    if (nargs < 0 || nargs > NET_MAXARGS)
      die("net node %lld (%s): %d operands", (long long)i, net_op_name(n->op), nargs);
    for (int j = 0; j < NET_MAXARGS; j++)
      if ((j < nargs) != (args[j] != NET_NONE) || (j < nargs && (args[j] < 0 || args[j] >= i)))
        die("net node %lld (%s): operand %d is %d", (long long)i, net_op_name(n->op), j, args[j]);
    if (n->lo > n->hi || n->sgn != (n->lo < 0) || n->w != net_width(n->lo, n->hi))
      die("net node %lld (%s): interval [%lld, %lld] with width %d%s", (long long)i,
          net_op_name(n->op), (long long)n->lo, (long long)n->hi, n->w, n->sgn ? " signed" : "");
    switch ((NetOp)n->op) {
    case NET_INPUT:
      if (n->s < 0 || n->s >= net->nin || n->k < 0 || n->k >= net->in[n->s].n)
        die("net node %lld: input port %d element %lld", (long long)i, n->s, (long long)n->k);
      continue;  /* its interval is given */
    case NET_ADD: case NET_SUB: case NET_SHL:
      if (n->s < 0 || n->s > NET_MAXBITS)
        die("net node %lld: shift %d", (long long)i, n->s);
      break;
    case NET_ROUND:
      if (n->s < 1 || n->s > NET_MAXBITS || n->k < RND_FLOOR || n->k > RND_HALF_ZERO)
        die("net node %lld: round shift %d mode %lld", (long long)i, n->s, (long long)n->k);
      if (net->nodes[n->b].op != NET_CONST ||
          (net->nodes[n->b].k && net_round_plan(n->s, n->k, 0).pos != net_round_plan(n->s, n->k, 0).neg))
        die("net node %lld: a round adds a constant only where its bias ignores the sign", (long long)i);
      break;
    case NET_CLAMP:
      if (net->nodes[n->b].op != NET_CONST || net->nodes[n->c].op != NET_CONST ||
          net->nodes[n->b].k > net->nodes[n->c].k)
        die("net node %lld: clamp bounds are not constants lo <= hi", (long long)i);
      break;
    case NET_WRAP:
      if (n->s < 1 || n->s > NET_MAXBITS || (n->k != 0 && n->k != 1))
        die("net node %lld: wrap to %d bits", (long long)i, n->s);
      break;
    case NET_MUX:
      if (net->nodes[n->a].lo < 0 || net->nodes[n->a].hi > 1)
        die("net node %lld: mux condition is not 0 or 1", (long long)i);
      break;
    case NET_GATE:
      if (net->nodes[n->a].lo < 0 || net->nodes[n->a].hi > 1 || net->nodes[n->b].lo < 0 ||
          net->nodes[n->b].hi > 1 || n->k < 0 || n->k > 15)
        die("net node %lld: gate %lld of operands that are not bits", (long long)i, (long long)n->k);
      break;
    case NET_CAT:
      if (n->s < 1 || n->s > NET_MAXBITS || net->nodes[n->a].lo < 0 ||
          net->nodes[n->a].hi >= (int64_t)1 << n->s)
        die("net node %lld: cat of n%d, not in [0, 2^%d)", (long long)i, n->a, n->s);
      break;
    case NET_TABLE:
      if (n->k < 0 || n->k >= net->ntables || net->nodes[n->a].lo < 0 ||
          net->nodes[n->a].w != n->s || net->tables[n->k].bits != n->s)
        die("net node %lld: table %lld read by an index of %d bits", (long long)i, (long long)n->k,
            net->nodes[n->a].w);
      break;
    case NET_LUT:
      if (nargs < 1 || (nargs < NET_MAXARGS && (uint64_t)n->k >> (1 << nargs)))
        die("net node %lld: a LUT of %d operands with table 0x%llx", (long long)i, nargs,
            (unsigned long long)n->k);
      for (int j = 0; j < nargs; j++)
        if (net->nodes[args[j]].lo < 0 || net->nodes[args[j]].hi > 1)
          die("net node %lld: LUT operand n%d is not a bit", (long long)i, args[j]);
      break;
    default: break;
    }
    int64_t lo, hi;
    net_interval(net, n, &lo, &hi);
    if (n->tight && (n->op == NET_ADD || n->op == NET_SUB) && lo <= n->lo && n->hi <= hi)
      continue;  /* narrowed by the pass that made it (net_tighten) */
    if (lo != n->lo || hi != n->hi || n->tight)
      die("net node %lld (%s): interval [%lld, %lld], operands give [%lld, %lld]", (long long)i,
          net_op_name(n->op), (long long)n->lo, (long long)n->hi, (long long)lo, (long long)hi);
  }
  for (int p = 0; p < net->nout; p++)
    for (int64_t e = 0; e < net->out[p].n; e++) {
      NetId id = net->out[p].el[e];
      if (id < 0 || id >= net->nnodes)
        die("net output %d element %lld: node %d", p, (long long)e, id);
      const NetNode *n = &net->nodes[id];
      const FixType *t = &net->out[p].fx;
      int64_t tlo = t->sgn ? -((int64_t)1 << (t->w - 1)) : 0;
      int64_t thi = t->w >= 63 ? INT64_MAX : t->sgn ? ((int64_t)1 << (t->w - 1)) - 1 : ((int64_t)1 << t->w) - 1;
      if (n->lo < tlo || n->hi > thi)
        die("net output %d element %lld: [%lld, %lld] does not fit its port type", p,
            (long long)e, (long long)n->lo, (long long)n->hi);
    }
  for (int i = 0; i < net->nargmax; i++) {
    const NetPort *m = &net->argmax[i];
    if (m->v || m->of < 0 || m->of >= net->nout || m->n < 1 || net->out[m->of].n % m->n ||
        m->fx.sgn || m->fx.f || m->fx.w < 1 || m->fx.w > 62)
      die("net argmax port %d: of output %d, %lld rows, %d bits", i, m->of, (long long)m->n, m->fx.w);
    int64_t k = net->out[m->of].n / m->n;
    for (int64_t e = 0; e < m->n; e++) {
      NetId id = m->el[e];
      if (id < 0 || id >= net->nnodes || net->nodes[id].lo < 0 || net->nodes[id].hi >= k ||
          net->nodes[id].hi >= (int64_t)1 << m->fx.w)
        die("net argmax port %d row %lld: node %d is not an index below %lld", i, (long long)e, id,
            (long long)k);
    }
  }
  for (int v = 0; v < net->g->nvalues; v++)
    for (int64_t e = 0; net->elems[v] && e < value_numel(net->g->values[v]); e++)
      if (net->elems[v][e] < NET_NONE || net->elems[v][e] >= net->nnodes)
        die("net: element %lld of value %d is node %d", (long long)e, v, net->elems[v][e]);
}

/* ---- dump ---- */

void net_steps_print(const Net *net, const char *prefix, FILE *f) {
  for (int i = 0; i < net->nsteps; i++)
    if (i)
      fprintf(f, ", %lld after %s", (long long)net->steps[i].gates, net->steps[i].pass);
    else
      fprintf(f, "%sgates: %lld built", prefix, (long long)net->steps[i].gates);
  if (net->nsteps)
    fprintf(f, "%s\n", net->keep_gates ? " (--lgn-naive: no gate-level pass)" : "");
}

const char *net_neurons_line(Arena *a, const NetNeurons *s) {
  const char *left = s->budget ? arena_printf(a, ", %lld past the budget (2^22 entries, 2^28 "
                                              "evaluations)", (long long)s->budget) : "";
  if (s->auto_)
    left = arena_printf(a, "%s, %lld cheaper as arithmetic", left, (long long)s->cheaper);
  const char *cons = s->constant ? arena_printf(a, ", %lld of them constant", (long long)s->constant) : "";
  return arena_printf(a, "lut_neurons: %lld of %lld neurons as tables%s (%d input bits at most, %d in "
                      "the widest table), %lld entries, %lld over %d bits%s", (long long)s->tables,
                      (long long)s->neurons, cons, s->bits, s->maxbits, (long long)s->entries,
                      (long long)s->over, s->bits, left);
}

const char *net_pack_line(Arena *a, const NetPack *p) {
  return arena_printf(a, "pack_luts: %lld gates into %lld LUT%d, %d LUT level%s", (long long)p->gates,
                      (long long)p->luts, p->k, p->levels, p->levels == 1 ? "" : "s");
}

void net_dump(const Net *net, FILE *f) {
  const Graph *g = net->g;
  fprintf(f, "net \"%s\": %lld nodes, %d input ports, %d output ports\n", g->name,
          (long long)net->nnodes, net->nin, net->nout);
  net_steps_print(net, "# ", f);
  if (net->pack.k)
    fprintf(f, "# %s\n", net_pack_line(g->arena, &net->pack));
  if (net->neurons.bits)
    fprintf(f, "# %s\n", net_neurons_line(g->arena, &net->neurons));
  for (int p = 0; p < net->nin; p++)
    fprintf(f, "input port %d %%%s : fixed<%s,%d,%d>[%lld]\n", p, net->in[p].v->name,
            net->in[p].fx.sgn ? "s" : "u", net->in[p].fx.w, net->in[p].fx.f, (long long)net->in[p].n);
  int32_t layer = -2;
  for (int64_t i = 0; i < net->nnodes; i++) {
    const NetNode *n = &net->nodes[i];
    if (n->layer != layer && n->layer >= 0) {  /* constants (layer -1) are shared */
      const Node *m = g->nodes[n->layer];
      fprintf(f, "# node %d (%s \"%s\")\n", m->index, op_name(m->op), m->name);
      layer = n->layer;
    }
    fprintf(f, "n%lld = %s", (long long)i, net_op_name(n->op));
    switch ((NetOp)n->op) {
    case NET_INPUT: fprintf(f, " port %d [%lld]", n->s, (long long)n->k); break;
    case NET_CONST: fprintf(f, " %lld", (long long)n->k); break;
    case NET_ROUND:
      if (net->nodes[n->b].k)
        fprintf(f, " (n%d + %lld) >> %d mode %lld", n->a, (long long)net->nodes[n->b].k, n->s, (long long)n->k);
      else
        fprintf(f, " n%d >> %d mode %lld", n->a, n->s, (long long)n->k);
      break;
    case NET_WRAP: fprintf(f, " n%d to %d bits%s", n->a, n->s, n->k ? " signed" : ""); break;
    case NET_GATE: fprintf(f, " n%d, n%d id %lld", n->a, n->b, (long long)n->k); break;
    case NET_LUT: {
      NetId x[NET_MAXARGS];
      for (int j = 0, na = net_args(n, x); j < na; j++)
        fprintf(f, "%s n%d", j ? "," : "", x[j]);
      fprintf(f, " : 0x%llx", (unsigned long long)n->k);
      break;
    }
    case NET_TABLE: fprintf(f, " n%d : t%lld", n->a, (long long)n->k); break;
    default:
      for (int j = 0, na = net_op_nargs(n->op); j < na; j++)
        fprintf(f, "%s n%d", j ? "," : "", j == 0 ? n->a : j == 1 ? n->b : n->c);
      if (n->s)
        fprintf(f, " << %d", n->s);
      break;
    }
    fprintf(f, "  : %s%d [%lld..%lld]\n", n->sgn ? "s" : "u", n->w, (long long)n->lo, (long long)n->hi);
  }
  for (int p = 0; p < net->nout; p++) {
    fprintf(f, "output port %d %%%s : fixed<%s,%d,%d>[%lld] = {", p, net->out[p].v->name,
            net->out[p].fx.sgn ? "s" : "u", net->out[p].fx.w, net->out[p].fx.f,
            (long long)net->out[p].n);
    for (int64_t e = 0; e < net->out[p].n; e++)
      fprintf(f, "%sn%d", e ? ", " : "", net->out[p].el[e]);
    fputs("}\n", f);
  }
  for (int i = 0; i < net->nargmax; i++) {
    fprintf(f, "argmax port %d of output port %d : fixed<u,%d,0>[%lld] = {", i, net->argmax[i].of,
            net->argmax[i].fx.w, (long long)net->argmax[i].n);
    for (int64_t e = 0; e < net->argmax[i].n; e++)
      fprintf(f, "%sn%d", e ? ", " : "", net->argmax[i].el[e]);
    fputs("}\n", f);
  }
  for (int64_t t = 0; t < net->ntables; t++) {  /* entry i for index i */
    fprintf(f, "table t%lld : %d bits = {", (long long)t, net->tables[t].bits);
    for (int64_t i = 0; i < (int64_t)1 << net->tables[t].bits; i++)
      fprintf(f, "%s%lld", i ? ", " : "", (long long)net->tables[t].v[i]);
    fputs("}\n", f);
  }
}
