/*
 * dsl_build.c - the model language's statements into IR (see dsl.h and
 * doc/dsl.md), each as the parser reduces it: inputs and constants become
 * Values, each `outputs = Op(args)` a Node of the operator table with its
 * source location (so errors from every later pass point at the line),
 * inline literals among the arguments constant inputs, and name=literal
 * arguments attributes of the kinds the table gives (op_attrs).  Names
 * resolve through a hash table; a name must be defined before it is used.
 * Cost: linear in the file, plus the constants' elements.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dsl.h"
#include "dsl.tab.h"

#define MAX_OPSET 1000
/* Names and operators per model: the models bibc is for have thousands;
 * the bound keeps a hostile file's memory in proportion. */
#define MAX_STATEMENTS (1 << 20)

void *dsl_alloc(Dsl *d, size_t n) { return arena_alloc(d->g->arena, n); }

/* ---- names ---- */

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

static DslSym *lookup(const Dsl *d, const char *name) {
  if (!d->capsyms)
    return NULL;
  for (DslSym *s = d->syms[hash(name) & (uint64_t)(d->capsyms - 1)]; s; s = s->next)
    if (strcmp(s->name, name) == 0)
      return s;
  return NULL;
}

/* A new value called name, defined at loc (a name is defined once). */
static Value *define(Dsl *d, const char *name, const SrcLoc *loc) {
  const DslSym *old = lookup(d, name);
  if (old)
    error_loc(loc, "'%s' is already defined (at line %d)", name, old->loc.line);
  if (d->nsyms == MAX_STATEMENTS)
    error_loc(loc, "over %d names in one model", MAX_STATEMENTS);
  if (2 * (d->nsyms + 1) > d->capsyms) {  /* grow and rehash */
    int64_t cap = d->capsyms ? 2 * d->capsyms : 256;
    DslSym **t = dsl_alloc(d, sizeof *t * (size_t)cap);
    for (int64_t i = 0; i < d->capsyms; i++)
      for (DslSym *s = d->syms[i], *next; s; s = next) {
        next = s->next;
        uint64_t h = hash(s->name) & (uint64_t)(cap - 1);
        s->next = t[h];
        t[h] = s;
      }
    d->syms = t;
    d->capsyms = cap;
  }
  DslSym *s = dsl_alloc(d, sizeof *s);
  s->name = name;
  s->loc = *loc;
  s->v = value_new(d->g, name);
  uint64_t h = hash(name) & (uint64_t)(d->capsyms - 1);
  s->next = d->syms[h];
  d->syms[h] = s;
  d->nsyms++;
  return s->v;
}

static Value *use(const Dsl *d, const char *name, const SrcLoc *loc) {
  const DslSym *s = lookup(d, name);
  if (!s)
    error_loc(loc, "'%s' is not defined (inputs, constants and node outputs must be defined "
              "before they are used)", name);
  return s->v;
}

/* ---- literals ---- */

static int64_t push_num(Dsl *d, int kind, uint64_t bits, const SrcLoc *loc) {
  DslNums *l = &d->nums;
  if (l->n == DSL_MAX_NUMS)
    error_loc(loc, "over %lld numbers written inline; put large constants in .npy files "
              "(const w: float32[...] = file \"w.npy\")", (long long)DSL_MAX_NUMS);
  if (l->n == l->cap) {
    int64_t cap = l->cap ? 2 * l->cap : 1024;
    uint64_t *b = realloc(l->bits, sizeof *b * (size_t)cap);
    char *k = b ? realloc(l->kind, (size_t)cap) : NULL;
    if (b)
      l->bits = b;
    if (!k)
      die("out of memory");
    l->kind = k;
    l->cap = cap;
  }
  l->bits[l->n] = bits;
  l->kind[l->n] = (char)kind;
  return l->n++;
}

