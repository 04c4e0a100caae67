/*
 * fuzz_onnx.c - libFuzzer harness: arbitrary bytes as an ONNX model, through
 * what `bibc model.onnx -o model.v` does before printing: onnx_import, the
 * fixed-point pipeline (infer_shapes, lower_fixed, fold_thresholds,
 * eliminate_dead, with ir_verify after each pass) and, when the graph has
 * an integer core, the netlist and the Verilog backend's netlist passes (da,
 * sink_relu, fold_round_bias, insert_registers, each net_verify'd).  A
 * crashing input reproduces with `bibc crash-FILE --fixed --dump-net` or
 * `-o x.v` (the input is the model file, nothing else).
 *
 * Per-execution cost stays bounded (-timeout=10 is for bugs, not for big
 * models): distributed arithmetic takes seconds on a 256 x 490 product, so
 * the da pass runs only for graphs of at most DA_MAX_CONST constant
 * elements, the netlist without it up to NET_MAX_CONST, and no netlist is
 * built for larger graphs or ones whose values hold more than NET_MAX_ELEMS
 * elements.
 */
#include "../../compiler/compiler.h"
#include "../../frontend/frontend.h"
#include "fuzz.h"

#define DA_MAX_CONST 1024
#define NET_MAX_CONST (1 << 14)
#define NET_MAX_ELEMS (1 << 18)

static const char *model;  /* this process's model file */

/* Elements of constant values (weights) and of all others in g. */
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
  Graph *g = onnx_import(model, NULL, 0);
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
  model = fuzz_path("bibc-fuzz-onnx", ".onnx");
  fuzz_prime(model);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_write(model, data, size);
  fuzz_run(compile, NULL);
  return 0;
}
