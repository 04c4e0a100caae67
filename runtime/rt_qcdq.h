/*
 * rt_qcdq.h - (being written)
 */
#ifndef RT_QCDQ_H
#define RT_QCDQ_H
#include "rt_common.h"

#define RT_QCDQ_KERNELS(X)

#endif
