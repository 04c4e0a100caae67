/*
 * output.c - atomic output files: write to PATH.tmp, rename on success.
 * Both names are registered with the error module, so a user error or an
 * internal error in the middle of code generation leaves nothing behind;
 * with out_defer() the renames wait for out_commit(), so a failure leaves
 * every earlier file of the run as it was.  No output may name an input
 * file (by device and inode, whatever the spelling).
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
  const char *in = file_input_at(path);
  if (!in)
    in = file_input_at(o->tmp);
  if (in)
    error_at(path, NULL, "refusing to write over the input file %s: choose another output name", in);
  error_remove_on_exit(o->tmp);
  o->f = fopen(o->tmp, "wb");
  if (!o->f)
    error_at(path, NULL, "cannot create output file: %s", strerror(errno));
}

static struct Pending { const char *path; char *tmp; } *pending;  /* renames out_commit does */
static int npending, maxpending, deferring;

static void put_in_place(const char *path, char *tmp) {
  if (rename(tmp, path) != 0)
    error_at(path, NULL, "cannot rename %s into place: %s", tmp, strerror(errno));
  error_keep_output(tmp);
  error_remove_on_exit(path);
  free(tmp);
}

void out_close(OutFile *o) {
  int bad = ferror(o->f);
  long size = ftell(o->f);
  if (fclose(o->f) != 0 || bad)
    error_at(o->path, NULL, "cannot write output file (disk full?)");
  if (size > (long)IR_MAX_FILE_MB << 20)
    error_at(o->path, NULL, "the generated file has %ld MB; bibc writes at most %d MB (a model "
             "this large is beyond what it is for)", size >> 20, IR_MAX_FILE_MB);
  if (deferring) {
    if (npending == maxpending) {
      maxpending = maxpending ? 2 * maxpending : 16;
      pending = realloc(pending, sizeof *pending * (size_t)maxpending);
      if (!pending)
        die("out of memory");
    }
    pending[npending].path = o->path;
    pending[npending++].tmp = o->tmp;
  } else {
    put_in_place(o->path, o->tmp);
  }
  o->tmp = NULL;
}

void out_defer(void) { deferring = 1; }

void out_commit(void) {
  for (int i = 0; i < npending; i++)
    put_in_place(pending[i].path, pending[i].tmp);
  npending = deferring = 0;
}
