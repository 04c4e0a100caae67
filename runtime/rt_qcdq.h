/*
 * rt_qcdq.h - ONNX's standard quantization operators ("QCDQ"):
 * QuantizeLinear, DequantizeLinear, MatMulInteger, QLinearMatMul,
 * ConvInteger and QLinearConv.
 *
 * The arithmetic is the ONNX reference implementation's (onnx/reference/ops,
 * numpy), which produced the conformance data:
 *  - QuantizeLinear: v = x / scale, in float32 when x and scale are both
 *    float32 (or precision=FLOAT), else in double; y = saturate(rint(v) + zp).
 *  - DequantizeLinear: y = float32((x - zp) * scale); for 8/16-bit x the
 *    difference is exact, an int32 x is rounded to float32 first (numpy's
 *    x.astype(float32)).
 *  - Integer products: sum (a - a_zp) * (b - b_zp) exactly in int64 (at most
 *    2^28 terms of at most 2^16), then wrapped to int32, the ONNX result type.
 *  - QLinear*: multiplier m = float32(float32(s_a * s_b) / s_y), then
 *    y = saturate(rint(double(acc) * m + y_zp)) - in that order: zp is added
 *    before rounding, unlike QuantizeLinear (it matters on ties when zp is odd).
 * rint rounds half to even in the default floating-point environment.
 * Saturation clamps to the output type's range; a NaN (from a zero or NaN
 * scale) gives the zero point, i.e. it dequantizes to 0.
 *
 * (De)QuantizeLinear scale/zero-point layouts: X is viewed as [outer, A,
 * inner] around the quantization axis, and element (o, a, i) uses scale and
 * zero point o*so + (a/B)*sa + i*si:
 *   per-tensor  outer = numel, A = inner = B = 1, so = sa = si = 0
 *   per-axis    B = 1, so = si = 0, sa = 1
 *   blocked     B = block_size, so = ceil(A/B) * inner, sa = inner, si = 1.
 * Cost: one pass over X; products as rt_matmul/rt_conv with a zero-point
 * subtraction per term, and one requantization per output element.
 */
#ifndef RT_QCDQ_H
#define RT_QCDQ_H
#include "rt_common.h"

/*@ rt_quantize_linear_* rt_dequantize_linear_* rt_qmatmul_* rt_qconv_* */
/* v mod 2^32 as int32, without implementation-defined conversions. */
RT_INLINE int32_t rt_qc_wrap32(int64_t v) {
  uint32_t u = (uint32_t)(uint64_t)v;
  return u <= 0x7fffffffu ? (int32_t)u : (int32_t)(u - 0x80000000u) + INT32_MIN;
}

/* An integral (or infinite or NaN) q clamped to [lo, hi]; NaN gives nanv. */
RT_INLINE int64_t rt_qc_clamp(double q, int64_t nanv, int64_t lo, int64_t hi) {
  if (q != q)
    return nanv;
  if (q <= (double)lo)
    return lo;
  if (q >= (double)hi)
    return hi;
  return (int64_t)q;
}

/* Element i of a float32 or int32 tensor (RT_F32 / RT_I32), exactly. */
RT_INLINE double rt_qc_loadf(const void *p, int64_t dt, int64_t i) {
  return dt == RT_F32 ? (double)((const float *)p)[i] : (double)((const int32_t *)p)[i];
}

/* Element i of an 8-bit or int32 integer tensor (RT_U8, RT_I8, RT_I32). */
RT_INLINE int64_t rt_qc_loadi(const void *p, int64_t dt, int64_t i) {
  switch (dt) {
  case RT_U8: return ((const uint8_t *)p)[i];
  case RT_I8: return ((const int8_t *)p)[i];
  default: return ((const int32_t *)p)[i];
  }
}

/* Writes the int32 accumulator c to Y[e]: as is when yt == RT_I32
 * (MatMulInteger, ConvInteger), else requantized to uint8/int8 with the
 * multiplier m and zero point z (QLinearMatMul, QLinearConv). */
RT_INLINE void rt_qc_store(void *y, int64_t yt, int64_t e, int32_t c, float m, int64_t z) {
  if (yt == RT_I32) {
    ((int32_t *)y)[e] = c;
    return;
  }
  double q = rint((double)c * (double)m + (double)z);
  if (yt == RT_U8)
    ((uint8_t *)y)[e] = (uint8_t)rt_qc_clamp(q, z, 0, 255);
  else
    ((int8_t *)y)[e] = (int8_t)rt_qc_clamp(q, z, -128, 127);
}

