/*
 * verilog.c - synthesizable Verilog-2005 from the netlist (ir/net.h), the
 * main job: bibc MODEL -o NAME.v.
 *
 * The module NAME has clk, rst (synchronous), in_valid, in_data (every core
 * input element's code, flattened), out_valid and out_data.  It accepts one
 * inference per clock (II = 1): in_data is registered, the core computes
 * through the netlist's register stages (insert_registers), and the results
 * are registered again, so out_data holds the inference that entered
 * LATENCY = stages + 2 cycles earlier; out_valid is in_valid delayed by as
 * much (a shift register, the only thing rst clears).  The header comment
 * documents the bit layout of both ports and each port's fixed-point type
 * and scale.  A model whose output is a GroupSum (a classifier of logic
 * gates) also has an output port argmax: the class index of each row's
 * largest score, the lowest index on ties, computed by the netlist's
 * tournament (compiler/passes/argmax_port.c), registered with out_data
 * and valid with out_valid; without a GroupSum output, or with
 * --no-argmax, the module has no such port.
 *
 * Each graph node that computes is a module of its own (NAME_lPOS, one
 * instance in NAME), so Yosys reports resources per layer; its ports are
 * the nodes it reads from other modules and the nodes others read from it.
 * A layer of more than PART_BITS node bits (and no multiplication) is cut,
 * in node order, into parts of about equal bits (NAME_lPOS_pK): the pieces
 * Yosys synthesizes (bibc estimate runs them on all cores) stay small.
 * Every netlist node is one wire of exactly its width (unsigned vectors
 * holding two's complement where the interval is signed), written with
 * plain operators on explicitly sign- or zero-extended operands of the
 * result's width, so each adder is one '+' or '-' of minimal width:
 *   a + (b << s)   {(a >>> s) + b, a[s-1:0]}: the low bits are wires;
 *   round(a / 2^s) the netlist's rounding plan, (a + bias) then a slice;
 *   clamp, max, min, >=   signed comparisons at a common width;
 *   GATE           its logic operator;  LUT   selects on its operands
 *                  (Shannon expansion of its table, lut_text);
 *   CAT            a concatenation;  TABLE   per output bit, selects on the
 *                  index's top bits over 64-bit constant vectors indexed by
 *                  its low six (table_bit), which Yosys and ABC minimise;
 *   REG            a register (always @(posedge clk)).
 * Constants are literals.  Bits no reader uses are collected into one wire
 * named unused_ok per module (Verilator's convention), so the output lints
 * clean with verilator --lint-only -Wall.  Deterministic: nodes and modules
 * in netlist order, names from node ids.  Cost: linear in the netlist.
 */
#include <stdlib.h>
#include <string.h>

#include "backends.h"

#define PART_BITS 6000      /* a layer's node bits per module at most (about 6k LUTs + FFs) */

typedef struct Mod {
  int layer;                 /* graph node position; -1: the top module */
  int part, nparts;          /* the part of its layer, of how many */
  FILE *f;                   /* its body, a memstream (NULL: not started) */
  char *body;                /* assignments, from a memstream */
  size_t len;
  NetId *in;                 /* nodes read from other modules (ports), in id order */
  uint64_t *inmask;          /* and the bits read */
  int nin, capin;
  int clk;                   /* has registers */
} Mod;

typedef struct Vlog {
  const Net *net;
  Graph *g;
  Arena *a;
  FILE *f;                   /* the body being written */
  Mod *mods;                 /* the layers' modules in layer order, then the top */
  int nmods;                 /* the top is mods[nmods - 1] */
  int *own;                  /* per node: its module */
  Mod *cur;                  /* the module being written */
  char *live;                /* per node: an output depends on it */
  uint64_t *mask;            /* per node: bits read inside its own module */
  char *outside;             /* per node: read by another module or the output register */
  int64_t *inoff;            /* per input port: first bit in in_data */
} Vlog;

static int owner(const Vlog *v, NetId id) { return v->own[id]; }

static uint64_t bits(int lo, int hi) {  /* mask of bits lo..hi */
  uint64_t m = hi >= 63 ? ~(uint64_t)0 : ((uint64_t)1 << (hi + 1)) - 1;
  return m & ~(((uint64_t)1 << lo) - 1);
}

/* Records that the module being written reads bits lo..hi of node id. */
static void use(Vlog *v, NetId id, int lo, int hi) {
  if (v->net->nodes[id].op == NET_CONST)
    return;
  if (owner(v, id) == (int)(v->cur - v->mods)) {
    v->mask[id] |= bits(lo, hi);
    return;
  }
  v->outside[id] = 1;
  Mod *m = v->cur;
  for (int i = m->nin - 1; i >= 0 && m->in[i] >= id; i--)
    if (m->in[i] == id) {
      m->inmask[i] |= bits(lo, hi);
      return;
    }
  if (m->nin == m->capin) {
    m->capin = m->capin ? 2 * m->capin : 16;
    m->in = realloc(m->in, sizeof *m->in * (size_t)m->capin);
    m->inmask = realloc(m->inmask, sizeof *m->inmask * (size_t)m->capin);
    if (!m->in || !m->inmask)
      die("out of memory");
  }
  int i = m->nin++;  /* keep in[] sorted (reads come nearly in order) */
  for (; i > 0 && m->in[i - 1] > id; i--)
    m->in[i] = m->in[i - 1], m->inmask[i] = m->inmask[i - 1];
  m->in[i] = id;
  m->inmask[i] = bits(lo, hi);
}

