/*
 * rt_quant.h - the float reference semantics of the QONNX custom ops
 * (Quant/IntQuant, BipolarQuant, Trunc, MultiThreshold) and ONNX TopK.
 *
 * QONNX defines its ops by numpy code (fastmachinelearning/qonnx,
 * ../shared/REFERENCE.md section 2) that evaluates float32 tensors in
 * float32, rounding after every operation.  These kernels do the same
 * operations in the same order in the element type T, so a float32 model
 * gives bit-identical results to QONNX's execution: X/scale, + zeropt,
 * clamp, round, - zeropt, * scale, each rounded to T.  Scale, zero point and
 * out_scale may be any numeric constant type (exporters write float32,
 * float64 or int64); each value is converted to T before use, as numpy 1.x
 * promotes the one-value parameters exporters write (a float64 parameter
 * with dimensions would make numpy compute in float64).  They broadcast to
 * X (per tensor or per channel): the kernels walk X's multi-index and take
 * each parameter at its own strides (0 on broadcast axes), O(rank) per
 * element.
 */
#ifndef RT_QUANT_H
#define RT_QUANT_H
#include "rt_common.h"

/*@ rt_quant_* rt_bipolar_quant_* rt_trunc_* */
/* QONNX rounding modes (ip "mode" of rt_quant and rt_trunc), as numpy
 * computes them in T; sign(x) is numpy's (0 for +-0, NaN for NaN):
 *   ROUND      rint(x): nearest, ties to even (also "HALF_EVEN")
 *   CEIL       ceil(x)            FLOOR  floor(x)
 *   UP         sign(x) * ceil(|x|)            away from zero
 *   DOWN       trunc(x)                       toward zero (np.fix)
 *   HALF_UP    sign(x) * floor(|x| + 0.5)     ties away from zero
 *   HALF_DOWN  sign(x) * ceil(|x| - 0.5)      ties toward zero
 * |x| + 0.5 is rounded to T before floor(), exactly as in numpy (so in
 * float32 HALF_UP(0.49999997) = 1, like QONNX). */
enum { RT_QR_ROUND, RT_QR_CEIL, RT_QR_FLOOR, RT_QR_UP, RT_QR_DOWN, RT_QR_HALF_UP,
       RT_QR_HALF_DOWN };

/* Element i of a numeric parameter tensor of RT_* type dt, as double. */
RT_INLINE double rt_q_param(const void *p, int64_t dt, int64_t i) {
  switch (dt) {
  case RT_F32: return ((const float *)p)[i];
  case RT_F64: return ((const double *)p)[i];
  case RT_I8: return ((const int8_t *)p)[i];
  case RT_U8: case RT_B8: return ((const uint8_t *)p)[i];
  case RT_I16: return ((const int16_t *)p)[i];
  case RT_U16: return ((const uint16_t *)p)[i];
  case RT_I32: return ((const int32_t *)p)[i];
  case RT_U32: return ((const uint32_t *)p)[i];
  case RT_U64: return (double)((const uint64_t *)p)[i];
  default: return (double)((const int64_t *)p)[i];
  }
}

/* Offset of X's multi-index idx in a broadcast parameter with strides str. */
RT_INLINE int64_t rt_q_off(const int64_t *idx, const int64_t *str, int64_t rank) {
  int64_t off = 0;
  for (int64_t d = 0; d < rank; d++)
    off += idx[d] * str[d];
  return off;
}

#define RT_DEFINE_QROUND(SUF, T, RINT, CEIL, FLOOR, TRUNC, FABS) \
  RT_INLINE T rt_qround_##SUF(T x, int64_t mode) { \
    T s = x > 0 ? (T)1 : x < 0 ? (T)-1 : x == x ? (T)0 : x; \
    switch (mode) { \
    case RT_QR_ROUND: return RINT(x); \
    case RT_QR_CEIL: return CEIL(x); \
    case RT_QR_FLOOR: return FLOOR(x); \
    case RT_QR_UP: return (T)(s * CEIL(FABS(x))); \
    case RT_QR_DOWN: return TRUNC(x); \
    case RT_QR_HALF_UP: return (T)(s * FLOOR((T)(FABS(x) + (T)0.5))); \
    default: return (T)(s * CEIL((T)(FABS(x) - (T)0.5))); \
    } \
  }
