/*
 * net.h - the netlist level: the integer core of a fixed-point graph
 * unrolled into a DAG of scalar operations on exact-width integers.
 *
 * The tensor IR (ir.h) says "Y = MatMul(X, W)"; the netlist says
 * "n17 = n3 * 5; n18 = n17 + n9; ...", one node per scalar operation, each
 * with its exact interval [lo, hi] (interval analysis on the real weights
 * and the input ranges) and the bit width that interval needs.  Everything
 * below the tensor level works here: the hardware backends (HLS C,
 * Verilog) print it, the cost model and the pipeliner read it, and later
 * distributed arithmetic, gate optimisation, bit-flip studies and
 * redundancy rewrite it.
 *
 * A Net is built from a graph after lower_fixed (compiler/passes/
 * build_net.c): the graph's core (int_split: the nodes between the
 * FromFloat inputs and the ToFloat outputs) is unrolled element by element.
 * Nodes are stored in topological order (operands before users), so one
 * forward sweep evaluates, prints or measures a net.  The core's inputs are
 * ports: port p is core input p (IntSplit.qin[p]), an element of which is an
 * INPUT node; the outputs are NetPorts listing one node per element.
 *
 * Semantics are exact integer arithmetic on the nodes' values (no
 * wrap-around: every interval fits the node's width by construction, and
 * net_verify() checks it); the only lossy ops are ROUND, CLAMP and WRAP,
 * whose rules are ir/fixed-point.md's and runtime/rt_fixed.h's.  Cost:
 * everything is linear in nodes; nodes live in the Net's arena.
 */
#ifndef BIBC_NET_H
#define BIBC_NET_H
#include "ir.h"

/* The netlist operators, defined once.  Columns: X(enum suffix, name in
 * --dump-net, operands, depth, semantics); depth is the logic levels the op
 * adds to a path (an adder, comparator or select is one level; shifts and
 * wraps are wiring; a product of two variables counts two), which the
 * pipeliner and the cost model use.  Operands are a, b, c (node ids; a
 * LUT has up to six, the last three in NetNode.more, and net_args() lists
 * any node's); parameters are s (a shift, a port, a LUT's operand count)
 * and k (a constant, an element index, a rounding mode, a truth table or
 * a table id).
 * ORDER: nothing depends on the order of rows. */
#define NET_OPS(X) \
  X(INPUT, "input", 0, 0, "y = element k of core input port s") \
  X(CONST, "const", 0, 0, "y = k") \
  X(ADD,   "add",   2, 1, "y = a + (b << s), s >= 0") \
  X(SUB,   "sub",   2, 1, "y = a - (b << s), s >= 0") \
  X(NEG,   "neg",   1, 1, "y = -a") \
  X(SHL,   "shl",   1, 0, "y = a << s, s >= 0 (exact)") \
  X(MUL,   "mul",   2, 2, "y = a * b") \
  X(MAX,   "max",   2, 1, "y = max(a, b)") \
  X(MIN,   "min",   2, 1, "y = min(a, b)") \
  X(GE,    "ge",    2, 1, "y = a >= b ? 1 : 0") \
  X(MUX,   "mux",   3, 1, "y = a != 0 ? b : c (a is 0 or 1)") \
  X(GATE,  "gate",  2, 1, "y = (k >> (3 - (2a + b))) & 1, a and b 0 or 1: logic gate k, 0..15 (rt_logic)") \
  X(LUT,   "lut",   6, 1, "y = bit i of truth table k, i = x0 + 2 x1 + ... + 2^(s-1) x(s-1): s operands (1..6: a, b, c, more[0..2]), each 0 or 1 (pack_luts)") \
  X(ROUND, "round", 2, 1, "y = round((a + b) / 2^s), b a constant, s >= 1, rounding mode k (rt_fx_round)") \
  X(CLAMP, "clamp", 3, 1, "y = min(max(a, b), c), b and c constants (saturation)") \
  X(WRAP,  "wrap",  1, 0, "y = the low s bits of a, two's complement if k = 1") \
  X(REG,   "reg",   1, 0, "y = a, one clock cycle later (a pipeline register)") \
  X(CAT,   "cat",   2, 0, "y = a + (b << s), a in [0, 2^s): b's bits above a's s bits (wiring)") \
  X(TABLE, "table", 1, 1, "y = entry a of table k (Net.tables[k]), a unsigned of s bits (lut_neurons); depth: net_node_depth")

