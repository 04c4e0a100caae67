/*
 * verify.h - what 'bibc verify' shares between verify.c (options, input
 * vectors, the two references, the backends and their comparison),
 * verify_sim.c (co-simulation of the Verilog backend) and verify_report.c
 * (the text table and the JSON file).
 */
#ifndef BIBC_VERIFY_H
#define BIBC_VERIFY_H
#include "compiler.h"
#include "../backends/backends.h"
#include "../frontend/frontend.h"

#define MAXFILES 64
#define MAXTMP 40                         /* graph inputs + outputs (error.c's file list) */
#define NCORNER 4                         /* corner vectors before the random ones */
#define SEED 0x62696263u                  /* "bibc" */

typedef struct Verify Verify;

typedef struct Mismatch {
  int64_t sample;
  int out;                   /* graph output */
  int64_t index;             /* element within the sample's output */
  unsigned char got[8], want[8];  /* the element's bytes */
} Mismatch;

/* A core output code that a simulation got wrong. */
typedef struct CodeMismatch {
  int64_t sample;
  int port;                  /* core output port (IntSplit.qout, NetPort); nout + i: argmax port i */
  const char *name;          /* the port's graph value ("argmax of NAME" for an argmax port) */
  int64_t index;             /* element within the port */
  int w;                     /* the port's bits per element */
  int64_t got, want;         /* codes; got is out_data's bits, sign-extended if signed */
  uint64_t gotbits, wantbits;  /* the element's fx.w bits */
  int undef;                 /* got had x or z bits (counted as wrong, read as 0) */
  char *in_data;             /* the sample's in_data word, hexadecimal */
} CodeMismatch;

typedef struct Report {
  const Backend *b;          /* a row of backends[] (backends/backends.c) */
  uint64_t *bits;            /* per output: mismatching bits */
  int64_t *elems;            /* per output: mismatching elements */
  int found;                 /* first is set */
  Mismatch first;
  /* CHECK_SIM only: the simulated core output codes (out_data) themselves,
   * so that a float tail such as an ArgMax cannot hide a wrong code */
  const char *sim;           /* simulator's command ("iverilog", "verilator"); NULL: none */
  const char *sim_name;      /* and its name ("Icarus Verilog") */
  int latency;               /* cycles from in_valid to out_valid (LATENCY) */
  uint64_t codebits;         /* mismatching out_data bits over all samples */
  int64_t codeelems;         /* mismatching core output elements */
  int64_t ncodes;            /* core output elements compared (argmax indices included) */
  int64_t argmax_codes;      /* of which argmax port indices (a GroupSum output's) */
  int64_t argmax_wrong;      /* and how many of those were wrong */
  int codefound;             /* firstcode is set */
  CodeMismatch firstcode;
} Report;

struct Verify {
  Arena *a;
  const char *model;
  PassOptions po;            /* --precision, --config, --calibrate, --prune: the fixed model;
                                --pipeline, --clock-ns: the netlist passes */
  const char *json;          /* --json FILE */
  const char *data[MAXFILES];  /* --data files, in graph-input order */
  int ndata;
  ConstBinding binds[MAXFILES];
  int nbinds;
  int64_t nrandom;           /* random vectors (generated inputs only) */
  int samples_given;         /* --samples was given */
  int timeout;               /* --timeout: seconds for one compile, build or run */
  Graph *flt, *fix;          /* float and fixed-point pipelines */
  int64_t n;                 /* samples */
  int ncorner;               /* samples 0..ncorner-1 are corner vectors */
  Value **in;                /* per input: 1 or n samples */
  double *lo, *hi;           /* per input: range of the generated vectors */
  double *wlo, *whi;         /* per input: of every other random vector: the first
                                quantizer's range when a Requant narrows it, else lo, hi */
  const Value **quant;       /* per input: the FromFloat that gave the range */
  char *bits;                /* per input: read as bits by a logic-gate network (0 and 1 only) */
  void **want, **ref;        /* per output: fixed graph's, float graph's results */
  double *maxerr;            /* per output: max |fixed - float| */
  int64_t *agree, *nargmax;  /* per output: argmax agreement over nargmax samples */
  Report *rep;               /* one per distinct --target (at most nbackends) */
  int nrep;
};

/* ---- verify_cc.c ---- */
/* A new mkdtemp folder under TMPDIR (or /tmp), named bibc-verify-XXXXXX. */
char *verify_tmpdir(Verify *v);
/* CHECK_CC: builds r->b's C with a bench and runs it on every sample,
 * filling got[k] with graph output k of all samples, stacked.  A compiler
 * or bench that fails is a user error naming the log's telling line. */
void verify_cc(Verify *v, Report *r, void *const *got);

/* ---- verify_sim.c ---- */
/* CHECK_SIM: simulates r->b's Verilog on every sample with a testbench,
 * fills r's code counts (sim, latency, codebits, ...) and got[k] with
 * graph output k of all samples, stacked, computed from the simulated
 * codes by the fixed graph's float tail.  A simulator that is missing or
 * fails, a timing error or a missing result is a user error. */
void verify_sim(Verify *v, Report *r, void *const *got);

/* ---- verify_report.c ---- */
int verify_popcount(uint64_t x);
/* An element's bits as an integer, from its es bytes in host order. */
uint64_t verify_elem_bits(const unsigned char *p, size_t es);
/* The table, ending in a result line; 1 if no backend mismatches. */
int verify_print(Verify *v, FILE *f);
/* One line "MODEL: error: target T: N mismatching bits ..." per failing backend. */
void verify_print_errors(Verify *v, FILE *f);
void verify_write_json(Verify *v, int ok);

#endif
