/*
 * cmvm_decompose.c - cmvm_solve: the driver of cmvm.c's algorithm, with
 * da4ml's optional decomposition of the outputs into a spanning tree of
 * differences (W = W1 W2):
 *
 * Two outputs whose weight rows are close need fewer digits as one of them
 * plus a difference: y_j = d_j + s y_p with d_j = (w_j - s w_p) x, s = +-1.
 * The distance of rows j and p is the count of nonzero canonical signed
 * digits of w_j - s w_p (the better sign), the distance to the root (no
 * parent) that of w_j.  Prim's algorithm grows a minimum spanning tree from
 * the root, each edge to a non-root parent costing one adder more, and a
 * hop limit bounds how many such adders chain up (the depth they add).
 * The differences D are solved by cmvm_run (sharing between them), then
 * each y_j = d_j + s y_p costs one adder, parents first.
 *
 * The same over the inputs (the transposed decomposition, decomposed_in).
 * cmvm_solve tries no decomposition and both decompositions with hop
 * limits 2 and 3 (bench/cmvm: a limit of 1, 4 or more adds little for its
 * time; edges without the extra adder in their cost, as da4ml weighs
 * them, lost 1-2 adders; the transposition principle, a greedy run on W^T
 * with its graph reversed, never won), and keeps the graph with the fewest
 * adders (then the shallowest, then the fewest adder bits; or with
 * CMVM_COST_LUTS the fewest adder bits first) among those within the
 * depth limit whose intervals are exact (without, y_j = d_j + s y_p would
 * be far wider than y_j).  Cost: O(nout^2 nin + nin^2 nout)
 * distances (skipped beyond DC_BUDGET), plus one cmvm_run per candidate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmvm.h"

#define CMVM_MAX_PAIRS 6000000  /* pairs at the start: at most ~10 s and ~300 MB */
#define DC_BUDGET 20000000       /* nout^2 * nin distance digits at most */
#define NHOPS 2                  /* hop limits tried (bench/cmvm, 16 x 16: {2,3} 362.9 adders
                                  in 10 ms, {2,3,4} 362.0 in 14 ms, {1,2,3,4} 361.8 in 18 ms;
                                  the smart pixel compiles in 0.5 s with {2,3}, 0.9 s with 4) */
static const int hops_tried[NHOPS] = {2, 3};

static int64_t row_digits(const int64_t *w, const int64_t *v, int s, int nin) {
  int64_t n = 0;
  for (int i = 0; i < nin; i++)
    n += cmvm_digits(w[i] - (v ? s * v[i] : 0));
  return n;
}

/* The spanning tree: parent[j] (-1: the root) and sign[j]; 0 if it has no
 * edge to a non-root parent (no decomposition to try). */
static int spanning_tree(const int64_t *W, int nout, int nin, int hops, int *parent, int *sign) {
  int64_t *best = malloc(sizeof *best * (size_t)nout);
  int *in = calloc((size_t)nout, sizeof *in), *bs = malloc(sizeof *bs * (size_t)nout);
  int *bp = malloc(sizeof *bp * (size_t)nout), *depth = calloc((size_t)nout, sizeof *depth);
  if (!best || !in || !bs || !bp || !depth)
    abort();
  for (int j = 0; j < nout; j++)
    best[j] = row_digits(W + (int64_t)j * nin, NULL, 1, nin), bp[j] = -1, bs[j] = 1;
  int edges = 0;
  for (int step = 0; step < nout; step++) {
    int j = -1;
    for (int k = 0; k < nout; k++)
      if (!in[k] && (j < 0 || best[k] < best[j]))
        j = k;
    in[j] = 1;
    parent[j] = bp[j], sign[j] = bs[j];
    depth[j] = bp[j] < 0 ? 0 : depth[bp[j]] + 1;
    edges += bp[j] >= 0;
    if (depth[j] >= hops)
      continue;  /* no child may hang below j */
    for (int k = 0; k < nout; k++)
      for (int s = 1; !in[k] && s >= -1; s -= 2) {
        int64_t d = row_digits(W + (int64_t)k * nin, W + (int64_t)j * nin, s, nin) + 1;
        if (d < best[k])
          best[k] = d, bp[k] = j, bs[k] = s;
      }
  }
  free(best), free(in), free(bs), free(bp), free(depth);
  return edges > 0;
}

