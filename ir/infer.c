/*
 * infer.c - dispatch of shape inference and lowering (one function per op,
 * named in ops.h, defined in infer_*.c) and the helpers they share.
 */
#include <string.h>

#include "infer.h"

#define IP_CAP 1024   /* kernel parameter capacity; a node needing more is rejected */
#define FP_CAP 16

typedef void InferFn(Graph *, Node *);
static InferFn *const infer_fns[] = {
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) infer,
  IR_ALL_OPS(X)
#undef X
};

void infer_node(Graph *g, Node *n) {
  n->kernel = NULL;
  n->nip = n->nfp = n->ntargs = 0;
  infer_fns[n->op](g, n);
  /* An op fills the outputs it defines; any other requested output is one
   * the operator does not have. */
  for (int k = 0; k < n->nout; k++)
    if (n->out[k] && n->out[k]->shape_known && dims_numel_checked(n->out[k]->dims, n->out[k]->rank) < 0)
      error_node(g, n, "output '%s' of shape %s is too large (bibc's limit is %lld elements)",
                 n->out[k]->name, shape_str(g->arena, n->out[k]), (long long)IR_MAXELEMS);
  for (int k = 0; k < n->nout; k++)
    if (n->out[k] && !n->out[k]->shape_known)
      error_node(g, n, "has %d outputs, but %s defines no output %d ('%s'); remove it from "
                 "the node", n->nout, op_name(n->op), k, n->out[k]->name);
}

int has_input(const Node *n, int k) { return k < n->nin && n->in[k] != NULL; }

void need_inputs(Graph *g, Node *n, int lo, int hi) {
  int last = 0;
  for (int k = 0; k < n->nin; k++)
    if (n->in[k])
      last = k + 1;
  if (last < lo || last > hi) {
    if (lo == hi)
      error_node(g, n, "expects %d input%s, got %d", lo, lo == 1 ? "" : "s", last);
    error_node(g, n, "expects %d to %d inputs, got %d", lo, hi, last);
  }
  for (int k = 0; k < lo; k++)
    if (!n->in[k])
      error_node(g, n, "input %d is required but empty", k);
}

Value *need_const(Graph *g, Node *n, int k, const char *what) {
  Value *v = n->in[k];
  if (!v->data)
    error_node(g, n, "%s (input %d, '%s') must be a constant: bibc compiles a model's shapes and "
               "parameters ahead of time (freeze it with --const %s=FILE.pb)", what, k, v->name,
               v->name);
  return v;
}

const DType dtypes_float[] = {DT_F32, DT_F64, DT_UNDEF};
const DType dtypes_numeric[] = {DT_F32, DT_F64, DT_I8, DT_I16, DT_I32, DT_I64,
                                DT_U8, DT_U16, DT_U32, DT_U64, DT_UNDEF};
const DType dtypes_all[] = {DT_F32, DT_F64, DT_I8, DT_I16, DT_I32, DT_I64,
                            DT_U8, DT_U16, DT_U32, DT_U64, DT_BOOL, DT_UNDEF};

void need_dtype(Graph *g, Node *n, DType dt, const DType *allowed) {
  for (const DType *a = allowed; *a != DT_UNDEF; a++)
    if (*a == dt)
      return;
  error_node(g, n, "element type %s is not supported by %s in bibc", dtype_name(dt), op_name(n->op));
}

int norm_axis(Graph *g, Node *n, int64_t axis, int rank, const char *what) {
  if (axis < -rank || axis >= (rank ? rank : 1))
    error_node(g, n, "%s %lld is out of range for rank %d", what, (long long)axis, rank);
  return (int)(axis < 0 ? axis + rank : axis);
}

void set_output(Node *n, int k, DType dt, int rank, const int64_t *dims) {
  Value *v = n->out[k];
  if (!v)
    return;
  v->dt = dt;
  v->rank = rank;
  for (int i = 0; i < rank; i++)
    v->dims[i] = dims[i];
  v->shape_known = 1;
}

void broadcast_shapes(Graph *g, Node *n, Value *const *ins, int k, int *rank, int64_t *dims) {
  int r = 0;
  for (int j = 0; j < k; j++)
    if (ins[j]->rank > r)
      r = ins[j]->rank;
  for (int d = 0; d < r; d++)
    dims[d] = 1;
  for (int j = 0; j < k; j++) {
    const Value *v = ins[j];
    for (int d = 0; d < v->rank; d++) {
      int64_t a = v->dims[d], *o = &dims[r - v->rank + d];
      if (a == *o || a == 1)
        continue;
      if (*o != 1)
        error_node(g, n, "shapes %s and %s cannot be broadcast (axis %d: %lld vs %lld)",
                   shape_str(g->arena, ins[0]), shape_str(g->arena, v), r - v->rank + d,
                   (long long)*o, (long long)a);
      *o = a;
    }
  }
  *rank = r;
}

