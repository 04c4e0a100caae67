/*
 * pass.c - the pass registry and the default pipeline.  The pipeline is
 * data: a list of pass names, printed by 'bibc --help'.  ir_verify() runs
 * after every pass, so a pass that breaks an invariant is caught where it
 * happens, not in a backend.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

static void run_infer_shapes(Graph *g, const PassOptions *o) {
  if (o->max_elements > 0)
    g->max_elements = o->max_elements;
  infer_shapes(g);
}

static void run_prune(Graph *g, const PassOptions *o) {
  if (o->prune > 0 || o->prune_fanin > 0 || graph_annotated(g, 1))
    prune(g, o->prune, o->prune_fanin);
}

static Net *run_sink_relu(const Net *net, const PassOptions *o) {
  (void)o;
  return sink_relu(net);
}

static Net *run_fold_round_bias(const Net *net, const PassOptions *o) {
  (void)o;
  return fold_round_bias(net);
}

static Net *run_argmax_port(const Net *net, const PassOptions *o) {
  return o->no_argmax ? (Net *)net : argmax_port(net);
}

/* --lut-neurons / --lut-neuron-bits B; otherwise nothing. */
static Net *run_lut_neurons(const Net *net, const PassOptions *o) {
  return o->lut_neurons ? lut_neurons(net, o->lut_neurons, o->lut_auto) : (Net *)net;
}

/* --lut-k K (else 6: an xc7's LUT6); --no-pack-luts: none. */
static Net *run_pack_luts(const Net *net, const PassOptions *o) {
  if (o->no_pack_luts)
    return (Net *)net;
  return pack_luts(net, o->lut_k ? o->lut_k : 6);
}

/* --pipeline N, or the most levels per stage that the cost model says fit
 * --clock-ns (default 5 ns); 0 levels or a net that fits: no registers. */
static Net *run_insert_registers(const Net *net, const PassOptions *o) {
  int every = o->pipeline_given ? o->pipeline
                                : net_levels_per_clock(net, o->clock_ns > 0 ? o->clock_ns : 5.0);
  if (every <= 0 || every >= net_max_depth(net))
    return (Net *)net;
  return insert_registers(net, every);
}

/* The gate-level passes: a no-op on a net without gates; otherwise the
 * gates left are recorded (Net.steps) for estimate and --dump-net. */
static Net *gate_step(Net *net, const char *pass) {
  if (net->nsteps < NET_MAXSTEPS)
    net->steps[net->nsteps++] = (NetStep){pass, net_count_gates(net)};
  return net;
}

/* run_P for gate-level pass P: P, then its gate count; nothing without gates. */
#define GATE_PASS(P) \
  static Net *run_##P(const Net *net, const PassOptions *o) { \
    (void)o; \
    return net->nsteps ? gate_step(P(net), #P) : (Net *)net; \
  }
GATE_PASS(propagate_gate_constants)
GATE_PASS(fold_inverters)
GATE_PASS(eliminate_dead_gates)
GATE_PASS(hash_gates)
#undef GATE_PASS

static Net *run_rebuild_popcounts(const Net *net, const PassOptions *o) {
  (void)o;
  return net->nsteps ? rebuild_popcounts(net) : (Net *)net;
}

