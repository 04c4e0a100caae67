/*
 * rt_conv.h - (being written)
 */
#ifndef RT_CONV_H
#define RT_CONV_H
#include "rt_common.h"

#define RT_CONV_KERNELS(X)

#endif
