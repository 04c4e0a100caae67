/*
 * prune - magnitude pruning of the constant weights of Conv, Gemm and
 * MatMul (biases are kept), in two steps, both optional:
 *
 * 1. Global (--prune F): of all N weights taken together, the k = floor(F N)
 *    of smallest magnitude become zero.  Ranking over all layers at once,
 *    rather than F per layer, lets layers with many small weights lose more
 *    of them, the usual choice for trigger networks.  Ties: equal |w| are
 *    ordered by layer (node order), then by element index, and the earlier
 *    ones are pruned first.  Weights already zero count among the
 *    smallest, so they are part of the k.
 *
 * 2. Fan-in (--prune-fanin K), after step 1: every neuron keeps the K
 *    weights of largest |w| and loses the rest, the constraint LogicNets
 *    trains with (a neuron of few low-bit inputs is a small truth table).
 *    A neuron is what computes one output element: a column of a MatMul's
 *    B [..., in, out] (each matrix of a batched B apart), a row of a
 *    constant A [..., out, in], Gemm's B column by column, or row by row
 *    under transB; a Conv output channel, over its in/group x kh x kw
 *    weights.  Ties: the lower index is kept first.  Step 1 first because
 *    the global ranking then sees the model as trained, and step 2 only
 *    cuts the neurons that still read more than K inputs.  A BatchNormalization
 *    after the layer scales each neuron's weights by one factor, which does
 *    not change the ranking inside it, so fan-in pruning alone does not fold
 *    it (pass.c: no fold_batchnorm): quantized weights keep their codes.
 *
 * NaN ranks above every number (never pruned, always kept).  A weight tensor
 * read by several layers is pruned once, its neurons as the first of them
 * sees them; the pruned copy replaces it in the layers only (another reader
 * keeps the original values).  Nothing is retrained: the notes say so.
 *
 * Zero weights then cost nothing in the fixed-point pipeline's interval
 * analysis (a zero product adds nothing to an accumulator's range), nor in
 * the netlist (distributed arithmetic skips them), and --dump-ir shows each
 * constant's zero count.  The portable C backend's kernels are dense, so it
 * still multiplies by them (the note says so); skipping them there needs a
 * sparse kernel.
 *
 * A model's own @prune annotations (a .bib file's, doc/dsl.md) change the
 * fractions of step 1: the model line's is the global F when --prune is not
 * given, and a layer with its own @prune(f) has its weights ranked apart,
 * losing floor(f N_layer) of them (a weight tensor several layers read goes
 * with the first of them).  The model language has no fan-in annotation.
 *
 * Requires: infer_shapes.  Provides: the pruned weights.  Invalidates:
 * nothing.  Cost: O(N log N) for step 1's sort, O(N log in) for step 2.
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

/* Step 1's order: smallest |w| first, NaN last, then node order, index. */
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

/* Step 2's order: the weights a neuron keeps first: NaN, then largest |w|,
 * then lower index. */
