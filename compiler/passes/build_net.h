/*
 * build_net.h - the netlist builder's parts: build_net.c (products, sums,
 * data movement, the sweep), build_net_elem.c (per-element ops: Relu,
 * Clip, MaxPool, ArgMax/TopK, Requant, Threshold, logic gates, PopCount)
 * and build_net_sums.c (the helpers both use, prefixed nb_).
 */
#ifndef BIBC_BUILD_NET_H
#define BIBC_BUILD_NET_H
#include "../compiler.h"

typedef struct Builder {
  Net *net;
  Graph *g;
  const Node *n;             /* the node being unrolled */
  NetId *tx;                 /* sum scratch: term nodes */
  int64_t *tc;               /* and their coefficients */
  int64_t nt, capt;
  __int128 c;                /* the sum's constant part */
} Builder;

/* ---- build_net_sums.c ---- */
/* Element i of v: 1 with *k set if it is a compile-time constant, else 0
 * with *id set. */
int nb_elem(Builder *B, const Value *v, int64_t i, int64_t *k, NetId *id);
NetId nb_node_of(Builder *B, const Value *v, int64_t i);  /* a constant becomes a CONST node */
NetId *nb_new_elems(Builder *B, const Value *v);         /* v's element nodes, to be set */
/* A sum of terms coef * x and a constant, built as a balanced adder tree
 * in the kernel's order: sum_begin, then fold (constants), push_term and
 * add_term (coef * a[ia] * b[ib], b optional), then sum_end. */
void nb_sum_begin(Builder *B);
void nb_fold(Builder *B, __int128 c);
void nb_push_term(Builder *B, NetId x, __int128 coef);
void nb_add_term(Builder *B, __int128 coef, const Value *a, int64_t ia, const Value *b, int64_t ib);
NetId nb_sum_end(Builder *B);
/* The window tap k of output position o: the input offset within a
 * plane, or -1 in the padding. */
int64_t nb_tap(const Window3 *w, const int64_t *o, const int64_t *k);

/* ---- build_net_elem.c: the unrolling of B->n ---- */
void build_relu(Builder *B);
void build_clip(Builder *B);
void build_maxpool(Builder *B);
void build_select(Builder *B);
void build_requant(Builder *B);
void build_threshold(Builder *B);
void build_logic(Builder *B);
void build_popcount(Builder *B);

#endif
