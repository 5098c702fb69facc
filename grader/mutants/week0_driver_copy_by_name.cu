// expect: forbidden_call
// shapes: 1024x256
// class: copies the name list misses
// incident: issue 14, its adversarial bank graded at af409c1 (no public incident of its own)
/* Mutant for Week 0: a "copy" done by the driver's cuMemcpyDtoDAsync_v2,
 * found by name in libcuda's symbol table at run time (libcuda_symbol.h), so
 * that no cuMemcpy* symbol appears in the object for the symbol check to
 * refuse. It is queued on p->stream and right; the run-time guard, which
 * sees every driver call however it was reached, refuses the copy. */
#include <cuda.h>

#include "bank.cuh"
#include "libcuda_symbol.h"

using copy_device_to_device = CUresult (*)(CUdeviceptr, CUdeviceptr, size_t, CUstream);

static int launch(const wb_problem *p)
{
    static auto copy = (copy_device_to_device)libcuda_symbol("cuMemcpyDtoDAsync_v2");
    if (!copy)
        return (int)cudaErrorSymbolNotFound;
    size_t bytes = bank::elements(p) * (p->dtype == WB_F32 ? 4 : 2);
    CUresult err = copy((CUdeviceptr)p->y, (CUdeviceptr)p->in[0], bytes, p->stream);
    return err == CUDA_SUCCESS ? WB_OK : (int)cudaErrorUnknown;
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_by_driver_lookup", "copy", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: driver copy reached through libcuda's symbol table"}};
extern "C" const int wb_lesson_variant_count = 1;
