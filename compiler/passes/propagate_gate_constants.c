/*
 * propagate_gate_constants - logic gates of constants become constants.
 *
 * A gate reading a constant bit (a CONST, or any node whose interval is
 * one point: a binarized input the interval analysis decides, a constant
 * gate upstream, one bit XNORed with itself) is a function of at
 * most one operand: gate(1, b) of AND is b, of NAND ~b, of OR 1.  Each gate
 * is reduced to what it depends on (net_gate_reduce): none, and it is a
 * CONST; one, and it becomes a one-operand gate of that operand (a
 * pass-through or a negation, which fold_inverters removes next).  A gate
 * whose value does not depend on its operands (ids 0 and 15, x ^ x) is a
 * CONST too.
 * One forward sweep, so constants travel through any number of layers;
 * readers of a new constant (popcount adders) fold it as net_add does.
 *
 * Requires: a netlist (build_net), before insert_registers.  Provides: no
 * GATE node has a CONST operand or a constant truth table.  Exact: the
 * same integers.  Invalidates: netlist node ids.  Cost: linear in nodes.
 */
#include <stdlib.h>

#include "../compiler.h"

Net *propagate_gate_constants(const Net *old) {
  Net *net = net_derive(old);
  NetId *map = malloc(sizeof *map * (size_t)(old->nnodes + 1));
  if (!map)
    die("out of memory");
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    net->layer = n->layer;
    if (n->op != NET_GATE) {
      map[i] = net_copy_mapped(net, n, map);
      continue;
    }
    int64_t k = n->k;
    NetId a = map[n->a], b = map[n->b];
    if (net->nodes[a].lo == net->nodes[a].hi)  /* a bit the intervals decide */
      a = net_const(net, net->nodes[a].lo);
    if (net->nodes[b].lo == net->nodes[b].hi)
      b = net_const(net, net->nodes[b].lo);
    int consts = (net->nodes[a].op == NET_CONST) + (net->nodes[b].op == NET_CONST);
    int left = net_gate_reduce(net, &k, &a, &b);
    if (left == 0)
      map[i] = net_const(net, k ? 1 : 0);
    else if (consts)
      map[i] = net_add(net, NET_GATE, a, b, NET_NONE, 0, k);
    else                     /* as it was, however it reduces: fold_inverters' work */
      map[i] = net_add(net, NET_GATE, map[n->a], map[n->b], NET_NONE, 0, n->k);
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map);
  return net;
}
