/*
 * main.c - the bibc command line.
 *
 *   bibc MODEL -o NAME.c [--const IN=FILE]...     compile to portable C
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
  int hls;                       /* --target hls, or -o NAME.hls.c / NAME.hls.cpp */
  PassOptions po;                /* --fixed, --precision, --config, --calibrate, --prune, ... */
} Options;

static void usage(FILE *f) {
  fputs("usage: bibc MODEL.onnx -o NAME.c [options]     compile to portable C (NAME.c + NAME.h)\n"
        "       bibc run MODEL.onnx [-i FILE]... [-o DIR]  run the reference interpreter\n"
        "       bibc verify MODEL.onnx [--data X.npy]... [--target c|hls]... [--json FILE]\n"
        "                                                  closure report (bibc verify --help)\n"
        "       bibc --list-ops | --help-pass PASS | --version\n"
        "options:\n"
        "  -o FILE            output (.c: portable C; .hls.c or .hls.cpp: Vitis HLS C;\n"
        "                     run: output directory, default '.').  A fixed-point model gives\n"
        "                     integer-only NAME.c (NAME_run_int) + NAME_float.c (NAME_run)\n"
        "  --target c|hls     backend, if the -o name does not say; hls implies --fixed and\n"
        "                     writes NAME_top in NAME.hls.c, NAME.h and NAME_float.c\n"
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
        "  --fold-batchnorm   fold BatchNormalization into the preceding Conv/Gemm/MatMul\n"
        "  --main FILE.c      also write a test bench: FILE.c reads .npy inputs, runs the\n"
        "                     model per sample, writes .npy outputs\n"
        "  --dump-ir          print the IR after the whole pipeline\n"
        "  --dump-after PASS  print the IR after pass PASS\n"
        "  --dump-net         print the netlist: the integer core unrolled into scalar\n"
        "                     operations with exact intervals and widths (implies --fixed)\n"
        "  --net              run: evaluate the integer core on the netlist (implies --fixed)\n"
        "default pipeline:", f);
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
      const_binding_add(o->binds, &o->nbinds, MAXFILES, argv[i]);
    } else if (pass_options_parse(&o->po, argc, argv, &i)) {
      continue;
    } else if (strcmp(a, "--target") == 0 && !is_run) {
      const char *t = need_arg(argc, argv, &i);
      if (strcmp(t, "c") != 0 && strcmp(t, "hls") != 0)
        error_at(NULL, NULL, "--target: unknown backend '%s' (c or hls)", t);
      o->hls = strcmp(t, "hls") == 0;
    } else if (strcmp(a, "--main") == 0 && !is_run) {
      o->main_out = need_arg(argc, argv, &i);
    } else if (strcmp(a, "--dump-ir") == 0 && !is_run) {
      o->dump_ir = 1;
    } else if (strcmp(a, "--dump-net") == 0 && !is_run) {
      o->dump_net = 1;
    } else if (strcmp(a, "--net") == 0 && is_run) {
      o->net = 1;
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
  Graph *g = onnx_import(o->model, o->binds, o->nbinds);
  pipeline_run_opts(g, pipeline_for(&o->po), o->dump_after, &o->po);
  return g;
}

/* DIR/NAME.x.y -> DIR/NAME + ext, malloc'ed. */
static char *sibling(const char *path, const char *ext) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = (size_t)(base - path) + strcspn(base, ".");
  char *s = malloc(n + strlen(ext) + 1);
  if (!s)
    die("out of memory");
  memcpy(s, path, n);
  strcpy(s + n, ext);
  return s;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcmp(s + n - k, suffix) == 0;
}

