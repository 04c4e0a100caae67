/*
 * infer_logic.c - inference and lowering for logic-gate networks (ops.h's
 * IR_LGN_OPS, domain bibc.lgn): LogicLayer, GroupSum, and GroupSum's
 * integer form bibc.PopCount (made by lower_fixed).  Kernels:
 * runtime/rt_logic.h.
 *
 * A logic layer's wiring is three attribute lists (a, b, gates), one entry
 * per output neuron; every entry is checked here, before the kernel
 * parameters are built, so a kernel never indexes outside its input and
 * the hardware backends (compiler/passes/build_net.c) can read the lists
 * as they stand.  Values are [batch, N]: 'bibc verify' stacks its vectors
 * on the batch axis.
 */
#include <math.h>

#include "infer.h"

/* X must be [batch, N] with N >= 1; returns N. */
static int64_t need_rows(Graph *g, Node *n, const Value *x) {
  if (x->rank != 2 || x->dims[1] < 1)
    error_node(g, n, "input '%s' has shape %s; %s expects [batch, N] with N >= 1", x->name,
               shape_str(g->arena, x), op_name(n->op));
  return x->dims[1];
}

/* The INTS attribute name, required; its length in *len. */
static const int64_t *need_list(Graph *g, Node *n, const char *name, int *len) {
  const Attr *a = attr_find(n, name);
  if (!a)
    error_node(g, n, "attribute '%s' is missing (a, b and gates list each output neuron's "
               "two inputs and gate id)", name);
  if (a->kind != ATTR_INTS)
    error_node(g, n, "attribute '%s' must be a list of integers", name);
  *len = a->n;
  return a->ints;
}

void infer_logic_layer(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_all);
  int64_t nin = need_rows(g, n, x);
  int na, nb, ng;
  const int64_t *a = need_list(g, n, "a", &na), *b = need_list(g, n, "b", &nb);
  const int64_t *gate = need_list(g, n, "gates", &ng);
  if (na != nb || na != ng)
    error_node(g, n, "attributes a, b and gates have %d, %d and %d entries; they need one per "
               "output neuron each", na, nb, ng);
  if (na == 0)
    error_node(g, n, "attributes a, b and gates are empty; a logic layer needs at least one "
               "neuron");
  for (int j = 0; j < na; j++) {
    if (a[j] < 0 || a[j] >= nin || b[j] < 0 || b[j] >= nin)
      error_node(g, n, "neuron %d reads input %lld, outside the %lld inputs of '%s' (a and b "
                 "index 0..%lld)", j, (long long)(a[j] < 0 || a[j] >= nin ? a[j] : b[j]),
                 (long long)nin, x->name, (long long)nin - 1);
    if (gate[j] < 0 || gate[j] > 15)
      error_node(g, n, "neuron %d has gate id %lld; gate ids run from 0 to 15", j,
                 (long long)gate[j]);
  }
  const int64_t dims[2] = {x->dims[0], na};
  set_output(n, 0, x->dt, 2, dims);
  lower(g, n, "rt_logic", x->dt);
  push_ip(g, n, x->dims[0]);
  push_ip(g, n, nin);
  push_ip(g, n, na);
  push_ips(g, n, a, na);
  push_ips(g, n, b, na);
  push_ips(g, n, gate, na);
}

/* GroupSum's and PopCount's k: present, positive, dividing N. */
static int64_t need_groups(Graph *g, Node *n, int64_t len) {
  const Attr *k = attr_find(n, "k");
  if (!k)
    error_node(g, n, "attribute 'k' (the number of groups, one per class) is missing");
  if (k->kind != ATTR_INT)
    error_node(g, n, "attribute 'k' must be an integer");
  if (k->i <= 0 || len % k->i != 0)
    error_node(g, n, "k = %lld does not split the %lld inputs into equal groups (k must be "
               "positive and divide them)", (long long)k->i, (long long)len);
  return k->i;
}

void infer_group_sum(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  need_dtype(g, n, x->dt, dtypes_all);
  int64_t len = need_rows(g, n, x), k = need_groups(g, n, len);
  double tau = attr_float(n, "tau", 1.0);
  if (!isfinite(tau) || tau <= 0)
    error_node(g, n, "tau = %g; the temperature must be a positive finite number", tau);
  const int64_t dims[2] = {x->dims[0], k};
  set_output(n, 0, DT_F32, 2, dims);
  lower(g, n, "rt_groupsum", x->dt);
  push_ip(g, n, x->dims[0]);
  push_ip(g, n, len);
  push_ip(g, n, k);
  push_fp(g, n, tau);
}

void infer_popcount(Graph *g, Node *n) {
  need_inputs(g, n, 1, 1);
  Value *x = n->in[0];
  if (x->dt != DT_I64)
    die("PopCount node %d has input type %s", n->index, dtype_name(x->dt));
  int64_t len = need_rows(g, n, x), k = need_groups(g, n, len);
  const int64_t dims[2] = {x->dims[0], k};
  set_output(n, 0, DT_I64, 2, dims);
  lower(g, n, "rt_popcount", DT_UNDEF);
  push_ip(g, n, x->dims[0]);
  push_ip(g, n, len);
  push_ip(g, n, k);
}
