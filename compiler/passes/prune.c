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
 * A model's own @prune annotations (a .bib file's, doc/dsl.md) change the
 * fractions: the model line's is the global f when --prune is not given,
 * and a layer with its own @prune(f) has its weights ranked apart, losing
 * floor(f N_layer) of them (a weight tensor several layers read goes with
 * the first of them).
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

/* Zeroes the floor(f * total) smallest of the weights ws[t] with
 * group[t] == grp; returns how many, *zero_before the zeros among them
 * before, *cut the largest |w| zeroed. */
static int64_t prune_group(Value **ws, const int *group, int nw, int grp, double f,
                           int64_t *total, int64_t *zero_before, double *cut) {
  *total = *zero_before = 0;
  for (int t = 0; t < nw; t++)
    *total += group[t] == grp ? value_numel(ws[t]) : 0;
  int64_t k = (int64_t)floor(f * (double)*total);
  if (k <= 0)
    return 0;
  Cand *cs = malloc(sizeof *cs * (size_t)*total);
  if (!cs)
    die("out of memory");
  int64_t nc = 0;
  for (int t = 0; t < nw; t++)
    for (int64_t e = 0; group[t] == grp && e < value_numel(ws[t]); e++) {
      double v = value_get_f64(ws[t], e);
      *zero_before += v == 0;
      cs[nc++] = (Cand){fabs(v), t, e};
    }
  qsort(cs, (size_t)nc, sizeof *cs, cmp_cand);
  for (int64_t i = 0; i < k; i++) {
    Value *w = ws[cs[i].tensor];
    size_t es = dtype_size(w->dt);
    memset((char *)w->data + es * (size_t)cs[i].at, 0, es);  /* +0 in every numeric type */
  }
  *cut = cs[k - 1].mag;
  free(cs);
  return k;
}

void prune(Graph *g, double fraction) {
  if (fraction <= 0 && g->annot && g->annot->zero_fraction >= 0)
    fraction = g->annot->zero_fraction;  /* the model's @prune; --prune wins */
  Value **ws = arena_alloc(g->arena, sizeof *ws * (size_t)(g->nvalues + 1));
  Value **copy = arena_alloc(g->arena, sizeof *copy * (size_t)(g->nvalues + 1));
  int *group = arena_alloc(g->arena, sizeof *group * (size_t)(g->nvalues + 1));
  int *slot = arena_alloc(g->arena, sizeof *slot * (size_t)(g->nvalues + 1));  /* by value id */
  double *frac = arena_alloc(g->arena, sizeof *frac * (size_t)(g->nnodes + 2));
  int nw = 0, nold = g->nvalues, ngroups = 1;
  frac[0] = fraction;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    int k = weight_input(n);
    if (k < 0 || copy[n->in[k]->id])
      continue;
    Value *w = n->in[k], *c = value_new(g, arena_printf(g->arena, "%s.pruned", w->name));
    size_t bytes = (size_t)value_numel(w) * dtype_size(w->dt);
    c->dt = w->dt;
    c->rank = w->rank;
    memcpy(c->dims, w->dims, sizeof c->dims);
    c->shape_known = 1;
    c->data = arena_alloc(g->arena, bytes ? bytes : 1);
    memcpy(c->data, w->data, bytes);
    copy[w->id] = c;
    slot[w->id] = nw;
    group[nw] = 0;
    if (n->annot && n->annot->zero_fraction >= 0) {  /* the node's own @prune: its own ranking */
      frac[ngroups] = n->annot->zero_fraction;
      group[nw] = ngroups++;
    }
    ws[nw++] = c;
  }
  int64_t pruned = 0, all = 0;
  char *changed = arena_alloc(g->arena, (size_t)ngroups);
  for (int grp = 0; grp < ngroups; grp++) {
    int64_t total, zero_before, k;
    double cut = 0;
    k = prune_group(ws, group, nw, grp, frac[grp], &total, &zero_before, &cut);
    all += total;
    pruned += k;
    changed[grp] = k > 0;
    if (grp == 0 && fraction > 0 && k > 0)
      note(g->file, "prune: %lld of %lld weights are zero now (%lld were before), |w| <= %g; they "
           "add nothing to fixed-point ranges, but the portable C kernels are dense and still "
           "multiply by them", (long long)k, (long long)total, (long long)zero_before, cut);
    else if (grp == 0 && fraction > 0)
      note(g->file, "prune: %g of %lld weights is none; nothing pruned", fraction,
           (long long)total);
  }
  if (ngroups > 1)
    note(g->file, "prune: %lld of %lld weights are zero now, %d layer%s pruned by %s own @prune",
         (long long)pruned, (long long)all, ngroups - 1, ngroups == 2 ? "" : "s",
         ngroups == 2 ? "its" : "their");
  graph_drop_annots(g, 1);
  if (!pruned)
    return;
  for (int i = 0; i < g->nnodes; i++) {  /* the copies of the groups that changed */
    int j = weight_input(g->nodes[i]);
    int id = j >= 0 ? g->nodes[i]->in[j]->id : 0;
    if (j >= 0 && id < nold && copy[id] && changed[group[slot[id]]]) {
      g->nodes[i]->in[j] = copy[g->nodes[i]->in[j]->id];
      infer_node(g, g->nodes[i]);  /* the kernel arguments name the new constant */
    }
  }
  graph_count_uses(g);
}
