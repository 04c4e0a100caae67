/*
 * fuzz_dsl.c - libFuzzer harness: arbitrary bytes as a model-language file
 * (.bib, doc/dsl.md), through what `bibc model.bib -o model.v` does before
 * printing: the scanner and parser (dsl_import), the --fixed pipeline and,
 * for a graph with an integer core, the Verilog backend's netlist passes
 * (fuzz_compile_fixed, as fuzz_onnx.c).  Includes and `file` constants
 * resolve beside the input file (in /dev/shm or the temporary folder).  A
 * crashing input reproduces with `bibc crash-FILE.bib --fixed -o x.v`
 * (rename it to end in .bib).
 */
#include "../../frontend/frontend.h"
#include "fuzz.h"

static const char *model;  /* this process's model file */

static void compile(void *arg) {
  (void)arg;
  fuzz_compile_fixed(dsl_import(model, NULL, 0));
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