/* A w-bit literal holding k (two's complement). */
static char *lit(Vlog *v, int w, int64_t k) {
  uint64_t u = (uint64_t)k & (w >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1);
  return arena_printf(v->a, "%d'd%llu", w, (unsigned long long)u);
}

/* Node id as a W-bit operand: sign- or zero-extended, or its low W bits. */
static char *ext(Vlog *v, NetId id, int W) {
  const NetNode *n = &v->net->nodes[id];
  if (n->op == NET_CONST)
    return lit(v, W, n->k);
  if (n->w >= W) {
    use(v, id, 0, W - 1);
    return n->w == W ? arena_printf(v->a, "n%d", id) : arena_printf(v->a, "n%d[%d:0]", id, W - 1);
  }
  use(v, id, 0, n->w - 1);
  if (n->sgn)
    return arena_printf(v->a, "{{%d{n%d[%d]}}, n%d}", W - n->w, id, n->w - 1, id);
  return arena_printf(v->a, "{%d'd0, n%d}", W - n->w, id);
}

/* The width at which a and b (and c) compare as signed numbers. */
static int cmp_width(const Vlog *v, NetId a, NetId b) {
  const NetNode *x = &v->net->nodes[a], *y = &v->net->nodes[b];
  int wa = x->w + !x->sgn, wb = y->w + !y->sgn;
  return wa > wb ? wa : wb;
}

static char *sgn_ext(Vlog *v, NetId id, int W) {
  return arena_printf(v->a, "$signed(%s)", ext(v, id, W));
}

/* a + (b << s) or a - (b << s) with the low s bits of a passed through. */
static void emit_addsub(Vlog *v, NetId id) {
  const NetNode *n = &v->net->nodes[id], *a = &v->net->nodes[n->a];
  const char *op = n->op == NET_ADD ? "+" : "-";
  int W = n->w, s = n->s;
  if (s == 0) {
    fprintf(v->f, "  assign n%d = %s %s %s;\n", id, ext(v, n->a, W), op, ext(v, n->b, W));
    return;
  }
  int H = W - s;
  if (H < 1) {  /* a narrowed interval (net_tighten): b << s vanishes modulo 2^W */
    fprintf(v->f, "  assign n%d = %s;\n", id, ext(v, n->a, W));
    return;
  }
  char *hi, *lo;
  if (a->op == NET_CONST) {
    hi = lit(v, H, a->k >> s);  /* arithmetic shift: floor */
    lo = lit(v, s, a->k);
  } else if (a->w > s) {  /* a >>> s: bits s.. extended to H, and a's low s bits */
    int top = a->w - 1 < s + H - 1 ? a->w - 1 : s + H - 1, hw = top - s + 1;
    use(v, n->a, 0, top);
    hi = hw == H ? arena_printf(v->a, "n%d[%d:%d]", n->a, top, s)
       : a->sgn ? arena_printf(v->a, "{{%d{n%d[%d]}}, n%d[%d:%d]}", H - hw, n->a, a->w - 1, n->a, top, s)
                : arena_printf(v->a, "{%d'd0, n%d[%d:%d]}", H - hw, n->a, top, s);
    lo = arena_printf(v->a, "n%d[%d:0]", n->a, s - 1);
  } else {  /* a fits in the low bits: its sign fills the high part */
    use(v, n->a, 0, a->w - 1);
    hi = a->sgn ? arena_printf(v->a, "{%d{n%d[%d]}}", H, n->a, a->w - 1) : lit(v, H, 0);
    lo = a->w == s ? arena_printf(v->a, "n%d", n->a)
       : a->sgn ? arena_printf(v->a, "{{%d{n%d[%d]}}, n%d}", s - a->w, n->a, a->w - 1, n->a)
                : arena_printf(v->a, "{%d'd0, n%d}", s - a->w, n->a);
  }
  fprintf(v->f, "  assign n%d = {%s %s %s, %s};\n", id, hi, op, ext(v, n->b, H), lo);
}

/* round(a / 2^s) = floor((a + bias) / 2^s): a sum of T bits, then bits s.. */
/* Whether x + c is exactly halfway between multiples of 2^s, that is
 * x mod 2^s = (2^(s-1) - c) mod 2^s, read from x's own bits so that it
 * does not wait for the carry chain. */
static const char *even_tie(Vlog *v, NetId x, int s, int64_t c) {
  uint64_t m = ((uint64_t)1 << s) - 1, k = ((uint64_t)1 << (s - 1)) - (uint64_t)c;
  return arena_printf(v->a, "%s == %s", ext(v, x, s), lit(v, s, (int64_t)(k & m)));
}