const Pass passes[] = {
  {"infer_shapes", NULL, "infer static shapes, lower nodes to kernels, fold constants",
   "Requires: an imported graph (nodes in topological order).\n"
   "Provides: every value's element type and static shape; every node's kernel call\n"
   "(Node.kernel/ip/fp/targs); nodes whose inputs are all constant are evaluated at\n"
   "compile time and removed (this folds Shape -> Gather -> Unsqueeze -> Concat ->\n"
   "Reshape chains and Constant nodes). No tensor may exceed --max-elements N\n"
   "(default 2^22): a few bytes of ONNX can ask for gigabytes.\n"
   "Invalidates: nothing.\n", run_infer_shapes, NULL},
  {"eliminate_dead", eliminate_dead, "remove nodes whose results no output needs",
   "Requires: infer_shapes.\n"
   "Provides: every remaining node contributes to a graph output; values no node\n"
   "reads or writes are left unreferenced (not emitted).\n"
   "Invalidates: nothing.\n", NULL, NULL},
  {"lower_fixed", lower_fixed, "map a quantized graph to fixed-point and scaled integers",
   "Requires: infer_shapes.\n"
   "Provides: values between quantizers become fixed point (int64 containers) with\n"
   "formats and integer ranges from interval analysis on the real weights (shown by\n"
   "--dump-ir); Quant on fixed values becomes an exact integer requantization; Gemm\n"
   "becomes MatMul + Add. Quantizers whose scale is not a power of two give scaled\n"
   "integers: their codes, with the real scale beside them (weights: the codes of the\n"
   "folded quantizer; MatMul/Conv: the product of the scales). Ops that compute in\n"
   "float read ToFloat copies (fold_thresholds maps those before a quantizer), and\n"
   "fixed graph outputs are delivered as float32. Semantics: ir/fixed-point.md.\n"
   "Invalidates: nothing.\n", NULL, NULL},
  {"fold_thresholds", NULL, "fold float sections between integers and quantizers into thresholds",
   "Requires: lower_fixed.\n"
   "Provides: each ToFloat -> (Add/Sub/Mul/Div by constants, BatchNormalization, Relu)\n"
   "-> Quant/BipolarQuant -> FromFloat section becomes one integer Threshold node\n"
   "(codes = base + step * count(sign * x >= T_k)). Power-of-two inputs: thresholds\n"
   "found by bisection on the section's own float kernels and checked against them,\n"
   "so the result is bit-exact with the float model. Scaled integers (scales that\n"
   "are not powers of two): thresholds of the exact real-number semantics, computed\n"
   "with exact dyadic arithmetic. Sections that do not fit are left in float.\n"
   "Invalidates: nothing.\n", fold_thresholds, NULL},
  {"fold_batchnorm", fold_batchnorm, "fold BatchNormalization into the preceding Conv/Gemm/MatMul",
   "Requires: infer_shapes.\n"
   "Provides: a BatchNormalization (inference mode, constant parameters) that follows a\n"
   "Conv, Gemm or MatMul with constant weights (possibly through a bias Add and\n"
   "Reshape/Flatten/Squeeze/Unsqueeze/Identity) is removed; the layer gets weights\n"
   "W*s and bias (b - mean)*s + B with s = scale/sqrt(var + eps), computed in double\n"
   "and rounded once to float32. Other BatchNormalizations stay.\n"
   "Invalidates: nothing.\n", NULL, NULL},
  {"prune", NULL, "magnitude pruning (--prune FRACTION, --prune-fanin N)",
   "Requires: infer_shapes.\n"
   "Provides: the constant weights of Conv, Gemm and MatMul pruned, in two steps\n"
   "(biases are kept; each step reports its count on stderr):\n"
   " 1. --prune FRACTION: the floor(FRACTION * N) weights of smallest |w| among all N\n"
   "    are set to zero (ties: earlier layer, then lower index, first). A .bib model's\n"
   "    @prune(F) on the model line is the FRACTION when --prune is not given; on a\n"
   "    layer, that layer's weights are ranked apart and F of them zeroed.\n"
   " 2. --prune-fanin N, after step 1: every neuron keeps its N weights of largest |w|\n"
   "    and the others become zero (LogicNets' fan-in constraint). A neuron is a column\n"
   "    of MatMul's B [..., in, out] (a row of a constant A), a column of Gemm's B (a\n"
   "    row under transB), a Conv output channel over in/group x kh x kw. Ties: the\n"
   "    lower index is kept. A per-channel scale after the layer (BatchNormalization)\n"
   "    does not change the ranking, so --prune-fanin alone runs without\n"
   "    fold_batchnorm and quantized weights keep their codes.\n"
   "NaN ranks above every number (never pruned). Nothing is retrained. Zero weights\n"
   "add nothing to the ranges of lower_fixed's interval analysis nor adders to the\n"
   "netlist, and --dump-ir counts them (\"# K of N zero\"). Without --prune,\n"
   "--prune-fanin or @prune the pass does nothing.\n"
   "Invalidates: nothing.\n", run_prune, NULL},
  {"quantize_ptq", NULL, "post-training quantization to hls4ml-style fixed<W,I> types",
   "Requires: infer_shapes (fold_batchnorm and prune first, if wanted).\n"
   "Provides: QONNX Quant nodes with power-of-two scales on each graph input, on the\n"
   "weights and biases of every Conv/Gemm/MatMul (rounded now, at compile time),\n"
   "on the accumulator (only if an accum precision is given) and on each layer's result\n"
   "(after its activation; Softmax/Sigmoid/Tanh and other float ops are results too).\n"
   "Types: --precision fixed<W,I> | ufixed<W,I> (W total bits, I integer bits incl.\n"
   "sign; optional rounding and saturation: fixed<16,6,RND,SAT>), overridden by\n"
   "--config FILE.yml (hls4ml schema, see README), refined by --calibrate X.npy:\n"

   "I = the fewest integer bits that hold the largest |value| seen on the samples.\n"
   "A .bib model's @precision annotations are a config of its own, under those\n"
   "options (doc/dsl.md).\n"
   "Rounding TRN|TRN_ZERO|RND|RND_ZERO|RND_INF|RND_MIN_INF|RND_CONV, saturation\n"
   "WRAP|SAT|SAT_SYM map exactly onto bibc's modes (ir/fixed-point.md); hls4ml's\n"
   "defaults are TRN and WRAP. Config schema (YAML, optionally under HLSConfig:):\n"
   "  Model: {Precision: 'fixed<16,6>', Rounding: RND, Saturation: SAT}\n"
   "  LayerType: {Dense: {Precision: {weight: 'fixed<8,2>'}}}   # or an ONNX op type\n"
   "  LayerName:                              # ONNX node, output or input tensor name\n"
   "    fc1: {Precision: {weight: ..., bias: ..., result: ..., accum: ...},\n"
   "          Rounding: ..., Saturation: ..., ReuseFactor: 1, Strategy: Latency}\n"
   "A string Precision sets weight, bias and result; accum is exact unless named.\n"
   "Unknown keys, layer types and layer names are errors (file:line:column).\n"
   "Invalidates: nothing.\n",
   quantize_ptq, NULL},
  {"propagate_gate_constants", NULL, "netlist: logic gates of constants become constants",
   "Requires: a netlist without registers.\n"
   "Provides: each gate reduced to what it depends on: a gate with a constant operand\n"
   "becomes a constant or a one-operand gate (a pass-through or a negation, for\n"
   "fold_inverters); constant truth tables (ids 0, 15) become constants. One forward\n"
   "sweep, so constants travel through every layer. Exact (same integers).\n"
   "Report: the gates left ('bibc estimate', --dump-net).\n"
   "Invalidates: netlist node ids.\n", NULL, run_propagate_gate_constants},
  {"fold_inverters", NULL, "netlist: pass-through and negation gates fold into their readers",
   "Requires: a netlist without registers (after propagate_gate_constants).\n"
   "Provides: no pass-through gate; a negation is absorbed into the truth table of\n"
   "every gate that reads it (XOR(~x, y) is XNOR(x, y)); an inverter is left only\n"
   "where a node other than a gate (a popcount adder, an output) reads one. Gates\n"
   "that then read one literal twice or ignore an operand are reduced too.\n"
   "Exact (same integers). Report: the gates left.\n"
   "Invalidates: netlist node ids.\n", NULL, run_fold_inverters},
  {"hash_gates", NULL, "netlist: identical gates are merged (structural hashing)",
   "Requires: a netlist without registers (after fold_inverters).\n"
   "Provides: each gate reduced and its operands ordered, and no two gates of the\n"
   "same operands computing the same function or its complement (a gate's readers\n"
   "take the complement of the one kept, gates absorbing it); gates equal\n"
   "once their operands merged merge in the same sweep (fold_inverters' sweep with\n"
   "a hash table). Exact (same integers). Report: the gates left (dead ones too,\n"
   "for eliminate_dead_gates). Cost: linear in nodes.\n"
   "Invalidates: netlist node ids.\n", NULL, run_hash_gates},
  {"eliminate_dead_gates", NULL, "netlist: gates that reach no output are removed",
   "Requires: a netlist without registers (after hash_gates).\n"
   "Provides: every gate reaches an output port. Exact (same outputs).\n"
   "Report: the gates left.\n"
   "Invalidates: netlist node ids.\n", NULL, run_eliminate_dead_gates},
  {"rebuild_popcounts", NULL, "netlist: GroupSum counts rebuilt over the bits the gate passes left",
   "Requires: a netlist without registers (after eliminate_dead_gates).\n"
   "Provides: each PopCount (GroupSum) count flattened to sum m_i x_i + c and built\n"
   "again as build_net builds it from known bits: one wired shift x << b per set bit b\n"
   "of m (a gate merged with its copies), the constants (gates that became constants)\n"
   "as one leaf, a balanced adder tree of ceil(log2 leaves) levels. Runs only after\n"
   "the gate-level passes (not with --lgn-naive). Exact (same integers).\n"
   "Invalidates: netlist node ids.\n", NULL, run_rebuild_popcounts},
  {"da", NULL, "netlist: distributed arithmetic (shared shift-add graphs for constant products)",
   "Requires: a netlist (build_net).\n"
   "Provides: no multiplier for any product by a constant. Each MatMul row of outputs\n"
   "and each Conv output position (all channels) is one constant matrix-vector product\n"
   "y = W x + c, built as a shared adder graph (compiler/cmvm.c):\n"
   " 1. every weight in canonical signed digits (fewest nonzero digits), so each\n"
   "    output is a list of terms +-(x_i << e); zero weights cost nothing;\n"
   " 2. common subexpressions: the two-term pattern a +- (b << s) that occurs most\n"
   "    often across all outputs, then the narrower adder (counted incrementally in\n"
   "    a hash table, picked from a lazy max-heap), becomes one adder and replaces\n"
   "    its occurrences; repeated until no pattern occurs twice;\n"
   " 3. each output's remaining terms are summed by a timing-driven tree: the two\n"
   "    terms available earliest (fewest adder levels, then lowest shift) first,\n"
   "    a - (b << s) where signs differ, low bits kept as wires; the constant last;\n"
   " 4. also tried, as da4ml does: the outputs as a spanning tree of differences\n"
   "    (y_j = d_j +- y_p, where rows j and p are close in CSD digits), and the\n"
   "    same over the inputs; hop limits 2 and 3; the graph with the fewest\n"
   "    adder bits (about one LUT each) wins, then the fewest adders, then the\n"
   "    shallowest.\n"
   "Ties between patterns of equal weight go to the one seen last (it favours the\n"
   "newest variables: 1.5 % fewer adders than the first seen). Every adder\n"
   "is as wide as the exact interval of its linear form over the leaves.\n"
   "Conv positions with equal matrices and input ranges share one design. Other sums\n"
   "(a bias Add, a scaling Mul) get the same treatment with one output.\n"
   "Options: --da-cost adders  fewest adders instead of fewest adder bits: the pattern\n"
   "           weight is then occurrences times the bits of the narrower operand\n"
   "           (da4ml's), and the graph with the fewest adders wins (bench/cmvm's\n"
   "           table: 1 % fewer adders, 1-2 % more adder bits on the users' models);\n"
   "         --da-depth K  sharing may add at most K adder levels to any output over\n"
   "           the shallowest tree of its CSD terms (default: no limit; fewer adders,\n"
   "           deeper trees, which the pipeliner registers);\n"
   "         --no-da  skip the pass: one multiplication per nonzero weight (what HLS\n"
   "           tools map to DSPs; the baseline that bench/cmvm/yosys.sh compares with).\n"
   "Cost: counting the pairs is O(terms^2) per output, then O(terms of an output)\n"
   "per substitution, five greedy runs per product: a 16x16 int8 matrix in about\n"
   "10 ms; products over 6e6 pairs are built without sharing (a note says so).\n"
   "bench/cmvm/run.sh prints adders, depth and time; bench/cmvm/yosys.sh LUTs.\n"
   "Exact: the same integers, every adder as wide as its exact interval needs.\n"
   "Invalidates: netlist node ids.\n", NULL, da},
  {"sink_relu", NULL, "netlist: a ReLU before a requantization moves after its rounding",
   "Requires: a netlist without registers.\n"
   "Provides: round(max(x, 0)) becomes max(round(x), 0) (every rounding mode is\n"
   "monotone and rounds 0 to 0), and a saturating clamp with a lower bound >= 0 that\n"
   "follows absorbs the max: a Dense/Conv -> ReLU -> Quant layer loses one logic level\n"
   "and one select per element. Exact (same integers).\n"
   "Invalidates: netlist node ids.\n", NULL, run_sink_relu},
  {"fold_round_bias", NULL, "netlist: a constant added before a rounding joins its offset",
   "Requires: a netlist without registers (after sink_relu).\n"
   "Provides: round(x + c) with c constant (a bias before a requantization) is one\n"
   "adder x + (c + 1/2) and a slice instead of two adders, in the rounding modes whose\n"
   "offset does not depend on the sign (floor, ceil, half up, half down, half to even);\n"
   "ties to even compare x's low bits with a constant. Exact (same integers).\n"
   "Invalidates: netlist node ids.\n", NULL, run_fold_round_bias},
  {"argmax_port", NULL, "netlist: an argmax port for each GroupSum output (Verilog)",
   "Requires: a netlist without registers.\n"
   "Provides: for each core output written by a GroupSum (PopCount) of shape [rows, k],\n"
   "an argmax port (Net.argmax, no graph value): per row, the index of the largest\n"
   "score, the lowest index on ties (numpy / ONNX ArgMax, select_last_index = 0), an\n"
   "unsigned code of max(1, ceil(log2 k)) bits. A balanced tournament of (score,\n"
   "index) pairs: ceil(log2 k) levels of one comparison (lower half >= upper half, so\n"
   "ties go to the lower indices) and two selects, in the GroupSum's layer; the\n"
   "pipeliner registers it like the scores. Runs for Verilog (and bibc estimate)\n"
   "unless --no-argmax; HLS C has no argmax port.\n"
   "Invalidates: netlist node ids.\n", NULL, run_argmax_port},
  {"lut_neurons", NULL, "netlist: neurons of at most B input bits as truth tables (--lut-neurons)",
   "Requires: a netlist without registers (before da).\n"
   "Provides (with --lut-neurons, B = 12 input bits, or --lut-neuron-bits B, 1 to 16;\n"
   "otherwise nothing): LogicNets-style neurons. A neuron is a live node that a MatMul,\n"
   "SparseMatMul or Conv reads as an element of its input activations, or an output\n"
   "element; its inputs are the nodes of that kind (or core inputs) its cone reaches.\n"
   "A zero weight makes no product, so a neuron pruned to N inputs (--prune-fanin N)\n"
   "reads N codes. When their widths total at most B bits, the neuron becomes a TABLE\n"
   "node: entry i is the neuron's value with every input holding its code in i\n"
   "(input j at bits off_j.., in node order), computed by evaluating its cone, so the\n"
   "table is the arithmetic form bit for bit. Verilog writes each output bit as selects\n"
   "on the index's top bits over functions of its low six (the shape a LUT6 mapper\n"
   "gives it; Yosys takes seconds for a 12-bit table), HLS C a constant array; equal\n"
   "tables are stored once. The cost model counts that form: a LUT6 per distinct\n"
   "6-bit leaf and one per three selects over distinct halves (Yosys / model: 0.9 to\n"
   "1.35 at 6 to 12 bits, 1.8 at 16); depth 1 + ceil((B-6)/2) LUT levels.\n"
   "--lut-neurons-auto: a neuron becomes a table only where the cost model finds the\n"
   "table cheaper than its cone as built (a product by a constant as the adders of its\n"
   "canonical signed digits); the others are reported as cheaper as arithmetic.\n"
   "Reports 'lut_neurons: T of N neurons as tables, ..., O over B bits' (bibc estimate,\n"
   "--dump-net). Bounds: 2^22 entries and 2^28 node evaluations in all, cones of\n"
   "65,536 nodes; past them neurons stay arithmetic and the report says how many.\n"
   "Cost: cone size x 2^bits per neuron.\n"
   "Invalidates: netlist node ids.\n", NULL, run_lut_neurons},
  {"pack_luts", NULL, "netlist: logic gates packed into K-input LUTs (--lut-k K)",
   "Requires: a netlist without registers (after fold_round_bias).\n"
   "Provides: every logic gate (GATE node) inside a LUT node of at most K inputs (K\n"
   "is --lut-k, 2 to 6; default 6, an xc7's LUT6; bibc estimate takes 4 for --device\n"
   "ice40), one LUT level each, by priority cuts (Mishchenko et al., ICCAD 2007):\n"
   " 1. each gate, in order, merges its operands' cuts (sets of at most K leaves that\n"
   "    every path to it crosses; a gate operand also counts as one leaf, a constant\n"
   "    as none) and keeps the 8 best that no kept cut is a subset of;\n"
   " 2. cost, in this order: area flow (1 + the sum over gate leaves of their own\n"
   "    best cut's area flow divided by their readers: the LUTs the cone costs,\n"
   "    shared LUTs counted once), then depth (LUT levels), then fewer leaves: area\n"
   "    first because the LUT count is what the mapping is for, depth second because\n"
   "    a deeper cover costs pipeline registers, not correctness;\n"
   " 3. from the gates that a non-gate node or an output reads, back to the inputs,\n"
   "    each needed gate takes its best cut and needs that cut's gate leaves;\n"
   " 4. area recovery: twice, each node's readers move toward its readers in that\n"
   "    cover and steps 1 and 3 run again; then twice, each gate of the cover takes\n"
   "    the cut that adds the fewest LUTs given the other gates' choices (exact local\n"
   "    area), then the shallowest (bench/lgn's 784-input 6 x 8,000-gate network:\n"
   "    7,531 LUT6 after step 3, 7,026 after step 4, 5 LUT levels both);\n"
   " 5. each chosen cut is one LUT whose table is its cone simulated on all 2^K\n"
   "    assignments of the leaves (a constant function: a constant; the identity of a\n"
   "    leaf: the leaf).\n"
   "Reports 'pack_luts: G gates into L LUTK, N LUT levels' (bibc estimate, --dump-net).\n"
   "Nodes no output needs are dropped. A net without gates is left as it is;\n"
   "--no-pack-luts skips the pass (one GATE node per gate, for comparison).\n"
   "Exact: each table is its cone's function on every assignment of its leaves.\n"
   "Cost: about gates x 8^2 x K per round, plus one walk per chosen cone (0.1 s for\n"
   "17,000 live gates).\n"
   "Invalidates: netlist node ids.\n", NULL, run_pack_luts},
  {"insert_registers", NULL, "netlist: a register rank after every N logic levels (--pipeline N)",
   "Requires: a netlist without registers.\n"
   "Provides: REG nodes so that no path between registers holds more than N logic\n"
   "levels (an adder, comparator or select each), outputs aligned to one cycle, and\n"
   "the latency in cycles (Verilog: LATENCY = ranks + 2 with the port registers).\n"
   "N is --pipeline N (0: none); by default the largest N for which the timing model's\n"
   "register-to-register delay (net_timing.c: carry chains bit by bit, xc7 cell\n"
   "delays, a routing allowance) fits --clock-ns (default 5 ns).\n"
   "Invalidates: netlist node ids.\n", NULL, run_insert_registers},
};
const int npasses = (int)(sizeof passes / sizeof passes[0]);

