/*
 * graph.c - constructors and small queries on the IR: values, nodes,
 * attributes, element types and the op-name table generated from ops.h.
 */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

Graph *graph_new(const char *file) {
  Arena *a = arena_new();
  Graph *g = arena_alloc(a, sizeof *g);
  g->arena = a;
  g->file = arena_strdup(a, file);
  error_set_file(g->file);
  g->name = "";
  return g;
}

/* Values and nodes live in growable arrays; the old array is simply left in
 * the arena (doubling keeps the waste under half). */
static void *grow(Arena *a, void *old, int n, int *cap, size_t elem) {
  if (n < *cap)
    return old;
  int ncap = *cap ? *cap * 2 : 64;
  void *p = arena_alloc(a, (size_t)ncap * elem);
  if (old)
    memcpy(p, old, (size_t)n * elem);
  *cap = ncap;
  return p;
}

Value *value_new(Graph *g, const char *name) {
  Value *v = arena_alloc(g->arena, sizeof *v);
  v->name = arena_strdup(g->arena, name ? name : "");
  v->id = g->nvalues;
  v->input_index = -1;
  v->output_index = -1;
  g->values = grow(g->arena, g->values, g->nvalues, &g->capvalues, sizeof *g->values);
  g->values[g->nvalues++] = v;
  return v;
}

/* Linear search: graphs have at most a few thousand values and the importer
 * keeps its own hash of names, so this is only for tools and tests. */
Value *value_find(const Graph *g, const char *name) {
  for (int i = 0; i < g->nvalues; i++)
    if (strcmp(g->values[i]->name, name) == 0)
      return g->values[i];
  return NULL;
}

Node *node_new(Graph *g, OpKind op, int nin, int nout) {
  Node *n = arena_alloc(g->arena, sizeof *n);
  n->op = op;
  n->optype = op < OP_COUNT ? op_name(op) : "?";
  n->name = "";
  n->index = g->nnodes;
  n->in = arena_alloc(g->arena, sizeof *n->in * (size_t)(nin ? nin : 1));
  n->nin = nin;
  n->out = arena_alloc(g->arena, sizeof *n->out * (size_t)(nout ? nout : 1));
  n->nout = nout;
  g->nodes = grow(g->arena, g->nodes, g->nnodes, &g->capnodes, sizeof *g->nodes);
  g->nodes[g->nnodes++] = n;
  return n;
}

Node *node_insert(Graph *g, int pos, OpKind op, int nin, int nout) {
  Node *n = node_new(g, op, nin, nout);  /* appended; move it to pos */
  memmove(g->nodes + pos + 1, g->nodes + pos, sizeof *g->nodes * (size_t)(g->nnodes - 1 - pos));
  g->nodes[pos] = n;
  return n;
}

static Attr *attr_add(Graph *g, Node *n, const char *name) {
  Attr *a = arena_alloc(g->arena, sizeof *a * (size_t)(n->nattrs + 1));
  if (n->nattrs)
    memcpy(a, n->attrs, sizeof *a * (size_t)n->nattrs);
  n->attrs = a;
  a = &n->attrs[n->nattrs++];
  a->name = arena_strdup(g->arena, name);
  return a;
}

void node_set_int(Graph *g, Node *n, const char *name, int64_t v) {
  Attr *a = attr_add(g, n, name);
  a->kind = ATTR_INT;
  a->i = v;
}

void node_set_ints(Graph *g, Node *n, const char *name, const int64_t *v, int k) {
  Attr *a = attr_add(g, n, name);
  a->kind = ATTR_INTS;
  a->n = k;
  a->ints = arena_alloc(g->arena, sizeof *a->ints * (size_t)(k ? k : 1));
  memcpy(a->ints, v, sizeof *v * (size_t)k);
}

void node_set_floats(Graph *g, Node *n, const char *name, const double *v, int k) {
  Attr *a = attr_add(g, n, name);
  a->kind = ATTR_FLOATS;
  a->n = k;
  a->floats = arena_alloc(g->arena, sizeof *a->floats * (size_t)(k ? k : 1));
  memcpy(a->floats, v, sizeof *v * (size_t)k);
}

void graph_count_uses(Graph *g) {
  for (int i = 0; i < g->nvalues; i++)
    g->values[i]->nuses = 0;
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; k < g->nodes[i]->nin; k++)
      if (g->nodes[i]->in[k])
        g->nodes[i]->in[k]->nuses++;
}

int graph_sole_reader(const Graph *g, const Value *v, int from) {
  if (v->nuses != 1 || v->output_index >= 0)
    return -1;
  for (int i = from; i < g->nnodes; i++)
    for (int k = 0; k < g->nodes[i]->nin; k++)
      if (g->nodes[i]->in[k] == v)
        return i;
  return -1;
}

