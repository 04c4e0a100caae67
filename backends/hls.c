/*
 * hls.c - Vitis-HLS-style C for the integer core of a fixed-point graph.
 *
 * bibc MODEL -o NAME.hls.c (or --target hls) writes
 *   NAME.hls.c    void NAME_top(const t_in0 in0[..], ..., t_out0 out0[..]):
 *                 the integer core (c_int.c's split) as straight-line code,
 *                 one statement per output element, weights inlined as
 *                 literals (zero weights dropped), sums as balanced adder
 *                 trees, under "#pragma HLS pipeline II=1" with every array
 *                 completely partitioned.  Types: one typedef per value,
 *                 ap_int<W> / ap_uint<W> (W from the value's fixed-point
 *                 type) under __SYNTHESIS__ (C++, <ap_int.h>), otherwise the
 *                 narrowest standard type; the file is C99 and C++ alike, so
 *                 gcc and g++ compile it (-Wno-unknown-pragmas).  It also
 *                 defines NAME_run_int (standard integer arrays, as c_int.c's
 *                 NAME.c), which copies into the HLS types and calls the top.
 *   NAME.h        as for the integer C (c_int.c), and NAME_float.c, the
 *                 float wrapper: NAME.hls.c + NAME_float.c + a --main bench
 *                 compute what 'bibc run --fixed' computes, bit for bit.
 *
 * Element references: data movement (Reshape, Flatten, Transpose, Concat,
 * Identity, Dropout) writes no code; each element of its output is a reference to an
 * element of an array (or a constant), resolved at generation time.  The
 * arithmetic follows the runtime kernels' definitions element by element:
 * MatMul, SparseMatMul, Conv and Add/Sub/Mul as exact sums (hls_expr.c), Relu and MaxPool
 * as maxima, Threshold as a sum of comparisons, Requant with the
 * rounding plan of hls_expr.c, saturation
 * (skipped when the input range cannot reach the bounds) or wrap, and the
 * per-channel left shift.  Anything else is a user error naming the node.
 * Cost: linear in the number of terms; the unrolled form is refused beyond
 * MAXTERMS terms (large layers need loops, which this backend does not
 * write yet).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "../runtime/rt_all.h"

#define MAXTERMS 4000000

typedef struct Ref {
  const Value *v;            /* value holding the element: computed, input or constant */
  int64_t i;                 /* element index in it */
} Ref;

typedef struct Hls {
  Graph *g;
  FILE *f;
  const IntSplit *s;
  Ref **ref;                 /* per value id: where each element lives */
  char **arr;                /* per value id: array name (inputs, computed values) */
  char **type;               /* per value id: type name */
  char *used;                /* per value id: the node being written reads its array */
  int64_t nterms;            /* terms written so far */
} Hls;

/* ---- names and element references ---- */

static const char *stem(Hls *h, const Value *v) {
  Arena *a = h->g->arena;
  char *s = arena_printf(a, "%s", v->name), *p;
  for (p = s; *p; p++)
    if (!isalnum((unsigned char)*p))
      *p = '_';
  for (int i = 0; i < h->g->nvalues; i++)
    if (h->type[i] && strcmp(h->type[i] + 2, s) == 0)
      return arena_printf(a, "%s_%d", s, v->id);
  return s;
}

static Ref *refs_of(Hls *h, const Value *v) {
  if (!h->ref[v->id]) {
    int64_t n = value_numel(v);
    Ref *r = arena_alloc(h->g->arena, sizeof *r * (size_t)(n ? n : 1));
    for (int64_t i = 0; i < n; i++)
      r[i] = (Ref){v, i};
    h->ref[v->id] = r;
  }
  return h->ref[v->id];
}

/* The C text of an element: a literal for a constant, else array[i]. */
static const char *elem(Hls *h, Ref r) {
  if (r.v->data)
    return arena_printf(h->g->arena, "%lldLL", (long long)value_get_i64(r.v, r.i));
  if (!h->arr[r.v->id])
    die("value %s has no storage", r.v->name);
  h->used[r.v->id] = 1;
  return arena_printf(h->g->arena, "%s[%lld]", h->arr[r.v->id], (long long)r.i);
}

