/*
 * net_timing.c - bibc's timing model of a netlist: the register-to-register
 * delay of its Verilog on an AMD 7-series FPGA, bit by bit, without running
 * a tool.  It sets the default pipelining (the most logic levels per stage
 * whose delay fits --clock-ns) and the cost model's Fmax; 'bibc estimate'
 * prints it beside abc9's delay from Yosys, and bench/ measures the two
 * against each other.
 *
 * Model.  Every adder maps to a LUT per bit and a CARRY4 chain (Yosys's
 * $alu mapping), so a bit's arrival time follows the chain:
 *     s_i  = max(operand bits i) + NET + LUT            (the sum/propagate LUT)
 *     c_i  = max(c_(i-1) + CC, s_(i-1) + SCO)           (carry into bit i)
 *     y_i  = max(s_i + SO, c_i + CIO)
 * with the CARRY4 delays of Yosys's xilinx/cells_sim.v (SO = S->O 0.223,
 * SCO = S->CO 0.34, CC = CI->CO per bit 0.114 / 4, CIO = CI->O 0.30 ns) and
 * a LUT of 0.24 ns.  So consecutive adders overlap as carry chains do:
 * adding low bits early lets the next adder start.  A comparison is a
 * chain whose last carry is the result; a select (MUX, and MAX/MIN/CLAMP's
 * output), a logic gate (GATE) and a LUT node are one LUT; shifts and wraps are wires; a product of two
 * variables is approximated by an adder chain per operand bit.  NET is a
 * routing allowance per LUT input, stated, not measured (0.45 ns: typical
 * of small 7-series designs; abc9's delay has none).  Registers start
 * paths at clock-to-Q (0.303 ns) and end them with setup (0.05 ns).
 * Cost: linear in the netlist's bits.
 */
#include <stdlib.h>

#include "net.h"

#define T_SO 0.223
#define T_SCO 0.34
#define T_CC (0.114 / 4)
#define T_CIO 0.30
#define T_CQ 0.303
#define T_SETUP 0.05

typedef struct Timer {
  const Net *net;
  double net_t;              /* routing allowance per LUT input */
  int64_t *off;              /* per node: first bit in arr */
  double *arr;               /* per node bit: arrival (ns after the clock edge) */
  int32_t *stage;            /* per node: pipeline stage (every > 0) */
  double worst;              /* the latest path end so far, setup included */
} Timer;

/* Arrival of bit i of operand id as read by a node of stage st: a register
 * in between (an earlier stage) restarts it at clock-to-Q; bits beyond the
 * operand's width are its sign bit. */
static double bit(Timer *T, NetId id, int i, int32_t st) {
  const NetNode *n = &T->net->nodes[id];
  if (n->op == NET_CONST)
    return 0;
  if (T->stage && T->stage[id] < st) {  /* a register rank: its input ends a path */
    double end = T->arr[T->off[id] + (i < n->w ? i : n->w - 1)] + T_SETUP;
    T->worst = end > T->worst ? end : T->worst;
    return T_CQ;
  }
  return T->arr[T->off[id] + (i < n->w ? i : n->w - 1)];
}

/* The carry chain of node n's adder over bits from..W-1, bit i reading its
 * operands' bit i (b's bit i - s for ADD/SUB): fills out[from..W) (out may
 * be NULL) and returns the carry out of the top bit. */
static double chain(Timer *T, const NetNode *n, int from, int W, int32_t st, double *out) {
  double c = -1e9;
  for (int i = from; i < W; i++) {
    double in = 0;
    const NetId args[2] = {n->a, n->b};
    for (int j = 0; j < 2 && j < net_op_nargs(n->op); j++) {
      int k = j == 1 && n->op != NET_GE && n->op != NET_MAX && n->op != NET_MIN ? i - n->s : i;
      if (k >= 0) {
        double x = bit(T, args[j], k, st);
        in = x > in ? x : in;
      }
    }
    double s = in + T->net_t + NET_T_LUT, y = s + T_SO;
    if (c + T_CIO > y)
      y = c + T_CIO;
    if (out)
      out[i] = y;
    double nc = s + T_SCO;
    c = c + T_CC > nc ? c + T_CC : nc;
  }
  return c + T_CIO;
}

