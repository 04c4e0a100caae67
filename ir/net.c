/*
 * net.c - the netlist level (net.h): construction with interval analysis
 * (net_check.c verifies and prints a net).
 *
 * Every node gets its exact interval when it is added: the ops are
 * monotone in each operand (or, for MUL, take their extremes at the
 * corners), so the interval of the result follows from the operands'
 * intervals, computed in 128-bit arithmetic and refused beyond
 * 2^NET_MAXBITS.  The width is what that interval needs (two's complement
 * if it reaches below 0).  Constants are shared: one CONST node per value
 * (an open-addressing hash), so a weight used by many products is one node.
 */
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "../runtime/rt_fixed.h"

static const struct {
  const char *name;
  int nargs, depth;
} ops[] = {
#define X(e, name, nargs, depth, sem) {name, nargs, depth},
  NET_OPS(X)
#undef X
};

const char *net_op_name(NetOp op) { return op < NET_COUNT ? ops[op].name : "?"; }
int net_op_nargs(NetOp op) { return op < NET_COUNT ? ops[op].nargs : 0; }
int net_depth(NetOp op) { return op < NET_COUNT ? ops[op].depth : 0; }
int net_node_depth(const NetNode *n) {
  return n->op == NET_TABLE ? 1 + (n->s > 6 ? (n->s - 5) / 2 : 0) : net_depth((NetOp)n->op);
}

Net *net_new(Graph *g) {
  Net *net = arena_alloc(g->arena, sizeof *net);
  net->arena = g->arena;
  net->g = g;
  net->layer = -1;
  net->cap = 1024;
  net->nodes = arena_alloc(g->arena, sizeof *net->nodes * (size_t)net->cap);
  net->elems = arena_alloc(g->arena, sizeof *net->elems * (size_t)(g->nvalues + 1));
  return net;
}

static int bits_of(uint64_t x) {
  int b = 0;
  for (; x; x >>= 1)
    b++;
  return b;
}

int net_width(int64_t lo, int64_t hi) {
  if (lo < 0) {
    int a = bits_of((uint64_t)(-(lo + 1))), b = hi > 0 ? bits_of((uint64_t)hi) : 0;
    return 1 + (a > b ? a : b);
  }
  return hi > 0 ? bits_of((uint64_t)hi) : 1;
}

static __int128 min4(__int128 a, __int128 b, __int128 c, __int128 d) {
  __int128 m = a < b ? a : b, n = c < d ? c : d;
  return m < n ? m : n;
}

static __int128 max4(__int128 a, __int128 b, __int128 c, __int128 d) {
  __int128 m = a > b ? a : b, n = c > d ? c : d;
  return m > n ? m : n;
}

