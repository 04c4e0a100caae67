/*
 * verify_cc.c - 'bibc verify', CHECK_CC: the backend's emit and
 * emit_c_main into a temporary directory (m + the row's first suffix, the
 * header, m_float.c if the backend writes a float wrapper, bench.c), built
 * with CC (cc) -std=c99 CFLAGS (-O1) and the row's cflags; the bench runs on
 * the stacked vectors and its .npy outputs are read back.  Every file is
 * registered with error.c before it is written, so a user error removes
 * them all.  Also the temporary folder both checks use (verify_tmpdir).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"
#include "verify.h"
#include "../backends/backends.h"

/* The most telling line of a log: the first mentioning an error, else the
 * first non-blank one; paths inside dir are shown relative to it. */
static const char *log_line(Arena *a, const char *log, const char *dir) {
  FILE *f = fopen(log, "r");
  char line[512], *pick = NULL, *first = NULL;
  while (f && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    if (!first && line[strspn(line, " \t")])
      first = arena_strdup(a, line);
    if (strstr(line, "error") || strstr(line, "ERROR")) {
      pick = arena_strdup(a, line);
      break;
    }
  }
  if (f)
    fclose(f);
  char *s = pick ? pick : first ? first : arena_strdup(a, "(no output)");
  size_t n = strlen(dir);
  for (char *q; (q = strstr(s, dir)) && q[n] == '/';)
    memmove(q, q + n + 1, strlen(q + n + 1) + 1);
  return s;
}

/* Runs argv (spawn.c) with its output in log; NULL on exit status 0, else
 * what went wrong with the log's most telling line. */
static const char *run_program(Verify *v, char *const *argv, const char *log, const char *dir) {
  int st = spawn(argv, log, v->timeout);
  return spawn_why(v->a, st, v->timeout, st > 0 ? log_line(v->a, log, dir) : NULL);
}

/* Appends the blank-separated words of s to argv. */
static int split_words(Arena *a, const char *s, char **argv, int n, int max) {
  char *w = arena_strdup(a, s);
  for (char *tok = strtok(w, " \t"); tok; tok = strtok(NULL, " \t")) {
    if (n == max)
      error_at(NULL, NULL, "too many words in CC or CFLAGS");
    argv[n++] = tok;
  }
  return n;
}

char *verify_tmpdir(Verify *v) {
  const char *tmp = getenv("TMPDIR");
  tmp = tmp && *tmp ? tmp : "/tmp";
  char *dir = arena_printf(v->a, "%s/bibc-verify-XXXXXX", tmp);
  if (!mkdtemp(dir))
    error_at(tmp, NULL, "cannot create a temporary directory: %s", strerror(errno));
  return dir;
}

void verify_cc(Verify *v, Report *r, void *const *got) {
  const Backend *b = r->b;
  Graph *g = v->fix;
  Arena *a = v->a;
  char *dir = verify_tmpdir(v);
  const char *mc = arena_printf(a, "%s/m%s", dir, b->suffix[0]);
  const char *mh = backend_header_path(a, b, mc), *bench = arena_printf(a, "%s/bench.c", dir);
  const char *written[] = {mc, mh, c_float_path(a, mc), bench};  /* each also as NAME.tmp */
  const char *prog = arena_printf(a, "%s/prog", dir), *cclog = arena_printf(a, "%s/cc.log", dir);
  const char *runlog = arena_printf(a, "%s/run.log", dir);
  const char *files[2 * 4 + 3 + 2 * MAXTMP];  /* written[] and .tmp, prog, logs, .npy */
  int nfiles = 0;
  for (int i = 0; i < 4; i++) {
    files[nfiles++] = written[i];
    files[nfiles++] = arena_printf(a, "%s.tmp", written[i]);
  }
  files[nfiles++] = prog;
  files[nfiles++] = cclog;
  files[nfiles++] = runlog;
  const char **npy = files + nfiles;  /* in0.npy ..., out0.npy ... */
  for (int k = 0; k < g->ninputs; k++)
    files[nfiles++] = arena_printf(a, "%s/in%d.npy", dir, k);
  for (int k = 0; k < g->noutputs; k++)
    files[nfiles++] = arena_printf(a, "%s/out%d.npy", dir, k);
  for (int i = 0; i < nfiles; i++)
    error_remove_on_exit(files[i]);
  error_remove_on_exit(dir);  /* after its files: error.c removes in order */
  const char *cmd = arena_printf(a, "bibc verify --target %s %s", b->name, v->model);
  const Net *net = b->netlist ? net_pipeline_run(g, net_pipeline_for(b->clocked, &v->po), &v->po) : NULL;
  const char *wrapper = b->emit(g, net, mc, mh, cmd);  /* m_float.c around an integer-only core */
  emit_c_main(g, bench, mh, c_ident_from_path(a, mc), cmd);
  for (int k = 0; k < g->ninputs; k++)
    if (tensor_write_npy(npy[k], v->in[k]) != 0)
      error_at(npy[k], NULL, "cannot write a temporary file");

  char *argv[64 + 2 * MAXTMP];
  const char *cc = getenv("CC"), *cflags = getenv("CFLAGS");
  int n = split_words(a, cc && *cc ? cc : "cc", argv, 0, 48);
  argv[n++] = "-std=c99";
  n = split_words(a, cflags ? cflags : "-O1", argv, n, 56);
  if (b->cflags)
    n = split_words(a, b->cflags, argv, n, 58);
  if (wrapper)
    argv[n++] = (char *)wrapper;
  const char *tail[] = {mc, bench, "-lm", "-o", prog};
  for (int i = 0; i < 5; i++)
    argv[n++] = (char *)tail[i];
  argv[n] = NULL;
  const char *why = run_program(v, argv, cclog, dir);
  if (why)
    error_at(v->model, NULL, "target %s: compiling the generated C with %s failed: %s", b->name,
             argv[0], why);
  n = 0;
  argv[n++] = (char *)prog;
  for (int k = 0; k < g->ninputs + g->noutputs; k++)
    argv[n++] = (char *)npy[k];
  argv[n] = NULL;
  if ((why = run_program(v, argv, runlog, dir)))
    error_at(v->model, NULL, "target %s: running the generated C failed: %s", b->name, why);
  for (int k = 0; k < g->noutputs; k++) {
    const Value *o = g->outputs[k];
    Value *t = tensor_read(a, npy[g->ninputs + k]);
    if (t->dt != o->dt || value_numel(t) != v->n * value_numel(o))
      error_at(v->model, NULL, "target %s: output %d of the test bench is %s%s, want %lld samples "
               "of %s%s", b->name, k, dtype_name(t->dt), shape_str(a, t), (long long)v->n,
               dtype_name(o->dt), shape_str(a, o));
    memcpy(got[k], t->data, (size_t)value_numel(t) * dtype_size(t->dt));
  }
  for (int i = 0; i < nfiles; i++) {
    remove(files[i]);
    error_keep_output(files[i]);
  }
  rmdir(dir);
  error_keep_output(dir);
}

