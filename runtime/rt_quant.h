/*
 * rt_quant.h - (being written)
 */
#ifndef RT_QUANT_H
#define RT_QUANT_H
#include "rt_common.h"

#define RT_QUANT_KERNELS(X)

#endif