/* The interval in 128 bits (so a too-wide result can be reported, not wrapped). */
static void interval128(const Net *net, const NetNode *n, __int128 *lo, __int128 *hi) {
  const NetNode *a = n->a >= 0 ? &net->nodes[n->a] : NULL, *b = n->b >= 0 ? &net->nodes[n->b] : NULL;
  const NetNode *c = n->c >= 0 ? &net->nodes[n->c] : NULL;
  __int128 sh = (__int128)1 << (n->s > 0 && n->s < 100 ? n->s : 0);
  switch ((NetOp)n->op) {
  case NET_INPUT: *lo = n->lo, *hi = n->hi; return;
  case NET_CONST: *lo = *hi = n->k; return;
  case NET_ADD: *lo = a->lo + b->lo * sh, *hi = a->hi + b->hi * sh; return;
  case NET_SUB: *lo = a->lo - b->hi * sh, *hi = a->hi - b->lo * sh; return;
  case NET_NEG: *lo = -(__int128)a->hi, *hi = -(__int128)a->lo; return;
  case NET_SHL: *lo = a->lo * sh, *hi = a->hi * sh; return;
  case NET_MUL: {
    __int128 p = (__int128)a->lo * b->lo, q = (__int128)a->lo * b->hi;
    __int128 r = (__int128)a->hi * b->lo, t = (__int128)a->hi * b->hi;
    *lo = min4(p, q, r, t), *hi = max4(p, q, r, t);
    return;
  }
  case NET_MAX:
    *lo = a->lo > b->lo ? a->lo : b->lo, *hi = a->hi > b->hi ? a->hi : b->hi;
    return;
  case NET_MIN:
    *lo = a->lo < b->lo ? a->lo : b->lo, *hi = a->hi < b->hi ? a->hi : b->hi;
    return;
  case NET_GE:
    *lo = a->lo >= b->hi, *hi = a->hi >= b->lo;
    return;
  case NET_MUX:
    if (a->lo == a->hi) {  /* a decided condition selects one side */
      const NetNode *s = a->lo ? b : c;
      *lo = s->lo, *hi = s->hi;
      return;
    }
    *lo = b->lo < c->lo ? b->lo : c->lo, *hi = b->hi > c->hi ? b->hi : c->hi;
    return;
  case NET_ROUND:
    *lo = rt_fx_round(a->lo + b->k, n->s, n->k), *hi = rt_fx_round(a->hi + b->k, n->s, n->k);
    return;
  case NET_CLAMP: {
    int64_t l = b->k, h = c->k;
    *lo = a->lo < l ? l : a->lo > h ? h : a->lo;
    *hi = a->hi < l ? l : a->hi > h ? h : a->hi;
    return;
  }
  case NET_WRAP: {
    __int128 tlo = n->k ? -((__int128)1 << (n->s - 1)) : 0;
    __int128 thi = n->k ? ((__int128)1 << (n->s - 1)) - 1 : ((__int128)1 << n->s) - 1;
    if (a->lo >= tlo && a->hi <= thi)
      *lo = a->lo, *hi = a->hi;
    else
      *lo = tlo, *hi = thi;
    return;
  }
  case NET_REG: *lo = a->lo, *hi = a->hi; return;
  case NET_CAT: *lo = a->lo + b->lo * sh, *hi = a->hi + b->hi * sh; return;
  case NET_TABLE: {  /* over the entries the index's interval reaches */
    const NetTable *t = &net->tables[n->k];
    *lo = t->v[a->lo], *hi = t->v[a->lo];
    for (int64_t i = a->lo; i <= a->hi; i++)
      *lo = t->v[i] < *lo ? t->v[i] : *lo, *hi = t->v[i] > *hi ? t->v[i] : *hi;
    return;
  }
  case NET_LUT: {  /* over the operand bits their intervals allow, a repeated one alike */
    NetId x[NET_MAXARGS];
    int nx = net_args(n, x);
    *lo = 1, *hi = 0;
    for (int64_t i = 0; i < (int64_t)1 << nx; i++) {
      int ok = 1;
      for (int j = 0; j < nx; j++) {
        int64_t bit = i >> j & 1;
        ok &= bit >= net->nodes[x[j]].lo && bit <= net->nodes[x[j]].hi;
        for (int m = 0; m < j; m++)
          ok &= x[m] != x[j] || (i >> m & 1) == bit;
      }
      if (!ok)
        continue;
      int64_t v = net_lut_bit(n->k, i);
      *lo = v < *lo ? v : *lo;
      *hi = v > *hi ? v : *hi;
    }
    return;
  }
  case NET_GATE:  /* over the operand bits their intervals allow (a decided gate is a constant) */
    *lo = 1, *hi = 0;
    for (int64_t x = a->lo; x <= a->hi; x++)
      for (int64_t y = b->lo; y <= b->hi; y++) {
        if (n->a == n->b && x != y)  /* one bit read twice */
          continue;
        int64_t v = net_gate(n->k, x, y);
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
      }
    return;
  default: die("bad net op %d", n->op);
  }
}

void net_interval(const Net *net, const NetNode *n, int64_t *lo, int64_t *hi) {
  __int128 l, h;
  interval128(net, n, &l, &h);
  *lo = (int64_t)l;
  *hi = (int64_t)h;
}

static const Node *layer_node(const Net *net) {
  return net->layer >= 0 && net->layer < net->g->nnodes ? net->g->nodes[net->layer] : NULL;
}

