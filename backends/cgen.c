/*
 * cgen.c - the parts of a generated C file that every C backend shares:
 * c.c (float C), c_int.c (integer-only C and its float wrapper) and hls.c
 * each select the nodes a file computes (want[node position]) and call
 * cgen_* for its runtime text, constants, buffers, kernel parameters and
 * kernel calls, with c_print.c's small printers (comments, shapes, exact
 * literals, the identifier made from an output path).  Deterministic:
 * values are named by id, floats printed exactly (%.9g / %.17g
 * round-trip).
 *
 * Runtime text.  The runtime headers are embedded in bibc at build time
 * (cmake/embed.cmake) and divided into pieces by marker lines
 * (runtime/rt_common.h describes them): a piece is copied when one of its
 * keys, a glob over kernel names, matches a kernel the file calls (or a
 * helper a backend asks for), or when the key is the file's mode, "float"
 * or "int".  A header is copied when one of its kernels is called or one of
 * its keyed pieces matches; a header without markers is copied whole.  So
 * integer-only code gets no float kernel, no float type and no <math.h>,
 * and a float model's C carries only the kernel instances it calls.
 * #include "..." lines are dropped (everything is inlined) and blank lines
 * are merged, so dropped pieces leave no gaps.  Cost: one pass over the
 * runtime text (~100 KB) per generated file.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "backends.h"
#include "../runtime/rt_table.h"

static void print_elem(FILE *f, const Value *v, int64_t i) {
  switch (v->dt) {
  case DT_F32: c_print_float(f, ((const float *)v->data)[i], 1); break;
  case DT_F64: c_print_float(f, ((const double *)v->data)[i], 0); break;
  case DT_U64: fprintf(f, "%lluULL", (unsigned long long)((const uint64_t *)v->data)[i]); break;
  case DT_U32: fprintf(f, "%luUL", (unsigned long)((const uint32_t *)v->data)[i]); break;
  case DT_I64: c_print_int(f, ((const int64_t *)v->data)[i]); break;
  default: fprintf(f, "%lld", (long long)value_get_i64(v, i)); break;
  }
}

/* ---- runtime text ---- */

/* Glob match with '*' (any run of characters). */
static int glob(const char *p, const char *s) {
  if (!*p)
    return !*s;
  if (*p == '*')
    return glob(p + 1, s) || (*s && glob(p, s + 1));
  return *p == *s && glob(p + 1, s + 1);
}

/* Marker line: "/" "*@ KEYS *" "/"; returns the keys' span, or NULL. */
static const char *marker_keys(const char *line, size_t len, size_t *klen) {
  if (len < 6 || strncmp(line, "/*@", 3) != 0)
    return NULL;
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  if (len < 5 || strncmp(line + len - 2, "*/", 2) != 0)
    return NULL;
  *klen = len - 5;
  return line + 3;
}

/* Does one of the keys match?  Mode keys only when mode_keys is set (piece
 * selection), never "bibc"; an empty key list matches in selection only. */
static int keys_match(const char *k, size_t klen, const char *const *names, int n,
                      const char *mode, int mode_keys) {
  int any = 0;
  char key[128];
  for (size_t i = 0; i < klen;) {
    while (i < klen && k[i] == ' ')
      i++;
    size_t j = i;
    while (j < klen && k[j] != ' ')
      j++;
    if (j == i)
      break;
    if (j - i >= sizeof key)
      die("runtime marker key too long");
    memcpy(key, k + i, j - i);
    key[j - i] = 0;
    i = j;
    any = 1;
    if (strcmp(key, "float") == 0 || strcmp(key, "int") == 0) {
      if (mode_keys && strcmp(key, mode) == 0)
        return 1;
      continue;
    }
    if (strcmp(key, "bibc") == 0)
      continue;
    for (int m = 0; m < n; m++)
      if (glob(key, names[m]))
        return 1;
  }
  return !any && mode_keys;
}

/* Is header fam (text) needed: one of its kernels named, or a keyed piece
 * matching?  Headers without markers go by kernel membership only. */
static int header_needed(int fam, const char *text, const char *const *names, int n) {
  for (int m = 0; m < n; m++) {
    const KernelInfo *k = kernel_find(names[m]);
    if (k && k->family == fam)
      return 1;
  }
  for (const char *s = text; *s;) {
    const char *eol = strchr(s, '\n');
    size_t len = eol ? (size_t)(eol - s + 1) : strlen(s), klen;
    const char *k = marker_keys(s, len, &klen);
    if (k && keys_match(k, klen, names, n, "", 0))
      return 1;
    s += len;
  }
  return 0;
}

static int is_blank(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
      return 0;
  return 1;
}

