/*
 * da - distributed arithmetic: every product by a constant becomes shifts
 * and additions, and the additions are shared between the outputs of a
 * constant matrix-vector product (compiler/cmvm.c: canonical signed
 * digits, common-subexpression elimination of two-term patterns, then a
 * timing-driven adder tree per output).  On a fully parallel FPGA design
 * this is what replaces multipliers: no DSP, about one LUT per adder bit.
 *
 * Sums.  A "sum" is a maximal tree of ADD, SUB, NEG, SHL and MUL-by-a-
 * constant nodes of one layer whose inner nodes each have one reader; its
 * leaves are any other nodes (inputs, other layers' results, shared nodes,
 * products of two variables).  The tree is flattened to sum_i c_i * x_i + c0
 * (equal leaves merge their coefficients).  This is also what the pass
 * does to sums outside matrix products (a bias, a scaling, a residual Add),
 * except a PopCount's (GroupSum), whose balanced trees stay as they are.
 *
 * Products.  The sums of one MatMul (SparseMatMul) row of outputs, or of
 * one Conv output position (all output channels), form one constant
 * matrix-vector product y = W x + c over the union of their leaves; any
 * other sum is a product with one output.  Conv positions with the same
 * matrix, input ranges and input depths share one adder-graph design,
 * computed once.  Adder depths start from the leaves' depths, so a layer's
 * trees finish early where its inputs arrive late.  Each output's constant
 * is added last.  A product whose pairs would take more than bounded time
 * is built without sharing (a note says so).
 *
 * Options: --da-depth K (extra adder levels sharing may add to each output
 * over the shallowest tree of its CSD terms; default unlimited); --no-da
 * keeps the multiplications (the pass does not run).
 *
 * Requires: a netlist (build_net).  Provides: no MUL with a constant
 * operand; zero weights cost nothing; every adder's interval follows
 * from its operands' (exact widths); the result computes the same integers
 * (net_eval agrees bit for bit).  Invalidates: node ids (a new Net).
 * Cost: cmvm.c's, per distinct product design.
 */
#include <stdlib.h>
#include <string.h>

#include "../cmvm.h"
#include "../compiler.h"

typedef struct Design {      /* a solved product, by its matrix, ranges and depths */
  uint64_t hash;
  int nout, nin;
  int64_t *key;              /* W, lo, hi, depth, as int64 */
  Cmvm *m;
  struct Design *next;
} Design;

typedef struct Rebuild {
  const Net *old;
  Net *net;
  CmvmOptions co;
  NetId *map;                /* old id -> new id (NET_NONE: absorbed or not yet) */
  int32_t *uses;             /* old id: readers (a value's element or an output: 2 more) */
  NetId *reader;             /* old id: its last reader */
  int64_t *group;            /* old id: its product (root sums), -1: alone */
  int32_t *depth;            /* new id: adder levels */
  int64_t capdepth;
  int32_t *col;              /* old id: column in the product being built, -1 */
  NetId *lx;                 /* flattened sum: old leaf ids */
  __int128 *lc;              /* and their coefficients */
  int64_t nl, capl;
  Design **designs;          /* hash table of designs */
  int64_t ndesigns, capdesigns;
  int shared_skipped;        /* products built without sharing */
} Rebuild;

static void *xrealloc(void *p, int64_t n, size_t size) {
  void *q = realloc(p, size * (size_t)(n > 0 ? n : 1));
  if (!q)
    die("out of memory");
  return q;
}

/* A PopCount's sums are left as build_net made them: every coefficient is
 * 1 and the groups share no bits, so there is nothing to share, and its
 * balanced trees take the constant as a leaf where this pass adds it last
 * (big_lgn: one adder level and 5 % of the adder bits less). */
static int is_sum_op(const Net *net, const NetNode *n) {
  if (n->layer >= 0 && net->g->nodes[n->layer]->op == OP_POPCOUNT)
    return 0;
  return n->op == NET_ADD || n->op == NET_SUB || n->op == NET_NEG || n->op == NET_SHL ||
         (n->op == NET_MUL && (net->nodes[n->a].op == NET_CONST || net->nodes[n->b].op == NET_CONST));
}

/* Absorbed into its reader's sum: a sum op read once, by a sum op of its layer. */
static int absorbed(const Rebuild *R, NetId id, const NetNode *reader) {
  const NetNode *n = &R->old->nodes[id];
  return is_sum_op(R->old, n) && R->uses[id] == 1 && is_sum_op(R->old, reader) &&
         n->layer == reader->layer;
}