/* A gate that passes one operand through over the operands' ranges (ids 3
 * and 5, a & 1, a | 0, ...): that operand, or -1. */
static NetId gate_identity(const NetNode *n, const NetNode *a, const NetNode *b) {
  int is_a = 1, is_b = 1;
  for (int64_t x = a->lo; x <= a->hi; x++)
    for (int64_t y = b->lo; y <= b->hi; y++) {
      if (n->a == n->b && x != y)  /* one bit read twice: a & a is a */
        continue;
      is_a &= net_gate(n->k, x, y) == x;
      is_b &= net_gate(n->k, x, y) == y;
    }
  return is_a ? n->a : is_b ? n->b : -1;
}

/* A node that computes nothing new: the operand it equals, or -1. */
static NetId identity(const Net *net, const NetNode *n) {
  const NetNode *a = n->a >= 0 ? &net->nodes[n->a] : NULL, *b = n->b >= 0 ? &net->nodes[n->b] : NULL;
  int bz = b && b->op == NET_CONST && b->k == 0;
  switch ((NetOp)n->op) {
  case NET_ADD: case NET_SUB: return bz ? n->a : n->op == NET_ADD && !n->s && a->op == NET_CONST && a->k == 0 ? n->b : -1;
  case NET_SHL: return n->s == 0 ? n->a : -1;
  case NET_MUL:
    return b->op == NET_CONST && b->k == 1 ? n->a : a->op == NET_CONST && a->k == 1 ? n->b : -1;
  case NET_MAX: return a->lo >= b->hi ? n->a : b->lo >= a->hi ? n->b : -1;
  case NET_MIN: return a->hi <= b->lo ? n->a : b->hi <= a->lo ? n->b : -1;
  case NET_MUX: return a->lo == a->hi ? (a->lo ? n->b : n->c) : -1;
  case NET_CLAMP: return a->lo >= b->k && a->hi <= net->nodes[n->c].k ? n->a : -1;
  case NET_GATE: return gate_identity(n, a, b);
  default: return -1;
  }
}

/* Appends node t (op, operands and parameters set), computing its interval
 * and width; returns the id it gets, or the CONST or operand it equals. */
static NetId append(Net *net, NetNode t) {
  if (net->nnodes >= NET_MAXNODES)
    error_node(net->g, layer_node(net), "the model unrolls into more than %lld scalar operations; "
               "bibc's hardware backends handle smaller models", (long long)NET_MAXNODES);
  if (net->nnodes == net->cap) {
    NetNode *p = arena_alloc(net->arena, sizeof *p * (size_t)net->cap * 2);
    memcpy(p, net->nodes, sizeof *p * (size_t)net->nnodes);
    net->nodes = p;
    net->cap *= 2;
  }
  NetNode *n = &net->nodes[net->nnodes];
  *n = t;
  n->layer = net->layer;
  if (n->op == NET_INPUT) {  /* net_input sets the interval */
    n->lo = n->hi = 0;
    return (NetId)net->nnodes++;
  }
  __int128 lo, hi, lim = (__int128)1 << NET_MAXBITS;
  interval128(net, n, &lo, &hi);
  if (lo <= -lim || hi >= lim)
    error_node(net->g, layer_node(net), "an intermediate value needs more than %d bits; bibc's "
               "hardware backends cannot represent it (quantize the model more coarsely)",
               NET_MAXBITS + 1);
  n->lo = (int64_t)lo;
  n->hi = (int64_t)hi;
  n->sgn = lo < 0;
  n->w = (uint8_t)net_width(n->lo, n->hi);
  if (n->op != NET_CONST && n->op != NET_REG && !(n->op == NET_GATE && net->raw_gates)) {  /* known results need no node */
    NetId same = identity(net, n);
    if (same >= 0)
      return same;
    if (lo == hi)
      return net_const(net, (int64_t)lo);
  }
  return (NetId)net->nnodes++;
}

NetId net_add(Net *net, NetOp op, NetId a, NetId b, NetId c, int32_t s, int64_t k) {
  if (op == NET_LUT || op == NET_TABLE)
    die("net_add: a %s is made by net_%s", net_op_name(op), net_op_name(op));
  return append(net, (NetNode){.op = (uint8_t)op, .s = s, .a = a, .b = b, .c = c,
                               .more = {NET_NONE, NET_NONE, NET_NONE}, .k = k});
}

