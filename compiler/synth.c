/*
 * synth.c - running Yosys (and nextpnr-ice40) for 'bibc estimate', and
 * reading their figures.
 *
 * The Verilog (emit_verilog, the same text 'bibc MODEL -o NAME.v' writes)
 * and the Yosys script go into a temporary directory; Yosys runs there, so
 * the script reads NAME.v by that name and anyone can rerun it by hand next
 * to the file that command writes.  The flows (REFERENCE.md section 7):
 *   xc7    synth_xilinx -abc9 in two halves with one command between them:
 *          "techmap -map +/techmap.v -max_iter 1 t:$add t:$sub" turns every
 *          adder into one $alu before alumacc, which would otherwise merge
 *          adder chains into $macc cells mapped to generic gates (about
 *          twice the LUTs); stat -json per module.
 *   ice40  synth_ice40 the same way, stat -json; then, when the design fits
 *          an HX8K, nextpnr-ice40 places and routes the flattened netlist
 *          and reports its Fmax.
 *   asic   synth, then abc -g cmos2 and stat -tech cmos (generic CMOS gates
 *          and Yosys's transistor estimate), or with --liberty FILE
 *          dfflibmap/abc/stat -liberty (cells and area of that library).
 * Every module stays a module (no -flatten), so stat reports each layer.
 * For xc7 the layer modules are shared out between RUNS Yosys runs at once
 * (largest first to the lighter run: by the Verilog alone, so the same on
 * every machine), each with the other runs' modules as blackboxes; the
 * printed script is the runs' scripts one after another, each marked
 * "# run K of N", and the figures are the sum of their modules, the top's
 * from run 1 (tests/estimate, the parallel case, reruns them by hand).
 * abc9 maps a module a LUT or so differently beside other modules, so a
 * single run of everything can differ from the runs (1 of 4,342 LUTs on a
 * 16 x 16 product).  LUTs count LUT1-LUT6 and INV
 * (xc7) or SB_LUT4 (ice40); FF every FD* / SB_DFF* cell.  A missing tool
 * is a one-line error naming its Debian package; a failing or timed-out
 * tool, one line quoting the end of its log; no partial file is left.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "estimate.h"
#include "spawn.h"
#include "../backends/backends.h"

#define ICE40_HX8K_LUTS 7680      /* logic cells of the largest HX part nextpnr knows */
#define NEXTPNR_TIMEOUT 300       /* seconds: place and route of a small design */
#define RUNS 2                    /* Yosys runs at once (xc7): the CI machines' cores */

static const char *const devices[] = {"xc7", "ice40", "asic"};

const char *device_name(Device d) { return devices[d]; }

int device_parse(const char *s, Device *d) {
  for (int i = 0; i < 3; i++)
    if (strcmp(s, devices[i]) == 0) {
      *d = (Device)i;
      return 1;
    }
  return 0;
}

/* Is prog an executable on PATH? */
static int on_path(Arena *a, const char *prog) {
  const char *path = getenv("PATH");
  char *p = arena_strdup(a, path ? path : "/usr/bin:/bin"), *save = NULL;
  for (char *d = strtok_r(p, ":", &save); d; d = strtok_r(NULL, ":", &save))
    if (access(arena_printf(a, "%s/%s", *d ? d : ".", prog), X_OK) == 0)
      return 1;
  return 0;
}

static char *read_file(Arena *a, const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *s = malloc(cap);
  while (s) {
    size_t k = fread(s + n, 1, cap - n - 1, f);
    n += k;
    if (n + 1 < cap)
      break;
    char *t = realloc(s, cap *= 2);
    if (!t)
      free(s);
    s = t;
  }
  fclose(f);
  if (!s)
    die("out of memory");
  s[n] = 0;
  char *out = arena_alloc(a, n + 1);
  memcpy(out, s, n + 1);
  free(s);
  *len = n;
  return out;
}

/* The telling part of a tool's log for a one-line message: its first line
 * mentioning an error (and the next one), else its last lines, joined with
 * " | "; paths inside dir shown relative to it. */
