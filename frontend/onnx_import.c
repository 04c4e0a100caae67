/*
 * onnx_import.c - ONNX ModelProto -> IR.
 *
 * The protobuf is decoded by protobuf-c (code generated at build time from
 * Debian's onnx.proto); this file copies what bibc needs into the Graph's
 * arena and frees the decoded message.  Initializers and graph inputs that
 * are also initializers become constants; Constant nodes are kept (shape
 * inference turns their outputs into constants).  Static shapes only: a
 * symbolic, zero or absurdly large leading (batch) dimension of a graph input
 * is taken as 1, with a note.  Names are resolved through a hash table so
 * import is linear in the model size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"
#include "onnx.pb-c.h"

#define MAX_OPSET 1000     /* ONNX is at opset 21; anything far above is corrupt */
#define MAX_BATCH 100000  /* a leading dim above this is a placeholder (e.g. 789444) */

typedef struct Importer {
  Graph *g;
  Value **table;             /* open-addressing hash of values by name */
  size_t cap;
} Importer;

static size_t hash(const char *s) {
  size_t h = 1469598103934665603u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

static Value **slot(Importer *im, const char *name) {
  size_t i = hash(name) & (im->cap - 1);
  while (im->table[i] && strcmp(im->table[i]->name, name) != 0)
    i = (i + 1) & (im->cap - 1);
  return &im->table[i];
}

static Value *define(Importer *im, const char *name, const Node *n) {
  Value **s = slot(im, name);
  if (*s)
    error_at(im->g->file, n, "tensor name '%s' is defined twice", name);
  *s = value_new(im->g, name);
  return *s;
}

static void copy_attr(Importer *im, Node *n, Attr *a, const Onnx__AttributeProto *ap) {
  Arena *ar = im->g->arena;
  a->name = arena_strdup(ar, ap->name ? ap->name : "");
  int type = ap->has_type ? (int)ap->type : 0;
  if (!type) {  /* very old exporters omit the type: infer it from the payload */
    if (ap->n_ints) type = ATTR_INTS;
    else if (ap->n_floats) type = ATTR_FLOATS;
    else if (ap->has_i) type = ATTR_INT;
    else if (ap->has_f) type = ATTR_FLOAT;
    else if (ap->has_s) type = ATTR_STRING;
    else if (ap->t) type = ATTR_TENSOR;
  }
  a->kind = (AttrKind)type;
  switch (type) {
  case ATTR_FLOAT: a->f = ap->f; break;
  case ATTR_INT: a->i = ap->i; break;
  case ATTR_STRING:
    a->s = arena_alloc(ar, ap->s.len + 1);
    if (ap->s.len)  /* an empty string may have no data at all */
      memcpy((char *)a->s, ap->s.data, ap->s.len);
    break;
  case ATTR_TENSOR:
    if (!ap->t)  /* the type says tensor, the message holds none */
      error_at(im->g->file, n, "attribute '%s' is declared a tensor but holds none", a->name);
    a->t = tensor_from_proto(ar, ap->t, im->g->file,
                             arena_printf(ar, "attribute '%s' of node %d", a->name, n->index));
    break;
  case ATTR_FLOATS:
    a->n = (int)ap->n_floats;
    a->floats = arena_alloc(ar, sizeof *a->floats * (ap->n_floats + 1));
    for (size_t i = 0; i < ap->n_floats; i++)
      a->floats[i] = ap->floats[i];
    break;
  case ATTR_INTS:
    a->n = (int)ap->n_ints;
    a->ints = arena_alloc(ar, sizeof *a->ints * (ap->n_ints + 1));
    if (ap->n_ints)
      memcpy(a->ints, ap->ints, sizeof *a->ints * ap->n_ints);
    break;
  case ATTR_STRINGS:
    a->n = (int)ap->n_strings;
    a->strings = arena_alloc(ar, sizeof *a->strings * (ap->n_strings + 1));
    for (size_t i = 0; i < ap->n_strings; i++) {
      char *s = arena_alloc(ar, ap->strings[i].len + 1);
      if (ap->strings[i].len)
        memcpy(s, ap->strings[i].data, ap->strings[i].len);
      a->strings[i] = s;
    }
    break;
  default: /* graphs, sparse tensors, type protos: no supported op uses them */
    a->kind = (AttrKind)0;
    break;
  }
}

void constant_node_value(Graph *g, Node *n) {
  Arena *ar = g->arena;
  Value *y = n->out[0], *c = NULL;
  for (int i = 0; i < n->nattrs; i++) {
    const Attr *a = &n->attrs[i];
    int64_t one = 1, cnt = a->n;
    if (strcmp(a->name, "value") == 0 && a->kind == ATTR_TENSOR) {
      c = a->t;
    } else if (strcmp(a->name, "value_float") == 0 && a->kind == ATTR_FLOAT) {
      c = tensor_new(ar, DT_F32, 0, &one);
      *(float *)c->data = (float)a->f;
    } else if (strcmp(a->name, "value_int") == 0 && a->kind == ATTR_INT) {
      c = tensor_new(ar, DT_I64, 0, &one);
      *(int64_t *)c->data = a->i;
    } else if (strcmp(a->name, "value_floats") == 0 && a->kind == ATTR_FLOATS) {
      c = tensor_new(ar, DT_F32, 1, &cnt);
      for (int k = 0; k < a->n; k++)
        ((float *)c->data)[k] = (float)a->floats[k];
    } else if (strcmp(a->name, "value_ints") == 0 && a->kind == ATTR_INTS) {
      c = tensor_new(ar, DT_I64, 1, &cnt);
      memcpy(c->data, a->ints, sizeof(int64_t) * (size_t)a->n);
    } else {
      error_node(g, n, "Constant attribute '%s' is not supported (use value, "
               "value_float(s) or value_int(s))", a->name);
    }
  }
  if (!c || !y)
    return;
  y->dt = c->dt;
  y->rank = c->rank;
  memcpy(y->dims, c->dims, sizeof y->dims);
  y->data = c->data;
  y->shape_known = 1;
}

/* Domains whose Quant/BipolarQuant/Trunc/MultiThreshold bibc reads as QONNX. */
static const char *const qonnx_domains[] = {
  "qonnx.custom_op.general", "onnx.brevitas", "finn.custom_op.general", "finn",
};

static int is_default_domain(const char *d) { return !d[0] || strcmp(d, "ai.onnx") == 0; }

static int is_qonnx_domain(const char *d) {
  for (size_t i = 0; i < sizeof qonnx_domains / sizeof qonnx_domains[0]; i++)
    if (strcmp(d, qonnx_domains[i]) == 0)
      return 1;
  return 0;
}

/* The opset version the model imports for domain (1 if it imports none). */
static int domain_opset(const Onnx__ModelProto *mp, const char *domain) {
  for (size_t i = 0; i < mp->n_opset_import; i++) {
    const char *d = mp->opset_import[i]->domain ? mp->opset_import[i]->domain : "";
    if (strcmp(d, domain) == 0 || (is_default_domain(d) && is_default_domain(domain)))
      return (int)mp->opset_import[i]->version;
  }
  return 1;
}

static void import_node(Importer *im, const Onnx__ModelProto *mp, const Onnx__NodeProto *np, int index) {
  Graph *g = im->g;
  const char *type = np->op_type ? np->op_type : "";
  const char *domain = np->domain ? np->domain : "";
  int op = op_lookup(type);
  Node tmp = {.index = index, .name = np->name ? np->name : "", .optype = type};
  /* Logic-gate network ops exist only in bibc's domain; ONNX and QONNX ops
   * never in it. */
  int lgn = op >= 0 && op_is_lgn((OpKind)op);
  int known = op >= 0 && !op_is_internal((OpKind)op) &&
              (lgn ? strcmp(domain, LGN_DOMAIN) == 0
                   : is_default_domain(domain) || (is_qonnx_domain(domain) && op_is_qonnx((OpKind)op)));
  if (!known)
    error_at(g->file, &tmp, "unsupported operator %s%s%s; run 'bibc --list-ops' for the "
             "supported ones", domain, domain[0] ? "." : "", type);
  int opset = domain_opset(mp, domain);
  Node *n = node_new(g, (OpKind)op, (int)np->n_input, (int)np->n_output);
  n->index = index;
  n->name = arena_strdup(g->arena, tmp.name);
  n->opset = opset;
  for (size_t k = 0; k < np->n_input; k++) {
    const char *in = np->input[k];
    if (!in[0])
      continue;
    Value *v = *slot(im, in);
    if (!v)
      error_at(g->file, n, "input '%s' is not produced by any earlier node, initializer or "
               "graph input (is the graph topologically sorted?)", in);
    n->in[k] = v;
  }
  n->nattrs = (int)np->n_attribute;
  n->attrs = arena_alloc(g->arena, sizeof *n->attrs * (np->n_attribute + 1));
  for (size_t i = 0; i < np->n_attribute; i++)
    copy_attr(im, n, &n->attrs[i], np->attribute[i]);
  for (size_t k = 0; k < np->n_output; k++) {
    if (!np->output[k][0])
      continue;
    Value *v = define(im, np->output[k], n);
    v->producer = n;
    n->out[k] = v;
  }
  if (n->op == OP_CONSTANT)
    constant_node_value(g, n);
}

static void import_input(Importer *im, const Onnx__ValueInfoProto *vi) {
  Graph *g = im->g;
  const char *name = vi->name ? vi->name : "";
  const Onnx__TypeProto *tp = vi->type;
  if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
    error_at(g->file, NULL, "graph input '%s' is not a tensor (sequences, maps and optionals "
             "are not supported)", name);
  const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
  int dt = tt->has_elem_type ? tt->elem_type : 0;
  if (!dtype_is_valid(dt))
    error_at(g->file, NULL, "graph input '%s' has element type %s, which bibc does not support "
             "(convert the model to float32)", name, onnx_dtype_name(dt));
  if (!tt->shape)
    error_at(g->file, NULL, "graph input '%s' has no shape; bibc needs static shapes "
             "(set them on export)", name);
  if (tt->shape->n_dim > IR_MAXRANK)
    error_at(g->file, NULL, "graph input '%s' has rank %zu; at most %d is supported", name,
             tt->shape->n_dim, IR_MAXRANK);
  Value *v = define(im, name, NULL);
  v->dt = (DType)dt;
  v->rank = (int)tt->shape->n_dim;
  for (int d = 0; d < v->rank; d++) {
    const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
    int sym = dim->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    int64_t x = sym ? -1 : dim->dim_value;
    if (d == 0 && v->rank >= 2 && (sym || x < 0 || x > MAX_BATCH)) {
      if (sym)
        note(g->file, "input '%s': symbolic batch dimension '%s' taken as 1", name,
             dim->dim_param ? dim->dim_param : "?");
      else
        note(g->file, "input '%s': batch dimension %lld taken as 1", name, (long long)x);
      x = 1;
    }
    if (sym)
      error_at(g->file, NULL, "graph input '%s' has symbolic size '%s' on axis %d; bibc needs "
               "static shapes (set them on export)", name,
               dim->dim_param && dim->dim_param[0] ? dim->dim_param : "?", d);
    if (x < 0)
      error_at(g->file, NULL, "graph input '%s' has negative size %lld on axis %d", name,
               (long long)x, d);
    v->dims[d] = x;
  }
  if (dims_numel_checked(v->dims, v->rank) < 0)
    error_at(g->file, NULL, "graph input '%s' of shape %s is too large", name,
             shape_str(g->arena, v));
  v->shape_known = 1;
  v->input_index = g->ninputs;
  g->inputs[g->ninputs++] = v;
}

void const_binding_add(Arena *a, ConstBinding *binds, int *n, int max, const char *arg) {
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg || !eq[1])
    error_at(NULL, NULL, "--const needs NAME=FILE, got '%s'", arg);
  if (*n == max)
    error_at(NULL, NULL, "too many --const bindings");
  binds[*n].name = arena_printf(a, "%.*s", (int)(eq - arg), arg);
  binds[(*n)++].file = eq + 1;
}

