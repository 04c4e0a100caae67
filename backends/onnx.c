/*
 * onnx.c - the ONNX writer: a graph as bibc read it (or after --dump-after's pass), from
 * an ONNX file or a model-language file, written as a standard ONNX model
 * (QONNX operators in the domain qonnx.custom_op.general, logic-gate network
 * operators in bibc.lgn, each with its opset_import) that onnx_import
 * reads back to the same graph: the same values with the same names, types
 * and data, the same nodes with their names and attributes, in order.
 * Constants are initializers (in the order of their value ids), graph
 * inputs and outputs keep their order (IR version 3, for opsets up to 8,
 * lists the initializers as inputs too), outputs keep the type the model
 * declared (a .bib file declares none: main.c infers them first, as the
 * Backend row's output_types asks).  After --dump-after's pass: the
 * constants still read, and a value whose name an earlier one has is
 * NAME#ID (backend_unique_names).
 * The model is built with protobuf-c structures that point into the
 * graph (weights are not copied), sized, and packed once.
 */
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "onnx.pb-c.h"

#define QONNX_DOMAIN "qonnx.custom_op.general"

typedef struct Writer {
  Graph *g;
  Arena *a;
  const char **names;        /* by value id: a unique name after passes (or NULL) */
} Writer;

static char *vname(const Writer *w, const Value *v) {
  return (char *)(w->names && w->names[v->id] ? w->names[v->id] : v->name);
}

#define NEW(w, T, n) ((T *)arena_alloc((w)->a, sizeof(T) * (size_t)((n) + 1)))

/* The IR version ONNX gave its release of that opset (onnx.helper's
 * VERSION_TABLE), so that tools which check one against the other agree. */
