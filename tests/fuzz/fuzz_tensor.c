/*
 * fuzz_tensor.c - libFuzzer harness for the tensor readers (tensor_read):
 * the first byte picks the format (even: .npy, odd: .pb, a serialized
 * onnx.TensorProto; the file's extension is what bibc goes by), the rest is
 * the file.  A tensor that reads is also written back in both formats
 * (tensor_write_npy, tensor_write_pb) and read again: the README promises
 * both directions are exact for every type, so any difference in type,
 * shape or bytes aborts.  A crashing input reproduces with
 * `tail -c +2 crash-FILE > x.npy` (or x.pb) and `bibc run m.onnx -i x.npy`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../frontend/frontend.h"
#include "fuzz.h"

static const char *in_npy, *in_pb, *rt_npy, *rt_pb;  /* this process's files */
static const char *in;                                /* this execution's input */

static void same(const Value *a, const Value *b, const char *how) {
  int ok = a->dt == b->dt && a->rank == b->rank &&
           memcmp(a->dims, b->dims, sizeof a->dims[0] * (size_t)a->rank) == 0;
  if (ok)
    ok = memcmp(a->data, b->data, (size_t)value_numel(a) * dtype_size(a->dt)) == 0;
  if (!ok) {
    fprintf(stderr, "fuzz_tensor: %s changes the tensor (%s %d-d -> %s %d-d)\n", how,
            dtype_name(a->dt), a->rank, dtype_name(b->dt), b->rank);
    abort();
  }
}

static void read_back(void *arg) {
  (void)arg;
  Arena *a = arena_new();
  Value *v = tensor_read(a, in);
  if (tensor_write_npy(rt_npy, v) != 0 || tensor_write_pb(rt_pb, v) != 0) {
    fprintf(stderr, "fuzz_tensor: cannot write %s or %s\n", rt_npy, rt_pb);
    abort();
  }
  same(v, tensor_read(a, rt_npy), "writing .npy and reading it back");
  same(v, tensor_read(a, rt_pb), "writing .pb and reading it back");
  arena_free(a);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  in_npy = fuzz_path("bibc-fuzz-tensor-in", ".npy");
  in_pb = fuzz_path("bibc-fuzz-tensor-in", ".pb");
  rt_npy = fuzz_path("bibc-fuzz-tensor-rt", ".npy");
  rt_pb = fuzz_path("bibc-fuzz-tensor-rt", ".pb");
  fuzz_prime(in_npy);
  fuzz_prime(in_pb);
  fuzz_prime(rt_npy);
  fuzz_prime(rt_pb);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  in = data[0] & 1 ? in_pb : in_npy;
  fuzz_write(in, data + 1, size - 1);
  fuzz_run(read_back, NULL);
  return 0;
}
