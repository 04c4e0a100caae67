/*
 * run_test.c - one conformance test through both of bibc's paths.
 *
 *   interpreter  bibc run model.onnx -i input_K.pb ... -o WORK/run
 *   C            bibc model.onnx -o WORK/m.c --main WORK/main.c, compiled
 *                with the --cc command; WORK/prog in_K.npy ... out_K.npy
 *
 * Each path passes when its outputs match test_data_set_0/output_K.pb: same
 * element type and shape, floats within 1e-4 + 1e-4*|ref| (NaN matches
 * NaN), integers and bools exactly.  When bibc's error asks for a graph
 * input to be frozen ("--const NAME=FILE.pb"), that input's test value is
 * passed with --const from then on (for both paths) and bibc is rerun.
 * Programs are started with spawn() (compiler/spawn.c: fork + execvp from
 * argv arrays, no shell), stdout and stderr going to a log in the work
 * directory, under a TIMEOUT-second alarm.  Runs in a worker process of
 * its own, so an exit from deep inside libbibccore (tensor_read on a bad
 * file) only ends the worker; the scheduler reports it.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "onnx.pb-c.h"
#include "../../compiler/spawn.h"

typedef struct Job {
  const Config *c;
  const Test *t;
  Arena *a;
  const char *work;          /* this test's work directory */
  const char *model;         /* its model.onnx */
  const char *innames[MAXIN];  /* non-initializer graph inputs, in order */
  int ninputs;
  int noutputs;              /* graph outputs */
  int nrefs;                 /* test_data_set_0/output_K.pb files */
  int frozen[MAXIN];         /* input K is passed with --const */
  char why[WHYLEN];          /* failure reason of the current path */
} Job;

static void fail(Job *j, const char *fmt, ...) PRINTF(2, 3);
static void fail(Job *j, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(j->why, sizeof j->why, fmt, ap);
  va_end(ap);
}

static const char *data_file(Job *j, const char *kind, int k) {
  return arena_printf(j->a, "%s/test_data_set_0/%s_%d.pb", j->t->dir, kind, k);
}

/* Copy of line with the test and work directory prefixes taken out of
 * paths, so reasons read "model.onnx: node 0 ..." and "m.c:12:3: ...", and
 * without a sanitizer's "==PID==", so equal failures read the same. */
static const char *shorten(Job *j, const char *line) {
  const char *pre[2] = {j->t->dir, j->work};
  char *s = arena_strdup(j->a, line);
  for (int p = 0; p < 2; p++) {
    size_t n = strlen(pre[p]);
    for (char *q; (q = strstr(s, pre[p])) && q[n] == '/';)
      memmove(q, q + n + 1, strlen(q + n + 1) + 1);
  }
  char *q = strstr(s, "==");
  size_t digits = q ? strspn(q + 2, "0123456789") : 0;
  if (digits && strncmp(q + 2 + digits, "==", 2) == 0)
    memmove(q, q + 4 + digits, strlen(q + 4 + digits) + 1);
  return s;
}

/* The most telling line of a log: the first one mentioning an error, else
 * the first non-blank one.  *all receives the whole log. */
static const char *log_line(Job *j, const char *logfile, const char **all) {
  size_t len;
  char *buf = (char *)slurp(logfile, &len);
  *all = "";
  if (!buf)
    return "(no output)";
  *all = arena_strdup(j->a, buf);
  const char *pick = NULL, *first = NULL, *frame = NULL;
  for (char *line = buf, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = 0;
    if (!first && line[strspn(line, " \t")])
      first = line;
    if (!pick && (strstr(line, "error") || strstr(line, "ERROR")))
      pick = line;
    /* A sanitizer report: also name the first stack frame outside the
     * sanitizer runtime, where the bad access or leaked allocation is. */
    if (pick && !frame && strstr(pick, "Sanitizer") && strstr(line, "    #") &&
        !strstr(line, "sanitizer") && !strstr(line, "interceptor"))
      frame = strstr(line, " in ");
  }
  const char *r = pick ? pick : first ? first : "(no output)";
  if (frame)
    r = arena_printf(j->a, "%s (%s)", r, frame + 1);
  r = shorten(j, r);
  free(buf);
  return r;
}

/* Runs argv (spawn.c) with its output in logfile; NULL on exit status 0,
 * else what went wrong with the log's most telling line.  *all receives
 * the whole log. */
static const char *run_program(Job *j, char *const *argv, const char *logfile, const char **all) {
  int st = spawn(argv, logfile, TIMEOUT);
  *all = "";
  return spawn_why(j->a, st, TIMEOUT, st > 0 ? log_line(j, logfile, all) : NULL);
}

/* The graph input bibc asks to freeze ("--const NAME=FILE.pb" in its
 * error), if it is one the test supplies and not frozen yet; else -1. */
