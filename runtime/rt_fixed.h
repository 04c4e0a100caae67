/*
 * rt_fixed.h - fixed-point arithmetic, defined once.  A fixed-point tensor
 * holds integers q in a C integer container; its real value is q * 2^-F
 * (F, the fraction bits, may be negative).  The only lossy step is
 * requantization: q' = overflow(round(q * 2^(F' - F))), with one of the
 * rounding and overflow modes below.  Every backend's fixed-point code is
 * generated from these definitions (see ir/fixed-point.md); the C backends
 * copy this text, so the interpreter and the generated C cannot disagree.
 *
 * All arithmetic is on int64_t values |q| < 2^62 (interval analysis keeps
 * every intermediate inside that range); shifts are done with unsigned
 * arithmetic so no C operation overflows or shifts a negative number.
 */
#ifndef RT_FIXED_H
#define RT_FIXED_H
#include "rt_common.h"

/*@ rt_requant rt_fx_* */
/* Rounding modes of x / 2^s (ORDER RoundMode in ir/ir.h).
 *   FLOOR      toward -inf (hls4ml TRN, QONNX FLOOR)
 *   CEIL       toward +inf (QONNX CEIL)
 *   TRUNC      toward zero (hls4ml TRN_ZERO, QONNX DOWN)
 *   AWAY       away from zero (QONNX UP)
 *   HALF_UP    nearest, ties toward +inf (hls4ml RND)
 *   HALF_DOWN  nearest, ties toward -inf (hls4ml RND_MIN_INF)
 *   HALF_EVEN  nearest, ties to even (hls4ml RND_CONV, QONNX ROUND, ONNX)
 *   HALF_AWAY  nearest, ties away from zero (QONNX HALF_UP, C round())
 *   HALF_ZERO  nearest, ties toward zero (QONNX HALF_DOWN, hls4ml RND_ZERO) */
enum { RT_RND_FLOOR, RT_RND_CEIL, RT_RND_TRUNC, RT_RND_AWAY, RT_RND_HALF_UP, RT_RND_HALF_DOWN,
       RT_RND_HALF_EVEN, RT_RND_HALF_AWAY, RT_RND_HALF_ZERO };

/* Overflow modes (ORDER OverflowMode in ir/ir.h): WRAP keeps the low W bits
 * (two's complement if signed); SAT clamps to [lo, hi] (which encodes plain,
 * symmetric and QONNX narrow saturation). */
enum { RT_OVF_WRAP, RT_OVF_SAT };

/* floor(x / 2^s) for 0 <= s <= 62, without shifting a negative number. */
RT_INLINE int64_t rt_fx_floor_shr(int64_t x, int64_t s) {
  return x >= 0 ? (int64_t)((uint64_t)x >> s) : (int64_t)~((uint64_t)~x >> s);
}

/* x * 2^s for 0 <= s <= 62; wraps modulo 2^64 (never reached when interval
 * analysis sized the types). */
RT_INLINE int64_t rt_fx_shl(int64_t x, int64_t s) {
  return (int64_t)((uint64_t)x << s);
}

/* round_mode(x / 2^s), 0 <= s <= 62. */
RT_INLINE int64_t rt_fx_round(int64_t x, int64_t s, int64_t mode) {
  if (s <= 0)
    return rt_fx_shl(x, -s);
  int64_t q = rt_fx_floor_shr(x, s);
  uint64_t r = (uint64_t)x - ((uint64_t)q << s);  /* remainder in [0, 2^s) */
  uint64_t half = (uint64_t)1 << (s - 1);
  int exact = r == 0, neg = x < 0;
  switch (mode) {
  case RT_RND_FLOOR: return q;
  case RT_RND_CEIL: return q + !exact;
  case RT_RND_TRUNC: return q + (neg && !exact);
  case RT_RND_AWAY: return q + (!neg && !exact);
  case RT_RND_HALF_UP: return q + (r >= half);
  case RT_RND_HALF_DOWN: return q + (r > half);
  case RT_RND_HALF_EVEN: return q + (r > half || (r == half && (q & 1)));
  case RT_RND_HALF_AWAY: return q + (r > half || (r == half && !neg));
  default: return q + (r > half || (r == half && neg)); /* HALF_ZERO */
  }
}

/* The low w bits of y (1 <= w <= 64), sign-extended if sgn. */
RT_INLINE int64_t rt_fx_wrap(int64_t y, int64_t w, int64_t sgn) {
  if (w >= 64)
    return y;
  uint64_t m = ((uint64_t)1 << w) - 1, u = (uint64_t)y & m;
  if (sgn && (u >> (w - 1)))
    return (int64_t)(u | ~m);
  return (int64_t)u;
}

