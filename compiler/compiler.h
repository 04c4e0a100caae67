/*
 * compiler.h - the driver's modules: reference interpreter, pass registry
 * and the passes themselves (one per file in passes/).  The kernel table
 * the interpreter calls through is runtime/rt_table.h.
 */
#ifndef BIBC_COMPILER_H
#define BIBC_COMPILER_H
#include "../ir/net.h"

/* ---- interp.c ---- */
/* Runs node n's kernel with the given tensor data (one pointer per
 * n->targs entry, NULL for absent ones). */
void interp_node(const Node *n, void *const *t);
/* The checks of input values the reference makes before interp_node (user
 * errors naming n): a logic-gate network op reads only 0 and 1. */
void interp_check(const Graph *g, const Node *n, void *const *t);
/* Evaluates the graph: inputs[i] holds graph input i's data, outputs[i]
 * receives graph output i (caller-allocated, numel * dtype_size bytes). */
void interp_run(Graph *g, void *const *inputs, void *const *outputs);
/* interp_run in three steps, the prologue, the integer core and the float
 * tail of net's split: the core runs on the kernels, or with use_net on the
 * netlist evaluator (net_eval).  qin / qout (per port, NULL: not wanted)
 * receive the core's input and output codes. */
void interp_run_core(Graph *g, const Net *net, int use_net, void *const *inputs,
                     void *const *outputs, int64_t *const *qin, int64_t *const *qout);
/* interp_run with the integer core's output codes given instead of
 * computed (qout[p] per port of s->qout, e.g. a simulation's): the prologue,
 * then the float tail on those codes, so outputs are what the graph gives
 * when its core computes them. */
void interp_run_tail(Graph *g, const IntSplit *s, void *const *inputs, const int64_t *const *qout,
                     void *const *outputs);

/* ---- pass.c ---- */
/* Command-line settings that passes read (zero: unset). */
typedef struct PassOptions {
  int fixed;                 /* --fixed: lower a power-of-two quantized graph */
  int fold_bn;               /* --fold-batchnorm (implied by the three below) */
  double prune;              /* --prune FRACTION of the weights zeroed (0: none) */
  int prune_fanin;           /* --prune-fanin N: each neuron keeps its N largest |w| (0: all) */
  const char *precision;     /* --precision fixed<W,I>: post-training quantization */
  const char *config;        /* --config FILE.yml: per-layer precisions (hls4ml) */
  const char *calibrate;     /* --calibrate X.npy: integer bits from observed ranges */
  int pipeline;              /* --pipeline N: a register rank after every N logic levels */
  int pipeline_given;        /* 0: N chosen to meet clock_ns */
  double clock_ns;           /* --clock-ns X: the target clock period (0: 5 ns) */
  int no_da;                 /* --no-da: keep products by constants (no da pass) */
  int lgn_naive;             /* --lgn-naive: logic gates as written (no gate-level pass) */
  int no_argmax;             /* --no-argmax: no argmax port on GroupSum outputs (argmax_port) */
  int da_depth;              /* --da-depth K: extra adder levels sharing may add */
  int da_depth_given;        /* 0: no limit */
  int da_adders;             /* --da-cost adders: fewest adders (default: fewest LUTs) */
  int lut_k;                 /* --lut-k K: pack_luts' LUT inputs (0: 6, or the estimate's device's) */
  int no_pack_luts;          /* --no-pack-luts: keep one GATE node per logic gate */
  int lut_neurons;           /* --lut-neurons (12) / --lut-neuron-bits B: neurons of at most
                              * B input bits as truth tables (lut_neurons); 0: off */
  int lut_auto;              /* --lut-neurons-auto: only where the cost model finds a table cheaper */
  int64_t max_elements;      /* --max-elements N: the largest tensor (0: IR_MAX_ELEMENTS) */
  int64_t threshold_evals;   /* fold_thresholds' bound on element evaluations of a
                                section's kernels (0: 2^24; the fuzzers lower it) */
} PassOptions;
typedef struct Pass {
  const char *name;          /* command-line name = file name = function */
  void (*run)(Graph *g);
  const char *summary;       /* one line */
  const char *help;          /* requires / provides / invalidates */
  void (*run_opts)(Graph *g, const PassOptions *o);  /* instead of run: reads options */
  Net *(*run_net)(const Net *net, const PassOptions *o);  /* a netlist pass */
} Pass;
extern const Pass passes[];
extern const int npasses;
extern const char *const default_pipeline[];
extern const char *const fixed_pipeline[];
const Pass *pass_find(const char *name);
/* The pipeline the options and g's annotations (a .bib file's @precision,
 * @prune) ask for: post-training quantization if precision, config or
 * calibrate is set or g asks for a precision, else fixed_pipeline if fixed,
 * else the default one (with fold_batchnorm / prune when asked; prune alone
 * for --prune-fanin alone). */
