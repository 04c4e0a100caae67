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
 *   Clip               a clamp (or one max or min) by its constant codes;
 *   Requant            round (ROUND, or SHL for a negative shift), then
 *       saturate (CLAMP) or wrap (WRAP) only where the element's interval
 *       reaches past the bounds, then the per-channel left shift;
 *   Threshold          base + step * (sum of the comparisons the element's
 *       interval does not decide), each comparison a GE node;
 *   ArgMax, TopK (k = 1)   a balanced tournament of GE and MUX nodes
 *       carrying (value, index) pairs, ties resolved as the kernels do;
 *   LogicLayer         one GATE node per neuron, as written (net->raw_gates:
 *       the gate-level passes fold, remove and merge them);
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

#include "build_net.h"
#include "../../runtime/rt_fixed.h"


static void build_matmul(Builder *B) {
  const Node *n = B->n;
  MatMulGeom m;
  matmul_geom(n, &m);
  const Value *a = n->in[0], *y = n->out[0];
  NetId *ye = nb_new_elems(B, y);
  if (n->op == OP_SPMATMUL) {  /* B's nonzeros by column: values, then [N+1 starts, rows] */
    const Value *w = n->in[1], *idx = n->in[2];
    for (int64_t i = 0; i < m.m; i++)
      for (int64_t j = 0; j < m.n; j++) {
        nb_sum_begin(B);
        for (int64_t e = value_get_i64(idx, j); e < value_get_i64(idx, j + 1); e++)
          nb_add_term(B, 1, a, i * m.k + value_get_i64(idx, m.n + 1 + e), w, e);
        ye[i * m.n + j] = nb_sum_end(B);
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
        nb_sum_begin(B);
        for (int64_t k = 0; k < m.k; k++)
          nb_add_term(B, 1, a, ao + i * m.k + k, b, bo + k * m.n + j);
        ye[q * m.m * m.n + i * m.n + j] = nb_sum_end(B);
      }
    for (int d = m.r - 1; d >= 0 && ++idx[d] == m.bd[d]; d--)
      idx[d] = 0;
  }
}


static void build_conv(Builder *B) {
  const Node *n = B->n;
  ConvGeom cg;
  conv_geom(n, &cg);
  const Window3 *w = &cg.w;
  const Value *x = n->in[0], *wt = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
  NetId *ye = nb_new_elems(B, n->out[0]);
  int64_t isz = w->in[0] * w->in[1] * w->in[2], ksz = w->k[0] * w->k[1] * w->k[2];
  int64_t osz = w->out[0] * w->out[1] * w->out[2];
  for (int64_t bn = 0; bn < cg.batch; bn++)
    for (int64_t m = 0; m < cg.groups * cg.mg; m++)
      for (int64_t o = 0; o < osz; o++) {
        int64_t op[3] = {o / (w->out[1] * w->out[2]), o / w->out[2] % w->out[1], o % w->out[2]};
        int64_t g = m / cg.mg;
        nb_sum_begin(B);
        for (int64_t c = 0; c < cg.cg; c++)
          for (int64_t k = 0; k < ksz; k++) {
            int64_t kp[3] = {k / (w->k[1] * w->k[2]), k / w->k[2] % w->k[1], k % w->k[2]};
            int64_t at = nb_tap(w, op, kp);
            if (at >= 0)
              nb_add_term(B, 1, x, (bn * cg.groups * cg.cg + g * cg.cg + c) * isz + at, wt,
                       (m * cg.cg + c) * ksz + k);
          }
        if (b)
          nb_add_term(B, 1, b, m, NULL, 0);
        ye[(bn * cg.groups * cg.mg + m) * osz + o] = nb_sum_end(B);
      }
}

static void build_nary(Builder *B) {
  const Node *n = B->n;
  BcastGeom bg;
  bcast_geom(n, &bg);
  if ((n->op != OP_ADD && n->op != OP_SUB && n->op != OP_MUL) || bg.nin != 2)
    error_node(B->g, n, "this integer operation is not supported by the hardware backends yet");
  NetId *ye = nb_new_elems(B, n->out[0]);
  int64_t idx[IR_MAXRANK] = {0}, cnt = value_numel(n->out[0]);
  for (int64_t i = 0; i < cnt; i++) {
    int64_t off[2] = {0, 0};
    for (int j = 0; j < 2; j++)
      for (int d = 0; d < bg.rank; d++)
        off[j] += idx[d] * bg.str[j * bg.rank + d];
    nb_sum_begin(B);
    if (n->op == OP_MUL) {
      nb_add_term(B, 1, n->in[0], off[0], n->in[1], off[1]);
    } else {
      nb_add_term(B, 1, n->in[0], off[0], NULL, 0);
      nb_add_term(B, n->op == OP_SUB ? -1 : 1, n->in[1], off[1], NULL, 0);
    }
    ye[i] = nb_sum_end(B);
    for (int d = bg.rank - 1; d >= 0 && ++idx[d] == bg.dims[d]; d--)
      idx[d] = 0;
  }
}

/* ---- maxima ---- */

static void build_alias(Builder *B) {
  const Node *n = B->n;
  const Value *x = n->in[0], *y = n->out[0];
  if (n->op == OP_DROPOUT && n->nout > 1 && n->out[1])
    error_node(B->g, n, "Dropout's mask output is not supported by the hardware backends");
  NetId *ye = nb_new_elems(B, y);
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
      ye[i] = nb_node_of(B, x, off);
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
          ye[i++] = nb_node_of(B, n->in[j], o * len + e);
      }
  } else {  /* same elements, new shape */
    for (int64_t i = 0; i < cnt; i++)
      ye[i] = nb_node_of(B, x, i);
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
  case OP_CLIP: build_clip(B); break;
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
  net->raw_gates = 1;
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
    NetId *e = nb_new_elems(&B, v);
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
      e[i] = nb_node_of(&B, v, i);
    net->out[p].el = e;
  }
  free(B.tx);
  free(B.tc);
  net_verify(net);
  return net;
}
