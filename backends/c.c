/*
 * c.c - the portable C backend.
 *
 * Output: NAME.h declares  void NAME_run(const T *in0, ..., T *out0, ...)
 * and documents each argument's element type and shape (row-major, C
 * order); NAME.c holds the runtime kernels the graph needs (copied from
 * runtime/, so the arithmetic is the interpreter's), the constants as static
 * const arrays, one static buffer per intermediate value, and NAME_run, a
 * straight sequence of kernel calls.  No malloc, no I/O, only <stdint.h> and
 * <math.h>.  Not reentrant (static buffers).  Deterministic: values are
 * named by id, floats printed exactly (%.9g / %.17g round-trip).
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "backends.h"
#include "../compiler/compiler.h"

typedef struct Emitter {
  Graph *g;
  FILE *f;
  const char *prefix;        /* identifier prefix from the file name */
  char **vname;              /* C expression for each value's storage */
} Emitter;

char *c_ident_from_path(Arena *a, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strcspn(base, ".");
  char *s = arena_alloc(a, n + 2);
  size_t k = 0;
  if (n == 0 || isdigit((unsigned char)base[0]))
    s[k++] = 'm';
  for (size_t i = 0; i < n; i++)
    s[k++] = isalnum((unsigned char)base[i]) ? base[i] : '_';
  return s;
}

/* Model-supplied names go into comments only, with comment terminators and
 * control characters removed. */
static void comment_text(FILE *f, const char *s) {
  for (; *s; s++) {
    if (s[0] == '*' && s[1] == '/')
      fputs("* /", f), s++;
    else
      fputc(isprint((unsigned char)*s) ? *s : '?', f);
  }
}

static void shape_comment(FILE *f, const Value *v) {
  fprintf(f, "%s[", dtype_name(v->dt));
  for (int d = 0; d < v->rank; d++)
    fprintf(f, "%s%lld", d ? "," : "", (long long)v->dims[d]);
  fputc(']', f);
}

static void print_float(FILE *f, double x, int is_f32) {
  if (isnan(x)) {
    fputs("NAN", f);
    return;
  }
  if (isinf(x)) {
    fputs(x < 0 ? (is_f32 ? "-HUGE_VALF" : "-HUGE_VAL") : (is_f32 ? "HUGE_VALF" : "HUGE_VAL"), f);
    return;
  }
  char buf[40];
  snprintf(buf, sizeof buf, is_f32 ? "%.9g" : "%.17g", x);
  fputs(buf, f);
  if (!strpbrk(buf, ".e"))
    fputs(".0", f);
  if (is_f32)
    fputc('f', f);
}

static void print_int(FILE *f, int64_t x) {
  if (x == INT64_MIN)
    fputs("(-9223372036854775807LL - 1)", f);
  else
    fprintf(f, "%lldLL", (long long)x);
}

static void print_elem(FILE *f, const Value *v, int64_t i) {
  switch (v->dt) {
  case DT_F32: print_float(f, ((const float *)v->data)[i], 1); break;
  case DT_F64: print_float(f, ((const double *)v->data)[i], 0); break;
  case DT_U64: fprintf(f, "%lluULL", (unsigned long long)((const uint64_t *)v->data)[i]); break;
  case DT_U32: fprintf(f, "%luUL", (unsigned long)((const uint32_t *)v->data)[i]); break;
  case DT_I64: print_int(f, ((const int64_t *)v->data)[i]); break;
  default: fprintf(f, "%lld", (long long)value_get_i64(v, i)); break;
  }
}

static void emit_runtime(Emitter *e) {
  char used[64] = {0};
  for (int i = 0; i < e->g->nnodes; i++) {
    const Node *n = e->g->nodes[i];
    if (!n->kernel)
      continue;
    const KernelInfo *k = kernel_find(n->kernel);
    if (!k)
      die("no runtime kernel named %s", n->kernel);
    used[k->family] = 1;
  }
  /* Runtime text minus its #include "..." lines (everything is inlined). */
  const char *texts[65];
  int nt = 0;
  texts[nt++] = rt_common_text;
  for (int fam = 0; fam < rt_nfamilies; fam++)
    if (used[fam])
      texts[nt++] = rt_families[fam].text;
  for (int i = 0; i < nt; i++) {
    for (const char *s = texts[i]; *s;) {
      const char *eol = strchr(s, '\n');
      size_t len = eol ? (size_t)(eol - s + 1) : strlen(s);
      if (strncmp(s, "#include \"", 10) != 0)
        fwrite(s, 1, len, e->f);
      s += len;
    }
    fputc('\n', e->f);
  }
}

