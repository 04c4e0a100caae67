/*
 * backends.c - the table of backends.  A row names a backend (--target
 * NAME) and gives the -o endings that select it, its emit function, whether
 * it needs an integer core, how its header is named, its line in --help and
 * how 'bibc verify' checks its code.  The command line (compiler/main.c:
 * --target, the -o dispatch, the usage text, the "unknown output kind"
 * message) and 'bibc verify' (compiler/verify.c: --target, temporary file
 * names, the build) read only this table, so a new backend is one row here
 * plus its emit function.
 *
 * Selection: --target NAME picks the row by name; without it the -o name
 * does, by the longest suffix that matches (NAME.hls.c is HLS although it
 * also ends in .c).  Either way the -o name must end in one of the table's
 * suffixes, and the header is the -o name with that longest suffix replaced
 * by the row's header suffix: NAME.c -> NAME.h, NAME.hls.cpp -> NAME.h, and
 * (--target hls) NAME.c -> NAME.h.  Cost: a scan of a few rows.
 */
#include <stdlib.h>
#include <string.h>

#include "backends.h"

const Backend backends[] = {
  {.name = "c", .suffix = {".c"}, .emit = emit_c, .netlist = 0, .fixed = 0, .header = ".h",
   .kind = "portable C",
   .help = "portable C, NAME.c + NAME.h; fixed point: integer-only NAME.c + NAME_float.c",
   .check = CHECK_CC, .cflags = NULL},
  {.name = "hls", .suffix = {".hls.c", ".hls.cpp"}, .emit = emit_hls, .netlist = 1,
   .fixed = 1, .header = ".h", .kind = "HLS",
   .help = "Vitis HLS C: NAME_top in NAME.hls.c, NAME.h and NAME_float.c",
   .check = CHECK_CC, .cflags = "-Wno-unknown-pragmas"},
  {.name = "verilog", .suffix = {".v"}, .emit = emit_verilog, .netlist = 1,
   .fixed = 1, .header = NULL, .kind = "Verilog",
   .help = "Verilog-2005: module NAME in NAME.v, one inference per clock",
   .check = CHECK_SIM, .cflags = NULL, .clocked = 1},
  {.name = "dsl", .suffix = {".bib"}, .emit = emit_dsl, .netlist = 0, .fixed = 0, .header = NULL,
   .kind = "model language",
   .help = "the model as read, in bibc's model language: NAME.bib (+ NAME.*.npy)",
   .check = CHECK_NONE, .cflags = NULL, .source = 1},
  {.name = "onnx", .suffix = {".onnx"}, .emit = emit_onnx, .netlist = 0, .fixed = 0,
   .header = NULL, .kind = "ONNX",
   .help = "the model as read, as a standard ONNX (QONNX) file: NAME.onnx",
   .check = CHECK_NONE, .cflags = NULL, .source = 1, .output_types = 1},
};
const int nbackends = sizeof backends / sizeof backends[0];

const Backend *backend_find(const char *name) {
  for (int i = 0; i < nbackends; i++)
    if (strcmp(backends[i].name, name) == 0)
      return &backends[i];
  return NULL;
}

/* The length of the longest suffix in the table that path ends in (0:
 * none), and its row.  The name before the suffix must not be empty. */
static size_t longest_suffix(const char *path, const Backend **row) {
  size_t n = strlen(path), best = 0;
  for (int i = 0; i < nbackends; i++)
    for (int k = 0; k < BACKEND_MAXSUFFIX && backends[i].suffix[k]; k++) {
      const char *s = backends[i].suffix[k];
      size_t m = strlen(s);
      if (m > best && n > m && strcmp(path + n - m, s) == 0) {
        best = m;
        *row = &backends[i];
      }
    }
  return best;
}

const Backend *backend_for_output(const char *path) {
  const Backend *b = NULL;
  longest_suffix(path, &b);
  return b;
}

char *backend_header_path(Arena *a, const Backend *b, const char *path) {
  const Backend *row;
  size_t m = longest_suffix(path, &row);
  if (!b->header)
    return "";  /* any name will do (--target onnx -o model.qonnx) */
  if (!m)
    return NULL;
  return arena_printf(a, "%.*s%s", (int)(strlen(path) - m), path, b->header);
}

