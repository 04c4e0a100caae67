/*
 * rt_pool.h - (being written)
 */
#ifndef RT_POOL_H
#define RT_POOL_H
#include "rt_common.h"

#define RT_POOL_KERNELS(X)

#endif