/* Appends a leaf (equal leaves merge when the product's matrix is built). */
static void add_leaf(Rebuild *R, NetId x, __int128 c) {
  if (R->nl == R->capl) {
    R->capl = R->capl ? 2 * R->capl : 64;
    R->lx = xrealloc(R->lx, R->capl, sizeof *R->lx);
    R->lc = xrealloc(R->lc, R->capl, sizeof *R->lc);
  }
  R->lx[R->nl] = x;
  R->lc[R->nl++] = c;
}

/* Flattens the sum rooted at id (old net) into leaves times coefficients;
 * *c0 collects constants. */
static void flatten(Rebuild *R, NetId id, __int128 coef, __int128 *c0) {
  const NetNode *n = &R->old->nodes[id];
  const NetNode *nodes = R->old->nodes;
  switch ((NetOp)n->op) {
  case NET_CONST: *c0 += coef * n->k; return;
  case NET_ADD: case NET_SUB: {
    __int128 cb = coef * ((__int128)1 << n->s) * (n->op == NET_SUB ? -1 : 1);
    NetId ops[2] = {n->a, n->b};
    __int128 cs[2] = {coef, cb};
    for (int j = 0; j < 2; j++) {
      if (absorbed(R, ops[j], n) || nodes[ops[j]].op == NET_CONST)
        flatten(R, ops[j], cs[j], c0);
      else
        add_leaf(R, ops[j], cs[j]);
    }
    return;
  }
  case NET_NEG: case NET_SHL: case NET_MUL: {
    NetId x = n->a;
    __int128 k = n->op == NET_NEG ? -1 : n->op == NET_SHL ? (__int128)1 << n->s : 0;
    if (n->op == NET_MUL) {
      int ca = nodes[n->a].op == NET_CONST;
      x = ca ? n->b : n->a;
      k = nodes[ca ? n->a : n->b].k;
    }
    if (absorbed(R, x, n) || nodes[x].op == NET_CONST)
      flatten(R, x, coef * k, c0);
    else
      add_leaf(R, x, coef * k);
    return;
  }
  default: add_leaf(R, id, coef); return;
  }
}

/* Adder levels until node id (new net) is available. */
static int32_t dep(const Rebuild *R, NetId id) {
  NetOp op = R->net->nodes[id].op;
  return op == NET_INPUT || op == NET_CONST ? 0 : R->depth[id];
}

/* Records the adder levels of node id, new in R->net if not below before. */
static NetId record(Rebuild *R, NetId id, int64_t before) {
  if (id < before)
    return id;  /* known already: an operand or a constant */
  if (id >= R->capdepth) {
    R->capdepth = 2 * (int64_t)id + 64;
    R->depth = xrealloc(R->depth, R->capdepth, sizeof *R->depth);
  }
  const NetNode *n = &R->net->nodes[id];
  int32_t d = 0;
  NetId args[NET_MAXARGS];
  for (int j = 0, na = net_args(n, args); j < na; j++)
    d = dep(R, args[j]) > d ? dep(R, args[j]) : d;
  R->depth[id] = d + net_node_depth(n);
  return id;
}

static NetId add_node(Rebuild *R, NetOp op, NetId a, NetId b, NetId c, int32_t s, int64_t k) {
  int64_t before = R->net->nnodes;
  return record(R, net_add(R->net, op, a, b, c, s, k), before);
}

/* A node that is not part of a sum, copied (a narrowed interval kept). */
static NetId copy_node(Rebuild *R, const NetNode *n) {
  NetId args[NET_MAXARGS], ops[NET_MAXARGS];
  int na = net_args(n, args);
  for (int j = 0; j < NET_MAXARGS; j++)
    ops[j] = j < na ? R->map[args[j]] : NET_NONE;
  int64_t before = R->net->nnodes;
  return record(R, net_copy_args(R->net, n, ops), before);
}

/* ---- products: which root sums form one matrix-vector product ---- */

/* The product key of element e of a MatMul/Conv output: (layer, row or
 * position), or -1 when the node is not a constant matrix product. */
static int64_t product_key(const Node *n, int layer, int64_t e) {
  const Value *y = n->out[0];
  int64_t pos;
  if (n->op == OP_MATMUL || n->op == OP_SPMATMUL) {
    pos = y->rank ? e / y->dims[y->rank - 1] : 0;  /* one row of Y */
  } else if (n->op == OP_CONV && y->rank >= 2) {
    int64_t inner = 1;                            /* NC...: all channels of a position */
    for (int i = 2; i < y->rank; i++)
      inner *= y->dims[i];
    pos = e / (y->dims[1] * inner) * inner + e % inner;
  } else {
    return -1;
  }
  return (int64_t)layer << 40 | pos;
}