typedef enum NetOp {
#define X(e, name, nargs, depth, sem) NET_##e,
  NET_OPS(X)
#undef X
  NET_COUNT
} NetOp;

typedef int32_t NetId;       /* index in Net.nodes; NET_NONE: no operand */
#define NET_NONE ((NetId)-1)
#define NET_MAXNODES ((int64_t)1 << 21)  /* largest net bibc builds (under 1 GB with the pass copies
                                          * at 48-byte nodes; 64-byte nodes since the LUT: 4/3 of it) */
#define NET_MAXBITS 62       /* |value| < 2^62: the int64 evaluator cannot overflow */
#define NET_MAXARGS 6        /* operands of a node at most (a LUT6) */

typedef struct NetNode {
  uint8_t op;                /* NetOp */
  uint8_t sgn;               /* two's complement (lo < 0) */
  uint8_t w;                 /* bits that [lo, hi] needs, 1..63 */
  uint8_t tight;             /* [lo, hi] is narrower than the operands give (net_tighten) */
  int32_t s;                 /* shift (ADD, SUB, SHL, ROUND), port (INPUT), bits (WRAP),
                              * operands (LUT) */
  NetId a, b, c;             /* operands */
  NetId more[3];             /* LUT: operands 4..6 (NET_NONE otherwise; 64-byte nodes) */
  int32_t layer;             /* position of the graph node that made it; -1: none */
  int64_t k;                 /* CONST: value; INPUT: element; ROUND: mode; WRAP: signed;
                              * GATE: the gate id; LUT: the truth table (2^s bits) */
  int64_t lo, hi;            /* exact interval of the value */
} NetNode;

/* A core input or output: one node per element (row-major), the graph value
 * it stands for, and its interface type (the value's fixed-point format). */
typedef struct NetPort {
  const Value *v;            /* IntSplit.qin[p] or .qout[p] */
  FixType fx;                /* interface format: v's */
  int64_t n;                 /* elements */
  NetId *el;                 /* outputs: the node of each element (inputs: NULL) */
  int of;                    /* an argmax port (v == NULL): the output port it ranks */
} NetPort;

/* The split of a fixed-point graph into float prologue, integer core and
 * float tail (int_split.c explains it). */
typedef struct IntSplit {
  Graph *g;
  char *core, *pre, *post;   /* per node position: in the core / before it / after it */
  Value **qin, **qout;       /* the core's arguments: integer codes in and out */
  int nqin, nqout;
  const Node *why_node;      /* no integer-only form: the node that prevents it */
  const char *why;           /* and why; NULL when the graph has no fixed point */
} IntSplit;

/* A gate count after one pass (the report of the gate-level passes):
 * GATE nodes when pass finished (dead ones too, until eliminate_dead_gates). */
typedef struct NetStep {
  const char *pass;          /* "build_net" or the pass's name */
  int64_t gates;
} NetStep;
#define NET_MAXSTEPS 16
/* What pack_luts did, for the reports (estimate, --dump-net); net_derive
 * copies it, so it survives the passes after it. */
typedef struct NetPack {
  int k;                     /* LUT inputs at most; 0: the pass did not run */
  int64_t gates;             /* live GATE nodes it started from */
  int64_t luts;              /* LUT nodes it made */
  int levels;                /* LUTs on the longest path */
} NetPack;

/* A TABLE node's entries (lut_neurons): entry i for each index i of its
 * bits, stored once in the arena and never changed (net_derive shares them). */
