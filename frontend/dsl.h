/*
 * dsl.h - the model language's parser (dsl.y, dsl.l: bison and flex, both
 * generated at build time) and the builder its actions call (dsl_build.c),
 * which turns each statement into IR as it is read: the same Graph the ONNX
 * importer builds.  The language: doc/dsl.md.
 */
#ifndef BIBC_DSL_H
#define BIBC_DSL_H
#include <string.h>

#include "frontend.h"

/* Every number of the file (and its includes) as written, in order: each
 * literal is a range of this one store, so a nested list costs nine bytes
 * per number however deep.  kind[k]: NUM_FLOAT (bits hold a double),
 * NUM_INT (an int64), NUM_BIG (a uint64 above INT64_MAX). */
enum { NUM_FLOAT, NUM_INT, NUM_BIG };
#define DSL_MAX_NUMS ((int64_t)1 << 22)  /* inline numbers per model: larger constants go in .npy files */
typedef struct DslNums {
  uint64_t *bits;
  char *kind;
  int64_t n, cap;
} DslNums;

/* A literal: numbers (the range [start, start + n) of the store; a bare
 * number has scalar set), a string, or a typed tensor (TYPE[dims] followed
 * by numbers or a file). */
typedef enum DslValKind { DV_NUMS, DV_STRING, DV_TENSOR } DslValKind;
typedef struct DslVal {
  DslValKind kind;
  int64_t start, n;          /* DV_NUMS */
  int scalar;                /* DV_NUMS: one number without brackets */
  const char *s;             /* DV_STRING */
  Value *t;                  /* DV_TENSOR: a detached constant */
  SrcLoc loc;
} DslVal;

/* An element type and shape, as in "float32[1, 16]" (rank 0: "float32"). */
typedef struct DslType {
  DType dt;
  int rank;
  int64_t dims[IR_MAXRANK];
  SrcLoc loc;
  const char *fix;           /* an input's fixed-point type, hls4ml spelling (dt: float32), or NULL */
} DslType;

/* A node's argument: a value by name, _ (an absent input), a literal (an
 * inline constant input), or name=literal (an attribute).  Lists are built
 * backwards by the parser and turned around once (dsl_*_reverse). */
typedef struct DslArg {
  const char *name;          /* the value's name, or the attribute's */
  DslVal *val;               /* literal, or NULL for a value reference */
  int attr;                  /* name=val */
  int absent;                /* _ */
  SrcLoc loc;
  struct DslArg *next;
} DslArg;

typedef struct DslName {     /* a list of names (outputs) */
  const char *name;          /* NULL: _, an unused output */
  SrcLoc loc;
  struct DslName *next;
} DslName;

typedef struct DslSym {      /* the values defined so far, by name */
  const char *name;
  Value *v;
  SrcLoc loc;
  struct DslSym *next;
} DslSym;

typedef struct DslFile {     /* the files being read: include cycles */
  const char *path;
  uint64_t dev, ino;
  const struct DslFile *up;
} DslFile;

typedef struct Dsl {
  Graph *g;
  const DslFile *file;       /* the file being parsed (innermost include) */
  DslSym **syms;             /* hash table */
  int64_t nsyms, capsyms;
  Value **inputs, **outputs; /* growing; copied into g at the end */
  int ninputs, noutputs, capinputs, capoutputs;
  int nodes;                 /* statements that made a node */
  DslNums nums;              /* every number literal (malloc'd, freed by dsl_import) */
  int opset_set;             /* an opset statement was read */
  int annot_line;            /* line of an annotation no statement has taken yet, or 0 */
  const ConstBinding *binds;
  int nbinds;
  char *bound;               /* bound[b]: binds[b] named an input */
} Dsl;

#define DSL_DEFAULT_OPSET 13  /* a model without an opset statement */

/* dsl_build.c: the parser's actions */
void dsl_parse_file(Dsl *d, const char *path, const SrcLoc *from);  /* from: the include, or NULL */
void dsl_model(Dsl *d, const char *name, const Annot *annot);
void dsl_opset(Dsl *d, int64_t version, const SrcLoc *loc);
void dsl_include(Dsl *d, const char *path, const SrcLoc *loc);
void dsl_input(Dsl *d, const char *name, const SrcLoc *loc, const DslType *t,
               const Annot *annot);
/* `input NAME: T in [lo, hi]` after dsl_input: bounds holds the two
 * numbers; dsl_check_range (dsl_sugar.c) checks them and gives them in b. */
void dsl_input_range(Dsl *d, const char *name, const DslType *t, const DslVal *bounds);
void dsl_check_range(const Dsl *d, const char *name, const DslType *t, const DslVal *bounds,
                     double b[2]);
void dsl_const(Dsl *d, const char *name, const SrcLoc *loc, const DslType *t, DslVal *init);
void dsl_node(Dsl *d, const char *label, DslName *outs, const char *op, const SrcLoc *oploc,
              DslArg *args, const Annot *annot);
/* dsl_sugar.c: adds @what(args) at loc to a (NULL: a new one); returns it. */
Annot *dsl_annot(Dsl *d, Annot *a, const char *what, const SrcLoc *loc, DslArg *args);
/* A fixed-point element type as written (fixed<W,I...>, ufixed<...>,
 * int<W>, ap_ forms, or bibc's exact fixed<s,W,F>) in hls4ml's spelling;
 * NULL if s is none. */
const char *dsl_fixed_type(Dsl *d, const char *s);
/* The fraction bits of a fixed-point type in hls4ml spelling (W - I), or
 * INT32_MIN if s is not one (quantize_ptq checks it in full). */
int dsl_fixed_frac(const char *s);
/* An input's annotation: a's, with the result type t->fix gives; checks
 * what an input may carry (no @prune, no weight, bias or accum). */
const Annot *dsl_input_annot(Dsl *d, const Annot *a, const DslType *t);
/* An operator's annotation: one for a layer type is an error. */
void dsl_node_annot(const Annot *a);
/* A layer name's node (layer_lookup, ir.h) has a weight (input 1) of the
 * layer's rank. */
void dsl_check_layer(const Node *n, int wrank, const SrcLoc *loc);
/* The value of number k of the store as a double. */
static inline double dsl_num_f(const Dsl *d, int64_t k) {
  double f;
  switch (d->nums.kind[k]) {
  case NUM_INT: return (double)(int64_t)d->nums.bits[k];
  case NUM_BIG: return (double)d->nums.bits[k];
  default: memcpy(&f, &d->nums.bits[k], sizeof f); return f;
  }
}
void dsl_output(Dsl *d, DslName *names);
DslType *dsl_type(Dsl *d, const char *dtype, const SrcLoc *loc);
DslVal *dsl_tensor(Dsl *d, const DslType *t, DslVal *init);      /* TYPE[dims] list */
DslVal *dsl_file_tensor(Dsl *d, const char *path, const SrcLoc *loc);  /* file "x.npy" */
/* Appends a number to the store, returns its index: an integer given as
 * its magnitude u and sign, or a double. */
int64_t dsl_int(Dsl *d, uint64_t u, int neg, const SrcLoc *loc);
int64_t dsl_float(Dsl *d, double f, const SrcLoc *loc);
DslVal *dsl_nums(Dsl *d, int64_t start, int64_t n, int scalar, const SrcLoc *loc);
DslName *dsl_names_reverse(DslName *l);
DslArg *dsl_args_reverse(DslArg *l);
void *dsl_alloc(Dsl *d, size_t n);

#endif