/*@ rt_quant_f32 rt_trunc_f32 */
RT_DEFINE_QROUND(f32, float, rintf, ceilf, floorf, truncf, fabsf)
/*@ rt_quant_f64 rt_trunc_f64 */
RT_DEFINE_QROUND(f64, double, rint, ceil, floor, trunc, fabs)

/*@ rt_quant_* */
/* rt_quant_SUF: QONNX Quant / IntQuant.
 *   q = X/scale + zeropt
 *   q = bipolar ? (q >= 0 ? 1 : -1) : round_mode(clamp(q, min_int, max_int))
 *   Y = (q - zeropt) * scale
 * bipolar is QONNX's bitwidth == 1 && signed case.  The clamp replaces
 * q > max by max, then q < min by min (NaN passes through).
 * ip = [rank, mode, bipolar, scale dt, zeropt dt, dims[rank],
 *       scale strides[rank], zeropt strides[rank]],
 * fp = [min_int, max_int], t = [X, scale, zeropt, bitwidth (unused), Y]. */
#define RT_DEFINE_QUANT(SUF, T) \
  RT_KERNEL(rt_quant_##SUF) { \
    int64_t rank = ip[0], mode = ip[1], bipolar = ip[2], sdt = ip[3], zdt = ip[4]; \
    const int64_t *dims = ip + 5, *sstr = dims + rank, *zstr = sstr + rank; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[4]; \
    T lo = (T)fp[0], hi = (T)fp[1]; \
    int64_t idx[RT_MAXRANK] = {0}, n = rt_numel(dims, rank); \
    for (int64_t i = 0; i < n; i++, rt_next_index(idx, dims, rank)) { \
      T s = (T)rt_q_param(t[1], sdt, rt_q_off(idx, sstr, rank)); \
      T z = (T)rt_q_param(t[2], zdt, rt_q_off(idx, zstr, rank)); \
      T q = (T)(x[i] / s); \
      q = (T)(q + z); \
      if (bipolar) { \
        q = q >= 0 ? (T)1 : (T)-1; \
      } else { \
        q = q > hi ? hi : q; \
        q = q < lo ? lo : q; \
        q = rt_qround_##SUF(q, mode); \
      } \
      q = (T)(q - z); \
      y[i] = (T)(q * s); \
    } \
  }
/*@ rt_quant_f32 */
RT_DEFINE_QUANT(f32, float)
/*@ rt_quant_f64 */
RT_DEFINE_QUANT(f64, double)

/*@ rt_bipolar_quant_* */
/* rt_bipolar_quant_SUF: QONNX BipolarQuant, Y = (X >= 0 ? 1 : -1) * scale
 * (0 -> +1, NaN -> -1).  ip = [rank, scale dt, dims[rank], scale
 * strides[rank]], t = [X, scale, Y]. */
#define RT_DEFINE_BIPOLAR_QUANT(SUF, T) \
  RT_KERNEL(rt_bipolar_quant_##SUF) { \
    (void)fp; \
    int64_t rank = ip[0], sdt = ip[1]; \
    const int64_t *dims = ip + 2, *sstr = dims + rank; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[2]; \
    int64_t idx[RT_MAXRANK] = {0}, n = rt_numel(dims, rank); \
    for (int64_t i = 0; i < n; i++, rt_next_index(idx, dims, rank)) { \
      T s = (T)rt_q_param(t[1], sdt, rt_q_off(idx, sstr, rank)); \
      T q = x[i] >= 0 ? (T)1 : (T)-1; \
      y[i] = (T)(q * s); \
    } \
  }
/*@ rt_bipolar_quant_f32 */
RT_DEFINE_BIPOLAR_QUANT(f32, float)
/*@ rt_bipolar_quant_f64 */
RT_DEFINE_BIPOLAR_QUANT(f64, double)

