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
 * cmvm_solve tries no decomposition and hop limits 1, 2, ..., DC_MAX and
 * keeps the graph with the fewest adders (then the shallowest, then the
 * fewest adder bits) among those within the depth limit whose intervals
 * are exact (without, y_j = d_j + s y_p would be far wider than y_j).  Cost: O(nout^2 nin)
 * distances (skipped beyond DC_BUDGET), plus one cmvm_run per candidate.
 */
#include <stdlib.h>
#include <string.h>

#include "cmvm.h"

#define CMVM_MAX_PAIRS 40000000  /* pairs counted at the start: about 1 s */
#define DC_BUDGET 20000000       /* nout^2 * nin distance digits at most */
#define DC_MAX 3                 /* hop limits tried */

static int csd_digits(int64_t c) {
  int n = 0;
  while (c != 0) {
    if (c & 1) {
      c -= (c & 3) == 3 ? -1 : 1;
      n++;
    }
    c /= 2;
  }
  return n;
}

static int64_t row_digits(const int64_t *w, const int64_t *v, int s, int nin) {
  int64_t n = 0;
  for (int i = 0; i < nin; i++)
    n += csd_digits(w[i] - (v ? s * v[i] : 0));
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

/* The shallowest tree over each output's CSD terms, the most of them. */
static int base_depth(const int64_t *W, int nout, int nin) {
  int worst = 0;
  for (int j = 0; j < nout; j++) {
    int64_t t = row_digits(W + (int64_t)j * nin, NULL, 1, nin);
    int d = 0;
    while (((int64_t)1 << d) < t)
      d++;
    worst = d > worst ? d : worst;
  }
  return worst;
}

static int better(const Cmvm *a, const Cmvm *b) {
  int64_t ca = a->adders + a->negations, cb = b->adders + b->negations;
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
    if (!best || better(m, best)) {
      cmvm_free(best);
      best = m;
    } else {
      cmvm_free(m);
    }
  }
  if (!o->decompose || (int64_t)nout * nout * nin > DC_BUDGET)
    return best;
  int limit = o->max_depth >= 0 ? best->depth > base_depth(W, nout, nin) + o->max_depth
                                      ? best->depth : base_depth(W, nout, nin) + o->max_depth
                                : -1;
  for (int hops = 1; hops <= DC_MAX && hops < nout; hops++) {
    Cmvm *m = decomposed(W, nout, nin, lo, hi, depth, o, hops);
    if (m && m->exact && (limit < 0 || m->depth <= limit) && better(m, best)) {
      cmvm_free(best);
      best = m;
    } else {
      cmvm_free(m);
    }
  }
  return best;
}
