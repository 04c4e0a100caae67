/*
 * cmvm.c - constant matrix-vector multiplication as a shared adder graph
 * (cmvm.h), the algorithm of da4ml (Sun et al., ACM TRETS 2025) with an
 * incremental implementation:
 *
 * 1. Every nonzero W[o][i] is written in canonical signed digits (the
 *    non-adjacent form: fewest nonzero digits), so output o is a list of
 *    terms +-(x_i << e).  Common power-of-two factors of rows and columns
 *    need no step of their own: patterns below are relative in shift, and
 *    the final trees keep the lowest shift outside, so the low bits are
 *    wires.
 * 2. Common-subexpression elimination.  A pattern is two terms of one
 *    output, (a << e1) +- (b << e2), up to a common shift and sign: the key
 *    (a, b, e2 - e1, sign) with a < b, or a == b and e1 < e2.  Every pair of
 *    terms of every output is counted in a hash table, and the counts are
 *    kept up to date incrementally (a substitution touches only the pairs
 *    of the terms it removes and adds).  Repeatedly the pattern of highest
 *    weight (CmvmOptions.weight; ties: the pattern seen last, which
 *    favours patterns of the newest variables; later tries: a hashed
 *    order) becomes one adder, a new variable, and its
 *    non-overlapping occurrences are replaced by one term of it.  A
 *    pattern made once is reused wherever it appears again, at no cost.
 *    The highest weight comes from a lazy max-heap: an entry is pushed
 *    when a count grows past the weight already queued for its pattern,
 *    and corrected when it is popped stale.
 * 3. Depth limit: an occurrence is replaced only if the shallowest adder
 *    tree over the output's terms (computed from a histogram of the terms'
 *    depths) stays within max_depth levels of the tree over its CSD terms.
 * 4. Each output's remaining terms are summed by a timing-driven
 *    reduction: a heap always adds the two terms available earliest
 *    (fewest adder levels, then smallest shift), a - (b << s) where the
 *    signs differ, the last addition turned around when that keeps the
 *    result positive (no negation).
 *
 * With tries > 1 the greedy runs again with hashed tie-breaks and the
 * graph with the fewest adders (then adder bits) is kept.
 * Cost: O(sum over outputs of terms^2) to count pairs, then
 * O(terms per output) per substitution; the caller bounds the sizes
 * (cmvm_solve refuses a problem over CMVM_MAX_PAIRS pairs).
 */
#include <stdlib.h>
#include <string.h>

#include "cmvm.h"

#define MAXD 64                   /* depths are below this (adder levels) */

const CmvmOptions cmvm_defaults = {.cse = 1, .weight = CMVM_W_OVERLAP, .max_depth = -1, .tries = 1,
                                   .decompose = 1, .cost = CMVM_COST_ADDERS};

CmvmOptions cmvm_options(int cost) {
  CmvmOptions o = cmvm_defaults;
  if (cost == CMVM_COST_LUTS)
    o.cost = cost, o.weight = CMVM_W_COUNT_NARROW;
  return o;
}

typedef struct Pat {
  uint64_t key;
  int32_t count;             /* occurrences (pairs of live terms) */
  int32_t var;               /* its variable once made, else -1 */
  int32_t blocked;           /* the depth limit refused it */
  int32_t width;             /* the adder's bit width */
  int32_t overlap;           /* bits of the narrower operand */
  int64_t queued;            /* the highest weight of its heap entries (0: none known) */
} Pat;

typedef struct Ent {
  int64_t w;
  uint32_t tie;
  int32_t pat;
} Ent;

typedef struct S {
  const CmvmOptions *o;
  int nin, nout, attempt;
  CmvmVar *vars;
  int32_t nvars, capvars;
  /* terms: (var, shift, sign) of output tout; tpos: index in its output's list, -1: dead */
  int32_t *tv, *te, *tout, *tpos;
  int8_t *tneg;
  int32_t nterms, capterms;
  int maxe;                  /* the largest shift of any term */
  int initial;               /* counting the CSD terms' pairs: the heap is built after */
  int32_t **ol, *on, *ocap;  /* per output: its live terms */
  int32_t (*hist)[MAXD];     /* per output: live terms per depth */
  int *limit;                /* per output: the deepest tree allowed (-1: none) */
  /* hash (output, var, shift) -> term (open addressing, -2: tombstone) */
  int32_t *th;
  int64_t thcap, thused;
  /* patterns and their hash */
  Pat *pats;
  int32_t npats, cappats;
  int32_t *ph;
  int64_t phcap;
  Ent *heap;
  int64_t nheap, capheap;
} S;

