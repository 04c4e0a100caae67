/*
 * rt_layout.h - data-movement kernels: Transpose, Concat, Gather, Pad.
 * (Reshape, Flatten, Squeeze and Unsqueeze only rename the shape and run
 * rt_copy from rt_elementwise.h.)
 *
 * Transpose, Concat and Gather only move elements, so they are type-generic:
 * ip[0] is the element size in bytes and elements are copied as unsigned
 * char, which is valid for every type.  Pad must write a fill value of the
 * element type, so it has one instance per type.
 */
#ifndef RT_LAYOUT_H
#define RT_LAYOUT_H
#include "rt_common.h"

/*@ rt_transpose rt_gather */
/* Copies one element of es bytes. */
RT_INLINE void rt_copy_elem(unsigned char *dst, const unsigned char *src, int64_t es) {
  for (int64_t b = 0; b < es; b++)
    dst[b] = src[b];
}

/*@ rt_transpose */
/* rt_transpose: Y[i0..ir-1] = X[sum_d i_d * str[d]] in row-major order of Y.
 * ip = [esize, rank, ydims[rank], str[rank]] where str[d] is X's stride (in
 * elements) of axis perm[d], t = [X, Y].  Cost: O(rank) per element. */
RT_KERNEL(rt_transpose) {
  (void)fp;
  int64_t es = ip[0], rank = ip[1];
  const int64_t *dims = ip + 2, *str = ip + 2 + rank;
  const unsigned char *x = (const unsigned char *)t[0];
  unsigned char *y = (unsigned char *)t[1];
  int64_t idx[RT_MAXRANK] = {0}, n = rt_numel(dims, rank);
  for (int64_t i = 0; i < n; i++, rt_next_index(idx, dims, rank)) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; d++)
      off += idx[d] * str[d];
    rt_copy_elem(y + i * es, x + off * es, es);
  }
}

/*@ rt_concat */
/* rt_concat: Y = X0 .. Xk-1 joined along an axis.  Each Xj is viewed as
 * [outer, chunk_j bytes] (chunk_j = its axis length * product of the later
 * dims * esize); Y's row o is the rows o of X0 .. Xk-1 in turn.
 * ip = [esize, k, outer, chunk_0 .. chunk_k-1], t = [X0 .. Xk-1, Y]. */
RT_KERNEL(rt_concat) {
  (void)fp;
  int64_t k = ip[1], outer = ip[2];
  const int64_t *chunk = ip + 3;
  unsigned char *y = (unsigned char *)t[k];
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < k; j++) {
      const unsigned char *x = (const unsigned char *)t[j] + o * chunk[j];
      for (int64_t b = 0; b < chunk[j]; b++)
        *y++ = x[b];
    }
}

/*@ rt_gather */
/* rt_gather: Y[o, j, i] = X[o, idx[j], i], X viewed as [outer, axis_dim,
 * inner] and the indices flattened to [nidx]; a negative index counts from
 * the end.  An index outside [-axis_dim, axis_dim) yields zero bytes (ONNX
 * makes it an error; inference rejects constant ones).
 * ip = [esize, outer, axis_dim, inner, nidx, idx_is_i64], t = [X, indices
 * (int32 or int64), Y]. */
RT_KERNEL(rt_gather) {
  (void)fp;
  int64_t es = ip[0], outer = ip[1], ad = ip[2], inner = ip[3], nidx = ip[4], i64 = ip[5];
  const unsigned char *x = (const unsigned char *)t[0];
  unsigned char *y = (unsigned char *)t[2];
  int64_t row = inner * es;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < nidx; j++, y += row) {
      int64_t k = i64 ? ((const int64_t *)t[1])[j] : ((const int32_t *)t[1])[j];
      if (k < 0)
        k += ad;
      if (k < 0 || k >= ad) {
        for (int64_t b = 0; b < row; b++)
          y[b] = 0;
        continue;
      }
      rt_copy_elem(y, x + (o * ad + k) * row, row);
    }
}