/*@ rt_requant */
/* Loads element i of a tensor of type code dt as int64 (integer types). */
RT_INLINE int64_t rt_fx_load(const void *p, int64_t dt, int64_t i) {
  switch (dt) {
  case RT_I8: return ((const int8_t *)p)[i];
  case RT_U8: case RT_B8: return ((const uint8_t *)p)[i];
  case RT_I16: return ((const int16_t *)p)[i];
  case RT_U16: return ((const uint16_t *)p)[i];
  case RT_I32: return ((const int32_t *)p)[i];
  case RT_U32: return ((const uint32_t *)p)[i];
  default: return ((const int64_t *)p)[i];
  }
}

/* Stores v (already in range for dt) as element i. */
RT_INLINE void rt_fx_store(void *p, int64_t dt, int64_t i, int64_t v) {
  switch (dt) {
  case RT_I8: ((int8_t *)p)[i] = (int8_t)v; break;
  case RT_U8: case RT_B8: ((uint8_t *)p)[i] = (uint8_t)v; break;
  case RT_I16: ((int16_t *)p)[i] = (int16_t)v; break;
  case RT_U16: ((uint16_t *)p)[i] = (uint16_t)v; break;
  case RT_I32: ((int32_t *)p)[i] = (int32_t)v; break;
  case RT_U32: ((uint32_t *)p)[i] = (uint32_t)v; break;
  default: ((int64_t *)p)[i] = v; break;
  }
}

/* rt_requant: per-channel requantization Y = post(ovf(round(X / 2^shift))).
 * ip = [outer, C, inner, xdt, ydt, round, overflow, w, sgn,
 *       then per channel c: shift_c, lo_c, hi_c, post_c]
 * X and Y are [outer, C, inner] in row-major order (C = 1 for per-tensor).
 * For channel c: v = round(x / 2^shift_c) (shift_c < 0 multiplies exactly);
 * SAT: v = clamp(v, lo_c, hi_c); WRAP: v = low w bits of v (sign-extended
 * if sgn); then y = v * 2^post_c (post_c >= 0 aligns a channel quantized
 * with fewer fraction bits to the tensor's common format, exactly).
 * t = [X, Y]. */
RT_KERNEL(rt_requant) {
  (void)fp;
  int64_t outer = ip[0], nc = ip[1], inner = ip[2], xdt = ip[3], ydt = ip[4];
  int64_t mode = ip[5], ovf = ip[6], w = ip[7], sgn = ip[8];
  const int64_t *ch = ip + 9;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t c = 0; c < nc; c++) {
      int64_t shift = ch[4 * c], lo = ch[4 * c + 1], hi = ch[4 * c + 2], post = ch[4 * c + 3];
      for (int64_t k = 0; k < inner; k++) {
        int64_t i = (o * nc + c) * inner + k;
        int64_t v = rt_fx_round(rt_fx_load(t[0], xdt, i), shift, mode);
        if (ovf == RT_OVF_SAT)
          v = v < lo ? lo : v > hi ? hi : v;
        else
          v = rt_fx_wrap(v, w, sgn);
        rt_fx_store(t[1], ydt, i, rt_fx_shl(v, post));
      }
    }
}

/*@ rt_fromfloat_f32 */
/* rt_fromfloat_f32: Y = X * 2^F as int64, for X already on the 2^-F grid
 * (the output of a float quantizer), so the product is an exact integer.
 * NaN gives 0.  ip = [n, F], t = [X (float), Y (int64)]. */
RT_KERNEL(rt_fromfloat_f32) {
  (void)fp;
  const float *x = (const float *)t[0];
  int64_t *y = (int64_t *)t[1];
  /* x * 2^F is ldexpf(x, F), both rounded once, when 2^F is a normal float */
  int exact = ip[1] >= -126 && ip[1] <= 127;
  float m = ldexpf(1.0f, exact ? (int)ip[1] : 0);
  for (int64_t i = 0; i < ip[0]; i++) {
    float v = exact ? x[i] * m : ldexpf(x[i], (int)ip[1]);
    y[i] = v == v ? (int64_t)v : 0;
  }
}

/*@ rt_tofloat_f32 */
/* rt_tofloat_f32: Y = X * 2^-F as float32 (exact while |X| < 2^24).
 * ip = [n, F], t = [X (int64), Y (float)]. */
