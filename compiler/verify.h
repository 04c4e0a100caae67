/*
 * verify.h - what 'bibc verify' shares between verify.c (options, input
 * vectors, the two references, the backends and their comparison) and
 * verify_report.c (the text table and the JSON file).
 */
#ifndef BIBC_VERIFY_H
#define BIBC_VERIFY_H
#include "compiler.h"
#include "../backends/backends.h"
#include "../frontend/frontend.h"

#define MAXFILES 64
#define NCORNER 4                         /* corner vectors before the random ones */
#define SEED 0x62696263u                  /* "bibc" */

typedef struct Verify Verify;

typedef struct Mismatch {
  int64_t sample;
  int out;                   /* graph output */
  int64_t index;             /* element within the sample's output */
  unsigned char got[8], want[8];  /* the element's bytes */
} Mismatch;

typedef struct Report {
  const Backend *b;          /* a row of backends[] (backends/backends.c) */
  uint64_t *bits;            /* per output: mismatching bits */
  int64_t *elems;            /* per output: mismatching elements */
  int found;                 /* first is set */
  Mismatch first;
} Report;

struct Verify {
  Arena *a;
  const char *model;
  PassOptions po;            /* --precision, --config, --calibrate, --prune: the fixed model */
  const char *json;          /* --json FILE */
  const char *data[MAXFILES];  /* --data files, in graph-input order */
  int ndata;
  ConstBinding binds[MAXFILES];
  int nbinds;
  int64_t nrandom;           /* random vectors (generated inputs only) */
  int samples_given;         /* --samples was given */
  Graph *flt, *fix;          /* float and fixed-point pipelines */
  int64_t n;                 /* samples */
  int ncorner;               /* samples 0..ncorner-1 are corner vectors */
  Value **in;                /* per input: 1 or n samples */
  double *lo, *hi;           /* per input: range of the generated vectors */
  const Value **quant;       /* per input: the FromFloat that gave the range */
  void **want, **ref;        /* per output: fixed graph's, float graph's results */
  double *maxerr;            /* per output: max |fixed - float| */
  int64_t *agree, *nargmax;  /* per output: argmax agreement over nargmax samples */
  Report *rep;               /* one per distinct --target (at most nbackends) */
  int nrep;
};

/* ---- verify_report.c ---- */
/* An element's bits as an integer, from its es bytes in host order. */
uint64_t verify_elem_bits(const unsigned char *p, size_t es);
/* The table, ending in a result line; 1 if no backend mismatches. */
int verify_print(Verify *v, FILE *f);
/* One line "MODEL: error: target T: N mismatching bits ..." per failing backend. */
void verify_print_errors(Verify *v, FILE *f);
void verify_write_json(Verify *v, int ok);

#endif