typedef struct NetTable {
  int bits;                  /* index bits: 1 << bits entries */
  int64_t *v;                /* the entries */
  uint64_t hash;             /* of bits and entries: equal tables are stored once */
} NetTable;
#define NET_TABLE_MAXBITS 16 /* index bits a TABLE may have (lut_neurons: 12 unless asked) */
/* What lut_neurons did, for the reports; net_derive copies it. */
typedef struct NetNeurons {
  int bits;                  /* input bits a neuron may have; 0: the pass did not run */
  int64_t neurons;           /* neurons considered (elements of layer inputs and outputs) */
  int64_t tables;            /* of which emitted as tables */
  int64_t constant;          /* of those, tables of one value: constants */
  int64_t over;              /* left as arithmetic: more input bits than allowed */
  int64_t budget;            /* left as arithmetic: the budget (entries, evaluations) was spent */
  int auto_;                 /* --lut-neurons-auto: a table only where the cost model finds it cheaper */
  int64_t cheaper;           /* left as arithmetic: cheaper by the cost model (auto_) */
  int64_t entries;           /* table entries in all */
  int maxbits;               /* most index bits of a table made */
} NetNeurons;

typedef struct Net {
  Arena *arena;              /* the graph's: one arena per compilation */
  Graph *g;                  /* the graph it was built from */
  IntSplit split;            /* which graph nodes form the core */
  NetNode *nodes;            /* topological order */
  int64_t nnodes, cap;
  NetPort *in, *out;         /* ports, as split.qin / split.qout */
  int nin, nout;
  /* Outputs that are no graph value (v == NULL): argmax ports (argmax_port.c).
   * argmax[i].el[r] is the index of the largest element of row r of output
   * port argmax[i].of (lowest index on ties), fx unsigned with 0 fraction
   * bits.  Everything that reads the outputs reads these too: liveness,
   * uses, remapping, the pipeliner's output alignment, cost, the Verilog. */
  NetPort *argmax;
  int nargmax;
  NetId **elems;             /* per graph value id: its elements' nodes (core values), or NULL;
                              * an element no output needs may be NET_NONE (a pass dropped it) */
  int stages;                /* register ranks inside the core (REG depth of the outputs) */
  int32_t layer;             /* the graph node being unrolled (net_add stamps it) */
  NetId *consts;             /* hash of CONST nodes by value (net_const) */
  int64_t nconsts, capconsts;
  int raw_gates;             /* net_add keeps GATE nodes as written (no folding of decided or
                              * pass-through gates): build_net's nets, so that the gate passes
                              * (and --lgn-naive) see every gate; net_derive copies it */
  int keep_gates;            /* --lgn-naive: every GATE node is live (net_live), none is removed */
  NetStep steps[NET_MAXSTEPS];  /* gate counts after build_net and each pass (net_pipeline_run) */
  int nsteps;
  NetPack pack;              /* pack_luts' counts */
  NetTable *tables;          /* TABLE nodes' entries, by id (net_table) */
  int64_t ntables, captables;
  NetNeurons neurons;        /* lut_neurons' counts */
} Net;

/* ---- int_split.c ---- */
/* Splits g; 1 if it has an integer core.  Otherwise s->why (and
 * s->why_node) say why, or are NULL when g has no fixed-point value. */
int int_split(IntSplit *s, Graph *g);
const char *int_ctype(const FixType *t);           /* narrowest standard type: "int8_t" */

/* ---- net.c (net_check.c: net_verify, net_steps_print, net_dump, net_pack_line) ---- */
const char *net_op_name(NetOp op);
int net_op_nargs(NetOp op);
int net_depth(NetOp op);                           /* the table's depth column */
/* Logic levels node n adds to a path: the depth column, except a TABLE
 * of s index bits: one LUT level up to 6 bits, then a level per two bits
 * more (4:1 selects of LUT6 outputs). */
int net_node_depth(const NetNode *n);
/* The operands of node n in order (a, b, c, then a LUT's more[]): fills
 * args[0..NET_MAXARGS) (NET_NONE past them) and returns their number.
 * Every walk over operands goes through it. */
static inline int net_args(const NetNode *n, NetId args[NET_MAXARGS]) {
  args[0] = n->a, args[1] = n->b, args[2] = n->c;
  args[3] = n->more[0], args[4] = n->more[1], args[5] = n->more[2];
  return n->op == NET_LUT ? n->s : net_op_nargs((NetOp)n->op);
}
Net *net_new(Graph *g);
/* Appends a node, computing its interval and width from its operands'
 * (exact for every op); user error naming the graph node at layer when a
 * value would reach 2^NET_MAXBITS or the net grows past NET_MAXNODES.  A
 * node whose result is already known is not added: the id returned is then
 * a CONST (a one-point interval) or the operand it equals (adding 0, a
 * decided select, max or clamp, ...). */
