/*
 * build_net_elem.c - build_net's per-element ops (build_net.c's comment
 * says what each becomes): each output element is a small function of a
 * few input elements, and nodes that an element's interval decides
 * (a Relu of a value that is never negative, a bound it never passes) are
 * not made.
 */
#include <stdlib.h>
#include <string.h>

#include "build_net.h"
#include "../../runtime/rt_fixed.h"

static NetId max_tree(Builder *B, const NetId *x, int64_t n) {
  if (n == 1)
    return x[0];
  NetId l = max_tree(B, x, n / 2), r = max_tree(B, x + n / 2, n - n / 2);
  return net_add(B->net, NET_MAX, l, r, NET_NONE, 0, 0);
}

void build_relu(Builder *B) {
  const Value *x = B->n->in[0];
  NetId *ye = nb_new_elems(B, B->n->out[0]), zero = NET_NONE;
  for (int64_t i = 0; i < value_numel(x); i++) {
    NetId e = nb_node_of(B, x, i);
    const NetNode *en = &B->net->nodes[e];
    if (en->lo >= 0) {
      ye[i] = e;
    } else {
      if (zero == NET_NONE)
        zero = net_const(B->net, 0);
      ye[i] = en->hi <= 0 ? zero : net_add(B->net, NET_MAX, e, zero, NET_NONE, 0, 0);
    }
  }
}

/* Clip of codes by constant bounds (lower_fixed's fix_clip): a clamp, or
 * one max or min when a bound is absent; an element already inside the
 * bounds is itself. */
void build_clip(Builder *B) {
  const Node *n = B->n;
  const Value *x = n->in[0];
  NetId *ye = nb_new_elems(B, n->out[0]);
  NetId b[2] = {NET_NONE, NET_NONE};
  int64_t k[2] = {INT64_MIN, INT64_MAX};
  for (int j = 0; j < 2; j++)
    if (n->nin > j + 1 && n->in[j + 1]) {
      k[j] = value_get_i64(n->in[j + 1], 0);
      b[j] = net_const(B->net, k[j]);
    }
  for (int64_t i = 0; i < value_numel(x); i++) {
    NetId e = nb_node_of(B, x, i);
    const NetNode *en = &B->net->nodes[e];
    int below = en->lo < k[0], above = en->hi > k[1];
    if (k[0] > k[1])  /* ONNX: min(max(x, lo), hi) is hi everywhere */
      ye[i] = b[1];
    else if (below && above)
      ye[i] = net_add(B->net, NET_CLAMP, e, b[0], b[1], 0, 0);
    else if (below)
      ye[i] = net_add(B->net, NET_MAX, e, b[0], NET_NONE, 0, 0);
    else if (above)
      ye[i] = net_add(B->net, NET_MIN, e, b[1], NET_NONE, 0, 0);
    else
      ye[i] = e;
  }
}

void build_maxpool(Builder *B) {
  const Node *n = B->n;
  if (n->nout > 1 && n->out[1])
    error_node(B->g, n, "MaxPool's Indices output is not supported by the hardware backends yet");
  PoolGeom pg;
  pool_geom(n, &pg);
  const Window3 *w = &pg.w;
  const Value *x = n->in[0];
  NetId *ye = nb_new_elems(B, n->out[0]);
  int64_t isz = w->in[0] * w->in[1] * w->in[2], ksz = w->k[0] * w->k[1] * w->k[2];
  int64_t osz = w->out[0] * w->out[1] * w->out[2];
  NetId *win = arena_alloc(B->net->arena, sizeof *win * (size_t)ksz);
  for (int64_t p = 0; p < pg.planes; p++)
    for (int64_t o = 0; o < osz; o++) {
      int64_t op[3] = {o / (w->out[1] * w->out[2]), o / w->out[2] % w->out[1], o % w->out[2]};
      int64_t nw = 0;
      for (int64_t k = 0; k < ksz; k++) {
        int64_t kp[3] = {k / (w->k[1] * w->k[2]), k / w->k[2] % w->k[1], k % w->k[2]};
        int64_t at = nb_tap(w, op, kp);
        if (at >= 0)
          win[nw++] = nb_node_of(B, x, p * isz + at);
      }
      if (!nw)
        error_node(B->g, n, "a pooling window without input elements is not supported by the "
                   "hardware backends yet");
      ye[p * osz + o] = max_tree(B, win, nw);
    }
}

/* A tournament over x[0..n) for the best element and its index: the left
 * half holds the earlier indices, so a tie keeps the left one (first
 * index, rt_argmax and rt_topk) unless last is set (select_last_index);
 * smallest picks the minimum (TopK largest = 0). */