static const char *log_tail(Arena *a, const char *path, const char *dir) {
  size_t n;
  char *s = read_file(a, path, &n);
  if (!s || !n)
    return "(no output)";
  char *from = NULL, *p;
  for (p = s; *p && !from; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
    if (strncmp(p, "ERROR", 5) == 0 || strncmp(p, "Error", 5) == 0 || strstr(p, "error:") == p)
      from = p;
  int want = from ? 2 : 3;
  if (!from) {  /* the last lines */
    from = s + n;
    for (int lines = 0; from > s && lines <= want;)
      if (*--from == '\n' && from + 1 < s + n && from[1] != '\n')
        lines++;
    from += *from == '\n';
  }
  char *t = arena_alloc(a, 3 * 400 + 8), *o = t;
  for (int lines = 0; *from && lines < want && o < t + 3 * 400; from++) {
    if (*from == '\n') {
      lines++;
      while (from[1] == '\n')
        from++;
      if (lines < want && from[1])
        o += sprintf(o, " | ");
    } else if (o - t < 3 * 400 - 4) {
      *o++ = *from == '\t' ? ' ' : *from;
    }
  }
  *o = 0;
  size_t dl = strlen(dir);
  for (char *q; (q = strstr(t, dir)) && q[dl] == '/';)
    memmove(q, q + dl + 1, strlen(q + dl + 1) + 1);
  return t;
}

/* ---- scripts ---- */

/* The script; for xc7 with blackbox set (a run of several), that line
 * after read_verilog and the statistics into NAME.RUN.stat.json. */
static const char *script(Estimate *e, const char *liberty, const char *blackbox, int run) {
  Arena *a = e->a;
  const char *n = e->name;
  switch (e->device) {
  case DEV_XC7:
    return arena_printf(a,
      "# bibc estimate, AMD 7-series: each $add/$sub becomes one $alu (a carry chain)\n"
      "# before alumacc, which would merge adder chains into $macc cells of generic gates\n"
      "read_verilog %s.v\n%s%s%s"
      "synth_xilinx -top %s -abc9%s -run :coarse\n"
      "techmap -map +/techmap.v -max_iter 1 t:$add t:$sub\n"
      "select -assert-none t:$add t:$sub\n"
      "synth_xilinx -top %s -abc9%s -run coarse:\n"
      "tee -q -o %s%s.stat.json stat -json\n"
      "stat\n", n, blackbox ? "blackbox" : "", blackbox ? blackbox : "", blackbox ? "\n" : "",
      n, e->nodsp ? " -nodsp" : "", n, e->nodsp ? " -nodsp" : "", n,
      blackbox ? arena_printf(a, ".%d", run) : "");
  case DEV_ICE40:
    return arena_printf(a,
      "# bibc estimate, Lattice iCE40: each $add/$sub becomes one $alu (SB_CARRY chain)\n"
      "# before alumacc, which would merge adder chains into $macc cells of generic gates\n"
      "read_verilog %s.v\n"
      "synth_ice40 -top %s -noflatten -run :coarse\n"
      "techmap -map +/techmap.v -max_iter 1 t:$add t:$sub\n"
      "select -assert-none t:$add t:$sub\n"
      "synth_ice40 -top %s -noflatten -run coarse:\n"
      "tee -q -o %s.stat.json stat -json\n"
      "stat\n"
      "flatten\n"
      "write_json %s.json\n", n, n, n, n, n);
  case DEV_ASIC:
    if (liberty)
      return arena_printf(a,
        "# bibc estimate, ASIC: cells and area of the standard-cell library; -noalumacc\n"
        "# keeps one $alu per adder\n"
        "read_verilog %s.v\n"
        "synth -top %s -noalumacc\n"
        "dfflibmap -liberty %s\n"
        "abc -liberty %s\n"
        "opt_clean\n"
        "stat -liberty %s\n", n, n, liberty, liberty, liberty);
    return arena_printf(a,
      "# bibc estimate, ASIC proxy: generic CMOS gates and Yosys's transistor estimate;\n"
      "# -noalumacc keeps one $alu per adder, dfflegalize gives every flip-flop a cost\n"
      "read_verilog %s.v\n"
      "synth -top %s -noalumacc\n"
      "dfflegalize -cell $_DFF_P_ 01\n"
      "abc -g cmos2\n"
      "opt_clean\n"
      "stat -tech cmos\n", n, n);
  }
  return "";
}

/* ---- reading the figures ---- */

static int is_lut(Device d, const char *t) {
  if (d == DEV_ICE40)
    return strcmp(t, "SB_LUT4") == 0;
  return (strncmp(t, "LUT", 3) == 0 && t[3] >= '1' && t[3] <= '6' && !t[4]) || strcmp(t, "INV") == 0;
}

static int is_ff(Device d, const char *t) {
  return d == DEV_ICE40 ? strncmp(t, "SB_DFF", 6) == 0 : strncmp(t, "FD", 2) == 0;
}

/* The counts of one module (or the design) from stat -json's num_cells_by_type. */
static SynthLayer count_cells(Device d, const Json *m) {
  SynthLayer s = {.transistors = -1, .area = -1};
  for (const Json *c = json_get(m, "num_cells_by_type") ? json_get(m, "num_cells_by_type")->child : NULL;
       c; c = c->next) {
    int64_t k = (int64_t)json_number(c, 0);
    const char *t = c->key;
    s.cells += k;
    if (is_lut(d, t))
      s.lut += k;
    else if (is_ff(d, t))
      s.ff += k;
    else if (strcmp(t, d == DEV_ICE40 ? "SB_CARRY" : "CARRY4") == 0)
      s.carry += k;
    else if (strcmp(t, d == DEV_ICE40 ? "SB_MAC16" : "DSP48E1") == 0)
      s.dsp += k;
    else if (strncmp(t, d == DEV_ICE40 ? "SB_RAM" : "RAMB", d == DEV_ICE40 ? 6 : 4) == 0)
      s.bram += k;
  }
  return s;
}

/* The layer position of a module named NAME_lN or NAME_lN_pK (a part of
 * a large layer), or -1. */
static int layer_of(const Estimate *e, const char *mod) {
  if (*mod == '\\')
    mod++;
  size_t n = strlen(e->name);
  if (strncmp(mod, e->name, n) != 0 || strncmp(mod + n, "_l", 2) != 0)
    return -1;
  char *end;
  long l = strtol(mod + n + 2, &end, 10);
  if (strncmp(end, "_p", 2) == 0 && end[2] >= '0' && end[2] <= '9')
    strtol(end + 2, &end, 10);
  return *end || l < 0 || l >= e->g->nnodes ? -1 : (int)l;
}

static void add_cells(SynthLayer *to, SynthLayer x) {
  if (to->lut < 0) {  /* not seen yet */
    *to = x;
    return;
  }
  to->lut += x.lut, to->ff += x.ff, to->carry += x.carry, to->dsp += x.dsp, to->bram += x.bram;
  to->cells += x.cells;
}

/* One run's statistics: its modules add to their layers and to the total
 * (the top's only when top is set: every run has it). */
static void read_stat_json(Estimate *e, const char *path, int top) {
  size_t len, err;
  char *text = read_file(e->a, path, &len);
  const Json *j = text ? json_parse(e->a, text, len, &err) : NULL;
  const Json *mods = json_get(j, "modules"), *design = json_get(j, "design");
  if (!mods || !design)
    error_at(e->model, NULL, "Yosys wrote no statistics (%s)", path);
  const Json *who = json_get(j, "creator");
  e->syn.version = who && who->kind == JSON_STRING ? who->str : "Yosys";
  for (const Json *m = mods->child; m; m = m->next) {
    int l = layer_of(e, m->key);
    if (l < 0 && !top)
      continue;
    SynthLayer c = count_cells(e->device, m);
    if (l >= 0)
      add_cells(&e->syn.layers[l], c);
    add_cells(&e->syn.total, c);
    const Json *by = json_get(m, "num_cells_by_type");
    for (const Json *t = by ? by->child : NULL; t; t = t->next)
      if (strncmp(t->key, "MUXF", 4) == 0)
        e->syn.muxf += (int64_t)json_number(t, 0);
  }
}

/* The asic figures from the text of stat: per module "Number of cells",
 * "Estimated number of transistors" or "Chip area for module"; the top's
 * hierarchy totals follow "=== design hierarchy ===". */
static void read_asic_log(Estimate *e, const char *path) {
  size_t len;
  char *text = read_file(e->a, path, &len);
  if (!text)
    error_at(e->model, NULL, "Yosys wrote no log (%s)", path);
  int layer = -2, hier = 0;
  for (char *line = text; line && *line;) {
    char *next = strchr(line, '\n');
    if (next)
      *next++ = 0;
    char mod[512];
    long long k;
    double x;
    if (strstr(line, "Printing statistics")) {  /* a new round (synth has its own): the last counts */
      for (int l = 0; l < e->g->nnodes; l++)
        e->syn.layers[l].cells = e->syn.layers[l].transistors = -1, e->syn.layers[l].area = -1;
      layer = -2, hier = 0;
    }
    if (sscanf(line, "=== %511s ===", mod) == 1) {
      hier = strcmp(mod, "design") == 0;  /* "=== design hierarchy ===" */
      layer = hier ? -2 : layer_of(e, mod);
      if (!hier && strcmp(mod[0] == '\\' ? mod + 1 : mod, e->name) == 0)
        layer = -3;  /* the top's own block: the totals come from the hierarchy */
    }
    SynthLayer *s = hier ? &e->syn.total : layer >= 0 ? &e->syn.layers[layer] : NULL;
    /* a layer cut into parts (NAME_lN_pK) adds up its modules' blocks of the round */
    if (s && sscanf(line, " Number of cells: %lld", &k) == 1)
      s->cells = (s->cells > 0 && !hier ? s->cells : 0) + k;
    else if (s && sscanf(line, " Estimated number of transistors: %lld", &k) == 1)
      s->transistors = (s->transistors > 0 && !hier ? s->transistors : 0) + k;
    else if (s && (strstr(line, "Chip area for module") || strstr(line, "Chip area for top module")) &&
             sscanf(strrchr(line, ':') + 1, "%lf", &x) == 1)
      s->area = (s->area > 0 && !hier ? s->area : 0) + x;
    if (strncmp(line, "Yosys ", 6) == 0 && !e->syn.version)
      e->syn.version = arena_strdup(e->a, line);
    line = next;
  }
  if (e->syn.total.cells == 0 && e->syn.total.transistors < 0)
    error_at(e->model, NULL, "Yosys's log has no statistics (%s)", path);
}

/* The largest delay abc9 reports for any module ("Del = X" in ps). */
static double abc9_delay(Arena *a, const char *log) {
  size_t len;
  char *text = read_file(a, log, &len);
  double best = 0;
  for (char *p = text; p && (p = strstr(p, "Del =")); p += 5) {
    double x = strtod(p + 5, NULL);
    best = x > best ? x : best;
  }
  return best;
}

/* ---- running the tools ---- */

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Runs argv in dir with its output in log; a failure is a user error that
 * quotes the end of the log. */
static void run_tool(Estimate *e, char *const *argv, const char *log, const char *dir,
                     const char *what) {
  int st = spawn_in(argv, log, e->timeout, dir, what);
  if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
    return;
  error_at(e->model, NULL, "%s failed: %s", what,
           spawn_why(e->a, st, e->timeout, st == -1 ? NULL : log_tail(e->a, log, dir)));
}

/* nextpnr-ice40 on the flattened netlist, when it fits an HX8K: its Fmax. */
static void place_and_route(Estimate *e, const char *dir, const char *json, const char *log) {
  Synth *s = &e->syn;
  if (s->total.lut > ICE40_HX8K_LUTS) {
    s->pnr = arena_printf(e->a, "not run: %lld SB_LUT4 do not fit an HX8K (%d logic cells)",
                          (long long)s->total.lut, ICE40_HX8K_LUTS);
    return;
  }
  if (!on_path(e->a, "nextpnr-ice40")) {
    s->pnr = "not run: nextpnr-ice40 is not installed (Debian package nextpnr-ice40)";
    return;
  }
  /* aim at the --clock-ns target; a design that misses it is still reported */
  char *freq = arena_printf(e->a, "%.0f", 1000.0 / (e->po.clock_ns > 0 ? e->po.clock_ns : 5.0));
  char *argv[] = {"nextpnr-ice40", "--hx8k", "--package", "ct256", "--json", (char *)json,
                  "--freq", freq, "--timing-allow-fail", "--seed", "1", NULL};
  /* placement is a bonus: a failure or a hang (nextpnr 0.4's router can
   * loop on carry-heavy netlists) is reported, the Yosys figures stand */
  int limit = e->timeout < NEXTPNR_TIMEOUT ? e->timeout : NEXTPNR_TIMEOUT;
  double t0 = now_s();
  int st = spawn_in(argv, log, limit, dir, "nextpnr-ice40");
  s->seconds += now_s() - t0;
  if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    s->pnr = arena_printf(e->a, "failed: %s", spawn_why(e->a, st, limit,
                                                        st == -1 ? NULL : log_tail(e->a, log, dir)));
    return;
  }
  size_t len;
  char *text = read_file(e->a, log, &len);
  double mhz = 0;
  for (char *p = text; p && (p = strstr(p, "Max frequency for clock")); p++) {
    char *colon = strchr(p, ':');
    if (colon)
      mhz = strtod(colon + 1, NULL);  /* the last report is after routing */
  }
  if (mhz > 0) {
    s->fmax_mhz = mhz;
    s->delay_ns = 1000.0 / mhz;
    s->fmax_method = "nextpnr-ice40 after place and route (HX8K, ct256, seed 1)";
    s->pnr = arena_printf(e->a, "placed and routed on an HX8K: %.2f MHz", mhz);
  } else {
    s->pnr = "placed and routed, but nextpnr reported no register-to-register path";
  }
}

