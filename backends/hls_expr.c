/*
 * hls_expr.c - the arithmetic expressions of the HLS backend: sums of
 * products with constant coefficients printed as balanced adder trees, and
 * requantization (rounding, saturation, wrap) printed from one plan that
 * mirrors rt_fx_round in runtime/rt_fixed.h.
 *
 * Rounding.  For a shift s > 0, every mode of rt_fx_round is
 *     round(x / 2^s) = floor((x + bias) / 2^s)
 * with bias a constant that may depend on the sign of x and, for ties to
 * even, on the lowest bit of floor(x / 2^s) (HlsRound).  hls_round_eval()
 * computes exactly the printed formula and tests/backends/hls_round.c
 * checks it against rt_fx_round for every mode, shift and many x, so the
 * printed code and the interpreter cannot disagree.
 *
 * Requantization adds the clamp (SAT) or wrap only where the input range
 * can reach past the bounds, then the per-channel left shift (post);
 * hls_requant_eval() is the printed formula on one value.
 *
 * Sums.  A Sum is a constant plus terms coef * a (* b); constant operands
 * are folded, zero coefficients dropped.  It is printed as a balanced
 * binary tree of additions (depth log2 n), which is the adder tree HLS
 * builds and keeps ap_int widths small.  The portable code evaluates it in
 * int64_t: hls_sum_print() refuses a sum whose terms' magnitudes could add
 * up to 2^63 or more, so no partial sum can overflow.
 */
#include <string.h>

#include "backends.h"
#include "../runtime/rt_fixed.h"

HlsRound hls_round_plan(int64_t s, int64_t mode) {
  HlsRound p = {.s = s};
  if (s <= 0)
    return p;
  int64_t h = (int64_t)1 << (s - 1), m = ((int64_t)1 << s) - 1;
  switch (mode) {
  case RT_RND_FLOOR: break;
  case RT_RND_CEIL: p.pos = p.neg = m; break;
  case RT_RND_TRUNC: p.neg = m; break;
  case RT_RND_AWAY: p.pos = m; break;
  case RT_RND_HALF_UP: p.pos = p.neg = h; break;
  case RT_RND_HALF_DOWN: p.pos = p.neg = h - 1; break;
  case RT_RND_HALF_EVEN: p.pos = p.neg = h - 1, p.lsb = 1; break;
  case RT_RND_HALF_AWAY: p.pos = h, p.neg = h - 1; break;
  default: p.pos = h - 1, p.neg = h; break;  /* HALF_ZERO */
  }
  return p;
}

int64_t hls_round_eval(const HlsRound *p, int64_t x) {
  if (p->s <= 0)
    return rt_fx_shl(x, -p->s);
  int64_t bias = (x < 0 ? p->neg : p->pos) + (p->lsb ? rt_fx_floor_shr(x, p->s) & 1 : 0);
  return rt_fx_floor_shr(x + bias, p->s);
}

void hls_round_print(FILE *f, const HlsRound *p, const char *x) {
  if (p->s <= 0) {
    fprintf(f, p->s ? "%s * %lldLL" : "%s", x, (long long)((int64_t)1 << -p->s));
    return;
  }
  fprintf(f, "HLS_SHR(%s", x);
  if (p->pos == p->neg && p->pos)
    fprintf(f, " + %lldLL", (long long)p->pos);
  else if (p->pos != p->neg)
    fprintf(f, " + (%s < 0 ? %lldLL : %lldLL)", x, (long long)p->neg, (long long)p->pos);
  if (p->lsb)
    fprintf(f, " + (HLS_SHR(%s, %lld) & 1)", x, (long long)p->s);
  fprintf(f, ", %lld)", (long long)p->s);
}