static void tournament(Builder *B, const NetId *x, int64_t first, int64_t n, int last, int smallest,
                       NetId *best, NetId *at) {
  Net *net = B->net;
  if (n == 1) {
    *best = x[0];
    *at = net_const(net, first);
    return;
  }
  NetId lv, li, rv, ri;
  tournament(B, x, first, n / 2, last, smallest, &lv, &li);
  tournament(B, x + n / 2, first + n / 2, n - n / 2, last, smallest, &rv, &ri);
  if (last) {  /* the right one wins ties: take it when right >= left */
    NetId right = net_add(net, NET_GE, rv, lv, NET_NONE, 0, 0);
    *best = net_add(net, NET_MUX, right, rv, lv, 0, 0);
    *at = net_add(net, NET_MUX, right, ri, li, 0, 0);
    return;
  }
  /* keep the left one when it wins or ties: left >= right (largest),
   * right >= left (smallest) */
  NetId left = smallest ? net_add(net, NET_GE, rv, lv, NET_NONE, 0, 0)
                        : net_add(net, NET_GE, lv, rv, NET_NONE, 0, 0);
  *best = net_add(net, NET_MUX, left, lv, rv, 0, 0);
  *at = net_add(net, NET_MUX, left, li, ri, 0, 0);
}

void build_select(Builder *B) {
  const Node *n = B->n;
  AxisGeom ax;
  axis_geom(n, &ax);
  const Value *x = n->in[0];
  int last = n->op == OP_ARGMAX && attr_int(n, "select_last_index", 0) != 0;
  int smallest = n->op == OP_TOPK && n->opset >= 11 && attr_int(n, "largest", 1) == 0;
  const Value *vals = n->op == OP_TOPK ? n->out[0] : NULL;
  const Value *inds = n->op == OP_ARGMAX ? n->out[0] : n->nout > 1 ? n->out[1] : NULL;
  NetId *ve = vals ? nb_new_elems(B, vals) : NULL, *ie = inds ? nb_new_elems(B, inds) : NULL;
  NetId *row = arena_alloc(B->net->arena, sizeof *row * (size_t)ax.len);
  for (int64_t o = 0; o < ax.outer; o++)
    for (int64_t i = 0; i < ax.inner; i++) {
      for (int64_t j = 0; j < ax.len; j++)
        row[j] = nb_node_of(B, x, (o * ax.len + j) * ax.inner + i);
      NetId best, at;
      tournament(B, row, 0, ax.len, last, smallest, &best, &at);
      if (ve)
        ve[o * ax.inner + i] = best;
      if (ie)
        ie[o * ax.inner + i] = at;
    }
}

/* ---- quantizers ---- */

/* rt_requant on one element: post(ovf(round(x / 2^shift))). */
static NetId requant(Builder *B, NetId x, int64_t shift, int64_t mode, int sat, int64_t lo,
                     int64_t hi, int64_t w, int64_t sgn, int64_t post) {
  Net *net = B->net;
  const NetNode *xn = &net->nodes[x];
  if (xn->op == NET_CONST) {
    int64_t v = rt_fx_round(xn->k, shift, mode);
    v = sat ? (v < lo ? lo : v > hi ? hi : v) : rt_fx_wrap(v, w, sgn);
    return net_const(net, rt_fx_shl(v, post));
  }
  NetId v = x;
  if (shift > 0)
    v = net_add(net, NET_ROUND, v, net_const(net, 0), NET_NONE, (int32_t)shift, mode);
  else if (shift < 0)
    v = net_add(net, NET_SHL, v, NET_NONE, NET_NONE, (int32_t)-shift, 0);
  const NetNode *vn = &net->nodes[v];
  if (sat && (vn->lo < lo || vn->hi > hi)) {
    v = net_add(net, NET_CLAMP, v, net_const(net, lo), net_const(net, hi), 0, 0);
  } else if (!sat && w < 64) {
    int64_t tlo = sgn ? -((int64_t)1 << (w - 1)) : 0;
    int64_t thi = sgn ? ((int64_t)1 << (w - 1)) - 1 : w == 63 ? INT64_MAX : ((int64_t)1 << w) - 1;
    if (vn->lo < tlo || vn->hi > thi)
      v = net_add(net, NET_WRAP, v, NET_NONE, NET_NONE, (int32_t)w, sgn != 0);
  }
  if (post > 0)
    v = net_add(net, NET_SHL, v, NET_NONE, NET_NONE, (int32_t)post, 0);
  return v;
}

void build_requant(Builder *B) {
  const Node *n = B->n;
  AxisGeom ax;
  axis_geom(n, &ax);
  const Attr *ch = attr_find(n, "channels");
  int64_t mode = attr_int(n, "mode", RND_HALF_EVEN), sat = attr_int(n, "ovf", OVF_SAT) != OVF_WRAP;
  int64_t w = attr_int(n, "w", 64), sgn = attr_int(n, "sgn", 1);
  const Value *x = n->in[0];
  NetId *ye = nb_new_elems(B, n->out[0]);
  for (int64_t o = 0; o < ax.outer; o++)
    for (int64_t c = 0; c < ax.len; c++) {
      const int64_t *row = ch->ints + 4 * c;
      for (int64_t k = 0; k < ax.inner; k++) {
        int64_t i = (o * ax.len + c) * ax.inner + k;
        ye[i] = requant(B, nb_node_of(B, x, i), row[0], mode, (int)sat, row[1], row[2], w, sgn, row[3]);
      }
    }
}

