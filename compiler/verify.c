/*
 * verify.c - 'bibc verify', the closure report:
 *
 *   bibc verify MODEL [--data X.npy]... [--target NAME|all]... [--samples N]
 *                     [--const NAME=FILE]... [--json FILE] [--timeout S]
 *
 * Runs one set of input vectors through the model three ways and compares:
 *   fixed vs float    the float reference (default pipeline) against the
 *                     integer pipeline (fixed_pipeline), both in the
 *                     interpreter: max |error| per output and the share of
 *                     samples whose argmax over the last axis agrees.  A
 *                     report, not a verdict: quantization error is expected.
 *   backend vs fixed  each --target (default backends[0], c) builds the
 *                     fixed graph's generated code, runs it on the same
 *                     vectors and counts the bits (popcount of XOR) that
 *                     differ from the interpreter on the fixed graph.  Any
 *                     is a bug: exit 1, naming the first mismatch.
 * Vectors: the --data files (one per graph input, as 'bibc run -i'), else
 * four corner vectors (all minimum, all maximum, alternating, zeros) and N
 * (10,000) pseudo-random ones, uniform over the input quantizer's range when
 * the graph input feeds a Quant (read from the fixed graph's FromFloat),
 * 0 or 1 when a logic layer or group sum reads it, else [-4, 4].  The generator is splitmix64 with a fixed seed, so the
 * report is byte-deterministic.  Cost: two interpreter runs per sample, one
 * compile and one run per target.  A backend is a row of backends[]
 * (backends/backends.c), whose check field says how its code is run here:
 * CHECK_CC compiles it with CC and the row's cflags and runs a --main
 * bench (verify_cc.c); CHECK_SIM simulates it with a testbench (verify_sim.c).  Each
 * check fills the stacked outputs.  Temporary files live in one
 * mkdtemp directory whose files are registered with error.c before the
 * directory itself, so a user error or die() removes them all, directory
 * last.  The report itself (table, JSON) is verify_report.c.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"
#include "verify.h"
#include "../backends/backends.h"

#define NRANDOM 10000                     /* default number of random vectors */
#define TIMEOUT 600                       /* default seconds for one compile or run */
#define MAXSTACK (IR_MAXELEMS / 4)        /* elements of one stacked tensor */

static const char help[] =
  "usage: bibc verify MODEL.onnx [options]\n"
  "Compares the fixed-point model with the float model (max |error|, argmax\n"
  "agreement) and each backend with the fixed-point model (mismatching bits,\n"
  "which must be 0).  Exit status 0 only if no backend has a mismatching bit.\n"
  "options:\n"
  "  --data FILE        input vectors (.npy/.pb), one file per graph input, as\n"
  "                     'bibc run -i'; default: 4 corner vectors + N random ones\n"
  "  --samples N        number of random vectors (default 10000)\n"
  "  --target NAME      backend to check, %s (repeatable; default %s);\n"
  "                     all: every backend\n"
  "  --const NAME=FILE  freeze graph input NAME to the tensor in FILE\n"
  "  --json FILE        also write the figures as JSON\n"
  "  --timeout S        seconds allowed for one compile, build or run (default 600)\n"
  "  --pipeline N, --clock-ns X\n"
  "                     register stages of the netlist (--target verilog)\n"
  "  --precision T, --config FILE, --calibrate X.npy, --prune F, --fold-batchnorm\n"
  "                     make the fixed-point model by post-training quantization\n"
  "                     (as for compiling); without them it is the model's own\n"
  "                     power-of-two quantizers (--fixed)\n"
  "  --prune-fanin N    each neuron keeps its N weights of largest |w| (as for\n"
  "                     compiling: bibc --help-pass prune)\n"
  "environment: CC (default cc) and CFLAGS (default -O1) build the generated C;\n"
  "BIBC_SIM=iverilog|verilator picks the simulator for --target verilog (default:\n"
  "Verilator if 'verilator' is on PATH, else Icarus Verilog).\n";

static const char *need_arg(int argc, char **argv, int *i) {
  if (*i + 1 >= argc)
    error_at(NULL, NULL, "option %s needs an argument (see 'bibc verify --help')", argv[*i]);
  return argv[++*i];
}