int64_t dsl_int(Dsl *d, uint64_t u, int neg, const SrcLoc *loc) {
  if (!neg)
    return push_num(d, u > INT64_MAX ? NUM_BIG : NUM_INT, u, loc);
  if (u > (uint64_t)1 << 63)
    error_loc(loc, "integer -%llu is out of range (at least -2^63)", (unsigned long long)u);
  return push_num(d, NUM_INT, 0 - u, loc);  /* two's complement: -u */
}

int64_t dsl_float(Dsl *d, double f, const SrcLoc *loc) {
  uint64_t bits;
  memcpy(&bits, &f, sizeof bits);
  return push_num(d, NUM_FLOAT, bits, loc);
}

DslVal *dsl_nums(Dsl *d, int64_t start, int64_t n, int scalar, const SrcLoc *loc) {
  DslVal *v = dsl_alloc(d, sizeof *v);
  v->kind = DV_NUMS;
  v->start = start, v->n = n, v->scalar = scalar, v->loc = *loc;
  return v;
}

static int64_t num_int(const Dsl *d, int64_t k) { return (int64_t)d->nums.bits[k]; }

DslName *dsl_names_reverse(DslName *l) {
  DslName *r = NULL;
  while (l) {
    DslName *next = l->next;
    l->next = r, r = l, l = next;
  }
  return r;
}

DslArg *dsl_args_reverse(DslArg *l) {
  DslArg *r = NULL;
  while (l) {
    DslArg *next = l->next;
    l->next = r, r = l, l = next;
  }
  return r;
}

DslType *dsl_type(Dsl *d, const char *dtype, const SrcLoc *loc) {
  DslType *t = dsl_alloc(d, sizeof *t);
  t->loc = *loc;
  if ((t->fix = dsl_fixed_type(d, dtype))) {  /* an input's: quantized float32 */
    t->dt = DT_F32;
    return t;
  }
  for (int code = 1; code < 32; code++)
    if (dtype_is_valid(code) && strcmp(dtype_name((DType)code), dtype) == 0) {
      t->dt = (DType)code;
      return t;
    }
  error_loc(loc, "unknown element type '%s' (float32, float64, int8, uint8, int16, uint16, "
            "int32, uint32, int64, uint64 or bool)", dtype);
}

/* The largest float32 and anything that rounds to it; from FLT_MAX + half
 * an ulp (2^103) on, the conversion gives infinity. */
#define F32_OVERFLOW (3.4028234663852886e38 + 0x1p103)

/* Number k of the store as element `at` of v: range-checked for integer
 * types, exact for an integer in a floating-point type, in range for
 * float32 (element `index` of the literal, for messages). */
