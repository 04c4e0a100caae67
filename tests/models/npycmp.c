/*
 * npycmp.c - compares two numeric tensors elementwise, for the model tests.
 *
 *     npycmp [-r] [-v] A B TOL
 *
 * A and B are .npy files (little-endian numeric, C order) or serialized
 * onnx.TensorProto files (.pb; dims, data_type and raw_data or the typed
 * *_data fields), in any mix.  Shapes must be equal.  Prints the largest
 * |A - B| and, on failure, the first element whose difference exceeds TOL;
 * exit status 0 if every |A - B| <= TOL, 1 if not, 2 if a file is unusable.
 * With -r the bound scales with B: |A - B| <= TOL * max(1, |B|) (for
 * reference outputs in the hundreds, where one float32 ulp exceeds 1e-4).
 * -v also prints both tensors, one row (last axis) per line, A above B.
 * NaN equals NaN; NaN against a number is an infinite difference.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Tensor {
  int rank;
  long long dims[16];
  long long n;               /* element count */
  double *x;                 /* elements as double */
} Tensor;

static void fail(const char *path, const char *msg) {
  fprintf(stderr, "npycmp: %s: %s\n", path, msg);
  exit(2);
}

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    fail(path, "cannot open");
  size_t cap = 1 << 16, n = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (!buf)
      fail(path, "out of memory");
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Element type: 'f' float, 'i' signed, 'u' unsigned, 'b' bool, and size. */
static double get(const unsigned char *p, char kind, int size) {
  uint64_t u = 0;
  for (int i = 0; i < size; i++)
    u |= (uint64_t)p[i] << (8 * i);
  if (kind == 'f') {
    if (size == 4) {
      uint32_t w = (uint32_t)u;
      float f;
      memcpy(&f, &w, 4);
      return f;
    }
    double d;
    memcpy(&d, &u, 8);
    return d;
  }
  if (kind == 'i') {
    int shift = 64 - 8 * size;
    return (double)((int64_t)(u << shift) >> shift);
  }
  return (double)u;
}

static void alloc_elems(Tensor *t, const char *path) {
  t->n = 1;
  for (int i = 0; i < t->rank; i++)
    t->n *= t->dims[i];
  if (t->n < 0 || t->n > 500000000)
    fail(path, "bad element count");
  t->x = malloc(sizeof *t->x * (size_t)(t->n ? t->n : 1));
  if (!t->x)
    fail(path, "out of memory");
}

static void read_npy(const char *path, const unsigned char *b, size_t len, Tensor *t) {
  size_t hl, off;
  if (len < 10 || memcmp(b, "\x93NUMPY", 6) != 0)
    fail(path, "not a .npy file");
  if (b[6] == 1) {
    hl = b[8] | (size_t)b[9] << 8;
    off = 10;
  } else {
    if (len < 12)
      fail(path, "truncated header");
    hl = b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
    off = 12;
  }
  if (off + hl > len)
    fail(path, "truncated header");
  char *h = calloc(hl + 1, 1);
  if (!h)
    fail(path, "out of memory");
  memcpy(h, b + off, hl);
  const char *d = strstr(h, "'descr':"), *s = strstr(h, "'shape':");
  if (!d || !s || strstr(h, "'fortran_order': True"))
    fail(path, "unsupported .npy header");
  d = strchr(d + 8, '\'');
  if (!d || (d[1] != '<' && d[1] != '|') || !strchr("fiub", d[2]))
    fail(path, "unsupported .npy dtype (need little-endian numeric)");
  char kind = d[2];
  int size = d[3] - '0';
  if (size != 1 && size != 2 && size != 4 && size != 8)
    fail(path, "unsupported .npy dtype size");
  s = strchr(s, '(');
  t->rank = 0;
  for (s = s ? s + 1 : NULL; s && *s && *s != ')';) {
    char *end;
    while (*s == ' ' || *s == ',')
      s++;
    if (*s == ')')
      break;
    long long v = strtoll(s, &end, 10);
    if (end == s || t->rank == 16)
      fail(path, "bad shape");
    t->dims[t->rank++] = v;
    s = end;
  }
  free(h);
  alloc_elems(t, path);
  if ((len - off - hl) / (size_t)size < (size_t)t->n)
    fail(path, "data shorter than the shape says");
  for (long long i = 0; i < t->n; i++)
    t->x[i] = get(b + off + hl + (size_t)i * (size_t)size, kind, size);
}

