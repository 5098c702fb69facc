// expect: forbidden
/* Mutant for Week 0: a "transpose" that hands the work to cudaMemcpy2DAsync,
 * the runtime's strided copy, element by element: a shortcut the symbol
 * check refuses before anything runs. */
#include <cstdint>

#include "wb.h"

static int launch(const wb_problem *p)
{
    size_t es = p->dtype == WB_F32 ? 4 : 2;
    /* one column of y per row of x: a strided copy does a transpose, slowly */
    for (long r = 0; r < p->rows; r++) {
        cudaError_t e = cudaMemcpy2DAsync((char *)p->y + r * es, p->rows * es,
                                          (const char *)p->in[0] + r * p->cols * es, es, es,
                                          p->cols, cudaMemcpyDeviceToDevice, p->stream);
        if (e != cudaSuccess)
            return (int)e;
    }
    return WB_OK;
}

extern "C" const wb_variant wb_lesson_variants[] = {{"transpose_by_memcpy", "transpose", launch,
                                                     WB_ALL_DTYPES, 0, NULL,
                                                     "mutant: runtime shortcut"}};
extern "C" const int wb_lesson_variant_count = 1;