const char *const annot_key_names[ANNOT_NKEYS] = {"weight", "bias", "result", "accum",
                                                  "rounding", "saturation"};

static int asks(const Annot *a, int prune) {
  if (!a)
    return 0;
  if (prune)
    return a->zero_fraction >= 0;
  for (int k = 0; k < ANNOT_NKEYS; k++)
    if (a->key[k])
      return 1;
  return a->next != NULL;  /* @precision(layer=...) entries */
}

int graph_annotated(const Graph *g, int prune) {
  for (int i = 0; i < g->nnodes; i++)
    if (asks(g->nodes[i]->annot, prune))
      return 1;
  for (int i = 0; i < g->ninputs; i++)
    if (asks(g->inputs[i]->annot, prune))
      return 1;
  return asks(g->annot, prune);
}

static const Annot *drop(Graph *g, const Annot *a, int prune) {
  if (!asks(a, prune))
    return a;
  Annot *r = arena_alloc(g->arena, sizeof *r);
  *r = *a;
  if (prune) {
    r->zero_fraction = -1;
  } else {
    memset(r->key, 0, sizeof r->key);
    r->next = NULL;
  }
  return asks(r, !prune) ? r : NULL;
}

void graph_drop_annots(Graph *g, int prune) {
  g->annot = drop(g, g->annot, prune);
  for (int i = 0; i < g->nnodes; i++)
    g->nodes[i]->annot = drop(g, g->nodes[i]->annot, prune);
  for (int i = 0; i < g->ninputs; i++)
    g->inputs[i]->annot = drop(g, g->inputs[i]->annot, prune);
}

int64_t value_numel(const Value *v) {
  int64_t n = 1;
  for (int i = 0; i < v->rank; i++)
    if (v->dims[i] == 0)
      return 0;  /* before the others' product can overflow */
  for (int i = 0; i < v->rank; i++)
    n *= v->dims[i];
  return n;
}

/* Every dimension is bounded, even beside a zero: a [2^31, 2^31, 0] tensor
 * is refused, not taken as empty (its dims would overflow later products). */
int64_t dims_numel_checked(const int64_t *dims, int rank) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0 || dims[i] > IR_MAXELEMS)
      return -1;
    if (dims[i] == 0)
      n = 0;
  }
  if (n == 0)
    return 0;
  for (int i = 0; i < rank; i++) {
    if (dims[i] > IR_MAXELEMS || n > IR_MAXELEMS / dims[i])
      return -1;
    n *= dims[i];
  }
  return n;
}

const char *onnx_dtype_name(int code) {
  static const char *const names[] = {
    "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string",
    "bool", "float16", "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16",
    "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1",
    "float8e8m0", "uint2", "int2"};
  if (code >= 0 && code < (int)(sizeof names / sizeof names[0]))
    return names[code];
  return "unknown";
}

size_t dtype_size(DType dt) {
  switch (dt) {
#define X(e, code, ct, sz, suf) case DT_##e: return sz;
    IR_DTYPES(X)
#undef X
  default: return 0;
  }
}

const char *dtype_suffix(DType dt) {
  switch (dt) {
#define X(e, code, ct, sz, suf) case DT_##e: return #suf;
    IR_DTYPES(X)
#undef X
  default: return "undef";
  }
}

const char *dtype_ctype(DType dt) {
  switch (dt) {
#define X(e, code, ct, sz, suf) case DT_##e: return #ct;
    IR_DTYPES(X)
#undef X
  default: return "void";
  }
}

const char *dtype_name(DType dt) {
  switch (dt) {
  case DT_F32: return "float32";
  case DT_F64: return "float64";
  case DT_BOOL: return "bool";
  case DT_U8: return "uint8";
  case DT_I8: return "int8";
  case DT_U16: return "uint16";
  case DT_I16: return "int16";
  case DT_U32: return "uint32";
  case DT_I32: return "int32";
  case DT_U64: return "uint64";
  case DT_I64: return "int64";
  default: return "undefined";
  }
}

int dtype_is_float(DType dt) { return dt == DT_F32 || dt == DT_F64; }

int dtype_is_valid(int code) {
  switch (code) {
#define X(e, c, ct, sz, suf) case c: return 1;
    IR_DTYPES(X)
#undef X
  default: return 0;
  }
}

static const char *const opnames[] = {
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) name,
  IR_ALL_OPS(X)
#undef X
};

const char *op_name(OpKind op) { return op < OP_COUNT ? opnames[op] : "?"; }

int op_is_internal(OpKind op) {
  switch (op) {
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) case OP_##e: return 1;
    IR_INTERNAL_OPS(X)
#undef X
  default: return 0;
  }
}

