/*
 * rt_common.h - conventions shared by every bibc runtime kernel.
 *
 * A kernel is   void rt_NAME_SUF(const int64_t *ip, const double *fp, void *const *t)
 * where ip holds integer parameters (shapes, strides, attribute codes), fp
 * floating parameters (ONNX float attributes, held exactly as doubles) and t
 * the tensor pointers: the node's inputs in order, then its outputs (absent
 * optional inputs are NULL).  SUF is the element type (f32, f64, i8 ... u64,
 * b8).  Each kernel's comment documents its ip/fp/t layout; ir/infer_*.c
 * fills them in.  The reference interpreter calls these functions directly
 * and the C backend copies this text into the generated file, so the
 * arithmetic of every operator is written exactly once, here.
 *
 * Only <stdint.h> and <math.h>; no allocation, no I/O.  Integer arithmetic
 * wraps (it is done in uint64_t and converted back), never overflows in C.
 */
#ifndef RT_COMMON_H
#define RT_COMMON_H
#include <math.h>
#include <stdint.h>

#define RT_MAXRANK 8

/* Kernels and helpers are RT_INLINE and marked unused: a generated file
 * carries whole kernel families, and clang would warn about the kernels this
 * model does not call. */
#if defined(__GNUC__) || defined(__clang__)
#define RT_INLINE static inline __attribute__((unused))
#else
#define RT_INLINE static inline
#endif
#define RT_KERNEL(name) RT_INLINE void name(const int64_t *ip, const double *fp, void *const *t)

/* X(suffix, C type, is_float, NEG) for every element type a kernel may
 * take.  NEG(v) tests v < 0 without tripping -Wtype-limits on unsigned types. */
#define RT_NEG_S(v) ((v) < 0)
#define RT_NEG_U(v) 0
#define RT_SIGNED_TYPES(X) \
  X(f32, float, 1, RT_NEG_S) X(f64, double, 1, RT_NEG_S) \
  X(i8, int8_t, 0, RT_NEG_S) X(i16, int16_t, 0, RT_NEG_S) X(i32, int32_t, 0, RT_NEG_S) \
  X(i64, int64_t, 0, RT_NEG_S)
#define RT_ALL_TYPES(X) RT_SIGNED_TYPES(X) \
  X(u8, uint8_t, 0, RT_NEG_U) X(u16, uint16_t, 0, RT_NEG_U) X(u32, uint32_t, 0, RT_NEG_U) \
  X(u64, uint64_t, 0, RT_NEG_U) X(b8, uint8_t, 0, RT_NEG_U)
#define RT_FLOAT_TYPES(X) X(f32, float, 1, RT_NEG_S) X(f64, double, 1, RT_NEG_S)

/* Advances a row-major multi-index over dims; returns 0 after the last. */
RT_INLINE int rt_next_index(int64_t *idx, const int64_t *dims, int64_t rank) {
  for (int64_t d = rank - 1; d >= 0; d--) {
    if (++idx[d] < dims[d])
      return 1;
    idx[d] = 0;
  }
  return 0;
}

RT_INLINE int64_t rt_numel(const int64_t *dims, int64_t rank) {
  int64_t n = 1;
  for (int64_t d = 0; d < rank; d++)
    n *= dims[d];
  return n;
}

/* Element type codes for the type-generic kernels (ONNX's DataType codes). */
enum { RT_F32 = 1, RT_U8 = 2, RT_I8 = 3, RT_U16 = 4, RT_I16 = 5, RT_I32 = 6, RT_I64 = 7,
       RT_B8 = 9, RT_F64 = 11, RT_U32 = 12, RT_U64 = 13 };

#endif
