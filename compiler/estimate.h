/*
 * estimate.h - what 'bibc estimate' shares between estimate.c (options,
 * the flow, the budget, the report) and synth.c (running Yosys and
 * nextpnr on the Verilog and reading their figures).
 */
#ifndef BIBC_ESTIMATE_H
#define BIBC_ESTIMATE_H
#include "compiler.h"
#include "../frontend/frontend.h"

/* Target devices.  ORDER: devices[] in synth.c. */
typedef enum Device { DEV_XC7, DEV_ICE40, DEV_ASIC } Device;

/* What one synthesis run measured (-1: not measured). */
typedef struct SynthLayer {
  int64_t lut, ff, carry, dsp, bram;   /* per layer module (xc7, ice40) */
  int64_t cells, transistors;          /* asic */
  double area;                         /* asic with --liberty */
} SynthLayer;
typedef struct Synth {
  SynthLayer total;
  SynthLayer *layers;        /* per graph node position; lut -1: no module */
  int64_t muxf;              /* xc7: MUXF7/MUXF8 */
  int depth;                 /* logic levels on the longest path (cells) */
  double delay_ns;           /* register to register, by fmax_method */
  double abc9_ns;            /* xc7: abc9's largest delay of one module (cells only) */
  double fmax_mhz;
  const char *fmax_method;   /* how the delay was found, one line */
  const char *version;       /* "Yosys 0.23 (git sha1 ...)" */
  const char *script;        /* the Yosys script, verbatim */
  double seconds;            /* Yosys's wall time (nextpnr's too, if it ran) */
  int runs;                  /* xc7: parallel Yosys runs of the script (synth.c), else 1 */
  const char *pnr;           /* ice40: nextpnr's result in one line, or NULL */
} Synth;

#define NBUDGET 9            /* figures --budget may limit (estimate.c) */

typedef struct Estimate {
  Arena *a;
  const char *model;
  const char *out;           /* -o NAME.v: also write the Verilog there */
  Device device;
  const char *liberty;       /* --liberty FILE (asic) */
  int json;                  /* --json */
  int nodsp;                 /* --no-dsp: synth_xilinx -nodsp */
  int nosynth;               /* --no-synth */
  const char *budget;        /* --budget lut=N,... */
  double limit[NBUDGET];     /* its limits (NAN: none) */
  int timeout;               /* --timeout S for each tool */
  PassOptions po;
  ConstBinding binds[64];
  int nbinds;
  Graph *g;
  Net *net;
  NetCost cost;
  const char *name;          /* the Verilog module */
  double model_ms;           /* compile + cost model time */
  Synth syn;
} Estimate;

/* ---- synth.c ---- */
const char *device_name(Device d);
int device_parse(const char *s, Device *d);        /* 0: unknown */
/* Writes the Verilog and the script into a temporary directory, runs Yosys
 * (and nextpnr for a small iCE40 design), fills e->syn; user errors name the
 * missing tool's Debian package, or quote the failing tool's last lines. */
void synth_run(Estimate *e);

#endif