/* y_j = d_j + s y_p: combines output terms x and y (one adder) into out. */
static CmvmOut combine(Cmvm *m, CmvmOut x, CmvmOut y) {
  if (x.v < 0)
    return y;
  if (y.v < 0)
    return x;
  if (x.e > y.e) {
    CmvmOut t = x;
    x = y;
    y = t;
  }
  if (x.neg && !y.neg)  /* (y << d) - x, positive */
    return (CmvmOut){cmvm_add(m, y.v, y.e - x.e, x.v, 0, 1), x.e, 0};
  return (CmvmOut){cmvm_add(m, x.v, 0, y.v, y.e - x.e, x.neg != y.neg), x.e, x.neg};
}

/* The graph over the spanning tree's differences, or NULL (nothing to gain). */
static Cmvm *decomposed(const int64_t *W, int nout, int nin, const int64_t *lo, const int64_t *hi,
                        const int32_t *depth, const CmvmOptions *o, int hops) {
  int *parent = malloc(sizeof *parent * (size_t)nout), *sign = malloc(sizeof *sign * (size_t)nout);
  int *order = malloc(sizeof *order * (size_t)nout), *done = calloc((size_t)nout, sizeof *done);
  int64_t *D = malloc(sizeof *D * (size_t)nout * (size_t)nin);
  if (!parent || !sign || !order || !done || !D)
    abort();
  Cmvm *m = NULL;
  if (spanning_tree(W, nout, nin, hops, parent, sign)) {
    for (int j = 0; j < nout; j++)
      for (int i = 0; i < nin; i++)
        D[(int64_t)j * nin + i] = W[(int64_t)j * nin + i] -
                                  (parent[j] < 0 ? 0 : sign[j] * W[(int64_t)parent[j] * nin + i]);
    m = cmvm_run(D, nout, nin, lo, hi, depth, o, 0);
    int n = 0;  /* parents first */
    while (n < nout)
      for (int j = 0; j < nout; j++)
        if (!done[j] && (parent[j] < 0 || done[parent[j]]))
          done[j] = 1, order[n++] = j;
    for (int k = 0; k < nout; k++) {
      int j = order[k];
      if (parent[j] < 0)
        continue;
      CmvmOut y = m->out[parent[j]];
      y.neg ^= sign[j] < 0;
      m->out[j] = combine(m, m->out[j], y);
    }
    cmvm_finish(m);
  }
  free(parent), free(sign), free(order), free(done), free(D);
  return m;
}

/* The transposed decomposition, over the inputs: columns j of W that are
 * close to a parent column p give u_j = x_j + sum over children c of
 * s_c u_c (one adder per tree edge, children first), and y = D u with
 * column j of D = w_j - s_j w_p; the coefficient of x_k in D u telescopes
 * along k's path to the root back to w_k. */