/* Copies text's selected pieces; *blank carries a pending blank line. */
static void copy_pieces(FILE *f, const char *text, const char *const *names, int n,
                        const char *mode, int *blank) {
  int on = 1;
  for (const char *s = text; *s;) {
    const char *eol = strchr(s, '\n');
    size_t len = eol ? (size_t)(eol - s + 1) : strlen(s), klen;
    const char *k = marker_keys(s, len, &klen);
    if (k) {
      on = keys_match(k, klen, names, n, mode, 1);
    } else if (is_blank(s, len)) {
      *blank = 1;
    } else if (on && strncmp(s, "#include \"", 10) != 0) {
      if (*blank)
        fputc('\n', f);
      *blank = 0;
      fwrite(s, 1, len, f);
      if (!eol)
        fputc('\n', f);
    }
    s += len;
  }
  *blank = 1;
}

void rt_text_emit(FILE *f, const char *const *names, int n, const char *mode) {
  int blank = 0;
  for (int m = 0; m < n; m++)
    if (!kernel_find(names[m]) && strncmp(names[m], "rt_fx_", 6) != 0)
      die("no runtime kernel named %s", names[m]);
  copy_pieces(f, rt_common_text, names, n, mode, &blank);
  for (int fam = 0; fam < rt_nfamilies; fam++)
    if (header_needed(fam, rt_families[fam].text, names, n))
      copy_pieces(f, rt_families[fam].text, names, n, mode, &blank);
  fputc('\n', f);
}

/* ---- parts of a generated file ---- */

void cgen_init(CGen *c, Graph *g, FILE *f, const char *want, int intonly, int graph_io) {
  *c = (CGen){.g = g, .f = f, .want = want, .intonly = intonly};
  c->vname = arena_alloc(g->arena, sizeof *c->vname * (size_t)(g->nvalues + 1));
  c->reads = arena_alloc(g->arena, (size_t)g->nvalues + 1);
  c->loops = arena_alloc(g->arena, (size_t)g->nnodes + 1);
  for (int i = 0; i < g->nnodes; i++)
    c->loops[i] = (char)(!want[i] ? 0 : intonly ? iloop_takes(g->nodes[i]) : cloop_takes(g->nodes[i]));
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; want[i] && k < g->nodes[i]->ntargs; k++)
      if (g->nodes[i]->targs[k])
        c->reads[g->nodes[i]->targs[k]->id] = 1;
  if (intonly)
    iloop_plan(c);
  else
    cloop_plan(c);
  if (!graph_io)
    return;
  for (int i = 0; i < g->ninputs; i++)
    c->vname[g->inputs[i]->id] = arena_printf(g->arena, "(void *)in%d", i);
  for (int i = 0; i < g->noutputs; i++)
    if (g->outputs[i]->producer)
      c->vname[g->outputs[i]->id] = arena_printf(g->arena, "out%d", i);
}

void cgen_runtime(CGen *c, const char *const *extra, int nextra) {
  Graph *g = c->g;
  const char **names = arena_alloc(g->arena, sizeof *names * (size_t)(g->nnodes + nextra + 1));
  int n = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const char *k = g->nodes[i]->kernel;
    int seen = !c->want[i] || !k || c->loops[i];
    for (int j = 0; j < n && !seen; j++)
      seen = strcmp(names[j], k) == 0;
    if (!seen)
      names[n++] = k;
  }
  for (int j = 0; j < nextra; j++)
    names[n++] = extra[j];
  for (int i = 0; c->intonly && i < g->nnodes; i++)
    if (c->loops[i] && g->nodes[i]->op == OP_REQUANT) {  /* rt_fx_round and its kin */
      names[n++] = "rt_fx_round";
      break;
    }
  if (!c->intonly)  /* a fused multiply-add rounds once: not the interpreter's bits */
    fputs("/* Float arithmetic as the interpreter does it: no a * b + c fused into\n"
          " * one rounding (clang's default, and gcc's outside ISO C mode). */\n"
          "#if defined(__clang__)\n#pragma STDC FP_CONTRACT OFF\n"
          "#elif defined(__GNUC__)\n#pragma GCC optimize (\"fp-contract=off\")\n#endif\n\n",
          c->f);
  rt_text_emit(c->f, names, n, c->intonly ? "int" : "float");
}

/* Constants that a selected kernel reads (a Reshape's shape, say, is
 * consumed at compile time), and constant graph outputs if io is set. */
void cgen_constants(CGen *c, int io) {
  Graph *g = c->g;
  fputs("/* ---- constants ---- */\n", c->f);
  const Node **tposed = arena_alloc(g->arena, sizeof *tposed * (size_t)(g->nvalues + 1));
  for (int i = 0; i < g->nnodes; i++)  /* transB weights of loop-written Gemms */
    if (c->loops[i] && cloop_transposes(g->nodes[i]))
      tposed[g->nodes[i]->in[1]->id] = g->nodes[i];
  for (int i = 0; i < g->nvalues; i++) {
    Value *v = g->values[i];
    if (!v->data || !(c->reads[i] || (io && v->output_index >= 0)))
      continue;
    int64_t n = value_numel(v);
    fputs("/* %", c->f);
    c_comment(c->f, v->name);
    fputs(" : ", c->f);
    c_shape_comment(c->f, v);
    fputs(tposed[i] ? ", transposed" : "", c->f);
    fprintf(c->f, " */\nstatic const %s c%d[%lld] = {", dtype_ctype(v->dt), v->id,
            (long long)(n ? n : 1));
    for (int64_t k = 0; k < n; k++) {
      fputs(k % 8 ? ", " : (k ? ",\n  " : "\n  "), c->f);
      print_elem(c->f, v, tposed[i] ? cloop_source(tposed[i], k) : k);
    }
    fputs(n ? "\n};\n" : "0};\n", c->f);
    c->vname[v->id] = arena_printf(g->arena, "(void *)c%d", v->id);
  }
}

