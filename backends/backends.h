/*
 * backends.h - code generators.  Each takes a graph after the pipeline and
 * writes its files through a temporary name, renamed into place only when
 * complete, so a failed run leaves no partial output.  The command line
 * and 'bibc verify' reach them through one table, backends[].
 */
#ifndef BIBC_BACKENDS_H
#define BIBC_BACKENDS_H
#include "../ir/net.h"

/* ---- backends.c ---- */
/* How 'bibc verify' checks a backend's code against the interpreter. */
typedef enum BackendCheck {
  CHECK_NONE,                /* it cannot (yet): --target NAME is an error */
  CHECK_CC,                  /* compile with CC (and cflags), run a --main bench */
  CHECK_SIM,                 /* simulate with a testbench (Icarus Verilog or Verilator) */
} BackendCheck;
/* Writes path (the -o name) and hpath; cmdline is quoted in the files'
 * header comments.  Returns the path of an extra file to compile with path
 * (the float wrapper NAME_float.c), or NULL. */
/* Writes path (and hpath, when the backend has a header) from g, or from
 * net, the netlist of g's integer core, for backends that print one;
 * returns the path of another file to compile with path, or NULL. */
typedef const char *EmitFn(Graph *g, const Net *net, const char *path, const char *hpath,
                           const char *cmdline);
#define BACKEND_MAXSUFFIX 4
typedef struct Backend {
  const char *name;          /* --target NAME */
  const char *suffix[BACKEND_MAXSUFFIX];  /* -o endings that select it; [0] names verify's file */
  EmitFn *emit;
  int netlist;               /* prints the integer core's netlist (0: the graph's kernel calls) */
  int fixed;                 /* writes the integer core: implies --fixed */
  const char *header;        /* replaces the -o name's suffix to name the header */
  const char *kind;          /* "unknown output kind" lists NAME.c (KIND) */
  const char *help;          /* one line for --help */
  BackendCheck check;        /* how 'bibc verify' checks it */
  const char *cflags;        /* CHECK_CC: extra compiler flags, blank-separated, or NULL */
  int clocked;               /* a clocked module: compiling prints its latency */
  int source;                /* prints the model as read (or after --dump-after PASS) */
  int output_types;          /* source: writes each graph output's type; the compiler
                                gives undeclared ones from shape inference */
} Backend;
extern const Backend backends[];  /* backends[0] is the default */
extern const int nbackends;
const Backend *backend_find(const char *name);          /* --target NAME; NULL: none */
const Backend *backend_for_output(const char *path);    /* longest suffix match; NULL: none */
/* path with the longest table suffix it ends in replaced by b->header; ""
 * if b writes no header (whatever path's ending); NULL if b writes one and
 * path ends in no suffix of the table. */
char *backend_header_path(Arena *a, const Backend *b, const char *path);
/* By value id: a unique name for each value whose name an earlier value
 * (by id) has already (passes may reuse one: y, then a Quant of it called
 * y), NAME#ID; NULL for the others, which keep theirs.  O(V log V). */
const char **backend_unique_names(Graph *g);
/* "c, hls": the rows' names (checked: only those bibc verify checks). */
char *backend_names(Arena *a, const char *sep, const char *last, int checked);
char *backend_kinds(Arena *a);   /* "NAME.c (portable C) or NAME.hls.c / ... (HLS)" */
void backend_usage(FILE *f);     /* the backends section of 'bibc --help' */
/* Logic gate k of bits x and y as an expression of the hardware backends,
 * not the negation ("!" in HLS C, "~" in Verilog). */
char *backend_gate_text(Arena *a, int64_t k, const char *x, const char *y, const char *not);

/* ---- dsl.c ---- */
/* Writes g, as read (before any pass), in the model language (doc/dsl.md):
 * path, and a .npy file beside it per constant of over 256 elements. */
const char *emit_dsl(Graph *g, const Net *net, const char *path, const char *hpath,
                     const char *cmdline);

/* ---- onnx.c ---- */
/* Writes g, as read (or after --dump-after's pass), as a standard ONNX
 * model (QONNX operators in the domain qonnx.custom_op.general) that reads
 * back to the same graph. */
const char *emit_onnx(Graph *g, const Net *net, const char *path, const char *hpath,
                      const char *cmdline);

/* ---- c.c ---- */
/* Writes portable C: cpath (the entry function NAME_run, where NAME is
 * cpath's base name made into an identifier) and hpath (its declaration and
 * I/O documentation).  cmdline is quoted in the header comment.  For a
 * graph with fixed-point values (c_int.c), cpath is integer-only and a
 * float wrapper NAME_float.c defines NAME_run: emit_c returns its path
 * (compile and link both files), else NULL. */
const char *emit_c(Graph *g, const Net *net, const char *cpath, const char *hpath,
                   const char *cmdline);

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

/* ---- cgen.c ---- */
/* The parts of a C file shared by the C backends, for the nodes a file
 * computes (want[node position]). */