/* Marks each root sum of a constant matrix product with its product key. */
static void find_products(Rebuild *R) {
  const Net *old = R->old;
  Graph *g = old->g;
  for (int64_t i = 0; i < old->nnodes; i++)
    R->group[i] = -1;
  for (int l = 0; l < g->nnodes; l++) {
    const Node *n = g->nodes[l];
    if ((n->op != OP_MATMUL && n->op != OP_SPMATMUL && n->op != OP_CONV) || n->nout < 1 ||
        !n->out[0] || !old->elems[n->out[0]->id])
      continue;
    const NetId *el = old->elems[n->out[0]->id];
    for (int64_t e = 0; e < value_numel(n->out[0]); e++) {
      NetId id = el[e];
      if (id >= 0 && old->nodes[id].layer == l && is_sum_op(old, &old->nodes[id]) &&
          R->group[id] < 0)
        R->group[id] = product_key(n, l, e);
    }
  }
}

/* ---- designs ---- */

static uint64_t hash_words(const int64_t *w, int64_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (int64_t i = 0; i < n; i++) {
    h ^= (uint64_t)w[i];
    h *= 0x100000001b3ULL;
    h ^= h >> 29;
  }
  return h;
}

/* The design of product key[] (W nout x nin, then lo, hi, depth per input). */
static const Cmvm *design(Rebuild *R, int64_t *key, int nout, int nin, const Node *layer) {
  int64_t nkey = (int64_t)nout * nin + 3 * (int64_t)nin;
  uint64_t h = hash_words(key, nkey) ^ (uint64_t)nout * 31;
  if (R->capdesigns == 0) {
    R->capdesigns = 256;
    R->designs = calloc((size_t)R->capdesigns, sizeof *R->designs);
    if (!R->designs)
      die("out of memory");
  }
  for (Design *d = R->designs[h & (uint64_t)(R->capdesigns - 1)]; d; d = d->next)
    if (d->hash == h && d->nout == nout && d->nin == nin &&
        memcmp(d->key, key, sizeof *key * (size_t)nkey) == 0)
      return d->m;
  int64_t *W = key, *lo = key + (int64_t)nout * nin, *hi = lo + nin, *dp = hi + nin;
  int32_t *depth = xrealloc(NULL, nin, sizeof *depth);
  for (int i = 0; i < nin; i++)
    depth[i] = (int32_t)dp[i];
  const char *why = NULL;
  Cmvm *m = cmvm_solve(W, nout, nin, lo, hi, depth, &R->co, &why);
  if (!m && R->co.cse) {  /* too large to share: CSD trees per output */
    CmvmOptions plain = R->co;
    plain.cse = 0;
    m = cmvm_solve(W, nout, nin, lo, hi, depth, &plain, &why);
    if (m && !R->shared_skipped++)
      note_node(R->net->g, layer, "adders not shared (%s); the product is %d x %d", why, nout, nin);
  }
  free(depth);
  if (!m)
    error_node(R->net->g, layer, "constant product of %d x %d: %s", nout, nin, why);
  Design *d = malloc(sizeof *d);
  if (!d)
    die("out of memory");
  *d = (Design){.hash = h, .nout = nout, .nin = nin, .m = m,
                .key = xrealloc(NULL, nkey, sizeof *key)};
  memcpy(d->key, key, sizeof *key * (size_t)nkey);
  d->next = R->designs[h & (uint64_t)(R->capdesigns - 1)];
  R->designs[h & (uint64_t)(R->capdesigns - 1)] = d;
  return m;
}

/* ---- building a product ---- */

/* Emits design m on the new net with input i = leaf[i]; the outputs are
 * added to c0[o] and returned in out[o]. */
