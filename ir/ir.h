/*
 * ir.h - the one header that declares bibc's IR.
 *
 * A Graph is a list of Nodes in topological order.  Nodes read and write
 * Values (tensors); a Value with data != NULL is a compile-time constant.
 * Every Value has a static shape and an element type.  After shape
 * inference (infer_shapes pass) every Node is also lowered to exactly one
 * call of a runtime kernel (runtime/rt_*.h): Node.kernel names it, Node.ip
 * and Node.fp hold its integer and floating parameters, laid out as the
 * kernel's comment documents.  The reference interpreter and the C backend
 * both execute those calls, so an operator's arithmetic is written once.
 *
 * Everything is allocated in the Graph's Arena and freed with it.
 * Prototypes are grouped under the name of the file that defines them.
 */
#ifndef BIBC_IR_H
#define BIBC_IR_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ops.h"

#define BIBC_VERSION "0.1.0"
#define IR_MAXRANK 8   /* ONNX allows more; no model we target needs it */
#define IR_MAXELEMS ((int64_t)1 << 28)  /* largest tensor bibc will allocate (elements) */
#define IR_MAXATTR ((int64_t)1 << 40)   /* largest |value| of a size-like INTS attribute */

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#define PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define NORETURN
#define PRINTF(a, b)
#endif

/* Element types.  Codes are ONNX's TensorProto.DataType so the importer and
 * the .pb writer need no mapping.  Columns: X(enum suffix, onnx code,
 * C type, size, kernel suffix). */
#define IR_DTYPES(X) \
  X(F32,  1,  float,    4, f32) \
  X(U8,   2,  uint8_t,  1, u8)  \
  X(I8,   3,  int8_t,   1, i8)  \
  X(U16,  4,  uint16_t, 2, u16) \
  X(I16,  5,  int16_t,  2, i16) \
  X(I32,  6,  int32_t,  4, i32) \
  X(I64,  7,  int64_t,  8, i64) \
  X(BOOL, 9,  uint8_t,  1, b8)  \
  X(F64,  11, double,   8, f64) \
  X(U32,  12, uint32_t, 4, u32) \
  X(U64,  13, uint64_t, 8, u64)

typedef enum DType {
  DT_UNDEF = 0,
#define X(e, code, ct, sz, suf) DT_##e = code,
  IR_DTYPES(X)
#undef X
} DType;

typedef enum OpKind {
#define X(e, name, infer, nmin, nmax, nout, attrs, sem) OP_##e,
  IR_ALL_OPS(X)
#undef X
  OP_COUNT
} OpKind;

/* Fixed-point formats; semantics in ir/fixed-point.md, arithmetic in
 * runtime/rt_fixed.h.  ORDER: RoundMode and OverflowMode match the RT_RND_*
 * and RT_OVF_* codes there. */
typedef enum RoundMode {
  RND_FLOOR, RND_CEIL, RND_TRUNC, RND_AWAY, RND_HALF_UP, RND_HALF_DOWN, RND_HALF_EVEN,
  RND_HALF_AWAY, RND_HALF_ZERO
} RoundMode;
typedef enum OverflowMode { OVF_WRAP, OVF_SAT, OVF_SAT_SYM } OverflowMode;

typedef struct FixType {
  int sgn;                   /* 1: two's complement; 0: unsigned */
  int w;                     /* total bits 1..64; 0: not a fixed-point value */
  int f;                     /* fraction bits: real value = q * 2^-f */
} FixType;

typedef struct Arena Arena;
typedef struct Node Node;

