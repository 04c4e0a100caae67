/*
 * c_lgn.c - bit-parallel C for logic-gate networks: NAME_run_batch in the
 * integer-only NAME.c (c_int.c), one sample per bit lane.
 *
 * Requires: an integer core that is exactly a chain of LogicLayers reading
 * one [1, N_in] fixed<u,1,0> input and ending in a PopCount (GroupSum with
 * a power-of-two tau), or in bits that a ToFloat hands to a GroupSum of the
 * float tail (another tau).  Provides: void NAME_run_batch(const uint8_t
 * *x, int32_t *y, size_t n): x holds n samples of the core's N_in 0/1
 * codes (the first LogicLayer's input: binarized bits for a model that
 * binarizes), y receives n x k group counts (ones per group, not divided
 * by tau), computing what rt_logic.h's kernels compute, bit for bit.
 *
 * Algorithm.  The network is rebuilt here as a list of two-input
 * instructions (AND, OR, XOR of literals, a literal being a value or its
 * complement, or the constants 0 and ~0) by mk(): each gate's truth table
 * is re-expressed over the distinct values it reads, so constant gates,
 * pass-throughs and negations (ids 0, 3, 5, 10, 12, 15), gates of constants
 * and gates reading one value twice cost nothing, a complement rides on
 * the literal instead of an instruction, and an instruction already made
 * is found again (hashing).  Each class's group goes through a
 * carry-save adder tree (full adders, 5 instructions per input word, half
 * adders at the end), giving the bit planes of its count.  Instructions no
 * plane needs are dropped, and the rest are cut, in order, into steps of
 * STEP instructions, each a function of the generated code kept out of
 * line: gcc -O3 spends time superlinear in a function's size (its RTL
 * combiner: one function of 8,297 instructions took 60 s, of 32,092 over
 * 20 CPU-minutes), so bounded steps keep compile time linear in gates.  A
 * value read only within its own step is a local of that step (an adder's
 * partial terms, mostly), which the compiler keeps in registers; the
 * others get slots of a static array by linear scan (a slot is reused
 * after its value's last read), so the words in flight stay few.  The
 * generated code packs 64*W samples into one word per input (W uint64_t
 * per word, a GNU vector type when the compiler has them), runs the steps'
 * straight-line bitwise statements, and turns the planes back into counts
 * with an 8x8 bit transpose per 8 samples.  Cost: linear in gates here; in
 * the generated code, per block of 64*W samples, one bitwise operation per
 * live gate, about 5 per group input, a call per STEP instructions, and
 * the transposes in and out.
 *
 * --lgn-naive (Graph.lgn_naive) writes difflogic's own scheme instead, the
 * baseline bench/lgn measures against: one statement per gate in the
 * model's order, as its id says (a & ~b for id 2, 0 for id 0, ...), no
 * folding, hashing or dead-gate removal, 64-bit words (W = 1), every
 * value in a slot of its own (cut into steps as above); the group counts
 * use the same adders, also one statement per full-adder gate.
 */
#include <stdlib.h>
#include <string.h>

#include "backends.h"

enum { AND = 1, XOR = 6, OR = 7 };  /* an instruction's op: its truth table */

/* Live instructions per step function of the generated code: on the
 * digits network (bench/lgn), 64 to 1,024 run within a few % of each
 * other and all faster than one function; gcc -O3 compile time grows
 * beyond 256. */
enum { STEP = 256 };

typedef struct Ins {
  int op;                    /* AND, XOR or OR */
  int a, b;                  /* operand literals, a's value < b's */
} Ins;

/* A literal is 2 * value + complemented; value 0 is the constant 0 (so
 * literals 0 and 1 are the constants), values 1..nin the inputs, value
 * nin + 1 + i instruction i. */
typedef struct Lgn {
  Arena *arena;
  int naive;                 /* --lgn-naive: Ins.op is any gate id, literals plain, no folding */
  int64_t nin, k, gsize;     /* inputs, classes, group size */
  Ins *ins;                  /* instructions, in evaluation order */
  int nins, cap;
  int *hash, nhash;          /* open addressing: instruction index + 1, 0 empty */
  int64_t *off;              /* per class: constant ones added to its count */
  int **plane;               /* per class: literal of each bit plane of the count */
  int *nplane;
  int *col, *ncol;           /* adder columns (per weight) while building a class */
} Lgn;

