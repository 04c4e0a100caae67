/*
 * rt_norm.h - normalization and reduction-along-an-axis kernels:
 * BatchNormalization, Softmax, ArgMax.
 *
 * Each views its input as [outer, n, inner] around one axis (inference
 * computes the three extents), so one loop nest serves every rank.
 */
#ifndef RT_NORM_H
#define RT_NORM_H
#include "rt_common.h"

/*@ rt_batchnorm_* */
/* rt_batchnorm_SUF: Y = (X - mean) / sqrt(var + eps) * scale + B, X viewed
 * as [N, C, S] (S = product of the spatial dims).
 * ip = [N, C, S, per_elem, training], fp = [epsilon, momentum],
 * t = [X, scale, B, mean, var, Y, running_mean?, running_var?].
 * per_elem = 0: the four parameter tensors are [C] (spatial=1); 1: they are
 * [C, S] (opset < 9 spatial=0).  training = 1 (opset 14+ training_mode,
 * per_elem = 0 only): mean and var are replaced by the batch statistics of
 * each channel (population variance, accumulated in double) and the running
 * outputs are mean * momentum + batch_mean * (1 - momentum), likewise var.
 * training = 0: running outputs, if present, are copies of mean and var.
 * Arithmetic is in the element type (sqrtf for f32). */
#define RT_DEFINE_BATCHNORM(SUF, T, SQRT) \
  RT_KERNEL(rt_batchnorm_##SUF) { \
    int64_t nb = ip[0], nc = ip[1], ns = ip[2], per_elem = ip[3], training = ip[4]; \
    const T *x = (const T *)t[0], *scale = (const T *)t[1], *bias = (const T *)t[2]; \
    const T *mean = (const T *)t[3], *var = (const T *)t[4]; \
    T *y = (T *)t[5], *rmean = (T *)t[6], *rvar = (T *)t[7]; \
    T eps = (T)fp[0], mom = (T)fp[1]; \
    for (int64_t c = 0; c < nc; c++) { \
      T m = mean[c], v = var[c]; \
      if (training) { \
        double sum = 0, sq = 0, cnt = (double)(nb * ns); \
        for (int64_t b = 0; b < nb; b++) \
          for (int64_t s = 0; s < ns; s++) \
            sum += (double)x[(b * nc + c) * ns + s]; \
        m = (T)(cnt > 0 ? sum / cnt : 0); \
        for (int64_t b = 0; b < nb; b++) \
          for (int64_t s = 0; s < ns; s++) { \
            double d = (double)x[(b * nc + c) * ns + s] - (double)m; \
            sq += d * d; \
          } \
        v = (T)(cnt > 0 ? sq / cnt : 0); \
      } \
      if (rmean) \
        rmean[c] = training ? (T)(mean[c] * mom + m * (1 - mom)) : mean[c]; \
      if (rvar) \
        rvar[c] = training ? (T)(var[c] * mom + v * (1 - mom)) : var[c]; \
      if (per_elem) { \
        for (int64_t b = 0; b < nb; b++) \
          for (int64_t s = 0; s < ns; s++) { \
            int64_t p = c * ns + s, i = (b * nc + c) * ns + s; \
            y[i] = (T)((x[i] - mean[p]) / SQRT(var[p] + eps) * scale[p] + bias[p]); \
          } \
        continue; \
      } \
      T den = SQRT(v + eps); \
      for (int64_t b = 0; b < nb; b++) \
        for (int64_t s = 0; s < ns; s++) { \
          int64_t i = (b * nc + c) * ns + s; \
          y[i] = (T)((x[i] - m) / den * scale[c] + bias[c]); \
        } \
    } \
  }
/*@ rt_batchnorm_f32 */
RT_DEFINE_BATCHNORM(f32, float, sqrtf)
/*@ rt_batchnorm_f64 */
RT_DEFINE_BATCHNORM(f64, double, sqrt)

/*@ rt_softmax_* */
/* rt_softmax_SUF: Y = exp(X - max) / sum(exp(X - max)) over the middle
 * extent of X viewed as [outer, n, inner].  ip = [outer, n, inner],
 * t = [X, Y].  exp in the element type (expf for f32). */
