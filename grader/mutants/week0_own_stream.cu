// expect: forbidden
// shapes: 1024x256
// class: work the timer never sees
// incident: KernelBench PR 82 (work queued on a stream the timer does not watch)
/* Mutant for Week 0: a right copy on a stream the launcher creates for
 * itself. It is a blocking stream, so the grader's read-back (on the legacy
 * default stream) waits for it and the result checks out, while the events
 * recorded on p->stream time an empty stream. The symbol check refuses
 * cudaStreamCreate. */
#include "bank.cuh"

static int launch(const wb_problem *p)
{
    static cudaStream_t own; /* BUG: work off p->stream */
    if (!own) {
        cudaError_t err = cudaStreamCreate(&own);
        if (err != cudaSuccess)
            return (int)err;
    }
    return bank::by_element_size(p->dtype, [p](auto word) {
        using W = decltype(word);
        size_t n = bank::elements(p);
        bank::copy_words<W>
            <<<bank::blocks_for(n), bank::kThreads, 0, own>>>((const W *)p->in[0], (W *)p->y, n);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {{"copy_own_stream", "copy", launch,
                                                     WB_ALL_DTYPES, 0, NULL,
                                                     "mutant: right copy on a stream of its own"}};
extern "C" const int wb_lesson_variant_count = 1;
