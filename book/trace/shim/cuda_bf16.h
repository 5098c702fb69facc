/* cuda_bf16.h (trace shim): everything is in wbt_cuda.h */
#include "wbt_cuda.h"