/* Protobuf wire format, just enough for TensorProto. */
static uint64_t varint(const char *path, const unsigned char **p, const unsigned char *end) {
  uint64_t v = 0;
  for (int s = 0; s < 64; s += 7) {
    if (*p >= end)
      fail(path, "truncated protobuf");
    unsigned char c = *(*p)++;
    v |= (uint64_t)(c & 0x7f) << s;
    if (!(c & 0x80))
      return v;
  }
  fail(path, "bad varint");
  return 0;
}

static void read_pb(const char *path, const unsigned char *b, size_t len, Tensor *t) {
  const unsigned char *p = b, *end = b + len, *raw = NULL;
  size_t rawlen = 0;
  int dtype = 0;
  /* Typed data fields: float_data 4, int32_data 5, int64_data 7,
   * double_data 10, uint64_data 11; kept as doubles as they come. */
  double *vals = NULL;
  long long nvals = 0, capvals = 0;
  t->rank = 0;
  while (p < end) {
    uint64_t key = varint(path, &p, end);
    int field = (int)(key >> 3), wire = (int)(key & 7);
    const unsigned char *q = p, *qend = p;
    int packed = 0;
    if (wire == 2) {
      uint64_t n = varint(path, &p, end);
      if (n > (uint64_t)(end - p))
        fail(path, "truncated protobuf");
      q = p;
      qend = p + n;
      p += n;
      packed = 1;
    }
    if (field == 9 && wire == 2) {
      raw = q;
      rawlen = (size_t)(qend - q);
      continue;
    }
    if (field == 1 || field == 2 || field == 4 || field == 5 || field == 7 || field == 10 || field == 11) {
      /* Either one scalar (wire 0, 1 or 5) or a packed run of them. */
      if (!packed) {
        q = p;
        qend = end;
      }
      do {
        double v;
        if (field == 4) {
          if (qend - q < 4)
            fail(path, "truncated float_data");
          v = get(q, 'f', 4);
          q += 4;
        } else if (field == 10) {
          if (qend - q < 8)
            fail(path, "truncated double_data");
          v = get(q, 'f', 8);
          q += 8;
        } else {
          uint64_t u = varint(path, &q, qend);
          v = field == 11 ? (double)u : field == 5 ? (double)(int32_t)(uint32_t)u : (double)(int64_t)u;
        }
        if (field == 1) {
          if (t->rank == 16)
            fail(path, "rank too large");
          t->dims[t->rank++] = (long long)v;
        } else if (field == 2) {
          dtype = (int)v;
        } else {
          if (nvals == capvals) {
            capvals = capvals ? 2 * capvals : 256;
            vals = realloc(vals, sizeof *vals * (size_t)capvals);
            if (!vals)
              fail(path, "out of memory");
          }
          vals[nvals++] = v;
        }
      } while (packed && q < qend);
      if (!packed)
        p = q;
      continue;
    }
    /* Any other field: skip it. */
    if (wire == 0)
      varint(path, &p, end);
    else if (wire == 1)
      p += 8;
    else if (wire == 5)
      p += 4;
    else if (wire != 2)
      fail(path, "unsupported protobuf wire type");
    if (p > end)
      fail(path, "truncated protobuf");
  }
  alloc_elems(t, path);
  if (raw) {
    static const struct { int code; char kind; int size; } types[] = {
      {1, 'f', 4}, {2, 'u', 1}, {3, 'i', 1}, {4, 'u', 2}, {5, 'i', 2}, {6, 'i', 4},
      {7, 'i', 8}, {9, 'b', 1}, {11, 'f', 8}, {12, 'u', 4}, {13, 'u', 8},
    };
    int k = -1;
    for (int i = 0; i < (int)(sizeof types / sizeof types[0]); i++)
      if (types[i].code == dtype)
        k = i;
    if (k < 0)
      fail(path, "unsupported TensorProto data_type");
    if (rawlen != (size_t)t->n * (size_t)types[k].size)
      fail(path, "raw_data size does not match the shape");
    for (long long i = 0; i < t->n; i++)
      t->x[i] = get(raw + (size_t)i * (size_t)types[k].size, types[k].kind, types[k].size);
  } else {
    if (nvals != t->n)
      fail(path, "number of values does not match the shape");
    for (long long i = 0; i < t->n; i++)
      t->x[i] = vals[i];
  }
  free(vals);
}

