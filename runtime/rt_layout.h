/*
 * rt_layout.h - (being written)
 */
#ifndef RT_LAYOUT_H
#define RT_LAYOUT_H
#include "rt_common.h"

#define RT_LAYOUT_KERNELS(X)

#endif
