/*
 * lut_neurons - LogicNets-style neurons: every quantized neuron whose
 * inputs total at most B bits (--lut-neurons: B = 12; --lut-neuron-bits B)
 * becomes its truth table, a TABLE node indexed by the concatenation of
 * its input codes, instead of its products, sums, rounding and activation.
 *
 * Neurons.  The boundary nodes are the core's inputs, the elements of
 * every value a MatMul, SparseMatMul or Conv reads as its variable operand
 * (a layer's input activations), and the output ports' elements.  A
 * neuron is a live boundary node that computes (not an input or a
 * constant); its inputs are the boundary nodes its cone reaches going back
 * through the nodes that are not boundary nodes (constants are part of the
 * cone).  A zero weight makes no product, so a pruned neuron
 * (--prune-fanin N) reads only its N inputs: with 2-bit activations, six
 * of them are 12 bits.  A cone of pure wiring (no logic level) stays.
 *
 * Tables.  The inputs, in node order, give the index: input j's two's
 * complement code (its node's width w_j, after the passes before this one
 * narrowed it) at bits off_j .. off_j + w_j - 1 (a WRAP to w_j unsigned
 * bits for a signed input, CAT nodes to join them: wires).  Entry i is the
 * neuron's value when every input holds its code in i (clamped into the
 * input's interval: codes an input never takes repeat a neighbour's
 * entry), computed by evaluating the cone node by node with net_eval_node,
 * so the table is the arithmetic form's function bit for bit.  A neuron
 * that is another's input is that neuron's input as a table too.
 *
 * An input that an earlier table made a constant (its table had one
 * value) is no index bit.  Bounds.  A cone of more than 65,536 nodes, or
 * more input bits than B, stays arithmetic (counted as 'over').  At most
 * 2^22 entries in all (a table equal to one made before adds none) and
 * 2^28 node evaluations: past them, neurons stay
 * arithmetic (counted as 'budget', and the report says so); so memory
 * stays under 40 MB and time a few seconds.  Nodes that no output needs
 * any more are dropped.
 *
 * With --lut-neurons-auto, a neuron that fits becomes a table only where
 * the cost model (net_table_luts for the table, the netlist cost model for
 * its cone as built, a product by a constant as the adders of its
 * canonical signed digits: net_nodes_lut) finds the table cheaper; the others are
 * counted as 'cheaper as arithmetic'.
 *
 * Report (Net.neurons): 'lut_neurons: T of N neurons as tables (at most B
 * input bits), E entries, O over B bits' in bibc estimate and --dump-net.
 *
 * Requires: a netlist without registers (before da and insert_registers).
 * Provides: TABLE nodes for the neurons that fit.  Exact: the outputs are
 * the same integers.  Invalidates: netlist node ids.  Cost: the sum over
 * neurons of cone size x 2^(input bits), bounded as above.
 */
#include <stdlib.h>
#include <string.h>

#include "../compiler.h"

#define MAX_CONE ((int64_t)1 << 16)   /* nodes of one neuron's cone */
#define MAX_ENTRIES ((int64_t)1 << 22) /* table entries in all */
#define MAX_EVALS ((int64_t)1 << 28)   /* node evaluations in all */

typedef struct Lut {
  const Net *old;
  Net *net;                  /* being built */
  NetId *map;                /* old id -> new id */
  char *boundary;            /* per old node */
  int64_t *stamp;            /* per old node: the neuron that visited it last, + 1 */
  NetId *stack, *cone, *leaf;
  NetId *wrap;               /* per old node: its code as unsigned bits in the new net (the
                              * last layer's), or NET_NONE */
  int64_t ncone, nleaf;
  int64_t *val;              /* per old node: its value in the evaluation */
  int64_t *entries;          /* one table */
  int64_t evals;             /* node evaluations so far */
} Lut;

static int cmp_id(const void *a, const void *b) {
  NetId x = *(const NetId *)a, y = *(const NetId *)b;
  return x < y ? -1 : x > y;
}

/* Marks the core's inputs, the variable operands' elements of every
 * MatMul, SparseMatMul and Conv, and the outputs. */