static void *grow(void *p, int64_t n, size_t size) {
  void *q = realloc(p, size * (size_t)(n > 0 ? n : 1));
  if (!q)
    abort();
  return q;
}

static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

/* ---- variables ---- */

static int32_t new_var(S *s, int32_t a, int sa, int32_t b, int sb, int sub, int shared) {
  Cmvm g = {.vars = s->vars, .nvars = s->nvars, .capvars = s->capvars};
  int32_t v = cmvm_add(&g, a, sa, b, sb, sub);
  s->vars = g.vars, s->nvars = g.nvars, s->capvars = g.capvars;
  s->vars[v].shared = (int8_t)shared;
  return v;
}

/* The interval of (a << sa) +- (b << sb) from its operands' (the pattern's
 * weight only). */
static void var_interval(const S *s, int32_t a, int sa, int32_t b, int sb, int sub, int64_t *lo,
                         int64_t *hi) {
  CmvmVar v;
  cmvm_var_set(&v, s->vars, a, sa, b, sb, sub);
  *lo = v.lo, *hi = v.hi;
}

/* ---- the term hash: (output, var, shift) -> term ---- */

static uint64_t tkey(int32_t o, int32_t v, int32_t e) {
  return mix(((uint64_t)(uint32_t)o << 40) ^ ((uint64_t)(uint32_t)v << 8) ^ (uint64_t)(uint32_t)e);
}

static int64_t th_find(const S *s, int32_t o, int32_t v, int32_t e) {
  for (int64_t i = (int64_t)(tkey(o, v, e) & (uint64_t)(s->thcap - 1));; i = (i + 1) & (s->thcap - 1)) {
    int32_t t = s->th[i];
    if (t == -1)
      return -1;
    if (t >= 0 && s->tout[t] == o && s->tv[t] == v && s->te[t] == e)
      return i;
  }
}

static void th_insert(S *s, int32_t t);

static void th_rehash(S *s) {
  int32_t *old = s->th;
  int64_t oldcap = s->thcap;
  s->thcap = oldcap ? 2 * oldcap : 1024;
  while (s->thcap < 4 * (int64_t)(s->nterms + 1))
    s->thcap *= 2;
  s->th = malloc(sizeof *s->th * (size_t)s->thcap);
  if (!s->th)
    abort();
  memset(s->th, 0xff, sizeof *s->th * (size_t)s->thcap);
  s->thused = 0;
  for (int64_t i = 0; i < oldcap; i++)
    if (old[i] >= 0)
      th_insert(s, old[i]);
  free(old);
}

static void th_insert(S *s, int32_t t) {
  if (2 * (s->thused + 1) > s->thcap)
    th_rehash(s);
  int64_t i = (int64_t)(tkey(s->tout[t], s->tv[t], s->te[t]) & (uint64_t)(s->thcap - 1));
  while (s->th[i] >= 0)
    i = (i + 1) & (s->thcap - 1);
  if (s->th[i] == -1)
    s->thused++;
  s->th[i] = t;
}

/* ---- patterns ---- */

/* The pattern of terms t and u, normalized; *first: the term that comes first. */
static uint64_t pat_key(const S *s, int32_t t, int32_t u, int32_t *first) {
  if (s->tv[t] > s->tv[u] || (s->tv[t] == s->tv[u] && s->te[t] > s->te[u])) {
    int32_t x = t;
    t = u;
    u = x;
  }
  *first = t;
  int d = s->te[u] - s->te[t];
  return (uint64_t)(uint32_t)s->tv[t] | (uint64_t)(uint32_t)s->tv[u] << 24 |
         (uint64_t)(d + 64) << 48 | (uint64_t)(s->tneg[t] != s->tneg[u]) << 56;
}

static void pat_unkey(uint64_t k, int32_t *a, int32_t *b, int *d, int *sub) {
  *a = (int32_t)(k & 0xffffff);
  *b = (int32_t)(k >> 24 & 0xffffff);
  *d = (int)(k >> 48 & 0xff) - 64;
  *sub = (int)(k >> 56 & 1);
}

