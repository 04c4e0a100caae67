/*
 * argmax_port - gives each GroupSum output of the netlist an argmax port:
 * the index of the largest class score of each row, the lowest index on
 * ties (numpy's and ONNX ArgMax's with select_last_index = 0), so that a
 * classifier's hardware delivers its decision, not only its scores.
 *
 * Algorithm.  An output port whose graph value a PopCount node (GroupSum,
 * lower_fixed) writes, of shape [rows, k], gets one index per row from a
 * balanced tournament over the (score, index) pairs of the row: the k
 * classes are split into a lower half of floor(k / 2) and an upper half,
 * each ranked recursively, and the two winners (L, R) meet in one GE and
 * two MUX nodes,
 *     ge = L.score >= R.score;  score = ge ? L.score : R.score;
 *     index = ge ? L.index : R.index,
 * so a tie goes to L, which holds the lower indices, and the lowest index
 * of the largest score wins at every level.  ceil(log2 k) comparison
 * levels (two logic levels each, compare then select: insert_registers
 * registers the tree level by level like any other logic); the indices
 * are constants at the leaves, so the index selects are as wide as the
 * indices they choose between; the root selects the index only.  The
 * nodes belong to the PopCount's layer (its Verilog module and its line
 * in bibc estimate).  The port (Net.argmax)
 * is an unsigned code of max(1, ceil(log2 k)) bits per row; it is no
 * graph value, so the graph, the interpreter and the C backends do not
 * change: the Verilog module prints it as its argmax port and
 * bibc verify checks it against the argmax of the reference scores.
 *
 * Requires: a netlist without registers (before insert_registers).
 * Provides: Net.argmax, one port per PopCount output (none if there is
 * none; a port already ranked is not ranked again).  Invalidates: node ids
 * (a new Net).  Cost: k - 1 comparisons and 2(k - 1) selects per row.
 */
#include <stdlib.h>

#include "../compiler.h"

typedef struct Pair {
  NetId score, index;
} Pair;

/* The winner of classes first .. first + n - 1 of a row (scores: their
 * nodes); the root's score is not needed (score: 0), so not built. */
static Pair tournament(Net *net, const NetId *scores, int64_t first, int64_t n, int score) {
  if (n == 1)
    return (Pair){scores[first], net_const(net, first)};
  Pair l = tournament(net, scores, first, n / 2, 1);
  Pair r = tournament(net, scores, first + n / 2, n - n / 2, 1);
  NetId ge = net_add(net, NET_GE, l.score, r.score, NET_NONE, 0, 0);
  return (Pair){score ? net_add(net, NET_MUX, ge, l.score, r.score, 0, 0) : NET_NONE,
                net_add(net, NET_MUX, ge, l.index, r.index, 0, 0)};
}

static int index_bits(int64_t k) {
  int b = 1;
  while (((int64_t)1 << b) < k)
    b++;
  return b;
}

/* The graph position of the PopCount node that writes output port p, or -1. */
static int popcount_layer(const Net *net, int p) {
  const Value *v = net->out[p].v;
  if (!v || !v->producer || v->producer->op != OP_POPCOUNT || v->rank != 2 || v->dims[1] < 1)
    return -1;
  for (int i = 0; i < net->g->nnodes; i++)
    if (net->g->nodes[i] == v->producer)
      return i;
  return -1;
}

Net *argmax_port(const Net *old) {
  Net *net = net_derive(old);
  NetId *map = malloc(sizeof *map * (size_t)(old->nnodes + 1));
  if (!map)
    die("out of memory");
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    if (n->op == NET_REG)
      die("argmax_port: the netlist is already pipelined");
    net->layer = n->layer;
    map[i] = net_copy_mapped(net, n, map);
  }
  net->layer = -1;
  net_remap(net, old, map);
  free(map);
  NetPort *ports = arena_alloc(net->arena, sizeof *ports * (size_t)(net->nargmax + net->nout + 1));
  for (int i = 0; i < net->nargmax; i++)
    ports[i] = net->argmax[i];
  for (int p = 0; p < net->nout; p++) {
    int layer = popcount_layer(net, p), done = 0;
    for (int i = 0; i < net->nargmax; i++)
      done |= ports[i].of == p;
    const Value *v = net->out[p].v;
    if (layer < 0 || done || v->dims[0] < 1 || v->dims[1] < 1)  /* no rows: no index */
      continue;
    int64_t rows = v->dims[0], k = v->dims[1];
    NetPort *m = &ports[net->nargmax++];
    *m = (NetPort){.v = NULL, .fx = {.sgn = 0, .w = index_bits(k), .f = 0}, .n = rows, .of = p};
    m->el = arena_alloc(net->arena, sizeof *m->el * (size_t)(rows + 1));
    net->layer = layer;
    for (int64_t r = 0; r < rows; r++)
      m->el[r] = tournament(net, net->out[p].el + r * k, 0, k, 0).index;
    net->layer = -1;
  }
  net->argmax = ports;
  net_verify(net);
  return net;
}