NetId net_add(Net *net, NetOp op, NetId a, NetId b, NetId c, int32_t s, int64_t k);
NetId net_const(Net *net, int64_t k);              /* CONST, shared per value */
/* A LUT of the n bits x[0..n) (n <= NET_MAXARGS) with truth table t (bit
 * i: the output for x_j = bit j of i), simplified first: a constant or
 * decided operand is substituted, a repeated one merged, one the table
 * does not depend on dropped; then no operand left gives a CONST, the
 * identity of one operand gives that operand. */
NetId net_lut(Net *net, const NetId *x, int n, uint64_t t);
/* TABLE node of the unsigned index node idx (its width: the index bits,
 * at most NET_TABLE_MAXBITS) with entries v[0 .. 1 << bits), copied into
 * the net's arena (entries at indices outside idx's interval, never read,
 * become the one at its low end) unless the net holds an equal table
 * already; a table whose entries over idx's interval are all equal gives
 * a CONST. */
NetId net_table(Net *net, NetId idx, const int64_t *v);
/* The table t of an n-input LUT with operand j removed: fixed to the
 * constant v (src < 0) or equal to operand src < j. */
uint64_t net_lut_drop(uint64_t t, int n, int j, int src, int v);
/* Narrows the interval of ADD/SUB node id to [lo, hi], which must lie
 * within the one its operands give: for a pass that knows more, such as
 * the exact interval of a linear form over independent leaves when the
 * operands share leaves (distributed arithmetic).  Sound in hardware: a
 * two's complement sum computed in the narrower width is exact whenever the
 * true value fits it.  net_verify() checks the inclusion, net_eval() every
 * value against its interval. */
void net_tighten(Net *net, NetId id, int64_t lo, int64_t hi);
/* net_add of old node n with new operands, keeping a narrowed interval. */
NetId net_copy(Net *net, const NetNode *n, NetId a, NetId b, NetId c);
/* Old node n (input, constant or operation) into net, its operands read
 * through map (old id -> new id): the step of every rewriting pass that
 * leaves a node as it is. */
NetId net_copy_mapped(Net *net, const NetNode *n, const NetId *map);
/* net_copy of old node n (not INPUT or CONST) with new operands ops[0..nargs). */
NetId net_copy_args(Net *net, const NetNode *n, const NetId *ops);
/* Readers of every node, for passes that rewrite single-reader chains:
 * uses[id] counts the nodes reading id, plus 2 when an output or a graph
 * value's element is id (read from outside); reader[id] is its last reading
 * node.  Both nnodes long, filled here. */
void net_uses(const Net *net, int32_t *uses, NetId *reader);
/* Live nodes: the output ports' elements and what they read, transitively
 * (a graph value's element alone does not keep a node live; with
 * keep_gates every GATE node is live too).  Returns nnodes + 1 marks,
 * calloc'd: the caller frees them.  One backward sweep.  The argmax
 * ports' elements are outputs too, here and in net_uses. */
char *net_live(const Net *net);
/* Gate k of operands *a and *b (either may be a CONST, or both the same
 * node) reduced to what it depends on: returns the operands left, 0 (*k is
 * 0 or 15), 1 (*a == *b and *k is 3 (a) or 12 (~a)) or 2
 * (*k reads both, *a != *b). */
int net_gate_reduce(const Net *net, int64_t *k, NetId *a, NetId *b);
/* The GATE nodes of net, dead ones included. */
int64_t net_count_gates(const Net *net);
/* For passes that rebuild a net: a new, empty net with old's ports and
 * split; then net_remap() points its outputs and the graph values' elements
 * at map[old id] (outputs a pass delays, it sets itself afterwards). */
