/*
 * pack_luts_test - the LUT netlist op and the pack_luts pass against their
 * contracts: net_lut_drop and net_lut's simplifications (a constant, a
 * repeated and an ignored operand; a constant function, an identity) on
 * known tables; a LUT evaluates bit i of its table for every one of the
 * 2^6 assignments; a hand-written two-layer network packs into the one
 * LUT of known table; and the test models (random_lgn: all 2^16 inputs,
 * big_lgn: 4,096 random ones) compute the same outputs packed with every K
 * from 2 to 6 as unpacked, with no gate left, no LUT wider than K and the
 * counts Net.pack reports.
 *
 *   pack_luts_tests SOURCE_DIR WORK_DIR
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "../../frontend/frontend.h"
#include "check.h"

static uint64_t rng_state = 2026;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* A net of six input bits and nothing else, to build LUTs on. */
static Net *bits_net(Graph *g, NetId *in) {
  Net *net = net_new(g);
  net->nin = 1;
  net->in = arena_alloc(g->arena, sizeof *net->in);
  net->in[0].n = 6;
  for (int j = 0; j < 6; j++)
    in[j] = net_input(net, 0, j, 0, 1);
  return net;
}

static void test_lut_op(void) {
  Graph *g = graph_new("lut_op");
  NetId in[6];
  Net *net = bits_net(g, in);
  /* xor3 = 0x96; operand 1 fixed to 0 leaves xor2 (0x6), to 1 xnor2 (0x9) */
  CHECK(net_lut_drop(0x96, 3, 1, -1, 0) == 0x6, "drop: xor3 with x1 = 0");
  CHECK(net_lut_drop(0x96, 3, 1, -1, 1) == 0x9, "drop: xor3 with x1 = 1");
  /* x0 & x1 with x1 = x0: x0 (0b10) */
  CHECK(net_lut_drop(0x8, 2, 1, 0, 0) == 0x2, "drop: and with x1 = x0");
  NetId two[2] = {in[0], in[0]};
  CHECK(net_lut(net, two, 2, 0x8) == in[0], "and(x, x) is x");
  NetId xc[2] = {in[0], net_const(net, 1)};
  NetId y = net_lut(net, xc, 2, 0x6);  /* x ^ 1 */
  CHECK(net->nodes[y].op == NET_LUT && net->nodes[y].s == 1 && net->nodes[y].k == 0x1 &&
        net->nodes[y].a == in[0], "xor(x, 1) is a one-input LUT 0x1 of x");
  NetId ab[2] = {in[0], in[1]};
  CHECK(net_lut(net, ab, 2, 0xa) == in[0], "a table of x0 alone is x0");
  y = net_lut(net, ab, 2, 0xc);
  CHECK(y == in[1], "a table of x1 alone is x1");
  y = net_lut(net, ab, 2, 0xf);
  CHECK(net->nodes[y].op == NET_CONST && net->nodes[y].k == 1, "a constant table is a CONST");
  /* a random LUT6 that depends on every operand: bit i of its table */
  uint64_t t = rnd() | 1;
  t &= ~((uint64_t)1 << 63);
  y = net_lut(net, in, 6, t);
  const NetNode *n = &net->nodes[y];
  CHECK(n->op == NET_LUT && n->s == 6 && (uint64_t)n->k == t, "a LUT6 keeps its table");
  int64_t v[64] = {0};
  int bad = 0;
  for (int i = 0; i < 64; i++) {
    for (int j = 0; j < 6; j++)
      v[in[j]] = i >> j & 1;
    bad += net_eval_node(net, n, v) != (int64_t)(t >> i & 1);
  }
  CHECK(bad == 0, "LUT6 evaluation: %d of 64 assignments wrong", bad);
  NetId args[NET_MAXARGS];
  CHECK(net_args(n, args) == 6 && args[3] == in[3] && args[5] == in[5], "net_args lists six operands");
  net_verify(net);
  arena_free(g->arena);
}

/* The fixed-point graph of a model file and its unpacked netlist. */
static Graph *load(const char *path, PassOptions *po) {
  *po = (PassOptions){.fixed = 1};
  Graph *g = model_import(path, NULL, 0);
  pipeline_run_opts(g, pipeline_for(g, po), NULL, po);
  return g;
}

static int64_t count_op(const Net *net, NetOp op, int live_only) {
  char *live = net_live(net);
  int64_t c = 0;
  for (int64_t i = 0; i < net->nnodes; i++)
    c += net->nodes[i].op == op && (live[i] || !live_only);
  free(live);
  return c;
}