static void emit_round(Vlog *v, NetId id) {
  const NetNode *n = &v->net->nodes[id], *a = &v->net->nodes[n->a];
  NetRound p = net_round_of(v->net, n);
  int64_t lo, hi;
  net_round_sum(v->net, n, &lo, &hi);
  int T = net_width(lo, hi), W = n->w, s = n->s;
  fprintf(v->f, "  wire [%d:0] n%d_sum = %s", T - 1, id, ext(v, n->a, T));
  if (p.pos == p.neg || a->lo >= 0 || a->hi < 0) {  /* the sign is known or does not matter */
    int64_t b = a->hi < 0 ? p.neg : p.pos;
    if (b)
      fprintf(v->f, " + %s", lit(v, T, b));
  } else {
    use(v, n->a, a->w - 1, a->w - 1);
    fprintf(v->f, " + (n%d[%d] ? %s : %s)", n->a, a->w - 1, lit(v, T, p.neg), lit(v, T, p.pos));
  }
  fputs(";\n", v->f);
  /* bits s .. s+W-1 of the sum, extended by its sign where T is shorter */
  int top = T - 1 < s + W - 1 ? T - 1 : s + W - 1, sum_sgn = lo < 0;
  if (top < s) {  /* the result is the sum's sign: 0 or -1, and -1 is no tie */
    fprintf(v->f, "  assign n%d = {%d{%s}};\n", id, W, sum_sgn ? arena_printf(v->a, "n%d_sum[%d]", id, T - 1) : "1'b0");
    fprintf(v->f, "  wire unused_n%d = &{1'b0, n%d_sum%s, 1'b0};\n", id, id,
            sum_sgn && T > 1 ? arena_printf(v->a, "[%d:0]", T - 2) : "");
    return;
  }
  int hw = top - s + 1;
  const char *b0 = arena_printf(v->a, "n%d_sum[%d]", id, s);
  if (p.even)  /* ties to even: x exactly halfway (rounded up) clears bit 0 */
    b0 = arena_printf(v->a, "%s & ~(%s)", b0, even_tie(v, n->a, s, p.c));
  const char *body = hw == 1 ? b0 : arena_printf(v->a, "n%d_sum[%d:%d], %s", id, top, s + 1, b0);
  if (hw == W)
    fprintf(v->f, "  assign n%d = {%s};\n", id, body);
  else if (sum_sgn)
    fprintf(v->f, "  assign n%d = {{%d{n%d_sum[%d]}}, %s};\n", id, W - hw, id, T - 1, body);
  else
    fprintf(v->f, "  assign n%d = {%d'd0, %s};\n", id, W - hw, body);
  /* the bits below s (the division's remainder) and above the result are unused */
  int hi_unused = top < T - 1;
  fprintf(v->f, "  wire unused_n%d = &{1'b0, n%d_sum[%d:0]%s, 1'b0};\n", id, id, s - 1,
          hi_unused ? arena_printf(v->a, ", n%d_sum[%d:%d]", id, T - 1, top + 1) : "");
}

/* A LUT of table t over the k bits ops[0..k) as selects on its last
 * operand, then the next (Shannon expansion), constant and single-operand
 * halves written as such: "(n7 ? (n4 ? 1'b1 : n1) : ~n1)".  Yosys maps it
 * to the same LUTs as a constant vector indexed by the operands, a case or
 * a sum of minterms (big_lgn's three gate layers: 366 LUTs each way), in
 * the least time (7.9 s of CPU against 13.7 s for the indexed vector; the
 * whole 784-input 6 x 8,000-gate network of bench/lgn/luts.sh: 190 s and
 * 0.8 GB against 555 s and 2.3 GB). */
static char *lut_text(Vlog *v, uint64_t t, int k, const char **ops) {
  uint64_t full = k == NET_MAXARGS ? ~(uint64_t)0 : ((uint64_t)1 << (1 << k)) - 1;
  if ((t & full) == 0)
    return "1'b0";
  if ((t & full) == full)
    return "1'b1";
  if (k == 1)
    return (t & 3) == 2 ? arena_printf(v->a, "%s", ops[0]) : arena_printf(v->a, "~%s", ops[0]);
  int half = 1 << (k - 1);
  uint64_t lo = t & (((uint64_t)1 << half) - 1), hi = t >> half & (((uint64_t)1 << half) - 1);
  if (lo == hi)
    return lut_text(v, lo, k - 1, ops);
  return arena_printf(v->a, "(%s ? %s : %s)", ops[k - 1], lut_text(v, hi, k - 1, ops),
                      lut_text(v, lo, k - 1, ops));
}

/* Output bit j of node id's table over its index bits [0, k), entries
 * base .. base + 2^k - 1: Shannon expansion on the top index bits down to
 * six, each leaf a function of the low six bits (or fewer) written as
 * lut_text's selects on single bits (a wire; constant leaves are 1'b0 /
 * 1'b1, equal leaves one wire: L, those of this bit so far) and equal
 * halves one expression.  A 12-bit table is at most 64 leaves and 63
 * selects per bit, the shape a LUT mapper gives it.  Yosys takes such text
 * fastest: a 2^12-entry constant vector indexed by the twelve bits, or
 * 64-bit ones indexed by six, each become a shifter it techmaps and
 * optimises on its own (minutes per table), and the long literals
 * overflow Icarus's and Verilator's limits. */
