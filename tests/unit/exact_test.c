/*
 * exact_test.c - unit tests of compiler/exact.c: dyadic arithmetic against
 * __int128 on random small operands, algebraic identities on multi-limb
 * ones, the extremes (INT64_MIN, exponent gaps of thousands of bits, the
 * 4096-bit capacity and the exponent bound), the sign of a + b sqrt(v)
 * including exact cancellation, and floor((p + q sqrt v) / d) checked by
 * squaring in __int128: n is the floor iff n d - p <= q sqrt v < (n+1) d - p.
 * Prints "N passed, M failed" and exits 1 on any failure.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exact.h"
#include "check.h"

typedef __int128 I128;

/* Counts a random-case failure once per test, printing the first few. */
#define TALLY(bad, cond, ...) \
  do { \
    if (!(cond) && (bad)++ < 5) { \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__); \
      putchar('\n'); \
    } \
  } while (0)

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void) {                  /* xorshift64* */
  rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
  return rng * 0x2545f4914f6cdd1du;
}
static int64_t rnd_in(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

static int normalized(const Dy *a) {
  if (a->n == 0)
    return a->neg == 0 && a->e == 0;
  return a->n <= EXACT_LIMBS && a->limb[a->n - 1] != 0 && (a->limb[0] & 1);
}

/* a * 2^scale as an __int128, if it is an integer below 2^127 in magnitude. */
static int to_i128(const Dy *a, int scale, I128 *out) {
  if (!normalized(a))
    return 0;
  *out = 0;
  if (a->n == 0)
    return 1;
  if (a->e + scale < 0 || a->n > 4)
    return 0;
  I128 m = 0;
  for (int i = a->n - 1; i >= 0; i--) {
    if (m >> 90)
      return 0;
    m = m << 32 | a->limb[i];
  }
  for (int64_t s = a->e + scale; s > 0; s--) {
    if (m >> 126)
      return 0;
    m <<= 1;
  }
  *out = a->neg ? -m : m;
  return 1;
}

/* 2^k, built from doubles 2^-1000 .. 2^1000. */
static Dy pow2(int k) {
  Dy r = dy_int(1), t;
  while (k) {
    int s = k > 1000 ? 1000 : k < -1000 ? -1000 : k;
    t = dy_double(ldexp(1, s));
    dy_mul(&r, &r, &t);
    k -= s;
  }
  return r;
}
static int dy_eq(const Dy *a, const Dy *b) { return dy_cmp(a, b) == 0; }
static int sgn128(I128 v) { return (v > 0) - (v < 0); }

static void test_int(void) {
  int bad = 0;
  for (int i = 0; i < 20000; i++) {
    int64_t v = (int64_t)(rnd() >> (rnd() % 64));
    if (i % 2 && v != INT64_MIN)
      v = -v;
    if (i < 6)
      v = (int64_t[]){INT64_MIN, INT64_MAX, 0, 1, -1, INT64_MIN + 1}[i];
    Dy d = dy_int(v);
    I128 got;
    TALLY(bad, to_i128(&d, 0, &got) && got == v && dy_approx(&d) == (long double)v,
          "dy_int(%lld)", (long long)v);
  }
  CHECK(bad == 0, "dy_int round trip: %d bad", bad);
  Dy m = dy_int(INT64_MIN), x = dy_int(INT64_MAX), r;
  CHECK(m.neg && m.n == 1 && m.limb[0] == 1 && m.e == 63, "INT64_MIN is -2^63");
  I128 got;
  CHECK(dy_sub(&r, &m, &x) && to_i128(&r, 0, &got) && got == (I128)INT64_MIN - INT64_MAX,
        "INT64_MIN - INT64_MAX");
  CHECK(dy_mul(&r, &m, &m) && to_i128(&r, 0, &got) && got == (I128)INT64_MIN * INT64_MIN,
        "INT64_MIN^2");
}

static void test_double(void) {
  int bad = 0;
  for (int i = 0; i < 20000; i++) {
    uint64_t bits = rnd(), bits2 = rnd();
    double x, y;
    memcpy(&x, &bits, 8), memcpy(&y, &bits2, 8);
    if (!isfinite(x) || !isfinite(y))
      continue;
    if (i % 3 == 0)
      y = x;
    Dy a = dy_double(x), b = dy_double(y), na = dy_double(-x), s;
    TALLY(bad, normalized(&a) && dy_approx(&a) == (long double)x, "dy_double(%a)", x);
    TALLY(bad, dy_add(&s, &a, &na) && s.n == 0, "x + -x for %a", x);
    TALLY(bad, dy_cmp(&a, &b) == (x > y) - (x < y), "cmp(%a, %a)", x, y);
  }
  CHECK(bad == 0, "dy_double, 20000 random doubles: %d bad", bad);
  Dy z = dy_double(-0.0), h = dy_double(0.5), t = dy_double(ldexp(1, -1074));
  CHECK(z.n == 0 && z.neg == 0, "-0.0 is zero");
  CHECK(h.n == 1 && h.limb[0] == 1 && h.e == -1, "0.5 = 1 * 2^-1");
  CHECK(t.n == 1 && t.limb[0] == 1 && t.e == -1074, "smallest denormal");
}

/* Random m 2^e with |m| < 2^20, -20 <= e <= 20, sometimes 0. */
static Dy small_dy(I128 *scaled20) {
  int64_t m = rnd() % 8 == 0 ? 0 : rnd_in(-(1 << 20) + 1, (1 << 20) - 1);
  int e = (int)rnd_in(-20, 20);
  Dy a = dy_int(m), t = pow2(e);
  dy_mul(&a, &a, &t);
  *scaled20 = (I128)m * ((I128)1 << (e + 20));
  return a;
}

static void test_small_arith(void) {
  int bad = 0;
  for (int i = 0; i < 50000; i++) {
    I128 x, y, got;
    Dy a = small_dy(&x), b = small_dy(&y), r;
    TALLY(bad, dy_add(&r, &a, &b) && to_i128(&r, 20, &got) && got == x + y, "add %d", i);
    TALLY(bad, dy_sub(&r, &a, &b) && to_i128(&r, 20, &got) && got == x - y, "sub %d", i);
    TALLY(bad, dy_mul(&r, &a, &b) && to_i128(&r, 40, &got) && got == x * y, "mul %d", i);
    TALLY(bad, dy_cmp(&a, &b) == sgn128(x - y) && dy_sign(&a) == sgn128(x), "cmp %d", i);
    r = a;                                   /* aliasing: r = r + b, r = r * r */
    TALLY(bad, dy_add(&r, &r, &b) && to_i128(&r, 20, &got) && got == x + y, "add alias %d", i);
    r = a;
    TALLY(bad, dy_mul(&r, &r, &r) && to_i128(&r, 40, &got) && got == x * x, "mul alias %d", i);
    r = a;
    dy_neg(&r);
    TALLY(bad, to_i128(&r, 20, &got) && got == -x, "neg %d", i);
    long double ap = dy_approx(&a), want = ldexpl((long double)x, -20);
    TALLY(bad, ap == want, "approx %d", i);
  }
  CHECK(bad == 0, "add/sub/mul/cmp/neg/approx of 50000 random small dyadics vs __int128: %d bad", bad);
}

/* A random dyadic of about 'bits' bits with exponents spread around 0. */
static Dy big_dy(int bits) {
  Dy a = dy_int((int64_t)rnd()), t;
  for (int b = 64; b < bits; b += 61) {
    t = pow2(61);
    dy_mul(&a, &a, &t);
    t = dy_int((int64_t)(rnd() >> 3));
    dy_add(&a, &a, &t);
  }
  t = pow2((int)rnd_in(-400, 400));
  dy_mul(&a, &a, &t);
  return a;
}

static void test_identities(void) {
  int bad = 0;
  for (int i = 0; i < 3000; i++) {
    Dy a = big_dy((int)rnd_in(1, 1000)), b = big_dy((int)rnd_in(1, 1000)), c = big_dy(700);
    Dy s, d, l, r, t;
    /* (a + b)(a - b) = a^2 - b^2 */
    int ok = dy_add(&s, &a, &b) && dy_sub(&d, &a, &b) && dy_mul(&l, &s, &d) && dy_mul(&r, &a, &a) &&
             dy_mul(&t, &b, &b) && dy_sub(&r, &r, &t);
    TALLY(bad, ok && dy_eq(&l, &r) && normalized(&l) && normalized(&r), "(a+b)(a-b) %d", i);
    /* a (b + c) = ab + ac, (a + b) - b = a */
    ok = dy_add(&s, &b, &c) && dy_mul(&l, &a, &s) && dy_mul(&r, &a, &b) && dy_mul(&t, &a, &c) &&
         dy_add(&r, &r, &t);
    TALLY(bad, ok && dy_eq(&l, &r), "a(b+c) %d", i);
    ok = dy_add(&s, &a, &b) && dy_sub(&s, &s, &b);
    TALLY(bad, ok && dy_eq(&s, &a) && memcmp(s.limb, a.limb, (size_t)a.n * 4) == 0, "(a+b)-b %d", i);
    /* cmp is the sign of the difference */
    ok = dy_sub(&d, &a, &b);
    TALLY(bad, ok && dy_cmp(&a, &b) == dy_sign(&d) && dy_cmp(&b, &a) == -dy_sign(&d), "cmp %d", i);
    long double x = dy_approx(&a);
    dy_sub(&d, &a, &a);
    TALLY(bad, d.n == 0 && isfinite(x), "a - a %d", i);
  }
  CHECK(bad == 0, "identities on 3000 random multi-limb dyadics: %d bad", bad);
}

static void test_extremes(void) {
  Dy a = pow2(-149), b = pow2(127), r, t;
  CHECK(dy_add(&r, &a, &b) && r.e == -149 && r.n == 9 && r.limb[0] == 1 && r.limb[8] == 1u << 20 &&
            r.limb[4] == 0,
        "2^-149 + 2^127 exact");
  CHECK(dy_sub(&t, &r, &b) && dy_eq(&t, &a) && dy_sub(&t, &r, &a) && dy_eq(&t, &b),
        "(2^-149 + 2^127) - 2^127 = 2^-149");
  a = pow2(-1074), b = pow2(1023);
  CHECK(dy_add(&r, &a, &b) && r.e == -1074 && dy_cmp(&r, &b) == 1 && dy_approx(&r) == ldexpl(1, 1023),
        "2^-1074 + 2^1023");
  /* capacity: 4096 bits fit, 4097 do not */
  Dy one = dy_int(1), p4095 = pow2(4095), p4096 = pow2(4096), x, y, w;
  CHECK(p4095.n == 1 && p4095.limb[0] == 1 && p4095.e == 4095 && p4096.e == 4096, "2^4095, 2^4096");
  CHECK(dy_add(&r, &one, &p4095) && r.n == EXACT_LIMBS && r.e == 0, "1 + 2^4095 fits");
  CHECK(dy_add(&r, &r, &one) && r.n == EXACT_LIMBS && r.e == 1, "2 + 2^4095 = 2 (1 + 2^4094)");
  CHECK(!dy_add(&r, &one, &p4096), "1 + 2^4096 overflows");
  CHECK(dy_sub(&r, &p4096, &one) && r.n == EXACT_LIMBS && r.limb[EXACT_LIMBS - 1] == UINT32_MAX,
        "2^4096 - 1 fits");
  t = pow2(4097);
  CHECK(!dy_sub(&r, &t, &one), "2^4097 - 1 overflows");
  t = pow2(-1);
  CHECK(!dy_add(&r, &t, &p4095), "2^-1 + 2^4095 overflows");
  x = pow2(4094);
  CHECK(dy_add(&r, &t, &x) && r.e == -1 && r.n == EXACT_LIMBS, "2^-1 + 2^4094 fits");
  t = pow2(2048);
  dy_add(&x, &t, &one);                      /* (2^2048 + 1)^2 needs 4097 bits */
  CHECK(!dy_mul(&r, &x, &x), "(2^2048 + 1)^2 overflows");
  t = pow2(2047);
  dy_add(&y, &t, &one);
  w = pow2(4094);
  t = pow2(2048);
  dy_add(&w, &w, &t);
  dy_add(&w, &w, &one);
  CHECK(dy_mul(&r, &y, &y) && dy_eq(&r, &w) && r.n == EXACT_LIMBS, "(2^2047 + 1)^2 exact");
  /* exponent bound: squaring 2^1000 or 2^-1000 fails before e leaves 2^60 */
  int failed = 0, steps = 0;
  for (int sgn = -1; sgn <= 1; sgn += 2) {
    t = pow2(1000 * sgn);
    for (int k = 0; k < 80 && !failed; k++, steps++)
      failed = !dy_mul(&t, &t, &t);
    CHECK(failed && steps < 80, "repeated squaring of 2^%d reports overflow", 1000 * sgn);
    failed = steps = 0;
  }
  /* comparison with tops equal and exponents 4095 apart cannot fail */
  dy_add(&x, &p4095, &one);
  CHECK(dy_cmp(&x, &p4095) == 1 && dy_cmp(&p4095, &x) == -1, "cmp 2^4095 + 1 vs 2^4095");
  t = pow2(-1074);
  CHECK(dy_cmp(&p4096, &t) == 1 && dy_cmp(&t, &p4096) == -1, "cmp far apart");
  dy_neg(&x);
  CHECK(dy_cmp(&x, &one) == -1 && dy_sign(&x) == -1, "cmp -(2^4095 + 1) vs 1");
  CHECK(dy_approx(&x) == -ldexpl(1, 4095), "approx of -(2^4095 + 1)");
  t = pow2(30000);
  CHECK(dy_approx(&t) == HUGE_VALL, "approx of 2^30000 is inf");
  t = pow2(-30000);
  CHECK(dy_approx(&t) == 0, "approx of 2^-30000 is 0");
}

/* Reference sign of A + B sqrt(V) for |B sqrt(V)| < 2^41. */
static int ref_sign(I128 A, I128 B, I128 V) {
  int sa = sgn128(A), sb = V ? sgn128(B) : 0;
  if (sa == 0 || sb == 0 || sa == sb)
    return sa ? sa : sb;
  if (A > ((I128)1 << 61) || A < -((I128)1 << 61))
    return sa;
  I128 c = A * A - B * B * V;
  return c > 0 ? sa : c < 0 ? sb : 0;
}

/* Scales a, b, v by 2^s, 2^(s-j), 4^j: the sign of a + b sqrt(v) stays. */
static void rescale(Dy *a, Dy *b, Dy *v, int s, int j) {
  Dy t = pow2(s);
  dy_mul(a, a, &t);
  t = pow2(s - j);
  dy_mul(b, b, &t);
  t = pow2(2 * j);
  dy_mul(v, v, &t);
}

static void test_sign_surd(void) {
  int bad = 0, zeros = 0;
  for (int i = 0; i < 50000; i++) {
    int64_t a = rnd_in(-((int64_t)1 << 40), (int64_t)1 << 40), b = rnd_in(-(1 << 20), 1 << 20);
    int64_t v = rnd_in(0, (int64_t)1 << 40);
    if (i % 3 == 0) {                        /* exact cancellation a = -b k, v = k^2 */
      int64_t k = rnd_in(0, 1 << 20);
      v = k * k;
      a = -b * k;
    } else if (i % 3 == 1) {                 /* near it: a^2 - b^2 v small */
      int64_t k = rnd_in(1, 1 << 20);
      b = rnd_in(-(1 << 19), 1 << 19);
      v = k * k + rnd_in(-2, 2);
      a = -b * k + rnd_in(-1, 1);
    }
    Dy da = dy_int(a), db = dy_int(b), dv = dy_int(v);
    if (i % 2)
      rescale(&da, &db, &dv, (int)rnd_in(-200, 200), (int)rnd_in(-100, 100));
    int s = 7, want = ref_sign(a, b, v);
    zeros += want == 0;
    TALLY(bad, dy_sign_surd(&da, &db, &dv, &s) && s == want,
          "sign(%lld + %lld sqrt %lld) = %d, want %d", (long long)a, (long long)b, (long long)v, s, want);
  }
  CHECK(bad == 0 && zeros > 10000, "sign of a + b sqrt v, 50000 random (%d zero): %d bad", zeros, bad);
  /* k = 3 2^1500 + 1: k - sqrt(k^2 +- 1) and k - sqrt(k^2) */
  Dy k = pow2(1500), three = dy_int(3), one = dy_int(1), m1 = dy_int(-1), k2, v;
  int s;
  dy_mul(&k, &k, &three);
  dy_add(&k, &k, &one);
  dy_mul(&k2, &k, &k);
  CHECK(dy_add(&v, &k2, &one) && dy_sign_surd(&k, &m1, &v, &s) && s == -1, "k - sqrt(k^2 + 1) < 0");
  CHECK(dy_sub(&v, &k2, &one) && dy_sign_surd(&k, &m1, &v, &s) && s == 1, "k - sqrt(k^2 - 1) > 0");
  CHECK(dy_sign_surd(&k, &m1, &k2, &s) && s == 0, "k - sqrt(k^2) = 0");
  Dy tiny = pow2(-1000);
  CHECK(dy_add(&v, &k2, &tiny) && dy_sign_surd(&k, &m1, &v, &s) && s == -1, "k - sqrt(k^2 + 2^-1000) < 0");
  /* squares of 2501-bit numbers overflow; v < 0 is refused */
  Dy a = pow2(2500), b;
  dy_add(&b, &a, &three);
  dy_neg(&b);
  dy_add(&a, &a, &one);
  CHECK(!dy_sign_surd(&a, &b, &one, &s), "sign_surd overflow reported");
  CHECK(dy_sign_surd(&a, &b, &k, &s) && s == -1, "decided by bit lengths without squaring");
  CHECK(!dy_sign_surd(&one, &one, &m1, &s), "v < 0 refused");
}

static void check_floor(int *bad, const Dy *p, const Dy *q, const Dy *v, const Dy *d, I128 P, I128 Q,
                        I128 V, I128 D, int64_t lo, int64_t hi) {
  int64_t fl = 12345;
  int is_int = 7;
  if (!dy_floor_surd(p, q, v, d, lo, hi, &fl, &is_int)) {
    TALLY(*bad, 0, "floor_surd failed");
    return;
  }
  /* g(n) = sign of P + Q sqrt V - n D, decreasing in n */
#define G(n) ref_sign(P - (I128)(n) * D, Q, V)
  int ok;
  if (fl == lo - 1)
    ok = !is_int && G(lo) < 0;
  else if (fl == hi + 1 && !is_int)
    ok = G(hi + 1) > 0;
  else
    ok = fl >= lo && fl <= hi + 1 && G(fl) >= 0 && G(fl + 1) < 0 && is_int == (G(fl) == 0);
#undef G
  TALLY(*bad, ok, "floor((%lld + %lld sqrt %lld) / %lld) in [%lld, %lld]: %lld, is_int %d",
        (long long)P, (long long)Q, (long long)V, (long long)D, (long long)lo, (long long)hi,
        (long long)fl, is_int);
}

static void test_floor_random(void) {
  int bad = 0, ints = 0, clamped = 0;
  for (int i = 0; i < 50000; i++) {
    int64_t p = rnd_in(-((int64_t)1 << 40), (int64_t)1 << 40), q = rnd_in(-(1 << 20), 1 << 20);
    int64_t v = rnd_in(0, (int64_t)1 << 40), d = rnd_in(1, i % 2 ? 1 << 20 : 8);
    if (i % 4 == 0) {                        /* E = n0, an integer */
      int64_t k = rnd_in(0, 1 << 20), n0 = rnd_in(-(1 << 20), 1 << 20);
      v = k * k;
      p = n0 * d - q * k;
    }
    long double e = ((long double)p + (long double)q * sqrtl((long double)v)) / d;
    int64_t c = (int64_t)floorl(e), lo, hi;
    switch (i % 5) {
    case 0: lo = -((int64_t)1 << 62), hi = (int64_t)1 << 62; break;
    case 1: lo = c + rnd_in(-3, 3), hi = lo + rnd_in(0, 3); break;
    case 2: lo = c - rnd_in(0, 1 << 20), hi = c + rnd_in(0, 1 << 20); break;
    case 3: lo = hi = c + rnd_in(-1, 1); break;
    default: lo = rnd_in(-((int64_t)1 << 62), c), hi = rnd_in(c, (int64_t)1 << 62); break;
    }
    Dy dp = dy_int(p), dq = dy_int(q), dv = dy_int(v), dd = dy_int(d);
    if (i % 3 == 0) {                        /* same E with dyadic p, q, v, d */
      int s = (int)rnd_in(-300, 300), j = (int)rnd_in(-100, 100);
      rescale(&dp, &dq, &dv, s, j);
      Dy t = pow2(s);
      dy_mul(&dd, &dd, &t);
    }
    check_floor(&bad, &dp, &dq, &dv, &dd, p, q, v, d, lo, hi);
    int64_t fl;
    int is_int;
    dy_floor_surd(&dp, &dq, &dv, &dd, lo, hi, &fl, &is_int);
    ints += is_int;
    clamped += fl == lo - 1 || fl == hi + 1;
  }
  CHECK(bad == 0 && ints > 10000 && clamped > 5000,
        "floor((p + q sqrt v) / d), 50000 random (%d integer, %d clamped): %d bad", ints, clamped, bad);
}

static void test_floor_special(void) {
  const int64_t big = (int64_t)1 << 62;
  int64_t fl = 0;
  int is_int = 0;
  Dy k = pow2(900), one = dy_int(1), mk = k, k2, v, d = pow2(-940);
  dy_neg(&mk);
  dy_mul(&k2, &k, &k);
  /* k = 2^900: E = (sqrt(k^2 + 1) - k) 2^940 = 2^940 / (sqrt(k^2 + 1) + k), just below
   * 2^39, where the long double estimate is 0 */
  dy_add(&v, &k2, &one);
  CHECK(dy_floor_surd(&mk, &one, &v, &d, -big, big, &fl, &is_int) && fl == ((int64_t)1 << 39) - 1 &&
            !is_int,
        "cancellation: floor = 2^39 - 1, got %lld", (long long)fl);
  dy_sub(&v, &k2, &one);
  CHECK(dy_floor_surd(&mk, &one, &v, &d, -big, big, &fl, &is_int) && fl == -((int64_t)1 << 39) - 1 &&
            !is_int,
        "cancellation: floor = -2^39 - 1, got %lld", (long long)fl);
  CHECK(dy_floor_surd(&mk, &one, &k2, &d, -big, big, &fl, &is_int) && fl == 0 && is_int,
        "cancellation to exactly 0");
  /* p = 1.5, q = 0.25, v = 16, d = 0.5: E = 5 exactly; clamping around it */
  Dy p = dy_double(1.5), q = dy_double(0.25), w = dy_int(16), h = dy_double(0.5);
  CHECK(dy_floor_surd(&p, &q, &w, &h, 0, 10, &fl, &is_int) && fl == 5 && is_int, "E = 5");
  CHECK(dy_floor_surd(&p, &q, &w, &h, 5, 5, &fl, &is_int) && fl == 5 && is_int, "E = lo = hi = 5");
  CHECK(dy_floor_surd(&p, &q, &w, &h, 0, 4, &fl, &is_int) && fl == 5 && is_int, "E = hi + 1");
  CHECK(dy_floor_surd(&p, &q, &w, &h, 0, 3, &fl, &is_int) && fl == 4 && !is_int, "E > hi + 1");
  CHECK(dy_floor_surd(&p, &q, &w, &h, 6, 9, &fl, &is_int) && fl == 5 && !is_int, "E < lo");
  CHECK(dy_floor_surd(&p, &q, &w, &h, -big, -big, &fl, &is_int) && fl == -big + 1 && !is_int,
        "E > hi + 1 at -2^62");
  CHECK(dy_floor_surd(&p, &q, &w, &h, big, big, &fl, &is_int) && fl == big - 1 && !is_int,
        "E < lo at 2^62");
  /* E near 2^62 over the full range */
  Dy e = dy_int(big - 3), z = dy_int(0);
  CHECK(dy_floor_surd(&e, &z, &z, &one, -big, big, &fl, &is_int) && fl == big - 3 && is_int,
        "E = 2^62 - 3");
  /* refused: d <= 0, lo > hi, out of range; overflow of n d */
  CHECK(!dy_floor_surd(&p, &q, &w, &z, 0, 1, &fl, &is_int), "d = 0 refused");
  CHECK(!dy_floor_surd(&p, &q, &w, &h, 2, 1, &fl, &is_int), "lo > hi refused");
  CHECK(!dy_floor_surd(&p, &q, &w, &h, 0, big + 1, &fl, &is_int), "hi > 2^62 refused");
  Dy wide = pow2(4069);
  dy_add(&wide, &wide, &one);
  CHECK(!dy_floor_surd(&p, &q, &w, &wide, -big, big, &fl, &is_int), "overflow of n d reported");
}

/* p = m d -+ k, q = +-1, v = k^2 + dv 2^-41, d = 2^-940, k = 2^900, |m| < 2^61:
 * E = m +- (sqrt(v) - k) / d = m +- dv / 4 (a little less in magnitude for dv = 1).  The
 * long double estimate is 0 or about +-2^1777, so the search gallops (up or down) and
 * bisects from a start far off; m = +-(2^j - 1) lands exactly on a galloping step. */
static void test_floor_search(void) {
  const int64_t big = (int64_t)1 << 62;
  int bad = 0;
  Dy k = pow2(900), d = pow2(-940), eps = pow2(-41), k2;
  dy_mul(&k2, &k, &k);
  for (int i = 0; i < 600; i++) {
    int j = (int)rnd_in(1, 61);
    int64_t m = i % 3 == 0 ? ((int64_t)1 << j) - 1 : rnd_in(-big / 2, big / 2) >> (rnd() % 62);
    if (i % 2)
      m = -m;
    int dv = (int)rnd_in(-1, 1);
    int up = i / 2 % 2;                      /* q = -1: the second form */
    Dy p = dy_int(m), v = dy_int(dv), q = dy_int(up ? -1 : 1);
    dy_mul(&p, &p, &d);
    if (up)
      dy_add(&p, &p, &k);
    else
      dy_sub(&p, &p, &k);
    dy_mul(&v, &v, &eps);
    dy_add(&v, &v, &k2);
    int64_t fl = 0, want = (up ? -dv : dv) < 0 ? m - 1 : m, lo = -big, hi = big;
    int is_int = -1;
    if (i % 5 == 4)                          /* a bracket that does not contain 0 */
      lo = m - 1 - (int64_t)(rnd() % 1000), hi = m + (int64_t)(rnd() % 1000);
    TALLY(bad, dy_floor_surd(&p, &q, &v, &d, lo, hi, &fl, &is_int) && fl == want && is_int == (dv == 0),
          "m = %lld, dv = %d: floor %lld, is_int %d", (long long)m, dv, (long long)fl, is_int);
  }
  CHECK(bad == 0, "floor search from a useless estimate, 600 cases: %d bad", bad);
}

int main(void) {
  test_int();
  test_double();
  test_small_arith();
  test_identities();
  test_extremes();
  test_sign_surd();
  test_floor_random();
  test_floor_special();
  test_floor_search();
  return CHECK_DONE();
}
