/*
 * net_cost.c - bibc's own cost model of a netlist: adders, adder bits,
 * estimated LUTs and flip-flops, logic depth and delay, per layer and in
 * total, computed in one pass without running any tool ('bibc estimate
 * --no-synth', and the default pipelining).  'bibc estimate' prints it
 * beside Yosys's figures and their ratio, so its error is measured, not
 * assumed.
 *
 * Counting.  An adder is an ADD, SUB or NEG node (a two-operand addition or
 * subtraction; a NEG is 0 - a); its adder bits are its width minus the low
 * bits that pass through as wires (ADD/SUB with b << s: s bits).  ROUND is
 * an adder over its sum's width.  A comparison (GE, MAX, MIN: one carry
 * chain over the common width) counts as an adder of that width, CLAMP as
 * two; their selects and MUX cost one LUT per result bit, and so does a
 * logic gate (GATE, a function of two bits, as a select is of three); a
 * LUT node (pack_luts: a function of up to six bits) is one LUT.  Registers are
 * REG nodes plus the module's input, output and valid registers.
 *
 * LUTs.  On a 6-LUT with a carry chain one LUT drives each adder bit.
 * Yosys shares sign-extension LUTs and merges identical adders, which
 * brought CSD trees without sharing down to 0.56-0.60 LUT per adder bit
 * (../shared/REFERENCE.md section 7); the da pass's shared graphs leave
 * little of that (no identical adders, few pass-through bits): Yosys maps
 * them at 0.96 LUT per adder bit on 8x8 to 32x32 int8 products
 * (bench/cmvm/yosys.sh), the model's NET_LUT_PER_BIT.  'bibc estimate'
 * prints how far Yosys's count lands from the model.
 *
 * Delay: net_timing.c's bit-level model of the carry chains.
 */
#include <stdlib.h>

#include "net.h"

#define NET_LUT_PER_BIT 0.96  /* measured LUTs per adder bit of DA graphs (bench/cmvm/yosys.sh) */
#define NET_LUT_PER_CONST_BIT 0.45  /* an addition of a constant (jet tagger's bias and rounding) */
#define NET_LUT_PER_CMP_BIT 0.5   /* a comparison: a carry chain, about half a LUT per bit */
#define NET_LUT_PER_MUX_BIT 0.5   /* a 2:1 select: two per LUT6 (dual output) */
#define NET_LUT_PER_MUL_BIT 1.0   /* a product of two variables: a LUT per partial-product bit */

int net_max_depth(const Net *net) {
  int32_t *d = malloc(sizeof *d * (size_t)(net->nnodes + 1));
  if (!d)
    die("out of memory");
  int best = 0;
  for (int64_t i = 0; i < net->nnodes; i++) {
    const NetNode *n = &net->nodes[i];
    NetId args[NET_MAXARGS];
    int na = net_args(n, args);
    int32_t m = 0;
    for (int j = 0; j < na && n->op != NET_REG; j++)
      m = d[args[j]] > m ? d[args[j]] : m;
    d[i] = n->op == NET_REG ? 0 : m + net_node_depth(n);
    best = d[i] > best ? d[i] : best;
  }
  free(d);
  return best;
}