static Cmvm *decomposed_in(const int64_t *W, int nout, int nin, const int64_t *lo, const int64_t *hi,
                           const int32_t *depth, const CmvmOptions *o, int hops) {
  int *parent = malloc(sizeof *parent * (size_t)nin), *sign = malloc(sizeof *sign * (size_t)nin);
  int *order = malloc(sizeof *order * (size_t)nin), *done = calloc((size_t)nin, sizeof *done);
  int32_t *uvar = malloc(sizeof *uvar * (size_t)nin), *ud = malloc(sizeof *ud * (size_t)nin);
  int64_t *WT = calloc((size_t)nout * (size_t)nin + 1, sizeof *WT);
  int64_t *D = malloc(sizeof *D * (size_t)nout * (size_t)nin);
  int64_t *ul = malloc(sizeof *ul * (size_t)nin), *uh = malloc(sizeof *uh * (size_t)nin);
  if (!parent || !sign || !order || !done || !uvar || !ud || !WT || !D || !ul || !uh)
    abort();
  for (int r = 0; r < nout; r++)
    for (int i = 0; i < nin; i++)
      WT[(int64_t)i * nout + r] = W[(int64_t)r * nin + i];
  Cmvm *m = NULL;
  if (spanning_tree(WT, nin, nout, hops, parent, sign)) {
    for (int r = 0; r < nout; r++)
      for (int j = 0; j < nin; j++)
        D[(int64_t)r * nin + j] = W[(int64_t)r * nin + j] -
                                  (parent[j] < 0 ? 0 : sign[j] * W[(int64_t)r * nin + parent[j]]);
    int n = 0;  /* parents first; read backwards: children first */
    while (n < nin)
      for (int j = 0; j < nin; j++)
        if (!done[j] && (parent[j] < 0 || done[parent[j]]))
          done[j] = 1, order[n++] = j;
    m = cmvm_run(W, 0, nin, lo, hi, depth, o, 0);  /* the inputs alone */
    for (int j = 0; j < nin; j++)
      uvar[j] = j;
    for (int k = nin - 1; k >= 0; k--) {
      int c = order[k];
      if (parent[c] >= 0)
        uvar[parent[c]] = cmvm_add(m, uvar[parent[c]], 0, uvar[c], 0, sign[c] < 0);
    }
    cmvm_finish(m);  /* exact intervals of the u */
    for (int j = 0; j < nin; j++)
      ul[j] = m->vars[uvar[j]].lo, uh[j] = m->vars[uvar[j]].hi, ud[j] = m->vars[uvar[j]].depth;
    Cmvm *b = m->exact ? cmvm_run(D, nout, nin, ul, uh, ud, o, 0) : NULL;
    if (b) {  /* b's inputs are the u: append its adders */
      int32_t *map = malloc(sizeof *map * (size_t)b->nvars);
      if (!map)
        abort();
      for (int32_t v = 0; v < b->nvars; v++) {
        const CmvmVar *x = &b->vars[v];
        map[v] = v < nin ? uvar[v] : cmvm_add(m, map[x->a], x->sa, map[x->b], x->sb, x->sub);
      }
      free(m->out);
      m->out = malloc(sizeof *m->out * (size_t)(nout + 1));
      if (!m->out)
        abort();
      m->nout = nout;
      for (int r = 0; r < nout; r++) {
        m->out[r] = b->out[r];
        if (b->out[r].v >= 0)
          m->out[r].v = map[b->out[r].v];
      }
      free(map);
      cmvm_free(b);
      cmvm_finish(m);
    } else {
      cmvm_free(m);
      m = NULL;
    }
  }
  free(parent), free(sign), free(order), free(done), free(uvar), free(ud), free(WT), free(D);
  free(ul), free(uh);
  return m;
}

/* Whether every output of m is at most max_depth adder levels deeper than
 * the shallowest tree over its CSD terms (each term available at its
 * input's depth, relative to the earliest input, as cmvm_run counts). */
static int within_limit(const Cmvm *m, const int64_t *W, const int32_t *depth, int max_depth) {
  int32_t dmin = INT32_MAX;
  for (int i = 0; i < m->nin; i++)
    dmin = depth && depth[i] < dmin ? depth[i] : dmin;
  for (int j = 0; j < m->nout; j++) {
    if (m->out[j].v < 0)
      continue;
    int64_t hist[64] = {0};
    for (int i = 0; i < m->nin; i++) {
      int32_t d = depth ? depth[i] - dmin : 0;
      hist[d < 63 ? d : 63] += cmvm_digits(W[(int64_t)j * m->nin + i]);
    }
    int top = 63, base = -1;
    while (top > 0 && hist[top] == 0)
      top--;
    int64_t carry = 0;
    for (int l = 0; base < 0; l++) {  /* pairs combine per level, an odd one waits */
      int64_t c = carry + (l < 64 ? hist[l] : 0);
      if (l >= top && c <= 1)
        base = l;
      carry = (c + 1) / 2;
    }
    if (m->vars[m->out[j].v].depth > base + max_depth)
      return 0;
  }
  return 1;
}

