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
 * the .npy readers in bibc).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  if (rank > 16)
    usage();
  long long dims[16], n = 1;
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
  int isfloat = code[0] == 'f';
  size_t esz = (size_t)atoi(code + 1);
  const char *descr = strcmp(code, "f4") == 0 ? "<f4" : strcmp(code, "f8") == 0 ? "<f8"
                    : strcmp(code, "i1") == 0 ? "|i1" : strcmp(code, "u1") == 0 ? "|u1"
                    : strcmp(code, "i2") == 0 ? "<i2" : strcmp(code, "i4") == 0 ? "<i4"
                    : strcmp(code, "i8") == 0 ? "<i8" : NULL;
  if (!descr)
    usage();
  if (!ranged) {
    lo = isfloat ? -1 : -8;
    hi = isfloat ? 1 : 7;
  }
  if (strcmp(code, "u1") == 0 && lo < 0)
    lo = 0;

  char shape[400], h[512];
  int k = 0;
  for (int i = 0; i < rank; i++)
    k += snprintf(shape + k, sizeof shape - (size_t)k, i + 1 < rank ? "%lld, " : rank == 1 ? "%lld," : "%lld",
                  dims[i]);
  shape[k] = 0;
  int hl = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape);
  int pad = (64 - (10 + hl + 1) % 64) % 64;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  pre[8] = (unsigned char)((hl + pad + 1) & 0xff);
  pre[9] = (unsigned char)((hl + pad + 1) >> 8);
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return 2;
  }
  fwrite(pre, 1, 10, f);
  fwrite(h, 1, (size_t)hl, f);
  for (int i = 0; i < pad; i++)
    fputc(' ', f);
  fputc('\n', f);
  for (long long i = 0; i < n; i++) {
    unsigned char b[8];
    if (isfloat) {
      double x = lo + (hi - lo) * uniform();
      if (esz == 4) {
        float y = (float)x;
        memcpy(b, &y, 4);
      } else {
        memcpy(b, &x, 8);
      }
    } else {
      int64_t span = (int64_t)(hi - lo) + 1;
      int64_t x = (int64_t)lo + (int64_t)(next() % (uint64_t)(span > 0 ? span : 1));
      for (size_t j = 0; j < esz; j++)
        b[j] = (unsigned char)((uint64_t)x >> (8 * j));
    }
    fwrite(b, 1, esz, f);
  }
  if (fclose(f) != 0) {
    perror(path);
    return 2;
  }
  return 0;
}