static void emit_constant(Emitter *e, const Value *v) {
  int64_t n = value_numel(v);
  fputs("/* %", e->f);
  comment_text(e->f, v->name);
  fputs(" : ", e->f);
  shape_comment(e->f, v);
  fprintf(e->f, " */\nstatic const %s c%d[%lld] = {", dtype_ctype(v->dt), v->id,
          (long long)(n ? n : 1));
  for (int64_t i = 0; i < n; i++) {
    fputs(i % 8 ? ", " : (i ? ",\n  " : "\n  "), e->f);
    print_elem(e->f, v, i);
  }
  fputs(n ? "\n};\n" : "0};\n", e->f);
  e->vname[v->id] = arena_printf(e->g->arena, "(void *)c%d", v->id);
}

static void emit_params(Emitter *e, const Node *n, int idx) {
  fprintf(e->f, "static const int64_t ip%d[%d] = {", idx, n->nip ? n->nip : 1);
  for (int k = 0; k < n->nip; k++) {
    fputs(k ? ", " : "", e->f);
    print_int(e->f, n->ip[k]);
  }
  fprintf(e->f, "%s};\n", n->nip ? "" : "0");
  fprintf(e->f, "static const double fp%d[%d] = {", idx, n->nfp ? n->nfp : 1);
  for (int k = 0; k < n->nfp; k++) {
    fputs(k ? ", " : "", e->f);
    print_float(e->f, n->fp[k], 0);
  }
  fprintf(e->f, "%s};\n", n->nfp ? "" : "0");
}

static void emit_header(Graph *g, const char *hpath, const char *prefix, const char *cmdline) {
  OutFile o;
  out_open(&o, hpath);
  FILE *f = o.f;
  fprintf(f, "/* Generated by bibc %s: ", BIBC_VERSION);
  comment_text(f, cmdline);
  fputs(" */\n", f);
  fprintf(f, "#ifndef %s_H\n#define %s_H\n#include <stdint.h>\n\n", prefix, prefix);
  fputs("/*\n * Arrays are row-major (C order), with the element types and shapes below.\n", f);
  for (int i = 0; i < g->ninputs; i++) {
    fprintf(f, " * input  %d (in%d): ", i, i);
    comment_text(f, g->inputs[i]->name);
    fputs(" ", f);
    shape_comment(f, g->inputs[i]);
    fputc('\n', f);
  }
  for (int i = 0; i < g->noutputs; i++) {
    fprintf(f, " * output %d (out%d): ", i, i);
    comment_text(f, g->outputs[i]->name);
    fputs(" ", f);
    shape_comment(f, g->outputs[i]);
    fputc('\n', f);
  }
  fputs(" * Not reentrant: intermediate results live in static buffers.\n */\n", f);
  for (int i = 0; i < g->ninputs; i++)
    fprintf(f, "#define %s_IN%d_SIZE %lld\n", prefix, i, (long long)value_numel(g->inputs[i]));
  for (int i = 0; i < g->noutputs; i++)
    fprintf(f, "#define %s_OUT%d_SIZE %lld\n", prefix, i, (long long)value_numel(g->outputs[i]));
  fprintf(f, "\nvoid %s_run(", prefix);
  for (int i = 0; i < g->ninputs; i++)
    fprintf(f, "%sconst %s *in%d", i ? ", " : "", dtype_ctype(g->inputs[i]->dt), i);
  for (int i = 0; i < g->noutputs; i++)
    fprintf(f, "%s%s *out%d", i || g->ninputs ? ", " : "", dtype_ctype(g->outputs[i]->dt), i);
  fputs(");\n\n#endif\n", f);
  out_close(&o);
}