static void node_timing(Timer *T, NetId id, int32_t st) {
  const NetNode *n = &T->net->nodes[id];
  double *out = T->arr + T->off[id];
  int W = n->w;
  switch ((NetOp)n->op) {
  case NET_INPUT:
    for (int i = 0; i < W; i++)
      out[i] = T_CQ;  /* from the input register */
    return;
  case NET_CONST:
    for (int i = 0; i < W; i++)
      out[i] = 0;
    return;
  case NET_REG:
    for (int i = 0; i < W; i++) {
      double end = bit(T, n->a, i, st) + T_SETUP;
      T->worst = end > T->worst ? end : T->worst;
      out[i] = T_CQ;
    }
    return;
  case NET_SHL:
    for (int i = 0; i < W; i++)
      out[i] = i < n->s ? 0 : bit(T, n->a, i - n->s, st);
    return;
  case NET_WRAP:
    for (int i = 0; i < W; i++)
      out[i] = bit(T, n->a, i, st);
    return;
  case NET_CAT:  /* wires: a's s bits, then b's */
    for (int i = 0; i < W; i++)
      out[i] = i < n->s ? bit(T, n->a, i, st) : bit(T, n->b, i - n->s, st);
    return;
  case NET_TABLE: {  /* every output bit after the last index bit, through its LUT levels */
    double t = 0;
    for (int i = 0; i < n->s; i++)
      t = bit(T, n->a, i, st) > t ? bit(T, n->a, i, st) : t;
    for (int i = 0; i < W; i++)
      out[i] = t + net_node_depth(n) * (T->net_t + NET_T_LUT);
    return;
  }
  case NET_ADD: case NET_SUB: case NET_NEG: case NET_ROUND: {
    /* low bits below a shift are wires; a ROUND's sum is as wide as its operand */
    int lo = n->op == NET_ADD || n->op == NET_SUB ? n->s : 0;
    for (int i = 0; i < lo && i < W; i++)
      out[i] = bit(T, n->a, i, st);
    double tmp[128];
    int width = n->op == NET_ROUND ? T->net->nodes[n->a].w + 1 : W;  /* ROUND: bit s + i of its sum */
    width = width > 127 ? 127 : width;
    if (n->op == NET_ROUND) {  /* the sum's bits below its bias's lowest one are wires */
      NetRound p = net_round_of(T->net, n);
      int from = net_round_wires(&p);
      from = from < width ? from : width;
      for (int k = 0; k < from; k++)
        tmp[k] = bit(T, n->a, k, st);
      chain(T, n, from, width, st, tmp);
      for (int i = 0; i < W; i++) {
        int k = i + n->s;
        out[i] = tmp[k < width ? k : width - 1];
      }
      if (p.even) {  /* bit 0 & ~tie, the tie from s operand bits */
        double tie = 0;
        for (int k = 0; k < n->s; k++) {
          double x = bit(T, n->a, k, st);
          tie = x > tie ? x : tie;
        }
        tie += n->s < 6 ? 0 : T->net_t + NET_T_LUT;  /* a LUT level more past 5 bits */
        out[0] = (out[0] > tie ? out[0] : tie) + T->net_t + NET_T_LUT;
      }
      return;
    }
    chain(T, n, lo, width, st, tmp);
    for (int i = lo; i < W; i++)
      out[i] = tmp[i];
    return;
  }
  case NET_GE: case NET_MAX: case NET_MIN: case NET_CLAMP: {
    const NetNode *a = &T->net->nodes[n->a], *b = &T->net->nodes[n->b];
    int C = (a->w > b->w ? a->w : b->w) + 1;
    double done = chain(T, n, 0, C, st, NULL);
    for (int i = 0; i < W; i++) {
      double t = done;
      if (n->op != NET_GE) {  /* then a select of the operands' bits */
        double x = bit(T, n->a, i, st), y = n->op == NET_CLAMP ? 0 : bit(T, n->b, i, st);
        t = (t > x ? t : x) > y ? (t > x ? t : x) : y;
        t += T->net_t + NET_T_LUT;
      }
      out[i] = t;
    }
    return;
  }
  case NET_GATE:  /* one LUT of two bits */
    out[0] = (bit(T, n->a, 0, st) > bit(T, n->b, 0, st) ? bit(T, n->a, 0, st) : bit(T, n->b, 0, st)) +
             T->net_t + NET_T_LUT;
    return;
  case NET_LUT: {  /* one LUT of up to six bits */
    NetId x[NET_MAXARGS];
    double t = 0;
    for (int j = 0, na = net_args(n, x); j < na; j++)
      t = bit(T, x[j], 0, st) > t ? bit(T, x[j], 0, st) : t;
    out[0] = t + T->net_t + NET_T_LUT;
    return;
  }
  case NET_MUX:
    for (int i = 0; i < W; i++) {
      double t = bit(T, n->a, 0, st), x = bit(T, n->b, i, st), y = bit(T, n->c, i, st);
      t = t > x ? t : x;
      out[i] = (t > y ? t : y) + T->net_t + NET_T_LUT;
    }
    return;
  case NET_MUL: {  /* an array of adders: one chain per bit of the narrower operand */
    const NetNode *a = &T->net->nodes[n->a], *b = &T->net->nodes[n->b];
    int rows = a->w < b->w ? a->w : b->w;
    double in = 0;
    for (int i = 0; i < a->w; i++)
      in = bit(T, n->a, i, st) > in ? bit(T, n->a, i, st) : in;
    for (int i = 0; i < b->w; i++)
      in = bit(T, n->b, i, st) > in ? bit(T, n->b, i, st) : in;
    for (int i = 0; i < W; i++)
      out[i] = in + rows * (T->net_t + NET_T_LUT + T_SO) + i * T_CC;
    return;
  }
  default: die("net_timing: op %d", n->op);
  }
}