static int mk_ins(Lgn *L, int op, int a, int b) {
  unsigned h = ((unsigned)op * 2654435761u) ^ ((unsigned)a * 40503u) ^ ((unsigned)b * 2246822519u);
  for (int i = (int)(h & (unsigned)(L->nhash - 1));; i = (i + 1) & (L->nhash - 1)) {
    int e = L->hash[i] - 1;
    if (e < 0) {
      if (L->nins == L->cap)
        die("c_lgn: instruction bound %d exceeded", L->cap);
      L->ins[L->nins] = (Ins){op, a, b};
      L->hash[i] = ++L->nins;
      return (int)L->nin + L->nins;
    }
    if (L->ins[e].op == op && L->ins[e].a == a && L->ins[e].b == b)
      return (int)L->nin + 1 + e;
  }
}

/* The literal of gate t (rt_logic.h's id, truth table MSB-first over ab)
 * of literals la, lb: re-expressed over their distinct values X < Y. */
static int mk(Lgn *L, int t, int la, int lb) {
  if (L->naive) {            /* one instruction per gate, as written */
    if (L->nins == L->cap)
      die("c_lgn: instruction bound %d exceeded", L->cap);
    L->ins[L->nins++] = (Ins){t, la, lb};
    return 2 * ((int)L->nin + L->nins);
  }
  int v[2] = {0, 0}, nv = 0, lit[2] = {la, lb};
  for (int i = 0; i < 2; i++)
    if (lit[i] >> 1 && (nv == 0 || v[0] != lit[i] >> 1))
      v[nv++] = lit[i] >> 1;
  if (nv == 2 && v[0] > v[1])
    v[0] ^= v[1], v[1] ^= v[0], v[0] ^= v[1];
  int tt = 0;  /* truth table over XY, MSB-first like a gate id */
  for (int r = 0; r < 4; r++) {
    int in[2];
    for (int i = 0; i < 2; i++) {
      int id = lit[i] >> 1;
      in[i] = (id == 0 ? 0 : id == v[0] ? r >> 1 : r & 1) ^ (lit[i] & 1);
    }
    tt |= ((t >> (3 - (2 * in[0] + in[1]))) & 1) << (3 - r);
  }
  int X = 2 * v[0], Y = 2 * v[1];
  switch (tt) {
  case 0: return 0;
  case 15: return 1;
  case 3: return X;
  case 12: return X ^ 1;
  case 5: return Y;
  case 10: return Y ^ 1;
  case 1: return 2 * mk_ins(L, AND, X, Y);
  case 14: return 2 * mk_ins(L, AND, X, Y) + 1;
  case 2: return 2 * mk_ins(L, AND, X, Y + 1);
  case 13: return 2 * mk_ins(L, AND, X, Y + 1) + 1;
  case 4: return 2 * mk_ins(L, AND, X + 1, Y);
  case 11: return 2 * mk_ins(L, AND, X + 1, Y) + 1;
  case 7: return 2 * mk_ins(L, OR, X, Y);
  case 8: return 2 * mk_ins(L, OR, X, Y) + 1;
  case 6: return 2 * mk_ins(L, XOR, X, Y);
  default: return 2 * mk_ins(L, XOR, X, Y) + 1;  /* 9 */
  }
}

/* Adds literal l of weight 2^w to class c's count. */
static void push(Lgn *L, int c, int w, int l) {
  if (l == 1)
    L->off[c] += (int64_t)1 << w;
  else if (l)
    L->col[w * (2 * L->gsize + 8) + L->ncol[w]++] = l;
}

/* Class c's count from the literals in column 0: a carry-save tree, each
 * column a queue (oldest first, so the tree stays shallow). */
