/*
 * sink_relu - a ReLU before a requantization moves after its rounding,
 * where a saturating clamp then absorbs it: one logic level and one select
 * per element less on every Dense/Conv -> ReLU -> Quant layer.
 *
 * Rule.  Every rounding mode r of rt_fx_round is monotone (x <= y implies
 * r(x) <= r(y)) and r(0) = 0, so r(max(x, 0)) = max(r(x), 0): for x >= 0
 * both are r(x), and for x < 0 both are 0.  A ROUND whose operand is
 * MAX(x, 0) becomes MAX(ROUND(x), 0); when that ROUND's only reader is a
 * CLAMP with a lower bound >= 0, the clamp already does the max, so the
 * CLAMP reads ROUND(x) directly.  The MAX itself disappears when the ROUND
 * was its only reader.  The max after the shift is narrower than before it,
 * so even without a clamp the select costs fewer bits.
 *
 * Requires: a netlist without registers (before insert_registers).
 * Provides: no ROUND reads a MAX with 0.  Exact: the same integers (net_eval
 * agrees bit for bit).  Invalidates: node ids (a new Net).  Cost: linear.
 */
#include <stdlib.h>

#include "../compiler.h"

/* MAX(x, 0) with a constant 0 operand: x, else NET_NONE. */
static NetId relu_of(const Net *net, NetId id) {
  const NetNode *n = &net->nodes[id];
  if (n->op != NET_MAX)
    return NET_NONE;
  const NetNode *a = &net->nodes[n->a], *b = &net->nodes[n->b];
  if (b->op == NET_CONST && b->k == 0)
    return n->a;
  if (a->op == NET_CONST && a->k == 0)
    return n->b;
  return NET_NONE;
}

Net *sink_relu(const Net *old) {
  Net *net = net_derive(old);
  int64_t nn = old->nnodes + 1;
  NetId *map = malloc(sizeof *map * (size_t)nn), *reader = malloc(sizeof *reader * (size_t)nn);
  int32_t *uses = malloc(sizeof *uses * (size_t)nn);
  if (!map || !reader || !uses)
    die("out of memory");
  net_uses(old, uses, reader);
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    if (n->op == NET_REG)
      die("sink_relu: the netlist is already pipelined");
    net->layer = n->layer;
    NetId x = n->op == NET_ROUND && old->nodes[n->b].k == 0 ? relu_of(old, n->a) : NET_NONE;
    if (x != NET_NONE) {  /* ROUND(MAX(x, 0)) = MAX(ROUND(x), 0) */
      NetId r = net_add(net, NET_ROUND, map[x], map[n->b], NET_NONE, n->s, n->k);
      const NetNode *c = uses[i] == 1 ? &old->nodes[reader[i]] : NULL;
      int clamped = c && c->op == NET_CLAMP && c->a == (NetId)i && old->nodes[c->b].k >= 0;
      map[i] = clamped ? r : net_add(net, NET_MAX, r, net_const(net, 0), NET_NONE, 0, 0);
      continue;
    }
    if (relu_of(old, (NetId)i) != NET_NONE && uses[i] == 1 && old->nodes[reader[i]].op == NET_ROUND &&
        old->nodes[old->nodes[reader[i]].b].k == 0) {
      map[i] = NET_NONE;  /* read only by the ROUND above, which reads x instead */
      continue;
    }
    map[i] = net_copy_mapped(net, n, map);
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map), free(reader), free(uses);
  net_verify(net);
  return net;
}