static void add_target(Verify *v, const char *name) {
  if (strcmp(name, "all") == 0) {
    for (int i = 0; i < nbackends; i++)
      if (backends[i].check != CHECK_NONE)
        add_target(v, backends[i].name);
    return;
  }
  const Backend *b = backend_find(name);
  if (!b)
    error_at(NULL, NULL, "--target: unknown target '%s' (%s, all)", name,
             backend_names(v->a, ", ", ", ", 1));
  if (b->check == CHECK_NONE)
    error_at(NULL, NULL, "--target %s: bibc verify cannot check this backend yet", name);
  if (!v->rep)
    v->rep = arena_alloc(v->a, sizeof *v->rep * (size_t)nbackends);
  for (int i = 0; i < v->nrep; i++)
    if (v->rep[i].b == b)
      return;
  v->rep[v->nrep++].b = b;
}

static void parse(Verify *v, int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (pass_options_parse(&v->po, argc, argv, &i))
      continue;
    if (strcmp(a, "--data") == 0) {
      if (v->ndata == MAXFILES)
        error_at(NULL, NULL, "too many --data files");
      v->data[v->ndata++] = need_arg(argc, argv, &i);
    } else if (strcmp(a, "--json") == 0) {
      v->json = need_arg(argc, argv, &i);
    } else if (strcmp(a, "--target") == 0) {
      add_target(v, need_arg(argc, argv, &i));
    } else if (strcmp(a, "--samples") == 0) {
      const char *s = need_arg(argc, argv, &i);
      char *end;
      errno = 0;
      long long k = strtoll(s, &end, 10);
      if (*s < '0' || *s > '9' || *end || errno || k > MAXSTACK)
        error_at(NULL, NULL, "--samples needs a number from 0 to %lld, got '%s'",
                 (long long)MAXSTACK, s);
      v->nrandom = k;
      v->samples_given = 1;
    } else if (strcmp(a, "--timeout") == 0) {
      const char *s = need_arg(argc, argv, &i);
      char *end;
      errno = 0;
      long k = strtol(s, &end, 10);
      if (*s < '0' || *s > '9' || *end || errno || k < 1 || k > 86400)
        error_at(NULL, NULL, "--timeout needs a number of seconds from 1 to 86400, got '%s'", s);
      v->timeout = (int)k;
    } else if (strcmp(a, "--const") == 0) {
      need_arg(argc, argv, &i);  /* argv strings are writable: split in place */
      const_binding_add(v->a, v->binds, &v->nbinds, MAXFILES, argv[i]);
    } else if (a[0] == '-' && a[1]) {
      error_at(NULL, NULL, "unknown option '%s' (see 'bibc verify --help')", a);
    } else if (!v->model) {
      v->model = a;
    } else {
      error_at(NULL, NULL, "more than one model given ('%s' and '%s')", v->model, a);
    }
  }
  if (!v->model)
    error_at(NULL, NULL, "no model given (see 'bibc verify --help')");
  if (v->ndata && v->samples_given)
    error_at(NULL, NULL, "--samples counts generated vectors; it cannot be used with --data");
  if (v->nrep == 0)
    add_target(v, backends[0].name);
}

/* ---- input vectors ---- */

static void set_elem(Value *t, int64_t i, double x) {
  switch (t->dt) {
#define X(e, code, ct, sz, suf) case DT_##e: ((ct *)t->data)[i] = (ct)x; break;
  IR_DTYPES(X)
#undef X
  default: die("bad dtype %d", t->dt);
  }
}

/* Most samples a stacked tensor of per elements per sample may hold. */
static int64_t stack_limit(int64_t per) {
  return per > 0 ? MAXSTACK / per : MAXSTACK;
}

