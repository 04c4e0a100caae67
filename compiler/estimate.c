/*
 * estimate.c - 'bibc estimate', resource figures for the Verilog of a
 * model:
 *
 *   bibc estimate MODEL [--device xc7|ice40|asic] [--liberty FILE] [--json] [--no-dsp]
 *                 [--budget lut=N,ff=N,dsp=N,latency_ns=X] [--no-synth]
 *                 [--timeout S] [-o NAME.v] [--pipeline N] [--clock-ns X] ...
 *
 * The model is compiled exactly as 'bibc MODEL -o NAME.v' compiles it with
 * the same options (fixed pipeline, netlist, the Verilog row's netlist
 * passes), then:
 *   - bibc's cost model (ir/net_cost.c) on the netlist: adders, adder bits,
 *     estimated LUTs and flip-flops, logic depth, latency, an Fmax; with
 *     --no-synth that is all, in milliseconds, no tool runs;
 *   - otherwise synth.c runs Yosys on that Verilog (and nextpnr-ice40 for a
 *     small iCE40 design) and the report puts Yosys's figures beside the
 *     model's, with their ratio, per layer and in total, plus the Yosys
 *     version, its exact script and its wall time.  Rerunning the script by
 *     hand on the Verilog reproduces the LUT count.
 * --json prints one object instead of the table (keys in the README; the
 * schema is stable).  --budget compares figures with limits and exits 3
 * naming every figure over its limit; a malformed budget is a user error.
 * Figures, except times, are deterministic.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "estimate.h"
#include "../backends/backends.h"

#define DEFAULT_TIMEOUT 1800  /* seconds per tool run */

static const char help[] =
  "usage: bibc estimate MODEL.onnx [options]\n"
  "Resource estimate of the Verilog that 'bibc MODEL.onnx -o NAME.v' writes with the\n"
  "same options: Yosys's figures (LUT, FF, CARRY, DSP, BRAM; per layer), latency,\n"
  "logic depth and an Fmax estimate, beside bibc's own cost model and their ratio.\n"
  "options:\n"
  "  --device D         xc7 (AMD 7-series, synth_xilinx; default), ice40 (synth_ice40,\n"
  "                     nextpnr-ice40 timing when small) or asic (generic CMOS gates)\n"
  "  --liberty FILE     asic: map to this standard-cell library, report its area\n"
  "  --json             print one JSON object instead of the table\n"
  "  --no-dsp           xc7: map products to LUTs, not DSP48E1 (synth_xilinx -nodsp;\n"
  "                     with --no-da, the multiplier baseline of bench/cmvm/yosys.sh)\n"
  "  --budget LIST      limits, e.g. lut=20000,ff=5000,dsp=0,latency_ns=100; exit\n"
  "                     status 3 when a figure exceeds its limit (keys: lut, ff, carry,\n"
  "                     dsp, bram, latency_cycles, latency_ns, adders, adder_bits)\n"
  "  --no-synth         bibc's cost model only, no tool runs (milliseconds)\n"
  "  --timeout S        give up on a tool after S seconds (default 1800)\n"
  "  -o NAME.v          also write the Verilog there (its module is NAME)\n"
  "  --pipeline N, --clock-ns X, --fixed, --precision T, --config FILE, --prune F,\n"
  "  --prune-fanin N, ... as for compiling; --lut-k K defaults to the device's LUT\n"
  "                     (6; ice40: 4)\n"
  "  --const NAME=FILE  freeze graph input NAME to the tensor in FILE\n"
  "exit status: 0, 1 on an error (a missing tool names its Debian package), 3 over budget.\n";

static void parse_budget(Estimate *e);

static const char *need_arg(int argc, char **argv, int *i) {
  if (*i + 1 >= argc)
    error_at(NULL, NULL, "option %s needs an argument (see 'bibc estimate --help')", argv[*i]);
  return argv[++*i];
}