uint64_t net_lut_drop(uint64_t t, int n, int j, int src, int v) {
  uint64_t r = 0;
  for (int i = 0; i < 1 << (n - 1); i++) {
    int low = i & ((1 << j) - 1), old = (i >> j) << (j + 1) | low;  /* bit j of old: 0 */
    int bit = src < 0 ? v : low >> src & 1;
    r |= (t >> (old | bit << j) & 1) << i;
  }
  return r;
}

NetId net_lut(Net *net, const NetId *x, int n, uint64_t t) {
  if (n < 0 || n > NET_MAXARGS)
    die("net_lut: %d operands", n);
  NetId y[NET_MAXARGS];
  memcpy(y, x, sizeof *y * (size_t)n);
  if (n < NET_MAXARGS)
    t &= ((uint64_t)1 << (1 << n)) - 1;
  for (int j = n - 1; j >= 0; j--) {  /* a decided operand or a repeated one: out */
    const NetNode *o = &net->nodes[y[j]];
    int src = -1;
    for (int m = 0; m < j; m++)
      src = y[m] == y[j] ? m : src;
    if (o->lo != o->hi && src < 0)
      continue;
    t = net_lut_drop(t, n, j, src, (int)o->lo);
    memmove(y + j, y + j + 1, sizeof *y * (size_t)(n - 1 - j));
    n--;
  }
  for (int j = n - 1; j >= 0; j--) {  /* an operand the table ignores: out */
    uint64_t t0 = net_lut_drop(t, n, j, -1, 0), t1 = net_lut_drop(t, n, j, -1, 1);
    if (t0 != t1)
      continue;
    t = t0;
    memmove(y + j, y + j + 1, sizeof *y * (size_t)(n - 1 - j));
    n--;
  }
  if (n == 0)
    return net_const(net, (int64_t)(t & 1));
  if (n == 1 && t == 2)
    return y[0];
  NetNode node = {.op = NET_LUT, .s = n, .a = y[0], .b = NET_NONE, .c = NET_NONE,
                  .more = {NET_NONE, NET_NONE, NET_NONE}, .k = (int64_t)t};
  NetId *slot[NET_MAXARGS] = {&node.a, &node.b, &node.c, &node.more[0], &node.more[1], &node.more[2]};
  for (int j = 1; j < n; j++)
    *slot[j] = y[j];
  return append(net, node);
}

NetId net_table(Net *net, NetId idx, const int64_t *v) {
  const NetNode *x = &net->nodes[idx];
  if (x->lo < 0 || x->w > NET_TABLE_MAXBITS)
    die("net_table: index n%d of %d bits", idx, x->w);
  int64_t lo = v[x->lo], hi = v[x->lo];
  for (int64_t i = x->lo; i <= x->hi; i++)
    lo = v[i] < lo ? v[i] : lo, hi = v[i] > hi ? v[i] : hi;
  if (lo == hi)
    return net_const(net, lo);
  if (net->ntables == net->captables) {  /* grow (a derived net's list is shared: copied here) */
    int64_t cap = net->captables ? 2 * net->captables : 16;
    NetTable *p = arena_alloc(net->arena, sizeof *p * (size_t)cap);
    if (net->ntables)
      memcpy(p, net->tables, sizeof *p * (size_t)net->ntables);
    net->tables = p;
    net->captables = cap;
  }
  size_t n = (size_t)1 << x->w;
  int64_t *e = malloc(sizeof *e * n);
  if (!e)
    die("out of memory");
  uint64_t h = 0xcbf29ce484222325u ^ (uint64_t)x->w;
  for (int64_t i = 0; i < (int64_t)n; i++) {  /* indices the operand never takes: entry lo */
    e[i] = i >= x->lo && i <= x->hi ? v[i] : v[x->lo];
    h = (h ^ (uint64_t)e[i]) * 0x100000001b3u;
  }
  int64_t id = net->ntables;
  for (int64_t o = 0; o < net->ntables && id == net->ntables; o++)  /* the same entries: one table */
    if (net->tables[o].hash == h && net->tables[o].bits == x->w &&
        memcmp(net->tables[o].v, e, sizeof *e * n) == 0)
      id = o;
  if (id == net->ntables) {
    NetTable *t = &net->tables[net->ntables++];
    t->bits = x->w;
    t->hash = h;
    t->v = arena_alloc(net->arena, sizeof *t->v * n);
    memcpy(t->v, e, sizeof *t->v * n);
  }
  free(e);
  NetNode node = {.op = NET_TABLE, .s = x->w, .a = idx, .b = NET_NONE, .c = NET_NONE,
                  .more = {NET_NONE, NET_NONE, NET_NONE}, .k = id};
  return append(net, node);
}

