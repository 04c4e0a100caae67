/*
 * output.c - atomic output files: write to PATH.tmp, rename on success.
 * Both names are registered with the error module, so a user error or an
 * internal error in the middle of code generation leaves nothing behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends.h"

void out_open(OutFile *o, const char *path) {
  size_t n = strlen(path);
  o->path = path;
  o->tmp = malloc(n + 5);
  if (!o->tmp)
    die("out of memory");
  memcpy(o->tmp, path, n);
  memcpy(o->tmp + n, ".tmp", 5);
  error_remove_on_exit(o->tmp);
  o->f = fopen(o->tmp, "wb");
  if (!o->f)
    error_at(path, NULL, "cannot create output file: %s", strerror(errno));
}

void out_close(OutFile *o) {
  int bad = ferror(o->f);
  if (fclose(o->f) != 0 || bad)
    error_at(o->path, NULL, "cannot write output file (disk full?)");
  if (rename(o->tmp, o->path) != 0)
    error_at(o->path, NULL, "cannot rename %s into place: %s", o->tmp, strerror(errno));
  error_keep_output(o->tmp);
  error_remove_on_exit(o->path);
  free(o->tmp);
  o->tmp = NULL;
}