/* One static buffer per output of a selected node that has no storage yet. */
void cgen_buffers(CGen *c) {
  Graph *g = c->g;
  fputs("\n/* ---- intermediate buffers ---- */\n", c->f);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    for (int k = 0; c->want[i] && k < n->nout; k++) {
      const Value *v = n->out[k];
      if (!v || c->vname[v->id])
        continue;
      if (c->loops[i] == 3) {  /* a copy: its input's storage */
        c->vname[v->id] = c->vname[n->in[0]->id];
        continue;
      }
      int64_t cnt = value_numel(v);
      fprintf(c->f, "static %s b%d[%lld]; /* %%", value_ctype(c, v), v->id,
              (long long)(cnt ? cnt : 1));
      c_comment(c->f, v->name);
      fputs(" : ", c->f);
      c_shape_comment(c->f, v);
      fputs(" */\n", c->f);
      c->vname[v->id] = arena_printf(g->arena, "b%d", v->id);
    }
  }
}

/* ipN and fpN of each selected node N (fp as int64_t in integer-only code;
 * the caller has checked that those parameters are integers). */
void cgen_params(CGen *c) {
  Graph *g = c->g;
  FILE *f = c->f;
  fputs("\n/* ---- kernel parameters ---- */\n", f);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (!c->want[i] || c->loops[i])
      continue;
    fprintf(f, "static const int64_t ip%d[%d] = {", i, n->nip ? n->nip : 1);
    for (int k = 0; k < n->nip; k++) {
      fputs(k ? ", " : "", f);
      c_print_int(f, n->ip[k]);
    }
    fprintf(f, "%s};\n", n->nip ? "" : "0");
    fprintf(f, "static const %s fp%d[%d] = {", c->intonly ? "int64_t" : "double", i,
            n->nfp ? n->nfp : 1);
    for (int k = 0; k < n->nfp; k++) {
      fputs(k ? ", " : "", f);
      if (!c->intonly)
        c_print_float(f, n->fp[k], 0);
      else if (n->fp[k] == (double)(int64_t)n->fp[k])
        c_print_int(f, (int64_t)n->fp[k]);
      else
        die("fractional parameter %g of %s in integer-only code", n->fp[k], n->kernel);
    }
    fprintf(f, "%s};\n", n->nfp ? "" : "0");
  }
}

/* The selected nodes' kernel calls, one block each, in graph order. */
void cgen_calls(CGen *c) {
  Graph *g = c->g;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (!c->want[i])
      continue;
    if (c->loops[i]) {
      if (c->loops[i] == 1 && c->intonly)
        iloop_emit(c, i);
      else if (c->loops[i] == 1)
        cloop_emit(c, i);
      continue;
    }
    fprintf(c->f, "  { /* node %d: %s \"", n->index, op_name(n->op));
    c_comment(c->f, n->name);
    fputs("\" */\n    void *const t[] = {", c->f);
    for (int k = 0; k < n->ntargs; k++) {
      const Value *v = n->targs[k];
      fprintf(c->f, "%s%s", k ? ", " : "", v ? c->vname[v->id] : "0");
      if (v && !c->vname[v->id])
        die("value %s has no storage", v->name);
    }
    fprintf(c->f, "};\n    %s(ip%d, fp%d, t);\n  }\n", n->kernel, i, i);
  }
}

/* "const float *in0, ..., float *out0, ..." of the graph's float entry. */
void c_float_args(FILE *f, const Graph *g) {
  for (int i = 0; i < g->ninputs; i++)
    fprintf(f, "%sconst %s *in%d", i ? ", " : "", dtype_ctype(g->inputs[i]->dt), i);
  for (int i = 0; i < g->noutputs; i++)
    fprintf(f, "%s%s *out%d", i || g->ninputs ? ", " : "", dtype_ctype(g->outputs[i]->dt), i);
}

/* Copies of graph outputs that this file does not compute (constants and
 * graph inputs), and (void) for graph inputs nothing reads. */
void cgen_passthrough(CGen *c) {
  Graph *g = c->g;
  for (int i = 0; i < g->noutputs; i++) {
    Value *v = g->outputs[i];
    if (v->producer)
      continue;
    fprintf(c->f, "  { /* output %d is %s */\n    int64_t i;\n    for (i = 0; i < %lldLL; i++)\n"
            "      out%d[i] = ((const %s *)%s)[i];\n  }\n", i, v->data ? "a constant" : "an input",
            (long long)value_numel(v), i, dtype_ctype(v->dt), c->vname[v->id]);
  }
}
