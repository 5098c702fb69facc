// expect: forbidden_call
// shapes: 1024x256
// class: contract breaches
// incident: issue 14, its adversarial bank graded at af409c1 (no public incident of its own)
/* Mutant for Week 0: a right copy on p->stream whose launcher then waits
 * for the whole device, as if the result had to be ready when it returns.
 * wb.h says a launcher must not synchronise. The wait is the driver's
 * cuCtxSynchronize, found by name in libcuda's symbol table at run time
 * (libcuda_symbol.h), so no cudaDeviceSynchronize appears in the object for
 * the symbol check to refuse; the run-time guard sees the call. */
#include <cuda.h>

#include "bank.cuh"
#include "libcuda_symbol.h"

using synchronize_context = CUresult (*)(void);

static int launch(const wb_problem *p)
{
    static auto wait_for_device = (synchronize_context)libcuda_symbol("cuCtxSynchronize");
    if (!wait_for_device)
        return (int)cudaErrorSymbolNotFound;
    int status = bank::by_element_size(p->dtype, [p](auto word) {
        using W = decltype(word);
        size_t n = bank::elements(p);
        bank::copy_words<W><<<bank::blocks_for(n), bank::kThreads, 0, p->stream>>>(
            (const W *)p->in[0], (W *)p->y, n);
        return (int)cudaGetLastError();
    });
    if (status == WB_OK && wait_for_device() != CUDA_SUCCESS) /* BUG: a launcher never waits */
        status = (int)cudaErrorUnknown;
    return status;
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_then_wait", "copy", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: right copy, then a device-wide wait reached by name"}};
extern "C" const int wb_lesson_variant_count = 1;
