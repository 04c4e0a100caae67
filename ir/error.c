/*
 * error.c - the two error channels.  User errors (bad model, bad command
 * line) print one line naming the file and, for a node, its index, op type
 * and name, then exit with status 1.  Before exiting, every output file this
 * run registered is removed, so no half-written output is left behind.
 * Internal errors (a broken invariant in bibc itself) go through die(),
 * which names the bibc source line and aborts.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ir.h"

static const char *current_file;  /* the model being compiled, for messages */

void error_set_file(const char *file) { current_file = file; }
const char *error_file(void) { return current_file; }

/* Files to remove on a user error, in order (the list grows: bibc run
 * writes two files per graph output); tree[i]: outputs[i] is a folder to
 * remove with its contents. */
static const char **outputs;
static char *tree;
static int noutputs, maxoutputs;

static void add_output(const char *path, int is_tree) {
  if (noutputs == maxoutputs) {
    int n = maxoutputs ? 2 * maxoutputs : 64;
    const char **o = realloc(outputs, sizeof *o * (size_t)n);
    if (!o)
      die("out of memory");
    outputs = o;
    char *t = realloc(tree, (size_t)n);
    if (!t)
      die("out of memory");
    tree = t;
    maxoutputs = n;
  }
  tree[noutputs] = (char)is_tree;
  outputs[noutputs++] = path;
}

void error_remove_on_exit(const char *path) { add_output(path, 0); }
void error_remove_tree_on_exit(const char *dir) { add_output(dir, 1); }

/* Kept files leave the list; the slots at its end are reused, so a program
 * that registers and keeps files again and again (bibc verify, one
 * temporary folder per target) does not run out of them. */
void error_keep_output(const char *path) {
  for (int i = 0; i < noutputs; i++)
    if (outputs[i] && strcmp(outputs[i], path) == 0)
      outputs[i] = NULL;
  while (noutputs > 0 && !outputs[noutputs - 1])
    noutputs--;
}

/* The files read, in static storage (no allocation: a fuzzing harness
 * frees what a failed run allocated, and this record outlives the run);
 * a path is kept to its first 255 bytes, for messages. */
#define MAXIN 256
static struct { char path[256]; uint64_t dev, ino; } inputs[MAXIN];
static int ninputs;

void file_note_input(const char *path, uint64_t dev, uint64_t ino) {
  for (int i = 0; i < ninputs; i++)
    if (inputs[i].dev == dev && inputs[i].ino == ino)
      return;
  if (ninputs == MAXIN)
    error_at(path, NULL, "too many input files (at most %d)", MAXIN);
  snprintf(inputs[ninputs].path, sizeof inputs[ninputs].path, "%s", path);
  inputs[ninputs].dev = dev;
  inputs[ninputs++].ino = ino;
}

const char *file_input_at(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0)
    return NULL;
  for (int i = 0; i < ninputs; i++)
    if (inputs[i].dev == (uint64_t)st.st_dev && inputs[i].ino == (uint64_t)st.st_ino)
      return inputs[i].path;
  return NULL;
}

/* Depth first; symbolic links are removed, never followed.  Cost: one
 * readdir per folder. */
int remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return -1;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      size_t n = strlen(path) + strlen(e->d_name) + 2;
      char *sub = malloc(n);
      if (!sub)
        break;
      snprintf(sub, n, "%s/%s", path, e->d_name);
      remove_tree(sub);
      free(sub);
    }
    if (d)
      closedir(d);
  }
  return remove(path);
}

static void remove_outputs(void) {
  for (int i = 0; i < noutputs; i++)
    if (outputs[i] && tree[i])
      remove_tree(outputs[i]);
    else if (outputs[i])
      remove(outputs[i]);
}

/* A trap turns a user error into a longjmp, for programs that run bibc's
 * readers and passes many times in one process (the fuzzing harnesses in
 * tests/fuzz): fail() then removes and forgets the registered outputs (their
 * paths may live in an arena the caller frees next) and jumps instead of
 * exiting; with quiet set, errors and notes print nothing.  The trap fires
 * once: it is disarmed before the jump.  die() still aborts. */
static jmp_buf *trap;
static int trap_quiet;

void error_trap(jmp_buf *jb, int quiet) {
  trap = jb;
  trap_quiet = jb && quiet;
}