static void put(const Dsl *d, int64_t k, int64_t index, Value *v, int64_t at, const SrcLoc *loc) {
  int kind = d->nums.kind[k];
  double f = dsl_num_f(d, k);
  if (dtype_is_float(v->dt)) {
    if (kind != NUM_FLOAT) {  /* integers must be exact */
      __int128 want = kind == NUM_BIG ? (__int128)d->nums.bits[k] : (__int128)num_int(d, k);
      __int128 got = v->dt == DT_F32 ? (__int128)(float)f : (__int128)f;
      if (got != want && kind == NUM_BIG)
        error_loc(loc, "element %lld, %llu, is not exact in %s (write it with a decimal point "
                  "to round it)", (long long)index, (unsigned long long)d->nums.bits[k],
                  dtype_name(v->dt));
      if (got != want)
        error_loc(loc, "element %lld, %lld, is not exact in %s (write it with a decimal point "
                  "to round it)", (long long)index, (long long)num_int(d, k), dtype_name(v->dt));
    }
    if (v->dt == DT_F32 && isfinite(f) && fabs(f) >= F32_OVERFLOW)
      error_loc(loc, "element %lld, %g, is out of the range of float32", (long long)index, f);
    if (v->dt == DT_F32)
      ((float *)v->data)[at] = (float)f;
    else
      ((double *)v->data)[at] = f;
    return;
  }
  if (kind == NUM_BIG) {
    if (v->dt != DT_U64)
      error_loc(loc, "element %lld, %llu, is out of the range of %s", (long long)index,
                (unsigned long long)d->nums.bits[k], dtype_name(v->dt));
    ((uint64_t *)v->data)[at] = d->nums.bits[k];
    return;
  }
  int64_t i = num_int(d, k);
  if (kind == NUM_FLOAT) {
    if (f != floor(f) || fabs(f) >= 0x1p63)
      error_loc(loc, "element %lld, %.17g, is not an integer; the tensor is %s", (long long)index, f,
                dtype_name(v->dt));
    i = (int64_t)f;
  }
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  switch (v->dt) {
  case DT_BOOL: lo = 0, hi = 1; break;
  case DT_U8: lo = 0, hi = UINT8_MAX; break;
  case DT_I8: lo = INT8_MIN, hi = INT8_MAX; break;
  case DT_U16: lo = 0, hi = UINT16_MAX; break;
  case DT_I16: lo = INT16_MIN, hi = INT16_MAX; break;
  case DT_U32: lo = 0, hi = UINT32_MAX; break;
  case DT_I32: lo = INT32_MIN, hi = INT32_MAX; break;
  case DT_U64: lo = 0; break;
  default: break;
  }
  if (i < lo || i > hi)
    error_loc(loc, "element %lld, %lld, is out of the range of %s", (long long)index, (long long)i,
              dtype_name(v->dt));
  switch (v->dt) {
  case DT_BOOL: case DT_U8: ((uint8_t *)v->data)[at] = (uint8_t)i; break;
  case DT_I8: ((int8_t *)v->data)[at] = (int8_t)i; break;
  case DT_U16: ((uint16_t *)v->data)[at] = (uint16_t)i; break;
  case DT_I16: ((int16_t *)v->data)[at] = (int16_t)i; break;
  case DT_U32: ((uint32_t *)v->data)[at] = (uint32_t)i; break;
  case DT_I32: ((int32_t *)v->data)[at] = (int32_t)i; break;
  case DT_U64: ((uint64_t *)v->data)[at] = (uint64_t)i; break;
  default: ((int64_t *)v->data)[at] = i; break;
  }
}

static const char *type_str(Dsl *d, const DslType *t) {
  Value tmp = {.rank = t->rank};
  memcpy(tmp.dims, t->dims, sizeof tmp.dims);
  return arena_printf(d->g->arena, "%s%s", dtype_name(t->dt), shape_str(d->g->arena, &tmp));
}

/* A constant of type t from init (numbers, or a tensor read from a file). */
DslVal *dsl_tensor(Dsl *d, const DslType *t, DslVal *init) {
  if (t->fix)
    error_loc(&t->loc, "a fixed-point type is an input's; a constant is float32, float64 or an "
              "integer type (post-training quantization rounds weights: @precision)");
  if (dims_numel_checked(t->dims, t->rank) < 0)
    error_loc(&t->loc, "%s is over bibc's limit of %lld elements per tensor", type_str(d, t),
              (long long)IR_MAXELEMS);
  DslVal *r = dsl_alloc(d, sizeof *r);
  r->kind = DV_TENSOR;
  r->loc = t->loc;
  if (init->kind == DV_TENSOR) {  /* from a file: its type and shape must be t's */
    Value *c = init->t;
    int same = c->dt == t->dt && c->rank == t->rank;
    for (int k = 0; same && k < t->rank; k++)
      same = c->dims[k] == t->dims[k];
    if (!same)
      error_loc(&init->loc, "the file holds %s%s, the declaration says %s", dtype_name(c->dt),
                shape_str(d->g->arena, c), type_str(d, t));
    r->t = c;
    return r;
  }
  if (init->kind != DV_NUMS)
    error_loc(&init->loc, "a %s needs numbers, not a string", type_str(d, t));
  int64_t n = dims_numel_checked(t->dims, t->rank);
  if (init->n != n)  /* before allocating: a few bytes may declare gigabytes */
    error_loc(&init->loc, "%lld number%s for %s, which holds %lld", (long long)init->n,
              init->n == 1 ? "" : "s", type_str(d, t), (long long)n);
  Value *c = tensor_new(d->g->arena, t->dt, t->rank, t->dims);
  for (int64_t k = 0; k < n; k++)
    put(d, init->start + k, k, c, k, &init->loc);
  r->t = c;
  return r;
}