/* --data file k, checked as 'bibc run -i' checks it; returns its samples. */
static int64_t read_data(Verify *v, int k) {
  const char *file = v->data[k];
  const Value *gi = v->fix->inputs[k];
  Value *t = tensor_read(v->a, file);
  if (t->dt != gi->dt) {
    if (!dtype_is_float(t->dt) || !dtype_is_float(gi->dt))
      error_at(file, NULL, "input %d ('%s') has element type %s, the model expects %s", k,
               gi->name, dtype_name(t->dt), dtype_name(gi->dt));
    note(file, "input %d ('%s'): converting %s to %s", k, gi->name, dtype_name(t->dt),
         dtype_name(gi->dt));
    Value *c = tensor_new(v->a, gi->dt, t->rank, t->dims);
    for (int64_t i = 0; i < value_numel(t); i++)
      set_elem(c, i, value_get_f64(t, i));
    t = c;
  }
  v->in[k] = t;
  int64_t per = value_numel(gi), n = value_numel(t);
  if (n == per)
    return 1;
  if (gi->rank >= 1 && gi->dims[0] == 1 && t->rank == gi->rank && t->dims[0] > 1 &&
      n == per * t->dims[0])
    return t->dims[0];
  error_at(file, NULL, "input %d ('%s') has shape %s, the model expects %s", k, gi->name,
           shape_str(v->a, t), shape_str(v->a, gi));
}

/* Does a logic-gate network op read graph input x as its bits (directly,
 * or through lower_fixed's Cast and FromFloat)?  Its vectors are then 0
 * and 1, the only values such an op is defined on. */
static int read_as_bits(const Graph *g, const Value *x) {
  for (int i = 0; i < g->nnodes; i++) {
    const Node *m = g->nodes[i];
    if (m->op != OP_LOGICLAYER && m->op != OP_GROUPSUM && m->op != OP_POPCOUNT)
      continue;
    const Value *y = m->in[0];
    while (y != x && y->producer && (y->producer->op == OP_CAST || y->producer->op == OP_FROMFLOAT))
      y = y->producer->in[0];
    if (y == x)
      return 1;
  }
  return 0;
}

/* The range of input k's vectors: the union of the ranges of the
 * quantizers reading it (FromFloat after Quant in the fixed graph, and the
 * Requant that may follow), {0, 1} for a logic-gate network's bits, else
 * [-4, 4] (clipped to an integer type's range).  When a Requant follows
 * (--precision's second step, or a wrapping quantizer of the model), every
 * other random vector spans the first quantizer's wider range, so that
 * saturation and wrapping are tested too. */
/* The real values a fixed-point value's codes span (scaled codes: the
 * widest channel). */
static void value_range(const Value *y, double *lo, double *hi) {
  double s = 0;
  for (int64_t c = 0; y->rscale && c < y->nrscale; c++)
    s = y->rscale[c] > s ? y->rscale[c] : s;
  *lo = ldexp((double)y->qlo, -y->fx.f) * (y->rscale ? s : 1);
  *hi = ldexp((double)y->qhi, -y->fx.f) * (y->rscale ? s : 1);
}