static void adder(Lgn *L, int c) {
  int stride = (int)(2 * L->gsize + 8), *plane = arena_alloc(L->arena, 40 * sizeof(int)), np = 0;
  for (int w = 0; w < 38; w++) {
    int *q = L->col + w * stride, head = 0;
    while (L->ncol[w] - head >= 2) {
      int a = q[head], b = q[head + 1];
      if (L->ncol[w] - head == 2) {  /* half adder */
        head += 2;
        push(L, c, w, mk(L, XOR, a, b));
        push(L, c, w + 1, mk(L, AND, a, b));
        continue;
      }
      int d = q[head + 2], t = mk(L, XOR, a, b);
      head += 3;
      push(L, c, w, mk(L, XOR, t, d));
      push(L, c, w + 1, mk(L, OR, mk(L, AND, a, b), mk(L, AND, t, d)));
    }
    plane[w] = L->ncol[w] > head ? q[head] : 0;
    if (plane[w])
      np = w + 1;
    L->ncol[w] = 0;
  }
  L->plane[c] = plane;
  L->nplane[c] = np;
}

/* The core's logic layers, first to last, and GroupSum's k; NULL if the
 * core is not such a chain. */
static const Node **find_chain(const IntSplit *s, int *nlayers, int64_t *k) {
  Graph *g = s->g;
  if (s->nqin != 1 || s->nqout != 1 || s->qin[0]->rank != 2 || s->qin[0]->dims[0] != 1 ||
      s->qin[0]->fx.sgn || s->qin[0]->fx.w != 1 || s->qin[0]->fx.f != 0)
    return NULL;
  const Node **layer = arena_alloc(g->arena, (size_t)g->nnodes * sizeof *layer);
  const Value *v = s->qin[0];
  int n = 0;
  *k = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *m = g->nodes[i];
    if (!s->core[i])
      continue;
    if (*k || m->in[0] != v || m->out[0]->dims[0] != 1)
      return NULL;
    if (m->op == OP_POPCOUNT)
      *k = attr_int(m, "k", 0);
    else if (m->op == OP_LOGICLAYER)
      layer[n++] = m;
    else
      return NULL;
    v = m->out[0];
  }
  if (v != s->qout[0] || !n)
    return NULL;
  for (int i = 0; i < g->nnodes && !*k; i++) {  /* bits handed to a float GroupSum */
    const Node *m = g->nodes[i];
    const Node *p = m->in[0] ? m->in[0]->producer : NULL;
    if (m->op == OP_GROUPSUM && p && p->op == OP_TOFLOAT && p->in[0] == v)
      *k = attr_int(m, "k", 0);
  }
  *nlayers = n;
  return *k > 0 ? layer : NULL;
}

static Lgn *build(const IntSplit *s, int naive) {
  int nl;
  int64_t k;
  const Node **layer = find_chain(s, &nl, &k);
  if (!layer)
    return NULL;
  Lgn *L = arena_alloc(s->g->arena, sizeof *L);
  L->arena = s->g->arena;
  L->naive = naive;
  L->nin = s->qin[0]->dims[1];
  L->k = k;
  int64_t nlast = layer[nl - 1]->out[0]->dims[1], total = 0;
  L->gsize = nlast / k;
  for (int i = 0; i < nl; i++)
    total += layer[i]->out[0]->dims[1];
  L->cap = (int)(total + 6 * nlast + 64 * k + 16);
  L->ins = arena_alloc(L->arena, (size_t)L->cap * sizeof *L->ins);
  for (L->nhash = 16; L->nhash < 2 * L->cap; L->nhash *= 2)
    ;
  L->hash = arena_alloc(L->arena, (size_t)L->nhash * sizeof(int));
  L->off = arena_alloc(L->arena, (size_t)k * sizeof *L->off);
  L->plane = arena_alloc(L->arena, (size_t)k * sizeof *L->plane);
  L->nplane = arena_alloc(L->arena, (size_t)k * sizeof(int));
  L->col = arena_alloc(L->arena, 40 * (size_t)(2 * L->gsize + 8) * sizeof(int));
  L->ncol = arena_alloc(L->arena, 40 * sizeof(int));
  int *prev = arena_alloc(L->arena, (size_t)L->nin * sizeof(int));
  for (int64_t i = 0; i < L->nin; i++)
    prev[i] = (int)(2 * (i + 1));
  for (int l = 0; l < nl; l++) {
    const Attr *a = attr_find(layer[l], "a"), *b = attr_find(layer[l], "b");
    const Attr *gt = attr_find(layer[l], "gates");
    int *cur = arena_alloc(L->arena, (size_t)a->n * sizeof(int));
    for (int j = 0; j < a->n; j++) {
      cur[j] = mk(L, (int)gt->ints[j], prev[a->ints[j]], prev[b->ints[j]]);
      if (l == nl - 1)
        push(L, (int)(j / L->gsize), 0, cur[j]);
      if (l == nl - 1 && (j + 1) % L->gsize == 0)  /* the group is complete */
        adder(L, (int)(j / L->gsize));
    }
    prev = cur;
  }
  return L;
}

