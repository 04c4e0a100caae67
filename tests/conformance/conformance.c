/*
 * conformance.c - runs the ONNX node tests whose operators bibc supports
 * through both of bibc's execution paths (run_test.c) and reports.
 *
 *   conformance --bibc PATH --cc "CC FLAGS..." --work DIR [--exclude FILE]
 *               [--filter SUBSTR] [-j N] [--list] [-v] [LABEL=]ROOT...
 *
 * A test is a directory ROOT/NAME holding model.onnx and test_data_set_0/.
 * It is selected iff every node of the model's graph is in the default
 * ONNX domain and has an op_type from ops[] below (decoded here with the
 * protobuf-c reader bibc itself uses).  Roots are scanned in the order
 * given, tests in strcmp order; LABEL (default: the root's last path
 * component) names the root in messages and under --work.
 *
 * Each selected test runs in a forked worker, -j at a time; the scheduler
 * polls the workers' pipes and prints results only at the end, in test
 * order, so the output does not depend on timing.  Exclusions (one
 * "NAME  reason" per line, for the test of that name in every root) are
 * printed with their reasons and counted as skipped.  The report: one line
 * per failure with its reason, a per-operator table, and last
 * "N passed, M failed[, K skipped]".  Exit status: 0 when every selected
 * test passed, 1 when one failed or the pass rate is under 98 %, 2 on a
 * usage error, 77 (CTest's skip code) when no ROOT exists.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance.h"
#include "onnx.pb-c.h"

#define MAXJOBS 64
#define MAXROOTS 16
#define MIN_PASS_RATE 0.98

/* The operators whose tests are selected (bibc's supported set minus the
 * Shape/Gather/Cast it uses internally), sorted. */
static const char *const ops[] = {
  "Add", "ArgMax", "AveragePool", "BatchNormalization", "Clip", "Concat", "Constant", "Conv",
  "ConvInteger", "DequantizeLinear", "Div", "Dropout", "Elu", "Flatten", "Gemm",
  "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid", "Identity", "LeakyRelu", "MatMul",
  "MatMulInteger", "Max", "MaxPool", "Min", "Mul", "PRelu", "Pad", "QLinearConv",
  "QLinearMatMul", "QuantizeLinear", "Relu", "Reshape", "Selu", "Sigmoid", "Sign", "Softmax",
  "Squeeze", "Sub", "Sum", "Tanh", "TopK", "Transpose", "Unsqueeze",
};
#define NOPS ((int)(sizeof ops / sizeof ops[0]))
_Static_assert(sizeof ops / sizeof ops[0] <= 64, "Test.opmask has one bit per operator");

typedef struct Exclusion {
  char *name;                /* test name */
  char *reason;
} Exclusion;

/* ---- small helpers ---- */

void fatal(const char *fmt, ...) {
  va_list ap;
  fputs("conformance: error: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    fatal("out of memory");
  return p;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whole file into a malloc'd, NUL-terminated buffer; NULL if unreadable. */
unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  unsigned char *buf = xmalloc(cap + 1);
  while ((n += fread(buf + n, 1, cap - n, f)) == cap) {
    cap *= 2;
    buf = realloc(buf, cap + 1);
    if (!buf)
      fatal("out of memory");
  }
  fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

int mkdirs(const char *path) {
  char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/')
      continue;
    *s = 0;
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      free(p);
      return -1;
    }
    *s = '/';
  }
  int r = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
  free(p);
  return r;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int op_index(const char *optype) {
  for (int k = 0; k < NOPS; k++)
    if (strcmp(ops[k], optype) == 0)
      return k;
  return -1;
}

/* ---- selection ---- */

/* Decodes ROOT/NAME/model.onnx; returns 1 and sets *mask if every node is a
 * listed operator of the default domain, 0 if not, -1 if unreadable. */
static int select_model(const char *model, uint64_t *mask) {
  size_t len;
  unsigned char *buf = slurp(model, &len);
  if (!buf)
    return -1;
  Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, len, buf);
  free(buf);
  if (!mp || !mp->graph) {
    if (mp)
      onnx__model_proto__free_unpacked(mp, NULL);
    return -1;
  }
  int ok = mp->graph->n_node > 0;
  *mask = 0;
  for (size_t i = 0; i < mp->graph->n_node && ok; i++) {
    const Onnx__NodeProto *n = mp->graph->node[i];
    int k = n->op_type ? op_index(n->op_type) : -1;
    if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)
      k = -1;
    if (k < 0)
      ok = 0;
    else
      *mask |= (uint64_t)1 << k;
  }
  onnx__model_proto__free_unpacked(mp, NULL);
  return ok;
}

