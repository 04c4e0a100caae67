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
 *
 * Pieces.  The C backend copies only the text the generated code needs
 * (rt_text_emit in backends/c.c).  A line holding just a marker comment,
 * slash-star-@ KEYS star-slash, starts a piece that runs to the next marker;
 * it is copied only if one of its KEYS (globs over kernel names, e.g.
 * rt_nary_i64 or rt_maxpool_*) names a kernel the generated file calls, or
 * is the word "float" (code with floating point) or "int" (the integer-only
 * code written for fixed-point graphs), whichever the file is; an empty KEYS
 * always matches, and "bibc" marks tables only bibc itself reads.  Text
 * before a header's first marker goes with the header, which is copied when
 * one of its kernels is called.  So each kernel instance stands on its own
 * line under its own marker, and its templates and helpers are keyed by the
 * kernels that use them.
 */
#ifndef RT_COMMON_H
#define RT_COMMON_H
#include <stdint.h>
/*@ float */
#include <math.h>
/*@ */

#define RT_MAXRANK 8

/* Kernels and helpers are RT_INLINE and marked unused: a generated file may
 * carry helpers this model does not call, and clang would warn about them. */
#if defined(__GNUC__) || defined(__clang__)
#define RT_INLINE static inline __attribute__((unused))
#else
#define RT_INLINE static inline
#endif
/* fp's element type is double; integer-only generated code has no float
 * type at all, so there fp is int64_t (the backend checks that every such
 * parameter is an integer).  bibc itself compiles both pieces. */
/*@ float */
#define RT_FP double
/*@ int */
#ifndef RT_FP
#define RT_FP int64_t
#endif
/*@ */
#define RT_KERNEL(name) RT_INLINE void name(const int64_t *ip, const RT_FP *fp, void *const *t)

/* NEG(v) tests v < 0 without tripping -Wtype-limits on unsigned types. */
#define RT_NEG_S(v) ((v) < 0)
#define RT_NEG_U(v) 0

/*@ float */
/* X(suffix, C type, is_float, NEG) for every element type a kernel may
 * take.  (The runtime writes each instance on its own line, under its own
 * marker, so generated integer-only code needs no list.) */
#define RT_SIGNED_TYPES(X) \
  X(f32, float, 1, RT_NEG_S) X(f64, double, 1, RT_NEG_S) \
  X(i8, int8_t, 0, RT_NEG_S) X(i16, int16_t, 0, RT_NEG_S) X(i32, int32_t, 0, RT_NEG_S) \
  X(i64, int64_t, 0, RT_NEG_S)
#define RT_ALL_TYPES(X) RT_SIGNED_TYPES(X) \
  X(u8, uint8_t, 0, RT_NEG_U) X(u16, uint16_t, 0, RT_NEG_U) X(u32, uint32_t, 0, RT_NEG_U) \
  X(u64, uint64_t, 0, RT_NEG_U) X(b8, uint8_t, 0, RT_NEG_U)
#define RT_FLOAT_TYPES(X) X(f32, float, 1, RT_NEG_S) X(f64, double, 1, RT_NEG_S)
/*@ */

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