static void parse(Estimate *e, int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (pass_options_parse(&e->po, argc, argv, &i))
      continue;
    if (strcmp(a, "--device") == 0) {
      const char *d = need_arg(argc, argv, &i);
      if (!device_parse(d, &e->device))
        error_at(NULL, NULL, "--device: unknown device '%s' (xc7, ice40 or asic)", d);
    } else if (strcmp(a, "--liberty") == 0) {
      e->liberty = need_arg(argc, argv, &i);
    } else if (strcmp(a, "--json") == 0) {
      e->json = 1;
    } else if (strcmp(a, "--no-dsp") == 0) {
      e->nodsp = 1;
    } else if (strcmp(a, "--no-synth") == 0) {
      e->nosynth = 1;
    } else if (strcmp(a, "--budget") == 0) {
      e->budget = need_arg(argc, argv, &i);
      parse_budget(e);
    } else if (strcmp(a, "--timeout") == 0) {
      const char *s = need_arg(argc, argv, &i);
      char *end;
      errno = 0;
      long t = strtol(s, &end, 10);
      if (end == s || *end || errno || t < 1 || t > 86400)
        error_at(NULL, NULL, "--timeout needs a whole number of seconds from 1 to 86400, got '%s'", s);
      e->timeout = (int)t;
    } else if (strcmp(a, "-o") == 0) {
      e->out = need_arg(argc, argv, &i);
      size_t n = strlen(e->out);
      if (n < 3 || strcmp(e->out + n - 2, ".v") != 0)
        error_at(e->out, NULL, "estimate -o writes Verilog: name it NAME.v");
    } else if (strcmp(a, "--const") == 0) {
      need_arg(argc, argv, &i);  /* argv strings are writable: split in place */
      const_binding_add(e->a, e->binds, &e->nbinds, 64, argv[i]);
    } else if (a[0] == '-' && a[1]) {
      error_at(NULL, NULL, "unknown option '%s' (see 'bibc estimate --help')", a);
    } else if (!e->model) {
      e->model = a;
    } else {
      error_at(NULL, NULL, "more than one model given ('%s' and '%s')", e->model, a);
    }
  }
  if (!e->model)
    error_at(NULL, NULL, "no model given (see 'bibc estimate --help')");
  if (e->nodsp && e->device != DEV_XC7)
    error_at(NULL, NULL, "--no-dsp applies to --device xc7 (iCE40 and ASIC flows map no DSP here)");
  if (e->liberty && e->device != DEV_ASIC)
    error_at(NULL, NULL, "--liberty maps to a standard-cell library: use it with --device asic");
  if (e->budget && !e->nosynth && e->device == DEV_ASIC)
    error_at(NULL, NULL, "--budget limits FPGA figures: use it with --device xc7 or ice40 "
             "(or --no-synth)");
  if (e->budget && e->nosynth && !isnan(e->limit[2]))
    error_at(NULL, NULL, "--budget: carry is counted by Yosys: drop --no-synth to limit it");
}

/* ---- the budget ---- */

/* The figures a budget may name, in the order of Estimate.limit. */
static const char *const budget_keys[NBUDGET] = {"lut", "ff", "carry", "dsp", "bram",
                                                  "latency_cycles", "latency_ns", "adders",
                                                  "adder_bits"};

/* Reads --budget KEY=LIMIT,... into e->limit (NAN: no limit). */
static void parse_budget(Estimate *e) {
  for (int i = 0; i < NBUDGET; i++)
    e->limit[i] = NAN;
  char *list = arena_strdup(e->a, e->budget), *save = NULL;
  if (!*list)
    error_at(NULL, NULL, "--budget is empty: give KEY=LIMIT pairs, e.g. lut=20000,latency_ns=100");
  for (char *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    if (!eq)
      error_at(NULL, NULL, "--budget: '%s' is not KEY=LIMIT (e.g. lut=20000)", item);
    *eq = 0;
    int k = -1;
    for (int i = 0; i < NBUDGET; i++)
      if (strcmp(budget_keys[i], item) == 0)
        k = i;
    if (k < 0)
      error_at(NULL, NULL, "--budget: unknown figure '%s' (lut, ff, carry, dsp, bram, "
               "latency_cycles, latency_ns, adders, adder_bits)", item);
    char *end;
    errno = 0;
    double x = strtod(eq + 1, &end);
    if (end == eq + 1 || *end || errno || !(x >= 0) || x > 1e15)
      error_at(NULL, NULL, "--budget: %s needs a number >= 0, got '%s'", item, eq + 1);
    if (!isnan(e->limit[k]))
      error_at(NULL, NULL, "--budget: %s is given twice", item);
    e->limit[k] = x;
  }
}

