/*
 * rt_all.h - every runtime kernel family, and the list of all kernels as
 * X(family header, kernel) rows.  rt_table.c makes the kernel table from
 * them: the interpreter calls through it, and the C backends pick the
 * families to copy by it.
 */
#ifndef RT_ALL_H
#define RT_ALL_H
#include "rt_common.h"
#include "rt_elementwise.h"
#include "rt_linalg.h"
#include "rt_conv.h"
#include "rt_pool.h"
#include "rt_norm.h"
#include "rt_layout.h"
#include "rt_quant.h"
#include "rt_qcdq.h"
#include "rt_fixed.h"
#include "rt_logic.h"

/* X(family, header file) in the order the C backend emits them. */
#define RT_FAMILIES(X) \
  X(elementwise, "rt_elementwise.h") X(linalg, "rt_linalg.h") X(conv, "rt_conv.h") \
  X(pool, "rt_pool.h") X(norm, "rt_norm.h") X(layout, "rt_layout.h") X(quant, "rt_quant.h") \
  X(qcdq, "rt_qcdq.h") X(fixed, "rt_fixed.h") X(logic, "rt_logic.h")

#define RT_ALL_KERNELS(X) \
  RT_ELEMENTWISE_KERNELS(X) RT_LINALG_KERNELS(X) RT_CONV_KERNELS(X) \
  RT_POOL_KERNELS(X) RT_NORM_KERNELS(X) RT_LAYOUT_KERNELS(X) RT_QUANT_KERNELS(X) \
  RT_QCDQ_KERNELS(X) RT_FIXED_KERNELS(X) RT_LOGIC_KERNELS(X)

#endif