typedef struct CGen {
  Graph *g;
  FILE *f;
  const char *want;          /* per node position: this file computes it */
  int intonly;               /* integer-only file: "int" runtime pieces, int64_t fp */
  char **vname;              /* C expression for each value's storage, by id */
  char *reads;               /* per value id: a selected node reads it */
  char *loops;               /* per node position: written as loops (c_loops.c), no kernel;
                                2: computed inside an earlier node's loops */
  const Node **add_of;       /* per node position of a product: the bias Add its loops do */
  const Node **relu_of;      /* and the Relu after it, or NULL (also of a Conv) */
  const Node **tin_of;       /* per node position of a Conv: the Transpose its loops read */
  const Node **tout_of;      /* through, and the one they write through (c_conv_loops.c) */
  const char **vtype;        /* per value id: C type of its storage, NULL: its dtype's
                                (integer loops, c_iloops.c) */
  int *next;                 /* per node position: the step its loops do next, or -1 */
  int vbits;                 /* 32 or 64: the type of v in the chain being written */
} CGen;
/* graph_io: graph inputs are in0.. and produced graph outputs out0.. */
void cgen_init(CGen *c, Graph *g, FILE *f, const char *want, int intonly, int graph_io);
void cgen_runtime(CGen *c, const char *const *extra, int nextra);
void cgen_constants(CGen *c, int io);
void cgen_buffers(CGen *c);
void cgen_params(CGen *c);
void cgen_calls(CGen *c);
void cgen_passthrough(CGen *c);
void c_float_args(FILE *f, const Graph *g);        /* "const float *in0, ..., float *out0" */
/* Copies the runtime text for the kernels (and rt_fx_* helpers) in names,
 * in mode "float" or "int" (runtime/rt_common.h: pieces). */
void rt_text_emit(FILE *f, const char *const *names, int n, const char *mode);

/* ---- c_iloops.c ---- */
/* The integer core as loops over narrow types (see c_iloops.c):
 * iloop_takes gives 1 for a product or elementwise step written so, 3 for
 * a copy that shares its input's storage, 0 for a kernel call;
 * iloop_plan chains steps and sets c->vtype; iloop_constants prints the
 * tables the loops read; iloop_emit writes node pos's loops. */
int iloop_takes(const Node *n);
void iloop_plan(CGen *c);
void iloop_constants(CGen *c);
void iloop_emit(CGen *c, int pos);
const char *value_ctype(const CGen *c, const Value *v);  /* its storage's C type */

/* ---- c_print.c ---- */
void c_comment(FILE *f, const char *s);            /* model text made safe for a comment */
void c_shape_comment(FILE *f, const Value *v);     /* "float32[1,16]" */
void c_print_int(FILE *f, int64_t x);              /* an int64_t literal */
void c_print_float(FILE *f, double x, int is_f32);  /* an exact float or double literal */
char *c_ident_from_path(Arena *a, const char *path);  /* DIR/NAME.x.c -> NAME as an identifier */

/* ---- c_loops.c ---- */
/* Matrix products by a constant weight as loops with constant bounds in
 * float C (see c_loops.c): cloop_takes says whether node n is written so;
 * cloop_transposes gives n if its weight is printed transposed, and
 * cloop_source the weight's element printed at position e; cloop_emit
 * writes the block. */
int cloop_takes(const Node *n);
/* Marks the bias Adds and Relus that a product's loops compute too
 * (c->loops 2, c->add_of, c->relu_of; their inner values get no buffer). */
void cloop_plan(CGen *c);
const Node *cloop_transposes(const Node *n);
int64_t cloop_source(const Node *n, int64_t e);
void cloop_emit(CGen *c, int pos);

/* ---- c_conv_loops.c ---- */
/* Conv, Transpose and copies in loops (see c_conv_loops.c), through
 * c_loops.c's cloop_takes, cloop_plan and cloop_emit. */
int cconv_takes(const Node *n);
void cconv_plan(CGen *c);
void cconv_emit(CGen *c, int pos);

/* ---- c_lgn.c ---- */
/* NAME_run_batch, the bit-parallel entry of a logic-gate network's
 * integer C (see c_lgn.c), for a core that is a chain of LogicLayers and a
 * group sum; each does nothing for any other core.  lgn_batch_header
 * writes its documentation (before the header's declarations),
 * lgn_batch_declare its prototype, lgn_batch_emit its code into NAME.c. */
int lgn_batch_takes(const IntSplit *s);
void lgn_batch_header(FILE *f, const IntSplit *s, const char *prefix);
void lgn_batch_declare(FILE *f, const IntSplit *s, const char *prefix);
void lgn_batch_emit(FILE *f, const IntSplit *s, const char *prefix);

/* ---- c_main.c ---- */
/* Writes a test-bench program for emit_c's output (see c_main.c). */
void emit_c_main(Graph *g, const char *mpath, const char *hpath, const char *prefix, const char *cmdline);

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

/* ---- verilog_tb.c ---- */
/* Writes path: module TOP_tb, which drives TOP (emit_verilog's module for
 * net) with the nvec vectors of in_hex (hex in_data words, one per line),
 * one per clock with bubbles, checks out_valid against LATENCY and writes
 * the results to out_hex (hex out_data per line, "error: ..." lines,
 * "done SENT RECEIVED" last). */
void emit_verilog_tb(const Net *net, const char *path, const char *top, const char *in_hex,
                     const char *out_hex, int64_t nvec);

/* ---- output.c ---- */
/* A file written atomically: out_open() opens PATH.tmp and registers both
 * names for removal on a user error; out_close() renames it into place. */
typedef struct OutFile {
  FILE *f;
  const char *path;
  char *tmp;                 /* PATH.tmp, or NULL: PATH is not a regular file */
  char *mem;                 /* the text for such a PATH (open_memstream) */
  size_t memlen;
} OutFile;
void out_open(OutFile *o, const char *path);
void out_close(OutFile *o);
/* out_defer() makes out_close() keep each finished PATH.tmp until
 * out_commit() renames them all: a run that writes several files (the C
 * and its header, a test bench) changes none of them if it fails on any.
 * out_open() refuses a path that names an input file (file_input_at). */
void out_defer(void);
void out_commit(void);

#endif