/* Is this an ASIC estimate (no Fmax: the latency is at --clock-ns)? */
static int asic(const Estimate *e) { return !e->nosynth && e->device == DEV_ASIC; }

/* The clock the latency in ns is counted at: the tool's Fmax, the model's,
 * or for an ASIC the --clock-ns target. */
static double clock_mhz(const Estimate *e) {
  if (asic(e))
    return 1000.0 / (e->po.clock_ns > 0 ? e->po.clock_ns : 5.0);
  return e->nosynth || e->syn.fmax_mhz <= 0 ? e->cost.fmax_mhz : e->syn.fmax_mhz;
}

static double latency_ns(const Estimate *e) { return e->cost.latency * 1000.0 / clock_mhz(e); }

/* The number of figures over their limits, one line each on stderr:
 * Yosys's figures, or the cost model's with --no-synth. */
static int check_budget(const Estimate *e) {
  const SynthLayer *t = &e->syn.total;
  int syn = !e->nosynth, over = 0;
  double v[NBUDGET] = {syn ? (double)t->lut : e->cost.total.lut,
                       syn ? (double)t->ff : (double)e->cost.total.ff,
                       syn ? (double)t->carry : NAN, syn ? (double)t->dsp : 0,
                       syn ? (double)t->bram : 0, e->cost.latency, latency_ns(e),
                       (double)e->cost.total.adders, (double)e->cost.total.adder_bits};
  for (int i = 0; i < NBUDGET; i++) {
    if (isnan(e->limit[i]))
      continue;
    if (isnan(v[i]))
      die("budget figure %s not measured", budget_keys[i]);  /* parse() refused it */
    if (v[i] > e->limit[i]) {
      fprintf(stderr, "%s: over budget: %s %.6g > %.6g%s\n", e->model, budget_keys[i], v[i],
              e->limit[i], syn ? "" : " (cost model)");
      over++;
    }
  }
  return over;
}

/* ---- the report ---- */

static const char *layer_label(Arena *a, const Node *n) {
  return arena_printf(a, "%d %s \"%s\"", n->index, op_name(n->op), n->name);
}

static void print_ratio(FILE *f, double model, double yosys) {
  if (yosys > 0)
    fprintf(f, "  %6.2f", model / yosys);
  else
    fputs("       -", f);
}

