/*
 * lower_fixed.h - shared by the two files of the lower_fixed pass:
 * lower_fixed.c (the sweep, sums and data movement), lower_fixed_linear.c
 * (products with a constant) and lower_fixed_quant.c (quantizers).
 */
#ifndef BIBC_LOWER_FIXED_H
#define BIBC_LOWER_FIXED_H
#include "../compiler.h"

typedef struct Fixer {
  Graph *g;
  int pos;                   /* index of the node being rewritten */
  Value **as_float;          /* per value id: its ToFloat copy, if made */
  int cap;                   /* entries in as_float */
  DType *model_dt;           /* per value id (< nmodel): the element type the float model
                              * gives a value a logic layer turned fixed (0: float32) */
  int nmodel;
} Fixer;

static inline int is_fixed(const Value *v) { return v && v->fx.w > 0; }
static inline __int128 min2(__int128 a, __int128 b) { return a < b ? a : b; }
static inline __int128 max2(__int128 a, __int128 b) { return a > b ? a : b; }
/* Gives v format f and integer range [lo, hi] (user error beyond 63 bits). */
void set_fixed(Fixer *F, Node *n, Value *v, int f, __int128 lo, __int128 hi);
/* Smallest f with every element of c times 2^f an integer (INT32_MIN: none). */
int exact_frac(const Value *c);
Value *const_to_fixed(Fixer *F, Node *n, Value *c, int f);
Value *fixed_const(Fixer *F, Node *n, Value *c, int fmin);
Node *insert_before(Fixer *F, Node *at, OpKind op, Value *in, const char *suffix);
Value *align(Fixer *F, Node *at, Value *x, int f);
Value *to_float(Fixer *F, Node *at, Value *x);   /* ToFloat of x, made once */
void float_op(Fixer *F, Node *n);                /* fixed inputs of n read as float */
void replace_uses(Graph *g, Value *from, Value *to, int start);

/* lower_fixed_linear.c */
void fix_matmul(Fixer *F, Node *n);  /* MatMul by a constant (or SparseMatMul) */
void fix_gemm(Fixer *F, Node *n);    /* MatMul (B transposed if transB) + Add of C */
void fix_conv(Fixer *F, Node *n);    /* Conv with constant weights */

/* lower_fixed_quant.c */
void fix_quant(Fixer *F, Node *n);
void fix_bipolar(Fixer *F, Node *n);
void fix_multithreshold(Fixer *F, Node *n);
/* The codes of constant b made by a folded quantizer with one scale per
 * index of b's axis that is not a power of two (*sw: those scales), or NULL. */
Value *weight_codes(Fixer *F, Node *n, Value *b, int axis, const double **sw);
/* *sy = x's scale (per tensor) times sw[0..nc-1] (*ns of them; NULL and 0
 * when neither has a scale); 0 if a product is not exact in double. */
int product_scale(Fixer *F, const Value *x, const double *sw, int64_t nc, double **sy, int64_t *ns);
/* y gets the scales s[0..ns-1] along axis (per tensor if ns == 1). */
void set_scale(Value *y, double *s, int64_t ns, int axis);

#endif