#define RT_DEFINE_SOFTMAX(SUF, T, EXP) \
  RT_KERNEL(rt_softmax_##SUF) { \
    (void)fp; \
    int64_t outer = ip[0], n = ip[1], inner = ip[2]; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[1]; \
    if (n < 1) \
      return; \
    for (int64_t o = 0; o < outer; o++) \
      for (int64_t i = 0; i < inner; i++) { \
        const T *xs = x + o * n * inner + i; \
        T *ys = y + o * n * inner + i; \
        T mx = xs[0], sum = 0; \
        for (int64_t k = 1; k < n; k++) \
          mx = xs[k * inner] > mx ? xs[k * inner] : mx; \
        for (int64_t k = 0; k < n; k++) { \
          ys[k * inner] = EXP(xs[k * inner] - mx); \
          sum += ys[k * inner]; \
        } \
        for (int64_t k = 0; k < n; k++) \
          ys[k * inner] /= sum; \
      } \
  }
/*@ rt_softmax_f32 */
RT_DEFINE_SOFTMAX(f32, float, expf)
/*@ rt_softmax_f64 */
RT_DEFINE_SOFTMAX(f64, double, exp)

/*@ rt_argmax_* */
/* rt_argmax_SUF: Y = index of the largest element along the middle extent
 * of X viewed as [outer, n, inner] (n >= 1), as int64.  ip = [outer, n,
 * inner, select_last], t = [X, Y].  Ties go to the first index, or the last
 * if select_last.  A NaN counts as larger than every number (numpy's
 * argmax): the first NaN wins, or the last one if select_last. */
#define RT_DEFINE_ARGMAX(SUF, T, FLT) \
  RT_KERNEL(rt_argmax_##SUF) { \
    (void)fp; \
    int64_t outer = ip[0], n = ip[1], inner = ip[2], last = ip[3]; \
    const T *x = (const T *)t[0]; \
    int64_t *y = (int64_t *)t[1]; \
    for (int64_t o = 0; o < outer; o++) \
      for (int64_t i = 0; i < inner; i++) { \
        const T *xs = x + o * n * inner + i; \
        T best = xs[0]; \
        int64_t bi = 0; \
        for (int64_t k = 1; k < n; k++) { \
          T v = xs[k * inner]; \
          int vnan = FLT && v != v, bnan = FLT && best != best; \
          if (bnan ? (last && vnan) : (vnan || v > best || (last && v == best))) { \
            best = v; \
            bi = k; \
          } \
        } \
        y[o * inner + i] = bi; \
      } \
  }
/*@ rt_argmax_f32 */
RT_DEFINE_ARGMAX(f32, float, 1)
/*@ rt_argmax_f64 */
RT_DEFINE_ARGMAX(f64, double, 1)
/*@ rt_argmax_i8 */
RT_DEFINE_ARGMAX(i8, int8_t, 0)
/*@ rt_argmax_i16 */
RT_DEFINE_ARGMAX(i16, int16_t, 0)
/*@ rt_argmax_i32 */
RT_DEFINE_ARGMAX(i32, int32_t, 0)
/*@ rt_argmax_i64 */
RT_DEFINE_ARGMAX(i64, int64_t, 0)
/*@ rt_argmax_u8 */
RT_DEFINE_ARGMAX(u8, uint8_t, 0)
/*@ rt_argmax_u16 */
RT_DEFINE_ARGMAX(u16, uint16_t, 0)
/*@ rt_argmax_u32 */
RT_DEFINE_ARGMAX(u32, uint32_t, 0)
/*@ rt_argmax_u64 */
RT_DEFINE_ARGMAX(u64, uint64_t, 0)

/*@ bibc */
#define RT_NORM_KERNELS(X) \
  X(rt_batchnorm_f32) X(rt_batchnorm_f64) X(rt_softmax_f32) X(rt_softmax_f64) \
  X(rt_argmax_f32) X(rt_argmax_f64) X(rt_argmax_i8) X(rt_argmax_i16) X(rt_argmax_i32) \
  X(rt_argmax_i64) X(rt_argmax_u8) X(rt_argmax_u16) X(rt_argmax_u32) X(rt_argmax_u64)
/*@ */

#endif