static void input_range(Verify *v, int k) {
  const Value *x = v->fix->inputs[k];
  if (read_as_bits(v->fix, x)) {
    v->lo[k] = v->wlo[k] = 0;
    v->hi[k] = v->whi[k] = 1;
    v->bits[k] = 1;
    return;
  }
  int uns = x->dt == DT_BOOL || x->dt == DT_U8 || x->dt == DT_U16 || x->dt == DT_U32 ||
            x->dt == DT_U64;
  v->lo[k] = v->wlo[k] = uns ? 0 : -4;
  v->hi[k] = v->whi[k] = x->dt == DT_BOOL ? 1 : 4;
  for (int i = 0; i < v->fix->nnodes; i++) {
    const Node *m = v->fix->nodes[i];
    const Node *q = m->op == OP_FROMFLOAT ? m->in[0]->producer : NULL;
    if (!q || (q->op != OP_QUANT && q->op != OP_INTQUANT) || q->in[0] != x)
      continue;
    const Value *y = m->out[0];
    for (int j = i + 1; j < v->fix->nnodes; j++)  /* --precision quantizes in two steps */
      if (v->fix->nodes[j]->op == OP_REQUANT && v->fix->nodes[j]->in[0] == y) {
        y = v->fix->nodes[j]->out[0];
        break;
      }
    double lo, hi, wlo, whi;
    value_range(y, &lo, &hi);
    value_range(m->out[0], &wlo, &whi);
    wlo = wlo < lo ? wlo : lo, whi = whi > hi ? whi : hi;
    v->lo[k] = v->quant[k] && v->lo[k] < lo ? v->lo[k] : lo;
    v->hi[k] = v->quant[k] && v->hi[k] > hi ? v->hi[k] : hi;
    v->wlo[k] = v->quant[k] && v->wlo[k] < wlo ? v->wlo[k] : wlo;
    v->whi[k] = v->quant[k] && v->whi[k] > whi ? v->whi[k] : whi;
    v->quant[k] = y;
  }
}

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Corner vectors, then random ones, stacked along a leading batch axis. */
static void generate(Verify *v) {
  uint64_t seed = SEED;
  for (int k = 0; k < v->fix->ninputs; k++) {
    const Value *gi = v->fix->inputs[k];
    int64_t per = value_numel(gi), dims[IR_MAXRANK];
    int rank = gi->rank;
    memcpy(dims, gi->dims, sizeof dims);
    if (rank >= 1 && dims[0] == 1) {
      dims[0] = v->n;
    } else if (rank < IR_MAXRANK) {
      memmove(dims + 1, dims, sizeof dims[0] * (size_t)rank++);
      dims[0] = v->n;
    } else {
      rank = 1, dims[0] = v->n * per;
    }
    Value *t = v->in[k] = tensor_new(v->a, gi->dt, rank, dims);
    double lo = v->lo[k], hi = v->hi[k];
    for (int64_t s = 0; s < v->n; s++)
      for (int64_t i = 0; i < per; i++) {
        double x = s == 0 ? lo : s == 1 ? hi : s == 2 ? (i % 2 ? hi : lo) : 0;
        if (s >= v->ncorner) {
          if ((s - v->ncorner) % 2)  /* every other one: the first quantizer's range */
            lo = v->wlo[k], hi = v->whi[k];
          else
            lo = v->lo[k], hi = v->hi[k];
          double u = (double)(splitmix64(&seed) >> 11) * 0x1p-53;  /* [0, 1) */
          x = dtype_is_float(gi->dt) && !v->bits[k] ? lo + u * (hi - lo)
                                                     : fmin(hi, lo + floor(u * (hi - lo + 1)));
        }
        set_elem(t, s * per + i, x);
      }
  }
}

static void prepare_inputs(Verify *v) {
  Graph *g = v->fix;
  int nin = g->ninputs;
  v->in = arena_alloc(v->a, sizeof *v->in * (size_t)(nin + 1));
  v->lo = arena_alloc(v->a, sizeof *v->lo * (size_t)(nin + 1));
  v->hi = arena_alloc(v->a, sizeof *v->hi * (size_t)(nin + 1));
  v->wlo = arena_alloc(v->a, sizeof *v->wlo * (size_t)(nin + 1));
  v->whi = arena_alloc(v->a, sizeof *v->whi * (size_t)(nin + 1));
  v->quant = arena_alloc(v->a, sizeof *v->quant * (size_t)(nin + 1));
  v->bits = arena_alloc(v->a, (size_t)nin + 1);
  int64_t cap = MAXSTACK;
  for (int k = 0; k < g->noutputs; k++) {
    int64_t c = stack_limit(value_numel(g->outputs[k]));
    cap = c < cap ? c : cap;
  }
  if (v->ndata) {
    if (v->ndata != nin)
      error_at(v->model, NULL, "the model has %d non-constant input%s, %d --data file%s given", nin,
               nin == 1 ? "" : "s", v->ndata, v->ndata == 1 ? "" : "s");
    v->n = 1;
    for (int k = 0; k < nin; k++) {
      int64_t s = read_data(v, k);
      if (s > 1 && v->n > 1 && s != v->n)
        error_at(v->data[k], NULL, "input %d holds %lld samples, an earlier input %lld", k,
                 (long long)s, (long long)v->n);
      v->n = s > 1 ? s : v->n;
    }
    if (v->n > cap)
      error_at(v->data[0], NULL, "%lld samples make outputs too large to hold; use fewer",
               (long long)v->n);
    return;
  }
  for (int k = 0; k < nin; k++) {
    input_range(v, k);
    int64_t c = stack_limit(value_numel(g->inputs[k]));
    cap = c < cap ? c : cap;
  }
  if (nin == 0) {  /* nothing to vary: one evaluation */
    v->n = 1;
    v->nrandom = 0;
    return;
  }
  if (NCORNER + v->nrandom > cap) {
    if (v->samples_given)
      error_at(v->model, NULL, "--samples %lld: the stacked tensors would be too large; at most "
               "%lld", (long long)v->nrandom, (long long)(cap > NCORNER ? cap - NCORNER : 0));
    v->nrandom = cap > NCORNER ? cap - NCORNER : 0;
    note(v->model, "tensors are large: %lld random vectors", (long long)v->nrandom);
  }
  v->ncorner = NCORNER;
  v->n = NCORNER + v->nrandom;
  generate(v);
}

