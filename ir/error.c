/*
 * error.c - the two error channels.  User errors (bad model, bad command
 * line) print one line naming the file and, for a node, its index, op type
 * and name, then exit with status 1.  Before exiting, every output file this
 * run registered is removed, so no half-written output is left behind.
 * Internal errors (a broken invariant in bibc itself) go through die(),
 * which names the bibc source line and aborts.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

static const char *current_file;  /* the model being compiled, for messages */

void error_set_file(const char *file) { current_file = file; }
const char *error_file(void) { return current_file; }

#define MAXOUT 64
static const char *outputs[MAXOUT];  /* files to remove on a user error */
static int noutputs;

void error_remove_on_exit(const char *path) {
  if (noutputs == MAXOUT)
    die("too many output files");
  outputs[noutputs++] = path;
}

void error_keep_output(const char *path) {
  for (int i = 0; i < noutputs; i++)
    if (outputs[i] && strcmp(outputs[i], path) == 0)
      outputs[i] = NULL;
}

static NORETURN void fail(void) {
  for (int i = 0; i < noutputs; i++)
    if (outputs[i])
      remove(outputs[i]);
  fflush(stdout);
  exit(1);
}

static void prefix(const char *file, const Node *n) {
  fprintf(stderr, "%s: ", file ? file : "bibc");
  if (n)
    fprintf(stderr, "node %d (%s \"%s\"): ", n->index, n->optype, n->name ? n->name : "");
}

void error_at(const char *file, const Node *n, const char *fmt, ...) {
  va_list ap;
  prefix(file, n);
  fputs("error: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fail();
}

void error_node(const Graph *g, const Node *n, const char *fmt, ...) {
  va_list ap;
  prefix(g ? g->file : NULL, n);
  fputs("error: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fail();
}

void note(const char *file, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: note: ", file ? file : "bibc");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

void die_at(const char *srcfile, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "bibc: internal error at %s:%d: ", srcfile, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  for (int i = 0; i < noutputs; i++)
    if (outputs[i])
      remove(outputs[i]);
  abort();
}
