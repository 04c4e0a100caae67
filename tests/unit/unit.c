/*
 * unit.c - unit tests of the pieces under the passes: tensor file round
 * trips for every element type, the op-name table, the kernel table, and
 * broadcasting/lowering of one node checked against hand-computed values.
 * Prints "N passed, M failed" and exits 1 on any failure.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "../../frontend/frontend.h"
#include "../../runtime/rt_fixed.h"
#include "../../runtime/rt_table.h"
#include "check.h"

static const DType all_types[] = {DT_F32, DT_F64, DT_I8, DT_I16, DT_I32, DT_I64,
                                  DT_U8, DT_U16, DT_U32, DT_U64, DT_BOOL};

/* Writes a tensor of each type as .pb and .npy, reads both back. */
static void test_tensor_roundtrip(const char *dir) {
  Arena *a = arena_new();
  for (size_t k = 0; k < sizeof all_types / sizeof all_types[0]; k++) {
    DType dt = all_types[k];
    int64_t dims[3] = {2, 3, 5};
    Value *v = tensor_new(a, dt, 3, dims);
    unsigned char *p = v->data;
    for (size_t i = 0; i < 30 * dtype_size(dt); i++)
      p[i] = (unsigned char)(i * 37 + k);
    if (dt == DT_BOOL)
      for (size_t i = 0; i < 30; i++)
        p[i] &= 1;
    if (dt == DT_F32)
      for (int i = 0; i < 30; i++)
        ((float *)p)[i] = (float)i * 0.1f - 1.0f;
    if (dt == DT_F64)
      for (int i = 0; i < 30; i++)
        ((double *)p)[i] = (double)i / 3.0 - 2.0;
    char *pb = arena_printf(a, "%s/t%d.pb", dir, dt), *npy = arena_printf(a, "%s/t%d.npy", dir, dt);
    CHECK(tensor_write_pb(pb, v) == 0, "write %s", pb);
    CHECK(tensor_write_npy(npy, v) == 0, "write %s", npy);
    Value *r1 = tensor_read(a, pb), *r2 = tensor_read(a, npy);
    size_t n = 30 * dtype_size(dt);
    CHECK(r1->dt == dt && r1->rank == 3 && r1->dims[2] == 5 && memcmp(r1->data, v->data, n) == 0,
          ".pb round trip of %s", dtype_name(dt));
    CHECK(r2->dt == dt && r2->rank == 3 && r2->dims[1] == 3 && memcmp(r2->data, v->data, n) == 0,
          ".npy round trip of %s", dtype_name(dt));
  }
  /* Scalars and 1-D arrays have their own .npy shape syntax: () and (n,). */
  int64_t one = 7;
  Value *s = tensor_new(a, DT_F32, 0, &one), *l = tensor_new(a, DT_I64, 1, &one);
  char *sp = arena_printf(a, "%s/scalar.npy", dir), *lp = arena_printf(a, "%s/list.npy", dir);
  CHECK(tensor_write_npy(sp, s) == 0 && tensor_write_npy(lp, l) == 0, "write scalar/list");
  CHECK(tensor_read(a, sp)->rank == 0, "scalar .npy rank");
  CHECK(tensor_read(a, lp)->rank == 1 && tensor_read(a, lp)->dims[0] == 7, "1-D .npy shape");
  arena_free(a);
}

static void test_tables(void) {
  for (int op = 0; op < OP_COUNT; op++)
    CHECK(op_lookup(op_name((OpKind)op)) == op, "op_lookup(%s)", op_name((OpKind)op));
  CHECK(op_lookup("NoSuchOp") == -1, "unknown op");
  CHECK(op_lookup("") == -1, "empty op name");
  CHECK(kernel_find("rt_nary_f32") != NULL, "rt_nary_f32 in kernel table");
  CHECK(kernel_find("rt_no_such_kernel") == NULL, "unknown kernel");
  for (int f = 0; f < rt_nfamilies; f++)
    CHECK(strstr(rt_families[f].text, "#ifndef RT_") != NULL, "family %s embedded", rt_families[f].header);
}