/* Packs the model with each K and compares outputs with the unpacked net on
 * every input (2^n of n <= 16 bits) or 4,096 random ones. */
static void test_model(const char *path, int64_t *luts_k6) {
  PassOptions po;
  Graph *g = load(path, &po);
  Net *raw = net_pipeline_run(g, NULL, &po);
  int64_t gates = count_op(raw, NET_GATE, 1), n = raw->in[0].n;
  int64_t samples = n <= 16 ? (int64_t)1 << n : 4096;
  static const char *const names[] = {"pack_luts", NULL};
  for (int k = 2; k <= 6; k++) {
    po.lut_k = k;
    Net *net = net_pipeline_run(g, names, &po);
    int widest = 0;
    for (int64_t i = 0; i < net->nnodes; i++)
      if (net->nodes[i].op == NET_LUT)
        widest = net->nodes[i].s > widest ? net->nodes[i].s : widest;
    CHECK(widest <= k && widest >= (k < 4 ? k : 3), "%s K=%d: widest LUT %d", path, k, widest);
    CHECK(count_op(net, NET_GATE, 0) == 0, "%s K=%d: gates left", path, k);
    CHECK(net->pack.k == k && net->pack.gates == gates && net->pack.luts == count_op(net, NET_LUT, 0) &&
          net->pack.luts < gates && net->pack.levels >= 1,
          "%s K=%d: pack %d/%lld/%lld/%d, %lld gates", path, k, net->pack.k, (long long)net->pack.gates,
          (long long)net->pack.luts, net->pack.levels, (long long)gates);
    if (k == 6)
      *luts_k6 = net->pack.luts;
    int64_t *x = malloc(sizeof *x * (size_t)n), no = raw->out[0].n, bad = 0;
    int64_t *y0 = malloc(sizeof *y0 * (size_t)no), *y1 = malloc(sizeof *y1 * (size_t)no);
    for (int64_t s = 0; s < samples; s++) {
      for (int64_t j = 0; j < n; j++)
        x[j] = n <= 16 ? s >> j & 1 : (int64_t)(rnd() & 1);
      const int64_t *in[1] = {x};
      int64_t *o0[1] = {y0}, *o1[1] = {y1};
      net_eval(raw, in, o0, NULL);
      net_eval(net, in, o1, NULL);
      bad += memcmp(y0, y1, sizeof *y0 * (size_t)no) != 0;
    }
    CHECK(bad == 0, "%s K=%d: %lld of %lld inputs differ", path, k, (long long)bad, (long long)samples);
    free(x), free(y0), free(y1);
  }
  arena_free(g->arena);
}

/* (x0 ^ x1) | (x2 & x3) in two layers: one LUT4 of table 0xf666. */
static void test_known_table(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/t4.bib", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL, "cannot write %s", path);
  if (!f)
    return;
  fputs("model t4\nopset 13\n\ninput x: bool[1, 4]\n"
        "h0 = LogicLayer(x, a=[0, 2], b=[1, 3], gates=[6, 1])\n"
        "h1 = LogicLayer(h0, a=[0], b=[1], gates=[7])\noutput h1\n", f);
  fclose(f);
  PassOptions po;
  Graph *g = load(path, &po);
  static const char *const names[] = {"pack_luts", NULL};
  Net *net = net_pipeline_run(g, names, &po);
  NetId root = net->out[0].el[0];
  const NetNode *n = &net->nodes[root];
  NetId x[NET_MAXARGS];
  int na = net_args(n, x);
  int inputs_in_order = na == 4;
  for (int j = 0; j < na && inputs_in_order; j++)
    inputs_in_order = net->nodes[x[j]].op == NET_INPUT && net->nodes[x[j]].k == j;
  CHECK(n->op == NET_LUT && n->k == 0xf666 && inputs_in_order, "t4: lut of %d operands, table 0x%llx",
        na, (unsigned long long)n->k);
  CHECK(net->pack.gates == 3 && net->pack.luts == 1 && net->pack.levels == 1, "t4: pack counts");
  arena_free(g->arena);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: pack_luts_tests SOURCE_DIR WORK_DIR\n");
    return 2;
  }
  test_lut_op();
  test_known_table(argv[2]);
  int64_t small = 0, big = 0;
  Arena *a = arena_new();
  test_model(arena_printf(a, "%s/tests/lgn/models/random_lgn.bib", argv[1]), &small);
  test_model(arena_printf(a, "%s/tests/lgn/models/big_lgn.bib", argv[1]), &big);
  printf("LUT6: random_lgn %lld, big_lgn %lld\n", (long long)small, (long long)big);
  arena_free(a);
  return CHECK_DONE();
}
