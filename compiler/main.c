/*
 * main.c - the bibc command line.
 *
 *   bibc MODEL -o FILE [--const IN=FILE]...       compile (backends.c: FILE's
 *                                                 ending or --target picks the backend)
 *   bibc MODEL --dump-ir | --dump-after PASS      print the IR
 *   bibc run MODEL [-i FILE]... [-o DIR]          reference interpreter
 *   bibc --list-ops | --help | --help-pass PASS | --version
 *
 * Every user error is one line on stderr and exit status 1 (error.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiler.h"
#include "../backends/backends.h"
#include "../frontend/frontend.h"

#define MAXFILES 64

typedef struct Options {
  const char *model;             /* input model path */
  const char *out;               /* -o */
  const char *inputs[MAXFILES];  /* run: -i files in graph-input order */
  int ninputs;
  ConstBinding binds[MAXFILES];  /* --const NAME=FILE */
  int nbinds;
  int dump_ir;                   /* --dump-ir */
  int dump_net;                  /* --dump-net: the netlist (implies --fixed) */
  int net;                       /* run --net: the core on the netlist evaluator */
  const char *dump_after;        /* --dump-after PASS */
  const char *main_out;          /* --main FILE.c: test bench */
  const Backend *target;         /* --target NAME (else the -o name picks the backend) */
  Arena *a;                      /* strings of the command line's own messages */
  PassOptions po;                /* --fixed, --precision, --config, --calibrate, --prune, ... */
} Options;

