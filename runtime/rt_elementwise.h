/*
 * rt_elementwise.h - elementwise kernels: n-ary broadcasting arithmetic
 * (Add Sub Mul Div Max Min Sum PRelu Pow), unary activations, Clip, Cast, copy.
 */
#ifndef RT_ELEMENTWISE_H
#define RT_ELEMENTWISE_H
#include "rt_common.h"

/*@ rt_nary_* */
/* n-ary opcodes (ip[0] of rt_nary) */
enum { RT_ADD, RT_SUB, RT_MUL, RT_DIV, RT_MAX, RT_MIN, RT_PRELU, RT_POW };

/* rt_nary_SUF: Y = X0 op X1 op ... op Xk-1, left to right, numpy broadcast.
 * ip = [op, rank, k, dims[rank], strides[k][rank]] (stride 0 on broadcast
 * axes), t = [X0 .. Xk-1, Y].  Integer Div truncates toward zero; x/0 = 0
 * for integers (ONNX leaves it undefined; C would trap).  POW(T, a, b)
 * computes Pow: powf for float32 (as numpy's float32 power), pow for
 * float64; inference allows Pow on float types only (RT_POW_NONE elsewhere). */
#define RT_POW_NONE(T, a, b) ((T)0)
#define RT_DEFINE_NARY(SUF, T, FLT, NEG, POW) \
  RT_KERNEL(rt_nary_##SUF) { \
    (void)fp; \
    int64_t op = ip[0], rank = ip[1], k = ip[2]; \
    const int64_t *dims = ip + 3, *str = ip + 3 + rank; \
    T *y = (T *)t[k]; \
    int64_t idx[RT_MAXRANK] = {0}, n = rt_numel(dims, rank); \
    for (int64_t i = 0; i < n; i++, rt_next_index(idx, dims, rank)) { \
      T acc = 0; \
      for (int64_t j = 0; j < k; j++) { \
        int64_t off = 0; \
        for (int64_t d = 0; d < rank; d++) \
          off += idx[d] * str[j * rank + d]; \
        T b = ((const T *)t[j])[off]; \
        if (j == 0) { acc = b; continue; } \
        switch (op) { \
        case RT_ADD: acc = FLT ? (T)(acc + b) : (T)((uint64_t)acc + (uint64_t)b); break; \
        case RT_SUB: acc = FLT ? (T)(acc - b) : (T)((uint64_t)acc - (uint64_t)b); break; \
        case RT_MUL: acc = FLT ? (T)(acc * b) : (T)((uint64_t)acc * (uint64_t)b); break; \
        case RT_DIV: \
          if (FLT) acc = (T)(acc / b); \
          else if (b == 0) acc = 0; \
          else if (NEG((T)-1) && b == (T)-1) acc = (T)(0 - (uint64_t)acc); \
          else acc = (T)(acc / b); \
          break; \
        case RT_MAX: acc = (acc >= b || acc != acc) ? acc : b; break; \
        case RT_MIN: acc = (acc <= b || acc != acc) ? acc : b; break; \
        case RT_PRELU: acc = NEG(acc) ? (T)(FLT ? acc * b : (T)((uint64_t)acc * (uint64_t)b)) : acc; break; \
        case RT_POW: acc = POW(T, acc, b); break; \
        } \
      } \
      y[i] = acc; \
    } \
  }
