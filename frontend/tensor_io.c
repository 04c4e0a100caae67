/*
 * tensor_io.c - tensors in and out of files: ONNX TensorProto (.pb, via the
 * protobuf-c code generated from onnx.proto) and NumPy .npy (format 1.0-3.0,
 * little-endian, C or Fortran order (read), header parsed by hand: it is a fixed Python-dict
 * literal, not general Python).  Both directions are exact for every type.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend.h"
#include "onnx.pb-c.h"

Value *tensor_new(Arena *a, DType dt, int rank, const int64_t *dims) {
  Value *v = arena_alloc(a, sizeof *v);
  v->name = "";
  v->dt = dt;
  v->rank = rank;
  for (int i = 0; i < rank; i++)
    v->dims[i] = dims[i];
  v->shape_known = 1;
  v->input_index = v->output_index = -1;
  int64_t n = value_numel(v);
  v->data = arena_alloc(a, (size_t)(n ? n : 1) * dtype_size(dt));
  return v;
}

unsigned char *read_input_file(const char *path, const char *kind, size_t *len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    error_at(path, NULL, "cannot open %s file: %s", kind, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    error_at(path, NULL, "cannot read %s file: %s", kind, strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    error_at(path, NULL, "%s: give the path of a %s file", S_ISDIR(st.st_mode) ? "a directory" :
             "not a regular file (a device, pipe or socket)", kind);
  }
  if (st.st_size > (off_t)IR_MAX_FILE_MB << 20) {
    close(fd);
    error_at(path, NULL, "the %s file has %lld MB; bibc reads at most %d MB", kind,
             (long long)(st.st_size >> 20), IR_MAX_FILE_MB);
  }
  file_note_input(path, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
  size_t n = (size_t)st.st_size, got = 0;
  unsigned char *buf = malloc(n ? n : 1);
  if (!buf)
    die("out of memory");
  while (got < n) {  /* a file that shrinks meanwhile ends early; one that grows is cut */
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      close(fd);
      error_at(path, NULL, "cannot read %s file: %s", kind, strerror(errno));
    }
    if (r == 0)
      break;
    got += (size_t)r;
  }
  close(fd);
  *len = got;
  return buf;
}