/* A --const tensor must have the declared element type and shape (a
 * symbolic declared size matches anything). */
static void check_binding(Graph *g, const Onnx__ValueInfoProto *vi, const Value *c, const char *file) {
  const Onnx__TypeProto *tp = vi->type;
  if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
    return;
  const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
  if (tt->has_elem_type && tt->elem_type != (int)c->dt)
    error_at(file, NULL, "--const %s: the tensor has element type %s, the model declares %s",
             vi->name, dtype_name(c->dt), onnx_dtype_name(tt->elem_type));
  if (!tt->shape)
    return;
  int ok = (int)tt->shape->n_dim == c->rank;
  for (int d = 0; ok && d < c->rank; d++) {
    const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
    if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
        dim->dim_value != c->dims[d])
      ok = 0;
  }
  if (!ok) {
    char decl[32 * IR_MAXRANK + 4];
    int k = 0;
    decl[k++] = '[';
    for (size_t d = 0; d < tt->shape->n_dim && k < (int)sizeof decl - 24; d++) {
      const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
      if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
        k += snprintf(decl + k, sizeof decl - (size_t)k, "%s%lld", d ? "," : "", (long long)dim->dim_value);
      else
        k += snprintf(decl + k, sizeof decl - (size_t)k, "%s?", d ? "," : "");
    }
    snprintf(decl + k, sizeof decl - (size_t)k, "]");
    error_at(file, NULL, "--const %s: the tensor has shape %s, the model declares %s", vi->name,
             shape_str(g->arena, c), decl);
  }
}