int op_is_qonnx(OpKind op) {
  switch (op) {
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) case OP_##e: return 1;
    IR_QONNX_OPS(X)
#undef X
  default: return 0;
  }
}

int op_is_lgn(OpKind op) {
  switch (op) {
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) case OP_##e: return 1;
    IR_LGN_OPS(X)
#undef X
  default: return 0;
  }
}

static int sorted[OP_COUNT];  /* op kinds sorted by name, built on first use */

static int cmp_op(const void *a, const void *b) {
  return strcmp(opnames[*(const int *)a], opnames[*(const int *)b]);
}

int op_lookup(const char *name) {
  static int ready;
  if (!ready) {
    for (int i = 0; i < OP_COUNT; i++)
      sorted[i] = i;
    qsort(sorted, OP_COUNT, sizeof sorted[0], cmp_op);
    ready = 1;
  }
  int lo = 0, hi = OP_COUNT - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, c = strcmp(name, opnames[sorted[mid]]);
    if (c == 0)
      return sorted[mid];
    if (c < 0)
      hi = mid - 1;
    else
      lo = mid + 1;
  }
  return -1;
}

static const struct { const char *name; OpKind op; int wrank; OpKind also; } layers[] = {
#define X(name, op, wrank, also) {name, op, wrank, also},
  IR_LAYERS(X)
#undef X
};

static int find_layer(const char *name) {
  for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++)
    if (strcmp(layers[i].name, name) == 0)
      return (int)i;
  return -1;
}

int layer_lookup(const char *name, int *wrank) {
  int i = find_layer(name);
  if (i >= 0)
    *wrank = layers[i].wrank;
  return i < 0 ? -1 : (int)layers[i].op;
}

int layer_covers(const char *name, OpKind op) {
  int i = find_layer(name);
  return i < 0 ? op_lookup(name) == (int)op : layers[i].op == op || layers[i].also == op;
}

const char *layer_names(void) {
  static const char list[] =
#define X(name, op, wrank, also) ", " name
      IR_LAYERS(X)
#undef X
      ;
  return list + 2;
}

/* ---- signatures: the counts and attribute columns of ops.h ---- */

typedef struct OpSig {
  int min_in, max_in;        /* input positions; max_in -1: any number */
  int max_out;
  const char *attrs;         /* "name:kind ..." as ops.h writes it */
} OpSig;

static const OpSig sigs[] = {
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) {nmin, nmax, nout, attrs},
  IR_ALL_OPS(X)
#undef X
};

/* Capacities of the parsed attribute lists, fixed at compile time: an
 * attribute takes at least 4 characters of its spec string ("a:i" and a
 * separator), so a string of sizeof s bytes holds at most sizeof s / 4;
 * every list ends with a {NULL, 0} entry; the names, split in place, fit in
 * a copy of the strings. */
enum {
  NATTRSPECS = 0
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) + sizeof attrs / 4 + 1
  IR_ALL_OPS(X)
#undef X
};
enum {
  NATTRCHARS = 0
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) + sizeof attrs
  IR_ALL_OPS(X)
#undef X
};

static OpAttrSpec attrspecs[NATTRSPECS];
static char attrnames[NATTRCHARS];
static int firstattr[OP_COUNT];  /* op's list starts at attrspecs[firstattr[op]] */

static AttrKind attr_kind(const char *k) {
  static const struct { const char *code; AttrKind kind; } kinds[] = {
    {"f", ATTR_FLOAT}, {"i", ATTR_INT}, {"s", ATTR_STRING}, {"t", ATTR_TENSOR},
    {"fs", ATTR_FLOATS}, {"is", ATTR_INTS}, {"ss", ATTR_STRINGS}};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(k, kinds[i].code) == 0)
      return kinds[i].kind;
  return (AttrKind)0;
}

/* Splits op's spec string, copied to *names, into attrspecs from *nspec on;
 * any malformed piece of ops.h is an internal error. */
static void parse_sig(OpKind op, char **names, int *nspec) {
  const OpSig *s = &sigs[op];
  if (s->min_in < 0 || (s->max_in != -1 && s->max_in < s->min_in) || s->max_out < 1)
    die("ops.h: %s has inputs %d to %d and %d outputs", opnames[op], s->min_in, s->max_in,
        s->max_out);
  firstattr[op] = *nspec;
  char *p = strcpy(*names, s->attrs);
  *names += strlen(s->attrs) + 1;
  while (*p) {
    char *name = p, *colon = NULL;
    for (; *p && *p != ' '; p++)
      if (*p == ':' && !colon)
        colon = p;
    if (*p == ' ' && p[1] == 0)
      die("ops.h: %s's attributes end in a space", opnames[op]);
    if (*p)
      *p++ = 0;
    if (!colon || colon == name)
      die("ops.h: %s's attribute '%s' is not name:kind", opnames[op], name);
    *colon = 0;
    for (const char *c = name; *c; c++)
      if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
            (*c >= '0' && *c <= '9')))
        die("ops.h: %s's attribute name '%s' is not an identifier", opnames[op], name);
    AttrKind kind = attr_kind(colon + 1);
    if (!kind)
      die("ops.h: %s's attribute %s has unknown kind '%s'", opnames[op], name, colon + 1);
    for (int i = firstattr[op]; i < *nspec; i++)
      if (strcmp(attrspecs[i].name, name) == 0)
        die("ops.h: %s lists attribute %s twice", opnames[op], name);
    ASSERT(*nspec < NATTRSPECS);
    attrspecs[(*nspec)++] = (OpAttrSpec){name, kind};
  }
  ASSERT(*nspec < NATTRSPECS);
  attrspecs[(*nspec)++] = (OpAttrSpec){NULL, (AttrKind)0};
}