static int wants_const(Job *j, const char *log) {
  const char *s = strstr(log, "--const ");
  const char *eq = s ? strstr(s, "=FILE.pb") : NULL;
  if (!eq)
    return -1;
  s += 8;
  for (int k = 0; k < j->ninputs; k++)
    if (!j->frozen[k] && strlen(j->innames[k]) == (size_t)(eq - s) &&
        strncmp(j->innames[k], s, (size_t)(eq - s)) == 0 && is_file(data_file(j, "input", k)))
      return k;
  return -1;
}

/* Runs bibc for one path (interp: 'bibc run', else the C backend),
 * freezing inputs as it asks; 1 on success, else 0 with the reason. */
static int run_bibc(Job *j, int interp) {
  const char *log = arena_printf(j->a, "%s/bibc-%s.log", j->work, interp ? "run" : "c");
  for (;;) {
    char *argv[2 * MAXIN + 16];
    int n = 0;
    argv[n++] = (char *)j->c->bibc;
    if (interp)
      argv[n++] = "run";
    argv[n++] = (char *)j->model;
    argv[n++] = "-o";
    if (interp) {
      argv[n++] = arena_printf(j->a, "%s/run", j->work);
    } else {
      argv[n++] = arena_printf(j->a, "%s/m.c", j->work);
      argv[n++] = "--main";
      argv[n++] = arena_printf(j->a, "%s/main.c", j->work);
    }
    for (int k = 0; k < j->ninputs; k++) {
      if (j->frozen[k]) {
        argv[n++] = "--const";
        argv[n++] = arena_printf(j->a, "%s=%s", j->innames[k], data_file(j, "input", k));
      } else if (interp) {
        argv[n++] = "-i";
        argv[n++] = (char *)data_file(j, "input", k);
      }
    }
    argv[n] = NULL;
    const char *all, *why = run_program(j, argv, log, &all);
    if (!why)
      return 1;
    int k = wants_const(j, all);
    if (k < 0) {
      fail(j, "bibc %s", why);
      return 0;
    }
    j->frozen[k] = 1;
  }
}

/* Reads a test's TensorProto, rejecting what tensor_from_proto would exit on. */
static Value *read_pb(Job *j, const char *path) {
  size_t len;
  unsigned char *buf = slurp(path, &len);
  Onnx__TensorProto *tp = buf ? onnx__tensor_proto__unpack(NULL, len, buf) : NULL;
  free(buf);
  if (!tp) {
    fail(j, "cannot read %s as a TensorProto", path);
    return NULL;
  }
  Value *v = NULL;
  if (!tp->has_data_type || !dtype_is_valid(tp->data_type))
    fail(j, "%s has element type %d, which bibc does not support", path, tp->data_type);
  else if (tp->n_dims > IR_MAXRANK)
    fail(j, "%s has rank %zu", path, tp->n_dims);
  else
    v = tensor_from_proto(j->a, tp, path, "test tensor");
  onnx__tensor_proto__free_unpacked(tp, NULL);
  return v;
}

/* Compares output file got_file with reference want; 1 if they match. */
static int compare(Job *j, int k, const char *got_file, const Value *want) {
  if (!is_file(got_file)) {
    fail(j, "output %d was not written", k);
    return 0;
  }
  Value *got = tensor_read(j->a, got_file);
  if (got->dt != want->dt) {
    fail(j, "output %d has element type %s, want %s", k, dtype_name(got->dt), dtype_name(want->dt));
    return 0;
  }
  int same = got->rank == want->rank;
  for (int d = 0; same && d < got->rank; d++)
    same = got->dims[d] == want->dims[d];
  if (!same) {
    fail(j, "output %d has shape %s, want %s", k, shape_str(j->a, got), shape_str(j->a, want));
    return 0;
  }
  int64_t n = value_numel(want);
  for (int64_t i = 0; i < n; i++) {
    if (!dtype_is_float(want->dt)) {
      int64_t g = value_get_i64(got, i), w = value_get_i64(want, i);
      if (g != w) {
        fail(j, "output %d element %lld of %lld: got %lld, want %lld", k, (long long)i,
             (long long)n, (long long)g, (long long)w);
        return 0;
      }
    } else {
      double g = value_get_f64(got, i), w = value_get_f64(want, i);
      if (!(isnan(g) && isnan(w)) && !(g == w) && !(fabs(g - w) <= 1e-4 + 1e-4 * fabs(w))) {
        fail(j, "output %d element %lld of %lld: got %.9g, want %.9g", k, (long long)i,
             (long long)n, g, w);
        return 0;
      }
    }
  }
  return 1;
}

/* Compares every reference output with the files named by fmt (work, k). */
static int compare_all(Job *j, const char *fmt) {
  for (int k = 0; k < j->nrefs; k++) {
    Value *want = read_pb(j, data_file(j, "output", k));
    if (!want || !compare(j, k, arena_printf(j->a, fmt, j->work, k), want))
      return 0;
  }
  return 1;
}

