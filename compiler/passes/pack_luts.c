/*
 * pack_luts - covers the logic gates of the netlist (GATE nodes: the
 * two-input neurons of a logic-gate network) with K-input lookup tables
 * (LUT nodes), K = 6 for an AMD 7-series FPGA and 4 for an iCE40: the
 * netlist then counts and times what the FPGA will hold, and the Verilog
 * and HLS C print one table per LUT.
 *
 * Algorithm: priority cuts with area recovery (Mishchenko, Cho, Chatterjee
 * and Brayton, "Combinational and sequential mapping with priority cuts",
 * ICCAD 2007; abc's 'if' mapper).
 *  1. Cuts.  A cut of gate n is a set of at most K leaves such that every
 *     path from an input to n passes through one: n is then a function of
 *     its leaves.  In topological order, each live gate merges its two
 *     operands' cut sets: a gate operand x gives its own cuts and the
 *     trivial cut {x}, any other node (an input bit, a comparison) only
 *     {x}, and a constant the empty cut (its value goes into the table).
 *     Merged cuts of more than K leaves are dropped, so are those that
 *     contain a better cut already kept (dominated), and only the C best
 *     are kept (priority cuts, C = 8 as in abc); {a, b} itself is always
 *     among the candidates, so every gate has a cut.
 *  2. Cost, in this order:
 *       area flow  af(cut) = 1 + sum over its gate leaves l of af(l) / refs(l),
 *                  af(l) the area flow of l's best cut and refs(l) its
 *                  readers (nodes and output ports): the LUTs the cone
 *                  costs, a LUT shared by several readers counted once in
 *                  all;
 *       depth      1 + the largest depth of a gate leaf (other leaves 0);
 *       leaves     fewer first.
 *     Area first because the LUT count is what the mapping is for (and
 *     what Yosys is measured on); depth second because a deeper cover costs
 *     pipeline registers (insert_registers), not correctness; fewer leaves
 *     last, as a smaller LUT leaves more room to later cuts.
 *  3. Cover.  The roots are the live gates read by another kind of node
 *     (GroupSum's adders) or by an output port.  From the last node back,
 *     each root or needed gate takes its best cut, whose gate leaves are
 *     needed in turn.  Every other gate is inside some LUT's cone.
 *  4. Area recovery.  FLOW_ROUNDS times, refs(l) moves toward l's readers
 *     in the cover found (refs = (refs + 2 * readers) / 3, abc's estimated
 *     references) and steps 1 and 3 run again; then EXACT_ROUNDS times,
 *     each gate of the cover in topological order takes, among its C cuts,
 *     the one that adds the fewest LUTs to the cover as the other gates
 *     have chosen (exact local area: reference counts of the cover, a
 *     leaf's own cut counted when it gains its first reader), then the
 *     shallowest.  On the 784-input 6 x 8,000-gate random network of
 *     bench/lgn: 7,531 LUT6 after step 3, 7,286 after the flow rounds,
 *     7,026 after the exact ones, at the same 5 LUT levels.
 *  5. Tables.  Each chosen cut becomes one LUT (net_lut): its table is the
 *     cone simulated on all 2^K assignments of the leaves at once, one bit
 *     per assignment in a 64-bit word (leaf j: the word whose bit i is bit
 *     j of i; each gate the bitwise function of its operands' words).  A
 *     cone whose function is constant becomes a CONST, one that is the
 *     identity of a leaf that leaf.
 * Exact: each LUT is its cone's function on every assignment of its leaves,
 * so the netlist computes the same bits (tests/lgn: verify --target all;
 * tests/unit/pack_luts_test.c, exhaustively).
 *
 * Requires: a netlist without registers.  Provides: no live GATE node; LUT
 * nodes of at most K operands; Net.pack (gates, LUTs, LUT levels) for the
 * reports.  A net without GATE nodes is returned as it is.  Invalidates:
 * node ids; nodes no output needs are dropped, and a graph value's element
 * that was dropped or absorbed into a cone is NET_NONE (the HLS C skips it).
 * Cost: O(gates * C^2 * K) per round for the cuts, exact area about the
 * same, plus one walk of each chosen cone: 0.1 s for 17,000 live gates.
 */