void emit_c(Graph *g, const char *cpath, const char *hpath, const char *cmdline) {
  const char *prefix = c_ident_from_path(g->arena, cpath);
  emit_header(g, hpath, prefix, cmdline);
  OutFile o;
  out_open(&o, cpath);
  Emitter e = {.g = g, .f = o.f, .prefix = prefix};
  e.vname = arena_alloc(g->arena, sizeof *e.vname * (size_t)(g->nvalues + 1));
  FILE *f = o.f;
  const char *hbase = strrchr(hpath, '/');
  fprintf(f, "/* Generated by bibc %s: ", BIBC_VERSION);
  comment_text(f, cmdline);
  fprintf(f, " */\n#include \"%s\"\n\n", hbase ? hbase + 1 : hpath);
  emit_runtime(&e);

  for (int i = 0; i < g->ninputs; i++)
    e.vname[g->inputs[i]->id] = arena_printf(g->arena, "(void *)in%d", i);
  for (int i = 0; i < g->noutputs; i++) {
    Value *v = g->outputs[i];
    if (v->producer)
      e.vname[v->id] = arena_printf(g->arena, "out%d", i);
  }
  /* Only constants a kernel reads (a Reshape's shape, say, is consumed at
   * compile time) or that are graph outputs. */
  char *needed = arena_alloc(g->arena, (size_t)g->nvalues + 1);
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; k < g->nodes[i]->ntargs; k++)
      if (g->nodes[i]->targs[k])
        needed[g->nodes[i]->targs[k]->id] = 1;
  fputs("/* ---- constants ---- */\n", f);
  for (int i = 0; i < g->nvalues; i++) {
    Value *v = g->values[i];
    if (v->data && (needed[i] || v->output_index >= 0))
      emit_constant(&e, v);
  }
  fputs("\n/* ---- intermediate buffers ---- */\n", f);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    for (int k = 0; k < n->nout; k++) {
      const Value *v = n->out[k];
      if (!v || e.vname[v->id])
        continue;
      int64_t cnt = value_numel(v);
      fprintf(f, "static %s b%d[%lld]; /* %%", dtype_ctype(v->dt), v->id, (long long)(cnt ? cnt : 1));
      comment_text(f, v->name);
      fputs(" : ", f);
      shape_comment(f, v);
      fputs(" */\n", f);
      e.vname[v->id] = arena_printf(g->arena, "b%d", v->id);
    }
  }
  fputs("\n/* ---- kernel parameters ---- */\n", f);
  for (int i = 0; i < g->nnodes; i++)
    emit_params(&e, g->nodes[i], i);

  fprintf(f, "\nvoid %s_run(", prefix);
  for (int i = 0; i < g->ninputs; i++)
    fprintf(f, "%sconst %s *in%d", i ? ", " : "", dtype_ctype(g->inputs[i]->dt), i);
  for (int i = 0; i < g->noutputs; i++)
    fprintf(f, "%s%s *out%d", i || g->ninputs ? ", " : "", dtype_ctype(g->outputs[i]->dt), i);
  fputs(") {\n", f);
  for (int i = 0; i < g->ninputs; i++)  /* inputs the outputs do not depend on */
    if (!needed[g->inputs[i]->id] && g->inputs[i]->output_index < 0)
      fprintf(f, "  (void)in%d;\n", i);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    fprintf(f, "  { /* node %d: %s \"", n->index, op_name(n->op));
    comment_text(f, n->name);
    fputs("\" */\n    void *const t[] = {", f);
    for (int k = 0; k < n->ntargs; k++) {
      const Value *v = n->targs[k];
      fprintf(f, "%s%s", k ? ", " : "", v ? e.vname[v->id] : "0");
      if (v && !e.vname[v->id])
        die("value %s has no storage", v->name);
    }
    fprintf(f, "};\n    %s(ip%d, fp%d, t);\n  }\n", n->kernel, i, i);
  }
  /* Outputs that no node computes here (constants, or graph inputs). */
  for (int i = 0; i < g->noutputs; i++) {
    Value *v = g->outputs[i];
    if (v->producer)
      continue;
    fprintf(f, "  { /* output %d is %s */\n    int64_t i;\n    for (i = 0; i < %lldLL; i++)\n"
            "      out%d[i] = ((const %s *)%s)[i];\n  }\n", i, v->data ? "a constant" : "an input",
            (long long)value_numel(v), i, dtype_ctype(v->dt), e.vname[v->id]);
  }
  fprintf(f, "  (void)0;\n}\n");
  out_close(&o);
}