void net_tighten(Net *net, NetId id, int64_t lo, int64_t hi) {
  NetNode *n = &net->nodes[id];
  if ((n->op != NET_ADD && n->op != NET_SUB) || lo > hi || lo < n->lo || hi > n->hi)
    die("net_tighten: node %d (%s) [%lld, %lld] to [%lld, %lld]", id, net_op_name(n->op),
        (long long)n->lo, (long long)n->hi, (long long)lo, (long long)hi);
  if (lo == n->lo && hi == n->hi)
    return;
  n->lo = lo;
  n->hi = hi;
  n->sgn = lo < 0;
  n->w = (uint8_t)net_width(lo, hi);
  n->tight = 1;
}

NetId net_copy(Net *net, const NetNode *n, NetId a, NetId b, NetId c) {
  int64_t before = net->nnodes;
  NetId id = net_add(net, n->op, a, b, c, n->s, n->k);
  if (n->tight && id >= before && net->nodes[id].op == n->op)
    net_tighten(net, id, n->lo, n->hi);
  return id;
}

NetId net_copy_args(Net *net, const NetNode *n, const NetId *ops) {
  if (n->op == NET_LUT)
    return net_lut(net, ops, n->s, (uint64_t)n->k);
  if (n->op == NET_TABLE) {  /* the same table (net_derive shares them), or a narrower one */
    const NetNode *x = &net->nodes[ops[0]];
    if (x->w != n->s || x->lo < 0 || x->lo == x->hi || n->k >= net->ntables)
      return net_table(net, ops[0], net->tables[n->k].v);
    return append(net, (NetNode){.op = NET_TABLE, .s = n->s, .a = ops[0], .b = NET_NONE, .c = NET_NONE,
                                 .more = {NET_NONE, NET_NONE, NET_NONE}, .k = n->k});
  }
  return net_copy(net, n, ops[0], ops[1], ops[2]);
}

NetId net_copy_mapped(Net *net, const NetNode *n, const NetId *map) {
  if (n->op == NET_INPUT)
    return net_input(net, n->s, n->k, n->lo, n->hi);
  if (n->op == NET_CONST)
    return net_const(net, n->k);
  NetId args[NET_MAXARGS], ops[NET_MAXARGS];
  int na = net_args(n, args);
  for (int j = 0; j < NET_MAXARGS; j++)
    ops[j] = j < na ? map[args[j]] : NET_NONE;
  return net_copy_args(net, n, ops);
}

void net_uses(const Net *net, int32_t *uses, NetId *reader) {
  const Graph *g = net->g;
  for (int64_t i = 0; i < net->nnodes; i++)
    uses[i] = 0, reader[i] = NET_NONE;
  for (int64_t i = 0; i < net->nnodes; i++) {
    NetId args[NET_MAXARGS];
    for (int j = 0, na = net_args(&net->nodes[i], args); j < na; j++)
      uses[args[j]]++, reader[args[j]] = (NetId)i;
  }
  for (int p = 0; p < net->nout; p++)
    for (int64_t e = 0; e < net->out[p].n; e++)
      uses[net->out[p].el[e]] += 2;
  for (int i = 0; i < net->nargmax; i++)
    for (int64_t e = 0; e < net->argmax[i].n; e++)
      uses[net->argmax[i].el[e]] += 2;
  for (int v = 0; v < g->nvalues; v++)
    for (int64_t e = 0; net->elems[v] && e < value_numel(g->values[v]); e++)
      if (net->elems[v][e] != NET_NONE)
        uses[net->elems[v][e]] += 2;
}