static int cmd_compile(int argc, char **argv) {
  Options o = {0};
  parse(argc, argv, 1, 0, &o);
  if (o.out && (ends_with(o.out, ".hls.c") || ends_with(o.out, ".hls.cpp")))
    o.hls = 1;
  if ((o.hls || o.dump_net) && !o.po.precision && !o.po.config && !o.po.calibrate)
    o.po.fixed = 1;  /* HLS code and the netlist are the integer core */
  if (!o.out && !o.dump_ir && !o.dump_after && !o.dump_net)
    error_at(NULL, NULL, "no output given: use -o NAME.c (or --dump-ir)");
  if (o.main_out && !o.out)
    error_at(NULL, NULL, "--main needs -o NAME.c");
  if (o.main_out && o.out) {
    size_t n = strlen(o.out);
    if (strcmp(o.main_out, o.out) == 0 ||
        (strlen(o.main_out) == n && strncmp(o.main_out, o.out, n - 1) == 0 && o.main_out[n - 1] == 'h'))
      error_at(NULL, NULL, "--main %s names the same file as -o %s; give the test bench a file "
               "name of its own", o.main_out, o.out);
  }
  Graph *g = load(&o);
  if (o.dump_ir)
    ir_dump(g, stdout);
  if (o.dump_net)
    net_dump(build_net(g), stdout);
  if (o.out) {
    size_t n = strlen(o.out);
    if (!ends_with(o.out, ".c") && !(o.hls && ends_with(o.out, ".cpp")))
      error_at(o.out, NULL, "unknown output kind: name the output NAME.c (portable C) or "
               "NAME.hls.c / NAME.hls.cpp (HLS)");
    char *h = malloc(n + 1);
    if (!h)
      die("out of memory");
    memcpy(h, o.out, n + 1);
    h[n - 1] = 'h';
    if (o.hls) {
      free(h);
      h = sibling(o.out, ".h");
    }
    char *cmd = join_args(argc, argv);
    if (o.hls)
      emit_hls(g, build_net(g), o.out, h, cmd);
    else
      emit_c(g, o.out, h, cmd);
    if (o.main_out)
      emit_c_main(g, o.main_out, h, c_ident_from_path(g->arena, o.out), cmd);
    free(cmd);
    free(h);
  }
  arena_free(g->arena);
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
  Options o = {0};
  parse(argc, argv, 2, 1, &o);
  if (o.net && !o.po.precision && !o.po.config && !o.po.calibrate)
    o.po.fixed = 1;
  Graph *g = load(&o);
  const Net *net = o.net ? build_net(g) : NULL;
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
  Value **out = arena_alloc(g->arena, sizeof *out * (size_t)(g->noutputs + 1));
  for (int k = 0; k < g->noutputs; k++) {
    Value *v = g->outputs[k];
    int64_t dims[IR_MAXRANK + 1];
    int rank = v->rank;
    memcpy(dims, v->dims, sizeof v->dims);
    if (nsamples > 1) {
      if (rank >= 1 && dims[0] == 1) {
        dims[0] = nsamples;
      } else {  /* no batch axis to stack along: add one */
        if (rank == IR_MAXRANK)
          error_at(o.model, NULL, "output %d has rank %d; cannot stack samples", k, rank);
        memmove(dims + 1, dims, sizeof dims[0] * (size_t)rank);
        dims[0] = nsamples;
        rank++;
      }
    }
    out[k] = tensor_new(g->arena, v->dt, rank, dims);
    out[k]->name = v->name;
  }
  void **ip = arena_alloc(g->arena, sizeof *ip * (size_t)(g->ninputs + 1));
  void **op = arena_alloc(g->arena, sizeof *op * (size_t)(g->noutputs + 1));
  for (int64_t s = 0; s < nsamples; s++) {
    for (int k = 0; k < g->ninputs; k++) {
      size_t per = (size_t)value_numel(g->inputs[k]) * dtype_size(g->inputs[k]->dt);
      int batched = value_numel(in[k]) != value_numel(g->inputs[k]);
      ip[k] = (char *)in[k]->data + (batched ? per * (size_t)s : 0);
    }
    for (int k = 0; k < g->noutputs; k++) {
      size_t per = (size_t)value_numel(g->outputs[k]) * dtype_size(g->outputs[k]->dt);
      op[k] = (char *)out[k]->data + per * (size_t)s;
    }
    if (net)
      interp_run_core(g, net, 1, ip, op, NULL, NULL);
    else
      interp_run(g, ip, op);
  }
  const char *dir = o.out ? o.out : ".";
  struct stat st;
  if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
    error_at(dir, NULL, "output directory exists but is not a directory");
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    error_at(dir, NULL, "cannot create output directory: %s", strerror(errno));
  for (int k = 0; k < g->noutputs; k++) {
    char *pb = arena_printf(g->arena, "%s/output_%d.pb", dir, k);
    char *npy = arena_printf(g->arena, "%s/output_%d.npy", dir, k);
    error_remove_on_exit(pb);
    error_remove_on_exit(npy);
    if (tensor_write_pb(pb, out[k]) != 0)
      error_at(pb, NULL, "cannot write output file");
    if (tensor_write_npy(npy, out[k]) != 0)
      error_at(npy, NULL, "cannot write output file");
  }
  arena_free(g->arena);
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
             "onnx.brevitas, finn.custom_op.general, finn or default domain)" : "");
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
  return cmd_compile(argc, argv);
}
