/*
 * fold_batchnorm - removes an inference BatchNormalization that follows a
 * linear layer with constant weights by changing the layer's weights and
 * bias, the usual deployment step before quantization (hls4ml does the same):
 *
 *   BN(y) = (y - mean) / sqrt(var + eps) * scale + B  =  s * y + (B - s * mean)
 *   y = W x + b   =>   BN(y) = (s W) x + (s (b - mean) + B)
 *
 * per output channel c, with s_c = scale_c / sqrt(var_c + eps).  The new
 * weights and bias are computed in double and rounded once to float32, so
 * the folded model differs from the unfolded one only by float32 rounding
 * (the BN's own arithmetic rounds several times too).
 *
 * Pattern, walking back from the BN's input X:
 *     layer -> [Add(bias const)] -> [Reshape|Flatten|Squeeze|Unsqueeze|Identity]* -> BN
 * where layer is Conv (channel = axis 1), Gemm or MatMul with a 2-D constant
 * B (channel = last axis), every intermediate value has the BN path as its
 * only reader, and the layer output and X group their elements into the
 * same channels (same channel count, same number of elements per channel
 * run): PyTorch exports Gemm -> Unsqueeze -> BN -> Squeeze.  A MatMul
 * without a bias Add gets one.  Any other BN stays as it is.
 *
 * Requires: infer_shapes.  Provides: no BN that the pattern matches.
 * Invalidates: nothing (changed nodes are re-inferred).  Cost: linear in
 * nodes plus the size of the folded weights.
 */
#include <math.h>
#include <string.h>

#include "../compiler.h"

static int is_reshape_like(OpKind op) {
  return op == OP_RESHAPE || op == OP_FLATTEN || op == OP_SQUEEZE || op == OP_UNSQUEEZE ||
         op == OP_IDENTITY;
}

/* v is read by one node only and is not a graph output. */
static int private_value(const Value *v) { return v->nuses == 1 && v->output_index < 0; }

static int all_const(const Node *n, int from, int to) {
  for (int k = from; k < to; k++)
    if (!n->in[k] || !n->in[k]->data)
      return 0;
  return 1;
}

static int64_t prod(const int64_t *d, int from, int to) {
  int64_t p = 1;
  for (int i = from; i < to; i++)
    p *= d[i];
  return p;
}

/* A new float32 constant of the given shape (data zeroed). */
static Value *new_const(Graph *g, const char *name, int rank, const int64_t *dims) {
  Value *v = value_new(g, name);
  v->dt = DT_F32;
  v->rank = rank;
  memcpy(v->dims, dims, sizeof v->dims[0] * (size_t)rank);
  v->shape_known = 1;
  int64_t n = value_numel(v);
  v->data = arena_alloc(g->arena, sizeof(float) * (size_t)(n ? n : 1));
  return v;
}

/* The bias of channel c as double: constant b broadcast over [C] (b has
 * one element or C of them), 0 if b is NULL. */
static double bias_at(const Value *b, int64_t c) {
  if (!b)
    return 0;
  return value_get_f64(b, value_numel(b) == 1 ? 0 : c);
}

typedef struct Fold {
  Node *layer;               /* Conv, Gemm or MatMul */
  Node *add;                 /* MatMul's bias Add, or NULL */
  int add_bias;              /* index of the constant operand of add */
  int64_t nc;                /* channels */
} Fold;

/* Finds the layer feeding BN node bn; 0 if the pattern does not match. */
static int match(const Graph *g, Node *bn, Fold *f) {
  (void)g;
  Value *x = bn->in[0];
  int64_t nc = x->dims[1], inner = prod(x->dims, 2, x->rank);
  Value *v = x;
  while (v->producer && is_reshape_like(v->producer->op) && private_value(v))
    v = v->producer->in[0];
  if (!v->producer || !private_value(v))
    return 0;
  Node *p = v->producer;
  f->add = NULL;
  if (p->op == OP_ADD && p->nin == 2) {
    int kb = p->in[1]->data ? 1 : p->in[0]->data ? 0 : -1;
    if (kb < 0 || !p->in[1 - kb]->producer || !private_value(p->in[1 - kb]))
      return 0;
    Value *b = p->in[kb];
    Node *mm = p->in[1 - kb]->producer;
    if (mm->op != OP_MATMUL || b->dt != DT_F32 || p->out[0]->rank < b->rank)
      return 0;
    for (int d = 0; d < b->rank - 1; d++)  /* bias varies along the last axis only */
      if (b->dims[d] != 1)
        return 0;
    if (value_numel(b) != 1 && value_numel(b) != nc)
      return 0;
    f->add = p;
    f->add_bias = kb;
    p = mm;
    v = p->out[0];
  }
  Value *y = p->out[0];
  f->layer = p;
  f->nc = nc;
  if (y->dt != DT_F32 || !p->in[1]->data || p->in[1]->dt != DT_F32)
    return 0;
  if (p->op == OP_CONV) {
    Value *b = p->nin > 2 ? p->in[2] : NULL;
    return !f->add && y->rank >= 2 && y->dims[1] == nc && prod(y->dims, 2, y->rank) == inner &&
           (!b || (b->data && b->dt == DT_F32));
  }
  if (p->op == OP_GEMM) {
    Value *c = p->nin > 2 ? p->in[2] : NULL;
    return !f->add && y->dims[1] == nc && inner == 1 && (!c || (c->data && c->dt == DT_F32));
  }
  if (p->op == OP_MATMUL)
    return p->in[1]->rank == 2 && y->dims[y->rank - 1] == nc && inner == 1;
  return 0;
}

