/*
 * rt_pool.h - pooling: MaxPool (with optional Indices), AveragePool over 1
 * to 3 spatial dimensions, and GlobalMaxPool / GlobalAveragePool over any
 * number.
 *
 * As in rt_conv.h, ir/infer_conv.c resolves auto_pad, ceil_mode, strides,
 * dilations and pads into a 3-D window description, padding fewer spatial
 * dimensions in front with size-1 axes.  Batch and channel axes are merged
 * (NC planes pooled independently).  A window is visited row-major; taps in
 * the padding, or past the input's end (ceil_mode), are skipped.  Cost:
 * N*C * prod(out) * prod(kernel).
 */
#ifndef RT_POOL_H
#define RT_POOL_H
#include "rt_common.h"

/*@ rt_maxpool_* rt_avgpool_* */
/* Shared parameter layout of rt_maxpool and rt_avgpool: ip[0] = N*C, then
 * in[3], kernel[3], out[3], strides[3], dilations[3], pads_begin[3]. */
#define RT_POOL_WINDOW \
  int64_t nc = ip[0]; \
  const int64_t *in = ip + 1, *ks = ip + 4, *out = ip + 7, *st = ip + 10, *dl = ip + 13, \
                *pd = ip + 16; \
  int64_t isz = in[0] * in[1] * in[2], osz = out[0] * out[1] * out[2]

/*@ rt_maxpool_* */
/* rt_maxpool_SUF: Y = max over the window, ignoring padding; Indices (int64)
 * = flat index into X of the first maximum (row-major scan; NaN never
 * replaces a value and is kept only if it comes first), with the spatial
 * part row-major (storage_order 0) or column-major (1):
 *   so 0: (n*C+c)*prod(in) + (i0*in1 + i1)*in2 + i2
 *   so 1: (n*C+c)*prod(in) + (i2*in1 + i1)*in0 + i0
 * (i0..i2 and in0..in2 on the 3 axes, unit axes in front; ONNX's formula
 * for 1-D to 3-D).  A window holding no input element gives LOWEST (-inf /
 * type minimum) and index -1.
 * ip = [N*C, in[3], kernel[3], out[3], strides[3], dilations[3],
 *       pads_begin[3], storage_order], t = [X, Y, Indices or NULL]. */
#define RT_DEFINE_MAXPOOL(SUF, T, LOWEST) \
  RT_KERNEL(rt_maxpool_##SUF) { \
    (void)fp; \
    RT_POOL_WINDOW; \
    int64_t colmajor = ip[19]; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[1]; \
    int64_t *ind = (int64_t *)t[2]; \
    for (int64_t p = 0; p < nc; p++) { \
      const T *xp = x + p * isz; \
      for (int64_t o0 = 0; o0 < out[0]; o0++) \
        for (int64_t o1 = 0; o1 < out[1]; o1++) \
          for (int64_t o2 = 0; o2 < out[2]; o2++) { \
            T best = LOWEST; \
            int64_t at = -1; \
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
                  T v = xp[(i0 * in[1] + i1) * in[2] + i2]; \
                  if (at < 0 || v > best) { \
                    best = v; \
                    at = colmajor ? (i2 * in[1] + i1) * in[0] + i0 \
                                  : (i0 * in[1] + i1) * in[2] + i2; \
                  } \
                } \
              } \
            } \
            int64_t oi = p * osz + (o0 * out[1] + o1) * out[2] + o2; \
            y[oi] = best; \
            if (ind) \
              ind[oi] = at < 0 ? -1 : p * isz + at; \
          } \
    } \
  }
/*@ rt_maxpool_f32 */
RT_DEFINE_MAXPOOL(f32, float, -HUGE_VALF)
/*@ rt_maxpool_f64 */
RT_DEFINE_MAXPOOL(f64, double, -HUGE_VAL)
/*@ rt_maxpool_i8 */
RT_DEFINE_MAXPOOL(i8, int8_t, INT8_MIN)
/*@ rt_maxpool_u8 */
RT_DEFINE_MAXPOOL(u8, uint8_t, 0)
/*@ rt_maxpool_i64 */
RT_DEFINE_MAXPOOL(i64, int64_t, INT64_MIN)

