/* Every kernel header once per float type (kernels.c includes this once per instruction set). */
#define T float
#define IT int32_t
#define SUFFIX f4
#define SQRT sqrtf
#include "pooling.h"
#include "im2col.h"
#include "norm.h"
#include "optim.h"
#include "elementwise.h"
#undef T
#undef IT
#undef SUFFIX
#undef SQRT
#define T double
#define IT int64_t
#define SUFFIX f8
#define SQRT sqrt
#include "pooling.h"
#include "im2col.h"
#include "norm.h"
#include "optim.h"
#include "elementwise.h"
#undef T
#undef IT
#undef SUFFIX
#undef SQRT
