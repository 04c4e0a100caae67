/*
 * eliminate_dead_gates - gates that reach no output are removed.
 *
 * A trained logic-gate network wires every gate to the next layer, but
 * many of those wires end in gates that fold_inverters and
 * propagate_gate_constants made independent of them, or in groups of a
 * later layer that nothing reads: such gates compute nothing an output
 * needs.  Liveness is net_live's (the output ports' elements and what they
 * read); a dead GATE node is dropped, and so is any dead node that reads a
 * dropped one.  A graph value's element that is dropped becomes NET_NONE
 * (the HLS C then leaves that array element unwritten; nothing reads it).
 *
 * Requires: a netlist, before insert_registers.  Provides: every GATE node
 * reaches an output.  Exact: the outputs are the same integers.
 * Invalidates: netlist node ids.  Cost: linear in nodes.
 */
#include <stdlib.h>

#include "../compiler.h"

Net *eliminate_dead_gates(const Net *old) {
  Net *net = net_derive(old);
  char *live = net_live(old);
  NetId *map = malloc(sizeof *map * (size_t)(old->nnodes + 1));
  if (!map)
    die("out of memory");
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    const NetId args[3] = {n->a, n->b, n->c};
    int drop = !live[i] && n->op == NET_GATE;
    for (int j = 0; !live[i] && j < net_op_nargs(n->op); j++)
      drop |= map[args[j]] == NET_NONE;
    net->layer = n->layer;
    map[i] = drop ? NET_NONE : net_copy_mapped(net, n, map);
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map), free(live);
  return net;
}
