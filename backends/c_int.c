/*
 * c_int.c - integer-only C for fixed-point graphs (after lower_fixed).
 *
 * The graph is split at its float/fixed boundary.  Every value gets a
 * stage: PRE (graph inputs and float values computed from them), CORE
 * (fixed-point values: bibc.FromFloat outputs and everything computed from
 * them in integers) or POST (bibc.ToFloat outputs and the float tail that
 * reads them, e.g. a Softmax).  Three files come out:
 *
 *   NAME.c        NAME_run_int: the CORE nodes only, integer-only C: no
 *                 floating-point type or literal, no <math.h> (the runtime
 *                 text is copied in "int" mode, rt_text_emit).  Its arguments
 *                 are the integer codes q of the FromFloat outputs (inputs)
 *                 and of the values the ToFloat nodes read (outputs), each in
 *                 the narrowest standard C type holding its W bits.
 *   NAME_float.c  NAME_run: the PRE nodes (the model's float Quant nodes,
 *                 QONNX semantics, rt_quant_f32) and FromFloat, then
 *                 NAME_run_int, then ToFloat and the POST nodes.
 *   NAME.h        both entries, each argument's fixed-point format, range
 *                 and shape.
 *
 * Both files call the interpreter's kernels with its parameters, so the pair
 * computes what 'bibc run --fixed' computes, bit for bit.  A model whose
 * float computation sits between fixed-point regions (a FromFloat reading a
 * POST value) has no integer-only form: a note names the float node and
 * emit_c writes the mixed C instead.  Cost: linear in nodes and constants.
 */
#include <string.h>

#include "backends.h"

enum { PRE, CORE, POST, CONST };

static int is_fixed(const Value *v) { return v && v->fx.w > 0; }

const char *int_ctype(const FixType *t) {
  static const char *const s[] = {"int8_t", "int16_t", "int32_t", "int64_t"};
  static const char *const u[] = {"uint8_t", "uint16_t", "uint32_t", "uint64_t"};
  int k = t->w <= 8 ? 0 : t->w <= 16 ? 1 : t->w <= 32 ? 2 : 3;
  return t->sgn ? s[k] : u[k];
}

/* Records why n keeps the graph from splitting; returns 0. */
static int no_split(IntSplit *s, const Node *n, const char *why) {
  s->why_node = n;
  s->why = why;
  return 0;
}

int int_split(IntSplit *s, Graph *g) {
  Arena *a = g->arena;
  *s = (IntSplit){.g = g};
  char *stage = arena_alloc(a, (size_t)g->nvalues + 1);
  const Node **culprit = arena_alloc(a, sizeof *culprit * (size_t)(g->nvalues + 1));
  s->core = arena_alloc(a, (size_t)g->nnodes + 1);
  s->pre = arena_alloc(a, (size_t)g->nnodes + 1);
  s->post = arena_alloc(a, (size_t)g->nnodes + 1);
  s->qin = arena_alloc(a, sizeof *s->qin * (size_t)(g->nnodes + 1));
  s->qout = arena_alloc(a, sizeof *s->qout * (size_t)(g->nnodes + 1));
  int any = 0;
  for (int i = 0; i < g->nvalues; i++)
    stage[i] = g->values[i]->data ? CONST : PRE;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    int fixed_out = 0, st = PRE;
    for (int k = 0; k < n->nout; k++)
      fixed_out |= is_fixed(n->out[k]);
    for (int k = 0; k < n->nin; k++)
      if (n->in[k] && stage[n->in[k]->id] != CONST && stage[n->in[k]->id] > st)
        st = stage[n->in[k]->id];
    if (n->op == OP_FROMFLOAT) {
      if (st == POST)
        return no_split(s, culprit[n->in[0]->id] ? culprit[n->in[0]->id] : n,
                        "computes in float between fixed-point regions");
      s->pre[i] = 1;
      stage[n->out[0]->id] = CORE;
      s->qin[s->nqin++] = n->out[0];
      any = 1;
      continue;
    }
    if (n->op == OP_TOFLOAT) {
      s->post[i] = 1;
      stage[n->out[0]->id] = POST;
      int seen = 0;
      for (int k = 0; k < s->nqout; k++)
        seen |= s->qout[k] == n->in[0];
      if (!seen)
        s->qout[s->nqout++] = n->in[0];
      any = 1;
      continue;
    }
    if (fixed_out) {  /* integer arithmetic: integer operands and parameters only */
      for (int k = 0; k < n->ntargs; k++) {
        Value *v = n->targs[k];
        int out = 0;
        for (int j = 0; j < n->nout; j++)
          out |= v == n->out[j];
        if (v && dtype_is_float(v->dt))
          return no_split(s, n, "reads a floating-point value in its integer arithmetic");
        if (v && !out && stage[v->id] != CORE && stage[v->id] != CONST)
          return no_split(s, n, "reads a value that is not fixed point in its integer arithmetic");
      }
      for (int k = 0; k < n->nfp; k++)
        if (n->fp[k] != (double)(int64_t)n->fp[k])
          return no_split(s, n, "has a fractional parameter in its integer arithmetic");
      s->core[i] = 1;
      for (int k = 0; k < n->nout; k++)
        if (n->out[k])
          stage[n->out[k]->id] = CORE;
      any = 1;
      continue;
    }
    if (st == CORE)
      return no_split(s, n, "reads a fixed-point value as a float");
    (st == PRE ? s->pre : s->post)[i] = 1;
    for (int k = 0; k < n->nout; k++) {
      if (!n->out[k])
        continue;
      stage[n->out[k]->id] = (char)st;
      for (int j = 0; j < n->nin && st == POST; j++) {
        Value *v = n->in[j];
        if (v && stage[v->id] == POST && !culprit[n->out[k]->id])
          culprit[n->out[k]->id] = v->producer && v->producer->op == OP_TOFLOAT ? n : culprit[v->id];
      }
    }
  }
  return any;
}