/* The layer modules of the Verilog at path shared out between RUNS Yosys
 * runs (fewer if there are fewer modules), largest module (in bytes of
 * Verilog, near enough its cost) to the lightest run first.  Returns the
 * number of runs; (*blackbox)[k] lists the modules run k leaves out. */
static int plan_runs(Estimate *e, const char *path, const char ***blackbox) {
  Arena *a = e->a;
  size_t len;
  char *text = read_file(a, path, &len);
  int nm = 0, cap = 16;
  const char **name = arena_alloc(a, sizeof *name * (size_t)cap);
  int64_t *size = arena_alloc(a, sizeof *size * (size_t)cap), last = -1;
  for (char *p = text; p && (p = strstr(p, "\nmodule ")); p++) {
    char *q = p + 8, *end = strchr(q, ' ');
    if (!end)
      break;
    if (last >= 0)
      size[nm - 1] = (int64_t)(p - text) - last;
    if ((size_t)(end - q) == strlen(e->name) && strncmp(q, e->name, (size_t)(end - q)) == 0) {
      last = -1;  /* the top: in every run */
      continue;
    }
    if (nm == cap) {
      const char **n2 = arena_alloc(a, sizeof *n2 * (size_t)(2 * cap));
      int64_t *s2 = arena_alloc(a, sizeof *s2 * (size_t)(2 * cap));
      memcpy(n2, name, sizeof *name * (size_t)cap), memcpy(s2, size, sizeof *size * (size_t)cap);
      name = n2, size = s2, cap *= 2;
    }
    name[nm] = arena_printf(a, "%.*s", (int)(end - q), q);
    last = (int64_t)(p - text);
    nm++;
  }
  if (last >= 0)
    size[nm - 1] = (int64_t)len - last;
  int runs = RUNS < nm ? RUNS : nm;
  if (runs < 2)
    return 1;
  int *run = arena_alloc(a, sizeof *run * (size_t)nm), *done = arena_alloc(a, sizeof *done * (size_t)nm);
  int64_t load[RUNS] = {0};
  for (int i = 0; i < nm; i++) {
    int m = -1, r = 0;
    for (int j = 0; j < nm; j++)  /* the largest left; ties: file order */
      if (!done[j] && (m < 0 || size[j] > size[m]))
        m = j;
    for (int k = 1; k < runs; k++)
      r = load[k] < load[r] ? k : r;
    done[m] = 1, run[m] = r, load[r] += size[m];
  }
  *blackbox = arena_alloc(a, sizeof **blackbox * (size_t)runs);
  for (int k = 0; k < runs; k++) {
    char *b = arena_strdup(a, "");
    for (int i = 0; i < nm; i++)
      if (run[i] != k)
        b = arena_printf(a, "%s %s", b, name[i]);
    (*blackbox)[k] = b;
  }
  return runs;
}