/* rt_threshold on one element: base + step * #{j : sign * x >= T_j}. */
static NetId threshold(Builder *B, NetId x, const int64_t *row, int64_t nk) {
  Net *net = B->net;
  const NetNode *xn = &net->nodes[x];
  int64_t sign = row[0], base = row[1], step = row[2];
  int64_t lo = sign > 0 ? xn->lo : -xn->hi, hi = sign > 0 ? xn->hi : -xn->lo, known = 0;
  nb_sum_begin(B);
  for (int64_t j = 0; j < nk; j++) {
    int64_t t = row[3 + j];
    if (t <= lo)
      known++;
    else if (t <= hi)  /* undecided: sign * x >= t */
      nb_push_term(B, sign > 0 ? net_add(net, NET_GE, x, net_const(net, t), NET_NONE, 0, 0)
                            : net_add(net, NET_GE, net_const(net, -t), x, NET_NONE, 0, 0), 1);
  }
  __int128 c = (__int128)base + (__int128)step * known;
  if (B->nt == 0)
    return net_const(net, (int64_t)c);
  NetId cnt = nb_sum_end(B);
  nb_sum_begin(B);
  nb_fold(B, c);
  nb_push_term(B, cnt, step);
  return nb_sum_end(B);
}

void build_threshold(Builder *B) {
  const Node *n = B->n;
  AxisGeom ax;
  axis_geom(n, &ax);
  const Attr *rows = attr_find(n, "rows");
  int64_t nk = attr_int(n, "k", 0);
  const Value *x = n->in[0];
  NetId *ye = nb_new_elems(B, n->out[0]);
  for (int64_t o = 0; o < ax.outer; o++)
    for (int64_t c = 0; c < ax.len; c++)
      for (int64_t k = 0; k < ax.inner; k++) {
        int64_t i = (o * ax.len + c) * ax.inner + k;
        ye[i] = threshold(B, nb_node_of(B, x, i), rows->ints + c * (3 + nk), nk);
      }
}

/* ---- logic-gate networks ---- */

/* rt_logic_i64: Y[r, j] = gate_{gates[j]}(X[r, a[j]], X[r, b[j]]); lower_fixed
 * made X codes 0 and 1 (infer_logic.c checked the lists). */
void build_logic(Builder *B) {
  const Node *n = B->n;
  const Value *x = n->in[0];
  const Attr *a = attr_find(n, "a"), *b = attr_find(n, "b"), *gate = attr_find(n, "gates");
  int64_t rows = x->dims[0], nin = x->dims[1], nout = a->n;
  NetId *ye = nb_new_elems(B, n->out[0]);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t j = 0; j < nout; j++)
      ye[r * nout + j] = net_add(B->net, NET_GATE, nb_node_of(B, x, r * nin + a->ints[j]),
                                 nb_node_of(B, x, r * nin + b->ints[j]), NET_NONE, 0, gate->ints[j]);
}

/* rt_popcount on bits: the sum of each group, a balanced adder tree of
 * ceil(log2 n) levels over its n leaves.  The bits decided at compile time
 * (constant gates) sum to one constant, which is a leaf of the tree, the
 * last one, not an adder after it; a bit that occurs m > 1 times (gates
 * that pass the same operand through) is one leaf x << b per bit b of m
 * (wired shifts, no product).  The distributed-arithmetic pass (da)
 * leaves these trees alone.  Cost: linear
 * in the bits (pos: a node's count slot, reset after each group). */
void build_popcount(Builder *B) {
  Net *net = B->net;
  const Node *n = B->n;
  const Value *x = n->in[0];
  int64_t rows = x->dims[0], len = x->dims[1], k = n->out[0]->dims[1], gs = len / k, n0 = net->nnodes;
  NetId *ye = nb_new_elems(B, n->out[0]);
  NetId *bit = malloc(sizeof *bit * (size_t)(gs + 1));
  int64_t *cnt = malloc(sizeof *cnt * (size_t)(gs + 1)), *pos = malloc(sizeof *pos * (size_t)(n0 + 1));
  if (!bit || !cnt || !pos)
    die("out of memory");
  for (int64_t i = 0; i < n0; i++)
    pos[i] = -1;
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < k; c++) {
      int64_t nb = 0, one = 0;
      for (int64_t i = 0; i < gs; i++) {
        NetId id = nb_node_of(B, x, r * len + c * gs + i);
        if (net->nodes[id].op == NET_CONST)
          one += net->nodes[id].k;
        else if (id < n0 && pos[id] >= 0)
          cnt[pos[id]]++;
        else
          pos[id] = nb, bit[nb] = id, cnt[nb++] = 1;
      }
      nb_sum_begin(B);
      for (int64_t j = 0; j < nb; j++) {
        pos[bit[j]] = -1;
        for (int b = 0; cnt[j] >> b; b++)
          if (cnt[j] >> b & 1)
            nb_push_term(B, net_add(net, NET_SHL, bit[j], NET_NONE, NET_NONE, b, 0), 1);
      }
      if (one)  /* a leaf, not an adder after the tree */
        nb_push_term(B, net_const(net, one), 1);
      ye[r * k + c] = nb_sum_end(B);
    }
  free(bit);
  free(cnt);
  free(pos);
}

/* ---- data movement ---- */

