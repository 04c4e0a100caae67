/*
 * dsl.c - the model-language printer (doc/dsl.md): a graph as bibc read it
 * (before any pass) written as a .bib file that reads back to the same IR.
 * Statements follow the values' ids, so the re-read graph numbers its
 * values, and the C printed from it its buffers, as the original: a
 * constant (an ONNX initializer) is a const statement where it was
 * defined, a graph input an input statement, a node's outputs one node
 * statement, with its node name as a label and its attributes in order.
 * Constants of more than DSL_INLINE_MAX elements go to NAME.VALUE.npy files
 * beside the output (written atomically with it), or inline when the
 * output is not a regular file (-o /dev/stdout: nothing to put them
 * beside).  Numbers print in the
 * shortest form that reads back to the same float32 or float64 bits.
 * Names that are not plain identifiers are backquoted.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "../frontend/frontend.h"

#define DSL_INLINE_MAX 256

typedef struct Printer {
  Graph *g;
  FILE *f;
  const char *base;          /* the output path without .bib: .npy files are BASE.NAME.npy */
  const char **npys;         /* .npy names written so far (they must differ) */
  int nnpys;
  const char **names;        /* by value id: the name printed (passes may reuse one), or NULL */
  int stream;                /* the output is a device or a pipe: every constant inline */
} Printer;

static const char *vname(const Printer *p, const Value *v) {
  return p->names && p->names[v->id] ? p->names[v->id] : v->name;
}

static const char *const keywords[] = {"model", "opset", "input", "output", "const", "include",
                                       "file", "inf", "nan", "_"};