const char *const default_pipeline[] = {"infer_shapes", "eliminate_dead", NULL};
const char *const fixed_pipeline[] = {"infer_shapes", "lower_fixed", "fold_thresholds",
                                     "eliminate_dead", NULL};
static const char *const ptq_pipeline[] = {"infer_shapes", "fold_batchnorm", "prune",
                                           "quantize_ptq", "lower_fixed", "fold_thresholds",
                                           "eliminate_dead", NULL};
static const char *const float_opt_pipeline[] = {"infer_shapes", "fold_batchnorm", "prune",
                                                 "eliminate_dead", NULL};
static const char *const fixed_opt_pipeline[] = {"infer_shapes", "fold_batchnorm", "prune",
                                                 "lower_fixed", "fold_thresholds",
                                                 "eliminate_dead", NULL};
/* --prune-fanin alone: no fold_batchnorm (see prune.c). */
static const char *const float_fanin_pipeline[] = {"infer_shapes", "prune", "eliminate_dead", NULL};
static const char *const fixed_fanin_pipeline[] = {"infer_shapes", "prune", "lower_fixed",
                                                   "fold_thresholds", "eliminate_dead", NULL};

const char *const *pipeline_for(const Graph *g, const PassOptions *o) {
  if (o->precision || o->config || o->calibrate || graph_annotated(g, 0))
    return ptq_pipeline;
  if (o->fold_bn || o->prune > 0 || graph_annotated(g, 1))
    return o->fixed ? fixed_opt_pipeline : float_opt_pipeline;
  if (o->prune_fanin > 0)
    return o->fixed ? fixed_fanin_pipeline : float_fanin_pipeline;
  return o->fixed ? fixed_pipeline : default_pipeline;
}