static int64_t weight(const S *s, const Pat *p) {
  int need = p->var >= 0 ? 1 : 2;  /* a made pattern saves an adder per occurrence */
  if (p->count < need || p->blocked)
    return 0;
  switch (s->o->weight) {
  case CMVM_W_WIDTH: return (int64_t)(p->count - (p->var < 0)) * p->width;
  case CMVM_W_COUNT_NARROW: return (int64_t)(p->count - (p->var < 0)) * 64 + (64 - p->width);
  case CMVM_W_OVERLAP: return (int64_t)p->count * p->overlap;
  default: return p->count - (p->var < 0);
  }
}

static uint32_t tie(const S *s, int32_t pid) {
  return s->attempt ? (uint32_t)mix(s->pats[pid].key ^ (uint64_t)s->attempt * 0x9e3779b97f4a7c15ULL)
                    : s->o->oldest_first ? (uint32_t)(INT32_MAX - pid) : (uint32_t)pid;
}

static int ent_above(const Ent *x, const Ent *y) {
  return x->w != y->w ? x->w > y->w : x->tie > y->tie;
}

static void heap_push(S *s, int32_t pid) {
  Ent t = {weight(s, &s->pats[pid]), tie(s, pid), pid};
  if (t.w <= s->pats[pid].queued)
    return;  /* an entry at least as high is queued: it is corrected when popped */
  s->pats[pid].queued = t.w;
  if (s->nheap == s->capheap)
    s->heap = grow(s->heap, s->capheap = 2 * s->capheap + 256, sizeof *s->heap);
  int64_t i = s->nheap++;
  for (; i > 0 && ent_above(&t, &s->heap[(i - 1) / 2]); i = (i - 1) / 2)
    s->heap[i] = s->heap[(i - 1) / 2];
  s->heap[i] = t;
}

static Ent heap_pop(S *s) {
  Ent top = s->heap[0], last = s->heap[--s->nheap];
  int64_t i = 0;
  for (;;) {
    int64_t c = 2 * i + 1;
    if (c >= s->nheap)
      break;
    if (c + 1 < s->nheap && ent_above(&s->heap[c + 1], &s->heap[c]))
      c++;
    if (!ent_above(&s->heap[c], &last))
      break;
    s->heap[i] = s->heap[c];
    i = c;
  }
  s->heap[i] = last;
  return top;
}

/* The bits two operands have in common: the sign, if either has one, and
 * the integer bits of the smaller magnitude. */
static int overlap(const CmvmVar *x, const CmvmVar *y) {
  uint64_t mx = (uint64_t)(x->lo < 0 ? -(x->lo + 0) : 0), my = (uint64_t)(y->lo < 0 ? -y->lo : 0);
  mx = (uint64_t)x->hi + 1 > mx ? (uint64_t)x->hi + 1 : mx;
  my = (uint64_t)y->hi + 1 > my ? (uint64_t)y->hi + 1 : my;
  uint64_t m = mx < my ? mx : my;
  int i = 0;
  while (i < 63 && ((uint64_t)1 << i) < m)
    i++;
  return i + (x->lo < 0 || y->lo < 0);
}

static int32_t pat_get(S *s, uint64_t key) {
  if (2 * (int64_t)(s->npats + 1) > s->phcap) {
    s->phcap = s->phcap ? 2 * s->phcap : 4096;
    free(s->ph);
    s->ph = malloc(sizeof *s->ph * (size_t)s->phcap);
    if (!s->ph)
      abort();
    memset(s->ph, 0xff, sizeof *s->ph * (size_t)s->phcap);
    for (int32_t p = 0; p < s->npats; p++) {
      int64_t i = (int64_t)(mix(s->pats[p].key) & (uint64_t)(s->phcap - 1));
      while (s->ph[i] >= 0)
        i = (i + 1) & (s->phcap - 1);
      s->ph[i] = p;
    }
  }
  int64_t i = (int64_t)(mix(key) & (uint64_t)(s->phcap - 1));
  for (; s->ph[i] >= 0; i = (i + 1) & (s->phcap - 1))
    if (s->pats[s->ph[i]].key == key)
      return s->ph[i];
  if (s->npats == s->cappats)
    s->pats = grow(s->pats, s->cappats = 2 * s->cappats + 1024, sizeof *s->pats);
  int32_t a, b;
  int d, sub;
  pat_unkey(key, &a, &b, &d, &sub);
  int64_t lo, hi;
  var_interval(s, a, d < 0 ? -d : 0, b, d > 0 ? d : 0, sub, &lo, &hi);
  s->pats[s->npats] = (Pat){.key = key, .var = -1, .width = cmvm_width(lo, hi),
                            .overlap = overlap(&s->vars[a], &s->vars[b])};
  s->ph[i] = s->npats;
  return s->npats++;
}