Net *net_derive(const Net *old);
void net_remap(Net *net, const Net *old, const NetId *map);
NetId net_input(Net *net, int port, int64_t elem, int64_t lo, int64_t hi);
/* y = sum of terms coef_i * x_i (x_i node ids, coef_i != 0) + c, as a
 * balanced tree of ADD/SUB (coefficients 1 and -1 need no product); the
 * terms' order is kept.  Returns a CONST when there are no terms. */
NetId net_sum(Net *net, const NetId *x, const int64_t *coef, int64_t nterms, int64_t c);
/* The interval and width rule of one op (used by net_add and the verifier). */
void net_interval(const Net *net, const NetNode *n, int64_t *lo, int64_t *hi);
int net_width(int64_t lo, int64_t hi);             /* bits of [lo, hi]; signed if lo < 0 */
/* Checks every invariant (operand order and kinds, intervals, widths,
 * ports); die()s on a broken one. */
void net_verify(const Net *net);
/* The gate counts after each gate-level pass in one line ("gates: 192
 * built, 150 after propagate_gate_constants, ..."), nothing for a net
 * without gates; --dump-net prints it after prefix "# ". */
void net_steps_print(const Net *net, const char *prefix, FILE *f);
/* --dump-net: one line per node, "n12 = add n3, n7 << 2  : s9 [-200..180]"
 * ("n9 = lut n1, n4, n7 : 0x96  : u1 [0..1]"), a "# node" line where a
 * layer starts, and pack_luts' line at the top when it ran. */
void net_dump(const Net *net, FILE *f);
/* "lut_neurons: 202 of 202 neurons as tables (12 input bits at most, 12 in
 * the widest table), 827392 entries, 0 over 12 bits" (in a). */
const char *net_neurons_line(Arena *a, const NetNeurons *s);
/* "pack_luts: 1234 gates into 456 LUT6, 3 LUT levels" (in a). */
const char *net_pack_line(Arena *a, const NetPack *p);

/* ---- net_cost.c ---- */
#define NET_T_LUT 0.24       /* ns: a LUT, slowest pin (xc7; Yosys's cells_sim.v) */
#define NET_T_NET 0.45       /* ns: routing allowance per net (stated, not measured) */
/* bibc's cost model (net_cost.c explains the counting and its constants). */
typedef struct NetLayerCost {
  int layer;                 /* graph node position; -1: the module's ports */
  int used;                  /* the layer has live nodes */
  int64_t adders;            /* two-operand additions and subtractions (ADD, SUB, NEG, ROUND) */
  int64_t adder_bits;        /* their carry-chain bits (wired low bits excluded) */
  int64_t const_bits;        /* of which additions of a constant (bias, rounding) */
  int64_t compare_bits;      /* comparisons (GE, MAX, MIN, CLAMP): carry-chain bits */
  int64_t mux_bits;          /* 2:1 selects (MUX, MAX, MIN, CLAMP): result bits */
  int64_t mul_bits;          /* products of two variables: partial-product bits */
  int64_t luts;              /* LUT nodes (pack_luts): one LUT each */
  int64_t ff;                /* flip-flops */
  double lut;                /* estimated LUTs */
} NetLayerCost;
typedef struct NetCost {
  NetLayerCost total, top;   /* the whole module; its port and valid registers */
  NetLayerCost *layers;      /* per graph node position (used: has nodes) */
  int nlayers;
  int depth;                 /* logic levels on the longest register-to-register path */
  int widest;                /* widest adder (bits) */
  int latency;               /* cycles from in_valid to out_valid */
  double delay_ns;           /* the model's register-to-register delay */
  double delay_cells_ns;     /* the same without routing (comparable with abc9's) */
  double fmax_mhz;
} NetCost;
void net_cost(const Net *net, NetCost *c);
/* The cost model's LUTs of nodes ids[0..n) (constants and inputs free; a
 * product by a constant as the adders of its canonical signed digits). */
double net_nodes_lut(const Net *net, const NetId *ids, int64_t n);
/* The cost model's LUT6 for table t (linear in its entries and bits). */
int64_t net_table_luts(const NetTable *t);
int net_max_depth(const Net *net);                 /* logic levels between registers */
/* The most logic levels per register stage (insert_registers) whose delay
 * fits clock_ns by net_path_delay (at least 1; the whole depth if it fits). */