typedef struct Value {
  const char *name;          /* ONNX tensor name, unique in the graph */
  int id;                    /* index in Graph.values */
  DType dt;                  /* element type */
  int rank;                  /* number of dims; 0 = scalar */
  int64_t dims[IR_MAXRANK];  /* static shape */
  void *data;                /* constant contents (dt's C type), or NULL */
  Node *producer;            /* node writing it; NULL for inputs/constants */
  int nuses;                 /* how many node inputs read it */
  int input_index;           /* position among graph inputs, or -1 */
  int output_index;          /* position among graph outputs, or -1 */
  int shape_known;           /* dims are valid (set by import or inference) */
  FixType fx;                /* fixed-point format of integer data (fx.w > 0) */
  int64_t qlo, qhi;          /* range of the stored integers, from interval analysis */
  /* Scaled integers (non-power-of-two quantization scales): the real value
   * is q * 2^-f * rscale[c], c the index along rscale_axis (-1: one scale
   * for the tensor).  rscale == NULL: 1.  Every rscale[c] is > 0. */
  const double *rscale;
  int64_t nrscale;
  int rscale_axis;
  const struct Value *qscale; /* a constant made by folding a float quantizer (and data
                              * movement): its scale per element (float32, same shape),
                              * so data / qscale are the quantizer's integer codes */
  const struct Annot *annot;  /* a graph input's @precision (its quantizer's type), or NULL */
} Value;

typedef enum AttrKind {
  ATTR_FLOAT = 1, ATTR_INT, ATTR_STRING, ATTR_TENSOR, ATTR_FLOATS = 6, ATTR_INTS, ATTR_STRINGS
} AttrKind;

typedef struct Attr {
  const char *name;          /* attribute name */
  AttrKind kind;             /* which of the fields below is meaningful */
  int64_t i;                 /* ATTR_INT */
  double f;                  /* ATTR_FLOAT (float32 in ONNX, held exactly) */
  const char *s;             /* ATTR_STRING */
  int64_t *ints;             /* ATTR_INTS */
  double *floats;            /* ATTR_FLOATS */
  int n;                     /* element count of ints/floats/strings */
  const char **strings;      /* ATTR_STRINGS */
  Value *t;                  /* ATTR_TENSOR: a detached constant Value */
} Attr;

/* A place in a model-language source file (1-based; file NULL: none). */
typedef struct SrcLoc {
  const char *file;
  int line, col;
} SrcLoc;

/* A precision or pruning request a model makes of itself (a .bib file's
 * @precision and @prune, doc/dsl.md) for one node, a graph input or, on the
 * model line, the whole model, in --config's vocabulary: quantize_ptq and prune
 * read them.  The strings are as written (hls4ml types such as
 * "fixed<8,2,RND,SAT>", mode names such as "RND"), each with its place. */
enum { ANNOT_WEIGHT, ANNOT_BIAS, ANNOT_RESULT, ANNOT_ACCUM, ANNOT_ROUNDING, ANNOT_SATURATION,
       ANNOT_NKEYS };
extern const char *const annot_key_names[ANNOT_NKEYS];  /* "weight", ..., "saturation" */
typedef struct Annot {
  const char *key[ANNOT_NKEYS];  /* NULL: not given */
  SrcLoc at[ANNOT_NKEYS];
  double zero_fraction;      /* @prune: the fraction of the weights zeroed; < 0: not given */
  SrcLoc prune_at;
  const char *layer;         /* a model line's @precision(layer=...): for that layer type */
  SrcLoc layer_at;
  const struct Annot *next;  /* the model line: its @precision(layer=...) entries */
} Annot;

struct Node {
  OpKind op;                 /* operator */
  const char *optype;        /* op type as written in the model, for messages */
  const char *name;          /* ONNX node name (may be "") */
  int index;                 /* position in the ONNX graph, for messages */
  SrcLoc loc;                /* where a .bib file wrote it (errors point there), or none */
  int opset;                 /* opset version of the node's domain */
  const Annot *annot;        /* the model's precision / pruning request for it, or NULL */
  Value **in;                /* inputs; NULL entries are absent optionals */
  int nin;
  Value **out;               /* outputs; NULL entries are unused optionals */
  int nout;
  Attr *attrs;
  int nattrs;
  /* Lowering, set by shape inference: */
  const char *kernel;        /* runtime kernel, e.g. "rt_conv_f32"; NULL = none */
  int64_t *ip;               /* integer parameters (kernel-specific layout) */
  int nip;
  double *fp;                /* floating parameters */
  int nfp;
  Value **targs;             /* kernel tensor arguments: inputs, then outputs */
  int ntargs;
};