static Exclusion *read_exclusions(const char *path, int *n) {
  size_t len;
  char *buf = (char *)slurp(path, &len);
  if (!buf)
    fatal("%s: cannot read exclusion list: %s", path, strerror(errno));
  Exclusion *ex = NULL;
  int lineno = 0;
  *n = 0;
  for (char *line = buf, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = 0;
    lineno++;
    line += strspn(line, " \t");
    if (*line == '#' || *line == 0)
      continue;
    size_t k = strcspn(line, " \t");
    char *reason = line + k + strspn(line + k, " \t");
    line[k] = 0;
    size_t r = strlen(reason);
    while (r > 0 && (reason[r - 1] == ' ' || reason[r - 1] == '\t' || reason[r - 1] == '\r'))
      reason[--r] = 0;
    if (r == 0)
      fatal("%s:%d: exclusion of '%s' gives no reason", path, lineno, line);
    ex = realloc(ex, sizeof *ex * (size_t)(*n + 1));
    if (!ex)
      fatal("out of memory");
    ex[*n].name = xstrdup(line);
    ex[(*n)++].reason = xstrdup(reason);
  }
  free(buf);
  return ex;
}

/* Do folders a and b hold the same names and the same bytes, all the way
 * down? */
static int same_tree(const char *a, const char *b) {
  struct stat sa, sb;
  if (stat(a, &sa) != 0 || stat(b, &sb) != 0 || S_ISDIR(sa.st_mode) != S_ISDIR(sb.st_mode))
    return 0;
  if (!S_ISDIR(sa.st_mode)) {
    size_t na, nb;
    unsigned char *x = sa.st_size == sb.st_size ? slurp(a, &na) : NULL;
    unsigned char *y = x ? slurp(b, &nb) : NULL;
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
  }
  int same = 1, count[2] = {0, 0};
  for (int side = 0; side < 2 && same; side++) {  /* a's entries against b's, then count b's */
    DIR *d = opendir(side ? b : a);
    struct dirent *e;
    while (same && d && (e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      count[side]++;
      if (side == 0) {
        size_t n = strlen(a) + strlen(b) + 2 * strlen(e->d_name) + 4;
        char *pa = xmalloc(n), *pb = pa + strlen(a) + strlen(e->d_name) + 2;
        sprintf(pa, "%s/%s", a, e->d_name);
        sprintf(pb, "%s/%s", b, e->d_name);
        same = same_tree(pa, pb);
        free(pa);
      }
    }
    same = same && d;
    if (d)
      closedir(d);
  }
  return same && count[0] == count[1];
}

/* Appends the selected tests under root to *tests; returns how many.  A
 * test byte for byte the same as one of an earlier root (the shared test
 * data and Debian's libonnx-testdata hold many of the same node tests)
 * runs once: *ndup counts those left out. */
static int scan_root(const Config *c, const char *label, const char *root, const Exclusion *ex,
                     int nex, Test **tests, int *ntests, int *ndup) {
  DIR *d = opendir(root);
  if (!d)
    return 0;
  char **names = NULL;
  int nnames = 0, nsel = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || (c->filter && !strstr(e->d_name, c->filter)))
      continue;
    names = realloc(names, sizeof *names * (size_t)(nnames + 1));
    if (!names)
      fatal("out of memory");
    names[nnames++] = xstrdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)nnames, sizeof *names, cmp_str);
  for (int i = 0; i < nnames; i++) {
    size_t n = strlen(root) + strlen(names[i]) + 16;
    char *dir = xmalloc(n), *model = xmalloc(n);
    snprintf(dir, n, "%s/%s", root, names[i]);
    snprintf(model, n, "%s/model.onnx", dir);
    uint64_t mask = 0;
    int sel = is_file(model) ? select_model(model, &mask) : 0;
    if (sel < 0)
      fprintf(stderr, "conformance: note: %s: cannot decode the model; not selected\n", model);
    free(model);
    for (int k = 0; sel > 0 && k < *ntests; k++)
      if (strcmp((*tests)[k].name, names[i]) == 0 && same_tree((*tests)[k].dir, dir))
        sel = 0, (*ndup)++;
    if (sel <= 0) {
      free(dir);
      free(names[i]);
      continue;
    }
    *tests = realloc(*tests, sizeof **tests * (size_t)(*ntests + 1));
    if (!*tests)
      fatal("out of memory");
    Test *t = &(*tests)[(*ntests)++];
    memset(t, 0, sizeof *t);
    t->label = label;
    t->name = names[i];
    t->dir = dir;
    t->opmask = mask;
    for (int k = 0; k < nex; k++)
      if (strcmp(ex[k].name, t->name) == 0)
        t->excluded = ex[k].reason;
    nsel++;
  }
  free(names);
  return nsel;
}

