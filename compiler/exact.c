/*
 * exact.c - dyadic rationals m * 2^e with a 4096-bit mantissa (exact.h).
 *
 * Magnitudes are little-endian arrays of 32-bit limbs, worked on in
 * scratch buffers twice the capacity wide and checked against the capacity
 * only when a result is stored (finish()), which also normalizes it: the
 * leading zero limbs and the trailing zero bits go (the latter into e), so
 * a mantissa is odd and as short as the value allows.  Addition shifts the
 * operand with the larger exponent left onto the smaller one; a shift of
 * more than 4096 bits is a genuine overflow, as the other mantissa is odd.
 * Multiplication is schoolbook, O(n^2) limb products.
 *
 * The sign of a + b sqrt(v) needs squares only when the two terms have
 * opposite signs, and even then bit lengths decide unless the squares are
 * within a factor of 8.  The floor of (p + q sqrt v) / d is a search over
 * the integers n for the last one with p + q sqrt(v) - n d >= 0, a test
 * that is exact: a long double estimate picks the start, galloping and
 * bisection from there take at most about 130 exact tests.
 */
#include <math.h>
#include <string.h>

#include "exact.h"

#define WIDE (2 * EXACT_LIMBS + 2)           /* scratch width in limbs */
#define EXP_MAX ((int64_t)1 << 60)           /* |e| bound; sums stay in int64 */

/* Bits in a limb array without leading zero limbs. */
static int64_t bitlen(const uint32_t *l, int n) {
  if (n == 0)
    return 0;
  int b = 0;
  for (uint32_t top = l[n - 1]; top; top >>= 1)
    b++;
  return 32 * (int64_t)(n - 1) + b;
}

/* Stores sign, magnitude l[0..n) and exponent e in *r, normalized.  l is
 * scratch and may be modified.  Returns 0 if the result exceeds capacity. */
static int finish(Dy *r, int neg, uint32_t *l, int n, int64_t e) {
  while (n > 0 && l[n - 1] == 0)
    n--;
  if (n == 0) {
    r->neg = 0, r->n = 0, r->e = 0;
    return 1;
  }
  int z = 0;                                 /* whole zero limbs at the bottom */
  while (l[z] == 0)
    z++;
  int s = 0;                                 /* then zero bits */
  while (!((l[z] >> s) & 1))
    s++;
  for (int i = z; i < n; i++)
    l[i - z] = (l[i] >> s) | (s && i + 1 < n ? l[i + 1] << (32 - s) : 0);
  n -= z;
  if (l[n - 1] == 0)
    n--;
  e += 32 * (int64_t)z + s;
  if (n > EXACT_LIMBS || e > EXP_MAX || e < -EXP_MAX)
    return 0;
  r->neg = neg, r->n = n, r->e = e;
  memcpy(r->limb, l, (size_t)n * sizeof *l);
  return 1;
}

/* r = a << s, r with room for na + s/32 + 1 limbs; returns its length. */
static int shl(uint32_t *r, const uint32_t *a, int na, int64_t s) {
  int w = (int)(s / 32), b = (int)(s % 32);
  memset(r, 0, (size_t)w * sizeof *r);
  for (int i = 0; i < na; i++)
    r[w + i] = a[i] << b | (b && i > 0 ? a[i - 1] >> (32 - b) : 0);
  r[w + na] = b ? a[na - 1] >> (32 - b) : 0;
  return w + na + 1;
}

/* Magnitude comparison of arrays that may carry leading zero limbs. */
static int mag_cmp(const uint32_t *a, int na, const uint32_t *b, int nb) {
  while (na > 0 && a[na - 1] == 0)
    na--;
  while (nb > 0 && b[nb - 1] == 0)
    nb--;
  if (na != nb)
    return na > nb ? 1 : -1;
  for (int i = na - 1; i >= 0; i--)
    if (a[i] != b[i])
      return a[i] > b[i] ? 1 : -1;
  return 0;
}

/* a += b in place, a with room for max(na, nb) + 1 limbs; returns length. */
static int mag_add(uint32_t *a, int na, const uint32_t *b, int nb) {
  int n = na > nb ? na : nb;
  uint64_t c = 0;
  for (int i = 0; i < n; i++) {
    c += (uint64_t)(i < na ? a[i] : 0) + (i < nb ? b[i] : 0);
    a[i] = (uint32_t)c;
    c >>= 32;
  }
  a[n] = (uint32_t)c;
  return n + 1;
}

