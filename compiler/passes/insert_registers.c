/*
 * insert_registers - pipelines the netlist: a register stage after every N
 * logic levels, so that each clock cycle holds at most N adders (or
 * comparators, selects) on any path, while one inference still enters per
 * clock (II = 1).
 *
 * Algorithm.  Each node's level is the logic depth of its longest path from
 * the inputs (net_depth per op: an adder, comparator or select is one
 * level, shifts and wraps none).  A node of level L > 0 computes in stage
 * (L - 1) / N; inputs and level-0 wiring are in stage 0.  An operand
 * computed in an earlier stage reaches its reader through a chain of REG
 * nodes, one per stage crossed, shared by every reader (reg1[]: a node's
 * one-cycle-later copy); constants need none.  Every output element (of
 * the output ports and the argmax ports) is delayed to the last stage, so
 * all outputs of one inference appear in the same cycle.  Stages 0..S are
 * separated by S register ranks (Net.stages = S), so the Verilog module's
 * latency is S + 2 cycles with its input and output registers.
 *
 * Requires: a netlist without REG nodes.  Provides: REG nodes, Net.stages.
 * Invalidates: node ids (a new Net).  Cost: linear in nodes plus registers.
 */
#include <stdlib.h>

#include "../compiler.h"

typedef struct Stager {
  const Net *old;
  Net *net;
  NetId *map;                /* old id -> new id */
  int32_t *stage;            /* old id -> stage */
  NetId *reg1;               /* new id -> its REG (one cycle later), or NET_NONE */
  int64_t capreg;
} Stager;

/* New node id delayed by k cycles (a chain of shared REG nodes). */
static NetId delayed(Stager *S, NetId id, int32_t k, int32_t layer) {
  for (; k > 0; k--) {
    if (id >= S->capreg || S->reg1[id] == NET_NONE) {
      int32_t keep = S->net->layer;
      S->net->layer = layer;
      NetId r = net_add(S->net, NET_REG, id, NET_NONE, NET_NONE, 0, 0);
      S->net->layer = keep;
      if (r >= S->capreg) {
        int64_t cap = 2 * (int64_t)r + 64;
        S->reg1 = realloc(S->reg1, sizeof *S->reg1 * (size_t)cap);
        if (!S->reg1)
          die("out of memory");
        for (int64_t i = S->capreg; i < cap; i++)
          S->reg1[i] = NET_NONE;
        S->capreg = cap;
      }
      S->reg1[id] = r;
    }
    id = S->reg1[id];
  }
  return id;
}

Net *insert_registers(const Net *old, int every) {
  Stager S = {.old = old, .net = net_derive(old)};
  Net *net = S.net;
  int32_t *level = malloc(sizeof *level * (size_t)(old->nnodes + 1));
  S.map = malloc(sizeof *S.map * (size_t)(old->nnodes + 1));
  S.stage = malloc(sizeof *S.stage * (size_t)(old->nnodes + 1));
  if (!level || !S.map || !S.stage)
    die("out of memory");
  int32_t last = 0;
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    NetId args[NET_MAXARGS];
    int na = net_args(n, args);
    if (n->op == NET_REG)
      die("insert_registers: the netlist is already pipelined");
    int32_t l = 0, st = 0;
    for (int j = 0; j < na; j++)
      if (old->nodes[args[j]].op != NET_CONST) {
        l = level[args[j]] > l ? level[args[j]] : l;
        st = S.stage[args[j]] > st ? S.stage[args[j]] : st;
      }
    level[i] = l + net_node_depth(n);
    S.stage[i] = level[i] > 0 && net_node_depth(n) > 0 ? (level[i] - 1) / every : st;
    NetId ops[NET_MAXARGS] = {NET_NONE, NET_NONE, NET_NONE, NET_NONE, NET_NONE, NET_NONE};
    for (int j = 0; j < na; j++) {
      const NetNode *a = &old->nodes[args[j]];
      ops[j] = a->op == NET_CONST ? S.map[args[j]]
             : delayed(&S, S.map[args[j]], S.stage[i] - S.stage[args[j]], a->layer);
    }
    net->layer = n->layer;
    if (n->op == NET_INPUT)
      S.map[i] = net_input(net, n->s, n->k, n->lo, n->hi);
    else if (n->op == NET_CONST)
      S.map[i] = net_const(net, n->k);
    else
      S.map[i] = net_copy_args(net, n, ops);
  }
  /* the output ports, then the argmax ports (argmax_port): all in the last stage */
  int nports = old->nout + old->nargmax;
  for (int p = 0; p < nports; p++) {
    const NetPort *port = p < old->nout ? &old->out[p] : &old->argmax[p - old->nout];
    for (int64_t e = 0; e < port->n; e++)
      if (old->nodes[port->el[e]].op != NET_CONST)
        last = S.stage[port->el[e]] > last ? S.stage[port->el[e]] : last;
  }
  net->layer = -1;
  net_remap(net, old, S.map);
  for (int p = 0; p < nports; p++) {
    const NetPort *port = p < old->nout ? &old->out[p] : &old->argmax[p - old->nout];
    NetId *el = p < old->nout ? net->out[p].el : net->argmax[p - old->nout].el;
    for (int64_t e = 0; e < port->n; e++) {
      NetId o = port->el[e];
      if (old->nodes[o].op != NET_CONST)
        el[e] = delayed(&S, S.map[o], last - S.stage[o], old->nodes[o].layer);
    }
  }
  net->stages = last;
  free(level);
  free(S.map);
  free(S.stage);
  free(S.reg1);
  net_verify(net);
  return net;
}