static void usage(FILE *f) {
  Arena *a = arena_new();
  const char *names = backend_names(a, "|", "|", 0), *checked = backend_names(a, "|", "|", 1);
  fprintf(f, "usage: bibc MODEL -o FILE [options]            compile (backends below); MODEL is\n"
          "                                                  .onnx (ONNX, QONNX, QCDQ) or .bib\n"
          "                                                  (the model language, doc/dsl.md)\n"
          "       bibc run MODEL [-i FILE]... [-o DIR]       run the reference interpreter\n"
          "       bibc verify MODEL [--data X.npy]... [--target %s]... [--json FILE]\n"
          "                                                  closure report (bibc verify --help)\n"
          "       bibc --list-ops | --help-pass PASS | --version\n"
          "options:\n"
          "  -o FILE            output; its ending picks the backend (run: output directory,\n"
          "                     default '.')\n"
          "  --target NAME      backend NAME (%s), whatever the -o name's ending\n"
          "                     (--emit NAME: the same)\n"
          "  -i FILE            run: input tensor (.pb TensorProto or .npy), in graph-input order;\n"
          "                     a leading dimension N > 1 on a batch-1 model runs N samples\n"
          "  --const NAME=FILE  freeze graph input NAME to the tensor in FILE\n"
          "  --fixed            fixed-point pipeline: values between quantizers become exact\n"
          "                     integers (other scales: scaled integer codes and thresholds;\n"
          "                     with run: the integer reference)\n"
          "  --precision fixed<W,I>  post-training quantization of a float model to hls4ml\n"
          "                     types (ufixed<W,I>, fixed<W,I,RND,SAT>); implies the fixed pipeline\n"
          "  --config FILE.yml  per-layer precisions, hls4ml schema (bibc --help-pass quantize_ptq)\n"
          "  --calibrate X.npy  integer bits per tensor from the ranges seen on samples X\n"
          "  --prune FRACTION   zero the FRACTION of all weights with the smallest |w|\n"
          "  --prune-fanin N    then keep each neuron's N weights of largest |w|, zero the\n"
          "                     rest (fan-in pruning, LogicNets; bibc --help-pass prune)\n"
          "  --fold-batchnorm   fold BatchNormalization into the preceding Conv/Gemm/MatMul\n"
          "  --main FILE.c      also write a test bench: FILE.c reads .npy inputs, runs the\n"
          "                     model per sample, writes .npy outputs\n"
          "  --dump-ir          print the IR after the whole pipeline\n"
          "  --dump-after PASS  print the IR after pass PASS; with -o NAME.bib or NAME.onnx,\n"
          "                     write the model as it stands after PASS instead\n"
          "  --dump-net         print the netlist: the integer core unrolled into scalar\n"
          "                     operations with exact intervals and widths, as the --target\n"
          "                     (or -o) backend gets it (implies --fixed)\n"
          "  --pipeline N       Verilog: a register rank after every N logic levels (0: a\n"
          "                     combinational core between the port registers); default:\n"
          "                     the most levels that the cost model fits in --clock-ns\n"
          "  --clock-ns X       the clock period the default pipelining aims at (5)\n"
          "  --no-da            Verilog, HLS: keep one multiplication per nonzero weight\n"
          "                     instead of distributed arithmetic (bibc --help-pass da)\n"
          "  --lgn-naive        logic-gate networks as difflogic emits them: one gate per\n"
          "                     neuron, no gate-level pass (Verilog, HLS, estimate; C:\n"
          "                     NAME_run_batch with 64-bit words and no folding)\n"
          "  --no-argmax        Verilog: no argmax port for GroupSum outputs (bibc\n"
          "                     --help-pass argmax_port)\n"
          "  --da-depth K       distributed arithmetic: sharing adds at most K adder levels\n"
          "                     to any output (default: no limit)\n"
          "  --da-cost C        distributed arithmetic minimizes luts (adder bits; default)\n"
          "                     or adders\n"
          "  --lut-k K          Verilog, HLS: pack logic gates into LUTs of at most K inputs,\n"
          "                     2 to 6 (default 6; bibc --help-pass pack_luts)\n"
          "  --no-pack-luts     Verilog, HLS: keep one node per logic gate\n"
          "  --lut-neurons      Verilog, HLS: each neuron whose inputs total at most 12 bits\n"
          "                     as its truth table, LogicNets-style (bibc --help-pass\n"
          "                     lut_neurons; with --prune-fanin for dense models)\n"
          "  --lut-neuron-bits B  the same with at most B input bits, 1 to 16\n"
          "  --lut-neurons-auto the same, only where bibc's cost model finds the table\n"
          "                     cheaper than the neuron's arithmetic\n"
          "  --max-elements N   the largest tensor any step may make, constant or not\n"
          "                     (default 4194304 = 2^22; hostile models ask for gigabytes)\n"
          "  --net              run: evaluate the integer core on the netlist (of --target's\n"
          "                     backend; implies --fixed)\n", checked, names);
  arena_free(a);
  backend_usage(f);
  fputs("default pipeline:", f);
  for (int i = 0; default_pipeline[i]; i++)
    fprintf(f, " %s", default_pipeline[i]);
  fputs("\npasses:\n", f);
  for (int i = 0; i < npasses; i++)
    fprintf(f, "  %-16s %s\n", passes[i].name, passes[i].summary);
}

static const char *need_arg(int argc, char **argv, int *i) {
  if (*i + 1 >= argc)
    error_at(NULL, NULL, "option %s needs an argument (see 'bibc --help')", argv[*i]);
  return argv[++*i];
}

static void parse(int argc, char **argv, int first, int is_run, Options *o) {
  for (int i = first; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-o") == 0) {
      o->out = need_arg(argc, argv, &i);
    } else if (strcmp(a, "-i") == 0 && is_run) {
      if (o->ninputs == MAXFILES)
        error_at(NULL, NULL, "too many -i files");
      o->inputs[o->ninputs++] = need_arg(argc, argv, &i);
    } else if (strcmp(a, "--const") == 0) {
      need_arg(argc, argv, &i);  /* argv strings are writable: split in place */
      const_binding_add(o->a, o->binds, &o->nbinds, MAXFILES, argv[i]);
    } else if (pass_options_parse(&o->po, argc, argv, &i)) {
      continue;
    } else if (strcmp(a, "--dump-net") == 0 && !is_run) {
      o->dump_net = 1;
    } else if (strcmp(a, "--net") == 0 && is_run) {
      o->net = 1;
    } else if (strcmp(a, "--target") == 0 || strcmp(a, "--emit") == 0) {
      const char *t = need_arg(argc, argv, &i);  /* run: with --net, that backend's netlist */
      if (!(o->target = backend_find(t)))
        error_at(NULL, NULL, "%s: unknown backend '%s' (%s)", a, t,
                 backend_names(o->a, ", ", " or ", 0));
    } else if (strcmp(a, "--main") == 0 && !is_run) {
      o->main_out = need_arg(argc, argv, &i);
    } else if (strcmp(a, "--dump-ir") == 0 && !is_run) {
      o->dump_ir = 1;
    } else if (strcmp(a, "--dump-after") == 0 && !is_run) {
      o->dump_after = need_arg(argc, argv, &i);
      if (!pass_find(o->dump_after))
        error_at(NULL, NULL, "--dump-after: no pass named '%s' (see 'bibc --help')", o->dump_after);
    } else if (a[0] == '-' && a[1]) {
      error_at(NULL, NULL, "unknown option '%s' (see 'bibc --help')", a);
    } else if (!o->model) {
      o->model = a;
    } else {
      error_at(NULL, NULL, "more than one model given ('%s' and '%s')", o->model, a);
    }
  }
  if (!o->model)
    error_at(NULL, NULL, "no model given (see 'bibc --help')");
}