/* Counts (delta +1) or uncounts (-1) the pairs of term t with its output's other terms. */
static void count_pairs(S *s, int32_t t, int delta) {
  int32_t o = s->tout[t], first;
  for (int32_t j = 0; j < s->on[o]; j++) {
    int32_t u = s->ol[o][j];
    if (u == t)
      continue;
    int32_t p = pat_get(s, pat_key(s, t, u, &first));
    s->pats[p].count += delta;
    if (delta > 0 && !s->initial)
      heap_push(s, p);
  }
}

/* ---- terms ---- */

/* A variable's depth as the histograms index it. */
static int32_t var_depth(const S *s, int32_t v) {
  return s->vars[v].depth < MAXD ? s->vars[v].depth : MAXD - 1;
}

static void term_remove(S *s, int32_t t) {
  int32_t o = s->tout[t];
  if (s->o->cse)
    count_pairs(s, t, -1);
  int32_t last = s->ol[o][--s->on[o]];
  s->ol[o][s->tpos[t]] = last;
  s->tpos[last] = s->tpos[t];
  s->tpos[t] = -1;
  s->th[th_find(s, o, s->tv[t], s->te[t])] = -2;
  s->hist[o][var_depth(s, s->tv[t])]--;
}

/* Adds +-(v << e) to output o, merging with a term of v << e already there. */
static void term_add(S *s, int32_t o, int32_t v, int32_t e, int neg) {
  for (;;) {
    int64_t h = th_find(s, o, v, e);
    if (h < 0)
      break;
    int32_t t = s->th[h];
    int same = s->tneg[t] == neg;
    term_remove(s, t);
    if (!same)
      return;  /* x - x */
    e++;       /* x + x = x << 1 */
  }
  if (s->nterms == s->capterms) {
    s->capterms = 2 * s->capterms + 256;
    s->tv = grow(s->tv, s->capterms, sizeof *s->tv);
    s->te = grow(s->te, s->capterms, sizeof *s->te);
    s->tout = grow(s->tout, s->capterms, sizeof *s->tout);
    s->tpos = grow(s->tpos, s->capterms, sizeof *s->tpos);
    s->tneg = grow(s->tneg, s->capterms, sizeof *s->tneg);
  }
  int32_t t = s->nterms++;
  s->tv[t] = v, s->te[t] = e, s->tout[t] = o, s->tneg[t] = (int8_t)neg;
  if (s->on[o] == s->ocap[o])
    s->ol[o] = grow(s->ol[o], s->ocap[o] = 2 * s->ocap[o] + 16, sizeof **s->ol);
  s->tpos[t] = s->on[o];
  s->ol[o][s->on[o]++] = t;
  th_insert(s, t);
  s->maxe = e > s->maxe ? e : s->maxe;
  s->hist[o][var_depth(s, v)]++;
  if (s->o->cse)
    count_pairs(s, t, +1);
}

/* The depth of the shallowest adder tree over terms with depth histogram h
 * (-1: no terms): at each level pairs combine, an odd one waits. */
static int tree_depth(const int32_t *h) {
  int top = MAXD - 1;
  while (top >= 0 && h[top] == 0)
    top--;
  int64_t carry = 0;
  for (int l = 0;; l++) {
    int64_t c = carry + (l < MAXD ? h[l] : 0);
    if (l >= top && c <= 1)
      return c ? l : -1;
    carry = (c + 1) / 2;
  }
}

/* ---- common-subexpression elimination ---- */

/* Makes pattern pid one adder and replaces its occurrences, where the depth
 * limit allows; blocks it when fewer remain than pay for it. */