typedef struct Leaves {
  uint64_t *tt;              /* 2^(bits - 6) at most */
  int n;
} Leaves;

static char *table_bit(Vlog *v, NetId id, int j, int64_t base, int k, Leaves *L) {
  const NetNode *n = &v->net->nodes[id];
  const NetTable *t = &v->net->tables[n->k];
  if (k > 6) {
    char *hi = table_bit(v, id, j, base + ((int64_t)1 << (k - 1)), k - 1, L);
    char *lo = table_bit(v, id, j, base, k - 1, L);
    if (strcmp(hi, lo) == 0)
      return lo;
    use(v, n->a, k - 1, k - 1);  /* k > 6: the index has at least 7 bits */
    return arena_printf(v->a, "(n%d[%d] ? %s : %s)", n->a, k - 1, hi, lo);
  }
  uint64_t tt = 0, full = k == 6 ? ~(uint64_t)0 : ((uint64_t)1 << (1 << k)) - 1;
  for (int64_t i = 0; i < (int64_t)1 << k; i++)
    tt |= ((uint64_t)t->v[base + i] >> j & 1) << i;
  if (tt == 0 || tt == full)
    return tt ? "1'b1" : "1'b0";
  int at = 0;
  while (at < L->n && L->tt[at] != tt)
    at++;
  if (at == L->n) {  /* a new leaf: a wire of its LUT text */
    const char *ops[NET_MAXARGS];
    for (int b = 0; b < k; b++) {  /* lut_text reads the bits the leaf depends on */
      if (net_lut_drop(tt, k, b, -1, 0) != net_lut_drop(tt, k, b, -1, 1))
        use(v, n->a, b, b);
      ops[b] = v->net->nodes[n->a].w == 1 ? arena_printf(v->a, "n%d", n->a)
                                          : arena_printf(v->a, "n%d[%d]", n->a, b);
    }
    L->tt[L->n++] = tt;
    fprintf(v->f, "  wire n%d_b%d_t%d = %s;\n", id, j, at, lut_text(v, tt, k, ops));
  }
  return arena_printf(v->a, "n%d_b%d_t%d", id, j, at);
}

static void emit_node(Vlog *v, NetId id) {
  const NetNode *n = &v->net->nodes[id];
  int W = n->w;
  if (n->op == NET_REG) {
    v->cur->clk = 1;
    fprintf(v->f, "  always @(posedge clk) n%d <= %s;\n", id, ext(v, n->a, W));
    return;
  }
  if (n->op == NET_INPUT) {
    int64_t off = v->inoff[n->s] + n->k * v->net->in[n->s].fx.w;
    fprintf(v->f, "  assign n%d = in_q[%lld:%lld];\n", id, (long long)(off + W - 1), (long long)off);
    return;
  }
  switch ((NetOp)n->op) {
  case NET_ADD: case NET_SUB: emit_addsub(v, id); return;
  case NET_NEG: fprintf(v->f, "  assign n%d = -%s;\n", id, ext(v, n->a, W)); return;
  case NET_SHL: fprintf(v->f, "  assign n%d = {%s, %d'd0};\n", id, ext(v, n->a, W - n->s), n->s); return;
  case NET_MUL: fprintf(v->f, "  assign n%d = %s * %s;\n", id, ext(v, n->a, W), ext(v, n->b, W)); return;
  case NET_MAX: case NET_MIN: {
    int C = cmp_width(v, n->a, n->b);
    fprintf(v->f, "  assign n%d = %s %s %s ? %s : %s;\n", id, sgn_ext(v, n->a, C),
            n->op == NET_MAX ? ">=" : "<=", sgn_ext(v, n->b, C), ext(v, n->a, W), ext(v, n->b, W));
    return;
  }
  case NET_GE: {
    int C = cmp_width(v, n->a, n->b);
    fprintf(v->f, "  assign n%d = %s >= %s;\n", id, sgn_ext(v, n->a, C), sgn_ext(v, n->b, C));
    return;
  }
  case NET_MUX:
    use(v, n->a, 0, 0);
    fprintf(v->f, "  assign n%d = n%d ? %s : %s;\n", id, n->a, ext(v, n->b, W), ext(v, n->c, W));
    return;
  case NET_ROUND: emit_round(v, id); return;
  case NET_CLAMP: {
    int C = cmp_width(v, n->a, n->b), C2 = cmp_width(v, n->a, n->c);
    C = C > C2 ? C : C2;
    const char *x = sgn_ext(v, n->a, C);
    fprintf(v->f, "  assign n%d = %s < %s ? %s : %s > %s ? %s : %s;\n", id, x, sgn_ext(v, n->b, C),
            ext(v, n->b, W), x, sgn_ext(v, n->c, C), ext(v, n->c, W), ext(v, n->a, W));
    return;
  }
  case NET_WRAP: fprintf(v->f, "  assign n%d = %s;\n", id, ext(v, n->a, W)); return;
  case NET_CAT:  /* b's bits above a's s bits */
    if (W <= n->s)
      fprintf(v->f, "  assign n%d = %s;\n", id, ext(v, n->a, W));
    else
      fprintf(v->f, "  assign n%d = {%s, %s};\n", id, ext(v, n->b, W - n->s), ext(v, n->a, n->s));
    return;
  case NET_TABLE: {  /* bit by bit (table_bit) */
    Leaves L = {.tt = malloc(sizeof *L.tt << (n->s > 6 ? n->s - 6 : 0))};
    if (!L.tt)
      die("out of memory");
    for (int j = 0; j < W; j++) {
      L.n = 0;
      char *e = table_bit(v, id, j, 0, n->s, &L);
      fprintf(v->f, "  assign n%d%s = %s;\n", id, W == 1 ? "" : arena_printf(v->a, "[%d]", j), e);
    }
    free(L.tt);
    return;
  }
  case NET_GATE:  /* 1-bit operands and result: ~ is one bit's negation */
    fprintf(v->f, "  assign n%d = %s;\n", id,
            backend_gate_text(v->a, n->k, ext(v, n->a, 1), ext(v, n->b, 1), "~"));
    return;
  case NET_LUT: {
    NetId x[NET_MAXARGS];
    const char *ops[NET_MAXARGS];
    int na = net_args(n, x);
    for (int j = 0; j < na; j++)
      ops[j] = ext(v, x[j], 1);
    fprintf(v->f, "  assign n%d = %s;\n", id, lut_text(v, (uint64_t)n->k, na, ops));
    return;
  }
  default: die("verilog: net node %d (%s)", id, net_op_name(n->op));
  }
}