const Pass *pass_find(const char *name) {
  for (int i = 0; i < npasses; i++)
    if (strcmp(passes[i].name, name) == 0)
      return &passes[i];
  return NULL;
}

void pipeline_run(Graph *g, const char *const *pipeline, const char *dump_after) {
  pipeline_run_opts(g, pipeline, dump_after, NULL);
}

void pipeline_run_opts(Graph *g, const char *const *pipeline, const char *dump_after,
                       const PassOptions *o) {
  static const PassOptions unset;
  if (o && o->lgn_naive)
    g->lgn_naive = 1;
  for (int i = 0; pipeline[i]; i++) {
    const Pass *p = pass_find(pipeline[i]);
    ASSERT(p);
    if (p->run_opts)
      p->run_opts(g, o ? o : &unset);
    else
      p->run(g);
    g->passes++;
    ir_verify(g);
    if (dump_after && strcmp(dump_after, p->name) == 0)
      ir_dump(g, stdout);
  }
}

const char *const *net_pipeline_for(int clocked, const PassOptions *o) {
  static const char *lists[8][14];  /* by clocked, --no-da, --lgn-naive */
  int no_da = o && o->no_da, naive = o && o->lgn_naive;
  const char **l = lists[(clocked ? 4 : 0) | no_da << 1 | naive];
  if (!l[0]) {
    int n = 0;
    if (!naive) {
      l[n++] = "propagate_gate_constants";
      l[n++] = "fold_inverters";
      l[n++] = "hash_gates";
      l[n++] = "eliminate_dead_gates";
      l[n++] = "rebuild_popcounts";
    }
    l[n++] = "lut_neurons";
    if (!no_da)
      l[n++] = "da";
    l[n++] = "sink_relu";
    l[n++] = "fold_round_bias";
    if (!naive)
      l[n++] = "pack_luts";
    if (clocked) {
      l[n++] = "argmax_port";
      l[n++] = "insert_registers";
    }
  }
  return l;
}