/* What the model declares of graph output vi (infer_shapes checks it). */
static void declared_type(Graph *g, const Onnx__ValueInfoProto *vi, OutputDecl *d) {
  const Onnx__TypeProto *tp = vi->type;
  const char *name = vi->name ? vi->name : "";
  d->rank = -1;
  if (!tp)
    return;
  if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
    error_at(g->file, NULL, "graph output '%s' is declared as something other than a tensor "
             "(sequences, maps and optionals are not supported)", name);
  const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
  int dt = tt->has_elem_type ? tt->elem_type : 0;
  if (dt && !dtype_is_valid(dt))
    error_at(g->file, NULL, "graph output '%s' is declared %s, which bibc does not support", name,
             onnx_dtype_name(dt));
  d->dt = (DType)dt;
  if (!tt->shape)
    return;
  if (tt->shape->n_dim > IR_MAXRANK)
    error_at(g->file, NULL, "graph output '%s' is declared with rank %zu; at most %d is supported",
             name, tt->shape->n_dim, IR_MAXRANK);
  d->rank = (int)tt->shape->n_dim;
  for (int k = 0; k < d->rank; k++) {
    const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[k];
    int64_t x = dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ? dim->dim_value : -1;
    d->dims[k] = k == 0 && (x <= 0 || x > MAX_BATCH) ? -1 : x;  /* as inputs' batch sizes */
  }
}