static void emit(Rebuild *R, const Cmvm *m, const NetId *leaf, const __int128 *c0, NetId *out) {
  NetId *v = xrealloc(NULL, m->nvars, sizeof *v);
  for (int32_t i = 0; i < m->nvars; i++) {
    const CmvmVar *x = &m->vars[i];
    if (i < m->nin) {
      v[i] = leaf[i];
      continue;
    }
    if (x->lo == x->hi) {  /* the operands cancel */
      v[i] = net_const(R->net, x->lo);
      continue;
    }
    int64_t before = R->net->nnodes;
    if (!x->sub) {  /* (a << sa) + (b << sb), one shift zero: commute */
      v[i] = x->sa ? add_node(R, NET_ADD, v[x->b], v[x->a], NET_NONE, x->sa, 0)
                   : add_node(R, NET_ADD, v[x->a], v[x->b], NET_NONE, x->sb, 0);
    } else {        /* (a << sa) - (b << sb) */
      NetId a = x->sa ? add_node(R, NET_SHL, v[x->a], NET_NONE, NET_NONE, x->sa, 0) : v[x->a];
      v[i] = add_node(R, NET_SUB, a, v[x->b], NET_NONE, x->sb, 0);
    }
    const NetNode *n = &R->net->nodes[v[i]];
    int64_t l = x->lo > n->lo ? x->lo : n->lo, h = x->hi < n->hi ? x->hi : n->hi;
    if (v[i] >= before && (n->op == NET_ADD || n->op == NET_SUB) && l <= h)
      net_tighten(R->net, v[i], l, h);  /* exact (Cmvm.exact), or at least the outputs' */
  }
  for (int o = 0; o < m->nout; o++) {
    const CmvmOut *t = &m->out[o];
    NetId k = c0[o] ? net_const(R->net, (int64_t)c0[o]) : NET_NONE;
    if (t->v < 0) {
      out[o] = net_const(R->net, (int64_t)c0[o]);
    } else if (t->neg) {  /* c0 - (x << e), or -(x << e) */
      out[o] = k != NET_NONE ? add_node(R, NET_SUB, k, v[t->v], NET_NONE, t->e, 0)
             : add_node(R, NET_NEG, t->e ? add_node(R, NET_SHL, v[t->v], NET_NONE, NET_NONE, t->e, 0)
                                         : v[t->v], NET_NONE, NET_NONE, 0, 0);
    } else if (k != NET_NONE) {  /* c0 + (x << e) */
      out[o] = add_node(R, NET_ADD, k, v[t->v], NET_NONE, t->e, 0);
    } else {
      out[o] = t->e ? add_node(R, NET_SHL, v[t->v], NET_NONE, NET_NONE, t->e, 0) : v[t->v];
    }
  }
  free(v);
}

static NORETURN void too_wide(const Rebuild *R, const char *what) {
  Graph *g = R->net->g;
  error_node(g, R->net->layer >= 0 ? g->nodes[R->net->layer] : NULL, "%s needs more than %d bits",
             what, NET_MAXBITS + 1);
}

static int id_cmp(const void *x, const void *y) {
  NetId a = *(const NetId *)x, b = *(const NetId *)y;
  return (a > b) - (a < b);
}

/* Builds the product whose root sums are roots[0..n): flattens each,
 * collects the union of their leaves as columns, solves (or reuses) the
 * design and maps every root.  Returns 0 (nothing built) if a leaf is not
 * built yet (it comes after the first root). */
static int build_product(Rebuild *R, const NetId *roots, int n) {
  __int128 *c0 = xrealloc(NULL, n, sizeof *c0);
  int64_t *start = xrealloc(NULL, n + 1, sizeof *start);
  R->nl = 0;
  for (int o = 0; o < n; o++) {
    start[o] = R->nl;
    c0[o] = 0;
    flatten(R, roots[o], 1, &c0[o]);
    if (c0[o] >= ((__int128)1 << NET_MAXBITS) || c0[o] <= -((__int128)1 << NET_MAXBITS))
      too_wide(R, "a constant sum");
  }
  start[n] = R->nl;
  for (int64_t i = 0; i < R->nl; i++)
    if (R->map[R->lx[i]] == NET_NONE) {
      free(start), free(c0);
      return 0;
    }
  int nin = 0;  /* columns: the distinct leaves, by node id (inputs in port order) */
  NetId *cols = xrealloc(NULL, R->nl, sizeof *cols);
  for (int64_t i = 0; i < R->nl; i++)
    if (R->col[R->lx[i]] < 0) {
      R->col[R->lx[i]] = 0;
      cols[nin++] = R->lx[i];
    }
  qsort(cols, (size_t)nin, sizeof *cols, id_cmp);
  for (int i = 0; i < nin; i++)
    R->col[cols[i]] = i;
  int64_t nw = (int64_t)n * nin;
  int64_t *key = xrealloc(NULL, nw + 3 * (int64_t)nin, sizeof *key);
  memset(key, 0, sizeof *key * (size_t)nw);
  for (int o = 0; o < n; o++)
    for (int64_t i = start[o]; i < start[o + 1]; i++) {
      __int128 c = key[(int64_t)o * nin + R->col[R->lx[i]]] + R->lc[i];
      if (c >= ((__int128)1 << NET_MAXBITS) || c <= -((__int128)1 << NET_MAXBITS))
        too_wide(R, "a coefficient");
      key[(int64_t)o * nin + R->col[R->lx[i]]] = (int64_t)c;
    }
  NetId *leaf = xrealloc(NULL, nin, sizeof *leaf);
  for (int i = 0; i < nin; i++) {
    leaf[i] = R->map[cols[i]];
    key[nw + i] = R->net->nodes[leaf[i]].lo;  /* the new net's (possibly narrower) */
    key[nw + nin + i] = R->net->nodes[leaf[i]].hi;
    key[nw + 2 * nin + i] = dep(R, leaf[i]);
    R->col[cols[i]] = -1;
  }
  Graph *g = R->net->g;
  const Cmvm *m = design(R, key, n, nin, R->net->layer >= 0 ? g->nodes[R->net->layer] : NULL);
  NetId *out = xrealloc(NULL, n, sizeof *out);
  emit(R, m, leaf, c0, out);
  for (int o = 0; o < n; o++)
    R->map[roots[o]] = out[o];
  free(out), free(leaf), free(key), free(cols), free(start), free(c0);
  return 1;
}