/* ---- scheduling and report ---- */

typedef struct Slot {
  pid_t pid;                 /* worker */
  int fd;                    /* read end of its stdout+stderr pipe */
  int test;                  /* index in tests */
  char text[4 * WHYLEN];     /* the start of what it wrote */
  size_t len;
} Slot;

static void start_worker(const Config *c, Test *tests, int i, Slot *slots, int nslots) {
  int p[2];
  if (pipe(p) != 0)
    fatal("pipe: %s", strerror(errno));
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    fatal("fork: %s", strerror(errno));
  if (pid == 0) {
    for (int q = 0; q < nslots; q++)
      close(slots[q].fd);
    close(p[0]);
    dup2(p[1], 1);
    dup2(p[1], 2);
    close(p[1]);
    char why[WHYLEN + 64];
    int ok = run_test(c, &tests[i], why, sizeof why);
    printf(ok ? "PASS\n" : "FAIL %s\n", why);
    exit(0);
  }
  close(p[1]);
  Slot *s = &slots[nslots];
  s->pid = pid;
  s->fd = p[0];
  s->test = i;
  s->len = 0;
}

/* Records the result of a finished worker. */
static void finish_worker(const Config *c, Test *t, Slot *s, int status) {
  s->text[s->len] = 0;
  char *nl = strchr(s->text, '\n');
  int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0 && nl && !nl[1];
  if (clean && strncmp(s->text, "PASS\n", 5) == 0) {
    t->passed = 1;
  } else {
    if (nl && clean)
      *nl = 0;
    const char *w = clean && strncmp(s->text, "FAIL ", 5) == 0 ? s->text + 5 : s->text;
    size_t n = strlen(w) + 64;
    t->why = xmalloc(n);
    if (clean)
      snprintf(t->why, n, "%s", w);
    else  /* the worker itself failed: keep its first line */
      snprintf(t->why, n, "runner worker %s %d: %.*s", WIFEXITED(status) ? "exit" : "signal",
               WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), (int)strcspn(w, "\n"), w);
  }
  if (c->verbose)
    fprintf(stderr, "%s %s/%s%s%s\n", t->passed ? "ok  " : "FAIL", t->label, t->name,
            t->passed ? "" : ": ", t->passed ? "" : t->why);
}