/* Where a value lives while lgn_eval runs: an input word, a slot of lgn_s
 * or a local of the step function that makes it. */
typedef struct Store {
  int *slot;                 /* per value: its lgn_s slot, or its local's number */
  char *local;               /* per value: read only within its step: local t<slot> */
} Store;

/* "lgn_s[3]", "~lgn_x[7]", "t12" */
static void print_lit(FILE *f, const Lgn *L, const Store *st, int l) {
  int v = l >> 1;
  if (v > L->nin && st->local[v])
    fprintf(f, "%st%d", l & 1 ? "~" : "", st->slot[v]);
  else
    fprintf(f, "%s%s[%d]", l & 1 ? "~" : "", v <= L->nin ? "lgn_x" : "lgn_s",
            v <= L->nin ? v - 1 : st->slot[v]);
}

/* Gate id t of operands a and b as difflogic writes it (REFERENCE.md
 * section 4's table), into buf (A and B of the form replaced). */
static void naive_text(char *buf, size_t size, int t, const char *a, const char *b) {
  static const char *const form[16] = {
    "A & 0", "A & B", "A & ~B", "A", "~A & B", "B", "A ^ B", "A | B",
    "~(A | B)", "~(A ^ B)", "~B", "A | ~B", "~A", "~A | B", "~(A & B)", "~(A & 0)"};
  size_t n = 0;
  for (const char *p = form[t]; *p && n + 1 < size; p++) {
    const char *x = *p == 'A' ? a : *p == 'B' ? b : NULL;
    if (!x)
      buf[n++] = *p;
    for (; x && *x && n + 1 < size; x++)
      buf[n++] = *x;
  }
  buf[n] = 0;
}

/* Liveness from the planes; the live instructions cut into steps of
 * STEP, in order; a value all of whose readers are in its own step a local
 * of that step, any other a slot of lgn_s by linear scan (a slot is reused
 * after its value's last read); the step functions (into f).  Returns the
 * slot count. */