/*@ rt_pad_* */
/* Pad modes (ip[1] of rt_pad). */
enum { RT_PAD_CONSTANT, RT_PAD_EDGE, RT_PAD_REFLECT, RT_PAD_WRAP };

/* Maps output coordinate o of an axis of length d with begin padding pb to
 * an input coordinate, or -1 for "use the fill value".  Reflect mirrors
 * without repeating the edge (numpy 'reflect', period 2(d-1)); wrap is
 * periodic.  d >= 1 for the non-constant modes (inference checks). */
RT_INLINE int64_t rt_pad_src(int64_t o, int64_t d, int64_t pb, int64_t mode) {
  int64_t i = o - pb, p;
  if (i >= 0 && i < d)
    return i;
  switch (mode) {
  case RT_PAD_EDGE:
    return i < 0 ? 0 : d - 1;
  case RT_PAD_REFLECT:
    if (d == 1)
      return 0;
    p = 2 * (d - 1);
    i %= p;
    if (i < 0)
      i += p;
    return i < d ? i : p - i;
  case RT_PAD_WRAP:
    i %= d;
    return i < 0 ? i + d : i;
  default:
    return -1;
  }
}

/* rt_pad_SUF: Y = X with pads[d] elements before and ends[d] after each
 * axis (negative pads crop).  ip = [rank, mode, xdims[rank], pads[rank],
 * ydims[rank]], fp = [fill], t = [X, fill?, Y]: the fill value is the
 * scalar t[1] if present, else fp[0] (inference checks it fits T). */
#define RT_DEFINE_PAD(SUF, T) \
  RT_KERNEL(rt_pad_##SUF) { \
    int64_t rank = ip[0], mode = ip[1]; \
    const int64_t *xd = ip + 2, *pb = ip + 2 + rank, *yd = ip + 2 + 2 * rank; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[2]; \
    T fill = t[1] ? *(const T *)t[1] : (T)fp[0]; \
    int64_t idx[RT_MAXRANK] = {0}, n = rt_numel(yd, rank); \
    for (int64_t i = 0; i < n; i++, rt_next_index(idx, yd, rank)) { \
      int64_t off = 0, d; \
      for (d = 0; d < rank; d++) { \
        int64_t s = rt_pad_src(idx[d], xd[d], pb[d], mode); \
        if (s < 0) \
          break; \
        off = off * xd[d] + s; \
      } \
      y[i] = d < rank ? fill : x[off]; \
    } \
  }
/*@ rt_pad_f32 */
RT_DEFINE_PAD(f32, float)
/*@ rt_pad_f64 */
RT_DEFINE_PAD(f64, double)
/*@ rt_pad_i8 */
RT_DEFINE_PAD(i8, int8_t)
/*@ rt_pad_i16 */
RT_DEFINE_PAD(i16, int16_t)
/*@ rt_pad_i32 */
RT_DEFINE_PAD(i32, int32_t)
/*@ rt_pad_i64 */
RT_DEFINE_PAD(i64, int64_t)
/*@ rt_pad_u8 */
RT_DEFINE_PAD(u8, uint8_t)
/*@ rt_pad_u16 */
RT_DEFINE_PAD(u16, uint16_t)
/*@ rt_pad_u32 */
RT_DEFINE_PAD(u32, uint32_t)
/*@ rt_pad_u64 */
RT_DEFINE_PAD(u64, uint64_t)
/*@ rt_pad_b8 */
RT_DEFINE_PAD(b8, uint8_t)

/*@ bibc */
#define RT_LAYOUT_KERNELS(X) \
  X(rt_transpose) X(rt_concat) X(rt_gather) \
  X(rt_pad_f32) X(rt_pad_f64) X(rt_pad_i8) X(rt_pad_i16) X(rt_pad_i32) X(rt_pad_i64) \
  X(rt_pad_u8) X(rt_pad_u16) X(rt_pad_u32) X(rt_pad_u64) X(rt_pad_b8)
/*@ */

#endif