char *net_live(const Net *net) {
  char *live = calloc((size_t)net->nnodes + 1, 1);
  if (!live)
    die("out of memory");
  for (int p = 0; p < net->nout; p++)
    for (int64_t e = 0; e < net->out[p].n; e++)
      live[net->out[p].el[e]] = 1;
  for (int i = 0; i < net->nargmax; i++)
    for (int64_t e = 0; e < net->argmax[i].n; e++)
      live[net->argmax[i].el[e]] = 1;
  for (int64_t id = net->nnodes - 1; id >= 0; id--) {  /* operands come first */
    live[id] |= net->keep_gates && net->nodes[id].op == NET_GATE;
    NetId args[NET_MAXARGS];
    for (int j = 0, na = net_args(&net->nodes[id], args); live[id] && j < na; j++)
      live[args[j]] = 1;
  }
  return live;
}

int64_t net_count_gates(const Net *net) {
  int64_t n = 0;
  for (int64_t id = 0; id < net->nnodes; id++)
    n += net->nodes[id].op == NET_GATE;
  return n;
}

int net_gate_reduce(const Net *net, int64_t *k, NetId *a, NetId *b) {
  const NetNode *na = &net->nodes[*a], *nb = &net->nodes[*b];
  NetId v[2] = {NET_NONE, NET_NONE};  /* the distinct operands that are not constants */
  int nv = 0;
  if (na->op != NET_CONST)
    v[nv++] = *a;
  if (nb->op != NET_CONST && !(nv && *b == *a))
    v[nv++] = *b;
  int64_t t[2][2];           /* the gate when v[0] is x and v[1] is y */
  for (int x = 0; x < 2; x++)
    for (int y = 0; y < 2; y++)
      t[x][y] = net_gate(*k, na->op == NET_CONST ? na->k : x,
                         nb->op == NET_CONST ? nb->k : *b == v[0] ? x : y);
  int d0 = nv >= 1 && (t[0][0] != t[1][0] || t[0][1] != t[1][1]);
  int d1 = nv == 2 && (t[0][0] != t[0][1] || t[1][0] != t[1][1]);
  if (d0 && d1) {
    *a = v[0], *b = v[1];
    return 2;
  }
  if (!d0 && !d1) {
    *k = t[0][0] ? NET_GATE_ONE : 0;
    return 0;
  }
  *a = *b = v[d0 ? 0 : 1];
  *k = (d0 ? t[1][0] : t[0][1]) ? NET_GATE_A : NET_GATE_NOT_A;
  return 1;
}

NetId net_input(Net *net, int port, int64_t elem, int64_t lo, int64_t hi) {
  NetId id = net_add(net, NET_INPUT, NET_NONE, NET_NONE, NET_NONE, port, elem);
  NetNode *n = &net->nodes[id];
  n->lo = lo;
  n->hi = hi;
  n->sgn = lo < 0;
  n->w = (uint8_t)net_width(lo, hi);
  return id;
}

Net *net_derive(const Net *old) {
  Net *net = net_new(old->g);
  net->split = old->split;
  net->raw_gates = old->raw_gates;
  net->keep_gates = old->keep_gates;
  memcpy(net->steps, old->steps, sizeof net->steps);
  net->nsteps = old->nsteps;
  net->nin = old->nin;
  net->nout = old->nout;
  net->in = old->in;
  net->pack = old->pack;
  net->tables = old->tables;  /* shared; the first net_table of net copies the list */
  net->ntables = net->captables = old->ntables;
  net->neurons = old->neurons;
  net->out = arena_alloc(net->arena, sizeof *net->out * (size_t)(old->nout + 1));
  for (int p = 0; p < old->nout; p++) {
    net->out[p] = old->out[p];
    net->out[p].el = arena_alloc(net->arena, sizeof *net->out[p].el * (size_t)(old->out[p].n + 1));
  }
  net->nargmax = old->nargmax;
  net->argmax = arena_alloc(net->arena, sizeof *net->argmax * (size_t)(old->nargmax + 1));
  for (int i = 0; i < old->nargmax; i++) {
    net->argmax[i] = old->argmax[i];
    net->argmax[i].el = arena_alloc(net->arena, sizeof *net->argmax[i].el * (size_t)(old->argmax[i].n + 1));
  }
  return net;
}