/* ---- the two references ---- */

static void *stacked(Verify *v, const Value *x) {
  return arena_alloc(v->a, (size_t)(v->n * value_numel(x)) * dtype_size(x->dt) + 1);
}

static void *sample_ptr(void *base, const Value *x, int64_t s) {
  return (char *)base + (size_t)(s * value_numel(x)) * dtype_size(x->dt);
}

static void evaluate(Verify *v) {
  Graph *f = v->flt, *x = v->fix;
  ASSERT(f->ninputs == x->ninputs && f->noutputs == x->noutputs);
  for (int k = 0; k < x->ninputs; k++)
    ASSERT(f->inputs[k]->dt == x->inputs[k]->dt &&
           value_numel(f->inputs[k]) == value_numel(x->inputs[k]));
  v->want = arena_alloc(v->a, sizeof *v->want * (size_t)(x->noutputs + 1));
  v->ref = arena_alloc(v->a, sizeof *v->ref * (size_t)(x->noutputs + 1));
  for (int k = 0; k < x->noutputs; k++) {
    ASSERT(value_numel(f->outputs[k]) == value_numel(x->outputs[k]));
    v->want[k] = stacked(v, x->outputs[k]);
    v->ref[k] = stacked(v, f->outputs[k]);
  }
  void **ip = arena_alloc(v->a, sizeof *ip * (size_t)(x->ninputs + 1));
  void **wp = arena_alloc(v->a, sizeof *wp * (size_t)(x->noutputs + 1));
  void **rp = arena_alloc(v->a, sizeof *rp * (size_t)(x->noutputs + 1));
  for (int64_t s = 0; s < v->n; s++) {
    for (int k = 0; k < x->ninputs; k++)
      ip[k] = sample_ptr(v->in[k]->data, x->inputs[k],
                         value_numel(v->in[k]) == value_numel(x->inputs[k]) ? 0 : s);
    for (int k = 0; k < x->noutputs; k++) {
      wp[k] = sample_ptr(v->want[k], x->outputs[k], s);
      rp[k] = sample_ptr(v->ref[k], f->outputs[k], s);
    }
    interp_run(x, ip, wp);
    interp_run(f, ip, rp);
  }
}

/* First index of the largest of x[off .. off+len) (NaN never wins). */
static int64_t argmax(const Value *x, int64_t off, int64_t len) {
  int64_t best = 0;
  for (int64_t i = 1; i < len; i++)
    if (value_get_f64(x, off + i) > value_get_f64(x, off + best))
      best = i;
  return best;
}

/* Fixed vs float: max |error| and argmax agreement (a sample agrees when
 * every row along the last axis has the same argmax). */
static void compare_models(Verify *v) {
  int nout = v->fix->noutputs;
  v->maxerr = arena_alloc(v->a, sizeof *v->maxerr * (size_t)(nout + 1));
  v->agree = arena_alloc(v->a, sizeof *v->agree * (size_t)(nout + 1));
  v->nargmax = arena_alloc(v->a, sizeof *v->nargmax * (size_t)(nout + 1));
  for (int k = 0; k < nout; k++) {
    const Value *o = v->fix->outputs[k];
    Value a = {.dt = o->dt, .data = v->want[k]}, b = {.dt = v->flt->outputs[k]->dt, .data = v->ref[k]};
    int64_t per = value_numel(o), len = o->rank ? o->dims[o->rank - 1] : 1;
    for (int64_t i = 0; i < v->n * per; i++) {
      double x = value_get_f64(&a, i), y = value_get_f64(&b, i), e;
      e = x == y || (isnan(x) && isnan(y)) ? 0 : isnan(x) || isnan(y) ? INFINITY : fabs(x - y);
      v->maxerr[k] = e > v->maxerr[k] ? e : v->maxerr[k];
    }
    if (len < 2)
      continue;
    v->nargmax[k] = v->n;
    for (int64_t s = 0; s < v->n; s++) {
      int same = 1;
      for (int64_t r = s * per; same && r < (s + 1) * per; r += len)
        same = argmax(&a, r, len) == argmax(&b, r, len);
      v->agree[k] += same;
    }
  }
}