static void run_all(const Config *c, Test *tests, int ntests) {
  Slot slots[MAXJOBS];
  struct pollfd pfd[MAXJOBS];
  int nslots = 0, next = 0;
  while (next < ntests || nslots > 0) {
    while (nslots < c->jobs && next < ntests) {
      if (!tests[next].excluded)
        start_worker(c, tests, next, slots, nslots++);
      next++;
    }
    if (nslots <= 0)
      continue;
    for (int q = 0; q < nslots; q++) {
      pfd[q].fd = slots[q].fd;
      pfd[q].events = POLLIN;
      pfd[q].revents = 0;
    }
    if (poll(pfd, (nfds_t)nslots, -1) < 0) {
      if (errno == EINTR)
        continue;
      fatal("poll: %s", strerror(errno));
    }
    for (int q = nslots - 1; q >= 0; q--) {
      if (!pfd[q].revents)
        continue;
      Slot *s = &slots[q];
      char buf[4096];
      ssize_t r = read(s->fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR)
        continue;
      if (r > 0) {
        size_t keep = sizeof s->text - 1 - s->len;
        if ((size_t)r < keep)
          keep = (size_t)r;
        memcpy(s->text + s->len, buf, keep);
        s->len += keep;
        continue;
      }
      close(s->fd);
      int st;
      while (waitpid(s->pid, &st, 0) < 0)
        if (errno != EINTR)
          fatal("waitpid: %s", strerror(errno));
      finish_worker(c, &tests[s->test], s, st);
      slots[q] = slots[--nslots];
      pfd[q] = pfd[nslots];
    }
  }
}

static int report(const Config *c, const Test *tests, int ntests) {
  int passed = 0, failed = 0, skipped = 0;
  int sel[NOPS] = {0}, pas[NOPS] = {0}, fai[NOPS] = {0}, exc[NOPS] = {0};
  for (int i = 0; i < ntests; i++) {
    const Test *t = &tests[i];
    if (t->excluded)
      printf("excluded %s/%s: %s\n", t->label, t->name, t->excluded);
  }
  for (int i = 0; i < ntests; i++) {
    const Test *t = &tests[i];
    if (t->excluded)
      skipped++;
    else if (t->passed)
      passed++;
    else
      failed++, printf("FAIL %s/%s: %s\n", t->label, t->name, t->why);
    for (int k = 0; k < NOPS; k++) {
      if (!(t->opmask >> k & 1))
        continue;
      sel[k]++;
      if (t->excluded)
        exc[k]++;
      else if (t->passed)
        pas[k]++;
      else
        fai[k]++;
    }
  }
  if (failed)
    printf("(work directories of failed tests are kept under %s)\n", c->work);
  printf("\n%-20s %8s %8s %8s %8s\n", "op", "selected", "passed", "failed", "excluded");
  for (int k = 0; k < NOPS; k++)
    printf("%-20s %8d %8d %8d %8d\n", ops[k], sel[k], pas[k], fai[k], exc[k]);
  int status = failed > 0;
  if (passed + failed == 0) {
    printf("no tests selected\n");
    status = 1;
  } else if (passed < MIN_PASS_RATE * (passed + failed)) {
    printf("pass rate %.1f %% is under the %.0f %% target\n", 100.0 * passed / (passed + failed),
           100 * MIN_PASS_RATE);
    status = 1;
  }
  if (skipped)
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  else
    printf("%d passed, %d failed\n", passed, failed);
  return status;
}

static void list(const Test *tests, int ntests) {
  for (int i = 0; i < ntests; i++) {
    printf("%s/%s", tests[i].label, tests[i].name);
    for (int k = 0; k < NOPS; k++)
      if (tests[i].opmask >> k & 1)
        printf(" %s", ops[k]);
    printf(tests[i].excluded ? "  (excluded: %s)\n" : "\n", tests[i].excluded);
  }
}

static void usage(void) {
  fputs("usage: conformance --bibc PATH --cc \"CC FLAGS...\" --work DIR [--exclude FILE]\n"
        "                   [--filter SUBSTR] [-j N] [--list] [-v] [LABEL=]ROOT...\n", stderr);
  exit(2);
}

