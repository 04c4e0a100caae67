/*
 * fuzz_dsl.c - libFuzzer harness: arbitrary bytes as a model-language file
 * (.bib, doc/dsl.md), through what `bibc model.bib -o model.v` does before
 * printing: the scanner and parser (dsl_import), the --fixed pipeline and,
 * for a graph with an integer core, the Verilog backend's netlist passes,
 * with fuzz_onnx.c's bounds on their cost.  Includes and `file` constants
 * resolve beside the input file (in /dev/shm or the temporary folder).  A
 * crashing input reproduces with `bibc crash-FILE.bib --fixed -o x.v`
 * (rename it to end in .bib).
 */
#include "../../compiler/compiler.h"
#include "../../frontend/frontend.h"
#include "fuzz.h"

#define DA_MAX_CONST 1024
#define NET_MAX_CONST (1 << 14)
#define NET_MAX_ELEMS (1 << 18)

static const char *model;  /* this process's model file */

static void count(const Graph *g, int64_t *nconst, int64_t *nother) {
  *nconst = *nother = 0;
  for (int i = 0; i < g->nvalues; i++) {
    const Value *v = g->values[i];
    if (!v || !v->shape_known)
      continue;
    int64_t n = dims_numel_checked(v->dims, v->rank);
    n = n < 0 ? NET_MAX_ELEMS + 1 : n;
    if (v->data)
      *nconst += n;
    else
      *nother += n;
  }
}

static void compile(void *arg) {
  (void)arg;
  Graph *g = dsl_import(model, NULL, 0);
  PassOptions po = {.fixed = 1};
  pipeline_run_opts(g, pipeline_for(&po), NULL, &po);
  IntSplit s;
  int64_t nconst, nother;
  count(g, &nconst, &nother);
  if (int_split(&s, g) && nconst <= NET_MAX_CONST && nother <= NET_MAX_ELEMS) {
    po.no_da = nconst > DA_MAX_CONST;
    net_pipeline_run(g, net_pipeline_for(1, &po), &po);
  }
  arena_free(g->arena);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  model = fuzz_path("bibc-fuzz-dsl", ".bib");
  fuzz_prime(model);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_write(model, data, size);
  fuzz_run(compile, NULL);
  return 0;
}
