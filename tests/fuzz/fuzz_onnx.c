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
 * models): fuzz_compile_fixed (fuzz_common.c) builds the netlist and runs
 * distributed arithmetic only for graphs up to a size.
 */
#include "../../frontend/frontend.h"
#include "fuzz.h"

static const char *model;  /* this process's model file */

static void compile(void *arg) {
  (void)arg;
  fuzz_compile_fixed(onnx_import(model, NULL, 0));
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