static void put_name(Printer *p, const char *s) {
  int plain = (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_';
  for (const char *c = s; *c && plain; c++)
    plain = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            *c == '_' || *c == '.';
  for (size_t k = 0; plain && k < sizeof keywords / sizeof keywords[0]; k++)
    plain = strcmp(s, keywords[k]) != 0;
  if (plain) {
    fputs(s, p->f);
    return;
  }
  if (!s[0] || strpbrk(s, "`\n\r"))
    error_at(p->g->file, NULL, "the name '%s' cannot be written in the model language (empty, or "
             "with a backquote or a line break)", s);
  fprintf(p->f, "`%s`", s);
}

/* s in a comment: a line break or other control character as '?'. */
static void put_comment(FILE *f, const char *s) {
  for (; *s; s++)
    fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void put_string(Printer *p, const char *s) {
  fputc('"', p->f);
  for (const char *c = s; *c; c++) {
    if (*c == '"' || *c == '\\')
      fputc('\\', p->f), fputc(*c, p->f);
    else if (*c == '\n')
      fputs("\\n", p->f);
    else if (*c == '\t')
      fputs("\\t", p->f);
    else
      fputc(*c, p->f);
  }
  fputc('"', p->f);
}

/* The shortest decimal that reads back to x (as float32 if f32), with a
 * decimal point if point is set (so that it reads back as a float, not an
 * integer).  NaN keeps its sign, not its payload. */
static void put_float(FILE *f, double x, int f32, int point) {
  if (isnan(x)) {
    fputs(signbit(x) ? "-nan" : "nan", f);
    return;
  }
  if (isinf(x)) {
    fputs(x < 0 ? "-inf" : "inf", f);
    return;
  }
  char buf[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, x);
    double y = strtod(buf, NULL);
    if (f32 ? (float)y == (float)x : y == x)
      break;
  }
  if (x == 0 && signbit(x))
    snprintf(buf, sizeof buf, "-0.0");  /* "-0" would read as the integer 0 */
  else if (point && !strpbrk(buf, ".e"))
    strcat(buf, ".0");
  fputs(buf, f);
}

static void put_elem(FILE *f, const Value *v, int64_t i) {
  if (dtype_is_float(v->dt))
    put_float(f, value_get_f64(v, i), v->dt == DT_F32, 0);
  else if (v->dt == DT_U64)
    fprintf(f, "%llu", (unsigned long long)((const uint64_t *)v->data)[i]);
  else
    fprintf(f, "%lld", (long long)value_get_i64(v, i));
}

/* The fixed-point type an input is written with (input x: fixed<8,3>[1, 4]):
 * its annotation's result type when that is all it says and reads back as
 * a type (what dsl.l takes for one); else NULL. */
static const char *input_fix(const Value *v) {
  const Annot *a = v->annot;
  if (!a || v->input_index < 0 || v->dt != DT_F32 || !a->key[ANNOT_RESULT])
    return NULL;
  for (int k = 0; k < ANNOT_NKEYS; k++)
    if (k != ANNOT_RESULT && a->key[k])
      return NULL;
  const char *s = a->key[ANNOT_RESULT], *p = strncmp(s, "ap_", 3) == 0 ? s + 3 : s;
  p += *p == 'u';
  p += strncmp(p, "fixed<", 6) == 0 ? 6 : strncmp(p, "int<", 4) == 0 ? 4 : 0;
  if (p[-1] != '<')
    return NULL;
  size_t n = strcspn(p, ">\n");
  return p[n] == '>' && !p[n + 1] ? s : NULL;
}

static void put_type(Printer *p, const Value *v) {
  const char *fix = input_fix(v);
  fprintf(p->f, "%s[", fix ? fix : dtype_name(v->dt));
  for (int d = 0; d < v->rank; d++)
    fprintf(p->f, "%s%lld", d ? ", " : "", (long long)v->dims[d]);
  fputc(']', p->f);
}

/* Elements [at, at + size of axes d..) of v as nested lists in NumPy's
 * layout, the first '[' at column col: one innermost list per line, a list
 * of over 16 numbers 8 to a line. */
static void put_nested(Printer *p, const Value *v, int d, int64_t at, int col) {
  if (d == v->rank) {
    put_elem(p->f, v, at);
    return;
  }
  int64_t stride = 1;
  for (int k = d + 1; k < v->rank; k++)
    stride *= v->dims[k];
  int inner = d + 1 == v->rank, wrap = inner && v->dims[d] > 16;
  fputc('[', p->f);
  for (int64_t i = 0; i < v->dims[d]; i++) {
    if (i && (!inner || (wrap && i % 8 == 0)))
      fprintf(p->f, ",\n%*s", col + 1, "");
    else if (i)
      fputs(", ", p->f);
    put_nested(p, v, d + 1, at + i * stride, col + 1);
  }
  fputc(']', p->f);
}

/* A constant's values after a blank or on lines of their own: inline, or a
 * .npy file beside the output. */
static void put_values(Printer *p, const Value *v, int indent) {
  if (value_numel(v) <= DSL_INLINE_MAX || p->stream) {
    if (v->rank == 0) {
      fputc(' ', p->f);
      put_elem(p->f, v, 0);
    } else if (v->rank == 1 && v->dims[0] <= 16) {
      fputc(' ', p->f);
      put_nested(p, v, 0, 0, indent);
    } else {  /* on lines of their own */
      fprintf(p->f, "\n%*s", indent, "");
      put_nested(p, v, 0, 0, indent);
    }
    return;
  }
  char *name = arena_strdup(p->g->arena, vname(p, v)[0] ? vname(p, v) : "const");
  for (char *c = name; *c; c++)
    if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
          *c == '_' || *c == '-'))
      *c = '_';
  const char *file = arena_printf(p->g->arena, "%s.%s.npy", p->base, name);
  for (int k = 0, again = 1; again; k++) {  /* two names may look alike once cleaned */
    again = 0;
    for (int i = 0; i < p->nnpys && !again; i++)
      again = strcmp(p->npys[i], file) == 0;
    if (again)
      file = arena_printf(p->g->arena, "%s.%s_%d.npy", p->base, name, k + 2);
  }
  const char **npys = arena_alloc(p->g->arena, sizeof *npys * (size_t)(p->nnpys + 1));
  if (p->nnpys)
    memcpy(npys, p->npys, sizeof *npys * (size_t)p->nnpys);
  npys[p->nnpys++] = file;
  p->npys = npys;
  OutFile o;
  out_open(&o, file);
  if (tensor_fwrite_npy(o.f, v) != 0)
    error_at(file, NULL, "cannot write output file (disk full?)");
  out_close(&o);
  const char *slash = strrchr(file, '/');
  fputs(" file ", p->f);
  put_string(p, slash ? slash + 1 : file);
}

