/*
 * c_iconv.c - Conv with constant weights in the integer loops (c_iloops.c):
 * for each output position the input patch (C/G channels times the
 * kernel window, zeros where the window covers padding) is gathered into a
 * contiguous buffer, then each output channel of the group is one dot
 * product of the patch with its weights in W's own layout [M][C/G][window],
 * the steps chained after the Conv run on the result at once.  A sum of
 * integers does not depend on its order, so this is rt_conv_i64
 * (runtime/rt_conv.h), bit for bit.
 *
 * The patch is unsigned bytes, x - x_lo with x_lo = min(lo, 0) (padding
 * contributes 0, so 0 must be representable), padded with zeros to a
 * multiple of 32, when x spans at most 256 values with 0 among them, the
 * weights are signed bytes and the window holds at least 32 values: the
 * byte dot product compilers map to dot-product instructions (see
 * c_iproduct.c); x_lo times the channel's weight sum is added back with
 * the bias.  Otherwise the patch has the sums' type.  The sums are in the
 * narrowest of int32/int64 holding every partial sum (all taps counted).
 * Requires: Conv with a constant weight, a constant bias or none, a
 * fixed-point input that is not a constant.  Cost: N * M * prod(out) *
 * C/G * prod(kernel) multiply-adds, as the kernel; a patch buffer of
 * C/G * prod(kernel) elements (static when large, iloop_array_class).
 *
 * MaxPool without its Indices output is a loop nest over the windows
 * (rt_maxpool: the first maximum, padding ignored), taken when every
 * window holds an input element, and the steps after it run in its loop.
 */
#include "c_iloops.h"

#define PATCH_MAX 65536  /* larger windows stay with the kernel (stack) */

/* Does every output position of axis d see an input element? */
static int axis_covered(const Window3 *w, int d) {
  for (int64_t o = 0; o < w->out[d]; o++) {
    int any = 0;
    for (int64_t k = 0; k < w->k[d] && !any; k++) {
      int64_t i = o * w->s[d] - w->pb[d] + k * w->d[d];
      any = i >= 0 && i < w->in[d];
    }
    if (!any)
      return 0;
  }
  return 1;
}

static int maxpool_takes(const Node *n) {
  if (!n->kernel || n->nout < 1 || (n->nout > 1 && n->out[1]) || !iloop_int_fixed(n->out[0]) ||
      value_numel(n->out[0]) == 0 || !iloop_int_fixed(n->in[0]) || n->in[0]->data)
    return 0;
  PoolGeom g;
  pool_geom(n, &g);
  return axis_covered(&g.w, 0) && axis_covered(&g.w, 1) && axis_covered(&g.w, 2);
}