Graph *onnx_import(const char *path, const ConstBinding *binds, int nbinds) {
  size_t len;
  unsigned char *buf = read_input_file(path, "model", &len);
  if (len == 0) {
    free(buf);
    error_at(path, NULL, "not a valid ONNX model: the file is empty");
  }
  Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, len, buf);
  free(buf);
  if (!mp)
    error_at(path, NULL, "not a valid ONNX model: protobuf parse failed (file truncated or "
             "not an .onnx file)");
  if (!mp->graph) {
    onnx__model_proto__free_unpacked(mp, NULL);
    error_at(path, NULL, "ONNX model has no graph");
  }
  const Onnx__GraphProto *gp = mp->graph;
  Graph *g = graph_new(path);
  Importer im = {.g = g};
  size_t nnames = gp->n_initializer + gp->n_input + gp->n_node * 4 + 16;
  for (size_t i = 0; i < gp->n_node; i++)
    nnames += gp->node[i]->n_output;
  for (im.cap = 64; im.cap < 2 * nnames; im.cap *= 2)
    ;
  im.table = calloc(im.cap, sizeof *im.table);
  if (!im.table)
    die("out of memory");
  g->name = arena_strdup(g->arena, gp->name ? gp->name : "");
  g->opset = 1;
  for (size_t i = 0; i < mp->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *os = mp->opset_import[i];
    int dflt = !os->domain || is_default_domain(os->domain);
    if ((os->has_version || dflt) && (os->version < 1 || os->version > MAX_OPSET))
      error_at(path, NULL, "the model imports opset %lld of domain '%s'; opset versions run from 1 "
               "to %d (re-export the model)", (long long)os->version,
               os->domain && os->domain[0] ? os->domain : "ai.onnx", MAX_OPSET);
    if (!os->domain || !os->domain[0] || strcmp(os->domain, "ai.onnx") == 0)
      g->opset = (int)os->version;
  }
  if (mp->n_opset_import == 0)
    g->opset = 1;

  /* Initializers first: graph inputs that repeat them are constants. */
  for (size_t i = 0; i < gp->n_initializer; i++) {
    const Onnx__TensorProto *tp = gp->initializer[i];
    const char *name = tp->name ? tp->name : "";
    Value *c = tensor_from_proto(g->arena, tp, path, arena_printf(g->arena, "initializer '%s'", name));
    Value *v = define(&im, name, NULL);
    v->dt = c->dt;
    v->rank = c->rank;
    memcpy(v->dims, c->dims, sizeof v->dims);
    v->data = c->data;
    v->shape_known = 1;
  }
  g->inputs = arena_alloc(g->arena, sizeof *g->inputs * (gp->n_input + 1));
  for (size_t i = 0; i < gp->n_input; i++) {
    const char *name = gp->input[i]->name ? gp->input[i]->name : "";
    if (*slot(&im, name))
      continue;
    int bound = -1;
    for (int b = 0; b < nbinds; b++)
      if (strcmp(binds[b].name, name) == 0)
        bound = b;
    if (bound >= 0) {
      Value *c = tensor_read(g->arena, binds[bound].file);
      check_binding(g, gp->input[i], c, binds[bound].file);
      Value *v = define(&im, name, NULL);
      v->dt = c->dt;
      v->rank = c->rank;
      memcpy(v->dims, c->dims, sizeof v->dims);
      v->data = c->data;
      v->shape_known = 1;
      continue;
    }
    import_input(&im, gp->input[i]);
  }
  for (int b = 0; b < nbinds; b++) {
    Value *v = *slot(&im, binds[b].name);
    if (!v || v->input_index >= 0 || !v->data)
      error_at(path, NULL, "--const %s: the model has no graph input of that name", binds[b].name);
  }
  for (size_t i = 0; i < gp->n_node; i++)
    import_node(&im, mp, gp->node[i], (int)i);
  g->outputs = arena_alloc(g->arena, sizeof *g->outputs * (gp->n_output + 1));
  g->decl = arena_alloc(g->arena, sizeof *g->decl * (gp->n_output + 1));
  for (size_t i = 0; i < gp->n_output; i++) {
    const char *name = gp->output[i]->name ? gp->output[i]->name : "";
    declared_type(g, gp->output[i], &g->decl[g->noutputs]);
    Value *v = *slot(&im, name);
    if (!v)
      error_at(path, NULL, "graph output '%s' is not produced by any node", name);
    if (v->output_index >= 0)
      error_at(path, NULL, "graph output '%s' is listed twice", name);
    v->output_index = g->noutputs;
    g->outputs[g->noutputs++] = v;
  }
  if (g->noutputs == 0)
    error_at(path, NULL, "ONNX model has no graph outputs");
  free(im.table);
  onnx__model_proto__free_unpacked(mp, NULL);
  graph_count_uses(g);
  return g;
}