static int64_t ir_version_for(int opset) {
  return opset <= 8 ? 3 : opset == 9 ? 4 : opset == 10 ? 5 : opset == 11 ? 6 : opset <= 14 ? 7
         : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

static Onnx__TensorProto *tensor(Writer *w, const Value *v, const char *name) {
  Onnx__TensorProto *t = NEW(w, Onnx__TensorProto, 1);
  onnx__tensor_proto__init(t);
  t->n_dims = (size_t)v->rank;
  t->dims = NEW(w, int64_t, v->rank);
  for (int d = 0; d < v->rank; d++)
    t->dims[d] = v->dims[d];
  t->has_data_type = 1;
  t->data_type = (int32_t)v->dt;
  t->name = (char *)name;
  t->has_raw_data = 1;
  t->raw_data.len = (size_t)value_numel(v) * dtype_size(v->dt);
  t->raw_data.data = t->raw_data.len ? v->data : NULL;
  return t;
}

/* at as op's attribute: in the kind the operator table gives it (a .bib
 * file may write a float attribute as an integer, alpha=1, which bibc keeps
 * exact as an INT; ONNX checkers and runtimes want the FLOAT). */
static Onnx__AttributeProto *attribute(Writer *w, OpKind op, const Attr *at) {
  Onnx__AttributeProto *p = NEW(w, Onnx__AttributeProto, 1);
  onnx__attribute_proto__init(p);
  p->name = (char *)at->name;
  p->has_type = 1;
  p->type = (Onnx__AttributeProto__AttributeType)at->kind;
  const OpAttrSpec *spec = op_attr_spec(op, at->name);
  if (spec && spec->kind == ATTR_FLOAT && at->kind == ATTR_INT) {
    p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
    p->has_f = 1, p->f = (float)at->i;
    return p;
  }
  if (spec && spec->kind == ATTR_FLOATS && at->kind == ATTR_INTS) {
    p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
    p->n_floats = (size_t)at->n;
    p->floats = NEW(w, float, at->n);
    for (int k = 0; k < at->n; k++)
      p->floats[k] = (float)at->ints[k];
    return p;
  }
  switch (at->kind) {
  case ATTR_FLOAT: p->has_f = 1, p->f = (float)at->f; break;
  case ATTR_INT: p->has_i = 1, p->i = at->i; break;
  case ATTR_STRING:
    p->has_s = 1;
    p->s.len = strlen(at->s);
    p->s.data = (uint8_t *)at->s;
    break;
  case ATTR_TENSOR: p->t = tensor(w, at->t, (char *)(at->t->name ? at->t->name : "")); break;
  case ATTR_FLOATS:
    p->n_floats = (size_t)at->n;
    p->floats = NEW(w, float, at->n);
    for (int k = 0; k < at->n; k++)
      p->floats[k] = (float)at->floats[k];
    break;
  case ATTR_INTS:
    p->n_ints = (size_t)at->n;
    p->ints = at->ints;
    break;
  case ATTR_STRINGS:
    p->n_strings = (size_t)at->n;
    p->strings = NEW(w, ProtobufCBinaryData, at->n);
    for (int k = 0; k < at->n; k++) {
      p->strings[k].len = strlen(at->strings[k]);
      p->strings[k].data = (uint8_t *)at->strings[k];
    }
    break;
  default:
    return NULL;  /* a graph or another kind bibc did not read: not kept */
  }
  return p;
}

static Onnx__NodeProto *node(Writer *w, const Node *n) {
  Onnx__NodeProto *p = NEW(w, Onnx__NodeProto, 1);
  onnx__node_proto__init(p);
  p->name = (char *)n->name;
  p->op_type = (char *)op_name(n->op);
  p->domain = op_is_qonnx(n->op) ? QONNX_DOMAIN : op_is_lgn(n->op) ? LGN_DOMAIN : "";
  /* absent inputs and outputs are "", trailing ones too: the node keeps
   * the arity it was read with (Clip(x, "", "") reads back as itself) */
  int nin = n->nin, nout = n->nout;
  p->n_input = (size_t)nin;
  p->input = NEW(w, char *, nin);
  for (int k = 0; k < nin; k++)
    p->input[k] = n->in[k] ? vname(w, n->in[k]) : "";
  p->n_output = (size_t)nout;
  p->output = NEW(w, char *, nout);
  for (int k = 0; k < nout; k++)
    p->output[k] = n->out[k] ? vname(w, n->out[k]) : "";
  p->attribute = NEW(w, Onnx__AttributeProto *, n->nattrs);
  for (int k = 0; k < n->nattrs; k++)
    if ((p->attribute[p->n_attribute] = attribute(w, n->op, &n->attrs[k])))
      p->n_attribute++;
  return p;
}

/* A tensor type: element type dt (0: none) and dims (rank -1: no shape; a
 * dimension -1: symbolic). */
static Onnx__ValueInfoProto *value_info(Writer *w, const char *name, DType dt, int rank,
                                        const int64_t *dims) {
  Onnx__ValueInfoProto *vi = NEW(w, Onnx__ValueInfoProto, 1);
  onnx__value_info_proto__init(vi);
  vi->name = (char *)name;
  if (!dt && rank < 0)
    return vi;
  Onnx__TypeProto *tp = NEW(w, Onnx__TypeProto, 1);
  onnx__type_proto__init(tp);
  Onnx__TypeProto__Tensor *tt = NEW(w, Onnx__TypeProto__Tensor, 1);
  onnx__type_proto__tensor__init(tt);
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  tt->has_elem_type = dt != 0;
  tt->elem_type = (int32_t)dt;
  if (rank >= 0) {
    Onnx__TensorShapeProto *sp = NEW(w, Onnx__TensorShapeProto, 1);
    onnx__tensor_shape_proto__init(sp);
    sp->n_dim = (size_t)rank;
    sp->dim = NEW(w, Onnx__TensorShapeProto__Dimension *, rank);
    for (int d = 0; d < rank; d++) {
      Onnx__TensorShapeProto__Dimension *dim = NEW(w, Onnx__TensorShapeProto__Dimension, 1);
      onnx__tensor_shape_proto__dimension__init(dim);
      if (dims[d] >= 0) {
        dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        dim->dim_value = dims[d];
      } else {
        dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
        dim->dim_param = d == 0 ? "batch" : arena_printf(w->a, "d%d", d);
      }
      sp->dim[d] = dim;
    }
    tt->shape = sp;
  }
  vi->type = tp;
  return vi;
}

/* The graph's name, or else the output file's base name. */
static char *graph_name(Writer *w, const char *path) {
  if (w->g->name && w->g->name[0])
    return (char *)w->g->name;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  return arena_printf(w->a, "%.*s", (int)(n > 5 ? n - 5 : n), base);  /* without .onnx */
}

const char *emit_onnx(Graph *g, const Net *net, const char *path, const char *hpath,
                      const char *cmdline) {
  (void)net, (void)hpath;
  Writer w = {.g = g, .a = g->arena};
  if (g->passes) {  /* after passes (--dump-after): unique names, constants in use */
    w.names = backend_unique_names(g);
    graph_count_uses(g);
  }
  Onnx__GraphProto *gp = NEW(&w, Onnx__GraphProto, 1);
  onnx__graph_proto__init(gp);
  gp->name = graph_name(&w, path);
  gp->doc_string = arena_printf(w.a, "Written by bibc from %s: %s", g->file, cmdline);
  gp->node = NEW(&w, Onnx__NodeProto *, g->nnodes);
  int qonnx_opset = 0, lgn_opset = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    gp->node[gp->n_node++] = node(&w, n);
    if (op_is_qonnx(n->op) && n->opset > qonnx_opset)
      qonnx_opset = n->opset;
    if (op_is_lgn(n->op) && n->opset > lgn_opset)
      lgn_opset = n->opset;
  }
  gp->initializer = NEW(&w, Onnx__TensorProto *, g->nvalues);
  for (int i = 0; i < g->nvalues; i++) {
    const Value *v = g->values[i];
    if (v && v->data && !v->producer && v->input_index < 0 &&
        (!g->passes || v->nuses || v->output_index >= 0))
      gp->initializer[gp->n_initializer++] = tensor(&w, v, vname(&w, v));
  }
  /* IR version 3 (opsets up to 8) wants each initializer a graph input
   * too: after the inputs, where the reader takes them for constants */
  int64_t irv = ir_version_for(g->opset);
  gp->input = NEW(&w, Onnx__ValueInfoProto *, g->ninputs + (irv < 4 ? gp->n_initializer : 0));
  for (int i = 0; i < g->ninputs; i++) {
    const Value *v = g->inputs[i];
    gp->input[gp->n_input++] = value_info(&w, vname(&w, v), v->dt, v->rank, v->dims);
  }
  for (size_t i = 0; irv < 4 && i < gp->n_initializer; i++) {
    const Onnx__TensorProto *t = gp->initializer[i];
    gp->input[gp->n_input++] = value_info(&w, t->name, (DType)t->data_type, (int)t->n_dims,
                                          t->dims);
  }
  gp->output = NEW(&w, Onnx__ValueInfoProto *, g->noutputs);
  for (int i = 0; i < g->noutputs; i++) {
    const OutputDecl *d = g->decl ? &g->decl[i] : NULL;
    gp->output[gp->n_output++] = value_info(&w, vname(&w, g->outputs[i]), d ? d->dt : DT_UNDEF,
                                            d ? d->rank : -1, d ? d->dims : NULL);
  }

  Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
  mp.has_ir_version = 1;
  mp.ir_version = irv;
  mp.producer_name = "bibc";
  mp.graph = gp;
  Onnx__OperatorSetIdProto def = ONNX__OPERATOR_SET_ID_PROTO__INIT, q = def, l = def;
  Onnx__OperatorSetIdProto *sets[3] = {&def};
  def.domain = "";
  def.has_version = 1;
  def.version = g->opset;
  q.domain = QONNX_DOMAIN;
  q.has_version = 1;
  q.version = qonnx_opset;
  l.domain = LGN_DOMAIN;
  l.has_version = 1;
  l.version = lgn_opset;
  mp.n_opset_import = 1;
  if (qonnx_opset)
    sets[mp.n_opset_import++] = &q;
  if (lgn_opset)
    sets[mp.n_opset_import++] = &l;
  mp.opset_import = sets;

  size_t len = onnx__model_proto__get_packed_size(&mp);
  if (len > (size_t)IR_MAX_FILE_MB << 20)  /* before allocating the buffer */
    error_at(path, NULL, "the ONNX model would take %zu MB, more than bibc writes (%d MB)",
             len >> 20, IR_MAX_FILE_MB);
  uint8_t *buf = malloc(len ? len : 1);
  if (!buf)
    die("out of memory");
  onnx__model_proto__pack(&mp, buf);
  OutFile o;
  if (graph_annotated(g, 0) || graph_annotated(g, 1))
    note(path, "the model's @precision and @prune annotations have no ONNX form and are left "
         "out; give them with --config and --prune when compiling the ONNX file");
  out_open(&o, path);
  int bad = fwrite(buf, 1, len, o.f) != len;
  free(buf);
  if (bad)
    error_at(path, NULL, "cannot write output file (disk full?)");
  out_close(&o);
  return NULL;
}
