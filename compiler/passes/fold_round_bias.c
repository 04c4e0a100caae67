/*
 * fold_round_bias - a constant added just before a rounding (a layer's
 * bias before its requantization) joins the rounding's own offset: one
 * carry chain per element instead of two.
 *
 * Rule.  A ROUND adds a bias that does not depend on the sign of its
 * operand in every mode but the four sign-dependent ones (TRUNC, AWAY,
 * HALF_AWAY, HALF_ZERO): floor, ceil, half up, half down and half to even
 * (QONNX's ROUND) are floor((x + bias) / 2^s), ties to even then clearing
 * bit 0 (ir/net.h, NetRound).  So ROUND(x + c) is one adder x + (c + bias)
 * and a slice, and the tie test reads x's low bits against a constant.
 * Where a ROUND of such a mode reads ADD(x, c << s), ADD(c, x) or
 * SUB(x, c << s) with c constant and no other reader (a node or an output
 * port), the ROUND reads x and carries the constant as its operand b
 * (net.h: round((a + b) / 2^s)); the addition stays only as the graph
 * value's element that the HLS C prints, and the Verilog, which prints
 * what the outputs read, drops it.  On the smart-pixel classifier of
 * bench/users.sh that is the 37 bias adders of its three Dense layers.
 *
 * Requires: a netlist without registers (after sink_relu, which needs the
 * ROUND's constant to be 0).  Provides: no ROUND of a sign-independent
 * mode reads a single-use addition of a constant.  Exact: the same integers
 * (net_eval agrees bit for bit).  Invalidates: node ids (a new Net).
 * Cost: linear.
 */
#include <stdlib.h>

#include "../compiler.h"
#include "../../runtime/rt_fixed.h"

/* If node id adds a constant to one variable operand (ADD(x, c << s),
 * ADD(c, x) or SUB(x, c << s)): 1 with *x and *c set. */
static int const_addend(const Net *net, NetId id, NetId *x, int64_t *c) {
  const NetNode *n = &net->nodes[id];
  if (n->op != NET_ADD && n->op != NET_SUB)
    return 0;
  const NetNode *a = &net->nodes[n->a], *b = &net->nodes[n->b];
  if (b->op == NET_CONST && a->op != NET_CONST) {
    int64_t k = rt_fx_shl(b->k, n->s);
    *x = n->a, *c = n->op == NET_ADD ? k : -k;
    return 1;
  }
  if (n->op == NET_ADD && a->op == NET_CONST && b->op != NET_CONST && n->s == 0) {
    *x = n->b, *c = a->k;
    return 1;
  }
  return 0;
}

Net *fold_round_bias(const Net *old) {
  Net *net = net_derive(old);
  int64_t nn = old->nnodes + 1;
  NetId *map = malloc(sizeof *map * (size_t)nn);
  int32_t *readers = calloc((size_t)nn, sizeof *readers);
  if (!map || !readers)
    die("out of memory");
  /* readers among the live nodes and the output ports; a graph value's
   * element (HLS prints those) keeps its node, which may be left without
   * live readers */
  char *live = net_live(old);
  for (int p = 0; p < old->nout; p++)
    for (int64_t e = 0; e < old->out[p].n; e++)
      readers[old->out[p].el[e]] += 2;
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    const NetId args[3] = {n->a, n->b, n->c};
    for (int j = 0; live[i] && j < net_op_nargs(n->op); j++)
      readers[args[j]]++;
  }
  free(live);
  /* x must be readable from the ROUND's layer: a graph value's element (an
   * array of the HLS C) or a node of that layer, not another layer's
   * temporary (a Conv's sum before its own bias) */
  char *visible = calloc((size_t)nn, 1);
  if (!visible)
    die("out of memory");
  for (int v = 0; v < old->g->nvalues; v++)
    for (int64_t e = 0; old->elems[v] && e < value_numel(old->g->values[v]); e++)
      if (old->elems[v][e] != NET_NONE)
        visible[old->elems[v][e]] = 1;
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    NetRound p = n->op == NET_ROUND ? net_round_plan(n->s, n->k, 0) : (NetRound){0};
    NetId x;
    int64_t c;
    if (n->op == NET_REG)
      die("fold_round_bias: the netlist is already pipelined");
    net->layer = n->layer;
    if (n->op == NET_ROUND && p.pos == p.neg && readers[n->a] == 1 && const_addend(old, n->a, &x, &c) &&
        (visible[x] || old->nodes[x].layer == n->layer)) {
      map[i] = net_add(net, NET_ROUND, map[x], net_const(net, old->nodes[n->b].k + c), NET_NONE, n->s, n->k);
    } else {
      map[i] = net_copy_mapped(net, n, map);
    }
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map), free(readers), free(visible);
  net_verify(net);
  return net;
}