/* Add of [2,3] and [3] lowered and run through the kernel. */
static void test_broadcast_add(void) {
  Graph *g = graph_new("unit");
  Value *a = value_new(g, "a"), *b = value_new(g, "b"), *y = value_new(g, "y");
  int64_t da[2] = {2, 3}, db[1] = {3};
  a->dt = b->dt = DT_F32;
  a->rank = 2, b->rank = 1;
  memcpy(a->dims, da, sizeof da);
  memcpy(b->dims, db, sizeof db);
  a->shape_known = b->shape_known = 1;
  Node *n = node_new(g, OP_ADD, 2, 1);
  n->in[0] = a, n->in[1] = b, n->out[0] = y, y->producer = n;
  n->opset = 13;
  infer_node(g, n);
  CHECK(y->rank == 2 && y->dims[0] == 2 && y->dims[1] == 3, "broadcast shape");
  float xa[6] = {1, 2, 3, 4, 5, 6}, xb[3] = {10, 20, 30}, out[6];
  void *t[3] = {xa, xb, out};
  interp_node(n, t);
  const float want[6] = {11, 22, 33, 14, 25, 36};
  CHECK(memcmp(out, want, sizeof want) == 0, "broadcast add values");
  arena_free(g->arena);
}

/* rt_fx_round against the definition of each mode on the exact quotient
 * x / 2^s (exact in long double for these ranges), for every x in
 * [-4096, 4096] and s in [0, 14]: 9 modes x 15 shifts x 8193 values. */
static int64_t round_ref(int64_t x, int s, int mode) {
  long double v = (long double)x / (long double)((int64_t)1 << s), f = floorl(v), d = v - f;
  switch (mode) {
  case RT_RND_FLOOR: return (int64_t)f;
  case RT_RND_CEIL: return (int64_t)ceill(v);
  case RT_RND_TRUNC: return (int64_t)truncl(v);
  case RT_RND_AWAY: return (int64_t)(v < 0 ? floorl(v) : ceill(v));
  case RT_RND_HALF_UP: return (int64_t)(d >= 0.5L ? f + 1 : f);
  case RT_RND_HALF_DOWN: return (int64_t)(d > 0.5L ? f + 1 : f);
  case RT_RND_HALF_EVEN: return (int64_t)(d > 0.5L || (d == 0.5L && fmodl(f, 2) != 0) ? f + 1 : f);
  case RT_RND_HALF_AWAY: return (int64_t)(d == 0.5L ? (v > 0 ? f + 1 : f) : d > 0.5L ? f + 1 : f);
  default: return (int64_t)(d == 0.5L ? (v > 0 ? f : f + 1) : d > 0.5L ? f + 1 : f);
  }
}

static void test_fixed_rounding(void) {
  int bad = 0;
  for (int mode = RT_RND_FLOOR; mode <= RT_RND_HALF_ZERO; mode++)
    for (int s = 0; s <= 14; s++)
      for (int64_t x = -4096; x <= 4096; x++)
        if (rt_fx_round(x, s, mode) != round_ref(x, s, mode) && bad++ < 5)
          printf("FAIL rt_fx_round(%lld, %d, mode %d) = %lld, want %lld\n", (long long)x, s, mode,
                 (long long)rt_fx_round(x, s, mode), (long long)round_ref(x, s, mode));
  CHECK(bad == 0, "rt_fx_round: %d mismatches", bad);
  CHECK(rt_fx_round(-((int64_t)1 << 61), 62, RT_RND_FLOOR) == -1, "large shift, negative");
  CHECK(rt_fx_round(((int64_t)1 << 61), 62, RT_RND_HALF_EVEN) == 0, "large shift, tie to even");
  CHECK(rt_fx_round(3, -4, RT_RND_FLOOR) == 48, "negative shift multiplies");
  /* sink_relu's rule: every mode is monotone and rounds 0 to 0, so
   * round(max(x, 0)) = max(round(x), 0). */
  int relu = 0;
  for (int mode = RT_RND_FLOOR; mode <= RT_RND_HALF_ZERO; mode++)
    for (int s = 1; s <= 14; s++)
      for (int64_t x = -4096; x <= 4096; x++) {
        int64_t r = rt_fx_round(x, s, mode);
        relu += rt_fx_round(x > 0 ? x : 0, s, mode) != (r > 0 ? r : 0) ||
                (x > -4096 && r < rt_fx_round(x - 1, s, mode));
      }
  CHECK(relu == 0, "round(max(x, 0)) != max(round(x), 0) or not monotone: %d cases", relu);
  /* Wrap keeps the low w bits, two's complement when signed. */
  CHECK(rt_fx_wrap(128, 8, 1) == -128 && rt_fx_wrap(-129, 8, 1) == 127, "wrap signed 8");
  CHECK(rt_fx_wrap(256, 8, 0) == 0 && rt_fx_wrap(-1, 8, 0) == 255, "wrap unsigned 8");
  CHECK(rt_fx_wrap(-1, 1, 1) == -1 && rt_fx_wrap(2, 1, 1) == 0, "wrap 1-bit signed");
  CHECK(rt_fx_wrap(INT64_MIN, 64, 1) == INT64_MIN, "wrap 64 bits is identity");
}