int net_levels_per_clock(const Net *net, double clock_ns);

/* ---- net_timing.c ---- */
/* The longest register-to-register delay in ns of net's Verilog on an xc7
 * FPGA by the bit-level carry-chain model, with route_ns per LUT input;
 * every > 0: as if insert_registers(net, every) had run. */
double net_path_delay(const Net *net, int every, double route_ns);

/* ---- net_eval.c ---- */
/* The rounding plan of a ROUND node, for printers of hardware: every mode
 * of rt_fx_round(x, s) (s >= 1) is r = floor((x + bias) / 2^s) with
 * bias = (x < 0 ? neg : pos), one adder and a wired shift; ties to even
 * (even) then clear bit 0 of r where the low s bits of x + bias are all
 * zero (x was exactly halfway, and r, rounded up, is odd or left as is).
 * A ROUND node rounds x = a + c (c its constant operand b; pos = neg
 * whenever c != 0, so the bias never waits for the sign of x): the plan
 * of the node (net_round_of) has c added to pos and neg, and its operand
 * is a.  net_round_eval() computes exactly that formula on a; tests check
 * it against rt_fx_round. */
typedef struct NetRound {
  int s;                     /* right shift */
  int64_t pos, neg;          /* bias for x >= 0 and x < 0, c included */
  int64_t c;                 /* the constant added to a: x = a + c */
  int even;                  /* ties to even: clear bit 0 on a zero remainder */
} NetRound;
NetRound net_round_plan(int s, int64_t mode, int64_t c);  /* c != 0: pos = neg modes only */
NetRound net_round_of(const Net *net, const NetNode *n);
/* The low bits of the sum that are a's own (below the lowest one of a bias
 * that does not depend on the sign): wires, not adder bits. */
int net_round_wires(const NetRound *p);
/* The interval of a ROUND's sum a + bias (over both biases; never above a's
 * low end, so a's sign bits fit): what its adder spans. */
void net_round_sum(const Net *net, const NetNode *n, int64_t *lo, int64_t *hi);
int64_t net_round_eval(const NetRound *p, int64_t x);
/* Evaluates the net on one sample: in[p] holds port p's element codes,
 * out[p] receives output port p's.  scratch: nnodes int64 (NULL: allocated).
 * A value outside its node's interval is an internal error (a bibc bug). */
void net_eval(const Net *net, const int64_t *const *in, int64_t *const *out, int64_t *scratch);
/* Logic gate k (0..15) of bits a and b: its truth table read MSB-first
 * over ab = 00, 01, 10, 11 (ops.h's LogicLayer). */
static inline int64_t net_gate(int64_t k, int64_t a, int64_t b) { return (k >> (3 - (2 * a + b))) & 1; }
/* Gate ids of the gate algebra: a (3), b (5), ~a (12), ~b (10), 0, 1 (15). */
enum { NET_GATE_A = 3, NET_GATE_B = 5, NET_GATE_NOT_A = 12, NET_GATE_NOT_B = 10, NET_GATE_ONE = 15 };
/* The id of k(fa(x, y), fb(x, y)): gate k reading gates fa and fb of x, y
 * (k over swapped operands is net_gate_compose(k, NET_GATE_B, NET_GATE_A);
 * over a complemented a, net_gate_compose(k, NET_GATE_NOT_A, NET_GATE_B)). */
static inline int64_t net_gate_compose(int64_t k, int64_t fa, int64_t fb) {
  int64_t r = 0;
  for (int x = 0; x < 2; x++)
    for (int y = 0; y < 2; y++)
      r |= net_gate(k, net_gate(fa, x, y), net_gate(fb, x, y)) << (3 - (2 * x + y));
  return r;
}
/* LUT with table t of the operand bits forming index i. */
static inline int64_t net_lut_bit(int64_t t, int64_t i) { return (int64_t)((uint64_t)t >> i & 1); }
/* The value of one node of net from its operands' values (v: values by id). */
int64_t net_eval_node(const Net *net, const NetNode *n, const int64_t *v);

#endif