static int path_interp(Job *j) {
  return run_bibc(j, 1) && compare_all(j, "%s/run/output_%d.npy");
}

static int path_c(Job *j) {
  if (!run_bibc(j, 0))
    return 0;
  char *argv[MAXARGS + MAXIN + 8];
  int n = 0;
  for (int k = 0; k < j->c->nccargv; k++)
    argv[n++] = j->c->ccargv[k];
  argv[n++] = arena_printf(j->a, "%s/m.c", j->work);
  argv[n++] = arena_printf(j->a, "%s/main.c", j->work);
  argv[n++] = "-lm";
  argv[n++] = "-o";
  argv[n++] = arena_printf(j->a, "%s/prog", j->work);
  argv[n] = NULL;
  const char *log = arena_printf(j->a, "%s/cc.log", j->work), *all;
  const char *why = run_program(j, argv, log, &all);
  if (why) {
    fail(j, "compiling the generated code: %s", why);
    return 0;
  }
  n = 0;
  argv[n++] = arena_printf(j->a, "%s/prog", j->work);
  for (int k = 0; k < j->ninputs; k++) {
    if (j->frozen[k])
      continue;
    Value *v = read_pb(j, data_file(j, "input", k));
    if (!v)
      return 0;
    argv[n] = arena_printf(j->a, "%s/in_%d.npy", j->work, k);
    if (tensor_write_npy(argv[n++], v) != 0) {
      fail(j, "cannot write %s", argv[n - 1]);
      return 0;
    }
  }
  for (int k = 0; k < j->noutputs; k++)
    argv[n++] = arena_printf(j->a, "%s/out_%d.npy", j->work, k);
  argv[n] = NULL;
  log = arena_printf(j->a, "%s/prog.log", j->work);
  why = run_program(j, argv, log, &all);
  if (why) {
    fail(j, "running the test bench: %s", why);
    return 0;
  }
  return compare_all(j, "%s/out_%d.npy");
}

/* Reads the graph's input and output lists; 0 (with a reason) on failure. */
static int read_signature(Job *j) {
  size_t len;
  unsigned char *buf = slurp(j->model, &len);
  Onnx__ModelProto *mp = buf ? onnx__model_proto__unpack(NULL, len, buf) : NULL;
  free(buf);
  if (!mp || !mp->graph) {
    fail(j, "cannot decode %s", j->model);
    return 0;
  }
  const Onnx__GraphProto *gp = mp->graph;
  for (size_t i = 0; i < gp->n_input; i++) {
    const char *name = gp->input[i]->name ? gp->input[i]->name : "";
    int init = 0;
    for (size_t q = 0; q < gp->n_initializer; q++)
      init |= gp->initializer[q]->name && strcmp(gp->initializer[q]->name, name) == 0;
    if (!init && j->ninputs < MAXIN)
      j->innames[j->ninputs++] = arena_strdup(j->a, name);
  }
  j->noutputs = (int)gp->n_output;
  onnx__model_proto__free_unpacked(mp, NULL);
  if (j->noutputs > MAXIN) {
    fail(j, "the model has %d outputs; the runner handles %d", j->noutputs, MAXIN);
    return 0;
  }
  while (j->nrefs < MAXIN && is_file(data_file(j, "output", j->nrefs)))
    j->nrefs++;
  if (j->nrefs == 0)
    fail(j, "no test_data_set_0/output_0.pb");
  return j->nrefs > 0;
}

/* Runs test t through both paths; returns 1 if it passed, else 0 with the
 * reason(s) in why. */
int run_test(const Config *c, const Test *t, char *why, size_t nwhy) {
  Job j;
  memset(&j, 0, sizeof j);
  j.c = c;
  j.t = t;
  j.a = arena_new();
  j.work = arena_printf(j.a, "%s/%s/%s", c->work, t->label, t->name);
  j.model = arena_printf(j.a, "%s/model.onnx", t->dir);
  remove_tree(j.work);
  int ok = 0;
  if (mkdirs(j.work) != 0) {
    fail(&j, "cannot create %s: %s", j.work, strerror(errno));
    snprintf(why, nwhy, "%s", j.why);
  } else if (!read_signature(&j)) {
    snprintf(why, nwhy, "%s", j.why);
  } else {
    int oki = path_interp(&j);
    char whyi[WHYLEN];
    snprintf(whyi, sizeof whyi, "%s", j.why);
    j.why[0] = 0;
    int okc = path_c(&j);
    ok = oki && okc;
    if (!oki && !okc && strcmp(whyi, j.why) == 0)
      snprintf(why, nwhy, "interpreter and C: %s", whyi);
    else if (!oki && !okc)
      snprintf(why, nwhy, "interpreter: %s; C: %s", whyi, j.why);
    else
      snprintf(why, nwhy, "%s: %s", oki ? "C" : "interpreter", oki ? j.why : whyi);
  }
  if (ok)
    remove_tree(j.work);
  arena_free(j.a);
  return ok;
}
