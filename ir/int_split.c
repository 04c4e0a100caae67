/*
 * int_split.c - the split of a fixed-point graph (after lower_fixed) at its
 * float/fixed boundary, which the integer-only C, the HLS C and the netlist
 * share.  Every value gets a stage: PRE (graph inputs and float values
 * computed from them), CORE (fixed-point values: bibc.FromFloat outputs
 * and everything computed from them in integers) or POST (bibc.ToFloat
 * (and bibc.ToInt) outputs and the float tail that reads them, e.g. a
 * Softmax).  The core's arguments are the FromFloat outputs (qin) and the
 * values the ToFloat and ToInt nodes read (qout).  A FromFloat reading a POST value means float
 * computation between fixed-point regions: no integer-only form, and the
 * split names the float node that causes it.  Cost: linear in nodes.
 */
#include "net.h"

enum { PRE, CORE, POST, CONST };

static int is_fixed(const Value *v) { return v && v->fx.w > 0; }

const char *int_ctype(const FixType *t) {
  static const char *const s[] = {"int8_t", "int16_t", "int32_t", "int64_t"};
  static const char *const u[] = {"uint8_t", "uint16_t", "uint32_t", "uint64_t"};
  int k = t->w <= 8 ? 0 : t->w <= 16 ? 1 : t->w <= 32 ? 2 : 3;
  return t->sgn ? s[k] : u[k];
}

/* Records why n keeps the graph from splitting; returns 0. */
static int no_split(IntSplit *s, const Node *n, const char *why) {
  s->why_node = n;
  s->why = why;
  return 0;
}

int int_split(IntSplit *s, Graph *g) {
  Arena *a = g->arena;
  *s = (IntSplit){.g = g};
  char *stage = arena_alloc(a, (size_t)g->nvalues + 1);
  const Node **culprit = arena_alloc(a, sizeof *culprit * (size_t)(g->nvalues + 1));
  s->core = arena_alloc(a, (size_t)g->nnodes + 1);
  s->pre = arena_alloc(a, (size_t)g->nnodes + 1);
  s->post = arena_alloc(a, (size_t)g->nnodes + 1);
  s->qin = arena_alloc(a, sizeof *s->qin * (size_t)(g->nnodes + 1));
  s->qout = arena_alloc(a, sizeof *s->qout * (size_t)(g->nnodes + 1));
  int any = 0;
  for (int i = 0; i < g->nvalues; i++)
    stage[i] = g->values[i]->data ? CONST : PRE;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    int fixed_out = 0, st = PRE;
    for (int k = 0; k < n->nout; k++)
      fixed_out |= is_fixed(n->out[k]);
    for (int k = 0; k < n->nin; k++)
      if (n->in[k] && stage[n->in[k]->id] != CONST && stage[n->in[k]->id] > st)
        st = stage[n->in[k]->id];
    if (n->op == OP_FROMFLOAT) {
      if (st == POST)
        return no_split(s, culprit[n->in[0]->id] ? culprit[n->in[0]->id] : n,
                        "computes in float between fixed-point regions");
      s->pre[i] = 1;
      stage[n->out[0]->id] = CORE;
      s->qin[s->nqin++] = n->out[0];
      any = 1;
      continue;
    }
    if (n->op == OP_TOFLOAT || n->op == OP_TOINT) {
      s->post[i] = 1;
      stage[n->out[0]->id] = POST;
      int seen = 0;
      for (int k = 0; k < s->nqout; k++)
        seen |= s->qout[k] == n->in[0];
      if (!seen)
        s->qout[s->nqout++] = n->in[0];
      any = 1;
      continue;
    }
    if (fixed_out) {  /* integer arithmetic: integer operands and parameters only */
      for (int k = 0; k < n->ntargs; k++) {
        Value *v = n->targs[k];
        int out = 0;
        for (int j = 0; j < n->nout; j++)
          out |= v == n->out[j];
        if (v && dtype_is_float(v->dt))
          return no_split(s, n, "reads a floating-point value in its integer arithmetic");
        if (v && !out && stage[v->id] != CORE && stage[v->id] != CONST)
          return no_split(s, n, "reads a value that is not fixed point in its integer arithmetic");
      }
      for (int k = 0; k < n->nfp; k++)
        if (n->fp[k] != (double)(int64_t)n->fp[k])
          return no_split(s, n, "has a fractional parameter in its integer arithmetic");
      s->core[i] = 1;
      for (int k = 0; k < n->nout; k++)
        if (n->out[k])
          stage[n->out[k]->id] = CORE;
      any = 1;
      continue;
    }
    if (st == CORE)
      return no_split(s, n, "reads a fixed-point value as a float");
    (st == PRE ? s->pre : s->post)[i] = 1;
    for (int k = 0; k < n->nout; k++) {
      if (!n->out[k])
        continue;
      stage[n->out[k]->id] = (char)st;
      for (int j = 0; j < n->nin && st == POST; j++) {
        Value *v = n->in[j];
        if (v && stage[v->id] == POST && !culprit[n->out[k]->id])
          culprit[n->out[k]->id] =
              v->producer && (v->producer->op == OP_TOFLOAT || v->producer->op == OP_TOINT)
                  ? n : culprit[v->id];
      }
    }
  }
  return any;
}