typedef struct Root {
  int64_t key;
  NetId id;
} Root;

static int root_cmp(const void *x, const void *y) {
  const Root *a = x, *b = y;
  return a->key != b->key ? (a->key < b->key ? -1 : 1) : (a->id > b->id) - (a->id < b->id);
}

Net *da(const Net *old, const PassOptions *po) {
  Rebuild R = {.old = old, .net = net_derive(old),
               .co = cmvm_options(po->da_adders ? CMVM_COST_ADDERS : CMVM_COST_LUTS)};
  R.co.max_depth = po->da_depth_given ? po->da_depth : -1;
  Net *net = R.net;
  int64_t nn = old->nnodes + 1;
  R.map = xrealloc(NULL, nn, sizeof *R.map);
  R.uses = xrealloc(NULL, nn, sizeof *R.uses);
  R.reader = xrealloc(NULL, nn, sizeof *R.reader);
  R.group = xrealloc(NULL, nn, sizeof *R.group);
  R.col = xrealloc(NULL, nn, sizeof *R.col);
  net_uses(old, R.uses, R.reader);
  for (int64_t i = 0; i < old->nnodes; i++)
    R.map[i] = NET_NONE, R.col[i] = -1;
  find_products(&R);
  /* the roots of each product, contiguous: roots[first[id]..] */
  Root *roots = xrealloc(NULL, nn, sizeof *roots);
  int64_t nroots = 0;
  for (int64_t i = 0; i < old->nnodes; i++)
    if (R.group[i] >= 0)
      roots[nroots++] = (Root){R.group[i], (NetId)i};
  qsort(roots, (size_t)nroots, sizeof *roots, root_cmp);
  NetId *ids = xrealloc(NULL, nroots, sizeof *ids);
  int64_t *first = xrealloc(NULL, nn, sizeof *first);
  for (int64_t i = 0; i < nroots; i++) {
    ids[i] = roots[i].id;
    first[roots[i].id] = i > 0 && roots[i - 1].key == roots[i].key ? first[roots[i - 1].id] : i;
  }
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    int sum = is_sum_op(old, n);
    if (R.map[i] != NET_NONE)
      continue;  /* built with its product */
    if (sum && R.uses[i] == 1 && absorbed(&R, (NetId)i, &old->nodes[R.reader[i]]))
      continue;  /* part of its reader's sum */
    net->layer = n->layer;
    if (n->op == NET_INPUT) {
      R.map[i] = net_input(net, n->s, n->k, n->lo, n->hi);
    } else if (n->op == NET_CONST) {
      R.map[i] = net_const(net, n->k);
    } else if (sum) {
      NetId id = (NetId)i;
      if (R.group[i] >= 0) {
        int64_t f = first[i], k = f;
        while (k < nroots && R.group[ids[k]] == R.group[i])
          k++;
        if (build_product(&R, ids + f, (int)(k - f)))
          continue;
        for (int64_t j = f; j < k; j++)  /* a leaf comes late: its sums go alone */
          R.group[ids[j]] = -1;
      }
      build_product(&R, &id, 1);  /* a sum of its own */
    } else {
      R.map[i] = copy_node(&R, n);
    }
  }
  net->layer = -1;
  net_remap(net, old, R.map);
  for (int64_t i = 0; i < R.capdesigns; i++)
    for (Design *d = R.designs[i], *next; d; d = next) {
      next = d->next;
      cmvm_free(d->m);
      free(d->key);
      free(d);
    }
  free(R.designs), free(roots), free(ids), free(first);
  free(R.map), free(R.uses), free(R.reader), free(R.group), free(R.col), free(R.depth);
  free(R.lx), free(R.lc);
  net_verify(net);
  return net;
}