static char *join_args(int argc, char **argv) {
  size_t n = 1;
  for (int i = 0; i < argc; i++)
    n += strlen(argv[i]) + 1;
  char *s = malloc(n), *p = s;
  if (!s)
    die("out of memory");
  for (int i = 0; i < argc; i++) {
    const char *a = i == 0 ? "bibc" : argv[i];
    size_t k = strlen(a);
    memcpy(p, a, k);
    p += k;
    *p++ = i + 1 < argc ? ' ' : 0;
  }
  if (argc == 0)
    *p = 0;
  return s;
}

static Graph *load(Options *o) {
  Graph *g = model_import(o->model, o->binds, o->nbinds);
  pipeline_run_opts(g, pipeline_for(g, &o->po), o->dump_after, &o->po);
  return g;
}

/* The model after its pipeline's passes up to o->dump_after, for a
 * backend that prints the model (--dump-after PASS -o m.bib / m.onnx). */
static Graph *load_until(Options *o) {
  Graph *g = model_import(o->model, o->binds, o->nbinds);
  const char *const *pl = pipeline_for(g, &o->po);
  int n = 0;
  while (pl[n] && strcmp(pl[n], o->dump_after) != 0)
    n++;
  if (!pl[n]) {
    char *names = "";
    for (int i = 0; pl[i]; i++)
      names = arena_printf(o->a, "%s%s%s", names, i ? ", " : "", pl[i]);
    error_at(NULL, NULL, "--dump-after %s: this model's passes are %s (the options choose them)",
             o->dump_after, names);
  }
  const char **upto = arena_alloc(o->a, sizeof *upto * (size_t)(n + 2));
  memcpy(upto, pl, sizeof *upto * (size_t)(n + 1));
  pipeline_run_opts(g, upto, NULL, &o->po);
  return g;
}

/* For a backend that prints the model, given it after --dump-after's pass:
 * a user error if g holds what only bibc's IR can say (its own operators,
 * fixed-point values), naming the first such node; what is the format. */
static void check_model_ops(const Graph *g, const char *what) {
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    int fixed = 0;
    for (int k = 0; k < n->nout; k++)
      fixed |= n->out[k] && n->out[k]->fx.w > 0;
    if (op_is_internal(n->op) || fixed)
      error_node(g, n, "after this pass the graph holds bibc's own %s, which the %s writer "
                 "cannot write: print it after an earlier pass (infer_shapes, fold_batchnorm, "
                 "prune or quantize_ptq)", fixed ? "fixed-point values" : "operators", what);
  }
}

/* Gives g (as read) the types of the graph outputs it does not declare (a
 * .bib file declares none) from shape inference on a second reading. */