static int emit_gates(FILE *f, const Lgn *L, Store *st, int *nlive, int *nsteps) {
  int nv = (int)L->nin + 1 + L->nins, base = (int)L->nin + 1;
  int *last = arena_alloc(L->arena, (size_t)nv * sizeof(int));
  int *step = arena_alloc(L->arena, (size_t)nv * sizeof(int));
  int *freel = arena_alloc(L->arena, (size_t)(L->nins + 1) * sizeof(int)), nfree = 0, nslot = 0;
  st->slot = arena_alloc(L->arena, (size_t)nv * sizeof(int));
  st->local = arena_alloc(L->arena, (size_t)nv);
  for (int c = 0; c < L->k; c++)
    for (int w = 0; w < L->nplane[c]; w++)
      last[L->plane[c][w] >> 1] = L->nins + 1;  /* read after the last instruction */
  for (int i = 0; L->naive && i < L->nins; i++)
    last[base + i] = L->nins + 1;  /* naive: every gate is computed and kept */
  for (int i = L->nins - 1; i >= 0; i--)
    if (last[base + i])
      for (int o = 0; o < 2; o++) {
        int v = (o ? L->ins[i].b : L->ins[i].a) >> 1;
        if (!last[v])
          last[v] = i + 1;  /* 1 + the index of its last reader */
      }
  *nlive = 0;
  for (int i = 0; i < L->nins; i++)
    if (last[base + i])
      step[base + i] = (*nlive)++ / STEP;
  for (int i = 0; i < L->nins; i++)  /* the last reader is live, so has a step */
    st->local[base + i] = last[base + i] && last[base + i] <= L->nins &&
                          step[base + last[base + i] - 1] == step[base + i];
  int cur = -1, nlocal = 0;
  for (int i = 0; i < L->nins; i++) {
    const Ins *in = &L->ins[i];
    int y = base + i;
    if (!last[y])
      continue;
    if (step[y] != cur) {
      fprintf(f, "%sLGN_STEP lgn_step%d(void) {\n", cur < 0 ? "" : "}\n\n", step[y]);
      cur = step[y], nlocal = 0;
    }
    for (int o = 0; o < 2; o++) {
      int v = (o ? in->b : in->a) >> 1;
      if (v >= base && !st->local[v] && last[v] == i + 1 && (o == 0 || v != in->a >> 1))
        freel[nfree++] = st->slot[v];
    }
    if (st->local[y]) {
      st->slot[y] = nlocal++;
      fprintf(f, "  const lgn_word t%d = ", st->slot[y]);
    } else {
      st->slot[y] = nfree ? freel[--nfree] : nslot++;
      fprintf(f, "  lgn_s[%d] = ", st->slot[y]);
    }
    if (L->naive) {          /* difflogic's expression of the gate id */
      char a[32], b[32];
      FILE *fa = fmemopen(a, sizeof a, "w"), *fb = fmemopen(b, sizeof b, "w");
      if (!fa || !fb)
        die("out of memory");
      print_lit(fa, L, st, in->a);
      print_lit(fb, L, st, in->b);
      fclose(fa), fclose(fb);
      char text[96];
      naive_text(text, sizeof text, in->op, a, b);
      fprintf(f, "%s;\n", text);
      continue;
    }
    print_lit(f, L, st, in->a);
    fprintf(f, " %c ", in->op == AND ? '&' : in->op == OR ? '|' : '^');
    print_lit(f, L, st, in->b);
    fputs(";\n", f);
  }
  if (cur >= 0)
    fputs("}\n", f);
  *nsteps = cur + 1;
  return nslot;
}

int lgn_batch_takes(const IntSplit *s) {
  int nl;
  int64_t k;
  return find_chain(s, &nl, &k) != NULL;
}

void lgn_batch_header(FILE *f, const IntSplit *s, const char *prefix) {
  int nl;
  int64_t k;
  if (!find_chain(s, &nl, &k))
    return;
  fprintf(f, "/*\n * Bit-parallel entry, for many samples at once (64 or more per bit-sliced\n"
          " * pass): %s_run_batch(x, y, n).  x holds n samples of %lld bytes, each 0 or 1:\n"
          " * the codes of in0 of %s_run_int, the first logic layer's input (for a model\n"
          " * that binarizes its features, the bits after binarization); only bit 0 of\n"
          " * each byte is read.  y receives n x %lld int32 group counts, row-major: the\n"
          " * number of ones in each group of the last logic layer, i.e. the GroupSum\n"
          " * score times tau (not divided by tau).  Integer-only, no allocation.\n */\n"
          "#include <stddef.h>\n#define %s_BATCH_IN_SIZE %lld   /* bytes per sample */\n"
          "#define %s_BATCH_OUT_SIZE %lld  /* counts per sample */\n", prefix,
          (long long)s->qin[0]->dims[1], prefix, (long long)k, prefix,
          (long long)s->qin[0]->dims[1], prefix, (long long)k);
}

void lgn_batch_declare(FILE *f, const IntSplit *s, const char *prefix) {
  if (lgn_batch_takes(s))
    fprintf(f, "void %s_run_batch(const uint8_t *x, int32_t *y, size_t n);\n", prefix);
}

