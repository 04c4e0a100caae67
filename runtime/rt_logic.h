/*
 * rt_logic.h - logic-gate network kernels (difflogic; ir/ops.h's IR_LGN_OPS):
 * a layer of two-input gates and the group popcounts that turn its last
 * layer into class scores.
 *
 * A gate id g (0..15) is a truth table read MSB-first over ab = 00, 01, 10,
 * 11, so gate_g(a, b) = (g >> (3 - (2a + b))) & 1: one shift and one mask
 * per neuron, whatever the gate, instead of a 16-way switch.  Inputs are
 * read as bits: any nonzero element is 1 (the interpreter refuses values
 * other than 0 and 1 before calling these, compiler/interp.c; generated
 * code takes what it is given).  A logic layer's outputs are 0 or 1 in
 * its input's element type, so layers chain without conversion; GroupSum
 * counts ones per group (float32 scores, or int64 codes for the integer
 * core).  Cost: one load pair and one shift per gate, one add per input of
 * a group.
 */
#ifndef RT_LOGIC_H
#define RT_LOGIC_H
#include "rt_common.h"

/*@ rt_logic_* */
/* rt_logic_SUF: Y[r, j] = gate_{g[j]}(X[r, a[j]] != 0, X[r, b[j]] != 0).
 * ip = [rows, N_in, N_out, a[N_out], b[N_out], g[N_out]] (every a, b in
 * [0, N_in), every g in [0, 15], checked by ir/infer_logic.c);
 * t = [X [rows, N_in], Y [rows, N_out]], both of element type SUF. */
#define RT_DEFINE_LOGIC(SUF, T) \
  RT_KERNEL(rt_logic_##SUF) { \
    (void)fp; \
    int64_t rows = ip[0], nin = ip[1], nout = ip[2]; \
    const int64_t *ia = ip + 3, *ib = ip + 3 + nout, *gate = ip + 3 + 2 * nout; \
    const T *x = (const T *)t[0]; \
    T *y = (T *)t[1]; \
    for (int64_t r = 0; r < rows; r++, x += nin, y += nout) \
      for (int64_t j = 0; j < nout; j++) { \
        int64_t row = 2 * (x[ia[j]] != 0) + (x[ib[j]] != 0); \
        y[j] = (T)((gate[j] >> (3 - row)) & 1); \
      } \
  }
/*@ rt_logic_f32 */
RT_DEFINE_LOGIC(f32, float)
/*@ rt_logic_f64 */
RT_DEFINE_LOGIC(f64, double)
/*@ rt_logic_i8 */
RT_DEFINE_LOGIC(i8, int8_t)
/*@ rt_logic_i16 */
RT_DEFINE_LOGIC(i16, int16_t)
/*@ rt_logic_i32 */
RT_DEFINE_LOGIC(i32, int32_t)
/*@ rt_logic_i64 */
RT_DEFINE_LOGIC(i64, int64_t)
/*@ rt_logic_u8 */
RT_DEFINE_LOGIC(u8, uint8_t)
/*@ rt_logic_u16 */
RT_DEFINE_LOGIC(u16, uint16_t)
/*@ rt_logic_u32 */
RT_DEFINE_LOGIC(u32, uint32_t)
/*@ rt_logic_u64 */
RT_DEFINE_LOGIC(u64, uint64_t)
/*@ rt_logic_b8 */
RT_DEFINE_LOGIC(b8, uint8_t)

/*@ rt_groupsum_* */
/* rt_groupsum_SUF: Y[r, c] = float32(count / tau), count the nonzero
 * elements of X[r, c*G .. c*G + G-1], G = N / k.  The count is exact and
 * the division is done in double, so a score rounds once, to float32.
 * ip = [rows, N, k], fp = [tau]; t = [X [rows, N] of type SUF, Y float32
 * [rows, k]]. */
#define RT_DEFINE_GROUPSUM(SUF, T) \
  RT_KERNEL(rt_groupsum_##SUF) { \
    int64_t rows = ip[0], n = ip[1], k = ip[2], gs = n / k; \
    const T *x = (const T *)t[0]; \
    float *y = (float *)t[1]; \
    for (int64_t r = 0; r < rows; r++, x += n, y += k) \
      for (int64_t c = 0; c < k; c++) { \
        int64_t cnt = 0; \
        for (int64_t i = 0; i < gs; i++) \
          cnt += x[c * gs + i] != 0; \
        y[c] = (float)((double)cnt / fp[0]); \
      } \
  }
/*@ rt_groupsum_f32 */
RT_DEFINE_GROUPSUM(f32, float)
/*@ rt_groupsum_f64 */
RT_DEFINE_GROUPSUM(f64, double)
/*@ rt_groupsum_i8 */
RT_DEFINE_GROUPSUM(i8, int8_t)
/*@ rt_groupsum_i16 */
RT_DEFINE_GROUPSUM(i16, int16_t)
/*@ rt_groupsum_i32 */
RT_DEFINE_GROUPSUM(i32, int32_t)
/*@ rt_groupsum_i64 */
RT_DEFINE_GROUPSUM(i64, int64_t)
/*@ rt_groupsum_u8 */
RT_DEFINE_GROUPSUM(u8, uint8_t)
/*@ rt_groupsum_u16 */
RT_DEFINE_GROUPSUM(u16, uint16_t)
/*@ rt_groupsum_u32 */
RT_DEFINE_GROUPSUM(u32, uint32_t)
/*@ rt_groupsum_u64 */
RT_DEFINE_GROUPSUM(u64, uint64_t)
/*@ rt_groupsum_b8 */
RT_DEFINE_GROUPSUM(b8, uint8_t)

/*@ rt_popcount */
/* rt_popcount: GroupSum's integer codes, Y[r, c] = count of the nonzero
 * elements of X[r, c*G .. c*G + G-1], G = N / k (the real score is the code
 * times 2^-F, tau = 2^F; compiler/passes/lower_fixed.c).  ip = [rows, N, k];
 * t = [X int64 [rows, N], Y int64 [rows, k]]. */
RT_KERNEL(rt_popcount) {
  (void)fp;
  int64_t rows = ip[0], n = ip[1], k = ip[2], gs = n / k;
  const int64_t *x = (const int64_t *)t[0];
  int64_t *y = (int64_t *)t[1];
  for (int64_t r = 0; r < rows; r++, x += n, y += k)
    for (int64_t c = 0; c < k; c++) {
      int64_t cnt = 0;
      for (int64_t i = 0; i < gs; i++)
        cnt += x[c * gs + i] != 0;
      y[c] = cnt;
    }
}

/*@ bibc */
#define RT_LOGIC_KERNELS(X) \
  X(rt_logic_f32) X(rt_logic_f64) X(rt_logic_i8) X(rt_logic_i16) X(rt_logic_i32) \
  X(rt_logic_i64) X(rt_logic_u8) X(rt_logic_u16) X(rt_logic_u32) X(rt_logic_u64) \
  X(rt_logic_b8) \
  X(rt_groupsum_f32) X(rt_groupsum_f64) X(rt_groupsum_i8) X(rt_groupsum_i16) \
  X(rt_groupsum_i32) X(rt_groupsum_i64) X(rt_groupsum_u8) X(rt_groupsum_u16) \
  X(rt_groupsum_u32) X(rt_groupsum_u64) X(rt_groupsum_b8) X(rt_popcount)
/*@ */

#endif