/* r = a - b for a >= b (r may be a or b); returns na. */
static int mag_sub(uint32_t *r, const uint32_t *a, int na, const uint32_t *b, int nb) {
  int64_t c = 0;
  for (int i = 0; i < na; i++) {
    c += (int64_t)a[i] - (i < nb ? b[i] : 0);
    r[i] = (uint32_t)c;
    c = c < 0 ? -1 : 0;
  }
  return na;
}

Dy dy_int(int64_t v) {
  Dy r;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  uint32_t l[2] = {(uint32_t)u, (uint32_t)(u >> 32)};
  finish(&r, v < 0, l, 2, 0);
  return r;
}

Dy dy_double(double v) {
  int x;
  double f = frexp(v, &x);                   /* v = f 2^x, 0.5 <= |f| < 1 */
  Dy r = dy_int((int64_t)ldexp(f, 53));      /* exact: f has <= 53 bits */
  if (r.n)
    r.e += x - 53;
  return r;
}

int dy_add(Dy *r, const Dy *a, const Dy *b) {
  if (a->n == 0 || b->n == 0) {
    *r = a->n == 0 ? *b : *a;
    return 1;
  }
  const Dy *x = a->e >= b->e ? a : b, *y = x == a ? b : a;   /* x->e >= y->e */
  int64_t s = x->e - y->e;
  if (s > 32 * (int64_t)EXACT_LIMBS)
    return 0;
  uint32_t t[WIDE];
  int nt = shl(t, x->limb, x->n, s), neg = x->neg;
  if (x->neg == y->neg) {
    nt = mag_add(t, nt, y->limb, y->n);
  } else if (mag_cmp(t, nt, y->limb, y->n) >= 0) {
    nt = mag_sub(t, t, nt, y->limb, y->n);
  } else {
    nt = mag_sub(t, y->limb, y->n, t, nt);
    neg = y->neg;
  }
  return finish(r, neg, t, nt, y->e);
}

int dy_sub(Dy *r, const Dy *a, const Dy *b) {
  Dy nb = *b;
  dy_neg(&nb);
  return dy_add(r, a, &nb);
}

int dy_mul(Dy *r, const Dy *a, const Dy *b) {
  if (a->n == 0 || b->n == 0) {
    r->neg = 0, r->n = 0, r->e = 0;
    return 1;
  }
  uint32_t t[WIDE];
  int n = a->n + b->n;
  memset(t, 0, (size_t)n * sizeof *t);
  for (int i = 0; i < a->n; i++) {
    uint64_t c = 0;
    for (int j = 0; j < b->n; j++) {
      c += (uint64_t)a->limb[i] * b->limb[j] + t[i + j];
      t[i + j] = (uint32_t)c;
      c >>= 32;
    }
    t[i + b->n] = (uint32_t)c;
  }
  return finish(r, a->neg != b->neg, t, n, a->e + b->e);
}

void dy_neg(Dy *r) {
  if (r->n)
    r->neg = !r->neg;
}

int dy_sign(const Dy *a) { return a->n == 0 ? 0 : a->neg ? -1 : 1; }

/* Position of the top bit plus one: 2^(top-1) <= |a| < 2^top. */
static int64_t top(const Dy *a) { return a->e + bitlen(a->limb, a->n); }

/* |a| vs |b|: equal tops make the exponent gap smaller than 4096, so the
 * shifted mantissa fits in scratch and the comparison cannot fail. */
static int abs_cmp(const Dy *a, const Dy *b) {
  if (a->n == 0 || b->n == 0)
    return (a->n != 0) - (b->n != 0);
  int64_t ta = top(a), tb = top(b);
  if (ta != tb)
    return ta > tb ? 1 : -1;
  uint32_t t[WIDE];
  if (a->e >= b->e) {
    int nt = shl(t, a->limb, a->n, a->e - b->e);
    return mag_cmp(t, nt, b->limb, b->n);
  }
  int nt = shl(t, b->limb, b->n, b->e - a->e);
  return -mag_cmp(t, nt, a->limb, a->n);
}

int dy_cmp(const Dy *a, const Dy *b) {
  int sa = dy_sign(a), sb = dy_sign(b);
  if (sa != sb)
    return sa > sb ? 1 : -1;
  return sa * abs_cmp(a, b);
}