static int64_t maxabs(const Value *v) {
  int64_t a = v->qlo < 0 ? -v->qlo : v->qlo, b = v->qhi < 0 ? -v->qhi : v->qhi;
  return a > b ? a : b;
}

/* Adds coef * a * b (b optional) to a sum, folding constants. */
static void add_term(Hls *h, HlsSum *s, __int128 coef, Ref a, const Ref *b) {
  if (a.v->data) {
    coef *= value_get_i64(a.v, a.i);
    if (!b) {
      s->c += coef;
      return;
    }
    a = *b;
    b = NULL;
  }
  if (b && b->v->data) {
    coef *= value_get_i64(b->v, b->i);
    b = NULL;
  }
  if (coef == 0)
    return;
  h->nterms++;
  hls_sum_add(h->g->arena, s, coef, elem(h, a), maxabs(a.v), b ? elem(h, *b) : NULL,
              b ? maxabs(b->v) : 0);
}

/* "  NAME[i] = (t_y)(" ... */
static void assign_begin(Hls *h, const Value *y, int64_t i) {
  fprintf(h->f, "  %s[%lld] = (%s)(", h->arr[y->id], (long long)i, h->type[y->id]);
}

static void assign_sum(Hls *h, const Node *n, const Value *y, int64_t i, const HlsSum *s) {
  assign_begin(h, y, i);
  if (!hls_sum_print(h->f, s))
    error_node(h->g, n, "a sum for '%s' could reach 2^63 in 64-bit arithmetic; not supported by "
               "the HLS backend yet", y->name);
  fputs(");\n", h->f);
  if (h->nterms > MAXTERMS)
    error_node(h->g, n, "the model needs more than %d multiply-adds unrolled; larger layers are "
               "not supported by the HLS backend yet", MAXTERMS);
}

/* ---- nodes ---- */

static void gen_matmul(Hls *h, const Node *n) {
  const int64_t *ip = n->ip;
  int64_t m = ip[0], nn = ip[1], kk = ip[2], r = ip[3];
  const int64_t *bd = ip + 4, *as = ip + 4 + r, *bs = ip + 4 + 2 * r;
  Ref *a = refs_of(h, n->targs[0]), *b = refs_of(h, n->targs[1]);
  const Value *y = n->targs[2];
  int64_t idx[RT_MAXRANK] = {0}, nb = rt_numel(bd, r);
  for (int64_t q = 0; q < nb; q++, rt_next_index(idx, bd, r)) {
    int64_t ao = 0, bo = 0;
    for (int64_t d = 0; d < r; d++)
      ao += idx[d] * as[d], bo += idx[d] * bs[d];
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < nn; j++) {
        HlsSum s = {0};
        for (int64_t k = 0; k < kk; k++)
          add_term(h, &s, 1, a[ao + i * kk + k], &b[bo + k * nn + j]);
        assign_sum(h, n, y, q * m * nn + i * nn + j, &s);
      }
  }
}

/* rt_spmatmul_i64: B's nonzeros by column (values, index). */
static void gen_spmatmul(Hls *h, const Node *n) {
  int64_t m = n->ip[0], nn = n->ip[1], kk = n->ip[2];
  Ref *a = refs_of(h, n->targs[0]), *w = refs_of(h, n->targs[1]);
  const Value *idx = n->targs[2], *y = n->targs[3];
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < nn; j++) {
      HlsSum s = {0};
      for (int64_t e = value_get_i64(idx, j); e < value_get_i64(idx, j + 1); e++)
        add_term(h, &s, 1, a[i * kk + value_get_i64(idx, nn + 1 + e)], &w[e]);
      assign_sum(h, n, y, i * nn + j, &s);
    }
}