static int cmp_keep(const void *pa, const void *pb) {
  const Cand *a = pa, *b = pb;
  int na = isnan(a->mag), nb = isnan(b->mag);
  if (na != nb)
    return nb - na;
  if (!na && a->mag != b->mag)
    return a->mag > b->mag ? -1 : 1;
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

/* How operand k of layer n holds its neurons: len weights each, weight i of
 * neuron q at element (q / inner) * len * inner + q % inner + i * inner
 * (inner 1: each neuron's weights are contiguous; inner = out: a column). */
typedef struct Layout {
  int64_t len;               /* weights per neuron (the fan-in before pruning) */
  int64_t inner;             /* stride between a neuron's weights */
} Layout;

static Layout neuron_layout(const Node *n, int k) {
  const Value *w = n->in[k];
  int r = w->rank;
  if (n->op == OP_CONV)      /* [out, in/group, kernel...]: one channel after another */
    return (Layout){w->dims[0] ? value_numel(w) / w->dims[0] : 0, 1};
  if (n->op == OP_GEMM)      /* B [in, out], or [out, in] under transB */
    return attr_int(n, "transB", 0) ? (Layout){w->dims[1], 1} : (Layout){w->dims[0], w->dims[1]};
  if (r == 1)                /* a vector: one neuron */
    return (Layout){w->dims[0], 1};
  if (k == 1)                /* MatMul B [..., in, out]: columns */
    return (Layout){w->dims[r - 2], w->dims[r - 1]};
  return (Layout){w->dims[r - 1], 1};  /* MatMul A [..., out, in]: rows */
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

/* Step 2 on weight tensor w: each neuron of layout l keeps its fanin
 * nonzero weights of largest |w|.  Returns the weights zeroed; *over counts
 * the neurons that read more than fanin inputs, *neurons all of them. */
static int64_t prune_fanin(Value *w, Layout l, int64_t fanin, int64_t *over, int64_t *neurons) {
  int64_t numel = value_numel(w), zeroed = 0;
  *over = 0;
  *neurons = l.len ? numel / l.len : 0;
  if (l.len <= fanin || l.len * l.inner == 0)
    return 0;
  Cand *cs = malloc(sizeof *cs * (size_t)l.len);
  if (!cs)
    die("out of memory");
  size_t es = dtype_size(w->dt);
  for (int64_t q = 0; q < *neurons; q++) {
    int64_t first = q / l.inner * l.len * l.inner + q % l.inner, nc = 0;
    for (int64_t i = 0; i < l.len; i++) {
      int64_t e = first + i * l.inner;
      double v = value_get_f64(w, e);
      if (v != 0)            /* NaN too */
        cs[nc++] = (Cand){fabs(v), 0, e};
    }
    if (nc <= fanin)
      continue;
    ++*over;
    qsort(cs, (size_t)nc, sizeof *cs, cmp_keep);
    for (int64_t i = fanin; i < nc; i++)
      memset((char *)w->data + es * (size_t)cs[i].at, 0, es);
    zeroed += nc - fanin;
  }
  free(cs);
  return zeroed;
}

void prune(Graph *g, double fraction, int fanin) {
  if (fraction <= 0 && g->annot && g->annot->zero_fraction >= 0)
    fraction = g->annot->zero_fraction;  /* the model's @prune; --prune wins */
  Value **ws = arena_alloc(g->arena, sizeof *ws * (size_t)(g->nvalues + 1));
  Value **copy = arena_alloc(g->arena, sizeof *copy * (size_t)(g->nvalues + 1));
  int *group = arena_alloc(g->arena, sizeof *group * (size_t)(g->nvalues + 1));
  Layout *layout = arena_alloc(g->arena, sizeof *layout * (size_t)(g->nvalues + 1));
  char *changed = arena_alloc(g->arena, (size_t)(g->nvalues + 1));  /* by slot */
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
    layout[nw] = neuron_layout(n, k);
    if (n->annot && n->annot->zero_fraction >= 0) {  /* the node's own @prune: its own ranking */
      frac[ngroups] = n->annot->zero_fraction;
      group[nw] = ngroups++;
    }
    ws[nw++] = c;
  }
  int64_t pruned = 0, all = 0;
  for (int grp = 0; grp < ngroups; grp++) {
    int64_t total, zero_before, k;
    double cut = 0;
    k = prune_group(ws, group, nw, grp, frac[grp], &total, &zero_before, &cut);
    all += total;
    pruned += k;
    for (int t = 0; t < nw; t++)
      changed[t] |= group[t] == grp && k > 0;
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
  if (fanin > 0) {
    int64_t zeroed = 0, over = 0, neurons = 0;
    int layers = 0;
    for (int t = 0; t < nw; t++) {
      int64_t o, nn, z = prune_fanin(ws[t], layout[t], fanin, &o, &nn);
      zeroed += z;
      over += o;
      neurons += nn;
      layers += z > 0;
      changed[t] |= z > 0;
    }
    pruned += zeroed;
    note(g->file, "prune: fan-in %d: %lld more weights are zero now, in %d layer%s (%lld of %lld "
         "neurons read more than %d inputs); every Conv, Gemm and MatMul neuron reads at most %d "
         "now (pruned without retraining: check the accuracy)", fanin, (long long)zeroed, layers,
         layers == 1 ? "" : "s", (long long)over, (long long)neurons, fanin, fanin);
  }
  graph_drop_annots(g, 1);
  if (!pruned)
    return;
  for (int i = 0; i < g->nnodes; i++) {  /* the copies that changed */
    int j = weight_input(g->nodes[i]);
    int id = j >= 0 ? g->nodes[i]->in[j]->id : 0;
    if (j >= 0 && id < nold && copy[id] && changed[slot[id]]) {
      g->nodes[i]->in[j] = copy[g->nodes[i]->in[j]->id];
      infer_node(g, g->nodes[i]);  /* the kernel arguments name the new constant */
    }
  }
  graph_count_uses(g);
}