typedef struct Graph {
  Arena *arena;              /* owns everything below */
  const char *file;          /* source file name, for messages */
  const char *name;          /* graph name */
  Value **values;            /* every value, by id */
  int nvalues, capvalues;
  Node **nodes;              /* topological order */
  int nnodes, capnodes;
  Value **inputs;            /* non-constant graph inputs, in ONNX order */
  int ninputs;
  Value **outputs;           /* graph outputs, in ONNX order */
  int noutputs;
  int opset;                 /* default-domain opset */
  int64_t max_elements;      /* the largest tensor infer_shapes accepts (0: IR_MAX_ELEMENTS) */
  struct OutputDecl *decl;   /* per graph output: the model's declared type, or NULL */
  const Annot *annot;        /* the model-wide precision / pruning request, or NULL */
  int passes;                /* passes run on it so far (0: as read) */
  int lgn_naive;             /* --lgn-naive: backends write logic gates as the model has them */
} Graph;
/* A graph output's type as the model declares it, which shape inference
 * must confirm: dt 0 (undeclared), rank -1 (no shape), dims[d] -1
 * (symbolic, or a placeholder batch size). */
typedef struct OutputDecl {
  DType dt;
  int rank;
  int64_t dims[IR_MAXRANK];
} OutputDecl;
/* The default bound on any one tensor's elements (--max-elements): the
 * models bibc is for hold thousands of weights, and a few bytes of ONNX
 * (a Pad, an Expand, a broadcast) can ask for gigabytes of folded
 * constants, generated code or interpreter memory. */
#define IR_MAX_ELEMENTS ((int64_t)1 << 22)
/* The largest file bibc reads or writes, in MB (the models it is for hold
 * thousands of weights; ONNX's own protobuf limit is 2 GB). */
#define IR_MAX_FILE_MB 256

/* ---- arena.c ---- */
Arena *arena_new(void);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t n);             /* zeroed, 16-aligned */
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) PRINTF(2, 3);

/* ---- error.c ---- */
/* User errors: print one line "FILE: node N (Op "name"): error: MSG" (or
 * "FILE: error: MSG") and exit(1) after removing any registered output
 * file.  Internal errors: die() names the bibc source line and aborts. */
NORETURN void error_at(const char *file, const Node *n, const char *fmt, ...) PRINTF(3, 4);
NORETURN void error_node(const Graph *g, const Node *n, const char *fmt, ...) PRINTF(3, 4);
/* "FILE:LINE:COL: error: MSG", then that line of the source and a caret
 * under column COL (error_node does the same for a node with a loc). */
NORETURN void error_loc(const SrcLoc *loc, const char *fmt, ...) PRINTF(2, 3);
void note(const char *file, const char *fmt, ...) PRINTF(2, 3);
void note_node(const Graph *g, const Node *n, const char *fmt, ...) PRINTF(3, 4);
void error_set_file(const char *file);             /* model named by attr_* errors */
const char *error_file(void);
/* Until the next user error, that error longjmps to *jb (value 1) instead of
 * exiting, printing nothing if quiet; NULL disarms (tests/fuzz uses it). */
void error_trap(jmp_buf *jb, int quiet);
void error_remove_on_exit(const char *path);
void error_remove_tree_on_exit(const char *dir);   /* a folder, with whatever is in it */
void error_keep_output(const char *path);
int remove_tree(const char *path);                 /* path and, if a folder, its contents */
/* Input files by identity (device and inode), so that no output overwrites
 * one whatever its name (a hard link, a symbolic link, "./m.onnx"):
 * file_note_input records a file bibc read; file_input_at returns the
 * recorded input that path names (it exists and is the same file), or NULL. */