RT_KERNEL(rt_tofloat_f32) {
  (void)fp;
  const int64_t *x = (const int64_t *)t[0];
  float *y = (float *)t[1];
  int exact = ip[1] >= -127 && ip[1] <= 126;  /* as in rt_fromfloat_f32 */
  float m = ldexpf(1.0f, exact ? (int)-ip[1] : 0);
  for (int64_t i = 0; i < ip[0]; i++)
    y[i] = exact ? (float)x[i] * m : ldexpf((float)x[i], (int)-ip[1]);
}

/*@ rt_fromfloat_scaled_f32 */
/* rt_fromfloat_scaled_f32: Y = rint(X / scale_c) as int64, for X the
 * output (q - z) * scale_c of a float quantizer with a scale that is not a
 * power of two: X is q - z times scale_c rounded to float32, so the
 * quotient is within |q - z| * 2^-23 of the code and rounds back to it
 * exactly (bibc allows |q - z| < 2^21).  NaN gives 0.
 * ip = [outer, C, inner], fp = [scale_c per channel], t = [X (float), Y]. */
RT_KERNEL(rt_fromfloat_scaled_f32) {
  const float *x = (const float *)t[0];
  int64_t *y = (int64_t *)t[1];
  for (int64_t o = 0; o < ip[0]; o++)
    for (int64_t c = 0; c < ip[1]; c++)
      for (int64_t k = 0; k < ip[2]; k++) {
        int64_t i = (o * ip[1] + c) * ip[2] + k;
        double v = rint((double)x[i] / fp[c]);
        y[i] = v == v ? (int64_t)v : 0;
      }
}

/*@ rt_tofloat_scaled_f32 */
/* rt_tofloat_scaled_f32: Y = X * 2^-F * scale_c rounded once to float32
 * (nearest, ties to even), exact for |X| < 2^53: the double product p has
 * the exact error e = fma(x, s, -p); rounding p to float32 is the correct
 * rounding of p + e unless p lies exactly halfway between two float32
 * values and e != 0, where e's sign picks the neighbour.
 * ip = [outer, C, inner, F], fp = [scale_c], t = [X (int64), Y (float)]. */
RT_KERNEL(rt_tofloat_scaled_f32) {
  const int64_t *x = (const int64_t *)t[0];
  float *y = (float *)t[1];
  for (int64_t o = 0; o < ip[0]; o++)
    for (int64_t c = 0; c < ip[1]; c++)
      for (int64_t k = 0; k < ip[2]; k++) {
        int64_t i = (o * ip[1] + c) * ip[2] + k;
        double v = ldexp((double)x[i], (int)-ip[3]), p = v * fp[c], e = fma(v, fp[c], -p);
        float r = (float)p, r2 = nextafterf(r, p > (double)r ? HUGE_VALF : -HUGE_VALF);
        if (e != 0 && (double)r != p && p - (double)r == (double)r2 - p && (e > 0) == (r2 > r))
          r = r2;
        y[i] = r;
      }
}

/*@ rt_threshold */
/* rt_threshold: integer multi-threshold (a quantizer that follows an
 * affine or monotone chain, folded to comparisons on the accumulator):
 * Y = base_c + step_c * #{k : sign_c * X >= T_c[k]}.
 * ip = [outer, C, inner, K, then per channel c: sign_c, base_c, step_c,
 *       T_c[0..K-1]];  X and Y are int64 [outer, C, inner].  t = [X, Y]. */
RT_KERNEL(rt_threshold) {
  (void)fp;
  int64_t outer = ip[0], nc = ip[1], inner = ip[2], nk = ip[3];
  const int64_t *x = (const int64_t *)t[0];
  int64_t *y = (int64_t *)t[1];
  for (int64_t o = 0; o < outer; o++)
    for (int64_t c = 0; c < nc; c++) {
      const int64_t *row = ip + 4 + c * (3 + nk);
      for (int64_t k = 0; k < inner; k++) {
        int64_t i = (o * nc + c) * inner + k, v = row[0] < 0 ? -x[i] : x[i], cnt = 0;
        for (int64_t j = 0; j < nk; j++)
          cnt += v >= row[3 + j];
        y[i] = row[1] + row[2] * cnt;
      }
    }
}

/*@ bibc */
#define RT_FIXED_KERNELS(X) X(rt_requant) X(rt_fromfloat_f32) X(rt_tofloat_f32) \
  X(rt_fromfloat_scaled_f32) X(rt_tofloat_scaled_f32) X(rt_threshold)
/*@ */

#endif