/* ---- modules ---- */

/* Appends " nX[hi:lo]" pieces for the bits of a w-bit signal not in mask. */
static char *unused_bits(Vlog *v, char *acc, NetId id, int w, uint64_t mask) {
  for (int b = 0; b < w;) {
    if (mask >> b & 1) {
      b++;
      continue;
    }
    int e = b;
    while (e + 1 < w && !(mask >> (e + 1) & 1))
      e++;
    acc = arena_printf(v->a, "%s, n%d%s", acc, id, w == 1 ? "" : e == b ? arena_printf(v->a, "[%d]", b)
                                                              : arena_printf(v->a, "[%d:%d]", e, b));
    b = e + 1;
  }
  return acc;
}

static const char *mod_name(Vlog *v, const char *name, const Mod *m) {
  if (m->layer < 0)
    return name;
  return m->nparts == 1 ? arena_printf(v->a, "%s_l%d", name, m->layer)
                        : arena_printf(v->a, "%s_l%d_p%d", name, m->layer, m->part);
}

/* Assigns every node its module: its layer's (one of the layer's parts,
 * by node order, when the layer has more than PART_BITS bits), else the
 * top's.  A layer with multiplications stays whole: Yosys shares partial
 * products between the multipliers of one operand, which parts would
 * cut off (a 16 x 16 --no-da product: 6.5 % more LUTs in parts; an adder
 * graph: 0.2 %).  Fills v->mods and v->nmods. */
static void plan_modules(Vlog *v) {
  const Net *net = v->net;
  int L = v->g->nnodes;
  int64_t *bits = arena_alloc(v->a, sizeof *bits * (size_t)(L + 1)), *run;
  int *np = arena_alloc(v->a, sizeof *np * (size_t)(L + 1)), *base;
  char *mul = arena_alloc(v->a, (size_t)(L + 1));
  run = arena_alloc(v->a, sizeof *run * (size_t)(L + 1));
  base = arena_alloc(v->a, sizeof *base * (size_t)(L + 1));
  for (int64_t id = 0; id < net->nnodes; id++) {
    const NetNode *n = &net->nodes[id];
    if (v->live[id] && n->layer >= 0 && n->op != NET_CONST)
      bits[n->layer] += n->w;
    if (v->live[id] && n->layer >= 0 && n->op == NET_MUL)
      mul[n->layer] = 1;
  }
  int nm = 0;
  for (int l = 0; l < L; l++) {
    np[l] = bits[l] > PART_BITS && !mul[l] ? (int)((bits[l] + PART_BITS - 1) / PART_BITS) : 1;
    base[l] = nm;
    nm += np[l];
  }
  v->nmods = nm + 1;
  v->mods = arena_alloc(v->a, sizeof *v->mods * (size_t)v->nmods);
  for (int l = 0; l < L; l++)
    for (int k = 0; k < np[l]; k++)
      v->mods[base[l] + k] = (Mod){.layer = l, .part = k, .nparts = np[l]};
  v->mods[nm] = (Mod){.layer = -1, .nparts = 1};
  for (int64_t id = 0; id < net->nnodes; id++) {
    const NetNode *n = &net->nodes[id];
    int l = n->layer;
    if (l < 0) {
      v->own[id] = nm;
      continue;
    }
    int k = (int)(run[l] * np[l] / (bits[l] > 0 ? bits[l] : 1));
    v->own[id] = base[l] + (k < np[l] ? k : np[l] - 1);
    if (v->live[id] && n->op != NET_CONST)
      run[l] += n->w;
  }
}

