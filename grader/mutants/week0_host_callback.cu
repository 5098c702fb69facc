// expect: forbidden
// shapes: 255x257
// class: copies the name list misses
// incident: issue 14, its adversarial bank graded at af409c1 (no public incident of its own)
/* Mutant for Week 0: a transpose whose GPU side only copies. A kernel copies
 * x into mapped host memory, a host function queued on p->stream transposes
 * it there on the CPU, and a second kernel copies the result into y. Every
 * step is on p->stream and the result is right, but the GPU never
 * transposes. The symbol check refuses cudaHostAlloc and cudaLaunchHostFunc. */
#include <cstring>

#include "bank.cuh"

namespace
{

struct Staging {
    unsigned char *host = nullptr; /* mapped: the GPU reads and writes it too */
    size_t bytes = 0;
    long rows = 0, cols = 0;
    size_t element = 0;
};

/* Runs on a CPU thread of the runtime, in stream order. */
void CUDART_CB transpose_on_host(void *data)
{
    const Staging *s = static_cast<const Staging *>(data);
    const unsigned char *x = s->host;
    unsigned char *y = s->host + s->bytes;
    for (long r = 0; r < s->rows; r++)
        for (long c = 0; c < s->cols; c++)
            memcpy(y + ((size_t)c * s->rows + r) * s->element,
                   x + ((size_t)r * s->cols + c) * s->element, s->element);
}

} // namespace

static int launch(const wb_problem *p)
{
    static Staging staging;
    size_t element = p->dtype == WB_F32 ? 4 : 2, bytes = bank::elements(p) * element;
    if (staging.bytes < bytes) {
        cudaFreeHost(staging.host);
        staging.host = nullptr;
        cudaError_t err = cudaHostAlloc(&staging.host, 2 * bytes, cudaHostAllocMapped);
        if (err != cudaSuccess)
            return (int)err;
        staging.bytes = bytes;
    }
    staging.rows = p->rows;
    staging.cols = p->cols;
    staging.element = element;
    unsigned char *x_on_host = staging.host, *y_on_host = staging.host + staging.bytes;
    bank::copy_words<unsigned char><<<bank::blocks_for(bytes), bank::kThreads, 0, p->stream>>>(
        (const unsigned char *)p->in[0], x_on_host, bytes);
    /* BUG: the CPU does the op's work */
    cudaError_t err = cudaLaunchHostFunc(p->stream, transpose_on_host, &staging);
    if (err != cudaSuccess)
        return (int)err;
    bank::copy_words<unsigned char><<<bank::blocks_for(bytes), bank::kThreads, 0, p->stream>>>(
        y_on_host, (unsigned char *)p->y, bytes);
    return (int)cudaGetLastError();
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"transpose_on_host", "transpose", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: transposes on the CPU in a host function, over mapped memory"}};
extern "C" const int wb_lesson_variant_count = 1;