/*@ rt_trunc_* */
/* rt_trunc_SUF: QONNX Trunc.
 *   v1: y = rint(X/scale + zeropt); y = y / fp[0] (= 2^(in_bw - out_bw));
 *       y = round_mode(y); Y = (y - zeropt) * scale
 *   v2: r = 2^rint(log2(out_scale/scale)); y = rint(X/scale + zeropt) / r;
 *       y = round_mode(clamp(y, fp[1], fp[2])); Y = (y - zeropt/r) * out_scale
 * ip = [v2, rank, mode, scale dt, zeropt dt, out_scale dt, dims[rank],
 *       scale strides[rank], zeropt strides[rank], out_scale strides[rank]],
 * fp = [2^(in_bw - out_bw) (v1), min_int, max_int (v2)],
 * t = [X, scale, zeropt, out_scale (v2; NULL in v1), Y]. */
#define RT_DEFINE_TRUNC(SUF, T, RINT, LOG2, EXP2) \
  RT_KERNEL(rt_trunc_##SUF) { \
    int64_t v2 = ip[0], rank = ip[1], mode = ip[2], sdt = ip[3], zdt = ip[4], odt = ip[5]; \
    const int64_t *dims = ip + 6, *sstr = dims + rank, *zstr = sstr + rank, *ostr = zstr + rank; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[4]; \
    T lo = (T)fp[1], hi = (T)fp[2]; \
    int64_t idx[RT_MAXRANK] = {0}, n = rt_numel(dims, rank); \
    for (int64_t i = 0; i < n; i++, rt_next_index(idx, dims, rank)) { \
      T s = (T)rt_q_param(t[1], sdt, rt_q_off(idx, sstr, rank)); \
      T z = (T)rt_q_param(t[2], zdt, rt_q_off(idx, zstr, rank)); \
      T os = v2 ? (T)rt_q_param(t[3], odt, rt_q_off(idx, ostr, rank)) : s; \
      T r = v2 ? (T)EXP2(RINT(LOG2((T)(os / s)))) : (T)fp[0]; \
      T q = (T)(x[i] / s); \
      q = RINT((T)(q + z)); \
      q = (T)(q / r); \
      if (v2) { \
        q = q > hi ? hi : q; \
        q = q < lo ? lo : q; \
        z = (T)(z / r); \
      } \
      q = rt_qround_##SUF(q, mode); \
      q = (T)(q - z); \
      y[i] = (T)(q * os); \
    } \
  }
/*@ rt_trunc_f32 */
RT_DEFINE_TRUNC(f32, float, rintf, log2f, exp2f)
/*@ rt_trunc_f64 */
RT_DEFINE_TRUNC(f64, double, rint, log2, exp2)

/*@ rt_multithreshold_* */
/* rt_multithreshold_SUF: QONNX MultiThreshold,
 *   Y = out_scale * #{b : X >= T[c, b]} + out_bias
 * with X viewed as [outer, C, inner] around its channel axis and T as
 * [C, B] (or [1, B]: one row for every channel).  A NaN input meets no
 * threshold.  The count is converted to T, then the multiply and the add
 * are rounded to T.  ip = [outer, C, inner, B, global], fp = [out_scale,
 * out_bias], t = [X, thresholds, Y].  Cost O(B) per element. */
#define RT_DEFINE_MULTITHRESHOLD(SUF, T) \
  RT_KERNEL(rt_multithreshold_##SUF) { \
    int64_t outer = ip[0], nc = ip[1], inner = ip[2], nb = ip[3], global = ip[4]; \
    const T *x = (const T *)t[0], *thr = (const T *)t[1]; \
    T *y = (T *)t[2]; \
    T sc = (T)fp[0], bias = (T)fp[1]; \
    for (int64_t o = 0; o < outer; o++) \
      for (int64_t c = 0; c < nc; c++) { \
        const T *tc = thr + (global ? 0 : c) * nb; \
        for (int64_t i = 0; i < inner; i++) { \
          int64_t p = (o * nc + c) * inner + i, cnt = 0; \
          for (int64_t b = 0; b < nb; b++) \
            cnt += x[p] >= tc[b]; \
          y[p] = (T)((T)(sc * (T)cnt) + bias); \
        } \
      } \
  }
/*@ rt_multithreshold_f32 */
RT_DEFINE_MULTITHRESHOLD(f32, float)
/*@ rt_multithreshold_f64 */
RT_DEFINE_MULTITHRESHOLD(f64, double)