/* Declarations of module m's own nodes that are not its output ports. */
static void declare(Vlog *v, FILE *out, const Mod *m) {
  const Net *net = v->net;
  for (int64_t id = 0; id < net->nnodes; id++) {
    const NetNode *n = &net->nodes[id];
    if (v->live[id] && owner(v, (NetId)id) == (int)(m - v->mods) && n->op != NET_CONST &&
        !(v->outside[id] && m->layer >= 0))
      fprintf(out, "  %s [%d:0] n%lld;\n", n->op == NET_REG ? "reg" : "wire", n->w - 1, (long long)id);
  }
}

/* The layer module at position index: ports, body, unused bits. */
static void write_layer(Vlog *v, FILE *out, const char *name, Mod *m) {
  const Net *net = v->net;
  const Node *gn = v->g->nodes[m->layer];
  int mi = (int)(m - v->mods);
  fprintf(out, "\n/* node %d: %s \"", gn->index, op_name(gn->op));
  c_comment(out, gn->name);
  if (m->nparts > 1)
    fprintf(out, "\", part %d of %d (in node order) */\nmodule %s (", m->part + 1, m->nparts,
            mod_name(v, name, m));
  else
    fprintf(out, "\" */\nmodule %s (", mod_name(v, name, m));
  const char *sep = "\n";
  if (m->clk) {
    fputs("\n  input wire clk", out);
    sep = ",\n";
  }
  for (int i = 0; i < m->nin; i++, sep = ",\n")
    fprintf(out, "%s  input wire [%d:0] n%d", sep, net->nodes[m->in[i]].w - 1, m->in[i]);
  for (int64_t id = 0; id < net->nnodes; id++)
    if (v->live[id] && v->outside[id] && owner(v, (NetId)id) == mi) {
      fprintf(out, "%s  output %s [%d:0] n%lld", sep, net->nodes[id].op == NET_REG ? "reg" : "wire",
              net->nodes[id].w - 1, (long long)id);
      sep = ",\n";
    }
  fputs("\n);\n", out);
  declare(v, out, m);
  fwrite(m->body, 1, m->len, out);
  char *acc = arena_strdup(v->a, "");
  for (int i = 0; i < m->nin; i++)
    acc = unused_bits(v, acc, m->in[i], net->nodes[m->in[i]].w, m->inmask[i]);
  for (int64_t id = 0; id < net->nnodes; id++)
    if (v->live[id] && !v->outside[id] && owner(v, (NetId)id) == mi &&
        net->nodes[id].op != NET_CONST)
      acc = unused_bits(v, acc, (NetId)id, net->nodes[id].w, v->mask[id]);
  if (*acc)
    fprintf(out, "  wire unused_ok = &{1'b0%s, 1'b0};\n", acc);
  fputs("endmodule\n", out);
}

/* One port's line in the header comment. */
static void port_note(FILE *f, const char *dir, int p, const NetPort *port, int64_t off) {
  const Value *v = port->v;
  int w = port->fx.w;
  fprintf(f, " *     [%lld:%lld] %s%d: %lld x %d bits, element e (row-major) at bit %lld + %d*e;\n"
          " *       fixed<%s,%d,%d>: real value = code * 2^%d", (long long)(off + w * port->n - 1),
          (long long)off, dir, p, (long long)port->n, w, (long long)off, w, port->fx.sgn ? "s" : "u",
          w, port->fx.f, -port->fx.f);
  if (v->rscale && v->nrscale == 1)
    fprintf(f, " * %.17g", v->rscale[0]);
  else if (v->rscale)
    fprintf(f, " * scale[c] (c along axis %d: see the model's header)", v->rscale_axis);
  fputs(", shape [", f);
  for (int d = 0; d < v->rank; d++)
    fprintf(f, "%s%lld", d ? "," : "", (long long)v->dims[d]);
  fputs("], codes of ", f);
  c_comment(f, v->name);
  fputs("\n", f);
}

/* The argmax ports' line in the header comment. */
static void argmax_note(FILE *f, const Net *net) {
  fputs(" *   argmax     with out_data: per GroupSum output, the index of each row's\n"
        " *              largest class score, the lowest index on ties (numpy's argmax):\n", f);
  for (int i = 0, off = 0; i < net->nargmax; i++) {
    const NetPort *m = &net->argmax[i];
    const Value *o = net->out[m->of].v;
    fprintf(f, " *     [%d:%d] out%d: %lld x %d bits, row r at bit %d + %d*r; unsigned index\n"
            " *       into the %lld classes of ", off + m->fx.w * (int)m->n - 1, off, m->of,
            (long long)m->n, m->fx.w, off, m->fx.w, (long long)(net->out[m->of].n / m->n));
    c_comment(f, o->name);
    fputs("\n", f);
    off += m->fx.w * (int)m->n;
  }
}

