/*
 * c_iloops.h - the integer loops' parts shared by c_iloops.c (plan,
 * storage, dispatch), c_isteps.c (elementwise steps) and c_iproduct.c
 * (matrix products), c_iconv.c (Conv); backends.h declares what the other
 * backends call.  Reading order, no circle: c_iloops.c -> c_iproduct.c ->
 * c_iconv.c -> c_isteps.c.
 */
#ifndef BIBC_C_ILOOPS_H
#define BIBC_C_ILOOPS_H
#include "backends.h"

/* c_isteps.c: the shared helpers */
int iloop_int_fixed(const Value *v);        /* an int64 fixed-point value with a range */
const char *iloop_range_type(int64_t lo, int64_t hi);  /* narrowest type holding lo..hi */
/* Prints a constant table in the narrowest signed-capable type of its contents. */
void iloop_table(CGen *c, const char *name, int64_t n, const int64_t *x);
const char *iloop_storage(const CGen *c, const Value *v);  /* its C expression */
/* The steps chained after pos on "v" at flat index e, then the store. */
void iloop_tail(CGen *c, int pos, const char *e, int ind);
const Value *iloop_chain_out(const CGen *c, int pos);  /* the value a chain stores */
/* Sets c->vbits for the chain from pos: 32 when every value it computes,
 * before and after each step, stays within +-2^29, else 64; returns the
 * type of v. */
const char *iloop_chain_type(CGen *c, int pos);
/* "static " for a local array of more than ILOOP_STACK_MAX elements (a
 * wide layer's sums would overflow a thread's stack), else "". */
#define ILOOP_STACK_MAX 4096
const char *iloop_array_class(int64_t n);

/* c_isteps.c: the steps */
const Value *istep_input(const Node *n);    /* the value a step reads (not its constant) */
int istep_takes(const Node *n);
void istep_constants(CGen *c, int pos);
void istep_emit(CGen *c, int pos, const char *e, int ind);  /* v = step(v) at flat index e */

/* c_iconv.c */
int iconv_takes(const Node *n);
void iconv_constants(CGen *c, int pos);
void iconv_emit(CGen *c, int pos);

/* c_iproduct.c (and Conv, by c_iconv.c) */
int iproduct_takes(const Node *n);
void iproduct_constants(CGen *c, int pos);
void iproduct_emit(CGen *c, int pos);

#endif