/* ---- backends ---- */

static void compare_target(Verify *v, Report *r, void *const *got) {
  int nout = v->fix->noutputs;
  r->bits = arena_alloc(v->a, sizeof *r->bits * (size_t)(nout + 1));
  r->elems = arena_alloc(v->a, sizeof *r->elems * (size_t)(nout + 1));
  for (int64_t s = 0; s < v->n; s++)
    for (int k = 0; k < nout; k++) {
      const Value *o = v->fix->outputs[k];
      size_t es = dtype_size(o->dt);
      const unsigned char *gp = sample_ptr(got[k], o, s), *wp = sample_ptr(v->want[k], o, s);
      for (int64_t i = 0; i < value_numel(o); i++) {
        const unsigned char *x = gp + es * (size_t)i, *y = wp + es * (size_t)i;
        if (memcmp(x, y, es) == 0)
          continue;
        r->bits[k] += (uint64_t)verify_popcount(verify_elem_bits(x, es) ^ verify_elem_bits(y, es));
        r->elems[k]++;
        if (!r->found) {
          r->found = 1;
          r->first = (Mismatch){.sample = s, .out = k, .index = i};
          memcpy(r->first.got, x, es);
          memcpy(r->first.want, y, es);
        }
      }
    }
}

/* Runs backend b's code on every sample, filling got[k] with output k of
 * all samples, stacked; the row's check says how. */
static void check_backend(Verify *v, Report *r, void *const *got) {
  const Backend *b = r->b;
  switch (b->check) {
  case CHECK_CC: verify_cc(v, r, got); return;
  case CHECK_SIM: verify_sim(v, r, got); return;
  case CHECK_NONE: break;
  }
  die("backend %s has no check", b->name);  /* add_target refuses it */
}

int cmd_verify(int argc, char **argv) {
  if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
    Arena *a = arena_new();
    printf(help, backend_names(a, ", ", " or ", 1), backends[0].name);
    arena_free(a);
    return 0;
  }
  Verify v = {.a = arena_new(), .nrandom = NRANDOM, .timeout = TIMEOUT};
  parse(&v, argc, argv);
  v.flt = model_import(v.model, v.binds, v.nbinds);
  pipeline_run(v.flt, default_pipeline, NULL);
  v.fix = model_import(v.model, v.binds, v.nbinds);
  v.po.fixed = 1;  /* the fixed model: QONNX's quantizers, or --precision/--config */
  pipeline_run_opts(v.fix, pipeline_for(v.fix, &v.po), NULL, &v.po);
  if (v.fix->ninputs + v.fix->noutputs > MAXTMP)
    error_at(v.model, NULL, "bibc verify handles up to %d inputs and outputs together", MAXTMP);
  prepare_inputs(&v);
  evaluate(&v);
  compare_models(&v);
  int ok = 1;
  for (int t = 0; t < v.nrep; t++) {
    Report *r = &v.rep[t];
    void **got = arena_alloc(v.a, sizeof *got * (size_t)(v.fix->noutputs + 1));
    for (int k = 0; k < v.fix->noutputs; k++)
      got[k] = stacked(&v, v.fix->outputs[k]);
    check_backend(&v, r, got);
    compare_target(&v, r, got);
    ok &= !r->found && !r->codefound;
  }
  ASSERT(verify_print(&v, stdout) == ok);
  if (v.json)
    verify_write_json(&v, ok);
  verify_print_errors(&v, stderr);
  arena_free(v.flt->arena);
  arena_free(v.fix->arena);
  arena_free(v.a);
  return ok ? 0 : 1;
}