#include <stdlib.h>
#include <string.h>

#include "../compiler.h"

#define NCUTS 8              /* priority cuts kept per gate */
#define FLOW_ROUNDS 2        /* area flow recovery rounds after the first cover */
#define EXACT_ROUNDS 2       /* exact local area rounds after those */

typedef struct Cut {
  NetId leaf[NET_MAXARGS];   /* sorted node ids */
  int n;                     /* leaves */
  int depth;                 /* LUT levels to the deepest gate leaf, this LUT included */
  double af;                 /* area flow */
} Cut;

typedef struct Packer {
  const Net *old;
  int k;                     /* LUT inputs at most */
  int32_t *gate;             /* per node: index of a live GATE's cuts, or -1 */
  Cut *cuts;                 /* NCUTS per live gate, best first */
  int *ncuts;
  double *refs;              /* per node: its readers, estimated (step 4 above) */
  int32_t *ext;              /* per node: readers that are not gates (nodes, output ports) */
  int32_t *mref;             /* per node: its readers in the cover (exact area) */
  double *flow;              /* per node: af(best cut) / refs (0 for other nodes) */
  int *depth;                /* per node: depth of its best cut (0 for other nodes) */
} Packer;

/* The cuts node x offers a reader: its own (a gate's) and {x}; a constant {}. */
static int offered(const Packer *P, NetId x, Cut *out) {
  const NetNode *n = &P->old->nodes[x];
  if (n->op == NET_CONST) {
    out[0] = (Cut){.n = 0};
    return 1;
  }
  int m = 0;
  if (P->gate[x] >= 0)
    for (int i = 0; i < P->ncuts[P->gate[x]]; i++)
      out[m++] = P->cuts[(int64_t)P->gate[x] * NCUTS + i];
  out[m] = (Cut){.leaf = {x}, .n = 1};
  return m + 1;
}

/* The union of cuts a and b in r; 0 if it has more than k leaves. */
static int merge(const Cut *a, const Cut *b, int k, Cut *r) {
  int i = 0, j = 0, n = 0;
  while (i < a->n || j < b->n) {
    NetId x = j >= b->n || (i < a->n && a->leaf[i] < b->leaf[j]) ? a->leaf[i] : b->leaf[j];
    i += i < a->n && a->leaf[i] == x;
    j += j < b->n && b->leaf[j] == x;
    if (n == k)
      return 0;
    r->leaf[n++] = x;
  }
  r->n = n;
  return 1;
}

/* Cut c's area flow and depth from its leaves' (step 2). */
static void cost(const Packer *P, Cut *c) {
  c->af = 1;
  c->depth = 1;
  for (int i = 0; i < c->n; i++) {
    NetId l = c->leaf[i];
    c->af += P->flow[l];
    c->depth = P->depth[l] + 1 > c->depth ? P->depth[l] + 1 : c->depth;
  }
}

/* Is x ranked before y: less area flow, then less depth, then fewer leaves? */
static int better(const Cut *x, const Cut *y) {
  if (x->af != y->af)
    return x->af < y->af;
  if (x->depth != y->depth)
    return x->depth < y->depth;
  return x->n < y->n;
}

/* Is every leaf of a in b? */
static int subset(const Cut *a, const Cut *b) {
  int j = 0;
  for (int i = 0; i < a->n; i++) {
    while (j < b->n && b->leaf[j] < a->leaf[i])
      j++;
    if (j == b->n || b->leaf[j] != a->leaf[i])
      return 0;
  }
  return 1;
}