static const char pack_text[] =
  "\n/* Samples 8j..8j+7 of the block are bits 0..7 of byte j of each word. */\n"
  "#define LGN_BYTE(w, j) (((unsigned char *)&(w))[j])\n"
  "\n/* x's nb samples (nb <= LGN_BLOCK) into lgn_x: 8 samples by 8 inputs at a\n"
  " * time, an input's 8 bits gathered in one byte of v. */\n"
  "static void lgn_pack(const uint8_t *x, size_t nb) {\n"
  "  size_t j, q, s, b;\n"
  "  for (j = 0; 8 * j < nb; j++) {\n"
  "    size_t ns = nb - 8 * j < 8 ? nb - 8 * j : 8;\n"
  "    const uint8_t *xs = x + 8 * j * LGN_NIN;\n"
  "    for (q = 0; q + 8 <= LGN_NIN; q += 8) {\n"
  "      uint64_t v = 0;\n"
  "      for (s = 0; s < ns; s++) {\n"
  "        const uint8_t *p = xs + s * LGN_NIN + q;\n"
  "        uint64_t e = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |\n"
  "                     (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |\n"
  "                     (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;\n"
  "        v |= (e & 0x0101010101010101ULL) << s;\n"
  "      }\n"
  "      for (b = 0; b < 8; b++)\n"
  "        LGN_BYTE(lgn_x[q + b], j) = (unsigned char)(v >> 8 * b);\n"
  "    }\n"
  "    for (; q < LGN_NIN; q++) {\n"
  "      unsigned v = 0;\n"
  "      for (s = 0; s < ns; s++)\n"
  "        v |= (xs[s * LGN_NIN + q] & 1u) << s;\n"
  "      LGN_BYTE(lgn_x[q], j) = (unsigned char)v;\n"
  "    }\n"
  "  }\n"
  "}\n";

static const char t8_text[] =
  "\n/* Transposes the 8x8 bit matrix whose row r is byte r of x (bit c of\n"
  " * byte r moves to bit r of byte c; Hacker's Delight 7-3). */\n"
  "static uint64_t lgn_t8(uint64_t x) {\n"
  "  uint64_t t;\n"
  "  t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAULL;\n"
  "  x = x ^ t ^ (t << 7);\n"
  "  t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCULL;\n"
  "  x = x ^ t ^ (t << 14);\n"
  "  t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ULL;\n"
  "  return x ^ t ^ (t << 28);\n"
  "}\n";