/*@ rt_quantize_linear_* */
/* rt_quantize_linear_SUF: Y = saturate(rint(X / scale) + zp), SUF = Y's
 * type (u8, i8, u16, i16); X and scale are float32 or int32.
 * ip = [outer, A, inner, B, so, sa, si, xtype, scaletype, div_f32] (layout
 * above; xtype/scaletype RT_F32 or RT_I32; div_f32: divide in float32),
 * t = [X, scale, zp (Y's type) or NULL, Y]. */
#define RT_DEFINE_QUANTIZE(SUF, T, LO, HI) \
  RT_KERNEL(rt_quantize_linear_##SUF) { \
    (void)fp; \
    int64_t outer = ip[0], na = ip[1], inner = ip[2], bsz = ip[3], so = ip[4], sa = ip[5]; \
    int64_t si = ip[6], xt = ip[7], st = ip[8], f32 = ip[9]; \
    const T *zp = (const T *)t[2]; \
    T *y = (T *)t[3]; \
    for (int64_t o = 0; o < outer; o++) \
      for (int64_t a = 0; a < na; a++) \
        for (int64_t i = 0; i < inner; i++) { \
          int64_t e = (o * na + a) * inner + i, s = o * so + a / bsz * sa + i * si; \
          double xv = rt_qc_loadf(t[0], xt, e), sv = rt_qc_loadf(t[1], st, s); \
          double v = f32 ? (double)(float)((float)xv / (float)sv) : xv / sv; \
          int64_t z = zp ? (int64_t)zp[s] : 0; \
          y[e] = (T)rt_qc_clamp(rint(v) + (double)z, z, LO, HI); \
        } \
  }
/*@ rt_quantize_linear_u8 */
RT_DEFINE_QUANTIZE(u8, uint8_t, 0, 255)
/*@ rt_quantize_linear_i8 */
RT_DEFINE_QUANTIZE(i8, int8_t, -128, 127)
/*@ rt_quantize_linear_u16 */
RT_DEFINE_QUANTIZE(u16, uint16_t, 0, 65535)
/*@ rt_quantize_linear_i16 */
RT_DEFINE_QUANTIZE(i16, int16_t, -32768, 32767)

/*@ rt_dequantize_linear_* */
/* rt_dequantize_linear_SUF: Y (float32) = (X - zp) * scale, SUF = X's type
 * (u8, i8, u16, i16, i32); scale is float32.
 * ip = [outer, A, inner, B, so, sa, si] (layout above),
 * t = [X, scale, zp (X's type) or NULL, Y]. */
#define RT_DEFINE_DEQUANTIZE(SUF, T, WIDE) \
  RT_KERNEL(rt_dequantize_linear_##SUF) { \
    (void)fp; \
    int64_t outer = ip[0], na = ip[1], inner = ip[2], bsz = ip[3], so = ip[4], sa = ip[5]; \
    int64_t si = ip[6]; \
    const T *x = (const T *)t[0], *zp = (const T *)t[2]; \
    const float *sc = (const float *)t[1]; \
    float *y = (float *)t[3]; \
    for (int64_t o = 0; o < outer; o++) \
      for (int64_t a = 0; a < na; a++) \
        for (int64_t i = 0; i < inner; i++) { \
          int64_t e = (o * na + a) * inner + i, s = o * so + a / bsz * sa + i * si; \
          int64_t z = zp ? (int64_t)zp[s] : 0; \
          double d = WIDE ? (double)(float)x[e] - (double)z : (double)((int64_t)x[e] - z); \
          y[e] = (float)(d * (double)sc[s]); \
        } \
  }
/*@ rt_dequantize_linear_u8 */
RT_DEFINE_DEQUANTIZE(u8, uint8_t, 0)
/*@ rt_dequantize_linear_i8 */
RT_DEFINE_DEQUANTIZE(i8, int8_t, 0)
/*@ rt_dequantize_linear_u16 */
RT_DEFINE_DEQUANTIZE(u16, uint16_t, 0)
/*@ rt_dequantize_linear_i16 */
RT_DEFINE_DEQUANTIZE(i16, int16_t, 0)
/*@ rt_dequantize_linear_i32 */
RT_DEFINE_DEQUANTIZE(i32, int32_t, 1)