static void fix_comment(FILE *f, const Value *v) {
  fprintf(f, "fixed<%s,%d,%d> as %s, q in [%lld, %lld], shape [", v->fx.sgn ? "s" : "u", v->fx.w,
          v->fx.f, int_ctype(&v->fx), (long long)v->qlo, (long long)v->qhi);
  for (int d = 0; d < v->rank; d++)
    fprintf(f, "%s%lld", d ? "," : "", (long long)v->dims[d]);
  fputs("]", f);
  if (!v->rscale)
    return;
  /* scaled integer: real value q * 2^-F * scale[c] */
  if (v->nrscale == 1) {
    fprintf(f, ", times scale %.17g", v->rscale[0]);
    return;
  }
  fprintf(f, ", times scale[c] along axis %d: {", v->rscale_axis);
  for (int64_t c = 0; c < v->nrscale; c++)
    fprintf(f, "%s%.17g", c ? ", " : "", v->rscale[c]);
  fputs("}", f);
}

static void int_args(FILE *f, const IntSplit *s) {
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "%sconst %s *in%d", i ? ", " : "", int_ctype(&s->qin[i]->fx), i);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "%s%s *out%d", i || s->nqin ? ", " : "", int_ctype(&s->qout[i]->fx), i);
  if (!s->nqin && !s->nqout)
    fputs("void", f);
}

