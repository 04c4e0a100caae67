/*
 * rt_conv.h - convolution (ONNX Conv) over 1 to 3 spatial dimensions.
 *
 * The inference side (ir/infer_conv.c) resolves auto_pad, kernel_shape,
 * strides, dilations and pads into a fixed 3-D window description; fewer
 * spatial dimensions are padded in front with size-1 axes (input 1, kernel
 * 1, stride 1, dilation 1, pad 0), so one direct loop nest serves 1-D, 2-D
 * and 3-D.  Cost: N * M * prod(out) * C/G * prod(kernel) multiply-adds; no
 * im2col buffer (kernels never allocate).
 */
#ifndef RT_CONV_H
#define RT_CONV_H
#include "rt_common.h"

/*@ rt_conv_* */
/* rt_conv_SUF: grouped direct convolution
 *   Y[n,m,o] = B[m] + sum_{c<C/G} sum_k X[n, g*C/G+c, o*s - p + k*d] * W[m,c,k]
 * with g = m / (M/G) and taps that fall into the padding skipped.
 * ip = [N, G, C/G, M/G, in[3], kernel[3], out[3], strides[3], dilations[3],
 *       pads_begin[3]]  (spatial axes outermost first),
 * t = [X (N,C,in), W (M,C/G,kernel), B (M) or NULL, Y (N,M,out)].
 * Accumulation is in the element type, starting from 0, in the order
 * c, k0, k1, k2 (row-major over the input channels of the group, then the
 * kernel window); the bias is added last. */
#define RT_DEFINE_CONV(SUF, T) \
  RT_KERNEL(rt_conv_##SUF) { \
    (void)fp; \
    int64_t nb = ip[0], ng = ip[1], cg = ip[2], mg = ip[3]; \
    const int64_t *in = ip + 4, *ks = ip + 7, *out = ip + 10, *st = ip + 13, *dl = ip + 16, \
                  *pd = ip + 19; \
    const T *x = (const T *)t[0], *w = (const T *)t[1], *b = (const T *)t[2]; \
    T *y = (T *)t[3]; \
    int64_t isz = in[0] * in[1] * in[2], ksz = ks[0] * ks[1] * ks[2]; \
    int64_t osz = out[0] * out[1] * out[2]; \
    for (int64_t n = 0; n < nb; n++) \
      for (int64_t m = 0; m < ng * mg; m++) { \
        int64_t g = m / mg; \
        T *yp = y + (n * ng * mg + m) * osz; \
        for (int64_t o0 = 0; o0 < out[0]; o0++) \
          for (int64_t o1 = 0; o1 < out[1]; o1++) \
            for (int64_t o2 = 0; o2 < out[2]; o2++) { \
              T acc = 0; \
              for (int64_t c = 0; c < cg; c++) { \
                const T *xp = x + (n * ng * cg + g * cg + c) * isz; \
                const T *wp = w + (m * cg + c) * ksz; \
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
                      acc += xp[(i0 * in[1] + i1) * in[2] + i2] * \
                             wp[(k0 * ks[1] + k1) * ks[2] + k2]; \
                    } \
                  } \
                } \
              } \
              if (b) \
                acc += b[m]; \
              yp[(o0 * out[1] + o1) * out[2] + o2] = acc; \
            } \
      } \
  }
/*@ rt_conv_f32 */
RT_DEFINE_CONV(f32, float)
/*@ rt_conv_f64 */
RT_DEFINE_CONV(f64, double)
/*@ rt_conv_i64 */
RT_DEFINE_CONV(i64, int64_t)  /* fixed point: interval analysis rules out overflow */

/*@ bibc */
#define RT_CONV_KERNELS(X) X(rt_conv_f32) X(rt_conv_f64) X(rt_conv_i64)
/*@ */

#endif
