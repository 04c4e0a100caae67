/*
 * shift_add - constant multiplications become shifted additions: each sum
 * of products by constants is rebuilt as one adder tree over
 * canonical-signed-digit terms +-(x << e), the form fully parallel FPGA
 * logic wants (no multiplier; an adder costs about one LUT per bit).
 *
 * Algorithm.  A "sum" is a maximal tree of ADD, SUB, NEG, SHL and MUL-by-
 * a-constant nodes of one layer whose inner nodes each have one reader; its
 * leaves are any other nodes (inputs, other layers' results, shared nodes,
 * products of two variables).  The tree is flattened to sum_i c_i * x_i + c0
 * (equal leaves merge their coefficients), each c_i is written in
 * canonical signed digits (the non-adjacent form: fewest nonzero digits),
 * and the terms are summed by a timing-driven reduction: a heap always
 * combines the two terms available earliest (lowest adder depth, then
 * smallest shift), with x - (y << s) where the signs differ, so no term
 * costs a negation (the last addition is turned around when that keeps
 * the sum positive); the lower shift of the two is kept outside, so low
 * bits pass through as wires.  The constant is added last.  No sharing
 * between sums (distributed arithmetic, a later pass, finds common
 * subexpressions).  Everything else is copied.  The result computes the
 * same integers (net_eval agrees bit for bit: tests/net) with exact
 * intervals, so widths stay minimal.
 *
 * Requires: build_net.  Provides: no MUL with a constant operand; each
 * node's depth in adder levels (net_depth) is what the tree minimised.
 * Invalidates: node ids (a new Net).  Cost: O(terms log terms) per sum.
 */
#include <stdlib.h>
#include <string.h>

#include "../compiler.h"

typedef struct Term {
  NetId x;                   /* the leaf, in the new net */
  int neg;                   /* the term is -(x << e) */
  int e;                     /* left shift */
  int32_t depth;             /* adder levels until x is available */
  int64_t order;             /* insertion order: ties stay deterministic */
} Term;

typedef struct Rebuild {
  const Net *old;
  Net *net;
  NetId *map;                /* old id -> new id (NET_NONE: absorbed) */
  int32_t *uses;             /* old id: readers (a value's element or an output: 2 more) */
  NetId *reader;             /* old id: its last reader */
  int32_t *depth;            /* new id: adder levels */
  int64_t capdepth;
  NetId *lx;                 /* flattened sum: old leaf ids */
  __int128 *lc;              /* and their coefficients */
  int64_t nl, capl;
  Term *heap;
  int64_t nheap, capheap;
} Rebuild;

static int is_sum_op(const Net *net, const NetNode *n) {
  return n->op == NET_ADD || n->op == NET_SUB || n->op == NET_NEG || n->op == NET_SHL ||
         (n->op == NET_MUL && (net->nodes[n->a].op == NET_CONST || net->nodes[n->b].op == NET_CONST));
}

/* Absorbed into its reader's sum: a sum op read once, by a sum op of its layer. */
static int absorbed(const Rebuild *R, NetId id, const NetNode *reader) {
  const NetNode *n = &R->old->nodes[id];
  return is_sum_op(R->old, n) && R->uses[id] == 1 && is_sum_op(R->old, reader) &&
         n->layer == reader->layer;
}