static void print_table(Estimate *e, FILE *f) {
  const NetCost *c = &e->cost;
  const Synth *s = &e->syn;
  const Graph *g = e->g;
  int syn = !e->nosynth;
  fprintf(f, "bibc estimate %s: module %s, device %s\n", e->model, e->name, device_name(e->device));
  fprintf(f, "netlist: %lld adders, %lld adder bits, %lld comparison bits, %lld select bits, "
          "logic depth %d, %d register rank%s\n", (long long)c->total.adders,
          (long long)c->total.adder_bits, (long long)c->total.compare_bits,
          (long long)c->total.mux_bits, c->depth, e->net->stages, e->net->stages == 1 ? "" : "s");
  net_steps_print(e->net, "", f);
  if (e->net->pack.k)
    fprintf(f, "%s\n", net_pack_line(e->a, &e->net->pack));
  if (e->net->neurons.bits)
    fprintf(f, "%s\n", net_neurons_line(e->a, &e->net->neurons));
  if (syn && e->device == DEV_ASIC) {
    fprintf(f, "\n  %-12s %12lld\n", "cells", (long long)s->total.cells);
    if (s->total.transistors >= 0)
      fprintf(f, "  %-12s %12lld\n", "transistors", (long long)s->total.transistors);
    if (s->total.area >= 0)
      fprintf(f, "  %-12s %12.6g  (library units)\n", "area", s->total.area);
  } else if (syn) {
    fprintf(f, "\n  %-12s %12s %12s %8s\n", "", "yosys", "cost model", "ratio");
    fprintf(f, "  %-12s %12lld %12.0f", "LUT", (long long)s->total.lut, c->total.lut);
    print_ratio(f, c->total.lut, (double)s->total.lut);
    fprintf(f, "\n  %-12s %12lld %12lld", "FF", (long long)s->total.ff, (long long)c->total.ff);
    print_ratio(f, (double)c->total.ff, (double)s->total.ff);
    fprintf(f, "\n  %-12s %12lld\n  %-12s %12lld\n  %-12s %12lld\n",
            e->device == DEV_ICE40 ? "SB_CARRY" : "CARRY4", (long long)s->total.carry, "DSP",
            (long long)s->total.dsp, "BRAM", (long long)s->total.bram);
  } else {
    fprintf(f, "\n  %-12s %12s\n  %-12s %12.0f\n  %-12s %12lld\n", "", "cost model", "LUT",
            c->total.lut, "FF", (long long)c->total.ff);
  }
  fprintf(f, "  %-12s %d cycles, %.1f ns at %.0f MHz\n", "latency", c->latency, latency_ns(e),
          clock_mhz(e));
  if (asic(e))
    fprintf(f, "  %-12s not estimated for an ASIC: the latency is at the --clock-ns target\n", "Fmax");
  else
    fprintf(f, "  %-12s %.0f MHz (%s)\n", "Fmax", clock_mhz(e),
            syn && s->fmax_method ? s->fmax_method
                                  : "bibc's carry-chain model of an xc7 (net_timing.c), routing included");
  if (syn && s->pnr)
    fprintf(f, "  %-12s %s\n", "nextpnr", s->pnr);
  fputs("\nper layer:\n", f);
  if (asic(e))
    fprintf(f, "  %-36s %8s %12s %10s %8s %10s\n", "node", "cells",
            s->total.area >= 0 ? "area" : "transistors", "model LUT", "adders", "adder bits");
  else if (syn)
    fprintf(f, "  %-36s %8s %8s %8s %10s %8s %10s\n", "node", "LUT", "FF",
            e->device == DEV_ASIC ? "cells" : "CARRY", "model LUT", "adders", "adder bits");
  else
    fprintf(f, "  %-36s %10s %8s %8s %10s\n", "node", "model LUT", "model FF", "adders", "adder bits");
  for (int l = 0; l < g->nnodes; l++) {
    const NetLayerCost *x = &c->layers[l];
    const SynthLayer *y = syn && s->layers ? &s->layers[l] : NULL;
    if (!x->used && !(y && y->lut >= 0))
      continue;
    fprintf(f, "  %-36.36s", layer_label(e->a, g->nodes[l]));
    if (!syn) {
      fprintf(f, " %10.0f %8lld %8lld %10lld\n", x->lut, (long long)x->ff, (long long)x->adders,
              (long long)x->adder_bits);
      continue;
    }
    if (asic(e)) {
      if (y && y->cells >= 0)
        fprintf(f, " %8lld %12.6g", (long long)y->cells,
                s->total.area >= 0 ? y->area : (double)y->transistors);
      else
        fprintf(f, " %8s %12s", "-", "-");
      fprintf(f, " %10.0f %8lld %10lld\n", x->lut, (long long)x->adders, (long long)x->adder_bits);
      continue;
    }
    if (y && y->lut >= 0)
      fprintf(f, " %8lld %8lld %8lld", (long long)y->lut, (long long)y->ff,
              (long long)(e->device == DEV_ASIC ? y->cells : y->carry));
    else
      fprintf(f, " %8s %8s %8s", "-", "-", "-");
    fprintf(f, " %10.0f %8lld %10lld\n", x->lut, (long long)x->adders, (long long)x->adder_bits);
  }
  if (syn) {
    if (s->runs > 1)
      fprintf(f, "\n%s, %.1f s in %d runs at once, each with the other runs' modules as blackboxes;\n"
              "the figures are the sum of their modules (the top's from run 1); scripts:\n",
              s->version, s->seconds, s->runs);
    else
      fprintf(f, "\n%s, %.1f s; script (yosys -s):\n", s->version, s->seconds);
    for (const char *p = s->script; *p;) {
      size_t n = strcspn(p, "\n");
      fprintf(f, "  %.*s\n", (int)n, p);
      p += n + (p[n] == '\n');
    }
  }
  fprintf(f, "%sbibc: compile and cost model %.1f ms\n", syn ? "" : "\n", e->model_ms);
}