static void declare_output_types(Graph *g, const Options *o) {
  int full = 1;
  for (int i = 0; i < g->noutputs && full; i++)
    full = g->decl && g->decl[i].dt && g->decl[i].rank >= 0;
  if (full)
    return;
  Graph *t = model_import(o->model, o->binds, o->nbinds);
  static const char *const infer_only[] = {"infer_shapes", NULL};
  pipeline_run_opts(t, infer_only, NULL, &o->po);
  ASSERT(t->noutputs == g->noutputs);
  if (!g->decl) {
    g->decl = arena_alloc(g->arena, sizeof *g->decl * (size_t)(g->noutputs + 1));
    for (int i = 0; i < g->noutputs; i++)
      g->decl[i].rank = -1;
  }
  for (int i = 0; i < g->noutputs; i++) {
    OutputDecl *d = &g->decl[i];
    const Value *v = t->outputs[i];
    if (!d->dt)
      d->dt = v->dt;
    if (d->rank < 0) {
      d->rank = v->rank;
      memcpy(d->dims, v->dims, sizeof d->dims);
    }
  }
  arena_free(t->arena);
}

static int cmd_compile(int argc, char **argv) {
  Options o = {.a = arena_new()};
  parse(argc, argv, 1, 0, &o);
  /* the backend (backends.c): --target, else the -o name's ending, else none */
  const Backend *b = o.target ? o.target : o.out ? backend_for_output(o.out) : NULL;
  if (((b && b->fixed) || o.dump_net) && !o.po.precision && !o.po.config && !o.po.calibrate)
    o.po.fixed = 1;  /* the backend (or the netlist) is the integer core */
  if (!o.out && !o.dump_ir && !o.dump_after && !o.dump_net)
    error_at(NULL, NULL, "no output given: use -o NAME.c (or --dump-ir)");
  if (o.main_out && !o.out)
    error_at(NULL, NULL, "--main needs -o NAME.c");
  if (o.main_out && b && b->check != CHECK_CC)
    error_at(NULL, NULL, "--main writes a C test bench; the %s backend's code is checked with "
             "'bibc verify --target %s'", b->name, b->name);
  const char *h = b && o.out ? backend_header_path(o.a, b, o.out) : NULL;
  if (o.main_out && (strcmp(o.main_out, o.out) == 0 || (h && strcmp(o.main_out, h) == 0)))
    error_at(NULL, NULL, "--main %s names the same file as -o %s; give the test bench a file "
             "name of its own", o.main_out, o.out);
  /* a source backend prints the model as read (or after --dump-after's
   * pass); the others what the passes made */
  Graph *g = !b || !b->source ? load(&o)
             : o.dump_after ? load_until(&o)  /* what the passes made, up to one */
                            : model_import(o.model, o.binds, o.nbinds);
  if (b && b->source && o.dump_after)
    check_model_ops(g, b->kind);
  if (b && b->output_types)
    declare_output_types(g, &o);
  if (o.dump_ir)
    ir_dump(g, stdout);
  const Net *net = NULL;
  if ((b && b->netlist) || o.dump_net)
    net = net_pipeline_run(g, b ? net_pipeline_for(b->clocked, &o.po) : NULL, &o.po);
  if (o.dump_net)
    net_dump(net, stdout);
  out_defer();  /* all the files or none */
  if (o.out) {
    if (!h)
      error_at(o.out, NULL, "unknown output kind: name the output %s", backend_kinds(o.a));
    char *cmd = join_args(argc, argv);
    b->emit(g, net, o.out, *h ? h : NULL, cmd);
    if (b->clocked) {
      NetCost c;
      net_cost(net, &c);
      printf("%s: module %s, LATENCY = %d cycles (input and output registers, %d register "
             "rank%s, at most %d logic levels apart), %lld adders, %lld adder bits, about %.0f "
             "LUTs and %lld FFs (cost model; bibc estimate runs Yosys)\n", o.out,
             c_ident_from_path(g->arena, o.out), c.latency, net->stages, net->stages == 1 ? "" : "s",
             c.depth, (long long)c.total.adders, (long long)c.total.adder_bits, c.total.lut,
             (long long)c.total.ff);
    }
    if (o.main_out)
      emit_c_main(g, o.main_out, h, c_ident_from_path(g->arena, o.out), cmd);
    free(cmd);
  }
  out_commit();
  arena_free(g->arena);
  arena_free(o.a);
  return 0;
}

/* Checks an input file against graph input gi; returns the number of
 * samples it holds (1, or N when a batch-1 model gets N stacked samples). */