/*@ rt_nary_f32 */
#define RT_POWF(T, a, b) ((T)powf((float)(a), (float)(b)))
RT_DEFINE_NARY(f32, float, 1, RT_NEG_S, RT_POWF)
/*@ rt_nary_f64 */
#define RT_POW_F(T, a, b) ((T)pow((double)(a), (double)(b)))
RT_DEFINE_NARY(f64, double, 1, RT_NEG_S, RT_POW_F)
/*@ rt_nary_i8 */
RT_DEFINE_NARY(i8, int8_t, 0, RT_NEG_S, RT_POW_NONE)
/*@ rt_nary_i16 */
RT_DEFINE_NARY(i16, int16_t, 0, RT_NEG_S, RT_POW_NONE)
/*@ rt_nary_i32 */
RT_DEFINE_NARY(i32, int32_t, 0, RT_NEG_S, RT_POW_NONE)
/*@ rt_nary_i64 */
RT_DEFINE_NARY(i64, int64_t, 0, RT_NEG_S, RT_POW_NONE)
/*@ rt_nary_u8 */
RT_DEFINE_NARY(u8, uint8_t, 0, RT_NEG_U, RT_POW_NONE)
/*@ rt_nary_u16 */
RT_DEFINE_NARY(u16, uint16_t, 0, RT_NEG_U, RT_POW_NONE)
/*@ rt_nary_u32 */
RT_DEFINE_NARY(u32, uint32_t, 0, RT_NEG_U, RT_POW_NONE)
/*@ rt_nary_u64 */
RT_DEFINE_NARY(u64, uint64_t, 0, RT_NEG_U, RT_POW_NONE)
/*@ rt_nary_b8 */
RT_DEFINE_NARY(b8, uint8_t, 0, RT_NEG_U, RT_POW_NONE)


/*@ rt_unary_* */
/* unary opcodes (ip[0] of rt_unary) */
enum { RT_RELU, RT_LEAKYRELU, RT_ELU, RT_SELU, RT_SIGMOID, RT_HARDSIGMOID, RT_TANH, RT_SIGN };

/* rt_unary_SUF: Y = f(X).  ip = [op, n], fp = [alpha, beta/gamma],
 * t = [X, Y].  LeakyRelu: x<0 ? alpha*x : x.  Elu: x<0 ? alpha*(e^x-1) : x.
 * Selu: gamma*(x<=0 ? alpha*e^x-alpha : x), fp = [alpha, gamma].
 * HardSigmoid: max(0, min(1, alpha*x+beta)).  Float math is done in the
 * element type (expf/tanhf for f32).  Signed integer types support Relu and
 * Sign (the only activations ONNX defines on integers). */
#define RT_DEFINE_UNARY(SUF, T, FLT, EXP, TANH) \
  RT_KERNEL(rt_unary_##SUF) { \
    int64_t op = ip[0], n = ip[1]; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[1]; \
    T alpha = (T)fp[0], beta = (T)fp[1]; \
    for (int64_t i = 0; i < n; i++) { \
      T v = x[i]; \
      switch (op) { \
      case RT_RELU: v = v > 0 ? v : 0; break; \
      case RT_LEAKYRELU: v = v < 0 ? (T)(alpha * v) : v; break; \
      case RT_ELU: v = v < 0 ? (T)(alpha * (EXP(v) - 1)) : v; break; \
      case RT_SELU: v = v <= 0 ? (T)(beta * (alpha * EXP(v) - alpha)) : (T)(beta * v); break; \
      case RT_SIGMOID: v = (T)(1 / (1 + EXP(-v))); break; \
      case RT_HARDSIGMOID: v = (T)(alpha * v + beta); v = v > 1 ? 1 : v; v = v < 0 ? 0 : v; break; \
      case RT_TANH: v = TANH(v); break; \
      case RT_SIGN: v = (T)(v > 0 ? 1 : v < 0 ? -1 : 0); break; \
      } \
      y[i] = v; \
    } \
  }
#define RT_INT_EXP(v) (v)
/*@ rt_unary_f32 */
RT_DEFINE_UNARY(f32, float, 1, expf, tanhf)
/*@ rt_unary_f64 */
RT_DEFINE_UNARY(f64, double, 1, exp, tanh)
/*@ rt_unary_i8 */
RT_DEFINE_UNARY(i8, int8_t, 0, RT_INT_EXP, RT_INT_EXP)
/*@ rt_unary_i16 */
RT_DEFINE_UNARY(i16, int16_t, 0, RT_INT_EXP, RT_INT_EXP)
/*@ rt_unary_i32 */
RT_DEFINE_UNARY(i32, int32_t, 0, RT_INT_EXP, RT_INT_EXP)
/*@ rt_unary_i64 */
RT_DEFINE_UNARY(i64, int64_t, 0, RT_INT_EXP, RT_INT_EXP)