/* An untyped literal as a constant: integers are int64, other numbers
 * float32; a bare number is a scalar, a list one-dimensional. */
static Value *untyped(Dsl *d, DslVal *v) {
  if (v->kind == DV_TENSOR)
    return v->t;
  if (v->kind == DV_STRING)
    error_loc(&v->loc, "a string cannot be a tensor");
  int ints = 1;
  for (int64_t k = 0; k < v->n; k++)
    ints &= d->nums.kind[v->start + k] == NUM_INT;
  DslType t = {.dt = ints ? DT_I64 : DT_F32, .rank = v->scalar ? 0 : 1, .loc = v->loc};
  t.dims[0] = v->n;
  return dsl_tensor(d, &t, v)->t;
}

static const char *dir_of(Dsl *d, const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? arena_printf(d->g->arena, "%.*s", (int)(slash - path), path) : ".";
}

/* path as written in the current file: relative to that file's folder. */
static const char *resolve(Dsl *d, const char *path) {
  if (path[0] == '/')
    return path;
  return arena_printf(d->g->arena, "%s/%s", dir_of(d, d->file->path), path);
}

DslVal *dsl_file_tensor(Dsl *d, const char *path, const SrcLoc *loc) {
  const char *full = resolve(d, path);
  struct stat st;
  if (stat(full, &st) != 0)
    error_loc(loc, "cannot read %s: %s", full, strerror(errno));
  if (!S_ISREG(st.st_mode))
    error_loc(loc, "cannot read %s: not a regular file", full);
  size_t n = strlen(path);
  if (n < 4 || (strcmp(path + n - 4, ".npy") != 0 && (n < 3 || strcmp(path + n - 3, ".pb") != 0)))
    error_loc(loc, "constant files are .npy or .pb (a serialized TensorProto), not %s", path);
  DslVal *v = dsl_alloc(d, sizeof *v);
  v->kind = DV_TENSOR;
  v->loc = *loc;
  v->t = tensor_read(d->g->arena, full);
  return v;
}

/* ---- statements ---- */

/* v (a new value) holds constant c. */
static void set_const(Value *v, const Value *c) {
  v->dt = c->dt, v->rank = c->rank, v->data = c->data, v->shape_known = 1;
  memcpy(v->dims, c->dims, sizeof v->dims);
}

/* Appends v to the growing list *list of *n (capacity *cap). */
static void push(Dsl *d, Value ***list, int *n, int *cap, Value *v) {
  if (*n == *cap) {
    *cap = *cap ? 2 * *cap : 8;
    Value **a = dsl_alloc(d, sizeof *a * (size_t)*cap);
    if (*n)
      memcpy(a, *list, sizeof *a * (size_t)*n);
    *list = a;
  }
  (*list)[(*n)++] = v;
}

void dsl_model(Dsl *d, const char *name, const Annot *annot) {
  d->g->name = name;
  d->g->annot = annot;
}

void dsl_opset(Dsl *d, int64_t version, const SrcLoc *loc) {
  if (version < 1 || version > MAX_OPSET)
    error_loc(loc, "opset %lld: ONNX opset versions run from 1 to %d", (long long)version, MAX_OPSET);
  if (d->nodes)
    error_loc(loc, "the opset must be given before the first node");
  d->g->opset = (int)version;
}

/* From here on, the name name stands for the value named to. */
static void alias(Dsl *d, const char *name, const char *to) {
  lookup(d, name)->v = lookup(d, to)->v;
}