static void gen_nary(Hls *h, const Node *n) {
  const int64_t *ip = n->ip;
  int64_t op = ip[0], rank = ip[1], k = ip[2];
  const int64_t *dims = ip + 3, *str = ip + 3 + rank;
  if ((op != RT_ADD && op != RT_SUB && op != RT_MUL) || (op == RT_MUL && k != 2))
    error_node(h->g, n, "this integer operation is not supported by the HLS backend yet");
  const Value *y = n->targs[k];
  int64_t idx[RT_MAXRANK] = {0}, cnt = rt_numel(dims, rank);
  for (int64_t i = 0; i < cnt; i++, rt_next_index(idx, dims, rank)) {
    Ref x[2];
    HlsSum s = {0};
    for (int64_t j = 0; j < k; j++) {
      int64_t off = 0;
      for (int64_t d = 0; d < rank; d++)
        off += idx[d] * str[j * rank + d];
      Ref e = refs_of(h, n->targs[j])[off];
      if (op == RT_MUL)
        x[j] = e;
      else
        add_term(h, &s, j > 0 && op == RT_SUB ? -1 : 1, e, NULL);
    }
    if (op == RT_MUL)
      add_term(h, &s, 1, x[0], &x[1]);
    assign_sum(h, n, y, i, &s);
  }
}

static void gen_conv(Hls *h, const Node *n) {
  const int64_t *ip = n->ip;
  int64_t nb = ip[0], ng = ip[1], cg = ip[2], mg = ip[3];
  const int64_t *in = ip + 4, *ks = ip + 7, *out = ip + 10, *st = ip + 13, *dl = ip + 16,
                *pd = ip + 19;
  Ref *x = refs_of(h, n->targs[0]), *w = refs_of(h, n->targs[1]);
  Ref *b = n->targs[2] ? refs_of(h, n->targs[2]) : NULL;
  const Value *y = n->targs[3];
  int64_t isz = in[0] * in[1] * in[2], ksz = ks[0] * ks[1] * ks[2], osz = out[0] * out[1] * out[2];
  for (int64_t bn = 0; bn < nb; bn++)
    for (int64_t m = 0; m < ng * mg; m++)
      for (int64_t o = 0; o < osz; o++) {
        int64_t o0 = o / (out[1] * out[2]), o1 = o / out[2] % out[1], o2 = o % out[2], g = m / mg;
        HlsSum s = {0};
        for (int64_t c = 0; c < cg; c++)
          for (int64_t k = 0; k < ksz; k++) {
            int64_t k0 = k / (ks[1] * ks[2]), k1 = k / ks[2] % ks[1], k2 = k % ks[2];
            int64_t i0 = o0 * st[0] - pd[0] + k0 * dl[0], i1 = o1 * st[1] - pd[1] + k1 * dl[1];
            int64_t i2 = o2 * st[2] - pd[2] + k2 * dl[2];
            if (i0 < 0 || i0 >= in[0] || i1 < 0 || i1 >= in[1] || i2 < 0 || i2 >= in[2])
              continue;
            add_term(h, &s, 1, x[(bn * ng * cg + g * cg + c) * isz + (i0 * in[1] + i1) * in[2] + i2],
                     &w[(m * cg + c) * ksz + k]);
          }
        if (b)
          add_term(h, &s, 1, b[m], NULL);
        assign_sum(h, n, y, (bn * ng * mg + m) * osz + o, &s);
      }
}

/* Y = max of the listed elements (Relu: with 0), through hls_max. */
static void gen_max(Hls *h, const Value *y, int64_t i, const Ref *r, int nr, int with_zero) {
  assign_begin(h, y, i);
  for (int k = 0; k + 1 < nr + with_zero; k++)
    fputs("hls_max(", h->f);
  for (int k = 0; k < nr; k++)
    fprintf(h->f, k ? ", %s)" : "%s", elem(h, r[k]));
  fputs(with_zero ? ", 0))" : ")", h->f);
  fputs(";\n", h->f);
}

