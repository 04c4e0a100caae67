/*
 * hash_gates - identical gates are merged (structural hashing).
 *
 * Two gates of the same operands and function compute the same bit, and
 * a gate that computes the complement of another (XNOR of XOR) is that
 * gate's complement, as in an and-inverter graph.  The pass is
 * fold_inverters' sweep (gate_sweep) with merging on: every old node maps
 * to a literal (a new node and a complement bit); each gate's literals
 * fold into its id, the gate is reduced to what it depends on
 * (net_gate_reduce: a gate whose two operands merged into one becomes a
 * constant, a pass-through or a negation, which its readers absorb), then
 * normalised, its operands ordered by node id (g(y, x) is gate
 * net_gate_compose(g, b, a) of x and y), and looked up in a hash table by
 * (a, b, id up to a complement): a gate found computing the complement
 * maps to that gate's complemented literal; one not found is added as it
 * is (so a NAND read by an adder stays one gate).  Operands are mapped before their readers,
 * so gates that become identical once their operands merged merge in the
 * same sweep.  Gates whose readers all merged are left dead, for
 * eliminate_dead_gates, which runs next.
 *
 * Requires: a netlist, before insert_registers (after fold_inverters).
 * Provides: no two GATE nodes compute the same function or its complement
 * of the same operands; no gate of one operand except an inverter that a
 * non-gate node reads.  Exact: the same integers.  Invalidates: netlist
 * node ids.  Cost: linear in nodes (a hash table of twice the gates).
 */
#include "../compiler.h"

Net *hash_gates(const Net *old) {
  return gate_sweep(old, 1);
}
