/*
 * rebuild_popcounts - each GroupSum count is rebuilt from the bits the
 * gate-level passes left it.
 *
 * build_net sums a group's bits as written (net->raw_gates: no gate is
 * known to be constant or equal to another yet).  After
 * propagate_gate_constants, fold_inverters and hash_gates, some of those
 * bits are constants and some are one node counted several times.  This
 * pass flattens each count (a tree of ADD and SHL nodes of the PopCount's
 * layer whose inner nodes have one reader) to sum_i m_i * x_i + c, then
 * builds it again as build_popcount would have: one leaf x << b per set
 * bit b of m (a wired shift), the constants as one leaf, the last, and a
 * balanced adder tree of ceil(log2 leaves) levels (net_sum).
 *
 * Requires: a netlist without registers (after hash_gates).  Provides:
 * every PopCount count is a balanced tree over distinct leaves and at most
 * one constant.  Exact (same integers).  Invalidates: netlist node ids.
 * Cost: linear in nodes.
 */
#include <stdlib.h>

#include "../compiler.h"

typedef struct Flat {
  const Net *old;
  const NetId *map;
  const char *inner;         /* old id: absorbed into its reader's count */
  NetId *leaf;               /* distinct leaves (new ids), first seen first */
  int64_t *mult, nleaf;      /* their multiplicities */
  int64_t *slot, capslot;    /* new id -> leaf index + 1 */
  int64_t c;                 /* the constants */
} Flat;

static void flatten(Flat *F, NetId id, int64_t w);

/* The terms of ADD or SHL node id, of weight w. */
static void flatten_node(Flat *F, NetId id, int64_t w) {
  const NetNode *n = &F->old->nodes[id];
  if (n->op == NET_SHL) {
    flatten(F, n->a, w << n->s);
  } else {
    flatten(F, n->a, w);
    flatten(F, n->b, w << n->s);
  }
}

static void flatten(Flat *F, NetId id, int64_t w) {
  const NetNode *n = &F->old->nodes[id];
  if (n->op == NET_CONST) {
    F->c += n->k * w;
    return;
  }
  if (F->inner[id]) {
    flatten_node(F, id, w);
    return;
  }
  NetId x = F->map[id];
  if (x >= F->capslot) {
    int64_t cap = 2 * (int64_t)x + 16;
    F->slot = realloc(F->slot, sizeof *F->slot * (size_t)cap);
    if (!F->slot)
      die("out of memory");
    for (int64_t i = F->capslot; i < cap; i++)
      F->slot[i] = 0;
    F->capslot = cap;
  }
  if (!F->slot[x]) {
    F->leaf[F->nleaf] = x;
    F->mult[F->nleaf] = 0;
    F->slot[x] = ++F->nleaf;
  }
  F->mult[F->slot[x] - 1] += w;
}

Net *rebuild_popcounts(const Net *old) {
  Net *net = net_derive(old);
  const Graph *g = old->g;
  int64_t nn = old->nnodes + 1;
  NetId *map = malloc(sizeof *map * (size_t)nn), *reader = malloc(sizeof *reader * (size_t)nn);
  int32_t *uses = malloc(sizeof *uses * (size_t)nn);
  char *inner = calloc((size_t)nn, 1);
  Flat F = {.old = old, .map = map, .inner = inner};
  F.leaf = malloc(sizeof *F.leaf * (size_t)nn);
  F.mult = malloc(sizeof *F.mult * (size_t)nn);
  if (!map || !reader || !uses || !inner || !F.leaf || !F.mult)
    die("out of memory");
  net_uses(old, uses, reader);
  for (int64_t i = 0; i < old->nnodes; i++) {  /* inner: read once, by its count's tree */
    const NetNode *n = &old->nodes[i];
    int pc = n->layer >= 0 && g->nodes[n->layer]->op == OP_POPCOUNT;
    inner[i] = pc && (n->op == NET_ADD || n->op == NET_SHL) && uses[i] == 1 &&
               old->nodes[reader[i]].layer == n->layer &&
               (old->nodes[reader[i]].op == NET_ADD || old->nodes[reader[i]].op == NET_SHL);
  }
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    net->layer = n->layer;
    int pc = n->layer >= 0 && g->nodes[n->layer]->op == OP_POPCOUNT;
    if (inner[i]) {
      map[i] = NET_NONE;
      continue;
    }
    if (!pc || (n->op != NET_ADD && n->op != NET_SHL)) {
      map[i] = net_copy_mapped(net, n, map);
      continue;
    }
    F.nleaf = 0, F.c = 0;  /* a count: its leaves, then the tree */
    flatten_node(&F, (NetId)i, 1);
    int64_t nt = 0;
    int64_t *coef = malloc(sizeof *coef * (size_t)(62 * F.nleaf + 1));
    NetId *term = malloc(sizeof *term * (size_t)(62 * F.nleaf + 1));
    if (!coef || !term)
      die("out of memory");
    for (int64_t j = 0; j < F.nleaf; j++) {
      F.slot[F.leaf[j]] = 0;
      for (int b = 0; b < 62 && F.mult[j] >> b; b++)
        if (F.mult[j] >> b & 1)
          term[nt] = b ? net_add(net, NET_SHL, F.leaf[j], NET_NONE, NET_NONE, b, 0) : F.leaf[j],
          coef[nt++] = 1;
    }
    if (F.c)  /* a leaf, not an adder after the tree */
      term[nt] = net_const(net, F.c), coef[nt++] = 1;
    map[i] = net_sum(net, term, coef, nt, 0);
    free(coef), free(term);
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map), free(reader), free(uses), free(inner), free(F.leaf), free(F.mult), free(F.slot);
  return net;
}