/* The table's signature of op, its attribute lists parsed on first use. */
static const OpSig *sig(OpKind op) {
  static int ready;
  if ((unsigned)op >= OP_COUNT)
    die("op kind %d is not in ops.h", (int)op);
  if (!ready) {
    char *names = attrnames;
    int nspec = 0;
    for (int i = 0; i < OP_COUNT; i++)
      parse_sig((OpKind)i, &names, &nspec);
    ready = 1;
  }
  return &sigs[op];
}

int op_min_inputs(OpKind op) { return sig(op)->min_in; }
int op_max_inputs(OpKind op) { return sig(op)->max_in; }
int op_max_outputs(OpKind op) { return sig(op)->max_out; }

const OpAttrSpec *op_attrs(OpKind op) {
  sig(op);
  return &attrspecs[firstattr[op]];
}

const OpAttrSpec *op_attr_spec(OpKind op, const char *name) {
  for (const OpAttrSpec *a = op_attrs(op); a->name; a++)
    if (strcmp(a->name, name) == 0)
      return a;
  return NULL;
}

const Attr *attr_find(const Node *n, const char *name) {
  for (int i = 0; i < n->nattrs; i++)
    if (strcmp(n->attrs[i].name, name) == 0)
      return &n->attrs[i];
  return NULL;
}

/* The typed getters reject an attribute of the wrong kind (a model error),
 * except that an integer is accepted where a float is expected. */
int64_t attr_int(const Node *n, const char *name, int64_t dflt) {
  const Attr *a = attr_find(n, name);
  if (a && a->kind != ATTR_INT)
    error_at(error_file(), n, "attribute '%s' must be an integer", name);
  return a ? a->i : dflt;
}

double attr_float(const Node *n, const char *name, double dflt) {
  const Attr *a = attr_find(n, name);
  if (a && a->kind == ATTR_INT)
    return (double)a->i;
  if (a && a->kind != ATTR_FLOAT)
    error_at(error_file(), n, "attribute '%s' must be a float", name);
  return a ? a->f : dflt;
}

const char *attr_string(const Node *n, const char *name, const char *dflt) {
  const Attr *a = attr_find(n, name);
  if (a && a->kind != ATTR_STRING)
    error_at(error_file(), n, "attribute '%s' must be a string", name);
  return a ? a->s : dflt;
}

double value_get_bcast(const Value *c, const Value *y, int64_t i) {
  int64_t off = 0, str = 1;
  for (int d = y->rank - 1; d >= 0; d--) {
    int64_t id = i % y->dims[d];
    i /= y->dims[d];
    int k = c->rank - (y->rank - d);
    if (k >= 0) {
      off += (c->dims[k] == 1 ? 0 : id) * str;
      str *= c->dims[k];
    }
  }
  return value_get_f64(c, off);
}

double value_get_f64(const Value *v, int64_t i) {
  switch (v->dt) {
#define X(e, code, ct, sz, suf) case DT_##e: return (double)((const ct *)v->data)[i];
    IR_DTYPES(X)
#undef X
  default: die("bad dtype %d", v->dt);
  }
}

int64_t value_get_i64(const Value *v, int64_t i) {
  switch (v->dt) {
#define X(e, code, ct, sz, suf) case DT_##e: return (int64_t)((const ct *)v->data)[i];
    IR_DTYPES(X)
#undef X
  default: die("bad dtype %d", v->dt);
  }
}

char *shape_str(Arena *a, const Value *v) {
  char buf[32 * IR_MAXRANK + 4];
  int k = 0;
  buf[k++] = '[';
  for (int i = 0; i < v->rank; i++)
    k += snprintf(buf + k, sizeof buf - (size_t)k, "%s%lld", i ? "," : "", (long long)v->dims[i]);
  buf[k++] = ']';
  buf[k] = 0;
  return arena_strdup(a, buf);
}
