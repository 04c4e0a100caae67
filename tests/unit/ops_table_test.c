/*
 * ops_table_test.c - the signature columns of ir/ops.h (op_min_inputs,
 * op_max_inputs, op_max_outputs, op_attrs) checked two ways: a few rows
 * against the ONNX and QONNX specifications, and every table against real
 * models.  Each root named on the command line is searched recursively for
 * *.onnx files; every node of every model bibc imports must have its input
 * and output counts within its op's row and only attributes the row lists,
 * of the kind it gives.  A model bibc refuses is skipped (counted), and so
 * is a root that does not exist.
 *
 * Each model is imported in a child process.  A refused model's import ends
 * in a longjmp (error_trap) that leaves its arena and protobuf message
 * behind; the child's exit returns that memory, where a thousand refusals in
 * one process would keep a gigabyte.  The child prints each disagreement and
 * sends its counts back through a pipe.
 * Prints "N passed, M failed" and exits 1 on any failure.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../frontend/frontend.h"
#include "check.h"

#define REFUSED 2  /* a child's exit status: bibc refused the model */

static void check_known_rows(void) {
  CHECK(op_min_inputs(OP_CONV) == 2 && op_max_inputs(OP_CONV) == 3, "Conv takes 2 to 3 inputs");
  CHECK(op_max_outputs(OP_CONV) == 1, "Conv gives 1 output");
  const OpAttrSpec *a = op_attr_spec(OP_CONV, "kernel_shape");
  CHECK(a && a->kind == ATTR_INTS, "Conv's kernel_shape is INTS");
  a = op_attr_spec(OP_CONV, "group");
  CHECK(a && a->kind == ATTR_INT, "Conv's group is INT");
  a = op_attr_spec(OP_CONV, "auto_pad");
  CHECK(a && a->kind == ATTR_STRING, "Conv's auto_pad is STRING");
  CHECK(!op_attr_spec(OP_CONV, "axis") && !op_attr_spec(OP_CONV, ""), "Conv has no axis");
  CHECK(op_max_outputs(OP_TOPK) == 2, "TopK gives 2 outputs");
  CHECK(op_min_inputs(OP_QUANT) == 4 && op_max_inputs(OP_QUANT) == 4, "Quant takes 4 inputs");
  a = op_attr_spec(OP_QUANT, "bibc_round");
  CHECK(a && a->kind == ATTR_INT, "Quant's bibc_round (quantize_ptq) is INT");
  a = op_attr_spec(OP_CLIP, "min");
  CHECK(a && a->kind == ATTR_FLOAT, "Clip-6's min is FLOAT");
  a = op_attr_spec(OP_REQUANT, "channels");
  CHECK(a && a->kind == ATTR_INTS, "Requant's channels is INTS");
  CHECK(op_attrs(OP_RELU)[0].name == NULL, "Relu has no attributes");
  for (int op = 0; op < OP_COUNT; op++) {
    int variadic = op == OP_CONCAT || op == OP_SUM || op == OP_MAX || op == OP_MIN;
    CHECK((op_max_inputs((OpKind)op) == -1) == variadic, "%s is %svariadic", op_name((OpKind)op),
          variadic ? "" : "not ");
    CHECK(op_attrs((OpKind)op) == op_attrs((OpKind)op), "%s's list is parsed once",
          op_name((OpKind)op));
    for (const OpAttrSpec *s = op_attrs((OpKind)op); s->name; s++)
      CHECK(op_attr_spec((OpKind)op, s->name) == s, "%s finds its own %s", op_name((OpKind)op),
            s->name);
  }
}

/* ---- the models ---- */

typedef struct Paths {
  char **v;
  int n, cap;
} Paths;

static void find_models(const char *dir, Paths *p) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.')
      continue;
    size_t len = strlen(dir) + strlen(e->d_name) + 2, nl = strlen(e->d_name);
    char *path = malloc(len);
    snprintf(path, len, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
      find_models(path, p);
    } else if (nl > 5 && strcmp(e->d_name + nl - 5, ".onnx") == 0) {
      if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 256;
        p->v = realloc(p->v, sizeof *p->v * (size_t)p->cap);
      }
      p->v[p->n++] = path;
      continue;
    }
    free(path);
  }
  closedir(d);
}

