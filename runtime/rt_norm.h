/*
 * rt_norm.h - (being written)
 */
#ifndef RT_NORM_H
#define RT_NORM_H
#include "rt_common.h"

#define RT_NORM_KERNELS(X)

#endif
