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
 * two; their selects and MUX cost one LUT per result bit.  Registers are
 * REG nodes plus the module's input, output and valid registers.
 *
 * LUTs.  On a 6-LUT with a carry chain one LUT drives each adder bit, but
 * Yosys shares sign-extension LUTs and merges identical adders, so the
 * measured ratio is below one (../shared/REFERENCE.md section 7: 0.56-0.60
 * LUT per adder bit for CSD adder graphs with the flow bibc's estimate
 * runs); the model uses NET_LUT_PER_BIT, and 'bibc estimate' prints how far
 * Yosys's count lands from it.
 *
 * Delay (xc7, stated, no routing data): a path through k logic levels
 * costs CLK_Q + k * (LUT + NET) + the carry propagation of its widest adder
 * (CARRY per 4 bits) + SETUP; consecutive carry chains overlap, so only
 * the widest one is counted in full.
 */
#include <stdlib.h>

#include "net.h"

#define NET_LUT_PER_BIT 0.6  /* measured LUTs per adder bit (REFERENCE.md section 7) */
#define T_CLK_Q 0.30         /* ns: FDRE clock to Q (Yosys xilinx cells_sim.v) */
#define T_LUT 0.24           /* ns: LUT, slowest pin */
#define T_NET 0.45           /* ns: routing allowance per net (stated, not measured) */
#define T_CARRY 0.114        /* ns: CARRY4 CI -> CO3 per 4 bits */
#define T_SETUP 0.10         /* ns: register setup */

int net_max_depth(const Net *net) {
  int32_t *d = malloc(sizeof *d * (size_t)(net->nnodes + 1));
  if (!d)
    die("out of memory");
  int best = 0;
  for (int64_t i = 0; i < net->nnodes; i++) {
    const NetNode *n = &net->nodes[i];
    const NetId args[3] = {n->a, n->b, n->c};
    int32_t m = 0;
    for (int j = 0; j < net_op_nargs(n->op) && n->op != NET_REG; j++)
      m = d[args[j]] > m ? d[args[j]] : m;
    d[i] = n->op == NET_REG ? 0 : m + net_depth(n->op);
    best = d[i] > best ? d[i] : best;
  }
  free(d);
  return best;
}

double net_level_delay(int levels, int widest) {
  return T_CLK_Q + levels * (T_LUT + T_NET) + (widest + 3) / 4 * T_CARRY + T_SETUP;
}

int net_levels_per_clock(const Net *net, double clock_ns) {
  int widest = 1;
  for (int64_t i = 0; i < net->nnodes; i++) {
    const NetNode *n = &net->nodes[i];
    if (net_depth(n->op) > 0 && n->w > widest)
      widest = n->w;
  }
  int levels = 1;
  while (levels < 1000 && net_level_delay(levels + 1, widest) <= clock_ns)
    levels++;
  return levels;
}