/* `input x: T in [lo, hi]`: x's readers read Clip(x, lo, hi), a node named
 * "x.range" whose output is "x.in_range" and which the name x stands for
 * from here on; the bounds are scalar constants of x's element type
 * (float32 for a fixed-point input), or Clip-6's attributes below opset
 * 11.  Interval analysis then sizes everything after it from the range;
 * inputs outside it are clamped, so the range is a fact, not a promise.
 * The checks are dsl_sugar.c's dsl_check_range. */
void dsl_input_range(Dsl *d, const char *name, const DslType *t, const DslVal *bounds) {
  const SrcLoc *at = &bounds->loc;
  double b[2];
  dsl_check_range(d, name, t, bounds, b);
  int attrs = d->g->opset < 11;  /* Clip-6 takes its bounds as attributes */
  DslType bt = {.dt = t->dt, .rank = 0, .loc = *at};
  DslArg *args = dsl_alloc(d, sizeof *args * 3), *last = args;
  args[0] = (DslArg){.name = name, .loc = *at};
  for (int k = 0; k < 2; k++) {
    int open = isinf(b[k]) && (b[k] < 0) == (k == 0);  /* -inf below, inf above: no bound */
    if (open && attrs)
      continue;
    DslVal *v = open ? NULL : dsl_nums(d, bounds->start + k, 1, 1, at);
    last->next = &args[k + 1];
    last = last->next;
    *last = (DslArg){.name = k ? "max" : "min", .attr = attrs, .absent = open, .loc = *at,
                     .val = open || attrs ? v : dsl_tensor(d, &bt, v)};
  }
  DslName out = {.name = arena_printf(d->g->arena, "%s.in_range", name), .loc = *at};
  dsl_node(d, arena_printf(d->g->arena, "%s.range", name), &out, "Clip", at, args, NULL);
  alias(d, name, out.name);
}


void dsl_input(Dsl *d, const char *name, const SrcLoc *loc, const DslType *t,
               const Annot *annot) {
  Value *v = define(d, name, loc);
  v->annot = dsl_input_annot(d, annot, t);
  for (int b = 0; b < d->nbinds; b++)
    if (strcmp(d->binds[b].name, name) == 0) {  /* --const: a constant instead */
      Value *c = tensor_read(d->g->arena, d->binds[b].file);
      int same = c->dt == t->dt && c->rank == t->rank;
      for (int k = 0; same && k < t->rank; k++)
        same = c->dims[k] == t->dims[k];
      if (!same)
        error_at(d->binds[b].file, NULL, "--const %s: the tensor is %s%s, the model declares %s",
                 name, dtype_name(c->dt), shape_str(d->g->arena, c), type_str(d, t));
      set_const(v, c);
      d->bound[b] = 1;
      return;
    }
  if (dims_numel_checked(t->dims, t->rank) < 0)
    error_loc(&t->loc, "%s is over bibc's limit of %lld elements per tensor", type_str(d, t),
              (long long)IR_MAXELEMS);
  v->dt = t->dt, v->rank = t->rank, v->shape_known = 1;
  memcpy(v->dims, t->dims, sizeof v->dims);
  v->input_index = d->ninputs;
  push(d, &d->inputs, &d->ninputs, &d->capinputs, v);
}

void dsl_const(Dsl *d, const char *name, const SrcLoc *loc, const DslType *t, DslVal *init) {
  Value *c = t ? dsl_tensor(d, t, init)->t : untyped(d, init);
  set_const(define(d, name, loc), c);
}

void dsl_output(Dsl *d, DslName *names) {
  for (DslName *n = names; n; n = n->next) {
    Value *v = use(d, n->name, &n->loc);
    if (v->output_index >= 0)
      error_loc(&n->loc, "'%s' is already a graph output", n->name);
    v->output_index = d->noutputs;
    push(d, &d->outputs, &d->noutputs, &d->capoutputs, v);
  }
}

void dsl_include(Dsl *d, const char *path, const SrcLoc *loc) {
  dsl_parse_file(d, resolve(d, path), loc);
}

