/*
 * exact.h - exact arithmetic on dyadic rationals m * 2^e (m a signed big
 * integer of at most 4096 bits), and the exact sign and floor of numbers
 * (p + q sqrt v) / d built from them.  Integer thresholds are computed with
 * it: floating point only proposes a candidate, every decision is exact.
 * Self-contained (exact.c); no allocation, values are held by value.
 */
#ifndef BIBC_EXACT_H
#define BIBC_EXACT_H
#include <stdint.h>

#define EXACT_LIMBS 128      /* mantissa capacity: 128 * 32 = 4096 bits */

/* m * 2^e, m in sign-magnitude.  Normalized: limb[n-1] != 0 and m odd, or
 * n == 0, neg == 0, e == 0 for the value 0; |e| <= 2^60.  Build values only
 * with the functions below, which keep these invariants. */
typedef struct Dy {
  int neg;                   /* 1: m < 0 */
  int n;                     /* limbs used; 0 <=> value 0 */
  uint32_t limb[EXACT_LIMBS]; /* |m|, least significant limb first */
  int64_t e;                 /* binary exponent */
} Dy;

Dy dy_int(int64_t v);        /* exact, INT64_MIN included */
Dy dy_double(double v);      /* exact value of a finite double */

/* r = a op b.  Return 0 on capacity overflow (result needs more than 4096
 * bits, or |e| > 2^60; r is then unspecified), else 1.  r may alias a or b. */
int dy_add(Dy *r, const Dy *a, const Dy *b);
int dy_sub(Dy *r, const Dy *a, const Dy *b);
int dy_mul(Dy *r, const Dy *a, const Dy *b);
void dy_neg(Dy *r);                    /* r = -r */
int dy_sign(const Dy *a);              /* -1, 0, +1 */
int dy_cmp(const Dy *a, const Dy *b);  /* sign of a - b; exact, cannot fail */
/* a rounded toward zero to 64 bits (relative error < 2^-63 with the x86
 * 80-bit long double), +-inf above its range, +-0 below it. */
long double dy_approx(const Dy *a);

/* *sign = sign of a + b sqrt(v), exact (sqrt(v) may be irrational).  Returns
 * 0 on capacity overflow of the squares it compares, or if v < 0; else 1. */
int dy_sign_surd(const Dy *a, const Dy *b, const Dy *v, int *sign);

/* E = (p + q sqrt(v)) / d, d > 0, v >= 0, lo <= hi, both in [-2^62, 2^62].
 * *fl = floor(E), *is_int = (E is an integer), clamped: E < lo gives
 * *fl = lo - 1, *is_int = 0; E > hi + 1 gives *fl = hi + 1, *is_int = 0.
 * Returns 0 on capacity overflow or arguments outside these ranges, else 1. */
int dy_floor_surd(const Dy *p, const Dy *q, const Dy *v, const Dy *d, int64_t lo, int64_t hi,
                  int64_t *fl, int *is_int);

#endif