static void maxpool_emit(CGen *c, int pos) {
  FILE *f = c->f;
  const Node *n = c->g->nodes[pos];
  PoolGeom g;
  pool_geom(n, &g);
  const Window3 *w = &g.w;
  const Value *x = n->in[0], *out = iloop_chain_out(c, pos);
  const char *vt = iloop_chain_type(c, pos);
  long long isz = (long long)(w->in[0] * w->in[1] * w->in[2]);
  fprintf(f, "  { /* node %d: MaxPool \"", n->index);
  c_comment(f, n->name);
  fputs("\" in loops */\n", f);
  fprintf(f, "    const %s *x = (const %s *)%s;\n", value_ctype(c, x), value_ctype(c, x), iloop_storage(c, x));
  fprintf(f, "    %s *y = (%s *)%s;\n", value_ctype(c, out), value_ctype(c, out), iloop_storage(c, out));
  fprintf(f, "    int64_t p, o0, o1, o2, k0, k1, k2;\n    for (p = 0; p < %lld; p++)\n",
          (long long)g.planes);
  int ind = 6;
  for (int d = 0; d < 3; d++, ind += 2)
    fprintf(f, "%*sfor (o%d = 0; o%d < %lld; o%d++)%s\n", ind, "", d, d, (long long)w->out[d], d,
            d == 2 ? " {" : "");
  fprintf(f, "%*s%s v = 0;\n%*sint seen = 0;\n", ind, "", vt, ind, "");
  for (int d = 0; d < 3; d++) {
    int at = ind + 2 * d;
    fprintf(f, "%*sfor (k%d = 0; k%d < %lld; k%d++) {\n%*sconst int64_t i%d = o%d * %lld - %lld + k%d * %lld;\n"
            "%*sif (i%d < 0 || i%d >= %lld)\n%*scontinue;\n", at, "", d, d, (long long)w->k[d], d,
            at + 2, "", d, d, (long long)w->s[d], (long long)w->pb[d], d, (long long)w->d[d], at + 2, "",
            d, d, (long long)w->in[d], at + 4, "");
  }
  int in = ind + 8;
  fprintf(f, "%*s{\n%*sconst %s t = x[p * %lld + (i0 * %lld + i1) * %lld + i2];\n"
          "%*sif (!seen || t > v)\n%*sv = t;\n%*sseen = 1;\n%*s}\n", in - 2, "", in, "", vt, isz,
          (long long)w->in[1], (long long)w->in[2], in, "", in + 2, "", in, "", in - 2, "");
  for (int d = 2; d >= 0; d--)
    fprintf(f, "%*s}\n", ind + 2 * d, "");
  iloop_tail(c, pos, arena_printf(c->g->arena, "p * %lld + (o0 * %lld + o1) * %lld + o2",
                                  (long long)(w->out[0] * w->out[1] * w->out[2]), (long long)w->out[1],
                                  (long long)w->out[2]), ind);
  fprintf(f, "%*s}\n  }\n", ind - 2, "");
}

int iconv_takes(const Node *n) {
  if (n->op == OP_MAXPOOL)
    return maxpool_takes(n);
  if (n->op != OP_CONV || !n->kernel || n->nout != 1 || !iloop_int_fixed(n->out[0]) ||
      value_numel(n->out[0]) == 0 || !iloop_int_fixed(n->in[0]) || n->in[0]->data ||
      !n->in[1]->data || n->in[1]->dt != DT_I64 || (n->nin > 2 && n->in[2] && !n->in[2]->data))
    return 0;
  ConvGeom g;
  conv_geom(n, &g);
  return g.cg * g.w.k[0] * g.w.k[1] * g.w.k[2] <= PATCH_MAX;
}

typedef struct ConvForm {
  ConvGeom g;
  int64_t m, k, kpad, xlo;   /* output channels, patch size, padded, offset */
  int bytes, bits;
  const int64_t *w;          /* [M][K] */
} ConvForm;

static void conv_form(const Node *n, ConvForm *p) {
  conv_geom(n, &p->g);
  p->m = p->g.groups * p->g.mg;
  p->k = p->g.cg * p->g.w.k[0] * p->g.w.k[1] * p->g.w.k[2];
  p->w = n->in[1]->data;
  int64_t lo = n->in[0]->qlo < 0 ? n->in[0]->qlo : 0, hi = n->in[0]->qhi > 0 ? n->in[0]->qhi : 0;
  double blo = 0, bhi = 0, olo = 0, ohi = 0;  /* partial sums of x, and of x - lo */
  int wbyte = 1;
  for (int64_t m = 0; m < p->m; m++) {
    double l = 0, h = 0, ol = 0, oh = 0;
    for (int64_t k = 0; k < p->k; k++) {
      double w = (double)p->w[m * p->k + k], a = (double)lo * w, b = (double)hi * w;
      double c = (double)(hi - lo) * w;
      l += a < b ? (a < 0 ? a : 0) : (b < 0 ? b : 0);
      h += a > b ? (a > 0 ? a : 0) : (b > 0 ? b : 0);
      ol += c < 0 ? c : 0, oh += c > 0 ? c : 0;
      wbyte &= p->w[m * p->k + k] >= -128 && p->w[m * p->k + k] <= 127;
    }
    blo = l < blo ? l : blo, bhi = h > bhi ? h : bhi;
    olo = ol < olo ? ol : olo, ohi = oh > ohi ? oh : ohi;
  }
  int fits = blo >= -2147483648.0 && bhi <= 2147483647.0;
  p->bytes = fits && wbyte && p->k >= 32 && hi - lo <= 255 && lo > -((int64_t)1 << 40) &&
             olo >= -2147483648.0 && ohi <= 2147483647.0;
  p->bits = fits ? 32 : 64;
  p->xlo = p->bytes ? lo : 0;
  p->kpad = p->bytes ? (p->k + 31) / 32 * 32 : p->k;
}