static const char *kind_name(AttrKind k) {
  switch (k) {
  case ATTR_FLOAT: return "a number";
  case ATTR_INT: return "an integer";
  case ATTR_STRING: return "a string";
  case ATTR_TENSOR: return "a typed tensor (e.g. float32[2] [0.5, 1])";
  case ATTR_FLOATS: return "a list of numbers";
  case ATTR_INTS: return "a list of integers";
  default: return "a list of strings";
  }
}

/* The attributes op accepts, for messages: "axis, keepdims". */
static const char *attr_names(Dsl *d, OpKind op) {
  const char *s = "";
  for (const OpAttrSpec *a = op_attrs(op); a && a->name; a++)
    s = arena_printf(d->g->arena, "%s%s%s", s, s[0] ? ", " : "", a->name);
  return s[0] ? s : "none";
}

/* Argument g (name=literal) as attribute a of node n. */
static void set_attr(Dsl *d, Node *n, Attr *a, const DslArg *g) {
  const OpAttrSpec *spec = op_attr_spec(n->op, g->name);
  if (!spec)
    error_loc(&g->loc, "%s has no attribute '%s' (it takes: %s)", n->optype, g->name,
              attr_names(d, n->op));
  for (int k = 0; k < n->nattrs; k++)
    if (strcmp(n->attrs[k].name, g->name) == 0)
      error_loc(&g->loc, "attribute '%s' is given twice", g->name);
  const DslVal *v = g->val;
  a->name = g->name;
  a->kind = spec->kind;
  int nums = v->kind == DV_NUMS, ok = 1;
  int64_t cnt = nums ? v->n : 0, k0 = v->start;
  const char *kinds = nums ? d->nums.kind + k0 : "";
  switch (spec->kind) {
  case ATTR_INT:
    ok = nums && v->scalar && kinds[0] == NUM_INT;
    a->i = ok ? num_int(d, k0) : 0;
    break;
  case ATTR_FLOAT:  /* an integer stays one (attr_float reads it exactly, as ONNX's INT) */
    ok = nums && v->scalar && kinds[0] != NUM_BIG;
    if (ok && kinds[0] == NUM_INT) {
      a->kind = ATTR_INT, a->i = num_int(d, k0);
    } else if (ok) {
      double f = dsl_num_f(d, k0);
      if (isfinite(f) && fabs(f) >= F32_OVERFLOW)
        error_loc(&v->loc, "attribute '%s', %g, is out of the range of float32", g->name, f);
      a->f = (float)f;  /* ONNX's float attributes are float32 */
    }
    break;
  case ATTR_STRING:
    ok = v->kind == DV_STRING;
    a->s = v->s;
    break;
  case ATTR_INTS: case ATTR_FLOATS:
    ok = nums;
    if (!ok)
      break;
    if (cnt > INT32_MAX)
      error_loc(&v->loc, "attribute '%s' has %lld values", g->name, (long long)cnt);
    a->n = (int)cnt;
    if (spec->kind == ATTR_INTS) {
      a->ints = dsl_alloc(d, sizeof *a->ints * (size_t)(cnt + 1));
      for (int64_t k = 0; k < cnt; k++) {
        ok &= kinds[k] == NUM_INT;
        a->ints[k] = num_int(d, k0 + k);
      }
    } else {
      a->floats = dsl_alloc(d, sizeof *a->floats * (size_t)(cnt + 1));
      for (int64_t k = 0; k < cnt; k++) {
        double f = dsl_num_f(d, k0 + k);
        if (isfinite(f) && fabs(f) >= F32_OVERFLOW)
          error_loc(&v->loc, "attribute '%s', %g, is out of the range of float32", g->name, f);
        a->floats[k] = (float)f;
      }
    }
    break;
  case ATTR_TENSOR:
    ok = v->kind == DV_TENSOR;
    a->t = v->t;
    break;
  default:
    error_loc(&g->loc, "attribute '%s' is a list of strings, which the model language does not "
              "write yet", g->name);
  }
  if (!ok)
    error_loc(&v->loc, "attribute '%s' of %s is %s", g->name, n->optype, kind_name(spec->kind));
  n->nattrs++;
}

