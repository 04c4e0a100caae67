/*
 * verify_sim.c - co-simulation, how 'bibc verify --target verilog' checks
 * the Verilog backend (CHECK_SIM): the module that 'bibc MODEL -o NAME.v'
 * writes runs in a simulator on every sample, and every bit of every
 * result is compared with the interpreter.
 *
 * Per sample, the fixed graph's prologue and core on the kernels
 * (interp_run_core, i.e. 'bibc run --fixed') give the integer core's input
 * codes, written as one in_data word per line to in.hex (hexadecimal; port
 * p's element e at the bits the module's header comment documents), and
 * the reference output codes.  The netlist is built with the row's
 * net_passes and verify's --pipeline / --clock-ns; the backend writes m.v
 * and emit_verilog_tb the testbench tb.v, which presents the vectors one
 * per clock with bubbles and checks out_valid against LATENCY itself.  The
 * simulator is Verilator (verilator --binary) when it is on PATH, else
 * Icarus Verilog (iverilog, then vvp); BIBC_SIM=iverilog|verilator forces
 * one.  Its out.hex is read back: an "error:" line (timing) or a missing
 * result is a user error naming the first; every out_data bit is compared
 * with the reference codes (Report.codebits and the first wrong code with
 * its sample's in_data, so that a float tail such as an ArgMax cannot hide
 * a wrong code), and the simulated codes then go through the graph's float
 * tail (interp_run_tail), so the report's per-output counts mean what they
 * mean for the C targets.  A module with an argmax port (a GroupSum output,
 * argmax_port.c) writes {argmax, out_data}: each index is compared with the
 * argmax of the reference scores of its row, the lowest index on ties
 * (numpy's), computed here from the codes, not by the netlist, so a wrong
 * tie rule is a mismatch too (Report.argmax_codes, argmax_wrong).
 * Temporary files live in one mkdtemp folder, each registered with error.c
 * (Verilator's build folder as a tree), so a failure leaves nothing
 * behind.  Cost: two interpreter runs per sample,
 * the simulator's build (Verilator compiles C++: about 10 s even for a
 * small module) and run, and a pass over the result bits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spawn.h"
#include "verify.h"

typedef struct Sim {
  const char *cmd;           /* BIBC_SIM value, program on PATH, Debian package */
  const char *name;          /* for messages */
  const char *also;          /* a second program it needs, or NULL */
} Sim;

/* In order of preference. */
static const Sim sims[] = {
  {"verilator", "Verilator", NULL},
  {"iverilog", "Icarus Verilog", "vvp"},
};
enum { NSIMS = sizeof sims / sizeof sims[0] };

/* The temporary folder and its files, by role. */
enum { F_V, F_VTMP, F_TB, F_TBTMP, F_IN, F_OUT, F_BUILDLOG, F_RUNLOG, F_SIM, NF };
static const char *const fnames[NF] = {"m.v", "m.v.tmp", "tb.v", "tb.v.tmp", "in.hex", "out.hex",
                                       "build.log", "run.log", "sim"};

typedef struct SimRun {
  Verify *v;
  Report *r;
  const Sim *sim;
  const Net *net;
  char *dir, *obj;           /* the folder; Verilator's build folder in it */
  const char *f[NF];
  int64_t nin, nout;         /* in_data bits; out_data and argmax bits */
  int64_t ncode;             /* core output elements and argmax indices per sample */
  int64_t *outoff;           /* per output port, then argmax port: first element in a sample's codes */
  int64_t *want;             /* reference codes, ncode per sample */
  int64_t *got;              /* simulated codes, likewise */
} SimRun;