void emit_int_header(const IntSplit *s, const char *hpath, const char *prefix, const char *core_file,
                     const char *cmdline) {
  Graph *g = s->g;
  OutFile o;
  out_open(&o, hpath);
  FILE *f = o.f;
  fprintf(f, "/* Generated by bibc %s: ", BIBC_VERSION);
  c_comment(f, cmdline);
  fprintf(f, " */\n#ifndef %s_H\n#define %s_H\n#include <stdint.h>\n\n", prefix, prefix);
  fprintf(f, "/*\n * Integer entry, %s: integer-only C (no floating-point type, no <math.h>),\n"
          " * compiles alone.  Each argument holds the integer codes q of a fixed-point\n"
          " * tensor fixed<S,W,F> (S: s signed, u unsigned; W bits; F fraction bits):\n"
          " * an element's real value is q * 2^-F (times the scale shown, for a\n"
          " * quantizer whose scale is not a power of two).  Its C type is the narrowest\n"
          " * standard integer type holding W bits; q stays in the range shown.\n", core_file);
  for (int i = 0; i < s->nqin; i++) {
    const Value *q = s->qin[i]->producer->in[0];  /* the float quantizer's output */
    fprintf(f, " *   in%d: ", i);
    fix_comment(f, s->qin[i]);
    fputs(":\n *     codes of ", f);
    c_comment(f, q->name);
    if (q->producer)
      fprintf(f, ", output of node %d (%s)", q->producer->index, op_name(q->producer->op));
    fputc('\n', f);
  }
  for (int i = 0; i < s->nqout; i++) {
    fprintf(f, " *   out%d: ", i);
    fix_comment(f, s->qout[i]);
    fputs(":\n *     codes of ", f);
    c_comment(f, s->qout[i]->name);
    int k = -1;
    for (int j = 0; j < g->nnodes; j++)
      if (g->nodes[j]->op == OP_TOFLOAT && g->nodes[j]->in[0] == s->qout[i] &&
          g->nodes[j]->out[0]->output_index >= 0)
        k = g->nodes[j]->out[0]->output_index;
    if (k >= 0)
      fprintf(f, ", graph output %d as float\n", k);
    else
      fputs(", read by the float tail\n", f);
  }
  fprintf(f, " * Float entry, %s_float.c: quantizes the float inputs as the model's Quant\n"
          " * nodes do (QONNX semantics), calls %s_run_int, converts its results to\n"
          " * float and runs the model's float tail, if any.\n", prefix, prefix);
  for (int i = 0; i < g->ninputs; i++) {
    fprintf(f, " *   input  %d (in%d): ", i, i);
    c_comment(f, g->inputs[i]->name);
    fputs(" ", f);
    c_shape_comment(f, g->inputs[i]);
    fputc('\n', f);
  }
  for (int i = 0; i < g->noutputs; i++) {
    fprintf(f, " *   output %d (out%d): ", i, i);
    c_comment(f, g->outputs[i]->name);
    fputs(" ", f);
    c_shape_comment(f, g->outputs[i]);
    fputc('\n', f);
  }
  fputs(" * Arrays are row-major (C order).  Not reentrant: intermediate results live\n"
        " * in static buffers.\n */\n", f);
  for (int i = 0; i < g->ninputs; i++)
    fprintf(f, "#define %s_IN%d_SIZE %lld\n", prefix, i, (long long)value_numel(g->inputs[i]));
  for (int i = 0; i < g->noutputs; i++)
    fprintf(f, "#define %s_OUT%d_SIZE %lld\n", prefix, i, (long long)value_numel(g->outputs[i]));
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "#define %s_INT_IN%d_SIZE %lld\n", prefix, i, (long long)value_numel(s->qin[i]));
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "#define %s_INT_OUT%d_SIZE %lld\n", prefix, i, (long long)value_numel(s->qout[i]));
  fprintf(f, "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\nvoid %s_run_int(", prefix);
  int_args(f, s);
  fprintf(f, ");\nvoid %s_run(", prefix);
  c_float_args(f, g);
  fputs(");\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n", f);
  out_close(&o);
}

static void file_head(FILE *f, const char *cmdline, const char *what, const char *hpath) {
  const char *hbase = strrchr(hpath, '/');
  fprintf(f, "/* Generated by bibc %s: ", BIBC_VERSION);
  c_comment(f, cmdline);
  fprintf(f, "\n * %s */\n#include \"%s\"\n\n", what, hbase ? hbase + 1 : hpath);
}

/* Declares an int64_t buffer for v (a value computed in the other file). */
static void int64_buffer(CGen *c, const Value *v) {
  fprintf(c->f, "static int64_t b%d[%lld]; /* %%", v->id, (long long)(value_numel(v) ? value_numel(v) : 1));
  c_comment(c->f, v->name);
  fputs(" */\n", c->f);
  c->vname[v->id] = arena_printf(c->g->arena, "b%d", v->id);
}

/* "  { int64_t i; for (...) DST[i] = (CAST)SRC[i]; }" */
static void copy_loop(FILE *f, int64_t n, const char *dst, const char *cast, const char *src) {
  fprintf(f, "  {\n    int64_t i;\n    for (i = 0; i < %lldLL; i++)\n      %s[i] = (%s)%s[i];\n  }\n",
          (long long)n, dst, cast, src);
}

static void emit_core(const IntSplit *s, const char *cpath, const char *hpath, const char *prefix,
                      const char *cmdline) {
  Graph *g = s->g;
  OutFile o;
  out_open(&o, cpath);
  FILE *f = o.f;
  file_head(f, cmdline, "Integer-only: the fixed-point part of the model (see the header).", hpath);
  CGen c;
  cgen_init(&c, g, f, s->core, 1, 0);
  for (int i = 0; i < s->nqout; i++)
    c.reads[s->qout[i]->id] = 1;
  cgen_runtime(&c, NULL, 0);
  cgen_constants(&c, 0);
  fputs("\n/* ---- inputs as int64 ---- */\n", f);
  for (int i = 0; i < s->nqin; i++)
    int64_buffer(&c, s->qin[i]);
  cgen_buffers(&c);
  cgen_params(&c);
  fprintf(f, "\nvoid %s_run_int(", prefix);
  int_args(f, s);
  fputs(") {\n", f);
  for (int i = 0; i < s->nqin; i++) {
    int used = c.reads[s->qin[i]->id];
    for (int k = 0; k < s->nqout; k++)
      used |= s->qout[k] == s->qin[i];
    if (!used) {
      fprintf(f, "  (void)in%d;\n", i);
      continue;
    }
    copy_loop(f, value_numel(s->qin[i]), arena_printf(g->arena, "b%d", s->qin[i]->id), "int64_t",
              arena_printf(g->arena, "in%d", i));
  }
  cgen_calls(&c);
  for (int i = 0; i < s->nqout; i++)
    copy_loop(f, value_numel(s->qout[i]), arena_printf(g->arena, "out%d", i),
              int_ctype(&s->qout[i]->fx),
              arena_printf(g->arena, "((const int64_t *)%s)", c.vname[s->qout[i]->id]));
  fputs("}\n", f);
  out_close(&o);
}

