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

static int npassed, nfailed;

#define CHECK(cond, ...) \
  do { \
    if (cond) { \
      npassed++; \
    } else { \
      nfailed++; \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__); \
      putchar('\n'); \
    } \
  } while (0)

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

int main(int argc, char **argv) {
  test_tensor_roundtrip(argc > 1 ? argv[1] : ".");
  test_tables();
  test_broadcast_add();
  printf("%d passed, %d failed\n", npassed, nfailed);
  return nfailed ? 1 : 0;
}