static void mark_boundary(Lut *L) {
  const Net *old = L->old;
  const Graph *g = old->g;
  for (int64_t i = 0; i < old->nnodes; i++)
    L->boundary[i] = old->nodes[i].op == NET_INPUT;
#define MARK(id) (L->boundary[id] |= old->nodes[id].op != NET_CONST)
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (!old->split.core[i] || (n->op != OP_MATMUL && n->op != OP_SPMATMUL && n->op != OP_CONV))
      continue;
    for (int j = 0; j < n->nin && j < 2; j++) {
      const Value *v = n->in[j];
      if (!v || v->data || !old->elems[v->id])
        continue;
      for (int64_t e = 0; e < value_numel(v); e++)
        if (old->elems[v->id][e] != NET_NONE)
          MARK(old->elems[v->id][e]);
    }
  }
  for (int p = 0; p < old->nout; p++)
    for (int64_t e = 0; e < old->out[p].n; e++)
      MARK(old->out[p].el[e]);
#undef MARK
}

/* The cone of neuron r: L->cone (r and the nodes between it and its
 * inputs, constants included, in id order) and L->leaf (its inputs, in id
 * order).  0 when the cone does no logic, -1 when it is too big. */
static int find_cone(Lut *L, NetId r) {
  const Net *old = L->old;
  int64_t sp = 0, depth = 0;
  L->ncone = L->nleaf = 0;
  L->stamp[r] = r + 1;
  L->stack[sp++] = r;
  while (sp) {
    NetId id = L->stack[--sp];
    const NetNode *n = &old->nodes[id];
    if (L->ncone == MAX_CONE)
      return -1;
    L->cone[L->ncone++] = id;
    depth += net_node_depth(n);
    NetId args[NET_MAXARGS];
    for (int j = 0, na = net_args(n, args); j < na; j++) {
      NetId x = args[j];
      if (L->stamp[x] == r + 1)
        continue;
      L->stamp[x] = r + 1;
      if (L->boundary[x])
        L->leaf[L->nleaf++] = x;
      else
        L->stack[sp++] = x;
    }
  }
  qsort(L->cone, (size_t)L->ncone, sizeof *L->cone, cmp_id);
  qsort(L->leaf, (size_t)L->nleaf, sizeof *L->leaf, cmp_id);
  return depth > 0;
}

/* Drops the inputs whose node in the new net is a constant (a neuron
 * before, whose table was constant), setting their values. */
static void fix_constants(Lut *L) {
  int64_t m = 0;
  for (int64_t j = 0; j < L->nleaf; j++) {
    const NetNode *x = &L->net->nodes[L->map[L->leaf[j]]];
    if (x->op == NET_CONST)
      L->val[L->leaf[j]] = x->k;
    else
      L->leaf[m++] = L->leaf[j];
  }
  L->nleaf = m;
}

/* Neuron r's table over the new net's input nodes (their widths and
 * intervals, bits in all) into L->entries. */
static void fill_table(Lut *L, NetId r, int bits) {
  const Net *old = L->old;
  for (int64_t i = 0; i < (int64_t)1 << bits; i++) {
    int off = 0;
    for (int64_t j = 0; j < L->nleaf; j++) {
      const NetNode *x = &L->net->nodes[L->map[L->leaf[j]]];
      uint64_t code = (uint64_t)i >> off & (((uint64_t)1 << x->w) - 1);
      int64_t v = x->sgn && code >> (x->w - 1) ? (int64_t)code - ((int64_t)1 << x->w) : (int64_t)code;
      L->val[L->leaf[j]] = v < x->lo ? x->lo : v > x->hi ? x->hi : v;
      off += x->w;
    }
    for (int64_t c = 0; c < L->ncone; c++)
      L->val[L->cone[c]] = net_eval_node(old, &old->nodes[L->cone[c]], L->val);
    L->entries[i] = L->val[r];
  }
  L->evals += L->ncone << bits;
}

/* The index of neuron r's table in the new net: its inputs' codes joined. */
static NetId index_of(Lut *L) {
  NetId idx = NET_NONE;
  int off = 0;
  for (int64_t j = 0; j < L->nleaf; j++) {
    NetId x = L->map[L->leaf[j]];
    const NetNode *n = &L->net->nodes[x];
    int w = n->w;
    if (n->sgn) {  /* one WRAP per input and layer (the HLS C's functions are layers) */
      NetId *wr = &L->wrap[L->leaf[j]];
      if (*wr == NET_NONE || L->net->nodes[*wr].layer != L->net->layer)
        *wr = net_add(L->net, NET_WRAP, x, NET_NONE, NET_NONE, w, 0);
      x = *wr;
    }
    idx = idx == NET_NONE ? x : net_add(L->net, NET_CAT, idx, x, NET_NONE, off, 0);
    off += w;
  }
  return idx;
}