static void json_key(FILE *f, const char *k, int *first) {
  fprintf(f, "%s\n  ", *first ? "" : ",");
  json_str(f, k);
  fputs(": ", f);
  *first = 0;
}

static void json_int(FILE *f, int64_t x) {
  if (x < 0)
    fputs("null", f);
  else
    fprintf(f, "%lld", (long long)x);
}

static void print_json(Estimate *e, FILE *f) {
  const NetCost *c = &e->cost;
  const Synth *s = &e->syn;
  int syn = !e->nosynth, first = 1, fpga = syn && e->device != DEV_ASIC;
  fputc('{', f);
  json_key(f, "model", &first), json_str(f, e->model);
  json_key(f, "module", &first), json_str(f, e->name);
  json_key(f, "device", &first), json_str(f, device_name(e->device));
  json_key(f, "lut", &first), json_int(f, fpga ? s->total.lut : -1);
  json_key(f, "ff", &first), json_int(f, fpga ? s->total.ff : -1);
  json_key(f, "carry", &first), json_int(f, fpga ? s->total.carry : -1);
  json_key(f, "dsp", &first), json_int(f, fpga ? s->total.dsp : -1);
  json_key(f, "bram", &first), json_int(f, fpga ? s->total.bram : -1);
  json_key(f, "latency_cycles", &first), json_int(f, c->latency);
  json_key(f, "latency_ns", &first), json_num(f, latency_ns(e));
  json_key(f, "fmax_mhz", &first), json_num(f, asic(e) ? NAN : clock_mhz(e));
  json_key(f, "fmax_method", &first);
  json_str(f, asic(e) ? "none for an ASIC: latency_ns is at the --clock-ns target"
              : syn && s->fmax_method ? s->fmax_method : "cost model");
  json_key(f, "logic_depth", &first), json_int(f, syn && s->depth > 0 ? s->depth : c->depth);
  json_key(f, "register_ranks", &first), json_int(f, e->net->stages);
  json_key(f, "gates", &first);  /* after each gate-level pass: [] without gates */
  fputc('[', f);
  for (int i = 0; i < e->net->nsteps; i++) {
    fprintf(f, "%s{\"pass\": ", i ? ", " : "");
    json_str(f, e->net->steps[i].pass);
    fprintf(f, ", \"gates\": %lld}", (long long)e->net->steps[i].gates);
  }
  fputc(']', f);
  json_key(f, "pack_luts", &first);
  if (e->net->pack.k)
    fprintf(f, "{\"k\": %d, \"gates\": %lld, \"luts\": %lld, \"levels\": %d}", e->net->pack.k,
            (long long)e->net->pack.gates, (long long)e->net->pack.luts, e->net->pack.levels);
  else
    fputs("null", f);
  json_key(f, "lut_neurons", &first);
  const NetNeurons *nn = &e->net->neurons;
  if (nn->bits)
    fprintf(f, "{\"bits\": %d, \"neurons\": %lld, \"tables\": %lld, \"constant\": %lld, \"over\": %lld, "
            "\"budget\": %lld, \"auto\": %s, \"cheaper\": %lld, \"entries\": %lld, \"max_bits\": %d}",
            nn->bits, (long long)nn->neurons, (long long)nn->tables, (long long)nn->constant,
            (long long)nn->over, (long long)nn->budget, nn->auto_ ? "true" : "false",
            (long long)nn->cheaper, (long long)nn->entries, nn->maxbits);
  else
    fputs("null", f);
  json_key(f, "adders", &first), json_int(f, c->total.adders);
  json_key(f, "adder_bits", &first), json_int(f, c->total.adder_bits);
  json_key(f, "cost_model_lut", &first), json_num(f, c->total.lut);
  json_key(f, "cost_model_ff", &first), json_int(f, c->total.ff);
  json_key(f, "cost_model_fmax_mhz", &first), json_num(f, c->fmax_mhz);
  json_key(f, "cost_model_delay_ns", &first), json_num(f, c->delay_ns);
  json_key(f, "cost_model_delay_cells_ns", &first), json_num(f, c->delay_cells_ns);
  json_key(f, "abc9_delay_ns", &first), json_num(f, syn && e->device == DEV_XC7 ? s->abc9_ns : NAN);
  json_key(f, "lut_ratio", &first), json_num(f, fpga && s->total.lut > 0 ? c->total.lut / (double)s->total.lut : NAN);
  if (e->device == DEV_ASIC) {
    json_key(f, "cells", &first), json_int(f, syn ? s->total.cells : -1);
    json_key(f, "transistors", &first), json_int(f, syn ? s->total.transistors : -1);
    json_key(f, "area", &first), json_num(f, syn && s->total.area >= 0 ? s->total.area : NAN);
  }
  json_key(f, "yosys_version", &first);
  syn ? json_str(f, s->version) : (void)fputs("null", f);
  json_key(f, "yosys_script", &first);
  syn ? json_str(f, s->script) : (void)fputs("null", f);
  json_key(f, "yosys_seconds", &first), json_num(f, syn ? s->seconds : NAN);
  json_key(f, "yosys_runs", &first), json_int(f, syn ? s->runs : 0);
  json_key(f, "nextpnr", &first);
  syn && s->pnr ? json_str(f, s->pnr) : (void)fputs("null", f);
  json_key(f, "cost_model_ms", &first), json_num(f, e->model_ms);
  json_key(f, "layers", &first);
  fputc('[', f);
  for (int l = 0, n = 0; l < e->g->nnodes; l++) {
    const NetLayerCost *x = &c->layers[l];
    const SynthLayer *y = syn && s->layers && s->layers[l].lut >= 0 ? &s->layers[l] : NULL;
    if (!x->used && !y)
      continue;
    const Node *nd = e->g->nodes[l];
    fprintf(f, "%s\n    {\"node\": %d, \"op\": ", n++ ? "," : "", nd->index);
    json_str(f, op_name(nd->op));
    fputs(", \"name\": ", f);
    json_str(f, nd->name);
    fputs(", \"lut\": ", f), json_int(f, y && e->device != DEV_ASIC ? y->lut : -1);
    fputs(", \"ff\": ", f), json_int(f, y ? y->ff : -1);
    fputs(", \"carry\": ", f), json_int(f, y && e->device != DEV_ASIC ? y->carry : -1);
    fputs(", \"dsp\": ", f), json_int(f, y && e->device != DEV_ASIC ? y->dsp : -1);
    if (e->device == DEV_ASIC)
      fputs(", \"cells\": ", f), json_int(f, y ? y->cells : -1);
    fputs(", \"cost_model_lut\": ", f), json_num(f, x->lut);
    fprintf(f, ", \"adders\": %lld, \"adder_bits\": %lld}", (long long)x->adders,
            (long long)x->adder_bits);
  }
  fputs("\n  ]\n}\n", f);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

int cmd_estimate(int argc, char **argv) {
  if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
    fputs(help, stdout);
    return 0;
  }
  Estimate e = {.a = arena_new(), .device = DEV_XC7, .timeout = DEFAULT_TIMEOUT};
  parse(&e, argc, argv);
  double t0 = now_ms();
  if (!e.po.precision && !e.po.config && !e.po.calibrate)
    e.po.fixed = 1;  /* the Verilog is the integer core */
  if (!e.po.lut_k)
    e.po.lut_k = e.device == DEV_ICE40 ? 4 : 6;  /* the device's LUT (pack_luts) */
  e.g = model_import(e.model, e.binds, e.nbinds);
  pipeline_run_opts(e.g, pipeline_for(e.g, &e.po), NULL, &e.po);
  const Backend *b = backend_find("verilog");
  e.net = net_pipeline_run(e.g, net_pipeline_for(b->clocked, &e.po), &e.po);
  net_cost(e.net, &e.cost);
  e.model_ms = now_ms() - t0;
  e.name = c_ident_from_path(e.a, e.out ? e.out : e.model);
  if (!e.nosynth)
    synth_run(&e);
  else if (e.out)
    emit_verilog(e.g, e.net, e.out, NULL, arena_printf(e.a, "bibc estimate %s", e.model));
  if (e.json)
    print_json(&e, stdout);
  else
    print_table(&e, stdout);
  fflush(stdout);
  int over = e.budget ? check_budget(&e) : 0;
  arena_free(e.g->arena);
  arena_free(e.a);
  return over ? 3 : 0;
}