void dsl_node(Dsl *d, const char *label, DslName *outs, const char *opname, const SrcLoc *oploc,
              DslArg *args, const Annot *annot) {
  Graph *g = d->g;
  int wrank = 0, op = op_lookup(opname);
  if (op < 0)
    op = layer_lookup(opname, &wrank);  /* Dense, Conv1D, Conv2D */
  if (op < 0)
    error_loc(oploc, "unknown operator '%s' (names as in ONNX, e.g. MatMul, Conv, Relu, or the "
              "layers %s; 'bibc --list-ops' lists them)", opname, layer_names());
  if (op_is_internal((OpKind)op))
    error_loc(oploc, "%s is made by bibc's passes; a model cannot use it", opname);
  int nin = 0, nattr = 0, nout = 0;
  for (const DslArg *a = args; a; a = a->next)
    a->attr ? nattr++ : nin++;
  for (const DslName *o = outs; o; o = o->next)
    nout++;
  int lo = op_min_inputs((OpKind)op), hi = op_max_inputs((OpKind)op);
  if (nin < lo || (hi >= 0 && nin > hi))
    error_loc(oploc, "%s takes %d%s%s input%s, %d given", opname, lo,
              hi < 0 ? " or more" : hi > lo ? " to " : "",
              hi > lo ? arena_printf(g->arena, "%d", hi) : "", (hi < 0 ? lo : hi) == 1 ? "" : "s", nin);
  if (nout > op_max_outputs((OpKind)op))
    error_loc(oploc, "%s gives at most %d output%s, %d named", opname, op_max_outputs((OpKind)op),
              op_max_outputs((OpKind)op) == 1 ? "" : "s", nout);
  if (d->nodes == MAX_STATEMENTS)
    error_loc(oploc, "over %d operators in one model", MAX_STATEMENTS);
  Node *n = node_new(g, (OpKind)op, nin, nout);
  if (wrank)
    n->optype = opname;  /* messages say the layer name */
  dsl_node_annot(annot);
  n->index = d->nodes++;
  n->name = label ? label : "";
  n->loc = *oploc;
  n->annot = annot;
  n->opset = op_is_qonnx((OpKind)op) || op_is_lgn((OpKind)op) ? 1 : g->opset;
  n->attrs = dsl_alloc(d, sizeof *n->attrs * (size_t)(nattr + 1));
  const char *first = NULL;  /* inline constants are named after the first output */
  for (const DslName *o = outs; o && !first; o = o->next)
    first = o->name;
  if (!first)
    first = arena_printf(g->arena, "node%d", n->index);
  int k = 0;
  for (const DslArg *a = args; a; a = a->next) {
    if (a->attr) {
      set_attr(d, n, &n->attrs[n->nattrs], a);
    } else if (a->val) {  /* an inline constant input: FIRST:inK, made unique */
      Value *c = untyped(d, a->val);
      const char *name = arena_printf(g->arena, "%s:in%d", first, k);
      for (int again = 2; lookup(d, name); again++)
        name = arena_printf(g->arena, "%s:in%d.%d", first, k, again);
      Value *v = define(d, name, &a->loc);
      set_const(v, c);
      n->in[k++] = v;
    } else {
      n->in[k++] = a->absent ? NULL : use(d, a->name, &a->loc);
    }
  }
  k = 0;
  for (const DslName *o = outs; o; o = o->next, k++) {
    if (!o->name)  /* _: an unused output */
      continue;
    Value *v = define(d, o->name, &o->loc);
    v->producer = n;
    n->out[k] = v;
  }
  if (n->op == OP_CONSTANT)
    constant_node_value(g, n);
  if (wrank)
    dsl_check_layer(n, wrank, oploc);
}