int main(int argc, char **argv) {
  Config c;
  memset(&c, 0, sizeof c);
  c.jobs = 1;
  const char *roots[MAXROOTS], *labels[MAXROOTS];
  int nroots = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int more = i + 1 < argc;
    if (strcmp(a, "--bibc") == 0 && more)
      c.bibc = argv[++i];
    else if (strcmp(a, "--cc") == 0 && more)
      c.ccbuf = xstrdup(argv[++i]);
    else if (strcmp(a, "--work") == 0 && more)
      c.work = argv[++i];
    else if (strcmp(a, "--exclude") == 0 && more)
      c.exclude = argv[++i];
    else if (strcmp(a, "--filter") == 0 && more)
      c.filter = argv[++i];
    else if (strcmp(a, "-j") == 0 && more)
      c.jobs = atoi(argv[++i]);
    else if (strcmp(a, "--list") == 0)
      c.list = 1;
    else if (strcmp(a, "-v") == 0)
      c.verbose = 1;
    else if (a[0] == '-' || nroots == MAXROOTS)
      usage();
    else {
      const char *eq = strchr(a, '='), *slash = strchr(a, '/');
      if (eq && (!slash || eq < slash)) {
        labels[nroots] = xstrdup(a);
        ((char *)labels[nroots])[eq - a] = 0;
        roots[nroots++] = eq + 1;
      } else {
        const char *base = strrchr(a, '/');
        labels[nroots] = xstrdup(base && base[1] ? base + 1 : a);
        roots[nroots++] = a;
      }
    }
  }
  if (nroots == 0 || (!c.list && (!c.bibc || !c.ccbuf || !c.work)))
    usage();
  if (c.jobs < 1 || c.jobs > MAXJOBS)
    fatal("-j must be between 1 and %d", MAXJOBS);
  for (char *s = c.ccbuf ? strtok(c.ccbuf, " \t") : NULL; s; s = strtok(NULL, " \t"))
    if (c.nccargv < MAXARGS)
      c.ccargv[c.nccargv++] = s;
  if (c.ccbuf && c.nccargv == 0)
    fatal("--cc is empty");
  for (int r = 0; r < nroots; r++) {
    const char *l = labels[r];
    if (!l[0] || l[strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] ||
        strcmp(l, ".") == 0 || strcmp(l, "..") == 0)
      fatal("bad root label '%s' (letters, digits, '_', '.', '-')", l);
    for (int q = 0; q < r; q++)
      if (strcmp(labels[q], l) == 0)
        fatal("two roots are labelled '%s'; name them LABEL=ROOT", l);
  }

  int nex = 0;
  Exclusion *ex = c.exclude ? read_exclusions(c.exclude, &nex) : NULL;
  Test *tests = NULL;
  int ntests = 0, found = 0;
  for (int r = 0; r < nroots; r++) {
    if (!is_dir(roots[r])) {
      printf("conformance: note: skipping %s: %s does not exist\n", labels[r], roots[r]);
      continue;
    }
    found++;
    int ndup = 0;
    int n = scan_root(&c, labels[r], roots[r], ex, nex, &tests, &ntests, &ndup);
    printf("conformance: %s: %d tests selected from %s", labels[r], n, roots[r]);
    printf(ndup ? " (%d more the same as an earlier root's, not run again)\n" : "\n", ndup);
  }
  for (int k = 0; k < nex && found == nroots && !c.filter; k++) {
    int used = 0;
    for (int i = 0; i < ntests; i++)
      used |= strcmp(tests[i].name, ex[k].name) == 0;
    if (!used)
      printf("conformance: note: exclusion '%s' matches no selected test\n", ex[k].name);
  }
  int status;
  if (!found) {
    printf("conformance: skipped: none of the test roots exists\n");
    status = 77;
  } else if (c.list) {
    list(tests, ntests);
    status = 0;
  } else {
    signal(SIGPIPE, SIG_IGN);
    if (mkdirs(c.work) != 0)
      fatal("cannot create %s: %s", c.work, strerror(errno));
    run_all(&c, tests, ntests);
    status = report(&c, tests, ntests);
  }
  for (int i = 0; i < ntests; i++) {
    free(tests[i].name);
    free(tests[i].dir);
    free(tests[i].why);
  }
  free(tests);
  for (int k = 0; k < nex; k++) {
    free(ex[k].name);
    free(ex[k].reason);
  }
  free(ex);
  for (int r = 0; r < nroots; r++)
    free((char *)labels[r]);
  free(c.ccbuf);
  return status;
}