/*@ rt_qmatmul_* */
/* rt_qmatmul_SASB: MatMulInteger (yt == RT_I32) and QLinearMatMul (yt
 * RT_U8 / RT_I8) for A of type SA and B of type SB (u8 or i8):
 *   acc[b,i,j] = sum_k (A[b,i,k] - a_zp[b,i]) * (B[b,k,j] - b_zp[b,j])
 * then Y = int32(acc) or the requantization above with scales a_s[b,i],
 * b_s[b,j], y_s[b,i,j] and zero point y_zp[b,i,j].  Batch axes broadcast as
 * in rt_matmul (A[b] is (M,K), B[b] is (K,N), 1-D operands have M or N = 1;
 * Y is contiguous (batch..., M, N)).  Each scale/zero-point pair is indexed
 * through r+2 strides over (batch..., i, j), 0 where it does not vary (so a
 * scalar has all strides 0).
 * ip = [M, N, K, r, bdims[r], astrides[r], bstrides[r] (rt_matmul's), yt,
 *       pa[r+2], pb[r+2], py[r+2]],
 * t = [A, a_s, a_zp, B, b_s, b_zp, y_s, y_zp, Y] (scales float32, zero
 * points of their operand's type, y_zp of Y's type; NULL = absent, and all
 * scales NULL for MatMulInteger). */
#define RT_DEFINE_QMATMUL(SA, TA, SB, TB) \
  RT_KERNEL(rt_qmatmul_##SA##SB) { \
    (void)fp; \
    int64_t m = ip[0], n = ip[1], kk = ip[2], r = ip[3], yt = ip[4 + 3 * r]; \
    const int64_t *bd = ip + 4, *as = bd + r, *bs = as + r, *pa = bs + r + 1, *pb = pa + r + 2; \
    const int64_t *py = pb + r + 2; \
    const TA *a = (const TA *)t[0], *azp = (const TA *)t[2]; \
    const TB *b = (const TB *)t[3], *bzp = (const TB *)t[5]; \
    const float *asc = (const float *)t[1], *bsc = (const float *)t[4]; \
    const float *ysc = (const float *)t[6]; \
    int64_t idx[RT_MAXRANK] = {0}, nb = rt_numel(bd, r); \
    for (int64_t q = 0; q < nb; q++, rt_next_index(idx, bd, r)) { \
      int64_t ao = 0, bo = 0, pao = 0, pbo = 0, pyo = 0; \
      for (int64_t d = 0; d < r; d++) { \
        ao += idx[d] * as[d]; \
        bo += idx[d] * bs[d]; \
        pao += idx[d] * pa[d]; \
        pbo += idx[d] * pb[d]; \
        pyo += idx[d] * py[d]; \
      } \
      for (int64_t i = 0; i < m; i++) \
        for (int64_t j = 0; j < n; j++) { \
          int64_t ia = pao + i * pa[r], ib = pbo + j * pb[r + 1]; \
          int64_t iy = pyo + i * py[r] + j * py[r + 1]; \
          int64_t za = azp ? (int64_t)azp[ia] : 0, zb = bzp ? (int64_t)bzp[ib] : 0, acc = 0; \
          const TA *ap = a + ao + i * kk; \
          const TB *bp = b + bo + j; \
          for (int64_t k = 0; k < kk; k++) \
            acc += ((int64_t)ap[k] - za) * ((int64_t)bp[k * n] - zb); \
          float mul = yt == RT_I32 ? 1.0f : (float)((float)(asc[ia] * bsc[ib]) / ysc[iy]); \
          int64_t z = t[7] ? rt_qc_loadi(t[7], yt, iy) : 0; \
          rt_qc_store(t[8], yt, (q * m + i) * n + j, rt_qc_wrap32(acc), mul, z); \
        } \
    } \
  }
/*@ rt_qmatmul_u8u8 */
RT_DEFINE_QMATMUL(u8, uint8_t, u8, uint8_t)
/*@ rt_qmatmul_u8i8 */
RT_DEFINE_QMATMUL(u8, uint8_t, i8, int8_t)
/*@ rt_qmatmul_i8u8 */
RT_DEFINE_QMATMUL(i8, int8_t, u8, uint8_t)
/*@ rt_qmatmul_i8i8 */
RT_DEFINE_QMATMUL(i8, int8_t, i8, int8_t)

/*@ rt_qconv_* */
/* rt_qconv_SXSW: ConvInteger (yt == RT_I32) and QLinearConv (yt RT_U8 /
 * RT_I8) for X of type SX and W of type SW (u8 or i8): rt_conv's grouped
 * direct convolution of (X - x_zp) and (W - w_zp[m]), taps in the padding
 * contributing 0 (padding with x_zp), summed exactly, plus B[m]; then Y =
 * int32(acc) or the requantization above with scales x_s, w_s[m], y_s and
 * zero point y_zp.
 * ip = [rt_conv's 22 parameters, yt, wzstride, wsstride] (w_zp[m * wzstride],
 * w_s[m * wsstride]: stride 0 for a per-tensor weight, 1 per channel),
 * t = [X, x_s, x_zp, W, w_s, w_zp, y_s, y_zp, B (int32), Y] (NULL = absent;
 * all scales NULL for ConvInteger). */
