/*
 * fold_inverters - pass-through and negation gates fold into their readers.
 *
 * A gate that passes an operand through (ids 3 and 5, or any gate reduced
 * to one operand) is a wire; a negation (ids 10 and 12) is an inverter,
 * which a reading gate absorbs into its own truth table: g(~x, y) is gate
 * net_gate_compose(g, ~a, b) of x and y, so XOR(~x, y) becomes XNOR(x, y)
 * at no cost.  The sweep maps every old node to a literal, a new node and
 * a complement bit; a gate's literals fold into its id, and the gate is
 * then reduced to what it depends on (net_gate_reduce), so a negation of a
 * negation, or a gate whose two operands turn out to be one literal, goes
 * too.  Only where a node that is not a gate (a popcount's adder, an
 * output) reads a complemented literal is an inverter made: one per node,
 * shared by all such readers.  A graph value's element that is a
 * complement no such node reads is NET_NONE (nothing computes it).
 *
 * gate_sweep() is that sweep; hash_gates runs it with merging on.
 *
 * Requires: a netlist (after propagate_gate_constants), before
 * insert_registers.  Provides: no gate is a pass-through; a negation gate
 * only where a node other than a gate reads it.  Exact: the same integers.
 * Invalidates: netlist node ids.  Cost: linear in nodes.
 */
#include <stdlib.h>

#include "../compiler.h"

typedef struct Fold {
  Net *net;
  NetId *map;                /* old id -> new id */
  char *inv;                 /* old id -> its value is the complement of map[id] */
  NetId *not_of;             /* new id -> its inverter, NET_NONE: none yet */
  int64_t cap;
  int merge;                 /* hash_gates: one gate per (a, b, id) up to a complement */
  NetId *table;              /* open addressing over new gate ids, NET_NONE: empty */
  int64_t tcap;
} Fold;

static uint64_t key_hash(NetId a, NetId b, int64_t k) {
  uint64_t z = ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) * 0x9e3779b97f4a7c15u;
  return z ^ (z >> 31) ^ (uint64_t)k * 0xbf58476d1ce4e5b9u;
}

/* Gate k (0 at a = b = 0) or its complement: the key hash_gates looks up. */
static int64_t key_of(int64_t k) {
  return net_gate(k, 0, 0) ? ~k & NET_GATE_ONE : k;
}

/* hash_gates: gate k of distinct a and b, its operands ordered (a < b, the
 * table following), found by (a, b, key_of(k)) or added as it is; *inv:
 * the gate found computes the complement (XNOR found for XOR). */
static NetId merged(Fold *F, NetId a, NetId b, int64_t k, char *inv) {
  if (a > b) {
    NetId t = a;
    a = b, b = t;
    k = net_gate_compose(k, NET_GATE_B, NET_GATE_A);
  }
  uint64_t h = key_hash(a, b, key_of(k)) & (uint64_t)(F->tcap - 1);
  for (;; h = (h + 1) & (uint64_t)(F->tcap - 1)) {
    NetId e = F->table[h];
    if (e == NET_NONE) {
      *inv = 0;
      return F->table[h] = net_add(F->net, NET_GATE, a, b, NET_NONE, 0, k);
    }
    const NetNode *m = &F->net->nodes[e];
    if (m->a == a && m->b == b && key_of(m->k) == key_of(k)) {
      *inv = m->k != k;
      return e;
    }
  }
}

/* The new node holding old node i's value: map[i], or its inverter. */
static NetId value_of(Fold *F, NetId i) {
  NetId x = F->map[i];
  if (!F->inv[i])
    return x;
  const NetNode *n = &F->net->nodes[x];
  if (n->op == NET_CONST)
    return net_const(F->net, 1 - n->k);
  if (F->not_of[x] == NET_NONE) {
    NetId y = net_add(F->net, NET_GATE, x, x, NET_NONE, 0, NET_GATE_NOT_A);
    ASSERT(y < F->cap);
    F->not_of[x] = y;
  }
  return F->not_of[x];
}

Net *gate_sweep(const Net *old, int merge) {
  Fold F = {.net = net_derive(old), .cap = 2 * old->nnodes + 16, .merge = merge, .tcap = 64};
  Net *net = F.net;
  while (F.tcap < 2 * old->nnodes)
    F.tcap *= 2;
  F.table = malloc(sizeof *F.table * (size_t)(merge ? F.tcap : 1));
  if (!F.table)
    die("out of memory");
  for (int64_t i = 0; merge && i < F.tcap; i++)
    F.table[i] = NET_NONE;
  F.map = malloc(sizeof *F.map * (size_t)(old->nnodes + 1));
  F.inv = calloc((size_t)old->nnodes + 1, 1);
  F.not_of = malloc(sizeof *F.not_of * (size_t)F.cap);
  if (!F.map || !F.inv || !F.not_of)
    die("out of memory");
  for (int64_t i = 0; i < F.cap; i++)
    F.not_of[i] = NET_NONE;
  char *is_out = calloc((size_t)old->nnodes + 1, 1);
  if (!is_out)
    die("out of memory");
  for (int p = 0; p < old->nout; p++)
    for (int64_t e = 0; e < old->out[p].n; e++)
      is_out[old->out[p].el[e]] = 1;
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    net->layer = n->layer;
    if (n->op != NET_GATE) {
      NetId ops[NET_MAXARGS];
      for (int j = 0, na = net_args(n, ops); j < na; j++)
        ops[j] = value_of(&F, ops[j]);
      F.map[i] = n->op == NET_INPUT || n->op == NET_CONST ? net_copy_mapped(net, n, F.map)
                                                          : net_copy_args(net, n, ops);
      continue;
    }
    NetId a = F.map[n->a], b = F.map[n->b];
    int64_t k = net_gate_compose(n->k, F.inv[n->a] ? NET_GATE_NOT_A : NET_GATE_A,
                                 F.inv[n->b] ? NET_GATE_NOT_B : NET_GATE_B);
    switch (net_gate_reduce(net, &k, &a, &b)) {
    case 0: F.map[i] = net_const(net, k ? 1 : 0); break;
    case 1: F.map[i] = a, F.inv[i] = k == NET_GATE_NOT_A; break;
    default:
      F.map[i] = merge ? merged(&F, a, b, k, &F.inv[i]) : net_add(net, NET_GATE, a, b, NET_NONE, 0, k);
      break;
    }
    if (F.inv[i] && is_out[i])  /* an output's inverter in its layer (the HLS C's functions) */
      value_of(&F, (NetId)i);
  }
  net->layer = -1;
  NetId *final = malloc(sizeof *final * (size_t)(old->nnodes + 1));
  if (!final)
    die("out of memory");
  for (int64_t i = 0; i < old->nnodes; i++)  /* outputs and elements: complements made */
    final[i] = F.map[i];
  for (int p = 0; p < old->nout; p++)
    for (int64_t e = 0; e < old->out[p].n; e++)
      final[old->out[p].el[e]] = value_of(&F, old->out[p].el[e]);
  net_remap(net, old, final);
  for (int v = 0; v < old->g->nvalues; v++)  /* a complement no node reads: no element */
    for (int64_t e = 0; old->elems[v] && e < value_numel(old->g->values[v]); e++) {
      NetId i = old->elems[v][e];
      if (i != NET_NONE && F.inv[i] && final[i] == F.map[i])
        net->elems[v][e] = F.not_of[F.map[i]];
    }
  free(F.map), free(F.inv), free(F.not_of), free(final), free(is_out), free(F.table);
  return net;
}

Net *fold_inverters(const Net *old) {
  return gate_sweep(old, 0);
}