static int64_t check_input(Graph *g, const char *file, Value *t, const Value *gi, int k) {
  if (t->dt != gi->dt) {
    if (dtype_is_float(t->dt) && dtype_is_float(gi->dt)) {
      note(file, "input %d ('%s'): converting %s to %s", k, gi->name, dtype_name(t->dt),
           dtype_name(gi->dt));
      Value *c = tensor_new(g->arena, gi->dt, t->rank, t->dims);
      for (int64_t i = 0; i < value_numel(t); i++) {
        if (gi->dt == DT_F32)
          ((float *)c->data)[i] = (float)value_get_f64(t, i);
        else
          ((double *)c->data)[i] = value_get_f64(t, i);
      }
      t->data = c->data;
      t->dt = gi->dt;
    } else {
      error_at(file, NULL, "input %d ('%s') has element type %s, the model expects %s", k,
               gi->name, dtype_name(t->dt), dtype_name(gi->dt));
    }
  }
  int64_t per = value_numel(gi), n = value_numel(t);
  if (n == per)
    return 1;
  if (gi->rank >= 1 && gi->dims[0] == 1 && t->rank == gi->rank && t->dims[0] > 1 &&
      n == per * t->dims[0])
    return t->dims[0];
  error_at(file, NULL, "input %d ('%s') has shape %s, the model expects %s", k, gi->name,
           shape_str(g->arena, t), shape_str(g->arena, gi));
}