int net_levels_per_clock(const Net *net, double clock_ns) {
  int depth = net_max_depth(net);
  if (depth <= 1 || net_path_delay(net, 0, NET_T_NET) <= clock_ns)
    return depth > 0 ? depth : 1;  /* no register needed */
  int lo = 1, hi = depth;  /* the delay grows with the levels per stage: bisect */
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (net_path_delay(net, mid, NET_T_NET) <= clock_ns)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/* ---- the cost model ---- */

/* Adder bits of node n: the bits its carry chain spans (0: not an adder). */
static int64_t adder_bits(const Net *net, const NetNode *n) {
  switch ((NetOp)n->op) {
  case NET_ADD: case NET_SUB: return n->w - n->s;  /* the low s bits are wires */
  case NET_NEG: return n->w;
  case NET_ROUND: {
    NetRound p = net_round_of(net, n);
    int64_t lo, hi;
    net_round_sum(net, n, &lo, &hi);
    return p.pos || p.neg ? net_width(lo, hi) - net_round_wires(&p) : 0;  /* else a slice */
  }
  default: return 0;
  }
}

/* Bits of the signed comparison of a and b (with 0: the sign bit, free). */
static int64_t compare_bits(const Net *net, NetId a, NetId b) {
  const NetNode *x = &net->nodes[a], *y = &net->nodes[b];
  if ((x->op == NET_CONST && x->k == 0) || (y->op == NET_CONST && y->k == 0))
    return 0;
  int wa = x->w + !x->sgn, wb = y->w + !y->sgn;
  return wa > wb ? wa : wb;
}

/* An addition of a constant (a bias, a rounding offset): half the LUTs. */
static int const_operand(const Net *net, const NetNode *n) {
  return n->op == NET_ROUND || ((n->op == NET_ADD || n->op == NET_SUB) &&
                                (net->nodes[n->a].op == NET_CONST || net->nodes[n->b].op == NET_CONST));
}

static void add_cost(NetLayerCost *c, const Net *net, const NetNode *n) {
  int64_t ab = adder_bits(net, n);
  if (ab) {
    c->adders++;
    c->adder_bits += ab;
    if (const_operand(net, n))
      c->const_bits += ab;
  }
  switch ((NetOp)n->op) {
  case NET_GE: c->compare_bits += compare_bits(net, n->a, n->b); break;
  case NET_MAX: case NET_MIN:
    c->compare_bits += compare_bits(net, n->a, n->b);
    c->mux_bits += n->w;
    break;
  case NET_CLAMP:  /* comparisons with constants: about half a chain each (jet tagger) */
    c->compare_bits += (compare_bits(net, n->a, n->b) + compare_bits(net, n->a, n->c)) / 2;
    c->mux_bits += n->w;
    break;
  case NET_MUX: c->mux_bits += n->w; break;
  case NET_GATE: c->mux_bits += 1; break;  /* a function of two bits: half a LUT6, as a select */
  case NET_LUT: c->luts++; break;          /* a function of up to six bits (pack_luts): a LUT */
  case NET_TABLE: c->luts += net_table_luts(&net->tables[n->k]); break;  /* the Verilog's form */
  case NET_MUL: c->mul_bits += (int64_t)net->nodes[n->a].w * net->nodes[n->b].w; break;
  case NET_REG: c->ff += n->w; break;
  default: break;
  }
}

/* ---- tables (lut_neurons) ---- */

typedef struct Key {
  int64_t hi, lo;            /* a leaf: its truth table in lo; a select: its halves' ids */
  int64_t at;                /* its block */
} Key;

static int cmp_key(const void *pa, const void *pb) {
  const Key *a = pa, *b = pb;
  if (a->hi != b->hi)
    return a->hi < b->hi ? -1 : 1;
  if (a->lo != b->lo)
    return a->lo < b->lo ? -1 : 1;
  return a->at < b->at ? -1 : a->at > b->at;
}

/* Gives the equal keys of k[0..n) one id each, from *next on, into id[at];
 * returns how many distinct keys. */
static int64_t number_keys(Key *k, int64_t n, int64_t *id, int64_t *next) {
  qsort(k, (size_t)n, sizeof *k, cmp_key);
  int64_t distinct = 0;
  for (int64_t i = 0; i < n; i++) {
    if (i == 0 || k[i].hi != k[i - 1].hi || k[i].lo != k[i - 1].lo)
      distinct++, (*next)++;
    id[k[i].at] = *next - 1;
  }
  return distinct;
}

/* Per output bit, the Verilog's form (verilog.c, table_bit): a LUT6 per
 * distinct non-constant function of the low six index bits (the leaves),
 * then selects on the higher bits over distinct pairs of halves, three
 * 2:1 selects to a LUT6 (a 4:1 select); equal halves and constants cost
 * nothing.  A threshold of a weighted sum shares most halves: one 12-bit
 * table of a 4-bit output (three 4-bit inputs) is 24 Yosys LUTs, where a
 * Shannon bound over its dependent bits would say 255. */
int64_t net_table_luts(const NetTable *t) {
  int64_t n = (int64_t)1 << t->bits, lo = t->v[0], hi = t->v[0];
  for (int64_t i = 1; i < n; i++)
    lo = t->v[i] < lo ? t->v[i] : lo, hi = t->v[i] > hi ? t->v[i] : hi;
  int k0 = t->bits < 6 ? t->bits : 6;
  int64_t nb = n >> k0, luts = 0;
  Key *key = malloc(sizeof *key * (size_t)nb);
  int64_t *id = malloc(sizeof *id * (size_t)nb);
  if (!key || !id)
    die("out of memory");
  for (int j = 0, w = net_width(lo, hi); j < w; j++) {
    int64_t next = 2, m = 0, leaves = 0;  /* ids 0 and 1: the constants */
    uint64_t full = k0 == 6 ? ~(uint64_t)0 : ((uint64_t)1 << (1 << k0)) - 1;
    for (int64_t b = 0; b < nb; b++) {
      uint64_t tt = 0;
      for (int64_t i = 0; i < (int64_t)1 << k0; i++)
        tt |= ((uint64_t)t->v[(b << k0) + i] >> j & 1) << i;
      key[b] = (Key){.hi = 0, .lo = (int64_t)tt, .at = b};
      id[b] = tt == 0 ? 0 : tt == full ? 1 : -1;
    }
    int64_t nk = 0;  /* the non-constant leaves, numbered */
    for (int64_t b = 0; b < nb; b++)
      if (id[b] < 0)
        key[nk++] = key[b];
    leaves = number_keys(key, nk, id, &next);
    for (int64_t blocks = nb; blocks > 1; blocks /= 2) {  /* a level of selects */
      nk = 0;
      for (int64_t b = 0; b < blocks / 2; b++)
        if (id[2 * b] != id[2 * b + 1])
          key[nk++] = (Key){.hi = id[2 * b + 1], .lo = id[2 * b], .at = b};
      for (int64_t b = 0; b < blocks / 2; b++)
        id[b] = id[2 * b] == id[2 * b + 1] ? id[2 * b] : -1;
      m += number_keys(key, nk, id, &next);
    }
    luts += leaves + (m + 2) / 3;
  }
  free(key), free(id);
  return luts;
}

static void finish(NetLayerCost *c) {
  c->lut = NET_LUT_PER_BIT * (double)(c->adder_bits - c->const_bits) +
           NET_LUT_PER_CONST_BIT * (double)c->const_bits + NET_LUT_PER_CMP_BIT * (double)c->compare_bits +
           NET_LUT_PER_MUX_BIT * (double)c->mux_bits + NET_LUT_PER_MUL_BIT * (double)c->mul_bits +
           (double)c->luts;
}

/* Nonzero digits of k in canonical signed digits (its non-adjacent form). */
static int csd_digits(int64_t k) {
  uint64_t u = k < 0 ? -(uint64_t)k : (uint64_t)k;
  int n = 0;
  while (u) {
    if (u & 1) {
      n++;
      u = (u & 3) == 3 ? u + 1 : u - 1;  /* digit -1 or +1 */
    }
    u >>= 1;
  }
  return n;
}

double net_nodes_lut(const Net *net, const NetId *ids, int64_t n) {
  NetLayerCost c = {0};
  for (int64_t i = 0; i < n; i++) {
    const NetNode *x = &net->nodes[ids[i]];
    if (x->op == NET_CONST || x->op == NET_INPUT)
      continue;
    const NetNode *a = x->op == NET_MUL ? &net->nodes[x->a] : NULL, *b = a ? &net->nodes[x->b] : NULL;
    if (a && (a->op == NET_CONST || b->op == NET_CONST)) {  /* shift-adds, as da makes them */
      int d = csd_digits(a->op == NET_CONST ? a->k : b->k);
      c.adders += d > 1 ? d - 1 : 0;
      c.adder_bits += d > 1 ? (int64_t)(d - 1) * x->w : 0;
      continue;
    }
    add_cost(&c, net, x);
  }
  finish(&c);
  return c.lut;
}

void net_cost(const Net *net, NetCost *c) {
  const Graph *g = net->g;
  *c = (NetCost){0};
  c->layers = arena_alloc(net->arena, sizeof *c->layers * (size_t)(g->nnodes + 1));
  char *live = net_live(net);
  int widest = 1;
  for (int64_t id = 0; id < net->nnodes; id++) {
    const NetNode *n = &net->nodes[id];
    if (!live[id] || n->op == NET_CONST || n->op == NET_INPUT)
      continue;
    if (n->layer >= 0) {
      c->layers[n->layer].layer = n->layer;
      c->layers[n->layer].used = 1;
      add_cost(&c->layers[n->layer], net, n);
    } else {
      add_cost(&c->top, net, n);
    }
    if (adder_bits(net, n) > widest)
      widest = (int)adder_bits(net, n);
  }
  free(live);
  /* the module's ports: input and output registers, the valid pipeline */
  c->latency = net->stages + 2;
  for (int p = 0; p < net->nin; p++)
    c->top.ff += net->in[p].fx.w * net->in[p].n;
  for (int p = 0; p < net->nout; p++)
    c->top.ff += net->out[p].fx.w * net->out[p].n;
  for (int i = 0; i < net->nargmax; i++)
    c->top.ff += net->argmax[i].fx.w * net->argmax[i].n;
  c->top.ff += c->latency;
  c->top.layer = -1;
  finish(&c->top);
  c->total = c->top;
  for (int l = 0; l < g->nnodes; l++) {
    NetLayerCost *x = &c->layers[l];
    if (!x->used)
      continue;
    finish(x);
    c->total.adders += x->adders;
    c->total.adder_bits += x->adder_bits;
    c->total.const_bits += x->const_bits;
    c->total.compare_bits += x->compare_bits;
    c->total.mux_bits += x->mux_bits;
    c->total.mul_bits += x->mul_bits;
    c->total.luts += x->luts;
    c->total.ff += x->ff;
    c->total.lut += x->lut;
  }
  c->nlayers = g->nnodes;
  c->depth = net_max_depth(net);
  c->widest = widest;
  c->delay_ns = net_path_delay(net, 0, NET_T_NET);
  c->delay_cells_ns = net_path_delay(net, 0, 0);
  c->fmax_mhz = 1000.0 / c->delay_ns;
}
