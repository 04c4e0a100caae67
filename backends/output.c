/*
 * output.c - atomic output files: write to PATH.tmp, rename on success.
 * Both names are registered with the error module, so a user error or an
 * internal error in the middle of code generation leaves nothing behind;
 * with out_defer() the renames wait for out_commit(), so a failure leaves
 * every earlier file of the run as it was.  No output may name an input
 * file (by device and inode, whatever the spelling).  A symbolic link is
 * followed: the file it names is replaced, not the link (-o /dev/stdout
 * with standard output sent to a file replaces that file).  A path that is
 * not a regular file (a device, a pipe) cannot be renamed over: renaming
 * would replace the device's name with a file, which as root in /dev it
 * does.  Its output is kept in memory and written to it in one go at the
 * same point, so a failure still writes nothing there.
 */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backends.h"

/* The file a symbolic link names, else path.  A run opens a few outputs,
 * each name stays in use to its end: a small static store, no allocation. */
static const char *follow(const char *path) {
  static char reals[16][PATH_MAX];
  static int nreals;
  struct stat st;
  if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode) || nreals == 16)
    return path;
  /* fails for a pipe's /proc/self/fd/1 ("pipe:[...]"): then the path itself */
  return realpath(path, reals[nreals]) ? reals[nreals++] : path;
}

void out_open(OutFile *o, const char *given) {
  const char *path = follow(given);  /* messages name the path as given */
  size_t n = strlen(path);
  o->path = path;
  o->tmp = malloc(n + 5);
  if (!o->tmp)
    die("out of memory");
  memcpy(o->tmp, path, n);
  memcpy(o->tmp + n, ".tmp", 5);
  o->mem = NULL;
  o->memlen = 0;
  const char *in = file_input_at(path);
  if (!in)
    in = file_input_at(o->tmp);
  if (in)
    error_at(given, NULL, "refusing to write over the input file %s: choose another output name", in);
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    error_at(given, NULL, "is a directory; -o names the file to write");
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {  /* a device or a pipe */
    free(o->tmp);
    o->tmp = NULL;
    o->f = open_memstream(&o->mem, &o->memlen);
    if (!o->f)
      die("out of memory");
    return;
  }
  error_remove_on_exit(o->tmp);
  o->f = fopen(o->tmp, "wb");
  if (!o->f)
    error_at(given, NULL, "cannot create output file: %s", strerror(errno));
}

static OutFile *pending;  /* closed files out_commit puts in place */
static int npending, maxpending, deferring;

static void put_in_place(const char *path, char *tmp, char *mem, size_t memlen) {
  if (!tmp) {  /* not a regular file: write the text to it */
    FILE *f = fopen(path, "wb");
    if (!f)
      error_at(path, NULL, "cannot open for writing: %s", strerror(errno));
    int bad = fwrite(mem, 1, memlen, f) != memlen;
    if (fclose(f) != 0 || bad)
      error_at(path, NULL, "cannot write the output: %s", strerror(errno));
    free(mem);
    return;
  }
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
    pending[npending++] = *o;
  } else {
    put_in_place(o->path, o->tmp, o->mem, o->memlen);
  }
  o->tmp = NULL;
  o->mem = NULL;
}

void out_defer(void) { deferring = 1; }

void out_commit(void) {
  for (int i = 0; i < npending; i++)
    put_in_place(pending[i].path, pending[i].tmp, pending[i].mem, pending[i].memlen);
  npending = deferring = 0;
}