void emit_float_wrapper(const IntSplit *s, const char *wpath, const char *hpath, const char *prefix,
                        const char *cmdline) {
  Graph *g = s->g;
  OutFile o;
  out_open(&o, wpath);
  FILE *f = o.f;
  file_head(f, cmdline, arena_printf(g->arena, "Float entry: quantizes, calls %s_run_int, converts "
                                     "back (see the header).", prefix), hpath);
  char *both = arena_alloc(g->arena, (size_t)g->nnodes + 1);
  for (int i = 0; i < g->nnodes; i++)
    both[i] = s->pre[i] || s->post[i];
  CGen c;
  cgen_init(&c, g, f, both, 0, 1);
  for (int i = 0; i < s->nqout; i++)  /* ToFloat reads the wrapper's copy */
    c.reads[s->qout[i]->id] = 0;
  cgen_runtime(&c, NULL, 0);
  cgen_constants(&c, 1);
  fputs("\n/* ---- integer codes: arguments of the integer entry ---- */\n", f);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "static %s qi%d[%lld];\n", int_ctype(&s->qin[i]->fx), i,
            (long long)(value_numel(s->qin[i]) ? value_numel(s->qin[i]) : 1));
  for (int i = 0; i < s->nqout; i++) {
    fprintf(f, "static %s qo%d[%lld];\n", int_ctype(&s->qout[i]->fx), i,
            (long long)(value_numel(s->qout[i]) ? value_numel(s->qout[i]) : 1));
    int64_buffer(&c, s->qout[i]);
  }
  cgen_buffers(&c);
  cgen_params(&c);
  fprintf(f, "\nvoid %s_run(", prefix);
  c_float_args(f, g);
  fputs(") {\n", f);
  for (int i = 0; i < g->ninputs; i++)
    if (!c.reads[g->inputs[i]->id] && g->inputs[i]->output_index < 0)
      fprintf(f, "  (void)in%d;\n", i);
  c.want = s->pre;
  cgen_calls(&c);
  for (int i = 0; i < s->nqin; i++)
    copy_loop(f, value_numel(s->qin[i]), arena_printf(g->arena, "qi%d", i), int_ctype(&s->qin[i]->fx),
              c.vname[s->qin[i]->id]);
  fprintf(f, "  %s_run_int(", prefix);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "%sqi%d", i ? ", " : "", i);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "%sqo%d", i || s->nqin ? ", " : "", i);
  fputs(");\n", f);
  for (int i = 0; i < s->nqout; i++)
    copy_loop(f, value_numel(s->qout[i]), c.vname[s->qout[i]->id], "int64_t",
              arena_printf(g->arena, "qo%d", i));
  c.want = s->post;
  cgen_calls(&c);
  cgen_passthrough(&c);
  fputs("}\n", f);
  out_close(&o);
}

char *c_float_path(Arena *a, const char *cpath) {
  const char *base = strrchr(cpath, '/');
  base = base ? base + 1 : cpath;
  size_t n = (size_t)(base - cpath) + strcspn(base, ".");
  return arena_printf(a, "%.*s_float.c", (int)n, cpath);
}

const char *emit_c_int(Graph *g, const char *cpath, const char *hpath, const char *cmdline) {
  IntSplit s;
  if (!int_split(&s, g)) {
    if (s.why)
      note_node(g, s.why_node, "%s, so the model has no integer-only form; writing mixed "
                "float/integer C", s.why);
    return NULL;
  }
  const char *prefix = c_ident_from_path(g->arena, cpath), *base = strrchr(cpath, '/');
  char *wpath = c_float_path(g->arena, cpath);
  emit_int_header(&s, hpath, prefix, base ? base + 1 : cpath, cmdline);
  emit_core(&s, cpath, hpath, prefix, cmdline);
  emit_float_wrapper(&s, wpath, hpath, prefix, cmdline);
  return wpath;
}