/* Is prog an executable file in a folder of PATH (as execvp finds it)? */
static int on_path(Arena *a, const char *prog) {
  const char *path = getenv("PATH");
  for (const char *p = path && *path ? path : "/usr/bin:/bin"; p;) {
    const char *end = strchr(p, ':');
    int n = end ? (int)(end - p) : (int)strlen(p);
    const char *file = arena_printf(a, "%.*s%s%s", n, p, n ? "/" : "", prog);
    struct stat st;
    if (stat(file, &st) == 0 && S_ISREG(st.st_mode) && access(file, X_OK) == 0)
      return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

static int installed(Arena *a, const Sim *s) {
  return on_path(a, s->cmd) && (!s->also || on_path(a, s->also));
}

static const Sim *pick_sim(Verify *v, const Backend *b) {
  const char *want = getenv("BIBC_SIM");
  if (want && *want) {
    for (int i = 0; i < NSIMS; i++)
      if (strcmp(want, sims[i].cmd) == 0) {
        if (!installed(v->a, &sims[i]))
          error_at(v->model, NULL, "target %s: BIBC_SIM=%s, but %s is not on PATH: install the "
                   "Debian package %s", b->name, want, sims[i].name, sims[i].cmd);
        return &sims[i];
      }
    error_at(NULL, NULL, "BIBC_SIM: unknown simulator '%s' (iverilog or verilator)", want);
  }
  for (int i = 0; i < NSIMS; i++)
    if (installed(v->a, &sims[i]))
      return &sims[i];
  error_at(v->model, NULL, "target %s: co-simulation needs Icarus Verilog or Verilator: install "
           "the Debian package iverilog (or verilator)", b->name);
}

/* One in_data or out_data word: every element's low fx.w bits, ports
 * concatenated from bit 0, as ndig hexadecimal digits (most significant
 * first).  nib: ndig scratch nibbles. */
static void write_word(FILE *f, const NetPort *ports, int np, int64_t *const *codes,
                       unsigned char *nib, int64_t ndig) {
  memset(nib, 0, (size_t)ndig);
  int64_t bit = 0;
  for (int p = 0; p < np; p++)
    for (int64_t e = 0; e < ports[p].n; e++) {
      uint64_t u = (uint64_t)codes[p][e];
      for (int k = 0; k < ports[p].fx.w; k++, bit++)
        nib[bit / 4] |= (unsigned char)((u >> k & 1) << (bit % 4));
    }
  for (int64_t i = ndig - 1; i >= 0; i--)
    fputc("0123456789abcdef"[nib[i]], f);
  fputc('\n', f);
}

static int64_t digits(int64_t bits) {
  return bits > 0 ? (bits + 3) / 4 : 1;
}

/* Sample t's graph inputs (ip) and outputs (op, in the stacked got). */
static void sample_io(Verify *v, int64_t t, void *const *got, void **ip, void **op) {
  Graph *g = v->fix;
  for (int k = 0; k < g->ninputs; k++) {
    const Value *x = g->inputs[k];
    int64_t one = value_numel(v->in[k]) == value_numel(x);  /* one sample for all */
    ip[k] = (char *)v->in[k]->data + (size_t)((one ? 0 : t) * value_numel(x)) * dtype_size(x->dt);
  }
  for (int k = 0; k < g->noutputs; k++)
    op[k] = (char *)got[k] + (size_t)(t * value_numel(g->outputs[k])) * dtype_size(g->outputs[k]->dt);
}

/* in.hex and the reference codes: the prologue and core on the kernels for
 * every sample.  The graph outputs go to got (overwritten later). */
static void write_vectors(SimRun *s, void *const *got) {
  Verify *v = s->v;
  Graph *g = v->fix;
  const Net *net = s->net;
  int64_t **qin = arena_alloc(v->a, sizeof *qin * (size_t)(net->nin + 1));
  int64_t **qout = arena_alloc(v->a, sizeof *qout * (size_t)(net->nout + 1));
  void **ip = arena_alloc(v->a, sizeof *ip * (size_t)(g->ninputs + 1));
  void **op = arena_alloc(v->a, sizeof *op * (size_t)(g->noutputs + 1));
  for (int p = 0; p < net->nin; p++)
    qin[p] = arena_alloc(v->a, sizeof **qin * (size_t)(net->in[p].n + 1));
  int64_t ndig = digits(s->nin);
  unsigned char *nib = arena_alloc(v->a, (size_t)ndig);
  FILE *f = fopen(s->f[F_IN], "w");
  if (!f)
    error_at(s->f[F_IN], NULL, "cannot write a temporary file: %s", strerror(errno));
  for (int64_t t = 0; t < v->n; t++) {
    sample_io(v, t, got, ip, op);
    for (int p = 0; p < net->nout; p++)
      qout[p] = s->want + t * s->ncode + s->outoff[p];
    interp_run_core(g, net, 0, ip, op, qin, qout);
    for (int i = 0; i < net->nargmax; i++) {  /* numpy's argmax of each row: the first maximum */
      const NetPort *m = &net->argmax[i];
      int64_t k = net->out[m->of].n / m->n, *idx = s->want + t * s->ncode + s->outoff[net->nout + i];
      for (int64_t r = 0; r < m->n; r++) {
        const int64_t *row = qout[m->of] + r * k;
        idx[r] = 0;
        for (int64_t c = 1; c < k; c++)
          idx[r] = row[c] > row[idx[r]] ? c : idx[r];
      }
    }
    write_word(f, net->in, net->nin, qin, nib, ndig);
  }
  if (ferror(f) | fclose(f))
    error_at(s->f[F_IN], NULL, "cannot write a temporary file (disk full?)");
}

/* Why a simulator step failed, in one line: the first line of its log
 * that mentions an error, else its last three non-blank lines joined by
 * " | ", each cut to 160 characters; paths inside the folder are shown
 * relative to it. */
static const char *log_summary(SimRun *s, const char *log) {
  Arena *a = s->v->a;
  FILE *f = fopen(log, "r");
  char line[400], last[3][400] = {"", "", ""};
  const char *pick = NULL;
  int nlast = 0;
  while (f && !pick && fgets(line, sizeof line, f)) {
    if (!strchr(line, '\n'))  /* a long line: the rest is dropped */
      for (int c; (c = getc(f)) != EOF && c != '\n';)
        continue;
    line[strcspn(line, "\r\n")] = 0;
    if (strlen(line) > 160)
      strcpy(line + 157, "...");
    char low[400];
    for (size_t i = 0; i <= strlen(line); i++)
      low[i] = line[i] >= 'A' && line[i] <= 'Z' ? (char)(line[i] - 'A' + 'a') : line[i];
    if (strstr(low, "error"))
      pick = arena_strdup(a, line);
    else if (line[strspn(line, " \t")])
      memcpy(last[nlast++ % 3], line, sizeof line);
  }
  if (f)
    fclose(f);
  if (!pick) {
    char *j = arena_strdup(a, nlast ? "" : "(no output)");
    for (int i = nlast > 3 ? nlast - 3 : 0; i < nlast; i++)
      j = arena_printf(a, "%s%s%s", j, *j ? " | " : "", last[i % 3]);
    pick = j;
  }
  char *c = arena_strdup(a, pick);
  size_t n = strlen(s->dir);
  for (char *q; (q = strstr(c, s->dir)) && q[n] == '/';)
    memmove(q, q + n + 1, strlen(q + n + 1) + 1);
  return c;
}

static void step(SimRun *s, char *const *argv, const char *log, const char *what) {
  Verify *v = s->v;
  int st = spawn(argv, log, v->timeout);
  const char *why = spawn_why(v->a, st, v->timeout, st > 0 ? log_summary(s, log) : NULL);
  if (why)
    error_at(v->model, NULL, "target %s: %s with %s (%s) failed: %s%s", s->r->b->name, what,
             s->sim->name, s->sim->cmd, why,
             strncmp(why, "timed out", 9) == 0 ? " (--timeout S allows more)" : "");
}

/* Builds and runs the testbench in the chosen simulator.  Verilator's C++
 * is compiled without optimization: for some 10^4 vectors the build, not
 * the run, is what takes time (TFC_2W2A: 47 s of CPU at -O0 against 109 s
 * at Verilator's default -Os; 2,000 vectors run in 0.2 s either way). */
static void simulate(SimRun *s) {
  const char *mv = s->f[F_V], *tb = s->f[F_TB];
  if (strcmp(s->sim->cmd, "iverilog") == 0) {
    char *build[] = {"iverilog", "-g2005", "-s", "m_tb", "-o", (char *)s->f[F_SIM], (char *)mv,
                     (char *)tb, NULL};
    step(s, build, s->f[F_BUILDLOG], "building the simulation");
    char *run[] = {"vvp", "-n", (char *)s->f[F_SIM], NULL};
    step(s, run, s->f[F_RUNLOG], "running the simulation");
  } else {
    char *build[] = {"verilator", "--binary", "-Wno-fatal", "--top-module", "m_tb", "--Mdir",
                     s->obj, "-o", "sim", "-MAKEFLAGS", "OPT_FAST=-O0", "-MAKEFLAGS",
                     "OPT_SLOW=-O0", "-MAKEFLAGS", "OPT_GLOBAL=-O0", (char *)mv, (char *)tb, NULL};
    step(s, build, s->f[F_BUILDLOG], "building the simulation");
    char *run[] = {arena_printf(s->v->a, "%s/sim", s->obj), NULL};
    step(s, run, s->f[F_RUNLOG], "running the simulation");
  }
}

/* Bits off .. off+w-1 of a word held as nibbles (least significant first). */
static uint64_t word_bits(const unsigned char *nib, int64_t off, int w) {
  uint64_t x = 0;
  for (int k = 0; k < w; k++, off++)
    x |= (uint64_t)(nib[off / 4] >> (off % 4) & 1) << k;
  return x;
}

/* Compares sample t's out_data word (ndig digits, x and z allowed) with
 * the reference codes; keeps the simulated codes for the tail. */
static void compare_word(SimRun *s, int64_t t, const char *line, unsigned char *val,
                         unsigned char *unk, int64_t ndig) {
  Report *r = s->r;
  for (int64_t i = 0; i < ndig; i++) {
    char c = line[ndig - 1 - i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    val[i] = (unsigned char)(d < 0 ? 0 : d);
    unk[i] = (unsigned char)(d < 0 ? 15 : 0);  /* x, X, z, Z */
  }
  int64_t off = 0;
  const Net *net = s->net;
  for (int p = 0; p < net->nout + net->nargmax; p++) {  /* out_data, then argmax */
    const NetPort *port = p < net->nout ? &net->out[p] : &net->argmax[p - net->nout];
    int w = port->fx.w;
    uint64_t mask = w >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
    for (int64_t e = 0; e < port->n; e++, off += w) {
      uint64_t gb = word_bits(val, off, w), xb = word_bits(unk, off, w);
      int64_t want = s->want[t * s->ncode + s->outoff[p] + e];
      int64_t got = port->fx.sgn && w < 64 && (gb >> (w - 1) & 1) ? (int64_t)(gb | ~mask) : (int64_t)gb;
      s->got[t * s->ncode + s->outoff[p] + e] = got;
      uint64_t diff = ((gb ^ (uint64_t)want) & mask) | xb;
      r->ncodes += p < net->nout;
      r->argmax_codes += p >= net->nout;
      if (!diff)
        continue;
      r->argmax_wrong += p >= net->nout;
      r->codebits += (uint64_t)verify_popcount(diff);
      r->codeelems++;
      if (!r->codefound) {
        r->codefound = 1;
        const char *name = port->v ? port->v->name
                         : arena_printf(s->v->a, "argmax of %s", net->out[port->of].v->name);
        r->firstcode = (CodeMismatch){.sample = t, .port = p, .name = name, .index = e,
                                      .w = w, .got = got, .want = want,
                                      .gotbits = gb, .wantbits = (uint64_t)want & mask,
                                      .undef = xb != 0};
      }
    }
  }
}

/* Reads out.hex: every result compared, timing errors and missing results
 * reported. */
static void read_results(SimRun *s) {
  Verify *v = s->v;
  const char *tname = s->r->b->name;
  FILE *f = fopen(s->f[F_OUT], "r");
  if (!f)
    error_at(v->model, NULL, "target %s: the simulation with %s wrote no results", tname,
             s->sim->name);
  int64_t ndig = digits(s->nout), k = 0;
  long long sent = -1, recv = -1;
  unsigned char *val = arena_alloc(v->a, (size_t)ndig), *unk = arena_alloc(v->a, (size_t)ndig);
  char *line = NULL, *error = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) >= 0) {
    line[strcspn(line, "\r\n")] = 0;
    len = (ssize_t)strlen(line);
    if (strncmp(line, "error: ", 7) == 0) {
      error = error ? error : arena_strdup(v->a, line + 7);
    } else if (strncmp(line, "done ", 5) == 0) {
      if (sscanf(line + 5, "%lld %lld", &sent, &recv) != 2)
        sent = recv = -1;
    } else if (len == ndig && (int64_t)strspn(line, "0123456789abcdefABCDEFxXzZ") == ndig) {
      if (k < v->n)
        compare_word(s, k, line, val, unk, ndig);
      k++;
    } else {
      fclose(f);
      error_at(v->model, NULL, "target %s: the simulation wrote a line that is not a %lld-digit "
               "out_data word: '%.60s'", tname, (long long)ndig, line);
    }
  }
  free(line);
  fclose(f);
  if (error)
    error_at(v->model, NULL, "target %s: the testbench reports a timing error (simulated with "
             "%s, LATENCY %d): %s", tname, s->sim->name, s->r->latency, error);
  if (k != v->n || sent != v->n || recv != v->n)
    error_at(v->model, NULL, "target %s: the simulation with %s returned %lld results for %lld "
             "vectors (testbench: %lld sent, %lld received)", tname, s->sim->name, (long long)k,
             (long long)v->n, sent, recv);
}

/* Line t of in.hex: the in_data word of the first mismatching sample. */
static char *in_data_of(SimRun *s, int64_t t) {
  FILE *f = fopen(s->f[F_IN], "r");
  char *line = NULL, *word = NULL;
  size_t cap = 0;
  for (int64_t i = 0; f && getline(&line, &cap, f) >= 0; i++)
    if (i == t) {
      line[strcspn(line, "\r\n")] = 0;
      word = arena_strdup(s->v->a, line);
      break;
    }
  free(line);
  if (f)
    fclose(f);
  return word ? word : arena_strdup(s->v->a, "?");
}

/* The graph outputs from the simulated codes: prologue, then float tail. */
static void run_tail(SimRun *s, void *const *got) {
  Verify *v = s->v;
  Graph *g = v->fix;
  const int64_t **q = arena_alloc(v->a, sizeof *q * (size_t)(s->net->nout + 1));
  void **ip = arena_alloc(v->a, sizeof *ip * (size_t)(g->ninputs + 1));
  void **op = arena_alloc(v->a, sizeof *op * (size_t)(g->noutputs + 1));
  for (int64_t t = 0; t < v->n; t++) {
    sample_io(v, t, got, ip, op);
    for (int p = 0; p < s->net->nout; p++)
      q[p] = s->got + t * s->ncode + s->outoff[p];
    interp_run_tail(g, &s->net->split, ip, q, op);
  }
}

void verify_sim(Verify *v, Report *r, void *const *got) {
  Graph *g = v->fix;
  Arena *a = v->a;
  const Backend *b = r->b;
  SimRun s = {.v = v, .r = r, .sim = pick_sim(v, b)};
  const Net *net = s.net = net_pipeline_run(g, net_pipeline_for(b->clocked, &v->po), &v->po);
  r->sim = s.sim->cmd;
  r->sim_name = s.sim->name;
  r->latency = net->stages + 2;
  s.outoff = arena_alloc(a, sizeof *s.outoff * (size_t)(net->nout + net->nargmax + 1));
  ASSERT(net->nin == net->split.nqin && net->nout == net->split.nqout);
  for (int p = 0; p < net->nin; p++) {
    ASSERT(net->in[p].n == value_numel(net->split.qin[p]));
    s.nin += net->in[p].fx.w * net->in[p].n;
  }
  for (int p = 0; p < net->nout; p++) {
    ASSERT(net->out[p].n == value_numel(net->split.qout[p]));
    s.outoff[p] = s.ncode;
    s.ncode += net->out[p].n;
    s.nout += net->out[p].fx.w * net->out[p].n;
  }
  for (int i = 0; i < net->nargmax; i++) {
    s.outoff[net->nout + i] = s.ncode;
    s.ncode += net->argmax[i].n;
    s.nout += net->argmax[i].fx.w * net->argmax[i].n;
  }
  s.want = arena_alloc(a, sizeof *s.want * (size_t)(v->n * s.ncode + 1));
  s.got = arena_alloc(a, sizeof *s.got * (size_t)(v->n * s.ncode + 1));

  s.dir = verify_tmpdir(v);
  s.obj = arena_printf(a, "%s/obj", s.dir);
  for (int i = 0; i < NF; i++)
    error_remove_on_exit(s.f[i] = arena_printf(a, "%s/%s", s.dir, fnames[i]));
  error_remove_tree_on_exit(s.obj);
  error_remove_on_exit(s.dir);  /* last: error.c removes in order */
  const char *cmd = arena_printf(a, "bibc verify --target %s %s", b->name, v->model);
  b->emit(g, net, s.f[F_V], NULL, cmd);  /* module m */
  emit_verilog_tb(net, s.f[F_TB], "m", s.f[F_IN], s.f[F_OUT], v->n);
  write_vectors(&s, got);
  simulate(&s);
  read_results(&s);
  if (r->codefound)
    r->firstcode.in_data = in_data_of(&s, r->firstcode.sample);
  run_tail(&s, got);

  for (int i = 0; i < NF; i++) {
    remove(s.f[i]);
    error_keep_output(s.f[i]);
  }
  remove_tree(s.obj);
  error_keep_output(s.obj);
  rmdir(s.dir);
  error_keep_output(s.dir);
}