HlsRequant hls_requant_plan(int64_t shift, int64_t mode, int sat, int64_t lo, int64_t hi,
                            int64_t w, int64_t sgn, int64_t post, int64_t xlo, int64_t xhi) {
  HlsRequant r = {.round = hls_round_plan(shift, mode), .lo = lo, .hi = hi, .w = w, .sgn = sgn,
                  .post = post};
  /* rounding is monotone: the input range bounds the rounded values */
  int64_t rlo = hls_round_eval(&r.round, xlo), rhi = hls_round_eval(&r.round, xhi);
  r.sat = sat && (rlo < lo || rhi > hi);
  r.wrap = !sat && w < 64;
  if (r.wrap) {
    int64_t wlo = sgn ? -((int64_t)1 << (w - 1)) : 0;
    int64_t whi = sgn ? ((int64_t)1 << (w - 1)) - 1 : w == 63 ? INT64_MAX : ((int64_t)1 << w) - 1;
    r.wrap = rlo < wlo || rhi > whi;
  }
  return r;
}

int64_t hls_requant_eval(const HlsRequant *r, int64_t x) {
  int64_t v = hls_round_eval(&r->round, x);
  if (r->sat)
    v = v < r->lo ? r->lo : v > r->hi ? r->hi : v;
  if (r->wrap)
    v = rt_fx_wrap(v, r->w, r->sgn);
  return rt_fx_shl(v, r->post);
}

void hls_requant_print(FILE *f, const HlsRequant *r, const char *x) {
  if (r->post)
    fputc('(', f);
  if (r->sat)
    fputs("hls_sat(", f);
  if (r->wrap)
    fputs("rt_fx_wrap(", f);
  hls_round_print(f, &r->round, x);
  if (r->sat)
    fprintf(f, ", %lldLL, %lldLL)", (long long)r->lo, (long long)r->hi);
  if (r->wrap)
    fprintf(f, ", %lld, %lld)", (long long)r->w, (long long)r->sgn);
  if (r->post)
    fprintf(f, ") * %lldLL", (long long)((int64_t)1 << r->post));
}

/* ---- sums ---- */

void hls_sum_add(Arena *a, HlsSum *s, __int128 coef, const char *x, int64_t xmax, const char *y,
                 int64_t ymax) {
  if (coef == 0)
    return;
  if (s->n == s->cap) {
    int cap = s->cap ? 2 * s->cap : 16;
    HlsTerm *t = arena_alloc(a, sizeof *t * (size_t)cap);
    if (s->n)
      memcpy(t, s->t, sizeof *t * (size_t)s->n);
    s->t = t;
    s->cap = cap;
  }
  s->t[s->n++] = (HlsTerm){.coef = coef, .x = x, .y = y};
  __int128 mag = (coef < 0 ? -coef : coef) * xmax;
  s->bound += y ? mag * ymax : mag;
}

static void print_term(FILE *f, const HlsTerm *t) {
  if (t->coef == -1)
    fputc('-', f);
  fprintf(f, "HLS_W(%s)", t->x);
  if (t->y)
    fprintf(f, " * HLS_W(%s)", t->y);
  if (t->coef != 1 && t->coef != -1)
    fprintf(f, " * %lldLL", (long long)t->coef);
}

static void print_tree(FILE *f, const HlsTerm *t, int n) {
  if (n == 1) {
    print_term(f, t);
    return;
  }
  fputc('(', f);
  print_tree(f, t, n / 2);
  fputs(" + ", f);
  print_tree(f, t + n / 2, n - n / 2);
  fputc(')', f);
}

int hls_sum_print(FILE *f, const HlsSum *s) {
  __int128 c = s->c < 0 ? -s->c : s->c;
  if (s->bound + c >= (__int128)INT64_MAX || s->c < INT64_MIN + 1 || s->c > INT64_MAX)
    return 0;
  for (int i = 0; i < s->n; i++)
    if (s->t[i].coef > INT64_MAX || s->t[i].coef < -INT64_MAX)
      return 0;
  if (!s->n) {
    fprintf(f, "%lldLL", (long long)s->c);
    return 1;
  }
  if (s->c)
    fputc('(', f);
  print_tree(f, s->t, s->n);
  if (s->c)
    fprintf(f, " + %lldLL)", (long long)s->c);
  return 1;
}