/*@ rt_clip_* */
/* rt_clip_SUF: Y = min(max(X, lo), hi).  ip = [n, lomode, himode], mode 0 =
 * unbounded, 1 = scalar tensor t[1] (lo) / t[2] (hi), 2 = fp[0] (lo) /
 * fp[1] (hi) (opset < 11 attributes).  t = [X, lo?, hi?, Y]. */
#define RT_DEFINE_CLIP(SUF, T, FLT) \
  RT_KERNEL(rt_clip_##SUF) { \
    int64_t n = ip[0]; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[3]; \
    int hasl = ip[1] != 0, hash = ip[2] != 0; \
    T lo = ip[1] == 1 ? *(const T *)t[1] : ip[1] == 2 ? (T)fp[0] : 0; \
    T hi = ip[2] == 1 ? *(const T *)t[2] : ip[2] == 2 ? (T)fp[1] : 0; \
    for (int64_t i = 0; i < n; i++) { \
      T v = x[i]; \
      if (hasl && v < lo) v = lo; \
      if (hash && v > hi) v = hi; \
      y[i] = v; \
    } \
  }
/*@ rt_clip_f32 */
RT_DEFINE_CLIP(f32, float, 1)
/*@ rt_clip_f64 */
RT_DEFINE_CLIP(f64, double, 1)
/*@ rt_clip_i8 */
RT_DEFINE_CLIP(i8, int8_t, 0)
/*@ rt_clip_i16 */
RT_DEFINE_CLIP(i16, int16_t, 0)
/*@ rt_clip_i32 */
RT_DEFINE_CLIP(i32, int32_t, 0)
/*@ rt_clip_i64 */
RT_DEFINE_CLIP(i64, int64_t, 0)
/*@ rt_clip_u8 */
RT_DEFINE_CLIP(u8, uint8_t, 0)
/*@ rt_clip_u16 */
RT_DEFINE_CLIP(u16, uint16_t, 0)
/*@ rt_clip_u32 */
RT_DEFINE_CLIP(u32, uint32_t, 0)
/*@ rt_clip_u64 */
RT_DEFINE_CLIP(u64, uint64_t, 0)
/*@ rt_clip_b8 */
RT_DEFINE_CLIP(b8, uint8_t, 0)


/*@ rt_copy */
/* rt_copy: Y = X bytewise (Identity, Reshape, Flatten, Squeeze, Unsqueeze,
 * Dropout).  ip = [nbytes], t = [X, Y]. */
RT_KERNEL(rt_copy) {
  (void)fp;
  const unsigned char *x = (const unsigned char *)t[0];
  unsigned char *y = (unsigned char *)t[1];
  if (x != y)
    for (int64_t i = 0; i < ip[0]; i++)
      y[i] = x[i];
}

/*@ rt_dropout */
/* rt_dropout: inference-mode Dropout: Y = X, mask = all true.
 * ip = [nbytes of X, n], t = [X, ratio?, training_mode?, Y, mask?]. */
RT_KERNEL(rt_dropout) {
  (void)fp;
  const unsigned char *x = (const unsigned char *)t[0];
  unsigned char *y = (unsigned char *)t[3], *mask = (unsigned char *)t[4];
  for (int64_t i = 0; i < ip[0]; i++)
    y[i] = x[i];
  if (mask)
    for (int64_t i = 0; i < ip[1]; i++)
      mask[i] = 1;
}

/*@ rt_cast */
/* rt_cast: Y = (to)X with C conversion semantics; integer to integer goes
 * through 64 bits (wraps), anything involving a float through double, float
 * to bool is x != 0.  Float to integer truncates toward zero; NaN gives 0
 * and values beyond the 64-bit range saturate there (C leaves both
 * undefined) before wrapping to the target width.
 * ip = [n, from, to] (RT_* type codes), t = [X, Y]. */