static void apply(S *s, int32_t pid, int32_t *mark, int32_t stamp, int32_t *occ) {
  Pat *p = &s->pats[pid];
  int32_t a, b;
  int d, sub;
  pat_unkey(p->key, &a, &b, &d, &sub);
  int32_t vd = (var_depth(s, a) > var_depth(s, b) ? var_depth(s, a) : var_depth(s, b)) + 1;
  int64_t nocc = 0;
  int32_t h[MAXD];
  for (int32_t o = 0; o < s->nout; o++) {
    int hcopied = 0;
    for (int e = 0; e <= s->maxe; e++) {
      int64_t h1 = th_find(s, o, a, e), h2 = h1 < 0 || e + d < 0 ? -1 : th_find(s, o, b, e + d);
      if (h2 < 0)
        continue;
      int32_t t1 = s->th[h1], t2 = s->th[h2];
      if ((s->tneg[t1] != s->tneg[t2]) != sub || mark[t1] == stamp || mark[t2] == stamp)
        continue;
      if (s->limit[o] >= 0) {
        if (!hcopied)
          memcpy(h, s->hist[o], sizeof h), hcopied = 1;
        h[var_depth(s, a)]--, h[var_depth(s, b)]--, h[vd < MAXD ? vd : MAXD - 1]++;
        if (tree_depth(h) > s->limit[o]) {
          h[var_depth(s, a)]++, h[var_depth(s, b)]++, h[vd < MAXD ? vd : MAXD - 1]--;
          continue;
        }
      }
      mark[t1] = mark[t2] = stamp;
      occ[2 * nocc] = t1, occ[2 * nocc + 1] = t2, nocc++;
    }
  }
  if (nocc < (p->var >= 0 ? 1 : 2)) {
    p->blocked = 1;
    return;
  }
  if (p->var < 0)
    p->var = new_var(s, a, d < 0 ? -d : 0, b, d > 0 ? d : 0, sub, 1);
  int32_t v = p->var;
  for (int64_t i = 0; i < nocc; i++) {
    int32_t t1 = occ[2 * i], t2 = occ[2 * i + 1];
    int32_t o = s->tout[t1], m = s->te[t1] < s->te[t2] ? s->te[t1] : s->te[t2];
    int neg = s->tneg[t1];
    term_remove(s, t1);
    term_remove(s, t2);
    term_add(s, o, v, m, neg);
  }
}

/* ---- the final trees ---- */

typedef struct Tm {
  int32_t v, e, neg, depth;
  int64_t order;
} Tm;

static int tm_before(const Tm *x, const Tm *y) {
  if (x->depth != y->depth)
    return x->depth < y->depth;
  if (x->e != y->e)
    return x->e < y->e;
  return x->order < y->order;
}

static void tm_push(Tm *hp, int64_t *n, Tm t) {
  int64_t i = (*n)++;
  for (; i > 0 && tm_before(&t, &hp[(i - 1) / 2]); i = (i - 1) / 2)
    hp[i] = hp[(i - 1) / 2];
  hp[i] = t;
}

static Tm tm_pop(Tm *hp, int64_t *n) {
  Tm top = hp[0], last = hp[--*n];
  int64_t i = 0;
  for (;;) {
    int64_t c = 2 * i + 1;
    if (c >= *n)
      break;
    if (c + 1 < *n && tm_before(&hp[c + 1], &hp[c]))
      c++;
    if (!tm_before(&hp[c], &last))
      break;
    hp[i] = hp[c];
    i = c;
  }
  hp[i] = last;
  return top;
}

static CmvmOut reduce(S *s, int32_t o, Tm *hp) {
  int64_t n = 0, order = 0;
  for (int32_t j = 0; j < s->on[o]; j++) {
    int32_t t = s->ol[o][j];
    tm_push(hp, &n, (Tm){s->tv[t], s->te[t], s->tneg[t], var_depth(s, s->tv[t]), order++});
  }
  if (n == 0)
    return (CmvmOut){.v = -1};
  while (n > 1) {
    Tm x = tm_pop(hp, &n), y = tm_pop(hp, &n);
    if (x.e > y.e) {
      Tm t = x;
      x = y;
      y = t;
    }
    Tm r = {.e = x.e, .neg = x.neg, .order = order++};
    if (n == 0 && x.neg && !y.neg) {  /* last: (y << d) - x, positive */
      r.v = new_var(s, y.v, y.e - x.e, x.v, 0, 1, 0);
      r.neg = 0;
    } else {
      r.v = new_var(s, x.v, 0, y.v, y.e - x.e, x.neg != y.neg, 0);
    }
    r.depth = var_depth(s, r.v);
    tm_push(hp, &n, r);
  }
  Tm t = tm_pop(hp, &n);
  return (CmvmOut){t.v, t.e, t.neg};
}

/* ---- one greedy run ---- */

static void s_free(S *s) {
  for (int o = 0; o < s->nout; o++)
    free(s->ol[o]);
  free(s->ol), free(s->on), free(s->ocap), free(s->hist), free(s->limit);
  free(s->tv), free(s->te), free(s->tout), free(s->tpos), free(s->tneg);
  free(s->th), free(s->pats), free(s->ph), free(s->heap);
}