static int cmp_by_name(const void *a, const void *b) {
  const Value *x = *(const Value *const *)a, *y = *(const Value *const *)b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->id > y->id) - (x->id < y->id);
}

const char **backend_unique_names(Graph *g) {
  Value **vs = arena_alloc(g->arena, sizeof *vs * (size_t)(g->nvalues + 1));
  int n = 0;
  for (int i = 0; i < g->nvalues; i++)
    if (g->values[i])
      vs[n++] = g->values[i];
  qsort(vs, (size_t)n, sizeof *vs, cmp_by_name);
  const char **names = arena_alloc(g->arena, sizeof *names * (size_t)(g->nvalues + 1));
  for (int i = 1; i < n; i++)
    if (strcmp(vs[i]->name, vs[i - 1]->name) == 0)
      names[vs[i]->id] = arena_printf(g->arena, "%s#%d", vs[i]->name, vs[i]->id);
  return names;
}

char *backend_names(Arena *a, const char *sep, const char *last, int checked) {
  int n = 0, k = 0;
  for (int i = 0; i < nbackends; i++)
    n += !checked || backends[i].check != CHECK_NONE;
  char *s = "";
  for (int i = 0; i < nbackends; i++)
    if (!checked || backends[i].check != CHECK_NONE) {
      s = arena_printf(a, "%s%s%s", s, k == 0 ? "" : k + 1 < n ? sep : last, backends[i].name);
      k++;
    }
  return s;
}

char *backend_kinds(Arena *a) {
  char *s = arena_strdup(a, "");
  for (int i = 0; i < nbackends; i++) {
    const Backend *b = &backends[i];
    s = arena_printf(a, "%s%s", s, i == 0 ? "" : i + 1 < nbackends ? ", " : " or ");
    for (int k = 0; k < BACKEND_MAXSUFFIX && b->suffix[k]; k++)
      s = arena_printf(a, "%s%sNAME%s", s, k ? " / " : "", b->suffix[k]);
    s = arena_printf(a, "%s (%s)", s, b->kind);
  }
  return s;
}

void backend_usage(FILE *f) {
  fputs("backends (the -o name's longest matching ending picks one, or --target NAME):\n", f);
  for (int i = 0; i < nbackends; i++) {
    const Backend *b = &backends[i];
    fprintf(f, "  %-6s", b->name);
    for (int k = 0; k < BACKEND_MAXSUFFIX && b->suffix[k]; k++)
      fprintf(f, "%s-o NAME%s", k ? ", " : " ", b->suffix[k]);
    fprintf(f, "%s\n         %s\n", b->fixed ? "; implies --fixed" : "", b->help);
  }
}

/* Logic gate k (0..15, net.h's GATE) of bits x and y (operands a prefix
 * may negate): HLS C's text with not = "!", Verilog's with "~" on 1-bit
 * signals.  A negated operand of a binary operator is parenthesised (clang's
 * -Wlogical-not-parentheses).  The netlist keeps only the gates whose result depends on both
 * operands; the others are written for completeness. */
char *backend_gate_text(Arena *a, int64_t k, const char *x, const char *y, const char *not) {
  switch (k) {
  case 0: return arena_printf(a, "0");
  case 1: return arena_printf(a, "(%s & %s)", x, y);
  case 2: return arena_printf(a, "(%s & (%s%s))", x, not, y);
  case 3: return arena_printf(a, "%s", x);
  case 4: return arena_printf(a, "((%s%s) & %s)", not, x, y);
  case 5: return arena_printf(a, "%s", y);
  case 6: return arena_printf(a, "(%s ^ %s)", x, y);
  case 7: return arena_printf(a, "(%s | %s)", x, y);
  case 8: return arena_printf(a, "%s(%s | %s)", not, x, y);
  case 9: return arena_printf(a, "%s(%s ^ %s)", not, x, y);
  case 10: return arena_printf(a, "%s%s", not, y);
  case 11: return arena_printf(a, "(%s | (%s%s))", x, not, y);
  case 12: return arena_printf(a, "%s%s", not, x);
  case 13: return arena_printf(a, "((%s%s) | %s)", not, x, y);
  case 14: return arena_printf(a, "%s(%s & %s)", not, x, y);
  default: return arena_printf(a, "1");
  }
}