Value *tensor_from_proto(Arena *a, const void *p, const char *file, const char *what) {
  const Onnx__TensorProto *tp = p;
  int dt = tp->has_data_type ? tp->data_type : 0;
  if (!dtype_is_valid(dt))
    error_at(file, NULL, "%s has element type %s, which bibc does not support "
             "(convert the model to float32)", what, onnx_dtype_name(dt));
  if (tp->n_dims > IR_MAXRANK)
    error_at(file, NULL, "%s has rank %zu; at most %d is supported", what, tp->n_dims, IR_MAXRANK);
  if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    error_at(file, NULL, "%s uses external data; save the model with its weights inside "
             "(onnx.save(model, path, save_as_external_data=False))", what);
  int64_t dims[IR_MAXRANK];
  for (size_t i = 0; i < tp->n_dims; i++) {
    if (tp->dims[i] < 0 || tp->dims[i] > ((int64_t)1 << 31))
      error_at(file, NULL, "%s has invalid dimension %lld", what, (long long)tp->dims[i]);
    dims[i] = tp->dims[i];
  }
  if (dims_numel_checked(dims, (int)tp->n_dims) < 0) {
    Value tmp = {.rank = (int)tp->n_dims};
    memcpy(tmp.dims, dims, sizeof dims[0] * tp->n_dims);
    error_at(file, NULL, "%s has shape %s, over bibc's limit of %lld elements per tensor and per "
             "dimension", what, shape_str(a, &tmp), (long long)IR_MAXELEMS);
  }
  /* the data present must match the shape before anything is allocated:
   * a few bytes may declare gigabytes */
  Value shape = {.dt = (DType)dt, .rank = (int)tp->n_dims};
  memcpy(shape.dims, dims, sizeof dims[0] * tp->n_dims);
  int64_t n = value_numel(&shape);
  size_t esz = dtype_size(shape.dt), have;
  if (tp->has_raw_data) {
    if (tp->raw_data.len != (size_t)n * esz)
      error_at(file, NULL, "%s: raw_data holds %zu bytes, shape %s of %s needs %zu", what,
               tp->raw_data.len, shape_str(a, &shape), dtype_name(shape.dt), (size_t)n * esz);
  } else {
    switch (shape.dt) {
    case DT_F32: have = tp->n_float_data; break;
    case DT_F64: have = tp->n_double_data; break;
    case DT_I64: have = tp->n_int64_data; break;
    case DT_U32: case DT_U64: have = tp->n_uint64_data; break;
    default: have = tp->n_int32_data; break;  /* int32, int16, int8, uint16, uint8, bool */
    }
    if (have != (size_t)n)
      error_at(file, NULL, "%s holds %zu values, shape %s needs %lld", what, have,
               shape_str(a, &shape), (long long)n);
  }
  Value *v = tensor_new(a, (DType)dt, (int)tp->n_dims, dims);
  if (tp->name)
    v->name = arena_strdup(a, tp->name);
  if (n == 0)
    return v;
  if (tp->has_raw_data) {  /* little-endian host assumed */
    memcpy(v->data, tp->raw_data.data, (size_t)n * esz);
    return v;
  }
  switch (v->dt) {
  case DT_F32: memcpy(v->data, tp->float_data, (size_t)n * 4); break;
  case DT_F64: memcpy(v->data, tp->double_data, (size_t)n * 8); break;
  case DT_I64: memcpy(v->data, tp->int64_data, (size_t)n * 8); break;
  case DT_U32: case DT_U64:
    for (int64_t i = 0; i < n; i++) {
      if (v->dt == DT_U32)
        ((uint32_t *)v->data)[i] = (uint32_t)tp->uint64_data[i];
      else
        ((uint64_t *)v->data)[i] = tp->uint64_data[i];
    }
    break;
  default:
    for (int64_t i = 0; i < n; i++) {
      int32_t x = tp->int32_data[i];
      switch (v->dt) {
      case DT_I32: ((int32_t *)v->data)[i] = x; break;
      case DT_I16: ((int16_t *)v->data)[i] = (int16_t)x; break;
      case DT_U16: ((uint16_t *)v->data)[i] = (uint16_t)x; break;
      case DT_I8: ((int8_t *)v->data)[i] = (int8_t)x; break;
      default: ((uint8_t *)v->data)[i] = (uint8_t)x; break;
      }
    }
    break;
  }
  return v;
}

static Value *read_pb(Arena *a, const char *path) {
  size_t len;
  unsigned char *buf = read_input_file(path, "tensor", &len);
  Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, len, buf);
  free(buf);
  if (!tp)
    error_at(path, NULL, "not a valid serialized onnx.TensorProto (protobuf parse failed)");
  Value *v = tensor_from_proto(a, tp, path, "tensor");
  onnx__tensor_proto__free_unpacked(tp, NULL);
  return v;
}

/* .npy: magic, version, header length, then "{'descr': '<f4', 'fortran_order':
 * False, 'shape': (2, 3), }" padded with spaces, then the data. */
static const struct { const char *descr; DType dt; } npy_types[] = {
  {"<f4", DT_F32}, {"<f8", DT_F64}, {"|i1", DT_I8}, {"|u1", DT_U8}, {"<i2", DT_I16},
  {"<u2", DT_U16}, {"<i4", DT_I32}, {"<u4", DT_U32}, {"<i8", DT_I64}, {"<u8", DT_U64},
  {"|b1", DT_BOOL},
};

/* Copies column-major (Fortran-order) data into v's row-major storage:
 * element (i0..ir-1) sits at sum_d i_d * prod_{e<d} dims[e] in src. */
static void from_fortran_order(Value *v, const unsigned char *src) {
  size_t es = dtype_size(v->dt);
  int64_t n = value_numel(v), idx[IR_MAXRANK] = {0};
  for (int64_t i = 0; i < n; i++) {
    int64_t off = 0, stride = 1;
    for (int d = 0; d < v->rank; d++) {
      off += idx[d] * stride;
      stride *= v->dims[d];
    }
    memcpy((unsigned char *)v->data + (size_t)i * es, src + (size_t)off * es, es);
    for (int d = v->rank - 1; d >= 0 && ++idx[d] == v->dims[d]; d--)
      idx[d] = 0;
  }
}