static void put_attr(Printer *p, const Attr *a, int first) {
  fprintf(p->f, "%s%s=", first ? "" : ", ", a->name);
  switch (a->kind) {
  case ATTR_INT: fprintf(p->f, "%lld", (long long)a->i); break;
  case ATTR_FLOAT: put_float(p->f, a->f, 1, 1); break;
  case ATTR_STRING: put_string(p, a->s); break;
  case ATTR_INTS: case ATTR_FLOATS:
    fputc('[', p->f);
    for (int k = 0; k < a->n; k++) {
      fputs(k ? ", " : "", p->f);
      if (a->kind == ATTR_INTS)
        fprintf(p->f, "%lld", (long long)a->ints[k]);
      else
        put_float(p->f, a->floats[k], 1, 1);
    }
    fputc(']', p->f);
    break;
  case ATTR_TENSOR:
    put_type(p, a->t);
    put_values(p, a->t, 8);
    break;
  default:
    error_at(p->g->file, NULL, "attribute '%s' is %s, which the model language does not write "
             "yet", a->name, a->kind == ATTR_STRINGS ? "a list of strings" : "a graph or another "
             "kind bibc does not read");
  }
}

/* "a, _, b": the names of v[0..n), '_' for an absent one. */
static void put_names(Printer *p, Value *const *v, int n) {
  for (int k = 0; k < n; k++) {
    fputs(k ? ", " : "", p->f);
    if (v[k])
      put_name(p, vname(p, v[k]));
    else
      fputc('_', p->f);
  }
}

/* @precision(...) and @prune(F), as written, before their statement. */
static void put_annot(Printer *p, const Annot *a) {
  if (!a)
    return;
  int first = 1, same = a->key[ANNOT_WEIGHT] && a->key[ANNOT_BIAS] && a->key[ANNOT_RESULT] &&
                        !strcmp(a->key[ANNOT_WEIGHT], a->key[ANNOT_BIAS]) &&
                        !strcmp(a->key[ANNOT_WEIGHT], a->key[ANNOT_RESULT]);
  if (same) {  /* @precision("T"): weight, bias and result */
    fputs("@precision(", p->f);
    put_string(p, a->key[ANNOT_WEIGHT]);
    first = 0;
  }
  for (int k = same ? ANNOT_ACCUM : 0; k < ANNOT_NKEYS; k++)
    if (a->key[k]) {
      fprintf(p->f, "%s%s=", first ? "@precision(" : ", ", annot_key_names[k]);
      put_string(p, a->key[k]);
      first = 0;
    }
  if (!first)
    fputs(")\n", p->f);
  if (a->zero_fraction >= 0) {
    fputs("@prune(", p->f);
    put_float(p->f, a->zero_fraction, 0, 1);
    fputs(")\n", p->f);
  }
  for (const Annot *e = a->next; e; e = e->next) {  /* the model line's per layer type */
    fputs("@precision(layer=", p->f);
    put_string(p, e->layer);
    for (int k = 0; k < ANNOT_NKEYS; k++)
      if (e->key[k]) {
        fprintf(p->f, ", %s=", annot_key_names[k]);
        put_string(p, e->key[k]);
      }
    fputs(")\n", p->f);
  }
}

static void put_node(Printer *p, const Node *n) {
  for (int k = 0; k < n->nattrs; k++)  /* ones ops.h does not list: bibc reads none of them */
    if (!op_attr_spec(n->op, n->attrs[k].name)) {
      fprintf(p->f, "# node %d: attribute ", n->index);
      put_string(p, n->attrs[k].name);
      fprintf(p->f, " left out: %s has no such attribute and bibc ignores it\n", op_name(n->op));
    }
  put_annot(p, n->annot);
  if (n->name[0]) {
    put_string(p, n->name);
    fputs(": ", p->f);
  }
  put_names(p, n->out, n->nout);
  fprintf(p->f, " = %s(", op_name(n->op));
  put_names(p, n->in, n->nin);
  int first = n->nin == 0;
  for (int k = 0; k < n->nattrs; k++)
    if (op_attr_spec(n->op, n->attrs[k].name)) {
      put_attr(p, &n->attrs[k], first);
      first = 0;
    }
  fputs(")\n", p->f);
}