/* Writes the batch entry into the integer C (after NAME_run_int). */
void lgn_batch_emit(FILE *f, const IntSplit *s, const char *prefix) {
  Lgn *L = build(s, s->g->lgn_naive);
  if (!L)
    return;
  int64_t ngates = 0;
  for (int i = 0; i < s->g->nnodes; i++)
    if (s->core[i] && s->g->nodes[i]->op == OP_LOGICLAYER)
      ngates += s->g->nodes[i]->out[0]->dims[1];
  fprintf(f, "\n/* ---- %s_run_batch: bit-parallel, one sample per bit lane (c_lgn.c) ---- */\n"
          "/* LGN_WORDS uint64_t per word, 64 * LGN_WORDS samples per pass: a GNU C\n"
          " * vector type when the compiler has them (define %s_LGN_WORDS as 1 for\n"
          " * plain uint64_t words). */\n#ifndef %s_LGN_WORDS\n#define %s_LGN_WORDS %d\n#endif\n"
          "#if defined(__GNUC__) && %s_LGN_WORDS > 1\n"
          "typedef uint64_t lgn_word __attribute__((vector_size(8 * %s_LGN_WORDS)));\n"
          "#else\ntypedef uint64_t lgn_word;\n#endif\n#define LGN_BLOCK (8 * sizeof(lgn_word))\n"
          "#define LGN_NIN %lldu\n#define LGN_K %lldu\n", prefix, prefix, prefix, prefix,
          L->naive ? 1 : 8, prefix, prefix, (long long)L->nin, (long long)L->k);
  char *body;
  size_t nbody;
  FILE *bf = open_memstream(&body, &nbody);
  if (!bf)
    die("out of memory");
  Store st;
  int nlive, nsteps, nslot = emit_gates(bf, L, &st, &nlive, &nsteps);
  if (fclose(bf) != 0)
    die("out of memory");
  fprintf(f, "static lgn_word lgn_x[%lld];  /* packed inputs */\n", (long long)L->nin);
  if (nslot)  /* none when every count is an input or a constant */
    fprintf(f, "static lgn_word lgn_s[%d];  /* gate and adder values, by slot */\n", nslot);
  fputs(pack_text, f);
  int planes = 0;
  for (int c = 0; c < L->k; c++)
    planes |= L->nplane[c] > 0;
  if (planes)  /* none when every count is a constant */
    fputs(t8_text, f);
  if (L->naive)
    fprintf(f, "\n/* %lld gates: %d instructions, one per gate and adder gate as written\n"
            " * (--lgn-naive, difflogic's scheme).", (long long)ngates, nlive);
  else
    fprintf(f, "\n/* %lld gates: %d instructions after folding, dead-gate removal and the\n"
            " * group adders.", (long long)ngates, nlive);
  fprintf(f, "\n * %d step%s of at most %d instructions, each a function kept out of line,\n"
          " * so that the compiler optimises bounded pieces (gcc -O3's RTL combiner is\n"
          " * superlinear in a function's size); a value read only in its own step is\n"
          " * a local of it, any other a slot of lgn_s. */\n"
          "#if defined(__GNUC__)\n#define LGN_STEP static __attribute__((noinline)) void\n"
          "#else\n#define LGN_STEP static void\n#endif\n", nsteps, nsteps == 1 ? "" : "s", STEP);
  fwrite(body, 1, nbody, f);
  free(body);
  fputs("\nstatic void lgn_eval(void) {\n", f);
  for (int i = 0; i < nsteps; i++)
    fprintf(f, "  lgn_step%d();\n", i);
  fputs("}\n\n/* The counts of the block's nb samples, from the planes: per 8 samples and\n"
        " * 8 planes, one transpose. */\nstatic void lgn_counts(int32_t *y, size_t nb) {\n"
        "  size_t j, i;\n  for (j = 0; 8 * j < nb; j++) {\n"
        "    int32_t c[8];\n", f);
  for (int c = 0; c < L->k; c++) {
    fprintf(f, "    for (i = 0; i < 8; i++)\n      c[i] = %lld;\n", (long long)L->off[c]);
    for (int w0 = 0; w0 < L->nplane[c]; w0 += 8) {
      fputs("    {\n      uint64_t t = 0", f);
      for (int w = w0; w < w0 + 8 && w < L->nplane[c]; w++) {
        int l = L->plane[c][w];
        if (!l)
          continue;
        int v = l >> 1;
        fprintf(f, " |\n        (uint64_t)(%sLGN_BYTE(%s[%d], j)%s) << %d", l & 1 ? "0xFFu ^ " : "",
                v <= L->nin ? "lgn_x" : "lgn_s", v <= L->nin ? v - 1 : st.slot[v], "", 8 * (w - w0));
      }
      fprintf(f, ";\n      t = lgn_t8(t);\n      for (i = 0; i < 8; i++)\n"
              "        c[i] += (int32_t)((t >> 8 * i) & 255) << %d;\n    }\n", w0);
    }
    fprintf(f, "    for (i = 0; i < 8 && 8 * j + i < nb; i++)\n      y[(8 * j + i) * LGN_K + %d] = c[i];\n",
            c);
  }
  fprintf(f, "  }\n}\n\nvoid %s_run_batch(const uint8_t *x, int32_t *y, size_t n) {\n"
          "  size_t done, nb;\n  for (done = 0; done < n; done += nb) {\n"
          "    nb = n - done < LGN_BLOCK ? n - done : LGN_BLOCK;\n"
          "    lgn_pack(x + done * LGN_NIN, nb);\n    lgn_eval();\n"
          "    lgn_counts(y + done * LGN_K, nb);\n  }\n}\n", prefix);
}