void iconv_constants(CGen *c, int pos) {
  const Node *n = c->g->nodes[pos];
  if (n->op == OP_MAXPOOL)
    return;
  ConvForm p;
  conv_form(n, &p);
  fprintf(c->f, "/* node %d: Conv, %lld output channels x %lld taps, %s patch, int%d_t sums */\n",
          n->index, (long long)p.m, (long long)p.k, p.bytes ? "byte" : "plain", p.bits);
  int64_t *w = arena_alloc(c->g->arena, sizeof *w * (size_t)(p.m * p.kpad));
  int64_t *b = arena_alloc(c->g->arena, sizeof *b * (size_t)p.m);
  const Value *bias = n->nin > 2 ? n->in[2] : NULL;
  for (int64_t m = 0; m < p.m; m++) {
    b[m] = bias ? value_get_i64(bias, m) : 0;
    for (int64_t k = 0; k < p.k; k++) {
      w[m * p.kpad + k] = p.w[m * p.k + k];
      b[m] += p.xlo * p.w[m * p.k + k];  /* what x - x_lo leaves out */
    }
  }
  iloop_table(c, arena_printf(c->g->arena, "w%d", pos), p.m * p.kpad, w);
  if (bias || p.xlo)
    iloop_table(c, arena_printf(c->g->arena, "cb%d", pos), p.m, b);
}

