/*
 * rt_linalg.h - matrix products: Gemm (Y = alpha A' B' + beta C) and numpy
 * MatMul with batch broadcasting.  Plain triple loops over row-major data,
 * one dot product per output element: M*N*K multiply-adds per matrix.
 */
#ifndef RT_LINALG_H
#define RT_LINALG_H
#include "rt_common.h"

/*@ rt_gemm_* */
/* rt_gemm_SUF: Y[i,j] = alpha * sum_k A'[i,k] B'[k,j] + beta * C[i,j]
 * where A' = transA ? A^T : A (A stored (M,K) or (K,M)), likewise B' (B
 * stored (K,N) or (N,K)), and C is broadcast through its strides: C[i,j] =
 * C[i*crow + j*ccol] (0 on a broadcast axis).  The dot product accumulates
 * in the element type from 0 over k = 0..K-1; then Y = alpha*acc + beta*C,
 * with alpha and beta rounded to the element type.  No C (t[2] == NULL) or
 * beta == 0 drops the C term (as ONNX does, even if C holds inf or NaN).
 * ip = [M, N, K, transA, transB, crow, ccol], fp = [alpha, beta],
 * t = [A, B, C or NULL, Y (M,N)]. */
#define RT_DEFINE_GEMM(SUF, T) \
  RT_KERNEL(rt_gemm_##SUF) { \
    int64_t m = ip[0], n = ip[1], kk = ip[2], ta = ip[3], tb = ip[4], crow = ip[5], ccol = ip[6]; \
    const T *a = (const T *)t[0], *b = (const T *)t[1], *c = (const T *)t[2]; \
    T *y = (T *)t[3]; \
    T alpha = (T)fp[0], beta = (T)fp[1]; \
    int64_t ai = ta ? 1 : kk, ak = ta ? m : 1, bk = tb ? 1 : n, bj = tb ? kk : 1; \
    for (int64_t i = 0; i < m; i++) \
      for (int64_t j = 0; j < n; j++) { \
        T acc = 0; \
        for (int64_t k = 0; k < kk; k++) \
          acc += a[i * ai + k * ak] * b[k * bk + j * bj]; \
        acc = alpha * acc; \
        if (c && beta != 0) \
          acc += beta * c[i * crow + j * ccol]; \
        y[i * n + j] = acc; \
      } \
  }
/*@ rt_gemm_f32 */
RT_DEFINE_GEMM(f32, float)
/*@ rt_gemm_f64 */
RT_DEFINE_GEMM(f64, double)

/*@ rt_matmul_* */
/* rt_matmul_SUF: Y[b] = A[b] B[b] for every batch index b of Y, where A[b]
 * is (M,K) and B[b] is (K,N), row-major; a 1-D A is (1,K) and a 1-D B is
 * (K,1).  Batch axes broadcast through strides (in elements, 0 on a
 * broadcast axis); Y is contiguous (batch..., M, N).  The dot product
 * accumulates in the element type from 0 over k = 0..K-1; integers wrap.
 * ip = [M, N, K, r, bdims[r], astrides[r], bstrides[r]], t = [A, B, Y]. */
#define RT_DEFINE_MATMUL(SUF, T, FLT) \
  RT_KERNEL(rt_matmul_##SUF) { \
    (void)fp; \
    int64_t m = ip[0], n = ip[1], kk = ip[2], r = ip[3]; \
    const int64_t *bd = ip + 4, *as = ip + 4 + r, *bs = ip + 4 + 2 * r; \
    const T *a = (const T *)t[0], *b = (const T *)t[1]; \
    T *y = (T *)t[2]; \
    int64_t idx[RT_MAXRANK] = {0}, nb = rt_numel(bd, r); \
    for (int64_t q = 0; q < nb; q++, rt_next_index(idx, bd, r)) { \
      int64_t ao = 0, bo = 0; \
      for (int64_t d = 0; d < r; d++) { \
        ao += idx[d] * as[d]; \
        bo += idx[d] * bs[d]; \
      } \
      const T *ap = a + ao, *bp = b + bo; \
      T *yp = y + q * m * n; \
      for (int64_t i = 0; i < m; i++) \
        for (int64_t j = 0; j < n; j++) { \
          T acc = 0; \
          for (int64_t k = 0; k < kk; k++) { \
            if (FLT) \
              acc += ap[i * kk + k] * bp[k * n + j]; \
            else \
              acc = (T)((uint64_t)acc + (uint64_t)ap[i * kk + k] * (uint64_t)bp[k * n + j]); \
          } \
          yp[i * n + j] = acc; \
        } \
    } \
  }
/*@ rt_matmul_f32 */
RT_DEFINE_MATMUL(f32, float, 1)
/*@ rt_matmul_f64 */
RT_DEFINE_MATMUL(f64, double, 1)
/*@ rt_matmul_i32 */
RT_DEFINE_MATMUL(i32, int32_t, 0)
/*@ rt_matmul_i64 */
RT_DEFINE_MATMUL(i64, int64_t, 0)
/*@ rt_matmul_u32 */
RT_DEFINE_MATMUL(u32, uint32_t, 0)
/*@ rt_matmul_u64 */
RT_DEFINE_MATMUL(u64, uint64_t, 0)

/*@ rt_spmatmul_i64 */
/* rt_spmatmul_i64: Y = A B for a constant B of which only the nonzeros are
 * stored, column by column (pruned weights cost nothing: K*N - nnz fewer
 * multiply-adds per row of A).  The fixed-point pipeline uses it; interval
 * analysis guarantees that no sum overflows.
 * ip = [M, N, K], t = [A (M,K) int64, values (nnz) int64, index int64 =
 * [N+1 column starts into values, then the row k of each value], Y (M,N)]. */
RT_KERNEL(rt_spmatmul_i64) {
  (void)fp;
  int64_t m = ip[0], n = ip[1], kk = ip[2];
  const int64_t *a = (const int64_t *)t[0], *w = (const int64_t *)t[1];
  const int64_t *start = (const int64_t *)t[2], *row = start + n + 1;
  int64_t *y = (int64_t *)t[3];
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      int64_t acc = 0;
      for (int64_t e = start[j]; e < start[j + 1]; e++)
        acc += a[i * kk + row[e]] * w[e];
      y[i * n + j] = acc;
    }
}

/*@ bibc */
#define RT_LINALG_KERNELS(X) \
  X(rt_gemm_f32) X(rt_gemm_f64) \
  X(rt_matmul_f32) X(rt_matmul_f64) X(rt_matmul_i32) X(rt_matmul_i64) \
  X(rt_matmul_u32) X(rt_matmul_u64) X(rt_spmatmul_i64)
/*@ */

#endif