/* The runs of plan_runs at once; their figures add up (each module's come
 * from the one run that synthesized it, the top's from run 1). */
static void run_parallel(Estimate *e, const char *dir, const char **blackbox) {
  Arena *a = e->a;
  Synth *s = &e->syn;
  int R = s->runs, st[RUNS];
  char **argv[RUNS];
  const char *out[RUNS], *log[RUNS], *stat[RUNS];
  for (int k = 0; k < R; k++) {
    const char *ys = arena_printf(a, "%s/%s.%d.ys", dir, e->name, k + 1);
    log[k] = arena_printf(a, "%s/%s.%d.log", dir, e->name, k + 1);
    out[k] = arena_printf(a, "%s/yosys.%d.out", dir, k + 1);
    stat[k] = arena_printf(a, "%s/%s.%d.stat.json", dir, e->name, k + 1);
    OutFile o;  /* (an error removes them with dir, a tree) */
    out_open(&o, ys);
    fputs(script(e, NULL, blackbox[k], k + 1), o.f);
    out_close(&o);
    char **v = arena_alloc(a, sizeof *v * 7);
    v[0] = "yosys", v[1] = "-q", v[2] = "-l", v[3] = arena_printf(a, "%s.%d.log", e->name, k + 1);
    v[4] = "-s", v[5] = arena_printf(a, "%s.%d.ys", e->name, k + 1), v[6] = NULL;
    argv[k] = v;
  }
  if (spawn_all(R, (char *const *const *)argv, out, e->timeout, dir, "yosys", st) != 0)
    error_at(e->model, NULL, "yosys failed: %s", spawn_why(a, -1, e->timeout, NULL));
  for (int k = 0; k < R; k++)
    if (!(WIFEXITED(st[k]) && WEXITSTATUS(st[k]) == 0))
      error_at(e->model, NULL, "yosys failed: %s",
               spawn_why(a, st[k], e->timeout, log_tail(a, out[k], dir)));
  double d = 0;
  for (int k = 0; k < R; k++) {
    read_stat_json(e, stat[k], k == 0);
    double x = abc9_delay(a, log[k]);
    d = x > d ? x : d;
  }
  s->abc9_ns = d / 1000;
  for (int k = 0; k < R; k++) {
    const char *files[] = {arena_printf(a, "%s/%s.%d.ys", dir, e->name, k + 1), log[k], out[k], stat[k]};
    for (int i = 0; i < 4; i++)
      remove(files[i]);
  }
}