static Value *read_npy(Arena *a, const char *path) {
  size_t len;
  unsigned char *buf = read_input_file(path, "tensor", &len);
  if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0) {
    free(buf);
    error_at(path, NULL, "not a .npy file (bad magic)");
  }
  size_t hl, off;
  if (buf[6] < 1 || buf[6] > 3 || buf[7] != 0) {  /* 2.0 widens the header length, 3.0 is UTF-8 */
    int major = buf[6], minor = buf[7];
    free(buf);
    error_at(path, NULL, ".npy format version %d.%d; bibc reads 1.0, 2.0 and 3.0", major, minor);
  }
  if (buf[6] == 1) {
    hl = buf[8] | (size_t)buf[9] << 8;
    off = 10;
  } else {
    if (len < 12) {
      free(buf);
      error_at(path, NULL, "truncated .npy header");
    }
    hl = buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
    off = 12;
  }
  if (off + hl > len || hl > 65536) {
    free(buf);
    error_at(path, NULL, "truncated .npy header");
  }
  char *h = arena_alloc(a, hl + 1);
  memcpy(h, buf + off, hl);
  for (size_t i = 0; i < hl; i++)  /* messages quote the header on one line */
    if ((unsigned char)h[i] < 0x20 || h[i] == 0x7f)
      h[i] = h[i] ? ' ' : h[i];
  for (size_t i = hl; i > 0 && h[i - 1] == ' '; i--)
    h[i - 1] = 0;
  if (strlen(h) > 160)
    memcpy(h + 150, " ...", 5);
  const char *d = strstr(h, "'descr':"), *fo = strstr(h, "'fortran_order':"), *sh = strstr(h, "'shape':");
  DType dt = DT_UNDEF;
  if (d) {
    d = strchr(d + 8, '\'');
    for (size_t i = 0; d && i < sizeof npy_types / sizeof npy_types[0]; i++)
      if (strncmp(d + 1, npy_types[i].descr, 3) == 0 && d[4] == '\'')
        dt = npy_types[i].dt;
  }
  if (dt == DT_UNDEF || !fo || !sh) {
    free(buf);
    error_at(path, NULL, "unsupported .npy header (need little-endian numeric dtype): %s", h);
  }
  int fortran = strncmp(fo + 16, " True", 5) == 0;
  int64_t dims[IR_MAXRANK];
  int rank = 0;
  const char *s = strchr(sh, '('), *close = s ? strchr(s, ')') : NULL;
  if (!s || !close) {
    free(buf);
    error_at(path, NULL, "bad shape in .npy header (no parenthesised tuple): %s", h);
  }
  for (s = s + 1; *s && *s != ')';) {
    while (*s == ' ' || *s == ',')
      s++;
    if (*s == ')')
      break;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (end == s || rank == IR_MAXRANK || x < 0 || errno == ERANGE) {
      free(buf);
      error_at(path, NULL, "bad shape in .npy header: %s", h);
    }
    dims[rank++] = x;
    s = end;
  }
  if (dims_numel_checked(dims, rank) < 0) {
    Value tmp = {.rank = rank};
    memcpy(tmp.dims, dims, sizeof dims[0] * (size_t)rank);
    free(buf);
    error_at(path, NULL, ".npy array of shape %s is over bibc's limit of %lld elements per tensor "
             "and per dimension", shape_str(a, &tmp), (long long)IR_MAXELEMS);
  }
  Value shape = {.dt = dt, .rank = rank};
  memcpy(shape.dims, dims, sizeof dims[0] * (size_t)rank);
  size_t need = (size_t)value_numel(&shape) * dtype_size(dt);
  if (len - off - hl != need) {  /* before allocating: a header may declare gigabytes */
    free(buf);
    error_at(path, NULL, ".npy data %s: %zu bytes, shape %s of %s needs %zu",
             len - off - hl < need ? "is truncated" : "has extra bytes", len - off - hl,
             shape_str(a, &shape), dtype_name(dt), need);
  }
  Value *v = tensor_new(a, dt, rank, dims);
  if (fortran)
    from_fortran_order(v, buf + off + hl);
  else if (need)
    memcpy(v->data, buf + off + hl, need);
  free(buf);
  return v;
}

