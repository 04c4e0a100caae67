/*
 * build_net - unrolls the integer core of a fixed-point graph into the
 * netlist (ir/net.h): one node per scalar operation, each with its exact
 * interval and width.
 *
 * The core is int_split's: the nodes between the FromFloat outputs (input
 * ports, one INPUT node per element with the value's integer range) and
 * the values the ToFloat nodes read (output ports).  Each graph node is
 * unrolled element by element in the order its runtime kernel computes,
 * reading its op, attributes and shapes (and the geometry ir.h decodes for
 * windows, matrix products and broadcasts):
 *   MatMul, SparseMatMul, Conv, Add, Sub, Mul   sums of terms coef * x
 *       (a constant operand becomes the coefficient, constant terms fold
 *       into one constant, zero terms vanish), as balanced adder trees in
 *       the kernel's order (net_sum);
 *   Relu, MaxPool      max with 0 / balanced max trees over the window;
 *   Requant            round (ROUND, or SHL for a negative shift), then
 *       saturate (CLAMP) or wrap (WRAP) only where the element's interval
 *       reaches past the bounds, then the per-channel left shift;
 *   Threshold          base + step * (sum of the comparisons the element's
 *       interval does not decide), each comparison a GE node;
 *   ArgMax, TopK (k = 1)   a balanced tournament of GE and MUX nodes
 *       carrying (value, index) pairs, ties resolved as the kernels do;
 *   LogicLayer         one GATE node per neuron (a decided gate or one that
 *       passes an operand through adds none);
 *   PopCount (GroupSum)   per group, a balanced adder tree of its bits;
 *   data movement (Reshape, Flatten, Squeeze, Unsqueeze, Identity,
 *       Dropout, Transpose, Concat)   no nodes: the output's elements are
 *       the input's, permuted.
 * Anything else in the core is a user error naming the node.  Because
 * every op keeps the kernels' semantics (rt_fixed.h), net_eval() on the net
 * equals the interpreter on the core bit for bit (tests/net checks it).
 *
 * Requires: lower_fixed (fold_thresholds).  Provides: a Net (verified).
 * Invalidates: nothing (the graph is not changed).  Cost: linear in the
 * multiply-adds of the core.
 */
#include <stdlib.h>
#include <string.h>

#include "../compiler.h"
#include "../../runtime/rt_fixed.h"

typedef struct Builder {
  Net *net;
  Graph *g;
  const Node *n;             /* the node being unrolled */
  NetId *tx;                 /* sum scratch: term nodes */
  int64_t *tc;               /* and their coefficients */
  int64_t nt, capt;
  __int128 c;                /* the sum's constant part */
} Builder;

/* Element i of v: 1 with *k set if it is a compile-time constant, else 0
 * with *id set. */
