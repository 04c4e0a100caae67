/*
 * backends.h - code generators.  Each takes a graph after the pipeline and
 * writes its files through a temporary name, renamed into place only when
 * complete, so a failed run leaves no partial output.
 */
#ifndef BIBC_BACKENDS_H
#define BIBC_BACKENDS_H
#include "../ir/net.h"

/* ---- c.c ---- */
/* Writes portable C: cpath (the entry function NAME_run, where NAME is
 * cpath's base name made into an identifier) and hpath (its declaration and
 * I/O documentation).  cmdline is quoted in the header comment.  For a
 * graph with fixed-point values (c_int.c), cpath is integer-only and a
 * float wrapper NAME_float.c defines NAME_run: emit_c returns its path
 * (compile and link both files), else NULL. */
const char *emit_c(Graph *g, const char *cpath, const char *hpath, const char *cmdline);
/* The parts of a C file shared by the C backends, for the nodes a file
 * computes (want[node position]). */
typedef struct CGen {
  Graph *g;
  FILE *f;
  const char *want;          /* per node position: this file computes it */
  int intonly;               /* integer-only file: "int" runtime pieces, int64_t fp */
  char **vname;              /* C expression for each value's storage, by id */
  char *reads;               /* per value id: a selected node reads it */
} CGen;
/* graph_io: graph inputs are in0.. and produced graph outputs out0.. */
void cgen_init(CGen *c, Graph *g, FILE *f, const char *want, int intonly, int graph_io);
void cgen_runtime(CGen *c, const char *const *extra, int nextra);
void cgen_constants(CGen *c, int io);
void cgen_buffers(CGen *c);
void cgen_params(CGen *c);
void cgen_calls(CGen *c);
void cgen_passthrough(CGen *c);
void c_float_args(FILE *f, const Graph *g);
void c_comment(FILE *f, const char *s);            /* model text made safe for a comment */
void c_shape_comment(FILE *f, const Value *v);     /* "float32[1,16]" */
void c_print_int(FILE *f, int64_t x);              /* an int64_t literal */

/* ---- c_int.c ---- */
/* emit_c for a graph with fixed-point values: integer-only cpath
 * (NAME_run_int), float wrapper NAME_float.c (NAME_run), one header; returns
 * the wrapper's path, or NULL having written nothing when the graph has no
 * fixed-point value or no integer-only form (a note says why). */
const char *emit_c_int(Graph *g, const char *cpath, const char *hpath, const char *cmdline);
char *c_float_path(Arena *a, const char *cpath);   /* DIR/NAME.x.c -> DIR/NAME_float.c */
void emit_int_header(const IntSplit *s, const char *hpath, const char *prefix, const char *core_file,
                     const char *cmdline);
void emit_float_wrapper(const IntSplit *s, const char *wpath, const char *hpath, const char *prefix,
                        const char *cmdline);

/* ---- hls.c ---- */
/* Writes path (Vitis HLS C: NAME_top, and NAME_run_int) from the netlist of
 * g's integer core, hpath (as for the integer C) and NAME_float.c; returns
 * the wrapper's path. */
const char *emit_hls(Graph *g, const Net *net, const char *path, const char *hpath,
                     const char *cmdline);

/* ---- verilog.c ---- */
/* Writes path (Verilog-2005: module NAME, one inference per clock) from the
 * netlist of g's integer core; returns NULL (no other file to compile). */
const char *emit_verilog(Graph *g, const Net *net, const char *path, const char *hpath,
                         const char *cmdline);

/* ---- c.c (runtime text) ---- */
/* Copies the runtime text for the kernels (and rt_fx_* helpers) in names,
 * in mode "float" or "int" (runtime/rt_common.h: pieces). */
void rt_text_emit(FILE *f, const char *const *names, int n, const char *mode);

/* ---- c_main.c ---- */
/* Writes a test-bench program for emit_c's output (see c_main.c). */
void emit_c_main(Graph *g, const char *mpath, const char *hpath, const char *prefix, const char *cmdline);
/* ---- c.c (shared) ---- */
char *c_ident_from_path(Arena *a, const char *path);

/* ---- output.c ---- */
/* A file written atomically: out_open() opens PATH.tmp and registers both
 * names for removal on a user error; out_close() renames it into place. */
typedef struct OutFile {
  FILE *f;
  const char *path;
  char *tmp;
} OutFile;
void out_open(OutFile *o, const char *path);
void out_close(OutFile *o);

#endif