void net_remap(Net *net, const Net *old, const NetId *map) {
  const Graph *g = old->g;
  for (int p = 0; p < old->nout; p++)
    for (int64_t e = 0; e < old->out[p].n; e++)
      net->out[p].el[e] = map[old->out[p].el[e]];
  for (int i = 0; i < old->nargmax; i++)
    for (int64_t e = 0; e < old->argmax[i].n; e++)
      net->argmax[i].el[e] = map[old->argmax[i].el[e]];
  for (int v = 0; v < g->nvalues; v++) {
    if (!old->elems[v])
      continue;
    int64_t cnt = value_numel(g->values[v]);
    net->elems[v] = arena_alloc(net->arena, sizeof *net->elems[v] * (size_t)(cnt + 1));
    for (int64_t e = 0; e < cnt; e++)
      net->elems[v][e] = old->elems[v][e] == NET_NONE ? NET_NONE : map[old->elems[v][e]];
  }
}

static uint64_t hash64(int64_t k) {
  uint64_t z = (uint64_t)k * 0x9e3779b97f4a7c15u;
  return z ^ (z >> 29);
}

NetId net_const(Net *net, int64_t k) {
  if (2 * (net->nconsts + 1) > net->capconsts) {  /* grow and rehash */
    int64_t cap = net->capconsts ? 2 * net->capconsts : 256;
    NetId *t = arena_alloc(net->arena, sizeof *t * (size_t)cap);
    for (int64_t i = 0; i < cap; i++)
      t[i] = NET_NONE;
    for (int64_t i = 0; i < net->capconsts; i++) {
      NetId id = net->consts[i];
      if (id == NET_NONE)
        continue;
      uint64_t h = hash64(net->nodes[id].k) & (uint64_t)(cap - 1);
      while (t[h] != NET_NONE)
        h = (h + 1) & (uint64_t)(cap - 1);
      t[h] = id;
    }
    net->consts = t;
    net->capconsts = cap;
  }
  uint64_t h = hash64(k) & (uint64_t)(net->capconsts - 1);
  for (; net->consts[h] != NET_NONE; h = (h + 1) & (uint64_t)(net->capconsts - 1))
    if (net->nodes[net->consts[h]].k == k)
      return net->consts[h];
  int32_t layer = net->layer;
  net->layer = -1;  /* shared between layers */
  NetId id = net_add(net, NET_CONST, NET_NONE, NET_NONE, NET_NONE, 0, k);
  net->layer = layer;
  net->consts[h] = id;
  net->nconsts++;
  return id;
}

/* A term: coef * x as a node (1: x itself, -1: a negation). */
static NetId term(Net *net, NetId x, int64_t coef) {
  if (coef == 1)
    return x;
  if (coef == -1)
    return net_add(net, NET_NEG, x, NET_NONE, NET_NONE, 0, 0);
  return net_add(net, NET_MUL, x, net_const(net, coef), NET_NONE, 0, 0);
}

static NetId tree(Net *net, const NetId *x, const int64_t *coef, int64_t n) {
  if (n == 1)
    return term(net, x[0], coef[0]);
  NetId l = tree(net, x, coef, n / 2), r = tree(net, x + n / 2, coef + n / 2, n - n / 2);
  return net_add(net, NET_ADD, l, r, NET_NONE, 0, 0);
}

NetId net_sum(Net *net, const NetId *x, const int64_t *coef, int64_t nterms, int64_t c) {
  if (nterms == 0)
    return net_const(net, c);
  NetId t = tree(net, x, coef, nterms);
  return c ? net_add(net, NET_ADD, t, net_const(net, c), NET_NONE, 0, 0) : t;
}