RT_INLINE uint64_t rt_f2u(double d) {
  if (d != d)
    return 0;
  if (d < 0)
    return d < -9223372036854775808.0 ? (uint64_t)1 << 63 : (uint64_t)(int64_t)d;
  return d >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)d;
}
RT_INLINE double rt_load_f(const void *p, int64_t dt, int64_t i) {
  switch (dt) {
  case RT_F32: return ((const float *)p)[i];
  case RT_F64: return ((const double *)p)[i];
  case RT_U8: case RT_B8: return ((const uint8_t *)p)[i];
  case RT_I8: return ((const int8_t *)p)[i];
  case RT_U16: return ((const uint16_t *)p)[i];
  case RT_I16: return ((const int16_t *)p)[i];
  case RT_U32: return ((const uint32_t *)p)[i];
  case RT_I32: return ((const int32_t *)p)[i];
  case RT_U64: return (double)((const uint64_t *)p)[i];
  default: return (double)((const int64_t *)p)[i];
  }
}
RT_INLINE uint64_t rt_load_u(const void *p, int64_t dt, int64_t i) {
  switch (dt) {
  case RT_U8: case RT_B8: return ((const uint8_t *)p)[i];
  case RT_I8: return (uint64_t)(int64_t)((const int8_t *)p)[i];
  case RT_U16: return ((const uint16_t *)p)[i];
  case RT_I16: return (uint64_t)(int64_t)((const int16_t *)p)[i];
  case RT_U32: return ((const uint32_t *)p)[i];
  case RT_I32: return (uint64_t)(int64_t)((const int32_t *)p)[i];
  case RT_U64: return ((const uint64_t *)p)[i];
  default: return (uint64_t)((const int64_t *)p)[i];
  }
}
RT_KERNEL(rt_cast) {
  (void)fp;
  int64_t n = ip[0], from = ip[1], to = ip[2];
  int fromf = from == RT_F32 || from == RT_F64;
  for (int64_t i = 0; i < n; i++) {
    double d = fromf ? rt_load_f(t[0], from, i) : 0;
    uint64_t u = fromf ? 0 : rt_load_u(t[0], from, i);
    if (fromf && to != RT_F32 && to != RT_F64 && to != RT_B8)
      u = rt_f2u(d);
    switch (to) {
    case RT_F32: ((float *)t[1])[i] = fromf ? (float)d : (from == RT_U64 ? (float)u : (float)(int64_t)u); break;
    case RT_F64: ((double *)t[1])[i] = fromf ? d : (from == RT_U64 ? (double)u : (double)(int64_t)u); break;
    case RT_B8: ((uint8_t *)t[1])[i] = fromf ? d != 0 : u != 0; break;
    case RT_U8: ((uint8_t *)t[1])[i] = (uint8_t)u; break;
    case RT_I8: ((int8_t *)t[1])[i] = (int8_t)u; break;
    case RT_U16: ((uint16_t *)t[1])[i] = (uint16_t)u; break;
    case RT_I16: ((int16_t *)t[1])[i] = (int16_t)u; break;
    case RT_U32: ((uint32_t *)t[1])[i] = (uint32_t)u; break;
    case RT_I32: ((int32_t *)t[1])[i] = (int32_t)u; break;
    case RT_U64: ((uint64_t *)t[1])[i] = u; break;
    default: ((int64_t *)t[1])[i] = (int64_t)u; break;
    }
  }
}

/*@ bibc */
#define RT_ELEMENTWISE_KERNELS(X) \
  X(rt_nary_f32) X(rt_nary_f64) X(rt_nary_i8) X(rt_nary_i16) X(rt_nary_i32) X(rt_nary_i64) \
  X(rt_nary_u8) X(rt_nary_u16) X(rt_nary_u32) X(rt_nary_u64) X(rt_nary_b8) \
  X(rt_unary_f32) X(rt_unary_f64) X(rt_unary_i8) X(rt_unary_i16) X(rt_unary_i32) X(rt_unary_i64) \
  X(rt_clip_f32) X(rt_clip_f64) X(rt_clip_i8) X(rt_clip_i16) X(rt_clip_i32) X(rt_clip_i64) \
  X(rt_clip_u8) X(rt_clip_u16) X(rt_clip_u32) X(rt_clip_u64) X(rt_clip_b8) \
  X(rt_copy) X(rt_dropout) X(rt_cast)
/*@ */

#endif