/* Conv W [M, C/g, k...]: row m scaled; bias b' = s (b - mean) + B. */
static void fold_conv(Graph *g, Fold *f, const double *s, const double *t) {
  Node *n = f->layer;
  Value *w = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
  Value *w2 = new_const(g, arena_printf(g->arena, "%s.bnfold", w->name), w->rank, w->dims);
  Value *b2 = new_const(g, arena_printf(g->arena, "%s.bnfold_bias", n->out[0]->name), 1, &f->nc);
  int64_t per = value_numel(w) / f->nc;
  for (int64_t m = 0; m < f->nc; m++) {
    for (int64_t k = 0; k < per; k++)
      ((float *)w2->data)[m * per + k] = (float)(value_get_f64(w, m * per + k) * s[m]);
    ((float *)b2->data)[m] = (float)(s[m] * bias_at(b, m) + t[m]);
  }
  if (n->nin < 3) {
    Value **in = arena_alloc(g->arena, sizeof *in * 3);
    memcpy(in, n->in, sizeof *in * (size_t)n->nin);
    n->in = in;
    n->nin = 3;
  }
  n->in[1] = w2;
  n->in[2] = b2;
}

/* Gemm Y = alpha A B' + beta C: column j of B' scaled; C' = s (beta C -
 * mean) + B with beta set to 1.  C keeps its row structure if it has one. */
static void fold_gemm(Graph *g, Fold *f, const double *s, const double *t) {
  Node *n = f->layer;
  Value *w = n->in[1], *c = n->nin > 2 ? n->in[2] : NULL, *y = n->out[0];
  int transb = (int)attr_int(n, "transB", 0);
  double beta = attr_float(n, "beta", 1);
  Value *w2 = new_const(g, arena_printf(g->arena, "%s.bnfold", w->name), 2, w->dims);
  for (int64_t i = 0; i < w->dims[0]; i++)
    for (int64_t j = 0; j < w->dims[1]; j++) {
      int64_t col = transb ? i : j, at = i * w->dims[1] + j;
      ((float *)w2->data)[at] = (float)(value_get_f64(w, at) * s[col]);
    }
  int rows = c && c->rank == 2 && c->dims[0] > 1;
  int64_t m = rows ? y->dims[0] : 1, dims[2] = {m, f->nc};
  Value *c2 = new_const(g, arena_printf(g->arena, "%s.bnfold_bias", y->name), rows ? 2 : 1,
                        rows ? dims : dims + 1);
  for (int64_t r = 0; r < m; r++)
    for (int64_t j = 0; j < f->nc; j++) {
      double cv = 0;
      if (c) {  /* C broadcasts to [M, N] */
        int64_t cr = c->rank == 2 && c->dims[0] > 1 ? r : 0;
        int64_t cc = c->rank >= 1 && c->dims[c->rank - 1] > 1 ? j : 0;
        cv = value_get_f64(c, cr * (c->rank >= 1 ? c->dims[c->rank - 1] : 1) + cc);
      }
      ((float *)c2->data)[r * f->nc + j] = (float)(s[j] * beta * cv + t[j]);
    }
  for (int k = 0; k < n->nattrs; k++)
    if (strcmp(n->attrs[k].name, "beta") == 0)
      n->attrs[k].f = 1;
  if (n->nin < 3) {
    Value **in = arena_alloc(g->arena, sizeof *in * 3);
    memcpy(in, n->in, sizeof *in * (size_t)n->nin);
    n->in = in;
    n->nin = 3;
  }
  n->in[1] = w2;
  n->in[2] = c2;
}

/* MatMul A B (+ bias): column j of B scaled; the bias Add gets the folded
 * bias, or is created.  Returns the number of nodes inserted. */