static void gen_maxpool(Hls *h, const Node *n) {
  const int64_t *ip = n->ip, *in = ip + 1, *ks = ip + 4, *out = ip + 7, *st = ip + 10,
                *dl = ip + 13, *pd = ip + 16;
  if (n->targs[2])
    error_node(h->g, n, "MaxPool's Indices output is not supported by the HLS backend yet");
  Ref *x = refs_of(h, n->targs[0]), *win = arena_alloc(h->g->arena, sizeof *win * (size_t)(ks[0] * ks[1] * ks[2]));
  int64_t isz = in[0] * in[1] * in[2], osz = out[0] * out[1] * out[2];
  for (int64_t p = 0; p < ip[0]; p++)
    for (int64_t o = 0; o < osz; o++) {
      int64_t o0 = o / (out[1] * out[2]), o1 = o / out[2] % out[1], o2 = o % out[2];
      int nw = 0;
      for (int64_t k0 = 0; k0 < ks[0]; k0++)
        for (int64_t k1 = 0; k1 < ks[1]; k1++)
          for (int64_t k2 = 0; k2 < ks[2]; k2++) {
            int64_t i0 = o0 * st[0] - pd[0] + k0 * dl[0], i1 = o1 * st[1] - pd[1] + k1 * dl[1];
            int64_t i2 = o2 * st[2] - pd[2] + k2 * dl[2];
            if (i0 >= 0 && i0 < in[0] && i1 >= 0 && i1 < in[1] && i2 >= 0 && i2 < in[2])
              win[nw++] = x[p * isz + (i0 * in[1] + i1) * in[2] + i2];
          }
      if (!nw)
        error_node(h->g, n, "a pooling window without input elements is not supported by the HLS "
                   "backend yet");
      h->nterms += nw;
      gen_max(h, n->targs[1], p * osz + o, win, nw, 0);
    }
}

/* Y = post(ovf(round(X / 2^shift))) per channel (rt_requant). */
static void gen_requant(Hls *h, const Node *n) {
  const int64_t *ip = n->ip, *ch = ip + 9;
  int64_t outer = ip[0], nc = ip[1], inner = ip[2];
  const Value *xv = n->targs[0], *y = n->targs[1];
  Ref *x = refs_of(h, xv);
  for (int64_t o = 0; o < outer; o++)
    for (int64_t c = 0; c < nc; c++) {
      const int64_t *row = ch + 4 * c;
      HlsRequant r = hls_requant_plan(row[0], ip[5], ip[6] == RT_OVF_SAT, row[1], row[2], ip[7],
                                      ip[8], row[3], xv->qlo, xv->qhi);
      for (int64_t k = 0; k < inner; k++) {
        int64_t i = (o * nc + c) * inner + k;
        Ref e = x[i];
        assign_begin(h, y, i);
        if (e.v->data)
          fprintf(h->f, "%lldLL", (long long)hls_requant_eval(&r, value_get_i64(e.v, e.i)));
        else
          hls_requant_print(h->f, &r, arena_printf(h->g->arena, "HLS_W(%s)", elem(h, e)));
        fputs(");\n", h->f);
        h->nterms++;
      }
    }
}

/* Threshold: y = base + step * (number of comparisons that hold); levels
 * that the input range decides are folded into base. */