Net *net_pipeline_run(Graph *g, const char *const *names, const PassOptions *o) {
  static const PassOptions unset;
  Net *net = build_net(g);
  net->keep_gates = o && o->lgn_naive;
  int64_t gates = 0;
  for (int64_t id = 0; id < net->nnodes; id++)
    gates += net->nodes[id].op == NET_GATE;
  if (gates)
    net->steps[net->nsteps++] = (NetStep){"build_net", gates};
  for (int i = 0; names && names[i]; i++) {
    const Pass *p = pass_find(names[i]);
    ASSERT(p && p->run_net);
    net = p->run_net(net, o ? o : &unset);
    net_verify(net);
  }
  return net;
}

/* A whole number in [lo, hi] from option a's argument v. */
static long number(const char *a, const char *v, long lo, long hi) {
  char *end;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (end == v || *end || errno || x < lo || x > hi)
    error_at(NULL, NULL, "%s needs a whole number from %ld to %ld, got '%s'", a, lo, hi, v);
  return x;
}

int pass_options_parse(PassOptions *po, int argc, char **argv, int *i) {
  const char *a = argv[*i];
  if (strcmp(a, "--lut-neuron-bits") == 0) {
    if (*i + 1 >= argc)
      error_at(NULL, NULL, "option --lut-neuron-bits needs the input bits a neuron may have, 1 to %d",
               NET_TABLE_MAXBITS);
    po->lut_neurons = (int)number(a, argv[++*i], 1, NET_TABLE_MAXBITS);
    return 1;
  }
  if (strcmp(a, "--lut-k") == 0) {
    if (*i + 1 >= argc)
      error_at(NULL, NULL, "option --lut-k needs the LUT inputs, 2 to 6");
    po->lut_k = (int)number(a, argv[++*i], 2, NET_MAXARGS);
    return 1;
  }
  if (strcmp(a, "--pipeline") == 0 || strcmp(a, "--clock-ns") == 0 ||
      strcmp(a, "--da-depth") == 0) {
    if (*i + 1 >= argc)
      error_at(NULL, NULL, "option %s needs an argument (see 'bibc --help')", a);
    const char *v = argv[++*i];
    if (a[2] == 'd') {
      po->da_depth = (int)number(a, v, 0, 32);
      po->da_depth_given = 1;
    } else if (a[2] == 'p') {
      po->pipeline = (int)number(a, v, 0, 1000);
      po->pipeline_given = 1;
    } else {
      char *end;
      po->clock_ns = strtod(v, &end);
      if (end == v || *end || !(po->clock_ns >= 0.5 && po->clock_ns <= 1000))
        error_at(NULL, NULL, "--clock-ns needs a clock period in ns from 0.5 to 1000, got '%s'", v);
    }
    return 1;
  }
  if (strcmp(a, "--prune-fanin") == 0) {
    if (*i + 1 >= argc)
      error_at(NULL, NULL, "option --prune-fanin needs the inputs each neuron keeps, at least 1");
    po->prune_fanin = (int)number(a, argv[++*i], 1, INT32_MAX);
    return 1;
  }
  if (strcmp(a, "--max-elements") == 0) {
    if (*i + 1 >= argc)
      error_at(NULL, NULL, "option --max-elements needs a number of elements");
    const char *v = argv[++*i];
    po->max_elements = number(a, v, 1, (long)1 << 31);
    return 1;
  }
  if (strcmp(a, "--da-cost") == 0) {
    if (*i + 1 >= argc)
      error_at(NULL, NULL, "option --da-cost needs an argument: luts or adders");
    const char *v = argv[++*i];
    if (strcmp(v, "luts") != 0 && strcmp(v, "adders") != 0)
      error_at(NULL, NULL, "--da-cost takes luts or adders, got '%s'", v);
    po->da_adders = v[0] == 'a';
    return 1;
  }
  if (strcmp(a, "--fixed") == 0) {
    po->fixed = 1;
  } else if (strcmp(a, "--no-da") == 0) {
    po->no_da = 1;
  } else if (strcmp(a, "--lgn-naive") == 0) {
    po->lgn_naive = 1;
  } else if (strcmp(a, "--no-argmax") == 0) {
    po->no_argmax = 1;
  } else if (strcmp(a, "--no-pack-luts") == 0) {
    po->no_pack_luts = 1;
  } else if (strcmp(a, "--lut-neurons") == 0 || strcmp(a, "--lut-neurons-auto") == 0) {
    po->lut_neurons = po->lut_neurons ? po->lut_neurons : 12;
    po->lut_auto |= a[13] == '-';
  } else if (strcmp(a, "--fold-batchnorm") == 0) {
    po->fold_bn = 1;
  } else if (strcmp(a, "--precision") == 0 || strcmp(a, "--config") == 0 ||
             strcmp(a, "--calibrate") == 0 || strcmp(a, "--prune") == 0) {
    if (*i + 1 >= argc)
      error_at(NULL, NULL, "option %s needs an argument (see 'bibc --help')", a);
    const char *v = argv[++*i];
    if (a[2] == 'p' && a[3] == 'r' && a[4] == 'e')
      po->precision = v;
    else if (a[2] == 'c' && a[3] == 'o')
      po->config = v;
    else if (a[2] == 'c')
      po->calibrate = v;
    else {
      char *end;
      po->prune = strtod(v, &end);
      if (end == v || *end || !(po->prune >= 0 && po->prune < 1))
        error_at(NULL, NULL, "--prune needs a fraction in [0, 1), got '%s'", v);
    }
  } else {
    return 0;
  }
  return 1;
}
