/*
 * dsl_import.c - reads a model-language file (doc/dsl.md) into IR: each
 * file, and each file it includes, through its own flex scanner and bison
 * parser (dsl.l, dsl.y) whose actions build the graph (dsl_build.c).  An
 * include names a file relative to the including one; a file that is
 * already being read (by device and inode) is an include cycle.  Files are
 * read whole through read_input_file (regular files of at most 256 MB).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dsl.h"
#include "dsl.tab.h"

/* flex's reentrant interface (dsl.lex.c), declared here rather than
 * through its generated header. */
typedef void *yyscan_t;
typedef struct yy_buffer_state *YY_BUFFER_STATE;
int dslyylex_init_extra(Dsl *extra, yyscan_t *scanner);
YY_BUFFER_STATE dslyy_scan_bytes(const char *bytes, int len, yyscan_t scanner);
int dslyylex_destroy(yyscan_t scanner);
int dslyyparse(yyscan_t scanner, Dsl *d);

#define MAX_DEPTH 64  /* includes within includes */

void dsl_parse_file(Dsl *d, const char *path, const SrcLoc *from) {
  struct stat st = {0};
  if (from) {  /* an include: its problems point at the include statement */
    if (stat(path, &st) != 0)
      error_loc(from, "cannot include %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
      error_loc(from, "cannot include %s: not a regular file", path);
    int depth = 0;
    for (const DslFile *f = d->file; f; f = f->up, depth++)
      if (f->dev == (uint64_t)st.st_dev && f->ino == (uint64_t)st.st_ino)
        error_loc(from, "include cycle: %s is already being read (it includes this file)", f->path);
    if (depth >= MAX_DEPTH)
      error_loc(from, "includes nested over %d deep", MAX_DEPTH);
  }
  size_t len;
  unsigned char *buf = read_input_file(path, "model", &len);  /* a regular file, bounded */
  if (!from && stat(path, &st) != 0) {
    free(buf);
    error_at(path, NULL, "cannot read the model: %s", strerror(errno));
  }
  if (len > (size_t)INT32_MAX / 2) {
    free(buf);
    error_at(path, NULL, "a model-language file of over 1 GB");
  }
  DslFile file = {arena_strdup(d->g->arena, path), (uint64_t)st.st_dev, (uint64_t)st.st_ino, d->file};
  yyscan_t scanner;
  if (dslyylex_init_extra(d, &scanner) != 0)
    die("out of memory");
  dslyy_scan_bytes((const char *)buf, (int)len, scanner);
  free(buf);
  d->file = &file;
  if (dslyyparse(scanner, d) != 0)
    die("model language parser: out of memory");
  d->file = file.up;
  dslyylex_destroy(scanner);
}

Graph *dsl_import(const char *path, const ConstBinding *binds, int nbinds) {
  Graph *g = graph_new(path);
  g->opset = DSL_DEFAULT_OPSET;
  Dsl d = {.g = g, .binds = binds, .nbinds = nbinds};
  d.bound = arena_alloc(g->arena, (size_t)nbinds + 1);
  dsl_parse_file(&d, g->file, NULL);
  free(d.nums.bits);
  free(d.nums.kind);
  for (int b = 0; b < nbinds; b++)
    if (!d.bound[b])
      error_at(path, NULL, "--const %s: the model has no input of that name", binds[b].name);
  if (d.noutputs == 0)
    error_at(path, NULL, "the model has no outputs (end it with: output NAME, ...)");
  g->inputs = d.inputs ? d.inputs : arena_alloc(g->arena, sizeof *g->inputs);
  g->ninputs = d.ninputs;
  g->outputs = d.outputs;
  g->noutputs = d.noutputs;
  graph_count_uses(g);
  return g;
}

Graph *model_import(const char *path, const ConstBinding *binds, int nbinds) {
  size_t n = strlen(path);
  if (n > 4 && strcmp(path + n - 4, ".bib") == 0)
    return dsl_import(path, binds, nbinds);
  return onnx_import(path, binds, nbinds);
}