/* Neuron r into the new net as a table, if it fits; else 0. */
static int tabulate(Lut *L, NetId r, int maxbits) {
  NetNeurons *s = &L->net->neurons;
  fix_constants(L);
  int bits = 0;
  for (int64_t j = 0; j < L->nleaf; j++)
    bits += L->net->nodes[L->map[L->leaf[j]]].w;
  if (bits > maxbits) {
    s->over++;
    return 0;
  }
  if (s->entries + ((int64_t)1 << bits) > MAX_ENTRIES || L->evals + (L->ncone << bits) > MAX_EVALS) {
    s->budget++;
    return 0;
  }
  fill_table(L, r, bits);
  if (s->auto_) {  /* the cost model's LUTs both ways */
    NetTable t = {.bits = bits, .v = L->entries};
    if ((double)net_table_luts(&t) >= net_nodes_lut(L->old, L->cone, L->ncone)) {  /* ties: adders */
      s->cheaper++;
      return 0;
    }
  }
  int64_t known = L->net->ntables;
  NetId t = L->nleaf ? net_table(L->net, index_of(L), L->entries) : net_const(L->net, L->entries[0]);
  L->map[r] = t;
  s->tables++;
  if (L->net->nodes[t].op == NET_TABLE) {  /* else a constant: no entries */
    s->entries += L->net->ntables > known ? (int64_t)1 << bits : 0;  /* an equal table: none */
    s->maxbits = bits > s->maxbits ? bits : s->maxbits;
  } else {
    s->constant++;
  }
  return 1;
}

/* A copy of net without the nodes no output needs (inputs stay). */
static Net *drop_dead(const Net *old) {
  Net *net = net_derive(old);
  char *live = net_live(old);
  NetId *map = malloc(sizeof *map * (size_t)(old->nnodes + 1));
  if (!map)
    die("out of memory");
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    net->layer = n->layer;
    map[i] = live[i] || n->op == NET_INPUT ? net_copy_mapped(net, n, map) : NET_NONE;
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map), free(live);
  return net;
}

Net *lut_neurons(const Net *old, int maxbits, int cheaper_only) {
  if (maxbits < 1 || maxbits > NET_TABLE_MAXBITS)
    die("lut_neurons: %d bits", maxbits);
  size_t nn = (size_t)old->nnodes + 1;
  Lut L = {.old = old, .net = net_derive(old)};
  L.map = malloc(sizeof *L.map * nn), L.boundary = calloc(nn, 1);
  L.stamp = calloc(nn, sizeof *L.stamp), L.stack = malloc(sizeof *L.stack * nn);
  L.cone = malloc(sizeof *L.cone * nn), L.leaf = malloc(sizeof *L.leaf * nn);
  L.val = malloc(sizeof *L.val * nn), L.wrap = malloc(sizeof *L.wrap * nn);
  L.entries = malloc(sizeof *L.entries * ((size_t)1 << maxbits));
  char *live = net_live(old);
  if (!L.map || !L.boundary || !L.stamp || !L.stack || !L.cone || !L.leaf || !L.val || !L.wrap || !L.entries)
    die("out of memory");
  mark_boundary(&L);
  for (size_t i = 0; i < nn; i++)
    L.wrap[i] = NET_NONE;
  L.net->neurons = (NetNeurons){.bits = maxbits, .auto_ = cheaper_only};
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    if (n->op == NET_REG)
      die("lut_neurons: the netlist is already pipelined");
    L.net->layer = n->layer;
    int cone = L.boundary[i] && live[i] && n->op != NET_INPUT && n->op != NET_CONST ? find_cone(&L, (NetId)i) : 0;
    L.net->neurons.neurons += cone != 0;
    L.net->neurons.over += cone < 0;
    if (cone > 0 && tabulate(&L, (NetId)i, maxbits))
      continue;
    L.map[i] = net_copy_mapped(L.net, n, L.map);
  }
  L.net->layer = -1;
  net_remap(L.net, old, L.map);
  free(L.map), free(L.boundary), free(L.stamp), free(L.stack), free(L.cone), free(L.leaf);
  free(L.val), free(L.wrap), free(L.entries), free(live);
  net_verify(L.net);
  Net *net = drop_dead(L.net);
  net_verify(net);
  return net;
}