/* Gate id's priority cuts from its operands' (which come first). */
static void enumerate(Packer *P, NetId id) {
  const NetNode *n = &P->old->nodes[id];
  Cut ca[NCUTS + 1], cb[NCUTS + 1], cand[(NCUTS + 1) * (NCUTS + 1)];
  int na = offered(P, n->a, ca), nb = offered(P, n->b, cb), nc = 0;
  for (int i = 0; i < na; i++)
    for (int j = 0; j < nb; j++)
      if (merge(&ca[i], &cb[j], P->k, &cand[nc])) {
        cost(P, &cand[nc]);
        nc++;
      }
  for (int i = 1; i < nc; i++) {  /* insertion sort, best first: at most 81 */
    Cut c = cand[i];
    int j = i;
    for (; j > 0 && better(&c, &cand[j - 1]); j--)
      cand[j] = cand[j - 1];
    cand[j] = c;
  }
  Cut *kept = &P->cuts[(int64_t)P->gate[id] * NCUTS];
  int m = 0;
  for (int i = 0; i < nc && m < NCUTS; i++) {
    int dominated = 0;
    for (int j = 0; j < m && !dominated; j++)
      dominated = subset(&kept[j], &cand[i]);
    if (!dominated)
      kept[m++] = cand[i];
  }
  if (m == 0)
    die("pack_luts: node %d has no cut", id);
  P->ncuts[P->gate[id]] = m;
  P->flow[id] = kept[0].af / (P->refs[id] > 1 ? P->refs[id] : 1);
  P->depth[id] = kept[0].depth;
}

/* The words of the 2^6 assignments: bit i of proj[j] is bit j of i. */
static const uint64_t proj[NET_MAXARGS] = {
  0xaaaaaaaaaaaaaaaaULL, 0xccccccccccccccccULL, 0xf0f0f0f0f0f0f0f0ULL,
  0xff00ff00ff00ff00ULL, 0xffff0000ffff0000ULL, 0xffffffff00000000ULL};

/* The truth table of root over the leaves of cut c (a 2^n-bit word):
 * the cone simulated on every assignment at once.  tt and mark are per
 * old node scratch; stack holds the walk (a node is pushed by each of its
 * readers in the cone at most once before it is done: 2 nn + 1 entries). */
static uint64_t table(const Packer *P, NetId root, const Cut *c, uint64_t *tt, NetId *mark,
                      NetId *stack) {
  const NetNode *nodes = P->old->nodes;
  for (int j = 0; j < c->n; j++)
    tt[c->leaf[j]] = proj[j], mark[c->leaf[j]] = root;
  int64_t sp = 0;
  stack[sp++] = root;
  while (sp) {  /* post-order: a gate is computed once both operands are */
    NetId x = stack[sp - 1];
    const NetNode *n = &nodes[x];
    if (mark[x] == root) {
      sp--;
      continue;
    }
    if (n->op == NET_CONST) {
      tt[x] = n->k ? ~(uint64_t)0 : 0;
      mark[x] = root;
      sp--;
      continue;
    }
    if (n->op != NET_GATE)
      die("pack_luts: node %d is in the cone of %d but not a gate", x, root);
    if (mark[n->a] != root || mark[n->b] != root) {
      if (mark[n->a] != root)
        stack[sp++] = n->a;
      if (mark[n->b] != root)
        stack[sp++] = n->b;
      continue;
    }
    uint64_t a = tt[n->a], b = tt[n->b], y = 0;
    for (int ab = 0; ab < 4; ab++)  /* gate k: bit 3 - ab of k is its value on a, b = ab */
      if (n->k >> (3 - ab) & 1)
        y |= (ab & 2 ? a : ~a) & (ab & 1 ? b : ~b);
    tt[x] = y;
    mark[x] = root;
    sp--;
  }
  uint64_t t = tt[root];
  return c->n < NET_MAXARGS ? t & (((uint64_t)1 << (1 << c->n)) - 1) : t;
}

/* The LUTs that cut c adds to the cover (dir 1: referencing its leaves)
 * or takes away (dir -1): itself and, recursively, each gate leaf's chosen
 * cut when that leaf gains its first reader or loses its last. */
static int64_t area_walk(Packer *P, const Cut *c, int dir) {
  int64_t area = 1;
  for (int j = 0; j < c->n; j++) {
    NetId l = c->leaf[j];
    if (P->gate[l] < 0)
      continue;
    if (dir > 0 ? P->mref[l]++ == 0 : --P->mref[l] == 0)
      area += area_walk(P, &P->cuts[(int64_t)P->gate[l] * NCUTS], dir);
  }
  return area;
}

/* Exact local area: each gate of the cover, in order, takes the cut that
 * adds the fewest LUTs given the others' choices (then the shallowest). */
