/*
 * cmvm.h - constant matrix-vector multiplication as a shared adder graph
 * (distributed arithmetic): y = W x with W a constant integer matrix
 * becomes shifts and two-operand additions, shared between the outputs.
 * cmvm.c explains the algorithm; the `da` pass (passes/da.c) applies it
 * to the netlist and bench/cmvm measures it.
 *
 * The result is a list of variables: the inputs, then one adder each,
 *   v = (a << sa) + (b << sb)     or     v = (a << sa) - (b << sb),
 * with one of sa, sb zero, in creation order (operands first), and per
 * output one term +-(v << e) or nothing (an all-zero row).  Pure integer
 * arithmetic: no netlist, no graph; the caller maps variables to nodes.
 */
#ifndef BIBC_CMVM_H
#define BIBC_CMVM_H
#include <stdint.h>

typedef struct CmvmVar {
  int32_t a, b;              /* operand variables; -1 for an input */
  int8_t sa, sb;             /* their left shifts (one is 0) */
  int8_t sub;                /* 1: a - b */
  int8_t shared;             /* made by common-subexpression elimination */
  int32_t depth;             /* adder levels after the earliest input */
  int64_t lo, hi;            /* exact (Cmvm.exact); else from the operands, outputs from their rows */
} CmvmVar;

typedef struct CmvmOut {
  int32_t v;                 /* variable, or -1: the output is 0 */
  int32_t e;                 /* left shift */
  int32_t neg;               /* the output is -(v << e) */
} CmvmOut;

/* Pattern weights for common-subexpression elimination (bench/cmvm
 * compares them; cmvm_options has the ones that won). */
enum {
  CMVM_W_COUNT,              /* occurrences */
  CMVM_W_WIDTH,              /* occurrences x the new adder's bit width */
  CMVM_W_COUNT_NARROW,       /* occurrences, ties: the narrower adder */
  CMVM_W_OVERLAP,            /* occurrences x the narrower operand's bits (da4ml's wmc) */
  CMVM_W_NKINDS
};

typedef struct CmvmOptions {
  int cse;                   /* 0: no sharing (CSD trees per output) */
  int weight;                /* CMVM_W_* */
  int max_depth;             /* extra adder levels sharing may add over the
                                shallowest tree of an output's CSD terms; < 0: no limit */
  int tries;                 /* greedy runs with different tie-breaks; the fewest adders win (>= 1) */
  int oldest_first;          /* ties between patterns of equal weight: the one seen first
                                (default 0: the one seen last; bench/cmvm compares them) */
  int decompose;             /* also try outputs as a spanning tree of differences (cmvm_decompose.c) */
  int cost;                  /* what the best candidate graph has least of: CMVM_COST_* */
} CmvmOptions;

/* What cmvm_solve minimizes among its candidate graphs. */
enum {
  CMVM_COST_ADDERS,          /* adders (+ negations), then depth, then adder bits */
  CMVM_COST_LUTS             /* adder bits (about one LUT each), then adders, then depth */
};

/* The options that won in bench/cmvm for a cost: CMVM_COST_ADDERS with
 * CMVM_W_OVERLAP (fewest adders: the benchmark's table), CMVM_COST_LUTS
 * with CMVM_W_COUNT_NARROW (1-2 % fewer adder bits on the users' models
 * for ~1 % more adders; the da pass's default). */
CmvmOptions cmvm_options(int cost);
extern const CmvmOptions cmvm_defaults;  /* cmvm_options(CMVM_COST_ADDERS) */

typedef struct Cmvm {
  int nin, nout;
  CmvmVar *vars;             /* nin inputs, then the adders */
  int32_t nvars, capvars;
  CmvmOut *out;
  int64_t adders;            /* two-operand additions and subtractions: nvars - nin */
  int64_t negations;         /* outputs that are negative single terms (a NEG unless folded) */
  int64_t adder_bits;        /* sum of the adders' widths (carry-chain bits, wired low bits excluded) */
  int depth;                 /* deepest output, in adder levels */
  int exact;                 /* the adders' intervals are exact (else: interval arithmetic) */
} Cmvm;

/* Solves y = W x: W is nout x nin, row-major (W[o * nin + i]); input i has
 * interval [lo[i], hi[i]] and is available after depth[i] adder levels (NULL:
 * 0).  Returns NULL with *why set when the problem is beyond the limits
 * (coefficients or sizes that would take more than bounded time or memory).
 * Deterministic. */
Cmvm *cmvm_solve(const int64_t *W, int nout, int nin, const int64_t *lo, const int64_t *hi,
                 const int32_t *depth, const CmvmOptions *o, const char **why);
void cmvm_free(Cmvm *m);

/* Nonzero canonical signed digits of c (its terms). */
int cmvm_digits(int64_t c);

/* ---- cmvm.c, for cmvm_solve (cmvm_decompose.c) ---- */
/* One greedy run of cmvm.c's algorithm (attempt > 0: hashed tie-breaks). */
Cmvm *cmvm_run(const int64_t *W, int nout, int nin, const int64_t *lo, const int64_t *hi,
               const int32_t *depth, const CmvmOptions *o, int attempt);
/* ---- cmvm_graph.c ---- */
/* Bits of [lo, hi] (two's complement when lo < 0). */
int cmvm_width(int64_t lo, int64_t hi);
/* *v = the adder (a << sa) +- (b << sb) over vars: depth and interval from
 * the operands' (interval arithmetic). */
void cmvm_var_set(CmvmVar *v, const CmvmVar *vars, int32_t a, int sa, int32_t b, int sb, int sub);
/* Appends the adder (a << sa) +- (b << sb); returns its variable. */
int32_t cmvm_add(Cmvm *m, int32_t a, int sa, int32_t b, int sb, int sub);
/* Recomputes adders, negations, adder bits and depth. */
void cmvm_finish(Cmvm *m);
/* Evaluates the graph on x (nin values): y (nout values); for tests. */
void cmvm_eval(const Cmvm *m, const int64_t *x, int64_t *y);

#endif