static NORETURN void fail(void) {
  remove_outputs();
  if (trap) {
    jmp_buf *jb = trap;
    noutputs = 0;
    error_trap(NULL, 0);
    longjmp(*jb, 1);
  }
  fflush(stdout);
  exit(1);
}

/* Line `line` of the file and a caret under byte column col: at most 160
 * characters of the line, from 80 before the column when the line is long
 * ("..." marks the cut); tabs kept and UTF-8 sequences counted as one
 * character, so the caret lines up; control characters as '?'.  Nothing if
 * the file or the line cannot be read. */
static void print_source(const SrcLoc *loc) {
  FILE *f = fopen(loc->file, "rb");
  if (!f)
    return;
  enum { WIDTH = 160, BEFORE = 80 };
  char text[WIDTH + 8], caret[WIDTH + 8];
  int c = 0, ln = 1, col = 1, k = 0, m = 0, start = loc->col > BEFORE + 40 ? loc->col - BEFORE : 1;
  while (ln < loc->line && (c = getc(f)) != EOF)
    ln += c == '\n';
  if (start > 1)
    memcpy(text, "...", 3), memcpy(caret, "   ", 3), k = m = 3;
  for (; ln == loc->line && (c = getc(f)) != EOF && c != '\n' && k < WIDTH; col++) {
    if (col < start)
      continue;
    int cont = (c & 0xc0) == 0x80;  /* a UTF-8 continuation byte: no column of its own */
    text[k++] = c == '\t' || c >= 0x80 ? (char)c : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    if (col < loc->col && !cont)
      caret[m++] = c == '\t' ? '\t' : ' ';
  }
  fclose(f);
  if (ln != loc->line)
    return;
  while (k > 0 && text[k - 1] == '?' && c == '\n')  /* the \r of a CRLF line */
    k--;
  text[k] = 0;
  for (; col < loc->col && m < WIDTH; col++)  /* the caret after the end of the line */
    caret[m++] = ' ';
  caret[m++] = '^';
  caret[m] = 0;
  fprintf(stderr, "%s\n%s\n", text, caret);
}

/* Formats "FILE: [node N (Op "name"): ]KIND: MSG" into one line: characters
 * a model may smuggle in (newlines, escapes) are shown as '?', so every
 * message stays a single line.  With a source location the line starts
 * "FILE:LINE:COL: " and is followed by the source line and a caret. */
static void vreport(const char *file, const SrcLoc *loc, const Node *n, const char *kind,
                    const char *fmt, va_list ap) {
  char buf[2048];
  int k = loc && loc->file ? snprintf(buf, sizeof buf, "%s:%d:%d: ", loc->file, loc->line, loc->col)
                           : snprintf(buf, sizeof buf, "%s: ", file ? file : "bibc");
  if (n && k < (int)sizeof buf)
    k += snprintf(buf + k, sizeof buf - (size_t)k, "node %d (%s \"%s\"): ", n->index, n->optype,
                  n->name ? n->name : "");
  if (k < (int)sizeof buf)
    k += snprintf(buf + k, sizeof buf - (size_t)k, "%s: ", kind);
  if (k < (int)sizeof buf)
    vsnprintf(buf + k, sizeof buf - (size_t)k, fmt, ap);
  for (char *c = buf; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = '?';
  if (trap_quiet)
    return;
  fprintf(stderr, "%s\n", buf);
  if (loc && loc->file && strcmp(kind, "error") == 0)  /* notes stay one line */
    print_source(loc);
}

void error_at(const char *file, const Node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(file, n ? &n->loc : NULL, n, "error", fmt, ap);
  va_end(ap);
  fail();
}

void error_node(const Graph *g, const Node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(g ? g->file : NULL, n ? &n->loc : NULL, n, "error", fmt, ap);
  va_end(ap);
  fail();
}

void error_loc(const SrcLoc *loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(NULL, loc, NULL, "error", fmt, ap);
  va_end(ap);
  fail();
}

void note(const char *file, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(file, NULL, NULL, "note", fmt, ap);
  va_end(ap);
}

void note_node(const Graph *g, const Node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(g ? g->file : NULL, n ? &n->loc : NULL, n, "note", fmt, ap);
  va_end(ap);
}

void die_at(const char *srcfile, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "bibc: internal error at %s:%d: ", srcfile, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  remove_outputs();
  abort();
}