static void exact_area(Packer *P, char *need) {
  const Net *old = P->old;
  memset(P->mref, 0, sizeof *P->mref * (size_t)(old->nnodes + 1));
  for (int64_t i = 0; i < old->nnodes; i++) {
    P->mref[i] += P->ext[i];
    if (P->gate[i] >= 0 && need[i]) {
      const Cut *c = &P->cuts[(int64_t)P->gate[i] * NCUTS];
      for (int j = 0; j < c->n; j++)
        P->mref[c->leaf[j]]++;
    }
  }
  for (int64_t i = 0; i < old->nnodes; i++) {
    if (P->gate[i] < 0 || P->mref[i] == 0)
      continue;
    Cut *cuts = &P->cuts[(int64_t)P->gate[i] * NCUTS];
    area_walk(P, &cuts[0], -1);
    int best = 0;
    int64_t best_area = -1;
    for (int k = 0; k < P->ncuts[P->gate[i]]; k++) {
      cost(P, &cuts[k]);
      int64_t a = area_walk(P, &cuts[k], 1);
      area_walk(P, &cuts[k], -1);
      if (best_area < 0 || a < best_area || (a == best_area && cuts[k].depth < cuts[best].depth))
        best = k, best_area = a;
    }
    Cut t = cuts[0];
    cuts[0] = cuts[best], cuts[best] = t;
    area_walk(P, &cuts[0], 1);
    P->depth[i] = cuts[0].depth;
  }
  for (int64_t i = 0; i < old->nnodes; i++)
    need[i] = P->gate[i] >= 0 && P->mref[i] > 0;
}

/* LUTs on the longest path of net (its nodes in topological order). */
static int lut_levels(const Net *net) {
  int *lev = calloc((size_t)net->nnodes + 1, sizeof *lev), best = 0;
  if (!lev)
    die("out of memory");
  for (int64_t i = 0; i < net->nnodes; i++) {
    NetId x[NET_MAXARGS];
    for (int j = 0, na = net_args(&net->nodes[i], x); j < na; j++)
      lev[i] = lev[x[j]] > lev[i] ? lev[x[j]] : lev[i];
    lev[i] += net->nodes[i].op == NET_LUT;
    best = lev[i] > best ? lev[i] : best;
  }
  free(lev);
  return best;
}

/* Each node's readers among the live nodes and output ports: all of them
 * (refs), and those that are not gates (ext: they make a gate a root). */
static void count_readers(Packer *P, const char *live) {
  const Net *old = P->old;
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    NetId x[NET_MAXARGS];
    for (int j = 0, na = net_args(n, x); live[i] && j < na; j++) {
      P->refs[x[j]]++;
      P->ext[x[j]] += n->op != NET_GATE;
    }
  }
  for (int p = 0; p < old->nout; p++)
    for (int64_t e = 0; e < old->out[p].n; e++) {
      P->refs[old->out[p].el[e]]++;
      P->ext[old->out[p].el[e]]++;
    }
}

/* Steps 1 and 3: every gate's cuts, then the cover from the roots. */
static void map_gates(Packer *P, char *need) {
  const Net *old = P->old;
  for (int64_t i = 0; i < old->nnodes; i++)
    if (P->gate[i] >= 0)
      enumerate(P, (NetId)i);
  memset(need, 0, (size_t)old->nnodes + 1);
  for (int64_t i = old->nnodes - 1; i >= 0; i--) {
    if (P->gate[i] < 0 || !(P->ext[i] || need[i]))
      continue;
    need[i] = 1;
    const Cut *c = &P->cuts[(int64_t)P->gate[i] * NCUTS];
    for (int j = 0; j < c->n; j++)
      need[c->leaf[j]] |= P->gate[c->leaf[j]] >= 0;
  }
}

/* refs toward the readers each node has in the cover (abc's estimate). */
static void estimate_refs(Packer *P, const char *need) {
  const Net *old = P->old;
  int32_t *act = calloc((size_t)old->nnodes + 1, sizeof *act);
  if (!act)
    die("out of memory");
  for (int64_t i = 0; i < old->nnodes; i++) {
    act[i] += P->ext[i];
    if (P->gate[i] < 0 || !need[i])
      continue;
    const Cut *c = &P->cuts[(int64_t)P->gate[i] * NCUTS];
    for (int j = 0; j < c->n; j++)
      act[c->leaf[j]]++;
  }
  for (int64_t i = 0; i < old->nnodes; i++)
    P->refs[i] = (P->refs[i] + 2 * act[i]) / 3;
  free(act);
}