static void gen_threshold(Hls *h, const Node *n) {
  const int64_t *ip = n->ip;
  int64_t outer = ip[0], nc = ip[1], inner = ip[2], nk = ip[3];
  const Value *xv = n->targs[0], *y = n->targs[1];
  Ref *x = refs_of(h, xv);
  for (int64_t o = 0; o < outer; o++)
    for (int64_t c = 0; c < nc; c++) {
      const int64_t *row = ip + 4 + c * (3 + nk);
      for (int64_t k = 0; k < inner; k++) {
        int64_t i = (o * nc + c) * inner + k, known = 0, any = 0;
        int64_t lo = row[0] > 0 ? xv->qlo : -xv->qhi, hi = row[0] > 0 ? xv->qhi : -xv->qlo;
        if (x[i].v->data)
          lo = hi = row[0] * value_get_i64(x[i].v, x[i].i);
        for (int64_t j = 0; j < nk; j++)
          known += row[3 + j] <= lo;
        assign_begin(h, y, i);
        fprintf(h->f, "%lldLL", (long long)(row[1] + row[2] * known));
        for (int64_t j = 0; j < nk; j++)
          if (row[3 + j] > lo && row[3 + j] <= hi) {
            fputs(any++ ? " + " : arena_printf(h->g->arena, " + %lldLL * (", (long long)row[2]), h->f);
            fprintf(h->f, "(HLS_W(%s) %s %lldLL)", elem(h, x[i]), row[0] > 0 ? ">=" : "<=",
                    (long long)(row[0] > 0 ? row[3 + j] : -row[3 + j]));
            h->nterms++;
          }
        fputs(any ? "));\n" : ");\n", h->f);
      }
    }
}

/* Data movement: Y's elements refer to X's (no code). */
static void gen_alias(Hls *h, const Node *n, const Value *x, const Value *y) {
  Ref *rx = refs_of(h, x), *ry = arena_alloc(h->g->arena, sizeof *ry * (size_t)(value_numel(y) + 1));
  if (!strcmp(n->kernel, "rt_concat")) {  /* ip = [esize, k, outer, chunk bytes...] */
    int64_t k = n->ip[1], outer = n->ip[2], i = 0;
    for (int64_t o = 0; o < outer; o++)
      for (int64_t j = 0; j < k; j++) {
        int64_t len = n->ip[3 + j] / n->ip[0];
        for (int64_t e = 0; e < len; e++)
          ry[i++] = refs_of(h, n->targs[j])[o * len + e];
      }
  } else if (!strcmp(n->kernel, "rt_transpose")) {
    int64_t rank = n->ip[1], idx[RT_MAXRANK] = {0};
    const int64_t *dims = n->ip + 2, *str = n->ip + 2 + rank;
    for (int64_t i = 0; i < value_numel(y); i++, rt_next_index(idx, dims, rank)) {
      int64_t off = 0;
      for (int64_t d = 0; d < rank; d++)
        off += idx[d] * str[d];
      ry[i] = rx[off];
    }
  } else {
    for (int64_t i = 0; i < value_numel(y); i++)
      ry[i] = rx[i];
  }
  h->ref[y->id] = ry;
}

static void gen_body(Hls *h, const Node *n) {
  const char *k = n->kernel;
  if (!strcmp(k, "rt_matmul_i64"))
    gen_matmul(h, n);
  else if (!strcmp(k, "rt_spmatmul_i64"))
    gen_spmatmul(h, n);
  else if (!strcmp(k, "rt_nary_i64"))
    gen_nary(h, n);
  else if (!strcmp(k, "rt_conv_i64"))
    gen_conv(h, n);
  else if (!strcmp(k, "rt_maxpool_i64"))
    gen_maxpool(h, n);
  else if (!strcmp(k, "rt_requant"))
    gen_requant(h, n);
  else if (!strcmp(k, "rt_threshold"))
    gen_threshold(h, n);
  else if (!strcmp(k, "rt_unary_i64") && n->ip[0] == RT_RELU)
    for (int64_t i = 0; i < n->ip[1]; i++)
      gen_max(h, n->targs[1], i, &refs_of(h, n->targs[0])[i], 1, 1);
  else
    error_node(h->g, n, "%s (%s) is not supported by the HLS backend yet", op_name(n->op), k);
}

/* The node at position pos as "HLS_NODE nodePOS(arrays it reads..., its
 * output)", inlined by
 * HLS into the pipelined top; appends the call to calls.  (Separate
 * functions keep gcc's optimizers linear: one huge block of code with
 * every intermediate value in registers takes them minutes.)  Data
 * movement writes no function, only references. */
