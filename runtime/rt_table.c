/*
 * rt_table.c - the table of runtime kernels, generated from the X-lists in
 * rt_all.h: name -> function and family.  The interpreter calls through
 * it; the C backends use the family to copy the right source text.  Sorted
 * by name on first use, then found by binary search.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_table.h"
#include "rt_all.h"

enum {
#define X(fam, hdr) FAM_##fam,
  RT_FAMILIES(X)
#undef X
};

#define K_elementwise(k) {#k, k, FAM_elementwise},
#define K_linalg(k) {#k, k, FAM_linalg},
#define K_conv(k) {#k, k, FAM_conv},
#define K_pool(k) {#k, k, FAM_pool},
#define K_norm(k) {#k, k, FAM_norm},
#define K_layout(k) {#k, k, FAM_layout},
#define K_quant(k) {#k, k, FAM_quant},
#define K_qcdq(k) {#k, k, FAM_qcdq},
#define K_fixed(k) {#k, k, FAM_fixed},
#define K_logic(k) {#k, k, FAM_logic},
static KernelInfo table[] = {
  RT_ELEMENTWISE_KERNELS(K_elementwise) RT_LINALG_KERNELS(K_linalg) RT_CONV_KERNELS(K_conv)
  RT_POOL_KERNELS(K_pool) RT_NORM_KERNELS(K_norm) RT_LAYOUT_KERNELS(K_layout)
  RT_QUANT_KERNELS(K_quant) RT_QCDQ_KERNELS(K_qcdq) RT_FIXED_KERNELS(K_fixed)
  RT_LOGIC_KERNELS(K_logic)
};
#define NKERNELS ((int)(sizeof table / sizeof table[0]))

static int cmp_kernel(const void *a, const void *b) {
  return strcmp(((const KernelInfo *)a)->name, ((const KernelInfo *)b)->name);
}

const KernelInfo *kernel_find(const char *name) {
  static int sorted;
  if (!sorted) {
    qsort(table, NKERNELS, sizeof table[0], cmp_kernel);
    sorted = 1;
  }
  KernelInfo key = {.name = name};
  return bsearch(&key, table, NKERNELS, sizeof table[0], cmp_kernel);
}