static int fold_matmul(Graph *g, Fold *f, const double *s, const double *t, int pos) {
  Node *n = f->layer;
  Value *w = n->in[1];
  Value *w2 = new_const(g, arena_printf(g->arena, "%s.bnfold", w->name), 2, w->dims);
  for (int64_t i = 0; i < w->dims[0]; i++)
    for (int64_t j = 0; j < w->dims[1]; j++)
      ((float *)w2->data)[i * w->dims[1] + j] =
          (float)(value_get_f64(w, i * w->dims[1] + j) * s[j]);
  n->in[1] = w2;
  Value *b = f->add ? f->add->in[f->add_bias] : NULL;
  Value *b2 = new_const(g, arena_printf(g->arena, "%s.bnfold_bias", n->out[0]->name), 1, &f->nc);
  for (int64_t j = 0; j < f->nc; j++)
    ((float *)b2->data)[j] = (float)(s[j] * bias_at(b, j) + t[j]);
  if (f->add) {
    f->add->in[f->add_bias] = b2;
    return 0;
  }
  /* y = A B becomes y' = A B, y = y' + b: y keeps its name and readers. */
  Value *y = n->out[0], *mm = value_new(g, arena_printf(g->arena, "%s.matmul", y->name));
  n->out[0] = mm;
  mm->producer = n;
  Node *add = node_insert(g, pos + 1, OP_ADD, 2, 1);
  add->index = n->index;
  add->name = n->name;
  add->opset = 14;
  add->in[0] = mm;
  add->in[1] = b2;
  add->out[0] = y;
  y->producer = add;
  f->add = add;
  return 1;
}

static int node_pos(const Graph *g, const Node *n) {
  for (int i = 0; i < g->nnodes; i++)
    if (g->nodes[i] == n)
      return i;
  die("node %d is not in the graph", n->index);
}

/* Removes bn: its readers read its input, which takes over its name if
 * bn's output is a graph output. */
static void remove_bn(Graph *g, Node *bn, int pos) {
  Value *x = bn->in[0], *y = bn->out[0];
  for (int i = pos + 1; i < g->nnodes; i++) {
    int hit = 0;
    for (int k = 0; k < g->nodes[i]->nin; k++)
      if (g->nodes[i]->in[k] == y)
        g->nodes[i]->in[k] = x, hit = 1;
    if (hit)
      infer_node(g, g->nodes[i]);  /* its kernel arguments name x now */
  }
  if (y->output_index >= 0) {
    const char *name = x->name;
    x->name = y->name;
    y->name = arena_printf(g->arena, "%s.before_bnfold", name);
    x->output_index = y->output_index;
    g->outputs[y->output_index] = x;
    y->output_index = -1;
  }
  y->producer = NULL;
  memmove(g->nodes + pos, g->nodes + pos + 1, sizeof *g->nodes * (size_t)(g->nnodes - pos - 1));
  g->nnodes--;
}

void fold_batchnorm(Graph *g) {
  graph_count_uses(g);
  for (int i = 0; i < g->nnodes; i++) {
    Node *bn = g->nodes[i];
    if (bn->op != OP_BATCHNORM || bn->in[0]->dt != DT_F32 || !all_const(bn, 1, 5) ||
        bn->ip[3] || bn->ip[4])  /* per-element (spatial=0) or training mode */
      continue;
    int extra = 0;
    for (int k = 1; k < bn->nout; k++)
      extra |= bn->out[k] != NULL;
    Fold f = {0};
    if (extra || !match(g, bn, &f))
      continue;
    double eps = attr_float(bn, "epsilon", 1e-5f);
    double *s = arena_alloc(g->arena, sizeof *s * (size_t)f.nc);
    double *t = arena_alloc(g->arena, sizeof *t * (size_t)f.nc);
    for (int64_t c = 0; c < f.nc; c++) {
      double scale = value_get_f64(bn->in[1], c), beta = value_get_f64(bn->in[2], c);
      double mean = value_get_f64(bn->in[3], c), var = value_get_f64(bn->in[4], c);
      s[c] = scale / sqrt(var + eps);
      t[c] = beta - s[c] * mean;
    }
    int lpos = node_pos(g, f.layer);
    if (f.layer->op == OP_CONV)
      fold_conv(g, &f, s, t);
    else if (f.layer->op == OP_GEMM)
      fold_gemm(g, &f, s, t);
    else
      i += fold_matmul(g, &f, s, t, lpos);
    infer_node(g, f.layer);
    if (f.add)
      infer_node(g, f.add);
    remove_bn(g, bn, i);
    i--;
    graph_count_uses(g);
  }
  graph_count_uses(g);
}