/*@ rt_topk_* */
/* rt_topk_SUF: ONNX TopK along the middle extent of X viewed as [outer, n,
 * inner]: the k largest (largest = 1) or smallest elements, in order, with
 * their int64 indices; outputs are [outer, k, inner].  Equal values keep
 * index order (lower index first, as onnxruntime); a NaN ranks above every
 * number.  Each slice is one pass of insertion into the sorted top-k list,
 * kept in Indices (or in Values when Indices is absent), O(n k) worst case,
 * no scratch memory.  ip = [outer, n, inner, k, largest], t = [X, Values?,
 * Indices?]. */
#define RT_DEFINE_TOPK(SUF, T) \
  RT_KERNEL(rt_topk_##SUF) { \
    (void)fp; \
    int64_t outer = ip[0], n = ip[1], inner = ip[2], k = ip[3], largest = ip[4]; \
    const T *x = (const T *)t[0]; \
    T *vals = (T *)t[1]; \
    int64_t *inds = (int64_t *)t[2]; \
    if (k <= 0 || (!vals && !inds)) \
      return; \
    for (int64_t o = 0; o < outer; o++) \
      for (int64_t i = 0; i < inner; i++) { \
        const T *xs = x + o * n * inner + i; \
        int64_t base = o * k * inner + i, cnt = 0; \
        for (int64_t j = 0; j < n; j++) { \
          T v = xs[j * inner]; \
          int64_t pos; \
          if (cnt < k) { \
            pos = cnt++; \
          } else { \
            pos = k - 1; \
            if (!RT_TOPK_BETTER(v, RT_TOPK_AT(pos), largest)) \
              continue; \
          } \
          for (; pos > 0 && RT_TOPK_BETTER(v, RT_TOPK_AT(pos - 1), largest); pos--) { \
            if (inds) \
              inds[base + pos * inner] = inds[base + (pos - 1) * inner]; \
            else \
              vals[base + pos * inner] = vals[base + (pos - 1) * inner]; \
          } \
          if (inds) \
            inds[base + pos * inner] = j; \
          else \
            vals[base + pos * inner] = v; \
        } \
        if (inds && vals) \
          for (int64_t p = 0; p < k; p++) \
            vals[base + p * inner] = xs[inds[base + p * inner] * inner]; \
      } \
  }
/* The value at list position p of the current slice. */
#define RT_TOPK_AT(p) (inds ? xs[inds[base + (p) * inner] * inner] : vals[base + (p) * inner])
/* v ranks strictly before w (NaN above every number). */
#define RT_TOPK_BETTER(v, w, largest) \
  ((largest) ? ((v) > (w) || ((v) != (v) && (w) == (w))) \
             : ((v) < (w) || ((v) == (v) && (w) != (w))))
/*@ rt_topk_f32 */
RT_DEFINE_TOPK(f32, float)
/*@ rt_topk_f64 */
RT_DEFINE_TOPK(f64, double)
/*@ rt_topk_i8 */
RT_DEFINE_TOPK(i8, int8_t)
/*@ rt_topk_i16 */
RT_DEFINE_TOPK(i16, int16_t)
/*@ rt_topk_i32 */
RT_DEFINE_TOPK(i32, int32_t)
/*@ rt_topk_i64 */
RT_DEFINE_TOPK(i64, int64_t)
/*@ rt_topk_u8 */
RT_DEFINE_TOPK(u8, uint8_t)
/*@ rt_topk_u16 */
RT_DEFINE_TOPK(u16, uint16_t)
/*@ rt_topk_u32 */
RT_DEFINE_TOPK(u32, uint32_t)
/*@ rt_topk_u64 */
RT_DEFINE_TOPK(u64, uint64_t)

/*@ bibc */
#define RT_QUANT_KERNELS(X) \
  X(rt_quant_f32) X(rt_quant_f64) X(rt_bipolar_quant_f32) X(rt_bipolar_quant_f64) \
  X(rt_trunc_f32) X(rt_trunc_f64) X(rt_multithreshold_f32) X(rt_multithreshold_f64) \
  X(rt_topk_f32) X(rt_topk_f64) X(rt_topk_i8) X(rt_topk_i16) X(rt_topk_i32) X(rt_topk_i64) \
  X(rt_topk_u8) X(rt_topk_u16) X(rt_topk_u32) X(rt_topk_u64)
/*@ */

#endif