static void gen_node(Hls *h, const Node *n, int pos, FILE *calls) {
  const char *k = n->kernel;
  for (int j = 0; j < n->ntargs; j++)
    if (n->targs[j] && n->targs[j]->dt != DT_I64)
      error_node(h->g, n, "%s data is not supported by the HLS backend yet",
                 dtype_name(n->targs[j]->dt));
  if (!strcmp(k, "rt_copy") || !strcmp(k, "rt_transpose") || !strcmp(k, "rt_concat")) {
    gen_alias(h, n, n->targs[0], n->out[0]);
    return;
  }
  if (!strcmp(k, "rt_dropout") && !n->targs[4]) {
    gen_alias(h, n, n->targs[0], n->targs[3]);
    return;
  }
  const Value *y = n->out[0];
  char *body;
  size_t len;
  FILE *f = h->f;
  h->f = open_memstream(&body, &len);
  if (!h->f)
    die("out of memory");
  memset(h->used, 0, (size_t)h->g->nvalues + 1);
  gen_body(h, n);
  if (fclose(h->f) != 0)
    die("out of memory");
  h->f = f;
  fprintf(f, "/* node %d: %s \"", n->index, op_name(n->op));
  c_comment(f, n->name);
  fprintf(f, "\" */\nHLS_NODE node%d(", pos);
  fprintf(calls, "  node%d(", pos);
  for (int i = 0; i < h->g->nvalues; i++)
    if (h->used[i]) {
      const Value *v = h->g->values[i];
      fprintf(f, "const %s %s[%lld], ", h->type[i], h->arr[i], (long long)(value_numel(v) + !value_numel(v)));
      fprintf(calls, "%s, ", h->arr[i]);
    }
  fprintf(f, "%s %s[%lld]) {\n#pragma HLS inline\n", h->type[y->id], h->arr[y->id],
          (long long)(value_numel(y) + !value_numel(y)));
  fprintf(calls, "%s);\n", h->arr[y->id]);
  fwrite(body, 1, len, f);
  fputs("}\n\n", f);
  free(body);
}

/* Does gen_node write code into y (an array), or only references? */
static int computes(const Node *n) {
  return strcmp(n->kernel, "rt_copy") && strcmp(n->kernel, "rt_transpose") &&
         strcmp(n->kernel, "rt_dropout") && strcmp(n->kernel, "rt_concat");
}

static void typedefs(Hls *h, int synth) {
  for (int i = 0; i < h->g->nvalues; i++) {
    const Value *v = h->g->values[i];
    if (!h->type[i])
      continue;
    if (synth)
      fprintf(h->f, "typedef ap_%sint<%d> %s;", v->fx.sgn ? "" : "u", v->fx.w, h->type[i]);
    else
      fprintf(h->f, "typedef %s %s;", int_ctype(&v->fx), h->type[i]);
    fprintf(h->f, " /* %%");
    c_comment(h->f, v->name);
    fprintf(h->f, " fixed<%s,%d,%d> */\n", v->fx.sgn ? "s" : "u", v->fx.w, v->fx.f);
  }
}

static const char prelude[] =
  "/* HLS_W(x): x as an operand of exact arithmetic (ap_int widens by itself;\n"
  " * portable code computes in int64_t, which bibc checked cannot overflow).\n"
  " * HLS_SHR(x, s): floor(x / 2^s). */\n"
  "#ifdef __SYNTHESIS__\n#include <ap_int.h>\n#define HLS_W(x) (x)\n#define HLS_SHR(x, s) ((x) >> (s))\n";

static const char helpers[] =
  "\n/* Each node is a function: HLS inlines it into the pipelined top; gcc\n"
  " * compiles it on its own (a single huge block would take it minutes). */\n"
  "#if defined(__GNUC__) && !defined(__SYNTHESIS__)\n"
  "#define HLS_NODE static __attribute__((noinline)) void\n#else\n#define HLS_NODE static void\n#endif\n"
  "\nRT_INLINE int64_t hls_max(int64_t a, int64_t b) {\n#pragma HLS inline\n"
  "  return a > b ? a : b;\n}\n\n"
  "RT_INLINE int64_t hls_sat(int64_t v, int64_t lo, int64_t hi) {\n#pragma HLS inline\n"
  "  return v < lo ? lo : v > hi ? hi : v;\n}\n\n";