static void add_leaf(Rebuild *R, NetId x, __int128 c) {
  for (int64_t i = 0; i < R->nl; i++)  /* sums are short; merge equal leaves */
    if (R->lx[i] == x) {
      R->lc[i] += c;
      return;
    }
  if (R->nl == R->capl) {
    R->capl = R->capl ? 2 * R->capl : 64;
    R->lx = realloc(R->lx, sizeof *R->lx * (size_t)R->capl);
    R->lc = realloc(R->lc, sizeof *R->lc * (size_t)R->capl);
    if (!R->lx || !R->lc)
      die("out of memory");
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

/* ---- the heap of terms: earliest available first ---- */

static int before(const Term *a, const Term *b) {
  if (a->depth != b->depth)
    return a->depth < b->depth;
  if (a->e != b->e)
    return a->e < b->e;
  return a->order < b->order;
}

static void heap_push(Rebuild *R, Term t) {
  if (R->nheap == R->capheap) {
    R->capheap = R->capheap ? 2 * R->capheap : 64;
    R->heap = realloc(R->heap, sizeof *R->heap * (size_t)R->capheap);
    if (!R->heap)
      die("out of memory");
  }
  int64_t i = R->nheap++;
  for (; i > 0 && before(&t, &R->heap[(i - 1) / 2]); i = (i - 1) / 2)
    R->heap[i] = R->heap[(i - 1) / 2];
  R->heap[i] = t;
}

static Term heap_pop(Rebuild *R) {
  Term top = R->heap[0], last = R->heap[--R->nheap];
  int64_t i = 0;
  for (;;) {
    int64_t c = 2 * i + 1;
    if (c >= R->nheap)
      break;
    if (c + 1 < R->nheap && before(&R->heap[c + 1], &R->heap[c]))
      c++;
    if (!before(&R->heap[c], &last))
      break;
    R->heap[i] = R->heap[c];
    i = c;
  }
  R->heap[i] = last;
  return top;
}

/* Adder levels until node id (new net) is available. */
static int32_t dep(const Rebuild *R, NetId id) {
  NetOp op = R->net->nodes[id].op;
  return op == NET_INPUT || op == NET_CONST ? 0 : R->depth[id];
}

static NetId add_node(Rebuild *R, NetOp op, NetId a, NetId b, NetId c, int32_t s, int64_t k) {
  NetId id = net_add(R->net, op, a, b, c, s, k);
  if (id >= R->capdepth) {
    R->capdepth = 2 * id + 64;
    R->depth = realloc(R->depth, sizeof *R->depth * (size_t)R->capdepth);
    if (!R->depth)
      die("out of memory");
  }
  const NetNode *n = &R->net->nodes[id];
  int32_t d = 0;
  const NetId args[3] = {a, b, c};
  for (int j = 0; j < net_op_nargs(op); j++)
    d = dep(R, args[j]) > d ? dep(R, args[j]) : d;
  R->depth[id] = d + net_depth(n->op);
  return id;
}

/* The rebuilt sum: CSD terms of every leaf, reduced by the heap, then the
 * constant. */
static NetId rebuild_sum(Rebuild *R, NetId root) {
  __int128 c0 = 0;
  R->nl = 0;
  flatten(R, root, 1, &c0);
  R->nheap = 0;
  int64_t order = 0;
  for (int64_t i = 0; i < R->nl; i++) {
    __int128 c = R->lc[i];
    NetId x = R->map[R->lx[i]];
    for (int e = 0; c != 0; e++, c /= 2) {  /* non-adjacent form, low digit first */
      if (!(c & 1))
        continue;
      int d = (c & 3) == 3 ? -1 : 1;      /* c = 3 (mod 4): digit -1 */
      heap_push(R, (Term){.x = x, .neg = d < 0, .e = e, .depth = dep(R, x), .order = order++});
      c -= d;
    }
  }
  if (c0 >= ((__int128)1 << NET_MAXBITS) || c0 <= -((__int128)1 << NET_MAXBITS))
    error_node(R->net->g, R->net->layer >= 0 ? R->net->g->nodes[R->net->layer] : NULL,
               "a constant sum needs more than %d bits", NET_MAXBITS + 1);
  if (R->nheap == 0)
    return net_const(R->net, (int64_t)c0);
  while (R->nheap > 1) {
    Term a = heap_pop(R), b = heap_pop(R);
    if (a.e > b.e) {
      Term t = a;
      a = b;
      b = t;
    }
    NetId n;
    int neg = a.neg;
    if (R->nheap == 0 && a.neg && !b.neg && c0 == 0) {
      /* the last addition: (b << d) - a, positive, rather than -(a - (b << d)),
       * which would need a negation (the shift is wiring) */
      NetId hi = add_node(R, NET_SHL, b.x, NET_NONE, NET_NONE, b.e - a.e, 0);
      n = add_node(R, NET_SUB, hi, a.x, NET_NONE, 0, 0);
      neg = 0;
    } else {
      n = add_node(R, a.neg == b.neg ? NET_ADD : NET_SUB, a.x, b.x, NET_NONE, b.e - a.e, 0);
    }
    heap_push(R, (Term){.x = n, .neg = neg, .e = a.e, .depth = dep(R, n), .order = order++});
  }
  Term t = heap_pop(R);
  NetId k = c0 ? net_const(R->net, (int64_t)c0) : NET_NONE;
  if (t.neg)  /* c0 - (x << e), or -(x << e) */
    return k != NET_NONE ? add_node(R, NET_SUB, k, t.x, NET_NONE, t.e, 0)
         : add_node(R, NET_NEG, t.e ? add_node(R, NET_SHL, t.x, NET_NONE, NET_NONE, t.e, 0) : t.x,
                    NET_NONE, NET_NONE, 0, 0);
  if (k != NET_NONE)  /* c0 + (x << e) */
    return add_node(R, NET_ADD, k, t.x, NET_NONE, t.e, 0);
  return t.e ? add_node(R, NET_SHL, t.x, NET_NONE, NET_NONE, t.e, 0) : t.x;
}

Net *shift_add(const Net *old) {
  Graph *g = old->g;
  Rebuild R = {.old = old, .net = net_derive(old)};
  Net *net = R.net;
  R.map = malloc(sizeof *R.map * (size_t)(old->nnodes + 1));
  R.uses = calloc((size_t)old->nnodes + 1, sizeof *R.uses);
  R.reader = malloc(sizeof *R.reader * (size_t)(old->nnodes + 1));
  if (!R.map || !R.uses || !R.reader)
    die("out of memory");
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    const NetId args[3] = {n->a, n->b, n->c};
    R.map[i] = NET_NONE;
    for (int j = 0; j < net_op_nargs(n->op); j++)
      R.uses[args[j]]++, R.reader[args[j]] = (NetId)i;
  }
  for (int p = 0; p < old->nout; p++)  /* outputs and values' elements are read from outside */
    for (int64_t e = 0; e < old->out[p].n; e++)
      R.uses[old->out[p].el[e]] += 2;
  for (int v = 0; v < g->nvalues; v++)
    for (int64_t e = 0; old->elems[v] && e < value_numel(g->values[v]); e++)
      R.uses[old->elems[v][e]] += 2;
  for (int64_t i = 0; i < old->nnodes; i++) {
    const NetNode *n = &old->nodes[i];
    int sum = is_sum_op(old, n);
    if (sum && R.uses[i] == 1 && absorbed(&R, (NetId)i, &old->nodes[R.reader[i]]))
      continue;  /* part of its reader's sum */
    net->layer = n->layer;
    if (n->op == NET_INPUT) {
      R.map[i] = net_input(net, n->s, n->k, n->lo, n->hi);
    } else if (n->op == NET_CONST) {
      R.map[i] = net_const(net, n->k);
    } else if (sum) {
      R.map[i] = rebuild_sum(&R, (NetId)i);
    } else {
      R.map[i] = add_node(&R, n->op, n->a >= 0 ? R.map[n->a] : NET_NONE,
                          n->b >= 0 ? R.map[n->b] : NET_NONE, n->c >= 0 ? R.map[n->c] : NET_NONE,
                          n->s, n->k);
    }
  }
  net->layer = -1;
  net_remap(net, old, R.map);
  free(R.map);
  free(R.uses);
  free(R.reader);
  free(R.depth);
  free(R.lx);
  free(R.lc);
  free(R.heap);
  net_verify(net);
  return net;
}