void file_note_input(const char *path, uint64_t dev, uint64_t ino);
const char *file_input_at(const char *path);
NORETURN void die_at(const char *srcfile, int line, const char *fmt, ...) PRINTF(3, 4);
#define die(...) die_at(__FILE__, __LINE__, __VA_ARGS__)
#define ASSERT(c) ((c) ? (void)0 : die("assertion failed: %s", #c))

/* ---- graph.c ---- */
Graph *graph_new(const char *file);
Value *value_new(Graph *g, const char *name);
Value *value_find(const Graph *g, const char *name);
Node *node_new(Graph *g, OpKind op, int nin, int nout);     /* appended */
Node *node_insert(Graph *g, int pos, OpKind op, int nin, int nout);
void node_set_int(Graph *g, Node *n, const char *name, int64_t v);
void node_set_ints(Graph *g, Node *n, const char *name, const int64_t *v, int k);
void node_set_floats(Graph *g, Node *n, const char *name, const double *v, int k);
void graph_count_uses(Graph *g);
/* The position (from on) of the only node reading v, if v has one reader
 * and is no graph output (nuses as graph_count_uses left it); else -1. */
int graph_sole_reader(const Graph *g, const Value *v, int from);
/* Whether g or one of its nodes carries an annotation asking for a
 * precision (prune 0) or for pruning (prune 1). */
int graph_annotated(const Graph *g, int prune);
/* Drops the requests for pruning (prune 1) or for precisions (prune 0)
 * from g's annotations: the pass that honoured them calls it, so that a
 * model printed after it (--dump-after) does not ask again. */
void graph_drop_annots(Graph *g, int prune);
int64_t value_numel(const Value *v);
/* Element count of dims, or -1 if it exceeds IR_MAXELEMS (or overflows). */
int64_t dims_numel_checked(const int64_t *dims, int rank);
const char *onnx_dtype_name(int code);             /* any ONNX code, "float16", ... */
size_t dtype_size(DType dt);
const char *dtype_name(DType dt);                  /* "float32", ... */
const char *dtype_suffix(DType dt);                /* "f32", ... */
const char *dtype_ctype(DType dt);                 /* "float", ... */
int dtype_is_float(DType dt);
int dtype_is_valid(int code);
const char *op_name(OpKind op);
int op_lookup(const char *onnx_name);              /* OpKind or -1 */
int op_is_qonnx(OpKind op);                        /* a QONNX/FINN custom op */
int op_is_internal(OpKind op);                     /* made by passes, never imported */
/* hls4ml's layer names (ops.h IR_LAYERS): layer_lookup gives the operator a
 * layer name becomes and its weight rank (-1: no such layer), layer_covers
 * whether a LayerType entry named name applies to op (a layer name or an
 * operator's own name), layer_names lists them ("Dense, Conv1D, Conv2D"). */
int layer_lookup(const char *name, int *wrank);
int layer_covers(const char *name, OpKind op);
const char *layer_names(void);
int op_is_lgn(OpKind op);                          /* a logic-gate network op (LGN_DOMAIN) */
#define LGN_DOMAIN "bibc.lgn"                      /* ONNX domain of IR_LGN_OPS */
/* The operator table's signature columns (ops.h), for the model language's
 * parser and printer: an op takes op_min_inputs(op) to op_max_inputs(op)
 * inputs (-1: any number, a variadic op), gives at most op_max_outputs(op)
 * outputs, and accepts the attributes op_attrs(op) lists with their kinds
 * (in the order ops.h writes them; the array ends with {NULL, 0}). */