long double dy_approx(const Dy *a) {
  if (a->n == 0)
    return 0;
  int64_t bl = bitlen(a->limb, a->n), lowest = bl - 64;
  uint64_t m = 0;                            /* bits [lowest, bl) of |m| */
  for (int64_t i = bl - 1; i >= lowest; i--)
    m = m << 1 | (i >= 0 ? (a->limb[i / 32] >> (i % 32)) & 1 : 0);
  int64_t x = a->e + lowest;
  long double r = x > 20000 ? HUGE_VALL : x < -20000 ? 0 : ldexpl((long double)m, (int)x);
  return a->neg ? -r : r;
}

int dy_sign_surd(const Dy *a, const Dy *b, const Dy *v, int *sign) {
  if (v->neg)
    return 0;
  int sa = dy_sign(a), sb = v->n ? dy_sign(b) : 0;
  if (sa == 0 || sb == 0 || sa == sb) {
    *sign = sa ? sa : sb;
    return 1;
  }
  /* a^2 in [2^(ka-2), 2^ka), b^2 v in [2^(kb-3), 2^kb). */
  int64_t ka = 2 * top(a), kb = 2 * top(b) + top(v);
  int c;
  if (ka >= kb + 2) {
    c = 1;
  } else if (kb >= ka + 3) {
    c = -1;
  } else {
    Dy a2, b2v;
    if (!dy_mul(&a2, a, a) || !dy_mul(&b2v, b, b) || !dy_mul(&b2v, &b2v, v))
      return 0;
    c = dy_cmp(&a2, &b2v);
  }
  *sign = c > 0 ? sa : c < 0 ? sb : 0;
  return 1;
}

/* *s = sign of p + q sqrt(v) - n d. */
static int sign_at(const Dy *p, const Dy *q, const Dy *v, const Dy *d, int64_t n, int *s) {
  Dy nd = dy_int(n), a;
  return dy_mul(&nd, &nd, d) && dy_sub(&a, p, &nd) && dy_sign_surd(&a, q, v, s);
}

int dy_floor_surd(const Dy *p, const Dy *q, const Dy *v, const Dy *d, int64_t lo, int64_t hi,
                  int64_t *fl, int *is_int) {
  const int64_t lim = (int64_t)1 << 62;
  if (dy_sign(d) <= 0 || dy_sign(v) < 0 || lo > hi || lo < -lim || hi > lim)
    return 0;
  /* Invariant: sign_at(L) >= 0 (it is sl), sign_at(H) < 0, L < H. */
  int64_t L = lo, H = hi + 1;
  int sl, sh, s;
  if (!sign_at(p, q, v, d, L, &sl) || !sign_at(p, q, v, d, H, &sh))
    return 0;
  if (sl < 0 || sh >= 0) {
    *fl = sl < 0 ? lo - 1 : H;
    *is_int = sl >= 0 && sh == 0;
    return 1;
  }
  /* Start: the estimate clamped into [L, H - 1] (NaN gives L). */
  long double est = (dy_approx(p) + dy_approx(q) * sqrtl(dy_approx(v))) / dy_approx(d);
  int64_t c = !(est >= L) ? L : est >= H ? H - 1 : (int64_t)floorl(est);
  if (!sign_at(p, q, v, d, c, &s))
    return 0;
  /* Gallop away from c until the floor is bracketed; the step stays below
   * 2^62 so that L + step and H - step cannot overflow. */
  const uint64_t maxstep = (uint64_t)1 << 61;
  if (s >= 0) {
    L = c, sl = s;
    for (uint64_t step = 1; step < (uint64_t)H - (uint64_t)L && step <= maxstep; step *= 2) {
      int64_t t = L + (int64_t)step;
      if (!sign_at(p, q, v, d, t, &s))
        return 0;
      if (s < 0) {
        H = t;
        break;
      }
      L = t, sl = s;
    }
  } else {
    H = c;
    for (uint64_t step = 1; step < (uint64_t)H - (uint64_t)L && step <= maxstep; step *= 2) {
      int64_t t = H - (int64_t)step;
      if (!sign_at(p, q, v, d, t, &s))
        return 0;
      if (s >= 0) {
        L = t, sl = s;
        break;
      }
      H = t;
    }
  }
  while ((uint64_t)H - (uint64_t)L > 1) {
    int64_t m = L + (int64_t)(((uint64_t)H - (uint64_t)L) / 2);
    if (!sign_at(p, q, v, d, m, &s))
      return 0;
    if (s >= 0)
      L = m, sl = s;
    else
      H = m;
  }
  *fl = L;
  *is_int = sl == 0;
  return 1;
}