static void top_args(Hls *h, const char *in_type, const char *out_type) {
  const IntSplit *s = h->s;
  for (int i = 0; i < s->nqin; i++)
    fprintf(h->f, "%sconst %s%d in%d[%lld]", i ? ", " : "", in_type, i, i,
            (long long)(value_numel(s->qin[i]) ? value_numel(s->qin[i]) : 1));
  for (int i = 0; i < s->nqout; i++)
    fprintf(h->f, "%s%s%d out%d[%lld]", i || s->nqin ? ", " : "", out_type, i, i,
            (long long)(value_numel(s->qout[i]) ? value_numel(s->qout[i]) : 1));
}

static void emit_top(Hls *h, const char *prefix) {
  Graph *g = h->g;
  const IntSplit *s = h->s;
  FILE *f = h->f, *calls;
  char *ctext;
  size_t clen;
  if (!(calls = open_memstream(&ctext, &clen)))
    die("out of memory");
  for (int i = 0; i < g->nnodes; i++)
    if (s->core[i])
      gen_node(h, g->nodes[i], i, calls);
  if (fclose(calls) != 0)
    die("out of memory");
  fprintf(f, "void %s_top(", prefix);
  top_args(h, "t_in", "t_out");
  fputs(") {\n#pragma HLS pipeline II=1\n", f);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "#pragma HLS array_partition variable=in%d complete\n", i);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "#pragma HLS array_partition variable=out%d complete\n", i);
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; s->core[i] && computes(g->nodes[i]) && k < g->nodes[i]->nout; k++) {
      const Value *v = g->nodes[i]->out[k];
      if (!v)
        continue;
      fprintf(f, "  %s %s[%lld];\n#pragma HLS array_partition variable=%s complete\n", h->type[v->id],
              h->arr[v->id], (long long)(value_numel(v) ? value_numel(v) : 1), h->arr[v->id]);
    }
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "  (void)in%d;\n", i);
  fwrite(ctext, 1, clen, f);
  free(ctext);
  for (int k = 0; k < s->nqout; k++) {
    Ref *r = refs_of(h, s->qout[k]);
    for (int64_t i = 0; i < value_numel(s->qout[k]); i++)
      fprintf(f, "  out%d[%lld] = (t_out%d)(%s);\n", k, (long long)i, k, elem(h, r[i]));
  }
  fputs("}\n", f);
}

/* NAME_run_int (NAME.h): standard integer arrays in and out. */
static void emit_entry(Hls *h, const char *prefix, const char *hbase) {
  const IntSplit *s = h->s;
  FILE *f = h->f;
  fprintf(f, "\n/* The integer entry of %s (standard C types), for C simulation and the float\n"
          " * wrapper %s_float.c: copies into the HLS types and calls %s_top. */\n"
          "#include \"%s\"\n\nvoid %s_run_int(", hbase, prefix, prefix, hbase, prefix);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "%sconst %s *in%d", i ? ", " : "", int_ctype(&s->qin[i]->fx), i);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "%s%s *out%d", i || s->nqin ? ", " : "", int_ctype(&s->qout[i]->fx), i);
  if (!s->nqin && !s->nqout)
    fputs("void", f);
  fputs(") {\n  int64_t i;\n", f);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "  static t_in%d a%d[%lld];\n", i, i, (long long)(value_numel(s->qin[i]) + 1));
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "  static t_out%d b%d[%lld];\n", i, i, (long long)(value_numel(s->qout[i]) + 1));
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "  for (i = 0; i < %lldLL; i++)\n    a%d[i] = (t_in%d)in%d[i];\n",
            (long long)value_numel(s->qin[i]), i, i, i);
  fprintf(f, "  %s_top(", prefix);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "%sa%d", i ? ", " : "", i);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "%sb%d", i || s->nqin ? ", " : "", i);
  fputs(");\n", f);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "  for (i = 0; i < %lldLL; i++)\n    out%d[i] = (%s)b%d[i];\n",
            (long long)value_numel(s->qout[i]), i, int_ctype(&s->qout[i]->fx), i);
  fputs("}\n", f);
}