typedef struct OpAttrSpec {
  const char *name;
  AttrKind kind;
} OpAttrSpec;
int op_min_inputs(OpKind op);
int op_max_inputs(OpKind op);
int op_max_outputs(OpKind op);
const OpAttrSpec *op_attrs(OpKind op);
const OpAttrSpec *op_attr_spec(OpKind op, const char *name);  /* NULL: op has no such attribute */
const Attr *attr_find(const Node *n, const char *name);
int64_t attr_int(const Node *n, const char *name, int64_t dflt);
double attr_float(const Node *n, const char *name, double dflt);
const char *attr_string(const Node *n, const char *name, const char *dflt);
double value_get_f64(const Value *v, int64_t i);   /* constant element as double */
/* Element i of y's shape taken from constant c broadcast to it (numpy). */
double value_get_bcast(const Value *c, const Value *y, int64_t i);
int64_t value_get_i64(const Value *v, int64_t i);  /* constant element as int64 */
char *shape_str(Arena *a, const Value *v);         /* "[1,3,28,28]" */

/* ---- infer.c and infer_*.c ---- */
/* Checks node n, sets its outputs' dt/rank/dims and lowers it to a kernel
 * call.  Errors go through error_node(). */
void infer_node(Graph *g, Node *n);

/* ---- infer_*.c: geometry ---- */
/* What a lowered node computes, as named fields, decoded from its kernel
 * parameters by the file that writes them, for code that unrolls a node
 * element by element (the netlist builder); the layouts stay private. */
typedef struct Window3 {     /* a sliding window over 3 spatial axes, unit axes in front */
  int64_t in[3], k[3], out[3];  /* input, kernel and output extents */
  int64_t s[3], d[3], pb[3];    /* stride, dilation, padding before */
} Window3;
typedef struct ConvGeom {    /* Conv: Y[b,m,o] = sum over c < cg and the window */
  int64_t batch, groups, cg, mg;  /* N, G, input and output channels per group */
  Window3 w;
} ConvGeom;
void conv_geom(const Node *n, ConvGeom *c);        /* infer_conv.c */
typedef struct PoolGeom {    /* MaxPool over planes = N*C */
  int64_t planes;
  Window3 w;
} PoolGeom;
void pool_geom(const Node *n, PoolGeom *p);        /* infer_conv.c */
typedef struct MatMulGeom {  /* MatMul: [.., m, k] x [.., k, n], batch axes broadcast */
  int64_t m, n, k;
  int r;                     /* batch axes */
  int64_t bd[IR_MAXRANK], as[IR_MAXRANK], bs[IR_MAXRANK];  /* batch dims; A, B strides (0: broadcast) */
} MatMulGeom;
void matmul_geom(const Node *n, MatMulGeom *m);    /* infer_linalg.c (and SparseMatMul) */
typedef struct GemmGeom {    /* Gemm: Y (m,n) = alpha A' B' + beta C */
  int64_t m, n, k;
  int ta, tb;                /* transA, transB */
  int64_t crow, ccol;        /* C[i,j] = C[i*crow + j*ccol] (0: broadcast) */
  double alpha, beta;
} GemmGeom;
void gemm_geom(const Node *n, GemmGeom *m);        /* infer_linalg.c */
/* Clip's bounds b[0] (min) and b[1] (max), from Clip-6's attributes or
 * Clip-11's scalar constant inputs; an absent one is -inf / +inf (a NaN
 * stays NaN); 0 if a bound is computed (not a constant). */
int clip_bounds(const Node *n, double b[2]);       /* infer_elementwise.c */
typedef struct BcastGeom {   /* n-ary elementwise with numpy broadcast */
  int rank, nin;
  const int64_t *dims;       /* output dims [rank] */
  const int64_t *str;        /* input j's strides: str[j * rank + d], 0 on broadcast axes */
} BcastGeom;
void bcast_geom(const Node *n, BcastGeom *b);      /* infer_elementwise.c */
typedef struct AxisGeom {    /* X viewed as [outer, len, inner]: channels or a reduced axis */
  int64_t outer, len, inner;
} AxisGeom;
/* Requant and Threshold (len = channels), ArgMax and TopK (len = the axis). */
void axis_geom(const Node *n, AxisGeom *a);        /* infer.c */

/* ---- verify.c ---- */
void ir_verify(const Graph *g);                    /* die()s on a broken invariant */

/* ---- dump.c ---- */
void ir_dump(const Graph *g, FILE *f);

#endif