void broadcast_strides(const Value *v, int rank, const int64_t *dims, int64_t *strides) {
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; d--) {
    int vd = d - (rank - v->rank);
    if (vd < 0 || v->dims[vd] == 1) {
      strides[d] = 0;
    } else {
      strides[d] = s;
      s *= v->dims[vd];
    }
    (void)dims;
  }
}

int attr_ints(Graph *g, Node *n, const char *name, int64_t *out, int max) {
  const Attr *a = attr_find(n, name);
  if (!a)
    return -1;
  if (a->kind != ATTR_INTS && a->kind != ATTR_INT)
    error_node(g, n, "attribute '%s' must be a list of integers", name);
  if (a->kind == ATTR_INT) {
    out[0] = a->i;
    return 1;
  }
  if (a->n > max)
    error_node(g, n, "attribute '%s' has %d values, at most %d are supported", name, a->n, max);
  memcpy(out, a->ints, sizeof *out * (size_t)a->n);
  for (int i = 0; i < a->n; i++)
    if (out[i] > IR_MAXATTR || out[i] < -IR_MAXATTR)
      error_node(g, n, "attribute '%s' value %lld is larger than bibc supports (%lld)", name,
                 (long long)out[i], (long long)IR_MAXATTR);
  return a->n;
}

void lower(Graph *g, Node *n, const char *family, DType dt) {
  n->kernel = dt == DT_UNDEF ? family : arena_printf(g->arena, "%s_%s", family, dtype_suffix(dt));
  n->ip = arena_alloc(g->arena, sizeof *n->ip * IP_CAP);
  n->fp = arena_alloc(g->arena, sizeof *n->fp * FP_CAP);
  n->nip = n->nfp = 0;
  n->targs = arena_alloc(g->arena, sizeof *n->targs * (size_t)(n->nin + n->nout + 1));
  n->ntargs = 0;
  for (int k = 0; k < n->nin; k++)
    n->targs[n->ntargs++] = n->in[k];
  for (int k = 0; k < n->nout; k++)
    n->targs[n->ntargs++] = n->out[k];
}

/* The parameter arrays start with IP_CAP / FP_CAP entries and double
 * whenever full (per-channel parameters of wide layers need more). */
static void *grow_params(Graph *g, void *p, int n, size_t es) {
  void *q = arena_alloc(g->arena, es * (size_t)n * 2);
  memcpy(q, p, es * (size_t)n);
  return q;
}

void push_ip(Graph *g, Node *n, int64_t v) {
  if (n->nip >= IP_CAP && (n->nip & (n->nip - 1)) == 0) {
    if (n->nip >= (1 << 24))
      error_node(g, n, "too many kernel parameters (rank or input count too large)");
    n->ip = grow_params(g, n->ip, n->nip, sizeof *n->ip);
  }
  n->ip[n->nip++] = v;
}

void push_ips(Graph *g, Node *n, const int64_t *v, int k) {
  for (int i = 0; i < k; i++)
    push_ip(g, n, v[i]);
}

void push_fp(Graph *g, Node *n, double v) {
  if (n->nfp >= FP_CAP && (n->nfp & (n->nfp - 1)) == 0) {
    if (n->nfp >= (1 << 24))
      error_node(g, n, "too many kernel parameters");
    n->fp = grow_params(g, n->fp, n->nfp, sizeof *n->fp);
  }
  n->fp[n->nfp++] = v;
}

void set_targs(Graph *g, Node *n, Value *const *v, int k) {
  n->targs = arena_alloc(g->arena, sizeof *n->targs * (size_t)(k ? k : 1));
  for (int i = 0; i < k; i++)
    n->targs[i] = v[i];
  n->ntargs = k;
}

void fixed_targs(Graph *g, Node *n, int nin, int nout) {
  n->targs = arena_alloc(g->arena, sizeof *n->targs * (size_t)(nin + nout));
  n->ntargs = 0;
  for (int k = 0; k < nin; k++)
    n->targs[n->ntargs++] = has_input(n, k) ? n->in[k] : NULL;
  for (int k = 0; k < nout; k++)
    n->targs[n->ntargs++] = k < n->nout ? n->out[k] : NULL;
}

/* ---- geometry (ir.h): the [outer, len, inner] view at the head of
 * rt_requant's, rt_threshold's, rt_argmax's and rt_topk's parameters ---- */
void axis_geom(const Node *n, AxisGeom *a) {
  ASSERT((n->op == OP_REQUANT || n->op == OP_THRESHOLD || n->op == OP_ARGMAX ||
          n->op == OP_TOPK) && n->nip >= 3);
  a->outer = n->ip[0];
  a->len = n->ip[1];
  a->inner = n->ip[2];
}