static void load(const char *path, Tensor *t) {
  size_t len;
  unsigned char *b = slurp(path, &len);
  if (len >= 6 && memcmp(b, "\x93NUMPY", 6) == 0)
    read_npy(path, b, len, t);
  else
    read_pb(path, b, len, t);
  free(b);
}

static void print_shape(const Tensor *t) {
  putchar('[');
  for (int i = 0; i < t->rank; i++)
    printf("%s%lld", i ? "," : "", t->dims[i]);
  putchar(']');
}

int main(int argc, char **argv) {
  int rel = 0, verbose = 0;
  while (argc > 1 && (strcmp(argv[1], "-r") == 0 || strcmp(argv[1], "-v") == 0)) {
    if (argv[1][1] == 'r')
      rel = 1;
    else
      verbose = 1;
    argv++;
    argc--;
  }
  if (argc != 4) {
    fputs("usage: npycmp [-r] [-v] A B TOL   (A, B: .npy or TensorProto .pb)\n", stderr);
    return 2;
  }
  Tensor a, b;
  double tol = atof(argv[3]);
  load(argv[1], &a);
  load(argv[2], &b);
  int status = 0;
  if (a.rank != b.rank || memcmp(a.dims, b.dims, sizeof a.dims[0] * (size_t)a.rank) != 0) {
    printf("shape mismatch: %s is ", argv[1]);
    print_shape(&a);
    printf(", %s is ", argv[2]);
    print_shape(&b);
    putchar('\n');
    status = 1;
  } else {
    double maxd = 0;
    long long row = a.rank ? a.dims[a.rank - 1] : 1;
    for (long long i = 0; verbose && row > 0 && i < a.n; i += row) {
      for (int w = 0; w < 2; w++) {
        const Tensor *t = w ? &b : &a;
        printf("%s", w ? "B:" : "A:");
        for (long long j = i; j < i + row; j++)
          printf(" %10.6g", t->x[j]);
        putchar('\n');
      }
    }
    long long first = -1, worst = 0;
    for (long long i = 0; i < a.n; i++) {
      double x = a.x[i], y = b.x[i], d;
      if (isnan(x) || isnan(y))
        d = isnan(x) && isnan(y) ? 0 : INFINITY;
      else if (x == y)
        d = 0;  /* also equal infinities */
      else
        d = fabs(x - y);
      if (d > maxd) {
        maxd = d;
        worst = i;
      }
      double bound = rel ? tol * fmax(1.0, fabs(y)) : tol;
      if (d > bound && first < 0)
        first = i;
    }
    printf("max |diff| %.3g over %lld elements", maxd, a.n);
    if (maxd > 0)
      printf(" (at flat index %lld)", worst);
    printf(", tolerance %g%s\n", tol, rel ? " * max(1, |B|)" : "");
    if (first >= 0) {
      printf("first mismatch at flat index %lld: %.9g vs %.9g\n", first, a.x[first], b.x[first]);
      status = 1;
    }
  }
  free(a.x);
  free(b.x);
  return status;
}