const char *const *pipeline_for(const Graph *g, const PassOptions *o);
/* Reads the pass option at argv[*i] (--fixed, --fold-batchnorm, --precision,
 * --config, --calibrate, --prune, --prune-fanin, --pipeline, --clock-ns,
 * --no-da, --no-argmax, --lgn-naive, --da-depth, --da-cost, --lut-k,
 * --no-pack-luts, --lut-neurons, --lut-neurons-auto, --lut-neuron-bits,
 * --max-elements) into po,
 * advancing *i past its argument; returns 0 if argv[*i] is not one of them. */
int pass_options_parse(PassOptions *po, int argc, char **argv, int *i);
/* The netlist of g's integer core (build_net) after the netlist passes
 * named in passes (NULL-terminated), each verified. */
Net *net_pipeline_run(Graph *g, const char *const *passes, const PassOptions *o);
/* The netlist passes for a backend that prints the netlist: the gate-level
 * passes (unless --lgn-naive: propagate_gate_constants, fold_inverters,
 * hash_gates, eliminate_dead_gates, rebuild_popcounts; no-ops on a net
 * without gates), lut_neurons (a no-op without --lut-neurons), da
 * (unless --no-da), sink_relu, fold_round_bias, pack_luts (unless
 * --lgn-naive or --no-pack-luts), then, for a clocked module (Verilog),
 * argmax_port (unless --no-argmax) and insert_registers. */
const char *const *net_pipeline_for(int clocked, const PassOptions *o);
/* Runs a pipeline (NULL-terminated pass names); verifies after each pass;
 * dumps the IR to stdout after the pass named dump_after (NULL: none).
 * pipeline_run_opts also hands o (NULL: all unset) to passes that read it. */
void pipeline_run(Graph *g, const char *const *pipeline, const char *dump_after);
void pipeline_run_opts(Graph *g, const char *const *pipeline, const char *dump_after,
                       const PassOptions *o);

/* ---- ptq_config.c ---- */
/* Post-training quantization types in hls4ml's vocabulary: fixed<W,I>
 * (signed, W total bits, I integer bits including the sign) or
 * ufixed<W,I>, with a rounding and a saturation mode. */
enum { PTQ_WEIGHT, PTQ_BIAS, PTQ_RESULT, PTQ_ACCUM, PTQ_NVARS };
typedef struct PtqType {
  int set;                   /* 0: not given at this level (inherit) */
  int sgn, w, i;             /* fixed (sgn 1) / ufixed, W, I */
  int round;                 /* RoundMode, or -1: not in the string */
  int ovf;                   /* OverflowMode, or -1: not in the string */
} PtqType;
typedef struct PtqLevel {
  const char *key;           /* "Model", op type or node name */
  int line, col;             /* of the key in the config file (0: none) */
  PtqType var[PTQ_NVARS];    /* weight, bias, result, accum */
  int round, ovf;            /* Rounding / Saturation keys, -1: not given */
  int used;                  /* LayerName: matched a node */
  int tensor_only;           /* a node's @precision: key is its output tensor's name only */
} PtqLevel;
typedef struct PtqConfig {
  const char *file;          /* the YAML file, or NULL */
  PtqLevel model;            /* Model (and --precision) */
  PtqLevel *types;           /* LayerType entries (key: ONNX op type or alias) */
  int ntypes;
  PtqLevel *layers;          /* LayerName entries (key: node or tensor name) */
  int nlayers;
} PtqConfig;
/* Parses "fixed<16,6>", "ufixed<8,0,RND,SAT>", "ap_fixed<...>", "int<8>";
 * returns NULL or a message saying what is wrong. */