void synth_run(Estimate *e) {
  Arena *a = e->a;
  Synth *s = &e->syn;
  if (!on_path(a, "yosys"))
    error_at(NULL, NULL, "bibc estimate runs Yosys, which is not installed: install the Debian "
             "package yosys (or use --no-synth for bibc's cost model alone)");
  const char *liberty = NULL;
  if (e->liberty) {  /* Yosys runs elsewhere: name the file absolutely */
    char cwd[PATH_MAX];
    struct stat st;
    if (stat(e->liberty, &st) != 0 || !S_ISREG(st.st_mode) || access(e->liberty, R_OK) != 0)
      error_at(e->liberty, NULL, "cannot read the Liberty file: %s",
               errno ? strerror(errno) : "not a regular file");
    if (e->liberty[0] != '/' && !getcwd(cwd, sizeof cwd))
      error_at(e->liberty, NULL, "cannot name the Liberty file: %s", strerror(errno));
    liberty = e->liberty[0] == '/' ? e->liberty : arena_printf(a, "%s/%s", cwd, e->liberty);
    if (strpbrk(liberty, " \t\n\"'"))
      error_at(e->liberty, NULL, "the Liberty file's path has blanks or quotes; Yosys scripts "
               "cannot name it (copy or link it to a plain path)");
  }
  const char *tmp = getenv("TMPDIR");
  tmp = tmp && *tmp ? tmp : "/tmp";
  char *dir = arena_printf(a, "%s/bibc-estimate-XXXXXX", tmp);
  if (!mkdtemp(dir))
    error_at(tmp, NULL, "cannot create a temporary directory: %s", strerror(errno));
  const char *n = e->name;
  const char *files[] = {
    arena_printf(a, "%s/%s.v", dir, n), arena_printf(a, "%s/%s.v.tmp", dir, n),
    arena_printf(a, "%s/%s.ys", dir, n), arena_printf(a, "%s/%s.ys.tmp", dir, n),
    arena_printf(a, "%s/%s.log", dir, n), arena_printf(a, "%s/yosys.out", dir),
    arena_printf(a, "%s/%s.stat.json", dir, n), arena_printf(a, "%s/%s.json", dir, n),
    arena_printf(a, "%s/nextpnr.log", dir),
  };
  enum { NFILES = sizeof files / sizeof files[0] };
  for (int i = 0; i < NFILES; i++)
    error_remove_on_exit(files[i]);
  error_remove_tree_on_exit(dir);  /* after its files, with the parallel runs' (run_parallel) */
  const char *cmd = arena_printf(a, "bibc estimate %s", e->model);
  emit_verilog(e->g, e->net, files[0], NULL, cmd);
  if (e->out)
    emit_verilog(e->g, e->net, e->out, NULL, cmd);
  const char **blackbox = NULL;
  s->runs = e->device == DEV_XC7 ? plan_runs(e, files[0], &blackbox) : 1;
  if (s->runs > 1) {  /* the script is the runs' scripts, as run_parallel writes them */
    char *all = arena_strdup(a, "");
    for (int k = 0; k < s->runs; k++)
      all = arena_printf(a, "%s# run %d of %d (yosys -s %s.%d.ys, all runs at once)\n%s", all, k + 1,
                         s->runs, n, k + 1, script(e, NULL, blackbox[k], k + 1));
    s->script = all;
  } else {
    s->script = script(e, liberty, NULL, 0);
    OutFile o;
    out_open(&o, files[2]);
    fputs(s->script, o.f);
    out_close(&o);
  }
  s->layers = arena_alloc(a, sizeof *s->layers * (size_t)(e->g->nnodes + 1));
  for (int l = 0; l < e->g->nnodes; l++)
    s->layers[l] = (SynthLayer){.lut = -1, .ff = -1, .carry = -1, .dsp = -1, .bram = -1,
                                .cells = -1, .transistors = -1, .area = -1};
  s->total = (SynthLayer){.transistors = -1, .area = -1};
  double t0 = now_s();
  if (s->runs > 1) {
    run_parallel(e, dir, blackbox);
  } else {
    char *argv[] = {"yosys", "-q", "-l", arena_printf(a, "%s.log", n), "-s",
                    arena_printf(a, "%s.ys", n), NULL};
    run_tool(e, argv, files[5], dir, "yosys");
  }
  s->seconds = now_s() - t0;
  if (e->device == DEV_ASIC) {
    read_asic_log(e, files[4]);
    for (int l = 0; l < e->g->nnodes; l++)  /* layers are known by their cells */
      if (s->layers[l].cells >= 0)
        s->layers[l].lut = 0;
  } else if (s->runs == 1) {  /* (run_parallel read its runs' figures) */
    read_stat_json(e, files[6], 1);
  }
  if (e->device == DEV_XC7) {
    double d = s->runs > 1 ? s->abc9_ns * 1000 : abc9_delay(a, files[4]);
    s->delay_ns = e->cost.delay_ns;
    s->fmax_mhz = e->cost.fmax_mhz;
    s->abc9_ns = d / 1000;
    s->fmax_method = arena_printf(a, "bibc's carry-chain model: %.2f ns register to register "
                                  "(%.2f ns of it routing at %.2f ns per LUT input); abc9 (Yosys's "
                                  "Artix-7 cell delays, 0.3 ns per LUT input), slowest layer "
                                  "module: %.2f ns",
                                  e->cost.delay_ns, e->cost.delay_ns - e->cost.delay_cells_ns,
                                  NET_T_NET, d / 1000);
  } else if (e->device == DEV_ICE40) {
    place_and_route(e, dir, files[7], files[8]);
  }
  if (!s->version)
    s->version = "Yosys";
  for (int i = 0; i < NFILES; i++) {
    remove(files[i]);
    error_keep_output(files[i]);
  }
  rmdir(dir);
  error_keep_output(dir);
}