Value *tensor_read(Arena *a, const char *path) {
  size_t n = strlen(path);
  if (n > 4 && strcmp(path + n - 4, ".npy") == 0)
    return read_npy(a, path);
  return read_pb(a, path);
}

/* A TensorProto holding dims, data_type, name and raw_data packs in that
 * order (field numbers 1, 2, 8, 9), so the head is everything but the raw
 * bytes: the other fields, raw_data's tag and its length.  Writing the
 * bytes after it gives what onnx__tensor_proto__pack gives. */
int tensor_fwrite_pb_head(FILE *f, const Value *v) {
  Onnx__TensorProto tp = ONNX__TENSOR_PROTO__INIT;
  int64_t dims[IR_MAXRANK];
  for (int i = 0; i < v->rank; i++)
    dims[i] = v->dims[i];
  tp.n_dims = (size_t)v->rank;
  tp.dims = dims;
  tp.has_data_type = 1;
  tp.data_type = v->dt;
  tp.name = (char *)v->name;
  size_t len = onnx__tensor_proto__get_packed_size(&tp);
  unsigned char *buf = malloc(len + 11);
  if (!buf)
    die("out of memory");
  onnx__tensor_proto__pack(&tp, buf);
  buf[len++] = 9 << 3 | 2;  /* raw_data, length-delimited */
  uint64_t n = (uint64_t)value_numel(v) * dtype_size(v->dt);
  do {
    buf[len++] = (unsigned char)((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>= 7;
  } while (n);
  int ok = fwrite(buf, 1, len, f) == len;
  free(buf);
  return ok ? 0 : -1;
}

static int put_data(FILE *f, const Value *v) {
  size_t n = (size_t)value_numel(v) * dtype_size(v->dt);
  return n == 0 || fwrite(v->data, 1, n, f) == n ? 0 : -1;
}

int tensor_fwrite_pb(FILE *f, const Value *v) {
  return tensor_fwrite_pb_head(f, v) != 0 ? -1 : put_data(f, v);
}

int tensor_fwrite_npy_head(FILE *f, const Value *v) {
  const char *descr = NULL;
  for (size_t i = 0; i < sizeof npy_types / sizeof npy_types[0]; i++)
    if (npy_types[i].dt == v->dt)
      descr = npy_types[i].descr;
  ASSERT(descr);
  char shape[32 * IR_MAXRANK + 4];
  int k = 0;
  for (int i = 0; i < v->rank; i++)
    k += snprintf(shape + k, sizeof shape - (size_t)k, "%lld,%s", (long long)v->dims[i],
                  i + 1 < v->rank ? " " : "");
  if (v->rank > 1)
    shape[k - 1] = 0;  /* numpy writes (2, 3) but (2,) */
  shape[k] = 0;
  char h[512];
  int hl = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                    descr, shape);
  int total = 10 + hl + 1;
  int pad = (64 - total % 64) % 64;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  pre[8] = (unsigned char)((hl + pad + 1) & 0xff);
  pre[9] = (unsigned char)((hl + pad + 1) >> 8);
  fwrite(pre, 1, 10, f);
  fwrite(h, 1, (size_t)hl, f);
  for (int i = 0; i < pad; i++)
    fputc(' ', f);
  return fputc('\n', f) == EOF ? -1 : 0;
}

int tensor_fwrite_npy(FILE *f, const Value *v) {
  return tensor_fwrite_npy_head(f, v) != 0 ? -1 : put_data(f, v);
}

/* The path forms, for bibc's tools and temporary files (outputs a user
 * names go through backends/output.c's atomic files instead). */
static int write_path(const char *path, const Value *v, int (*put)(FILE *, const Value *)) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  int bad = put(f, v) != 0;
  return fclose(f) != 0 || bad ? -1 : 0;
}

int tensor_write_pb(const char *path, const Value *v) { return write_path(path, v, tensor_fwrite_pb); }
int tensor_write_npy(const char *path, const Value *v) { return write_path(path, v, tensor_fwrite_npy); }