static int elem(Builder *B, const Value *v, int64_t i, int64_t *k, NetId *id) {
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

static NetId node_of(Builder *B, const Value *v, int64_t i) {
  int64_t k;
  NetId id;
  return elem(B, v, i, &k, &id) ? net_const(B->net, k) : id;
}

static NetId *new_elems(Builder *B, const Value *v) {
  int64_t n = value_numel(v);
  NetId *e = arena_alloc(B->net->arena, sizeof *e * (size_t)(n ? n : 1));
  B->net->elems[v->id] = e;
  return e;
}

/* ---- sums ---- */

static void sum_begin(Builder *B) {
  B->nt = 0;
  B->c = 0;
}

static void fold(Builder *B, __int128 c) {
  B->c += c;
  if (B->c >= ((__int128)1 << NET_MAXBITS) || B->c <= -((__int128)1 << NET_MAXBITS))
    error_node(B->g, B->n, "a constant sum needs more than %d bits; bibc's hardware backends "
               "cannot represent it", NET_MAXBITS + 1);
}

static void push_term(Builder *B, NetId x, __int128 coef) {
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
static void add_term(Builder *B, __int128 coef, const Value *a, int64_t ia, const Value *b,
                     int64_t ib) {
  int64_t ka, kb;
  NetId xa, xb;
  int ca = elem(B, a, ia, &ka, &xa), cb = b ? elem(B, b, ib, &kb, &xb) : 1;
  if (!b)
    kb = 1;
  if (ca && cb) {
    fold(B, coef * ka * kb);
  } else if (ca || cb) {
    push_term(B, ca ? xb : xa, coef * (ca ? ka : kb));
  } else if (coef != 0) {
    push_term(B, net_add(B->net, NET_MUL, xa, xb, NET_NONE, 0, 0), coef);
  }
}

static NetId sum_end(Builder *B) {
  return net_sum(B->net, B->tx, B->tc, B->nt, (int64_t)B->c);
}

/* ---- products and sums ---- */

static void build_matmul(Builder *B) {
  const Node *n = B->n;
  MatMulGeom m;
  matmul_geom(n, &m);
  const Value *a = n->in[0], *y = n->out[0];
  NetId *ye = new_elems(B, y);
  if (n->op == OP_SPMATMUL) {  /* B's nonzeros by column: values, then [N+1 starts, rows] */
    const Value *w = n->in[1], *idx = n->in[2];
    for (int64_t i = 0; i < m.m; i++)
      for (int64_t j = 0; j < m.n; j++) {
        sum_begin(B);
        for (int64_t e = value_get_i64(idx, j); e < value_get_i64(idx, j + 1); e++)
          add_term(B, 1, a, i * m.k + value_get_i64(idx, m.n + 1 + e), w, e);
        ye[i * m.n + j] = sum_end(B);
      }
    return;
  }
  const Value *b = n->in[1];
  int64_t idx[IR_MAXRANK] = {0}, nb = 1;
  for (int d = 0; d < m.r; d++)
    nb *= m.bd[d];
  for (int64_t q = 0; q < nb; q++) {
    int64_t ao = 0, bo = 0;
    for (int d = 0; d < m.r; d++)
      ao += idx[d] * m.as[d], bo += idx[d] * m.bs[d];
    for (int64_t i = 0; i < m.m; i++)
      for (int64_t j = 0; j < m.n; j++) {
        sum_begin(B);
        for (int64_t k = 0; k < m.k; k++)
          add_term(B, 1, a, ao + i * m.k + k, b, bo + k * m.n + j);
        ye[q * m.m * m.n + i * m.n + j] = sum_end(B);
      }
    for (int d = m.r - 1; d >= 0 && ++idx[d] == m.bd[d]; d--)
      idx[d] = 0;
  }
}

/* The window tap (k0, k1, k2) of output position (o0, o1, o2): the input
 * offset within a plane, or -1 in the padding. */
static int64_t tap(const Window3 *w, const int64_t *o, const int64_t *k) {
  int64_t i[3];
  for (int d = 0; d < 3; d++) {
    i[d] = o[d] * w->s[d] - w->pb[d] + k[d] * w->d[d];
    if (i[d] < 0 || i[d] >= w->in[d])
      return -1;
  }
  return (i[0] * w->in[1] + i[1]) * w->in[2] + i[2];
}

static void build_conv(Builder *B) {
  const Node *n = B->n;
  ConvGeom cg;
  conv_geom(n, &cg);
  const Window3 *w = &cg.w;
  const Value *x = n->in[0], *wt = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
  NetId *ye = new_elems(B, n->out[0]);
  int64_t isz = w->in[0] * w->in[1] * w->in[2], ksz = w->k[0] * w->k[1] * w->k[2];
  int64_t osz = w->out[0] * w->out[1] * w->out[2];
  for (int64_t bn = 0; bn < cg.batch; bn++)
    for (int64_t m = 0; m < cg.groups * cg.mg; m++)
      for (int64_t o = 0; o < osz; o++) {
        int64_t op[3] = {o / (w->out[1] * w->out[2]), o / w->out[2] % w->out[1], o % w->out[2]};
        int64_t g = m / cg.mg;
        sum_begin(B);
        for (int64_t c = 0; c < cg.cg; c++)
          for (int64_t k = 0; k < ksz; k++) {
            int64_t kp[3] = {k / (w->k[1] * w->k[2]), k / w->k[2] % w->k[1], k % w->k[2]};
            int64_t at = tap(w, op, kp);
            if (at >= 0)
              add_term(B, 1, x, (bn * cg.groups * cg.cg + g * cg.cg + c) * isz + at, wt,
                       (m * cg.cg + c) * ksz + k);
          }
        if (b)
          add_term(B, 1, b, m, NULL, 0);
        ye[(bn * cg.groups * cg.mg + m) * osz + o] = sum_end(B);
      }
}

static void build_nary(Builder *B) {
  const Node *n = B->n;
  BcastGeom bg;
  bcast_geom(n, &bg);
  if ((n->op != OP_ADD && n->op != OP_SUB && n->op != OP_MUL) || bg.nin != 2)
    error_node(B->g, n, "this integer operation is not supported by the hardware backends yet");
  NetId *ye = new_elems(B, n->out[0]);
  int64_t idx[IR_MAXRANK] = {0}, cnt = value_numel(n->out[0]);
  for (int64_t i = 0; i < cnt; i++) {
    int64_t off[2] = {0, 0};
    for (int j = 0; j < 2; j++)
      for (int d = 0; d < bg.rank; d++)
        off[j] += idx[d] * bg.str[j * bg.rank + d];
    sum_begin(B);
    if (n->op == OP_MUL) {
      add_term(B, 1, n->in[0], off[0], n->in[1], off[1]);
    } else {
      add_term(B, 1, n->in[0], off[0], NULL, 0);
      add_term(B, n->op == OP_SUB ? -1 : 1, n->in[1], off[1], NULL, 0);
    }
    ye[i] = sum_end(B);
    for (int d = bg.rank - 1; d >= 0 && ++idx[d] == bg.dims[d]; d--)
      idx[d] = 0;
  }
}

/* ---- maxima ---- */

static NetId max_tree(Builder *B, const NetId *x, int64_t n) {
  if (n == 1)
    return x[0];
  NetId l = max_tree(B, x, n / 2), r = max_tree(B, x + n / 2, n - n / 2);
  return net_add(B->net, NET_MAX, l, r, NET_NONE, 0, 0);
}

static void build_relu(Builder *B) {
  const Value *x = B->n->in[0];
  NetId *ye = new_elems(B, B->n->out[0]), zero = NET_NONE;
  for (int64_t i = 0; i < value_numel(x); i++) {
    NetId e = node_of(B, x, i);
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

static void build_maxpool(Builder *B) {
  const Node *n = B->n;
  if (n->nout > 1 && n->out[1])
    error_node(B->g, n, "MaxPool's Indices output is not supported by the hardware backends yet");
  PoolGeom pg;
  pool_geom(n, &pg);
  const Window3 *w = &pg.w;
  const Value *x = n->in[0];
  NetId *ye = new_elems(B, n->out[0]);
  int64_t isz = w->in[0] * w->in[1] * w->in[2], ksz = w->k[0] * w->k[1] * w->k[2];
  int64_t osz = w->out[0] * w->out[1] * w->out[2];
  NetId *win = arena_alloc(B->net->arena, sizeof *win * (size_t)ksz);
  for (int64_t p = 0; p < pg.planes; p++)
    for (int64_t o = 0; o < osz; o++) {
      int64_t op[3] = {o / (w->out[1] * w->out[2]), o / w->out[2] % w->out[1], o % w->out[2]};
      int64_t nw = 0;
      for (int64_t k = 0; k < ksz; k++) {
        int64_t kp[3] = {k / (w->k[1] * w->k[2]), k / w->k[2] % w->k[1], k % w->k[2]};
        int64_t at = tap(w, op, kp);
        if (at >= 0)
          win[nw++] = node_of(B, x, p * isz + at);
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

static void build_select(Builder *B) {
  const Node *n = B->n;
  AxisGeom ax;
  axis_geom(n, &ax);
  const Value *x = n->in[0];
  int last = n->op == OP_ARGMAX && attr_int(n, "select_last_index", 0) != 0;
  int smallest = n->op == OP_TOPK && n->opset >= 11 && attr_int(n, "largest", 1) == 0;
  const Value *vals = n->op == OP_TOPK ? n->out[0] : NULL;
  const Value *inds = n->op == OP_ARGMAX ? n->out[0] : n->nout > 1 ? n->out[1] : NULL;
  NetId *ve = vals ? new_elems(B, vals) : NULL, *ie = inds ? new_elems(B, inds) : NULL;
  NetId *row = arena_alloc(B->net->arena, sizeof *row * (size_t)ax.len);
  for (int64_t o = 0; o < ax.outer; o++)
    for (int64_t i = 0; i < ax.inner; i++) {
      for (int64_t j = 0; j < ax.len; j++)
        row[j] = node_of(B, x, (o * ax.len + j) * ax.inner + i);
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

static void build_requant(Builder *B) {
  const Node *n = B->n;
  AxisGeom ax;
  axis_geom(n, &ax);
  const Attr *ch = attr_find(n, "channels");
  int64_t mode = attr_int(n, "mode", RND_HALF_EVEN), sat = attr_int(n, "ovf", OVF_SAT) != OVF_WRAP;
  int64_t w = attr_int(n, "w", 64), sgn = attr_int(n, "sgn", 1);
  const Value *x = n->in[0];
  NetId *ye = new_elems(B, n->out[0]);
  for (int64_t o = 0; o < ax.outer; o++)
    for (int64_t c = 0; c < ax.len; c++) {
      const int64_t *row = ch->ints + 4 * c;
      for (int64_t k = 0; k < ax.inner; k++) {
        int64_t i = (o * ax.len + c) * ax.inner + k;
        ye[i] = requant(B, node_of(B, x, i), row[0], mode, (int)sat, row[1], row[2], w, sgn, row[3]);
      }
    }
}

/* rt_threshold on one element: base + step * #{j : sign * x >= T_j}. */
static NetId threshold(Builder *B, NetId x, const int64_t *row, int64_t nk) {
  Net *net = B->net;
  const NetNode *xn = &net->nodes[x];
  int64_t sign = row[0], base = row[1], step = row[2];
  int64_t lo = sign > 0 ? xn->lo : -xn->hi, hi = sign > 0 ? xn->hi : -xn->lo, known = 0;
  sum_begin(B);
  for (int64_t j = 0; j < nk; j++) {
    int64_t t = row[3 + j];
    if (t <= lo)
      known++;
    else if (t <= hi)  /* undecided: sign * x >= t */
      push_term(B, sign > 0 ? net_add(net, NET_GE, x, net_const(net, t), NET_NONE, 0, 0)
                            : net_add(net, NET_GE, net_const(net, -t), x, NET_NONE, 0, 0), 1);
  }
  __int128 c = (__int128)base + (__int128)step * known;
  if (B->nt == 0)
    return net_const(net, (int64_t)c);
  NetId cnt = sum_end(B);
  sum_begin(B);
  fold(B, c);
  push_term(B, cnt, step);
  return sum_end(B);
}

static void build_threshold(Builder *B) {
  const Node *n = B->n;
  AxisGeom ax;
  axis_geom(n, &ax);
  const Attr *rows = attr_find(n, "rows");
  int64_t nk = attr_int(n, "k", 0);
  const Value *x = n->in[0];
  NetId *ye = new_elems(B, n->out[0]);
  for (int64_t o = 0; o < ax.outer; o++)
    for (int64_t c = 0; c < ax.len; c++)
      for (int64_t k = 0; k < ax.inner; k++) {
        int64_t i = (o * ax.len + c) * ax.inner + k;
        ye[i] = threshold(B, node_of(B, x, i), rows->ints + c * (3 + nk), nk);
      }
}

/* ---- logic-gate networks ---- */

/* rt_logic_i64: Y[r, j] = gate_{gates[j]}(X[r, a[j]], X[r, b[j]]); lower_fixed
 * made X codes 0 and 1 (infer_logic.c checked the lists). */
static void build_logic(Builder *B) {
  const Node *n = B->n;
  const Value *x = n->in[0];
  const Attr *a = attr_find(n, "a"), *b = attr_find(n, "b"), *gate = attr_find(n, "gates");
  int64_t rows = x->dims[0], nin = x->dims[1], nout = a->n;
  NetId *ye = new_elems(B, n->out[0]);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t j = 0; j < nout; j++)
      ye[r * nout + j] = net_add(B->net, NET_GATE, node_of(B, x, r * nin + a->ints[j]),
                                 node_of(B, x, r * nin + b->ints[j]), NET_NONE, 0, gate->ints[j]);
}

/* rt_popcount on bits: the sum of each group. */
static void build_popcount(Builder *B) {
  const Node *n = B->n;
  const Value *x = n->in[0];
  int64_t rows = x->dims[0], len = x->dims[1], k = n->out[0]->dims[1], gs = len / k;
  NetId *ye = new_elems(B, n->out[0]);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < k; c++) {
      sum_begin(B);
      for (int64_t i = 0; i < gs; i++)
        add_term(B, 1, x, r * len + c * gs + i, NULL, 0);
      ye[r * k + c] = sum_end(B);
    }
}

/* ---- data movement ---- */

static void build_alias(Builder *B) {
  const Node *n = B->n;
  const Value *x = n->in[0], *y = n->out[0];
  if (n->op == OP_DROPOUT && n->nout > 1 && n->out[1])
    error_node(B->g, n, "Dropout's mask output is not supported by the hardware backends");
  NetId *ye = new_elems(B, y);
  int64_t cnt = value_numel(y);
  if (n->op == OP_TRANSPOSE) {
    int64_t perm[IR_MAXRANK], xstr[IR_MAXRANK], idx[IR_MAXRANK] = {0}, s = 1;
    const Attr *p = attr_find(n, "perm");
    for (int d = 0; d < x->rank; d++)
      perm[d] = p ? p->ints[d] : x->rank - 1 - d;
    for (int d = x->rank - 1; d >= 0; d--) {
      xstr[d] = s;
      s *= x->dims[d];
    }
    for (int64_t i = 0; i < cnt; i++) {
      int64_t off = 0;
      for (int d = 0; d < y->rank; d++)
        off += idx[d] * xstr[perm[d]];
      ye[i] = node_of(B, x, off);
      for (int d = y->rank - 1; d >= 0 && ++idx[d] == y->dims[d]; d--)
        idx[d] = 0;
    }
  } else if (n->op == OP_CONCAT) {
    int64_t axis = attr_int(n, "axis", 1), outer = 1, inner = 1, i = 0;
    axis = axis < 0 ? axis + y->rank : axis;
    for (int d = 0; d < axis; d++)
      outer *= y->dims[d];
    for (int d = (int)axis + 1; d < y->rank; d++)
      inner *= y->dims[d];
    for (int64_t o = 0; o < outer; o++)
      for (int j = 0; j < n->nin; j++) {
        int64_t len = n->in[j]->dims[axis] * inner;
        for (int64_t e = 0; e < len; e++)
          ye[i++] = node_of(B, n->in[j], o * len + e);
      }
  } else {  /* same elements, new shape */
    for (int64_t i = 0; i < cnt; i++)
      ye[i] = node_of(B, x, i);
  }
}

static void build_node(Builder *B, const Node *n) {
  for (int k = 0; k < n->ntargs; k++)
    if (n->targs[k] && n->targs[k]->dt != DT_I64 && !(n->op == OP_DROPOUT && k > 0))
      error_node(B->g, n, "%s data is not supported by the hardware backends yet",
                 dtype_name(n->targs[k]->dt));
  switch (n->op) {
  case OP_MATMUL: case OP_SPMATMUL: build_matmul(B); break;
  case OP_CONV: build_conv(B); break;
  case OP_ADD: case OP_SUB: case OP_MUL: build_nary(B); break;
  case OP_RELU: build_relu(B); break;
  case OP_MAXPOOL: build_maxpool(B); break;
  case OP_REQUANT: build_requant(B); break;
  case OP_THRESHOLD: build_threshold(B); break;
  case OP_ARGMAX: case OP_TOPK: build_select(B); break;
  case OP_LOGICLAYER: build_logic(B); break;
  case OP_POPCOUNT: build_popcount(B); break;
  case OP_RESHAPE: case OP_FLATTEN: case OP_SQUEEZE: case OP_UNSQUEEZE: case OP_IDENTITY:
  case OP_DROPOUT: case OP_TRANSPOSE: case OP_CONCAT:
    build_alias(B);
    break;
  default:
    error_node(B->g, n, "%s is not supported by the hardware backends (HLS, Verilog) yet",
               op_name(n->op));
  }
}

Net *build_net(Graph *g) {
  Net *net = net_new(g);
  if (!int_split(&net->split, g)) {
    if (net->split.why)
      error_node(g, net->split.why_node, "%s, so the model has no integer-only form; the hardware "
                 "backends (HLS, Verilog) need one", net->split.why);
    error_at(g->file, NULL, "the model has no fixed-point part for the hardware backends "
             "(quantize it, e.g. with QONNX Quant nodes or --precision)");
  }
  const IntSplit *s = &net->split;
  Builder B = {.net = net, .g = g};
  net->nin = s->nqin;
  net->nout = s->nqout;
  net->in = arena_alloc(g->arena, sizeof *net->in * (size_t)(s->nqin + 1));
  net->out = arena_alloc(g->arena, sizeof *net->out * (size_t)(s->nqout + 1));
  for (int p = 0; p < s->nqin; p++) {
    const Value *v = s->qin[p];
    net->in[p] = (NetPort){.v = v, .fx = v->fx, .n = value_numel(v)};
    net->layer = -1;
    NetId *e = new_elems(&B, v);
    for (int64_t i = 0; i < value_numel(v); i++)
      e[i] = net_input(net, p, i, v->qlo, v->qhi);
  }
  for (int i = 0; i < g->nnodes; i++)
    if (s->core[i]) {
      net->layer = i;
      B.n = g->nodes[i];
      build_node(&B, g->nodes[i]);
    }
  net->layer = -1;
  for (int p = 0; p < s->nqout; p++) {
    const Value *v = s->qout[p];
    net->out[p] = (NetPort){.v = v, .fx = v->fx, .n = value_numel(v)};
    NetId *e = arena_alloc(g->arena, sizeof *e * (size_t)(value_numel(v) + 1));
    for (int64_t i = 0; i < value_numel(v); i++)
      e[i] = node_of(&B, v, i);
    net->out[p].el = e;
  }
  free(B.tx);
  free(B.tc);
  net_verify(net);
  return net;
}
