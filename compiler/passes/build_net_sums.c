/*
 * build_net_sums.c - the helpers build_net.c and build_net_elem.c share
 * (build_net.h): a graph value's elements as netlist nodes (a constant
 * element becomes a CONST node), sums of terms coef * x built as balanced
 * adder trees in the kernel's order (net_sum), and a window's taps.
 */
#include <stdlib.h>

#include "build_net.h"

/* Element i of v: 1 with *k set if it is a compile-time constant, else 0
 * with *id set. */
int nb_elem(Builder *B, const Value *v, int64_t i, int64_t *k, NetId *id) {
  if (v->data) {
    *k = value_get_i64(v, i);
    return 1;
  }
  NetId *e = B->net->elems[v->id];
  if (!e)
    die("value %s has no netlist elements", v->name);
  *id = e[i];
  return 0;
}

NetId nb_node_of(Builder *B, const Value *v, int64_t i) {
  int64_t k;
  NetId id;
  return nb_elem(B, v, i, &k, &id) ? net_const(B->net, k) : id;
}

NetId *nb_new_elems(Builder *B, const Value *v) {
  int64_t n = value_numel(v);
  NetId *e = arena_alloc(B->net->arena, sizeof *e * (size_t)(n ? n : 1));
  B->net->elems[v->id] = e;
  return e;
}

/* ---- sums ---- */

void nb_sum_begin(Builder *B) {
  B->nt = 0;
  B->c = 0;
}

void nb_fold(Builder *B, __int128 c) {
  B->c += c;
  if (B->c >= ((__int128)1 << NET_MAXBITS) || B->c <= -((__int128)1 << NET_MAXBITS))
    error_node(B->g, B->n, "a constant sum needs more than %d bits; bibc's hardware backends "
               "cannot represent it", NET_MAXBITS + 1);
}

void nb_push_term(Builder *B, NetId x, __int128 coef) {
  if (coef == 0)
    return;
  if (coef >= ((__int128)1 << NET_MAXBITS) || coef <= -((__int128)1 << NET_MAXBITS))
    error_node(B->g, B->n, "a coefficient needs more than %d bits; bibc's hardware backends "
               "cannot represent it", NET_MAXBITS + 1);
  if (B->nt == B->capt) {
    B->capt = B->capt ? 2 * B->capt : 64;
    B->tx = realloc(B->tx, sizeof *B->tx * (size_t)B->capt);
    B->tc = realloc(B->tc, sizeof *B->tc * (size_t)B->capt);
    if (!B->tx || !B->tc)
      die("out of memory");
  }
  B->tx[B->nt] = x;
  B->tc[B->nt++] = (int64_t)coef;
}

/* Adds coef * (element ia of a) * (element ib of b), b optional (NULL). */
void nb_add_term(Builder *B, __int128 coef, const Value *a, int64_t ia, const Value *b,
                     int64_t ib) {
  int64_t ka, kb;
  NetId xa, xb;
  int ca = nb_elem(B, a, ia, &ka, &xa), cb = b ? nb_elem(B, b, ib, &kb, &xb) : 1;
  if (!b)
    kb = 1;
  if (ca && cb) {
    nb_fold(B, coef * ka * kb);
  } else if (ca || cb) {
    nb_push_term(B, ca ? xb : xa, coef * (ca ? ka : kb));
  } else if (coef != 0) {
    nb_push_term(B, net_add(B->net, NET_MUL, xa, xb, NET_NONE, 0, 0), coef);
  }
}

NetId nb_sum_end(Builder *B) {
  return net_sum(B->net, B->tx, B->tc, B->nt, (int64_t)B->c);
}

/* ---- products and sums ---- */

/* The window tap (k0, k1, k2) of output position (o0, o1, o2): the input
 * offset within a plane, or -1 in the padding. */
int64_t nb_tap(const Window3 *w, const int64_t *o, const int64_t *k) {
  int64_t i[3];
  for (int d = 0; d < 3; d++) {
    i[d] = o[d] * w->s[d] - w->pb[d] + k[d] * w->d[d];
    if (i[d] < 0 || i[d] >= w->in[d])
      return -1;
  }
  return (i[0] * w->in[1] + i[1]) * w->in[2] + i[2];
}
