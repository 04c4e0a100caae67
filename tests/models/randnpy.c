/*
 * randnpy.c - writes a deterministic pseudo-random .npy array, so the model
 * tests can feed bibc and the generated C the same inputs without Python.
 *
 *     randnpy [-r LO HI] OUT.npy DTYPE SEED DIM...
 *
 * DTYPE is a NumPy type code: f4, f8 (uniform in [LO, HI), default [-1, 1))
 * or i1, u1, i2, i4, i8 (uniform integers in [LO, HI], default [-8, 7]).
 * The generator is splitmix64 seeded with SEED, so a given command line
 * writes the same bytes on every machine (little-endian hosts only, like
 * the .npy readers in bibc).  The file is written by bibc's own
 * tensor_write_npy().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../frontend/frontend.h"

static uint64_t state;

static uint64_t next(void) {  /* splitmix64 */
  uint64_t z = (state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static double uniform(void) { return (double)(next() >> 11) * (1.0 / 9007199254740992.0); }

static void usage(void) {
  fputs("usage: randnpy [-r LO HI] OUT.npy f4|f8|i1|u1|i2|i4|i8 SEED DIM...\n", stderr);
  exit(2);
}

/* NumPy type codes randnpy accepts. */
static const struct { const char *code; DType dt; } types[] = {
  {"f4", DT_F32}, {"f8", DT_F64}, {"i1", DT_I8}, {"u1", DT_U8},
  {"i2", DT_I16}, {"i4", DT_I32}, {"i8", DT_I64},
};

int main(int argc, char **argv) {
  int a = 1, ranged = 0;
  double lo = 0, hi = 0;
  if (argc > 3 && strcmp(argv[1], "-r") == 0) {
    lo = atof(argv[2]);
    hi = atof(argv[3]);
    ranged = 1;
    a = 4;
  }
  if (argc - a < 4)
    usage();
  const char *path = argv[a], *code = argv[a + 1];
  state = strtoull(argv[a + 2], NULL, 10);
  int rank = argc - a - 3;
  if (rank > IR_MAXRANK)
    usage();
  int64_t dims[IR_MAXRANK], n = 1;
  for (int i = 0; i < rank; i++) {
    dims[i] = atoll(argv[a + 3 + i]);
    if (dims[i] <= 0 || dims[i] > 100000000)
      usage();
    n *= dims[i];
    if (n > 100000000) {
      fputs("randnpy: array too large\n", stderr);
      return 2;
    }
  }
  DType dt = DT_UNDEF;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(code, types[i].code) == 0)
      dt = types[i].dt;
  if (dt == DT_UNDEF)
    usage();
  int isfloat = dtype_is_float(dt);
  if (!ranged) {
    lo = isfloat ? -1 : -8;
    hi = isfloat ? 1 : 7;
  }
  if (dt == DT_U8 && lo < 0)
    lo = 0;

  Arena *arena = arena_new();
  Value *v = tensor_new(arena, dt, rank, dims);
  for (int64_t i = 0; i < n; i++) {
    if (isfloat) {
      double x = lo + (hi - lo) * uniform();
      if (dt == DT_F32)
        ((float *)v->data)[i] = (float)x;
      else
        ((double *)v->data)[i] = x;
      continue;
    }
    int64_t span = (int64_t)(hi - lo) + 1;
    int64_t x = (int64_t)lo + (int64_t)(next() % (uint64_t)(span > 0 ? span : 1));
    switch (dt) {  /* wraps out-of-range values, as a two's-complement store does */
    case DT_I8: ((int8_t *)v->data)[i] = (int8_t)x; break;
    case DT_U8: ((uint8_t *)v->data)[i] = (uint8_t)x; break;
    case DT_I16: ((int16_t *)v->data)[i] = (int16_t)x; break;
    case DT_I32: ((int32_t *)v->data)[i] = (int32_t)x; break;
    default: ((int64_t *)v->data)[i] = x; break;
    }
  }
  int status = 0;
  if (tensor_write_npy(path, v) != 0) {
    perror(path);
    status = 2;
  }
  arena_free(arena);
  return status;
}