#define RT_DEFINE_QCONV(SX, TX, SW, TW) \
  RT_KERNEL(rt_qconv_##SX##SW) { \
    (void)fp; \
    int64_t nb = ip[0], ng = ip[1], cg = ip[2], mg = ip[3]; \
    const int64_t *in = ip + 4, *ks = ip + 7, *out = ip + 10, *st = ip + 13, *dl = ip + 16, \
                  *pd = ip + 19; \
    int64_t yt = ip[22], wzs = ip[23], wss = ip[24]; \
    const TX *x = (const TX *)t[0], *xzp = (const TX *)t[2]; \
    const TW *w = (const TW *)t[3], *wzp = (const TW *)t[5]; \
    const float *xsc = (const float *)t[1], *wsc = (const float *)t[4]; \
    const float *ysc = (const float *)t[6]; \
    const int32_t *bias = (const int32_t *)t[8]; \
    int64_t isz = in[0] * in[1] * in[2], ksz = ks[0] * ks[1] * ks[2]; \
    int64_t osz = out[0] * out[1] * out[2], zx = xzp ? (int64_t)xzp[0] : 0; \
    int64_t zy = t[7] ? rt_qc_loadi(t[7], yt, 0) : 0; \
    for (int64_t n = 0; n < nb; n++) \
      for (int64_t m = 0; m < ng * mg; m++) { \
        int64_t g = m / mg, zw = wzp ? (int64_t)wzp[m * wzs] : 0; \
        float mul = yt == RT_I32 ? 1.0f : (float)((float)(xsc[0] * wsc[m * wss]) / ysc[0]); \
        int64_t yo = (n * ng * mg + m) * osz; \
        for (int64_t o0 = 0; o0 < out[0]; o0++) \
          for (int64_t o1 = 0; o1 < out[1]; o1++) \
            for (int64_t o2 = 0; o2 < out[2]; o2++) { \
              int64_t acc = 0; \
              for (int64_t c = 0; c < cg; c++) { \
                const TX *xp = x + (n * ng * cg + g * cg + c) * isz; \
                const TW *wp = w + (m * cg + c) * ksz; \
                for (int64_t k0 = 0; k0 < ks[0]; k0++) { \
                  int64_t i0 = o0 * st[0] - pd[0] + k0 * dl[0]; \
                  if (i0 < 0 || i0 >= in[0]) \
                    continue; \
                  for (int64_t k1 = 0; k1 < ks[1]; k1++) { \
                    int64_t i1 = o1 * st[1] - pd[1] + k1 * dl[1]; \
                    if (i1 < 0 || i1 >= in[1]) \
                      continue; \
                    for (int64_t k2 = 0; k2 < ks[2]; k2++) { \
                      int64_t i2 = o2 * st[2] - pd[2] + k2 * dl[2]; \
                      if (i2 < 0 || i2 >= in[2]) \
                        continue; \
                      acc += ((int64_t)xp[(i0 * in[1] + i1) * in[2] + i2] - zx) * \
                             ((int64_t)wp[(k0 * ks[1] + k1) * ks[2] + k2] - zw); \
                    } \
                  } \
                } \
              } \
              if (bias) \
                acc += bias[m]; \
              rt_qc_store(t[9], yt, yo + (o0 * out[1] + o1) * out[2] + o2, rt_qc_wrap32(acc), \
                          mul, zy); \
            } \
      } \
  }
/*@ rt_qconv_u8u8 */
RT_DEFINE_QCONV(u8, uint8_t, u8, uint8_t)
/*@ rt_qconv_u8i8 */
RT_DEFINE_QCONV(u8, uint8_t, i8, int8_t)
/*@ rt_qconv_i8u8 */
RT_DEFINE_QCONV(i8, int8_t, u8, uint8_t)
/*@ rt_qconv_i8i8 */
RT_DEFINE_QCONV(i8, int8_t, i8, int8_t)

/*@ bibc */
#define RT_QCDQ_KERNELS(X) \
  X(rt_quantize_linear_u8) X(rt_quantize_linear_i8) X(rt_quantize_linear_u16) \
  X(rt_quantize_linear_i16) \
  X(rt_dequantize_linear_u8) X(rt_dequantize_linear_i8) X(rt_dequantize_linear_u16) \
  X(rt_dequantize_linear_i16) X(rt_dequantize_linear_i32) \
  X(rt_qmatmul_u8u8) X(rt_qmatmul_u8i8) X(rt_qmatmul_i8u8) X(rt_qmatmul_i8i8) \
  X(rt_qconv_u8u8) X(rt_qconv_u8i8) X(rt_qconv_i8u8) X(rt_qconv_i8i8)
/*@ */

#endif