Cmvm *cmvm_run(const int64_t *W, int nout, int nin, const int64_t *lo, const int64_t *hi,
               const int32_t *depth, const CmvmOptions *o, int attempt) {
  S s = {.o = o, .nin = nin, .nout = nout, .attempt = attempt};
  s.ol = calloc((size_t)nout + 1, sizeof *s.ol);
  s.on = calloc((size_t)nout + 1, sizeof *s.on);
  s.ocap = calloc((size_t)nout + 1, sizeof *s.ocap);
  s.hist = calloc((size_t)nout + 1, sizeof *s.hist);
  s.limit = calloc((size_t)nout + 1, sizeof *s.limit);
  if (!s.ol || !s.on || !s.ocap || !s.hist || !s.limit)
    abort();
  int32_t dmin = INT32_MAX;
  for (int i = 0; i < nin; i++)
    dmin = depth && depth[i] < dmin ? depth[i] : dmin;
  s.vars = grow(NULL, s.capvars = 2 * nin + 16, sizeof *s.vars);
  for (int i = 0; i < nin; i++) {
    int32_t d = depth ? depth[i] - dmin : 0;
    s.vars[s.nvars++] = (CmvmVar){.a = -1, .b = -1, .lo = lo[i], .hi = hi[i],
                                  .depth = d < MAXD / 2 ? d : MAXD / 2};
  }
  th_rehash(&s);
  if (o->cse) {  /* room for the first patterns at once (growing them by doubling cost ~15 %) */
    int64_t pairs = 0;
    for (int out = 0; out < nout; out++) {
      int64_t t = 0;
      for (int i = 0; i < nin; i++)
        t += cmvm_digits(W[(int64_t)out * nin + i]);
      pairs += t * (t - 1) / 2;
    }
    s.cappats = (int32_t)(pairs < (1 << 16) ? pairs + 1024 : 1 << 16);
    s.pats = grow(NULL, s.cappats, sizeof *s.pats);
  }
  s.initial = 1;
  for (int out = 0; out < nout; out++) {
    for (int i = 0; i < nin; i++) {
      int64_t c = W[(int64_t)out * nin + i];
      for (int e = 0; c != 0; e++, c /= 2) {  /* non-adjacent form, low digit first */
        if (!(c & 1))
          continue;
        int dg = (c & 3) == 3 ? -1 : 1;
        term_add(&s, out, i, e, dg < 0);
        c -= dg;
      }
    }
    s.limit[out] = o->max_depth >= 0 && o->cse ? tree_depth(s.hist[out]) + o->max_depth : -1;
  }
  s.initial = 0;
  for (int32_t p = 0; o->cse && p < s.npats; p++)
    heap_push(&s, p);
  if (o->cse) {
    int32_t *mark = NULL, *occ = NULL, stamp = 0;
    int64_t capmark = 0;
    while (s.nheap > 0) {
      Ent top = heap_pop(&s);
      int64_t w = weight(&s, &s.pats[top.pat]);
      s.pats[top.pat].queued = 0;  /* its lower entries, if any, are stale */
      if (w != top.w) {
        if (w < top.w && w > 0)
          heap_push(&s, top.pat);
        continue;
      }
      if (capmark < s.nterms + 1) {
        capmark = 2 * (int64_t)s.nterms + 64;
        mark = grow(mark, capmark, sizeof *mark);
        occ = grow(occ, capmark, sizeof *occ);
        memset(mark, 0, sizeof *mark * (size_t)capmark);
        stamp = 0;
      }
      stamp++;
      apply(&s, top.pat, mark, stamp, occ);
    }
    free(mark);
    free(occ);
  }
  Cmvm *m = calloc(1, sizeof *m);
  Tm *hp = malloc(sizeof *hp * (size_t)(s.nterms + 1));
  if (!m || !hp)
    abort();
  m->nin = nin, m->nout = nout;
  m->out = malloc(sizeof *m->out * (size_t)(nout + 1));
  if (!m->out)
    abort();
  for (int out = 0; out < nout; out++)
    m->out[out] = reduce(&s, out, hp);
  free(hp);
  m->vars = s.vars, m->nvars = s.nvars, m->capvars = s.capvars;
  cmvm_finish(m);
  s.vars = NULL;
  s_free(&s);
  return m;
}