double net_path_delay(const Net *net, int every, double route_ns) {
  Timer T = {.net = net, .net_t = route_ns};
  T.off = malloc(sizeof *T.off * (size_t)(net->nnodes + 1));
  int32_t *level = every > 0 ? malloc(sizeof *level * (size_t)(net->nnodes + 1)) : NULL;
  T.stage = every > 0 ? malloc(sizeof *T.stage * (size_t)(net->nnodes + 1)) : NULL;
  if (!T.off || (every > 0 && (!level || !T.stage)))
    die("out of memory");
  int64_t bits = 0;
  for (int64_t i = 0; i < net->nnodes; i++) {
    T.off[i] = bits;
    bits += net->nodes[i].w;
  }
  T.arr = malloc(sizeof *T.arr * (size_t)(bits + 1));
  if (!T.arr)
    die("out of memory");
  for (int64_t i = 0; i < net->nnodes; i++) {
    const NetNode *n = &net->nodes[i];
    int32_t st = 0;
    if (every > 0) {  /* insert_registers' stages, virtually */
      NetId args[NET_MAXARGS];
      int na = net_args(n, args);
      int32_t l = 0;
      for (int j = 0; j < na; j++)
        if (net->nodes[args[j]].op != NET_CONST) {
          l = level[args[j]] > l ? level[args[j]] : l;
          st = T.stage[args[j]] > st ? T.stage[args[j]] : st;
        }
      level[i] = l + net_node_depth(n);
      if (level[i] > 0 && net_node_depth(n) > 0)
        st = (level[i] - 1) / every;
      T.stage[i] = st;
    }
    node_timing(&T, (NetId)i, st);
  }
  for (int p = 0; p < net->nout + net->nargmax; p++) {  /* the output registers */
    const NetPort *port = p < net->nout ? &net->out[p] : &net->argmax[p - net->nout];
    for (int64_t e = 0; e < port->n; e++) {
      NetId id = port->el[e];
      for (int i = 0; i < net->nodes[id].w; i++) {
        double end = T.arr[T.off[id] + i] + T_SETUP;
        T.worst = end > T.worst ? end : T.worst;
      }
    }
  }
  free(T.off);
  free(T.arr);
  free(T.stage);
  free(level);
  return T.worst;
}