static int has_outputs(const Node *n) {
  for (int k = 0; k < n->nout; k++)
    if (n->out[k])
      return 1;
  return 0;
}

static void put_input(Printer *p, const Value *v) {
  if (!input_fix(v))
    put_annot(p, v->annot);
  fputs("input ", p->f);
  put_name(p, vname(p, v));
  fputs(": ", p->f);
  put_type(p, v);
  fputc('\n', p->f);
}

static void put_const(Printer *p, const Value *v) {
  fputs("const ", p->f);
  put_name(p, vname(p, v));
  fputs(": ", p->f);
  put_type(p, v);
  fputs(" =", p->f);
  put_values(p, v, 2);
  fputc('\n', p->f);
}

/* The model as read: a node at its first output's id, inputs and
 * constants at theirs (the order the reader gave them). */
static void put_as_read(Printer *p) {
  Graph *g = p->g;
  int next = 0;  /* nodes before this one are printed */
  char *done = arena_alloc(g->arena, (size_t)g->nnodes + 1);
  for (int i = 0; i < g->nvalues; i++) {
    Value *v = g->values[i];
    if (!v)
      continue;
    if (v->producer) {
      const Node *m = v->producer;
      int first = 1;
      for (int k = 0; k < m->nout && m->out[k] != v; k++)
        first &= !m->out[k];
      if (!first)
        continue;
      /* one without outputs goes after the node before it (Node.index:
       * the node's position as read) */
      for (; next < m->index; next++)
        if (!done[next] && !has_outputs(g->nodes[next]))
          put_node(p, g->nodes[next]), done[next] = 1;
      ASSERT(m->index >= 0 && m->index < g->nnodes);
      put_node(p, m);
      done[m->index] = 1;
    } else if (v->input_index >= 0) {
      put_input(p, v);
    } else if (v->data) {
      put_const(p, v);
    }
  }
  for (; next < g->nnodes; next++)
    if (!done[next])
      put_node(p, g->nodes[next]);
}

const char *emit_dsl(Graph *g, const Net *net, const char *path, const char *hpath,
                     const char *cmdline) {
  (void)net, (void)hpath;
  Printer p = {.g = g};
  OutFile o;
  out_open(&o, path);
  size_t n = strlen(o.path);  /* the file written (a symbolic link followed) */
  int bib = n > 4 && strcmp(o.path + n - 4, ".bib") == 0;
  p.base = arena_printf(g->arena, "%.*s", (int)(bib ? n - 4 : n), o.path);
  p.f = o.f;
  p.stream = !o.tmp;
  fputs("# Printed by bibc from ", p.f);
  put_comment(p.f, g->file);
  fputs(": ", p.f);
  put_comment(p.f, cmdline);
  fputc('\n', p.f);
  if (g->name[0]) {
    put_annot(&p, g->annot);  /* (only a model line carries one) */
    fputs("model ", p.f);
    put_name(&p, g->name);
    fputc('\n', p.f);
  }
  fprintf(p.f, "opset %d\n\n", g->opset);
  if (g->passes) {  /* after passes (--dump-after): inputs, constants in use, nodes in order */
    graph_count_uses(g);
    p.names = backend_unique_names(g);
    for (int i = 0; i < g->ninputs; i++)
      put_input(&p, g->inputs[i]);
    for (int i = 0; i < g->nvalues; i++)
      if (g->values[i] && g->values[i]->data && !g->values[i]->producer &&
          g->values[i]->input_index < 0 && (g->values[i]->nuses || g->values[i]->output_index >= 0))
        put_const(&p, g->values[i]);
    for (int i = 0; i < g->nnodes; i++)
      put_node(&p, g->nodes[i]);
  } else {
    put_as_read(&p);
  }
  fputs("output ", p.f);
  put_names(&p, g->outputs, g->noutputs);
  fputc('\n', p.f);
  out_close(&o);
  return NULL;
}