/*@ rt_avgpool_* */
/* rt_avgpool_SUF: Y = (sum of the window's input elements) / count, where
 * count is the number of taps inside the input (count_include_pad = 0) or
 * inside the explicitly padded input [-pads_begin, in + pads_end)
 * (count_include_pad = 1; taps past that, from ceil_mode, never count).
 * The sum is in the element type, from 0, row-major over the window; a
 * window with count 0 gives NaN.
 * ip = [N*C, in[3], kernel[3], out[3], strides[3], dilations[3],
 *       pads_begin[3], pads_end[3], count_include_pad], t = [X, Y]. */
#define RT_DEFINE_AVGPOOL(SUF, T) \
  RT_KERNEL(rt_avgpool_##SUF) { \
    (void)fp; \
    RT_POOL_WINDOW; \
    const int64_t *pe = ip + 19; \
    int64_t incl = ip[22]; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[1]; \
    for (int64_t p = 0; p < nc; p++) { \
      const T *xp = x + p * isz; \
      for (int64_t o0 = 0; o0 < out[0]; o0++) \
        for (int64_t o1 = 0; o1 < out[1]; o1++) \
          for (int64_t o2 = 0; o2 < out[2]; o2++) { \
            T sum = 0; \
            int64_t cnt = 0; \
            for (int64_t k0 = 0; k0 < ks[0]; k0++) { \
              int64_t i0 = o0 * st[0] - pd[0] + k0 * dl[0]; \
              int in0 = i0 >= 0 && i0 < in[0], pad0 = i0 >= -pd[0] && i0 < in[0] + pe[0]; \
              for (int64_t k1 = 0; k1 < ks[1]; k1++) { \
                int64_t i1 = o1 * st[1] - pd[1] + k1 * dl[1]; \
                int in1 = i1 >= 0 && i1 < in[1], pad1 = i1 >= -pd[1] && i1 < in[1] + pe[1]; \
                for (int64_t k2 = 0; k2 < ks[2]; k2++) { \
                  int64_t i2 = o2 * st[2] - pd[2] + k2 * dl[2]; \
                  int in2 = i2 >= 0 && i2 < in[2], pad2 = i2 >= -pd[2] && i2 < in[2] + pe[2]; \
                  if (in0 && in1 && in2) \
                    sum += xp[(i0 * in[1] + i1) * in[2] + i2]; \
                  if (incl ? pad0 && pad1 && pad2 : in0 && in1 && in2) \
                    cnt++; \
                } \
              } \
            } \
            y[p * osz + (o0 * out[1] + o1) * out[2] + o2] = cnt ? (T)(sum / (T)cnt) : (T)NAN; \
          } \
    } \
  }
/*@ rt_avgpool_f32 */
RT_DEFINE_AVGPOOL(f32, float)
/*@ rt_avgpool_f64 */
RT_DEFINE_AVGPOOL(f64, double)

/*@ rt_globalpool_* */
/* rt_globalpool_SUF: Y[p] = mean (op 0) or max (op 1) of the S elements of
 * plane p of X (p < N*C).  Mean: sum in the element type from 0 in memory
 * order, divided by S.  Max: as rt_maxpool (first element, then strictly
 * greater ones).  S = 0 gives NaN (mean) or -inf (max).
 * ip = [op, N*C, S], t = [X, Y]. */
#define RT_DEFINE_GLOBALPOOL(SUF, T, LOWEST) \
  RT_KERNEL(rt_globalpool_##SUF) { \
    (void)fp; \
    int64_t op = ip[0], nc = ip[1], s = ip[2]; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[1]; \
    for (int64_t p = 0; p < nc; p++) { \
      const T *xp = x + p * s; \
      T acc = op ? LOWEST : 0; \
      for (int64_t i = 0; i < s; i++) { \
        if (!op) \
          acc += xp[i]; \
        else if (i == 0 || xp[i] > acc) \
          acc = xp[i]; \
      } \
      y[p] = op ? acc : s ? (T)(acc / (T)s) : (T)NAN; \
    } \
  }
/*@ rt_globalpool_f32 */
RT_DEFINE_GLOBALPOOL(f32, float, -HUGE_VALF)
/*@ rt_globalpool_f64 */
RT_DEFINE_GLOBALPOOL(f64, double, -HUGE_VAL)

/*@ bibc */
#define RT_POOL_KERNELS(X) \
  X(rt_maxpool_f32) X(rt_maxpool_f64) X(rt_maxpool_i8) X(rt_maxpool_u8) X(rt_maxpool_i64) \
  X(rt_avgpool_f32) X(rt_avgpool_f64) X(rt_globalpool_f32) X(rt_globalpool_f64)
/*@ */

#endif