static int cmp_path(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct Tally {
  int nodes;                 /* nodes checked */
  int bad;                   /* of them, nodes that disagree with ops.h */
} Tally;

static const char *kind_name(AttrKind k) {
  static const char *const names[] = {"no kind", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH",
                                      "FLOATS", "INTS", "STRINGS"};
  return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "another kind";
}

/* Prints every way node n disagrees with its op's row; 1 if it does. */
static int check_node(const char *path, const Node *n) {
  int bad = 0, lo = op_min_inputs(n->op), hi = op_max_inputs(n->op);
  const char *op = op_name(n->op);
  if (n->nin < lo || (hi >= 0 && n->nin > hi)) {
    printf("FAIL %s: node %d (%s): %d inputs, ops.h says %d to %d\n", path, n->index, op, n->nin,
           lo, hi);
    bad = 1;
  }
  if (n->nout > op_max_outputs(n->op)) {
    printf("FAIL %s: node %d (%s): %d outputs, ops.h says at most %d\n", path, n->index, op,
           n->nout, op_max_outputs(n->op));
    bad = 1;
  }
  for (int k = 0; k < n->nattrs; k++) {
    const Attr *a = &n->attrs[k];
    const OpAttrSpec *s = op_attr_spec(n->op, a->name);
    if (!s)
      printf("FAIL %s: node %d (%s): attribute %s is not in ops.h\n", path, n->index, op, a->name);
    else if (s->kind != a->kind)
      printf("FAIL %s: node %d (%s): attribute %s is %s, ops.h says %s\n", path, n->index, op,
             a->name, kind_name(a->kind), kind_name(s->kind));
    bad |= !s || s->kind != a->kind;
  }
  return bad;
}

/* The child: imports path and writes its Tally to fd, or exits REFUSED. */
static NORETURN void check_model_child(const char *path, int fd) {
  jmp_buf jb;
  error_trap(&jb, 1);
  if (setjmp(jb) != 0)
    _exit(REFUSED);
  Graph *g = onnx_import(path, NULL, 0);
  error_trap(NULL, 0);
  Tally t = {0, 0};
  for (int i = 0; i < g->nnodes; i++, t.nodes++)
    t.bad += check_node(path, g->nodes[i]);
  arena_free(g->arena);
  fflush(stdout);
  _exit(write(fd, &t, sizeof t) == (ssize_t)sizeof t ? 0 : 1);
}

static void check_root(const char *root) {
  struct stat st;
  if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("skipped: %s absent\n", root);
    return;
  }
  Paths p = {0};
  find_models(root, &p);
  qsort(p.v, (size_t)p.n, sizeof *p.v, cmp_path);
  int models = 0, nodes = 0, refused = 0;
  for (int i = 0; i < p.n; i++) {
    int fd[2], status = 0;
    fflush(stdout);  /* else the child prints our buffer again */
    if (pipe(fd) != 0) {
      perror("pipe");
      exit(1);
    }
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      exit(1);
    }
    if (pid == 0) {
      close(fd[0]);
      check_model_child(p.v[i], fd[1]);
    }
    close(fd[1]);
    Tally t = {0, 0};
    ssize_t got = read(fd[0], &t, sizeof t);
    close(fd[0]);
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == REFUSED) {
      refused++;
    } else {
      CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == (ssize_t)sizeof t,
            "%s: the import failed (status %#x)", p.v[i], (unsigned)status);
      CHECK(t.bad == 0, "%s: %d of %d nodes disagree with ops.h", p.v[i], t.bad, t.nodes);
      models++;
      nodes += t.nodes;
    }
    free(p.v[i]);
  }
  free(p.v);
  printf("%s: %d models (%d nodes) checked, %d refused by bibc and skipped\n", root, models,
         nodes, refused);
}

int main(int argc, char **argv) {
  check_known_rows();
  for (int i = 1; i < argc; i++)
    check_root(argv[i]);
  return CHECK_DONE();
}