/* Step 5: the new net, with inputs, constants and the live nodes, each
 * needed gate as the LUT of its cut; the rest map to NET_NONE. */
static Net *rebuild(const Packer *P, const char *live, const char *need) {
  const Net *old = P->old;
  int64_t nn = old->nnodes + 1;
  Net *net = net_derive(old);
  NetId *map = malloc(sizeof *map * (size_t)nn), *mark = malloc(sizeof *mark * (size_t)nn);
  NetId *stack = malloc(sizeof *stack * (size_t)(2 * nn));
  uint64_t *tt = malloc(sizeof *tt * (size_t)nn);
  if (!map || !mark || !stack || !tt)
    die("out of memory");
  for (int64_t i = 0; i < old->nnodes; i++)
    mark[i] = NET_NONE;
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    net->layer = n->layer;
    map[i] = NET_NONE;
    if (n->op == NET_INPUT || n->op == NET_CONST || (live[i] && n->op != NET_GATE)) {
      map[i] = net_copy_mapped(net, n, map);
    } else if (P->gate[i] >= 0 && need[i]) {
      const Cut *c = &P->cuts[(int64_t)P->gate[i] * NCUTS];
      NetId x[NET_MAXARGS];
      for (int j = 0; j < c->n; j++)
        x[j] = map[c->leaf[j]];
      map[i] = net_lut(net, x, c->n, table(P, (NetId)i, c, tt, mark, stack));
    }
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map), free(mark), free(stack), free(tt);
  return net;
}

Net *pack_luts(const Net *old, int k) {
  if (k < 2 || k > NET_MAXARGS)
    die("pack_luts: K = %d", k);
  int64_t nn = old->nnodes + 1, ngates = 0;
  for (int64_t i = 0; i < old->nnodes && !ngates; i++)
    ngates += old->nodes[i].op == NET_GATE;
  if (!ngates)
    return (Net *)old;
  Packer P = {.old = old, .k = k};
  char *live = net_live(old), *need = calloc((size_t)nn, 1);
  P.gate = malloc(sizeof *P.gate * (size_t)nn);
  P.refs = calloc((size_t)nn, sizeof *P.refs);
  P.ext = calloc((size_t)nn, sizeof *P.ext);
  P.mref = calloc((size_t)nn, sizeof *P.mref);
  P.flow = calloc((size_t)nn, sizeof *P.flow);
  P.depth = calloc((size_t)nn, sizeof *P.depth);
  if (!need || !P.gate || !P.refs || !P.ext || !P.mref || !P.flow || !P.depth)
    die("out of memory");
  ngates = 0;
  for (int64_t i = 0; i < old->nnodes; i++) {
    if (old->nodes[i].op == NET_REG)
      die("pack_luts: the netlist is already pipelined");
    P.gate[i] = live[i] && old->nodes[i].op == NET_GATE ? (int32_t)ngates++ : -1;
  }
  P.cuts = malloc(sizeof *P.cuts * (size_t)(ngates * NCUTS + 1));
  P.ncuts = calloc((size_t)ngates + 1, sizeof *P.ncuts);
  if (!P.cuts || !P.ncuts)
    die("out of memory");
  count_readers(&P, live);
  map_gates(&P, need);
  for (int r = 0; r < FLOW_ROUNDS; r++) {
    estimate_refs(&P, need);
    map_gates(&P, need);
  }
  for (int r = 0; r < EXACT_ROUNDS; r++)
    exact_area(&P, need);
  Net *net = rebuild(&P, live, need);
  net->pack = (NetPack){.k = k, .gates = ngates, .levels = lut_levels(net)};
  for (int64_t i = 0; i < net->nnodes; i++)
    net->pack.luts += net->nodes[i].op == NET_LUT;
  free(live), free(need), free(P.gate), free(P.refs), free(P.ext), free(P.mref), free(P.flow);
  free(P.depth), free(P.cuts), free(P.ncuts);
  net_verify(net);
  return net;
}
