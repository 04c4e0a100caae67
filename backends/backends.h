/*
 * backends.h - code generators.  Each takes a graph after the pipeline and
 * writes its files through a temporary name, renamed into place only when
 * complete, so a failed run leaves no partial output.
 */
#ifndef BIBC_BACKENDS_H
#define BIBC_BACKENDS_H
#include "../ir/ir.h"

/* ---- c.c ---- */
/* Writes portable C: cpath (the entry function NAME_run, where NAME is
 * cpath's base name made into an identifier) and hpath (its declaration and
 * I/O documentation).  cmdline is quoted in the header comment. */
void emit_c(Graph *g, const char *cpath, const char *hpath, const char *cmdline);

/* ---- c_main.c ---- */
/* Writes a test-bench program for emit_c's output (see c_main.c). */
void emit_c_main(Graph *g, const char *mpath, const char *hpath, const char *prefix, const char *cmdline);
/* ---- c.c (shared) ---- */
char *c_ident_from_path(Arena *a, const char *path);

/* ---- output.c ---- */
/* A file written atomically: out_open() opens PATH.tmp and registers both
 * names for removal on a user error; out_close() renames it into place. */
typedef struct OutFile {
  FILE *f;
  const char *path;
  char *tmp;
} OutFile;
void out_open(OutFile *o, const char *path);
void out_close(OutFile *o);

#endif