static void write_top(Vlog *v, FILE *out, const char *name, const char *cmdline, int64_t nin,
                      int64_t nout, int64_t namax) {
  const Net *net = v->net;
  Mod *top = &v->mods[v->nmods - 1];
  int ti = v->nmods - 1, lat = net->stages + 2;
  /* the output register's elements first: they make layer outputs ports */
  v->cur = top;
  char *outs = arena_strdup(v->a, nout == 0 ? "1'b0" : "");
  for (int p = net->nout - 1; p >= 0; p--)
    for (int64_t e = net->out[p].n - 1; e >= 0; e--)
      outs = arena_printf(v->a, "%s%s%s", outs, *outs ? ", " : "", ext(v, net->out[p].el[e], net->out[p].fx.w));
  char *amax = arena_strdup(v->a, "");
  for (int i = net->nargmax - 1; i >= 0; i--)
    for (int64_t e = net->argmax[i].n - 1; e >= 0; e--)
      amax = arena_printf(v->a, "%s%s%s", amax, *amax ? ", " : "",
                          ext(v, net->argmax[i].el[e], net->argmax[i].fx.w));
  fprintf(out, "/* Generated by bibc %s: ", BIBC_VERSION);
  c_comment(out, cmdline);
  fprintf(out, "\n *\n * %s: the integer core of the model as fully parallel logic, one inference\n"
          " * per clock (II = 1), LATENCY = %d cycles from in_valid to out_valid.\n"
          " *   clk        rising edge\n"
          " *   rst        synchronous, active high: clears the valid pipeline only\n"
          " *   in_valid   in_data holds an inference\n"
          " *   in_data    the inputs' integer codes, two's complement where signed:\n", name, lat);
  for (int p = 0; p < net->nin; p++)
    port_note(out, "in", p, &net->in[p], v->inoff[p]);
  fputs(" *   out_valid  out_data holds the results of the inference that entered\n"
        " *              LATENCY cycles earlier\n"
        " *   out_data   the outputs' integer codes:\n", out);
  for (int p = 0, off = 0; p < net->nout; p++) {
    port_note(out, "out", p, &net->out[p], off);
    off += net->out[p].fx.w * (int)net->out[p].n;
  }
  if (namax)
    argmax_note(out, net);
  fprintf(out, " * Stages: in_data is registered, the core has %d register rank%s, the\n"
           " * results are registered.  Each computing layer is a module %s_lN (N: its\n"
           " * position in the graph)%s%s%s. */\n", net->stages, net->stages == 1 ? "" : "s", name,
          v->nmods - 1 > v->g->nnodes ? ";\n * a large layer is cut into parts " : "",
          v->nmods - 1 > v->g->nnodes ? name : "", v->nmods - 1 > v->g->nnodes ? "_lN_pK" : "");
  fprintf(out, "module %s (\n  input wire clk,\n  input wire rst,\n  input wire in_valid,\n"
          "  input wire [%lld:0] in_data,\n  output wire out_valid,\n  output wire [%lld:0] out_data%s\n);\n",
          name, (long long)(nin > 0 ? nin - 1 : 0), (long long)(nout > 0 ? nout - 1 : 0),
          namax ? arena_printf(v->a, ",\n  output wire [%lld:0] argmax", (long long)namax - 1) : "");
  fprintf(out, "  localparam LATENCY = %d;\n  reg [%lld:0] in_q;\n  always @(posedge clk) in_q <= in_data;\n"
          "  reg [LATENCY-1:0] valid_q;\n  always @(posedge clk)\n    if (rst)\n"
          "      valid_q <= {LATENCY{1'b0}};\n    else\n"
          "      valid_q <= {valid_q[LATENCY-2:0], in_valid};\n", lat, (long long)(nin > 0 ? nin - 1 : 0));
  declare(v, out, top);
  fwrite(top->body, 1, top->len, out);
  /* wires between the layers, then one instance per layer */
  for (int64_t id = 0; id < net->nnodes; id++)
    if (v->live[id] && v->outside[id] && owner(v, (NetId)id) != ti)
      fprintf(out, "  wire [%d:0] n%lld;\n", net->nodes[id].w - 1, (long long)id);
  for (int l = 0; l < ti; l++) {
    Mod *m = &v->mods[l];
    if (!m->f)
      continue;
    if (m->nparts > 1)
      fprintf(out, "  %s l%d_p%d (", mod_name(v, name, m), m->layer, m->part);
    else
      fprintf(out, "  %s l%d (", mod_name(v, name, m), m->layer);
    const char *sep = "";
    if (m->clk)
      fputs(".clk(clk)", out), sep = ", ";
    for (int i = 0; i < m->nin; i++, sep = ", ")
      fprintf(out, "%s.n%d(n%d)", sep, m->in[i], m->in[i]);
    for (int64_t id = 0; id < net->nnodes; id++)
      if (v->live[id] && v->outside[id] && owner(v, (NetId)id) == l) {
        fprintf(out, "%s.n%lld(n%lld)", sep, (long long)id, (long long)id);
        sep = ", ";
      }
    fputs(");\n", out);
  }
  /* the output register: elements in port order from bit 0 */
  fprintf(out, "  reg [%lld:0] out_q;\n  always @(posedge clk) out_q <= {%s};\n"
          "  assign out_data = out_q;\n  assign out_valid = valid_q[LATENCY-1];\n",
          (long long)(nout > 0 ? nout - 1 : 0), outs);
  if (namax)
    fprintf(out, "  reg [%lld:0] argmax_q;\n  always @(posedge clk) argmax_q <= {%s};\n"
            "  assign argmax = argmax_q;\n", (long long)namax - 1, amax);
  char *acc = arena_strdup(v->a, "");
  uint64_t *inmask = calloc((size_t)(nin + 64) / 64, sizeof *inmask);
  if (!inmask)
    die("out of memory");
  for (int64_t id = 0; id < net->nnodes; id++) {
    const NetNode *n = &net->nodes[id];
    if (!v->live[id] || owner(v, (NetId)id) != ti || n->op == NET_CONST)
      continue;
    if (n->op == NET_INPUT)
      for (int64_t b = v->inoff[n->s] + n->k * net->in[n->s].fx.w, k = 0; k < n->w; k++, b++)
        inmask[b / 64] |= (uint64_t)1 << (b % 64);
    if (!v->outside[id])
      acc = unused_bits(v, acc, (NetId)id, n->w, v->mask[id]);
  }
  for (int64_t b = 0; b < nin;) {  /* input bits no node reads (unused inputs) */
    if (inmask[b / 64] >> (b % 64) & 1) {
      b++;
      continue;
    }
    int64_t e = b;
    while (e + 1 < nin && !(inmask[(e + 1) / 64] >> ((e + 1) % 64) & 1))
      e++;
    acc = arena_printf(v->a, "%s, in_q[%lld:%lld]", acc, (long long)e, (long long)b);
    b = e + 1;
  }
  free(inmask);
  if (*acc)
    fprintf(out, "  wire unused_ok = &{1'b0%s, 1'b0};\n", acc);
  fputs("endmodule\n", out);
}

