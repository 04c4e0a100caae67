/*
 * prune - global magnitude pruning: of all N constant weights of the
 * graph's Conv, Gemm and MatMul nodes taken together, the k = floor(f N)
 * of smallest magnitude become zero (biases are kept).  Ranking over all
 * layers at once, rather than f per layer, lets layers with many small
 * weights lose more of them, the usual choice for trigger networks.
 *
 * Ties are broken deterministically: equal |w| are ordered by layer (node
 * order), then by element index, and the earlier ones are pruned first.
 * NaN ranks above every number (never pruned).  Weights already zero count
 * among the smallest, so they are part of the k.  A weight tensor read by
 * several layers is pruned once; the pruned copy replaces it in the layers
 * only (another reader keeps the original values).
 *
 * Zero weights then cost nothing in the fixed-point pipeline's interval
 * analysis (a zero product adds nothing to an accumulator's range), and
 * --dump-ir shows each constant's zero count.  The portable C backend's
 * kernels are dense, so it still multiplies by them (the note says so);
 * skipping them there needs a sparse kernel.
 *
 * Requires: infer_shapes.  Provides: the pruned weights.  Invalidates:
 * nothing.  Cost: O(N log N) for the sort.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../compiler.h"

typedef struct Cand {
  double mag;                /* |w|; NaN sorts last */
  int tensor;                /* index in the weight list (node order) */
  int64_t at;                /* element index */
} Cand;

static int cmp_cand(const void *pa, const void *pb) {
  const Cand *a = pa, *b = pb;
  int na = isnan(a->mag), nb = isnan(b->mag);
  if (na != nb)
    return na - nb;
  if (!na && a->mag != b->mag)
    return a->mag < b->mag ? -1 : 1;
  if (a->tensor != b->tensor)
    return a->tensor < b->tensor ? -1 : 1;
  return a->at < b->at ? -1 : a->at > b->at;
}

/* The weight operand of layer n (a constant), or -1. */
static int weight_input(const Node *n) {
  if (n->op == OP_CONV || n->op == OP_GEMM)
    return n->nin > 1 && n->in[1]->data ? 1 : -1;
  if (n->op == OP_MATMUL)
    return n->in[1]->data ? 1 : n->in[0]->data ? 0 : -1;
  return -1;
}

void prune(Graph *g, double fraction) {
  Value **ws = arena_alloc(g->arena, sizeof *ws * (size_t)(g->nvalues + 1));
  Value **copy = arena_alloc(g->arena, sizeof *copy * (size_t)(g->nvalues + 1));
  int nw = 0, nold = g->nvalues;
  int64_t total = 0;
  for (int i = 0; i < g->nnodes; i++) {
    int k = weight_input(g->nodes[i]);
    if (k < 0 || copy[g->nodes[i]->in[k]->id])
      continue;
    Value *w = g->nodes[i]->in[k], *c = value_new(g, arena_printf(g->arena, "%s.pruned", w->name));
    size_t bytes = (size_t)value_numel(w) * dtype_size(w->dt);
    c->dt = w->dt;
    c->rank = w->rank;
    memcpy(c->dims, w->dims, sizeof c->dims);
    c->shape_known = 1;
    c->data = arena_alloc(g->arena, bytes ? bytes : 1);
    memcpy(c->data, w->data, bytes);
    copy[w->id] = c;
    ws[nw++] = c;
    total += value_numel(w);
  }
  int64_t k = (int64_t)floor(fraction * (double)total);
  if (k <= 0) {
    note(g->file, "prune: %g of %lld weights is none; nothing pruned", fraction, (long long)total);
    return;
  }
  Cand *cs = malloc(sizeof *cs * (size_t)total);
  if (!cs)
    die("out of memory");
  int64_t nc = 0, zero_before = 0;
  for (int t = 0; t < nw; t++)
    for (int64_t e = 0; e < value_numel(ws[t]); e++) {
      double v = value_get_f64(ws[t], e);
      zero_before += v == 0;
      cs[nc++] = (Cand){fabs(v), t, e};
    }
  qsort(cs, (size_t)nc, sizeof *cs, cmp_cand);
  for (int64_t i = 0; i < k; i++) {
    Value *w = ws[cs[i].tensor];
    size_t es = dtype_size(w->dt);
    memset((char *)w->data + es * (size_t)cs[i].at, 0, es);  /* +0 in every numeric type */
  }
  double cut = cs[k - 1].mag;
  free(cs);
  for (int i = 0; i < g->nnodes; i++) {
    int j = weight_input(g->nodes[i]);
    if (j >= 0 && g->nodes[i]->in[j]->id < nold && copy[g->nodes[i]->in[j]->id]) {
      g->nodes[i]->in[j] = copy[g->nodes[i]->in[j]->id];
      infer_node(g, g->nodes[i]);  /* the kernel arguments name the new constant */
    }
  }
  graph_count_uses(g);
  note(g->file, "prune: %lld of %lld weights are zero now (%lld were before), |w| <= %g; they "
       "add nothing to fixed-point ranges, but the portable C kernels are dense and still "
       "multiply by them", (long long)k, (long long)total, (long long)zero_before, cut);
}