/* rt_requant per channel: channel 0 shifts right 2 with HALF_EVEN and
 * saturates to int4; channel 1 multiplies by 2^1, saturates, then aligns with
 * post 1 (-7 -> -14 -> -8 -> -16). */
static void test_requant(void) {
  int32_t x[6] = {5, 6, 100, -7, 3, -100};
  int8_t y[6];
  const int64_t ip[] = {1, 2, 3, RT_I32, RT_I8, RT_RND_HALF_EVEN, RT_OVF_SAT, 4, 1,
                        2, -8, 7, 0,    -1, -8, 7, 1};
  void *t[2] = {x, y};
  rt_requant(ip, NULL, t);
  const int8_t want[6] = {1, 2, 7, -16, 12, -16};
  CHECK(memcmp(y, want, sizeof want) == 0, "rt_requant per channel: %d %d %d %d %d %d", y[0], y[1],
        y[2], y[3], y[4], y[5]);
}

/* x * s rounded once to float32 (nearest, ties to even), exactly: x * m
 * (m = s's 53-bit mantissa) in 128 bits, its top 24 bits rounded. */
static float exact_scaled(int64_t x, double s) {
  int e;
  double fm = frexp(s, &e);
  __int128 p = (__int128)x * (int64_t)ldexp(fm, 53);
  int neg = p < 0, bits = 0;
  unsigned __int128 u = neg ? -(unsigned __int128)p : (unsigned __int128)p;
  for (unsigned __int128 t = u; t; t >>= 1)
    bits++;
  int drop = bits > 24 ? bits - 24 : 0;
  unsigned __int128 q = u >> drop, r = drop ? u & (((unsigned __int128)1 << drop) - 1) : 0;
  unsigned __int128 half = drop ? (unsigned __int128)1 << (drop - 1) : 1;
  if (drop && (r > half || (r == half && (q & 1))))
    q++;
  float y = ldexpf((float)(uint64_t)q, drop + e - 53);
  return neg ? -y : y;
}

/* rt_tofloat_scaled_f32 rounds x * 2^-F * s once: random operands, and a
 * product that double rounds onto a float32 tie (the naive (float)(x * s)
 * gets it wrong). */
static void test_tofloat_scaled(void) {
  uint64_t st = 12345;
  int bad = 0;
  for (int i = 0; i < 200000; i++) {
    st = st * 6364136223846793005u + 1442695040888963407u;
    int64_t x = (int64_t)(st >> 11) >> (st % 40);
    float a = (float)ldexp(1 + (double)((st >> 7) % 1000003) / 1000003.0, (int)(st % 17) - 8);
    float b = 0.1f + (float)((st >> 23) % 9973) / 997.0f;
    double s = (double)a * (double)b;
    int64_t ip[4] = {1, 1, 1, 0};
    float y;
    void *t[2] = {&x, &y};
    rt_tofloat_scaled_f32(ip, &s, t);
    bad += y != exact_scaled(x, s);
  }
  CHECK(bad == 0, "rt_tofloat_scaled_f32: %d of 200000 random products misrounded", bad);
  for (int sg = -1; sg <= 1; sg += 2) {
    int64_t x = sg * ((((int64_t)1 << 24) + 1) * ((int64_t)1 << 28) - 32), ip[4] = {1, 1, 1, 0};
    double s = 1 + ldexp(1, -47);
    float y, want = (float)(sg * ldexp(((int64_t)1 << 24) + 2, 28));
    void *t[2] = {&x, &y};
    rt_tofloat_scaled_f32(ip, &s, t);
    CHECK(y == want && exact_scaled(x, s) == want && (float)((double)x * s) != want,
          "rt_tofloat_scaled_f32 on a double-rounding tie: %.9g, want %.9g", y, want);
  }
}

int main(int argc, char **argv) {
  test_tensor_roundtrip(argc > 1 ? argv[1] : ".");
  test_tables();
  test_broadcast_add();
  test_fixed_rounding();
  test_requant();
  test_tofloat_scaled();
  return CHECK_DONE();
}
