/*
 * conformance.h - shared by the conformance runner's two files:
 * conformance.c (command line, test selection, worker scheduling, report)
 * and run_test.c (one test through the interpreter and the C backend).
 */
#ifndef BIBC_CONFORMANCE_H
#define BIBC_CONFORMANCE_H
#include <stdint.h>
#include <stdio.h>

#include "../../frontend/frontend.h"

#define TIMEOUT 60        /* seconds allowed to each started program */
#define MAXIN 64          /* graph inputs per test (bibc's own -i limit) */
#define MAXARGS 512       /* words in --cc */
#define WHYLEN 600        /* longest failure reason kept */

typedef struct Config {
  const char *bibc;          /* path of the bibc binary */
  char *ccargv[MAXARGS];     /* --cc split at blanks (words point into ccbuf) */
  int nccargv;
  char *ccbuf;
  const char *work;          /* --work: per-test directories go below it */
  const char *exclude;       /* --exclude file, or NULL */
  const char *filter;        /* --filter substring, or NULL */
  int jobs;                  /* -j */
  int list;                  /* --list: print the selection, run nothing */
  int verbose;               /* -v: one line per test as it finishes */
} Config;

typedef struct Test {
  const char *label;         /* root label, for messages and the work dir */
  char *name;                /* directory name, e.g. "test_add_bcast" */
  char *dir;                 /* ROOT/NAME */
  uint64_t opmask;           /* bit k: the model uses ops[k] (conformance.c) */
  const char *excluded;      /* reason from the exclusion list, or NULL */
  int passed;
  char *why;                 /* failure reason (malloc'd) */
} Test;

/* ---- conformance.c ---- */
NORETURN void fatal(const char *fmt, ...) PRINTF(1, 2);
void *xmalloc(size_t n);
int is_file(const char *path);
unsigned char *slurp(const char *path, size_t *len);   /* NUL-terminated; NULL if unreadable */
int mkdirs(const char *path);                          /* mkdir -p; 0 on success */

/* ---- run_test.c ---- */
/* Runs t through both paths in c->work/LABEL/NAME; returns 1 if it passed,
 * else 0 with the reason in why. */
int run_test(const Config *c, const Test *t, char *why, size_t nwhy);

#endif
