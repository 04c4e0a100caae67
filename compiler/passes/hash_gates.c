/*
 * hash_gates - identical gates are merged (structural hashing).
 *
 * Two gates of the same operands and function compute the same bit.  Each
 * gate is first normalised: its operands are ordered by node id, the
 * truth table following them (g(y, x) is gate net_gate_compose(g, b, a) of
 * x and y), so AND(x, y) and AND(y, x), or a & ~b of (x, y) and ~a & b of
 * (y, x), have one key (a, b, id).  A forward sweep keeps the first gate
 * of each key and maps the others onto it; because operands are mapped
 * before their readers, gates that become identical once their operands
 * merged merge too, in the same sweep.
 *
 * Requires: a netlist, before insert_registers.  Provides: no two GATE
 * nodes have the same (a, b, id) with a <= b.  Exact: the same integers.
 * Invalidates: netlist node ids.  Cost: linear in nodes (a hash table of
 * twice the gates).
 */
#include <stdlib.h>

#include "../compiler.h"

static uint64_t key_hash(NetId a, NetId b, int64_t k) {
  uint64_t z = ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) * 0x9e3779b97f4a7c15u;
  return (z ^ (z >> 31) ^ (uint64_t)k * 0xbf58476d1ce4e5b9u);
}

Net *hash_gates(const Net *old) {
  Net *net = net_derive(old);
  int64_t cap = 64;
  while (cap < 2 * old->nnodes)
    cap *= 2;
  NetId *map = malloc(sizeof *map * (size_t)(old->nnodes + 1));
  NetId *table = malloc(sizeof *table * (size_t)cap);
  if (!map || !table)
    die("out of memory");
  for (int64_t i = 0; i < cap; i++)
    table[i] = NET_NONE;
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    net->layer = n->layer;
    if (n->op != NET_GATE) {
      map[i] = net_copy_mapped(net, n, map);
      continue;
    }
    NetId a = map[n->a], b = map[n->b];
    int64_t k = n->k;
    if (a > b) {
      NetId t = a;
      a = b, b = t;
      k = net_gate_compose(k, NET_GATE_B, NET_GATE_A);
    }
    uint64_t h = key_hash(a, b, k) & (uint64_t)(cap - 1);
    for (;; h = (h + 1) & (uint64_t)(cap - 1)) {
      NetId e = table[h];
      if (e == NET_NONE) {
        table[h] = map[i] = net_add(net, NET_GATE, a, b, NET_NONE, 0, k);
        break;
      }
      const NetNode *m = &net->nodes[e];
      if (m->a == a && m->b == b && m->k == k) {
        map[i] = e;
        break;
      }
    }
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map), free(table);
  return net;
}
