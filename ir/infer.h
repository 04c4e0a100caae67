/*
 * infer.h - private to ir/infer*.c: the per-op inference functions named in
 * ops.h and the helpers they share for checking nodes and lowering them to a
 * kernel call.
 */
#ifndef BIBC_INFER_H
#define BIBC_INFER_H
#include "ir.h"

#define X(e, name, infer, nmin, nmax, nout, attrs, sem) void infer(Graph *g, Node *n);
IR_ALL_OPS(X)
#undef X

/* Checks nin_min <= (present inputs incl. trailing) <= nin_max. */
void need_inputs(Graph *g, Node *n, int nin_min, int nin_max);
/* Input k must be a constant; "what" names it in the message. */
Value *need_const(Graph *g, Node *n, int k, const char *what);
/* Input k is present (non-NULL and within nin). */
int has_input(const Node *n, int k);
/* Fails unless dt is one of the listed types (terminated by DT_UNDEF). */
void need_dtype(Graph *g, Node *n, DType dt, const DType *allowed);
extern const DType dtypes_float[], dtypes_numeric[], dtypes_all[];
/* Normalizes a possibly negative axis into [0, rank). */
int norm_axis(Graph *g, Node *n, int64_t axis, int rank, const char *what);
/* Sets output k's type and shape. */
void set_output(Node *n, int k, DType dt, int rank, const int64_t *dims);
/* Multidirectional (numpy) broadcast of ins[0..k-1] into rank/dims. */
void broadcast_shapes(Graph *g, Node *n, Value *const *ins, int k, int *rank, int64_t *dims);
/* Strides of v when broadcast to rank/dims (0 on broadcast axes). */
void broadcast_strides(const Value *v, int rank, const int64_t *dims, int64_t *strides);
/* Reads an INTS attribute into out[max]; returns count, or -1 if absent. */
int attr_ints(Graph *g, Node *n, const char *name, int64_t *out, int max);

/* Lowering: lower() names the kernel "FAMILY_SUF" (SUF from dt; no suffix if
 * dt == DT_UNDEF) and sets the tensor arguments to all inputs then all
 * outputs; push_ip/push_fp append parameters. */
void lower(Graph *g, Node *n, const char *family, DType dt);
void push_ip(Graph *g, Node *n, int64_t v);
void push_ips(Graph *g, Node *n, const int64_t *v, int k);
void push_fp(Graph *g, Node *n, double v);
/* Replaces the tensor arguments lower() set with v[0..k-1] (NULL entries
 * for absent optionals), for kernels whose t layout is not "inputs then
 * outputs"; call after lower(). */
void set_targs(Graph *g, Node *n, Value *const *v, int k);
/* Tensor arguments: exactly nin inputs then nout outputs, NULL where the
 * node has none (fixed-arity kernels with optional slots). */
void fixed_targs(Graph *g, Node *n, int nin, int nout);

/* ---- infer_conv.c ---- */
/* Conv's shape checks and window for X = n->in[0] and weight w (bias b or
 * NULL): sets output 0 (element type dt) and pushes rt_conv's ip layout
 * [N, G, C/G, M/G, window...]; call after lower().  Shared with ConvInteger
 * and QLinearConv. */
void conv_lower_window(Graph *g, Node *n, Value *w, Value *b, DType dt);

/* ---- infer_linalg.c ---- */
/* numpy.matmul's shape rule for A and B: sets output 0 (element type dt) and
 * pushes rt_matmul's ip layout [M, N, K, r, bdims[r], astrides[r],
 * bstrides[r]]; call after lower().  Shared with MatMulInteger and
 * QLinearMatMul. */
void matmul_lower_shape(Graph *g, Node *n, Value *a, Value *b, DType dt);

#endif