/* Without exact intervals (a product too large for them), each output's
 * variable still gets the exact interval of its row: y_o = +-(v << e), so
 * v's linear form is +-W_o / 2^e, over the input box.  Outputs then fit the
 * port types that interval analysis on the weights gave them. */
static void exact_outputs(Cmvm *m, const int64_t *W, const int64_t *lo, const int64_t *hi) {
  for (int o = 0; o < m->nout; o++) {
    const CmvmOut *t = &m->out[o];
    if (t->v < m->nin)
      continue;  /* zero, or an input (exact already) */
    __int128 l = 0, h = 0;
    for (int i = 0; i < m->nin; i++) {
      __int128 c = (__int128)W[(int64_t)o * m->nin + i] / ((__int128)1 << t->e) * (t->neg ? -1 : 1);
      l += c * (c > 0 ? lo[i] : hi[i]);
      h += c * (c > 0 ? hi[i] : lo[i]);
    }
    CmvmVar *v = &m->vars[t->v];
    if (l > v->lo && l <= v->hi)
      v->lo = (int64_t)l;
    if (h < v->hi && h >= v->lo)
      v->hi = (int64_t)h;
  }
}

static int better(const Cmvm *a, const Cmvm *b, int cost) {
  int64_t ca = a->adders + a->negations, cb = b->adders + b->negations;
  if (cost == CMVM_COST_LUTS && a->adder_bits != b->adder_bits)
    return a->adder_bits < b->adder_bits;
  if (ca != cb)
    return ca < cb;
  if (a->depth != b->depth)
    return a->depth < b->depth;
  return a->adder_bits < b->adder_bits;
}

Cmvm *cmvm_solve(const int64_t *W, int nout, int nin, const int64_t *lo, const int64_t *hi,
                 const int32_t *depth, const CmvmOptions *o, const char **why) {
  if (!o)
    o = &cmvm_defaults;
  int64_t pairs = 0, terms = 0;
  for (int j = 0; j < nout; j++) {
    int64_t t = row_digits(W + (int64_t)j * nin, NULL, 1, nin);
    terms += t;
    pairs += t * (t - 1) / 2;
  }
  for (int i = 0; i < nin; i++)
    if (lo[i] > hi[i] || lo[i] < -((int64_t)1 << 62) || hi[i] > ((int64_t)1 << 62)) {
      *why = "an input interval beyond 2^62";
      return NULL;
    }
  if ((o->cse && pairs > CMVM_MAX_PAIRS) || terms > ((int64_t)1 << 27) || nin >= (1 << 22)) {
    *why = "too many terms to share adders in bounded time";
    return NULL;
  }
  Cmvm *best = NULL;
  for (int t = 0; t < (o->tries > 0 && o->cse ? o->tries : 1); t++) {
    Cmvm *m = cmvm_run(W, nout, nin, lo, hi, depth, o, t);
    if (!best || better(m, best, o->cost)) {
      cmvm_free(best);
      best = m;
    } else {
      cmvm_free(m);
    }
  }
  if (!best->exact)
    exact_outputs(best, W, lo, hi);
  if (!o->decompose || nout < 2 || nin < 2 || (int64_t)nout * nout * nin > DC_BUDGET ||
      (int64_t)nin * nin * nout > DC_BUDGET)
    return best;
  for (int k = 0; k < 2 * NHOPS; k++) {
    int hops = hops_tried[k % NHOPS], in = k >= NHOPS;
    if (hops >= (in ? nin : nout))
      continue;
    Cmvm *m = in ? decomposed_in(W, nout, nin, lo, hi, depth, o, hops)
                 : decomposed(W, nout, nin, lo, hi, depth, o, hops);
    if (m && m->exact && (o->max_depth < 0 || within_limit(m, W, depth, o->max_depth)) &&
        better(m, best, o->cost)) {
      cmvm_free(best);
      best = m;
    } else {
      cmvm_free(m);
    }
  }
  return best;
}
