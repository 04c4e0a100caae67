/*
 * net_eval.c - the netlist evaluator: one forward sweep over the nodes in
 * their topological order, each op's semantics as net.h's table states
 * them, in int64 (every value is below 2^NET_MAXBITS, so nothing
 * overflows).  Rounding and wrapping are rt_fixed.h's functions, the same
 * the interpreter's kernels call, so the evaluator agrees with 'bibc run
 * --fixed' on the core bit for bit.  A REG passes its operand through: the
 * evaluator computes what one inference produces, whatever the pipeline.
 * Cost: one pass over the nodes per sample.
 */
#include <stdlib.h>

#include "net.h"
#include "../runtime/rt_fixed.h"

NetRound net_round_plan(int s, int64_t mode, int64_t c) {
  NetRound p = {.s = s, .c = c};
  int64_t h = (int64_t)1 << (s - 1), m = ((int64_t)1 << s) - 1;
  switch (mode) {
  case RT_RND_FLOOR: break;
  case RT_RND_CEIL: p.pos = p.neg = m; break;
  case RT_RND_TRUNC: p.neg = m; break;
  case RT_RND_AWAY: p.pos = m; break;
  case RT_RND_HALF_UP: p.pos = p.neg = h; break;
  case RT_RND_HALF_DOWN: p.pos = p.neg = h - 1; break;
  case RT_RND_HALF_EVEN: p.pos = p.neg = h, p.even = 1; break;
  case RT_RND_HALF_AWAY: p.pos = h, p.neg = h - 1; break;
  default: p.pos = h - 1, p.neg = h; break;  /* HALF_ZERO */
  }
  p.pos += c, p.neg += c;
  return p;
}

NetRound net_round_of(const Net *net, const NetNode *n) {
  return net_round_plan(n->s, n->k, net->nodes[n->b].k);
}

void net_round_sum(const Net *net, const NetNode *n, int64_t *lo, int64_t *hi) {
  const NetNode *a = &net->nodes[n->a];
  NetRound p = net_round_of(net, n);
  *lo = a->lo + (p.pos < p.neg ? p.pos : p.neg);
  *lo = *lo < a->lo ? *lo : a->lo;
  *hi = a->hi + (p.pos > p.neg ? p.pos : p.neg);
}

int net_round_wires(const NetRound *p) {
  if (p->pos != p->neg || !p->pos)
    return 0;
  int z = 0;
  while (!((uint64_t)p->pos >> z & 1))
    z++;
  return z;
}

int64_t net_round_eval(const NetRound *p, int64_t x) {
  int64_t sum = x + (x + p->c < 0 ? p->neg : p->pos), r = rt_fx_floor_shr(sum, p->s);
  int64_t rem = sum - rt_fx_shl(r, p->s);  /* the low s bits of sum */
  return p->even && rem == 0 ? r - (int64_t)((uint64_t)r & 1) : r;
}

int64_t net_eval_node(const Net *net, const NetNode *n, const int64_t *v) {
  switch ((NetOp)n->op) {
  case NET_CONST: return n->k;
  case NET_ADD: return v[n->a] + rt_fx_shl(v[n->b], n->s);
  case NET_SUB: return v[n->a] - rt_fx_shl(v[n->b], n->s);
  case NET_NEG: return -v[n->a];
  case NET_SHL: return rt_fx_shl(v[n->a], n->s);
  case NET_MUL: return v[n->a] * v[n->b];
  case NET_MAX: return v[n->a] > v[n->b] ? v[n->a] : v[n->b];
  case NET_MIN: return v[n->a] < v[n->b] ? v[n->a] : v[n->b];
  case NET_GE: return v[n->a] >= v[n->b];
  case NET_MUX: return v[n->a] ? v[n->b] : v[n->c];
  case NET_GATE: return net_gate(n->k, v[n->a], v[n->b]);
  case NET_LUT: {
    NetId x[NET_MAXARGS];
    int64_t i = 0;
    for (int j = 0, na = net_args(n, x); j < na; j++)
      i |= v[x[j]] << j;
    return net_lut_bit(n->k, i);
  }
  case NET_ROUND: return rt_fx_round(v[n->a] + v[n->b], n->s, n->k);
  case NET_CLAMP: {
    int64_t x = v[n->a], lo = v[n->b], hi = v[n->c];
    return x < lo ? lo : x > hi ? hi : x;
  }
  case NET_WRAP: return rt_fx_wrap(v[n->a], n->s, n->k);
  case NET_REG: return v[n->a];
  case NET_CAT: return v[n->a] + rt_fx_shl(v[n->b], n->s);
  case NET_TABLE: return net->tables[n->k].v[v[n->a]];
  default: die("net_eval_node: op %d", n->op);
  }
}

void net_eval(const Net *net, const int64_t *const *in, int64_t *const *out, int64_t *scratch) {
  int64_t *v = scratch ? scratch : malloc(sizeof *v * (size_t)(net->nnodes + 1));
  if (!v)
    die("out of memory");
  for (int64_t i = 0; i < net->nnodes; i++) {
    const NetNode *n = &net->nodes[i];
    v[i] = n->op == NET_INPUT ? in[n->s][n->k] : net_eval_node(net, n, v);
    if (v[i] < n->lo || v[i] > n->hi)
      die("net node %lld (%s): value %lld outside its interval [%lld, %lld]", (long long)i,
          net_op_name(n->op), (long long)v[i], (long long)n->lo, (long long)n->hi);
  }
  for (int p = 0; p < net->nout; p++)
    for (int64_t e = 0; e < net->out[p].n; e++)
      out[p][e] = v[net->out[p].el[e]];
  if (!scratch)
    free(v);
}