const char *ptq_parse_type(Arena *a, const char *s, PtqType *t);
/* Reads --precision and --config (either may be NULL) and g's @precision
 * annotations (g may be NULL); any problem is a user error naming the file,
 * line:column and key. */
PtqConfig *ptq_config_read(Arena *a, const char *precision, const char *file, const Graph *g);
/* The type of variable var of node n (op type op, name/tensor names), most
 * specific level first; *explicit_ is set if a LayerName level gave it. */
PtqType ptq_type_for(PtqConfig *c, OpKind op, const char *name, const char *tensor, int var,
                     int *explicit_);
/* Errors for LayerName entries that matched no node. */
void ptq_config_check_used(Arena *a, const PtqConfig *c);

/* ---- calibrate.c ---- */
/* Runs the float graph on every sample of file (one graph input; leading
 * dimension = samples) and returns max |v| per value id (NULL entries for
 * values not computed).  Wrong shapes are user errors naming the file. */
double *calibrate(Graph *g, const char *file);

/* ---- json.c ---- */
void json_str(FILE *f, const char *s);            /* a JSON string, escaped */
void json_num(FILE *f, double x);                 /* a number; null if not finite */
typedef enum JsonKind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } JsonKind;
typedef struct Json {
  JsonKind kind;
  const char *key;           /* member name inside an object */
  double num;                /* JSON_NUMBER, JSON_BOOL (0 or 1) */
  const char *str;           /* JSON_STRING */
  struct Json *child, *next; /* JSON_ARRAY / JSON_OBJECT members, in order */
} Json;
/* Parses text[0..len) into a tree in a; NULL (and *err, a byte offset) on
 * a syntax error or nesting deeper than 64. */
Json *json_parse(Arena *a, const char *text, size_t len, size_t *err);
const Json *json_get(const Json *obj, const char *key);  /* member, or NULL */
double json_number(const Json *j, double dflt);          /* j's number, or dflt */

/* ---- estimate.c ---- */
/* 'bibc estimate MODEL ...': argv as main() got it; returns the exit status. */
int cmd_estimate(int argc, char **argv);

/* ---- verify.c ---- */
/* 'bibc verify MODEL ...': argv as main() got it; returns the exit status. */
int cmd_verify(int argc, char **argv);

/* ---- passes/ ---- */
void infer_shapes(Graph *g);
Net *build_net(Graph *g);
Net *propagate_gate_constants(const Net *net);
Net *fold_inverters(const Net *net);
Net *eliminate_dead_gates(const Net *net);
Net *hash_gates(const Net *net);
/* fold_inverters' sweep; merge: hash_gates' too. */
Net *gate_sweep(const Net *old, int merge);
Net *rebuild_popcounts(const Net *net);
Net *da(const Net *net, const PassOptions *o);
Net *sink_relu(const Net *net);
Net *lut_neurons(const Net *net, int bits, int cheaper_only);
Net *fold_round_bias(const Net *net);
Net *pack_luts(const Net *net, int k);
Net *insert_registers(const Net *net, int every);
Net *argmax_port(const Net *net);
void fold_thresholds(Graph *g, const PassOptions *o);
void eliminate_dead(Graph *g);
void lower_fixed(Graph *g);
void fold_batchnorm(Graph *g);
void prune(Graph *g, double fraction, int fanin);
void quantize_ptq(Graph *g, const PassOptions *o);

#endif