void iconv_emit(CGen *c, int pos) {
  FILE *f = c->f;
  Arena *ar = c->g->arena;
  const Node *n = c->g->nodes[pos];
  if (n->op == OP_MAXPOOL) {
    maxpool_emit(c, pos);
    return;
  }
  ConvForm p;
  conv_form(n, &p);
  const Window3 *w = &p.g.w;
  const Value *x = n->in[0], *out = iloop_chain_out(c, pos);
  const char *st = p.bits == 32 ? "int32_t" : "int64_t", *pt = p.bytes ? "uint8_t" : st;
  long long osz = (long long)(w->out[0] * w->out[1] * w->out[2]), kp = (long long)p.kpad;
  fprintf(f, "  { /* node %d: Conv \"", n->index);
  c_comment(f, n->name);
  fprintf(f, "\": patch dot products, %s patch, %s sums */\n", p.bytes ? "byte" : "plain", st);
  fprintf(f, "    const %s *x = (const %s *)%s;\n", value_ctype(c, x), value_ctype(c, x), iloop_storage(c, x));
  fprintf(f, "    %s *y = (%s *)%s;\n", value_ctype(c, out), value_ctype(c, out), iloop_storage(c, out));
  fprintf(f, "    int64_t b, g, o0, o1, o2, ch, k0, k1, k2, m, k;\n    %s%s p[%lld];\n",
          iloop_array_class(kp), pt, kp);
  fprintf(f, "    for (b = 0; b < %lld; b++)\n      for (g = 0; g < %lld; g++)\n", (long long)p.g.batch,
          (long long)p.g.groups);
  int ind = 8;
  for (int d = 0; d < 3; d++, ind += 2)
    fprintf(f, "%*sfor (o%d = 0; o%d < %lld; o%d++)%s\n", ind, "", d, d, (long long)w->out[d], d,
            d == 2 ? " {" : "");
  fprintf(f, "%*sk = 0;\n%*sfor (ch = 0; ch < %lld; ch++)\n", ind, "", ind, "", (long long)p.g.cg);
  for (int d = 0; d < 3; d++)
    fprintf(f, "%*sfor (k%d = 0; k%d < %lld; k%d++)%s\n", ind + 2 + 2 * d, "", d, d,
            (long long)w->k[d], d, d == 2 ? " {" : "");
  int in2 = ind + 8;
  fprintf(f, "%*sconst int64_t i0 = o0 * %lld - %lld + k0 * %lld, i1 = o1 * %lld - %lld + k1 * %lld,\n"
          "%*si2 = o2 * %lld - %lld + k2 * %lld;\n", in2, "", (long long)w->s[0], (long long)w->pb[0],
          (long long)w->d[0], (long long)w->s[1], (long long)w->pb[1], (long long)w->d[1], in2 + 14, "",
          (long long)w->s[2], (long long)w->pb[2], (long long)w->d[2]);
  const char *off = p.xlo ? arena_printf(ar, " %c %lldLL", p.xlo < 0 ? '+' : '-',
                                         (long long)(p.xlo < 0 ? -p.xlo : p.xlo)) : "";
  fprintf(f, "%*sp[k++] = i0 < 0 || i0 >= %lld || i1 < 0 || i1 >= %lld || i2 < 0 || i2 >= %lld\n"
          "%*s? (%s)(0%s)\n%*s: (%s)(x[((b * %lld + g * %lld + ch) * %lld + i0) * %lld + i1 * %lld + i2]%s);\n",
          in2, "", (long long)w->in[0], (long long)w->in[1], (long long)w->in[2], in2 + 10, "", pt, off,
          in2 + 10, "", pt, (long long)(p.g.groups * p.g.cg), (long long)p.g.cg, (long long)w->in[0],
          (long long)(w->in[1] * w->in[2]), (long long)w->in[2], off);
  fprintf(f, "%*s}\n", ind + 6, "");
  if (p.kpad > p.k)
    fprintf(f, "%*sfor (; k < %lld; k++)\n%*sp[k] = 0;\n", ind, "", kp, ind + 2, "");
  fprintf(f, "%*sfor (m = g * %lld; m < (g + 1) * %lld; m++) {\n", ind, "", (long long)p.g.mg,
          (long long)p.g.mg);
  const char *vt = iloop_chain_type(c, pos), *ut = c->vbits == 32 ? "uint32_t" : "uint64_t";
  fprintf(f, "%*s%s s = 0;\n%*s%s v;\n%*sfor (k = 0; k < %lld; k++)\n%*ss = ", ind + 2, "", st,
          ind + 2, "", vt, ind + 2, "", kp, ind + 4, "");
  if (p.bits == 64)
    fprintf(f, "(int64_t)((uint64_t)s + (uint64_t)p[k] * (uint64_t)w%d[m * %lld + k]);\n", pos, kp);
  else
    fprintf(f, "(int32_t)(s + (int32_t)p[k] * w%d[m * %lld + k]);\n", pos, kp);
  fprintf(f, "%*sv = s;\n", ind + 2, "");
  if ((n->nin > 2 && n->in[2]) || p.xlo)  /* the bias last, as the kernel adds it */
    fprintf(f, "%*sv = (%s)((%s)v + (%s)cb%d[m]);\n", ind + 2, "", vt, ut, ut, pos);
  iloop_tail(c, pos, arena_printf(ar, "(b * %lld + m) * %lld + (o0 * %lld + o1) * %lld + o2",
                                  (long long)p.m, osz, (long long)w->out[1], (long long)w->out[2]),
             ind + 2);
  fprintf(f, "%*s}\n%*s}\n  }\n", ind, "", ind - 2, "");
}