const char *emit_hls(Graph *g, const char *path, const char *hpath, const char *cmdline) {
  IntSplit s;
  if (!int_split(&s, g)) {
    if (s.why)
      error_node(g, s.why_node, "%s, so the model has no integer-only form; the HLS backend needs "
                 "one", s.why);
    error_at(g->file, NULL, "the model has no fixed-point part for the HLS backend (quantize it "
             "with power-of-two scales, or see --precision)");
  }
  Arena *a = g->arena;
  Hls h = {.g = g, .s = &s};
  h.ref = arena_alloc(a, sizeof *h.ref * (size_t)(g->nvalues + 1));
  h.arr = arena_alloc(a, sizeof *h.arr * (size_t)(g->nvalues + 1));
  h.type = arena_alloc(a, sizeof *h.type * (size_t)(g->nvalues + 1));
  h.used = arena_alloc(a, (size_t)g->nvalues + 1);
  for (int i = 0; i < s.nqin; i++) {
    h.arr[s.qin[i]->id] = arena_printf(a, "in%d", i);
    h.type[s.qin[i]->id] = arena_printf(a, "t_in%d", i);
  }
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; s.core[i] && computes(g->nodes[i]) && k < g->nodes[i]->nout; k++) {
      const Value *v = g->nodes[i]->out[k];
      if (v && !h.type[v->id]) {
        const char *st = stem(&h, v);
        h.arr[v->id] = arena_printf(a, "v_%s", st);
        h.type[v->id] = arena_printf(a, "t_%s", st);
      }
    }
  const char *prefix = c_ident_from_path(a, path), *hbase = strrchr(hpath, '/');
  hbase = hbase ? hbase + 1 : hpath;
  const char *base = strrchr(path, '/');
  emit_int_header(&s, hpath, prefix, base ? base + 1 : path, cmdline);
  OutFile o;
  out_open(&o, path);
  FILE *f = h.f = o.f;
  fprintf(f, "/* Generated by bibc %s: ", BIBC_VERSION);
  c_comment(f, cmdline);
  fprintf(f, "\n * Vitis HLS top function %s_top: the integer core of the model (%s documents\n"
          " * its arguments as in%%d / out%%d).  C++ with <ap_int.h> under __SYNTHESIS__,\n"
          " * else C99 or C++ with standard integer types. */\n\n", prefix, hbase);
  const char *names[] = {"rt_fx_round"};
  rt_text_emit(f, names, 1, "int");
  fputs(prelude, f);
  typedefs(&h, 1);
  for (int i = 0; i < s.nqout; i++)
    fprintf(f, "typedef ap_%sint<%d> t_out%d;\n", s.qout[i]->fx.sgn ? "" : "u", s.qout[i]->fx.w, i);
  fputs("#else\n#define HLS_W(x) ((int64_t)(x))\n#define HLS_SHR(x, s) rt_fx_floor_shr((x), (s))\n", f);
  typedefs(&h, 0);
  for (int i = 0; i < s.nqout; i++)
    fprintf(f, "typedef %s t_out%d;\n", int_ctype(&s.qout[i]->fx), i);
  fputs("#endif\n", f);
  fputs(helpers, f);
  emit_top(&h, prefix);
  emit_entry(&h, prefix, hbase);
  out_close(&o);
  char *wpath = c_float_path(a, path);
  emit_float_wrapper(&s, wpath, hpath, prefix, cmdline);
  return wpath;
}