static int cmd_run(int argc, char **argv) {
  Options o = {.a = arena_new()};
  parse(argc, argv, 2, 1, &o);
  if (o.target && !o.net)
    error_at(NULL, NULL, "run: --target picks the netlist that --net evaluates; add --net");
  if (o.net && !o.po.precision && !o.po.config && !o.po.calibrate)
    o.po.fixed = 1;
  Graph *g = load(&o);
  const Net *net = NULL;
  if (o.net)
    net = net_pipeline_run(g, o.target ? net_pipeline_for(o.target->clocked, &o.po) : NULL, &o.po);
  if (o.ninputs != g->ninputs)
    error_at(o.model, NULL, "the model has %d non-constant input%s, %d -i file%s given", g->ninputs,
             g->ninputs == 1 ? "" : "s", o.ninputs, o.ninputs == 1 ? "" : "s");
  Value **in = arena_alloc(g->arena, sizeof *in * (size_t)(g->ninputs + 1));
  int64_t nsamples = 1;
  for (int k = 0; k < g->ninputs; k++) {
    in[k] = tensor_read(g->arena, o.inputs[k]);
    int64_t s = check_input(g, o.inputs[k], in[k], g->inputs[k], k);
    if (s > 1 && nsamples > 1 && s != nsamples)
      error_at(o.inputs[k], NULL, "input %d holds %lld samples, an earlier input %lld", k,
               (long long)s, (long long)nsamples);
    if (s > 1)
      nsamples = s;
  }
  /* Each output streams to its two files, one sample at a time: memory
   * holds the inputs and one sample's outputs, however many samples. */
  for (int k = 0; k < g->noutputs; k++) {
    double bytes = (double)nsamples * (double)value_numel(g->outputs[k]) *
                   (double)dtype_size(g->outputs[k]->dt);
    if (bytes > (double)((int64_t)IR_MAX_FILE_MB << 20))
      error_at(o.inputs[0], NULL, "output %d of %lld sample%s would take %.0f MB; bibc run writes "
               "at most %d MB per file (give fewer samples per input file)", k,
               (long long)nsamples, nsamples == 1 ? "" : "s", bytes / 1048576.0,
               IR_MAX_FILE_MB);
  }
  const char *dir = o.out ? o.out : ".";
  struct stat st;
  if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
    error_at(dir, NULL, "output directory exists but is not a directory");
  int made = mkdir(dir, 0777) == 0;
  if (!made && errno != EEXIST)
    error_at(dir, NULL, "cannot create output directory: %s", strerror(errno));
  if (made)  /* a run stopped by an error (a value a logic layer cannot read) leaves none */
    error_remove_tree_on_exit(dir);
  out_defer();  /* all the outputs or none */
  OutFile *files = arena_alloc(g->arena, sizeof *files * (size_t)(2 * g->noutputs + 1));
  void **op = arena_alloc(g->arena, sizeof *op * (size_t)(g->noutputs + 1));
  for (int k = 0; k < g->noutputs; k++) {
    Value *v = g->outputs[k], all = *v;  /* all: the stacked shape */
    if (nsamples > 1) {
      if (all.rank >= 1 && all.dims[0] == 1) {
        all.dims[0] = nsamples;
      } else {  /* no batch axis to stack along: add one */
        if (all.rank == IR_MAXRANK)
          error_at(o.model, NULL, "output %d has rank %d; cannot stack samples", k, all.rank);
        memmove(all.dims + 1, all.dims, sizeof all.dims[0] * (size_t)all.rank);
        all.dims[0] = nsamples;
        all.rank++;
      }
    }
    OutFile *pb = &files[2 * k], *npy = pb + 1;
    out_open(pb, arena_printf(g->arena, "%s/output_%d.pb", dir, k));
    out_open(npy, arena_printf(g->arena, "%s/output_%d.npy", dir, k));
    if (tensor_fwrite_pb_head(pb->f, &all) != 0 || tensor_fwrite_npy_head(npy->f, &all) != 0)
      error_at(pb->path, NULL, "cannot write output file (disk full?)");
    op[k] = tensor_new(g->arena, v->dt, v->rank, v->dims)->data;
  }
  void **ip = arena_alloc(g->arena, sizeof *ip * (size_t)(g->ninputs + 1));
  for (int64_t s = 0; s < nsamples; s++) {
    for (int k = 0; k < g->ninputs; k++) {
      size_t per = (size_t)value_numel(g->inputs[k]) * dtype_size(g->inputs[k]->dt);
      int batched = value_numel(in[k]) != value_numel(g->inputs[k]);
      ip[k] = (char *)in[k]->data + (batched ? per * (size_t)s : 0);
    }
    if (net)
      interp_run_core(g, net, 1, ip, op, NULL, NULL);
    else
      interp_run(g, ip, op);
    for (int k = 0; k < g->noutputs; k++) {
      size_t per = (size_t)value_numel(g->outputs[k]) * dtype_size(g->outputs[k]->dt);
      for (int j = 0; j < 2; j++)
        if (per && fwrite(op[k], 1, per, files[2 * k + j].f) != per)
          error_at(files[2 * k + j].path, NULL, "cannot write output file (disk full?)");
    }
  }
  for (int k = 0; k < 2 * g->noutputs; k++)
    out_close(&files[k]);
  out_commit();
  if (made)
    error_keep_output(dir);
  arena_free(g->arena);
  arena_free(o.a);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 1;
  }
  const char *a = argv[1];
  if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(a, "--version") == 0) {
    printf("bibc %s\n", BIBC_VERSION);
    return 0;
  }
  if (strcmp(a, "--list-ops") == 0) {
    for (int i = 0; i < OP_COUNT; i++)
      if (!op_is_internal((OpKind)i))
        printf("%s%s\n", op_name((OpKind)i), op_is_qonnx((OpKind)i) ? "  (QONNX: qonnx.custom_op.general, "
             "onnx.brevitas, finn.custom_op.general, finn or default domain)"
             : op_is_lgn((OpKind)i) ? "  (logic-gate networks: domain " LGN_DOMAIN ")" : "");
    return 0;
  }
  if (strcmp(a, "--help-pass") == 0) {
    const Pass *p = argc > 2 ? pass_find(argv[2]) : NULL;
    if (!p)
      error_at(NULL, NULL, "--help-pass needs a pass name (see 'bibc --help')");
    printf("%s - %s\n\n%s", p->name, p->summary, p->help);
    return 0;
  }
  if (strcmp(a, "run") == 0)
    return cmd_run(argc, argv);
  if (strcmp(a, "verify") == 0)
    return cmd_verify(argc, argv);
  if (strcmp(a, "estimate") == 0)
    return cmd_estimate(argc, argv);
  return cmd_compile(argc, argv);
}