const char *emit_verilog(Graph *g, const Net *net, const char *path, const char *hpath,
                         const char *cmdline) {
  (void)hpath;
  Arena *a = g->arena;
  Vlog v = {.net = net, .g = g, .a = a};
  v.own = arena_alloc(a, sizeof *v.own * (size_t)(net->nnodes + 1));
  char *live = net_live(net);  /* with --lgn-naive every gate, as written */
  v.live = arena_alloc(a, (size_t)net->nnodes + 1);
  memcpy(v.live, live, (size_t)net->nnodes + 1);
  free(live);
  v.mask = arena_alloc(a, sizeof *v.mask * (size_t)(net->nnodes + 1));
  v.outside = arena_alloc(a, (size_t)net->nnodes + 1);
  v.inoff = arena_alloc(a, sizeof *v.inoff * (size_t)(net->nin + 1));
  int64_t nin = 0, nout = 0;
  for (int p = 0; p < net->nin; p++) {
    v.inoff[p] = nin;
    nin += net->in[p].fx.w * net->in[p].n;
  }
  for (int p = 0; p < net->nout; p++)
    nout += net->out[p].fx.w * net->out[p].n;
  int64_t namax = 0;
  for (int i = 0; i < net->nargmax; i++)
    namax += net->argmax[i].fx.w * net->argmax[i].n;
  plan_modules(&v);
  for (int64_t id = 0; id < net->nnodes; id++) {
    if (!v.live[id] || net->nodes[id].op == NET_CONST)
      continue;
    Mod *m = v.cur = &v.mods[owner(&v, (NetId)id)];
    if (!m->f && !(m->f = open_memstream(&m->body, &m->len)))
      die("out of memory");
    v.f = m->f;
    emit_node(&v, (NetId)id);
  }
  Mod *top = &v.mods[v.nmods - 1];
  if (!top->f && !(top->f = open_memstream(&top->body, &top->len)))
    die("out of memory");
  for (int l = 0; l < v.nmods; l++)
    if (v.mods[l].f && fclose(v.mods[l].f) != 0)
      die("out of memory");
  const char *name = c_ident_from_path(a, path);
  OutFile o;
  out_open(&o, path);
  /* the top first, then the layers: write_top's output register adds reads */
  char *topbuf;
  size_t toplen;
  FILE *tf = open_memstream(&topbuf, &toplen);
  if (!tf)
    die("out of memory");
  write_top(&v, tf, name, cmdline, nin, nout, namax);
  if (fclose(tf) != 0)
    die("out of memory");
  fwrite(topbuf, 1, toplen, o.f);
  free(topbuf);
  /* one module per layer in one file: Verilator's DECLFILENAME rule (a
   * module per file named after it) does not apply to them */
  fputs("\n/* verilator lint_off DECLFILENAME */\n", o.f);
  for (int l = 0; l < v.nmods - 1; l++)
    if (v.mods[l].f)
      write_layer(&v, o.f, name, &v.mods[l]);
  fputs("/* verilator lint_on DECLFILENAME */\n", o.f);
  out_close(&o);
  for (int l = 0; l < v.nmods; l++) {
    free(v.mods[l].body);
    free(v.mods[l].in);
    free(v.mods[l].inmask);
  }
  return NULL;
}
