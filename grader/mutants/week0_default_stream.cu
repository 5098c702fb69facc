// expect: unsynchronised_work
// shapes: 1024x256
// class: work the timer never sees
// incident: KernelBench PR 82 (work queued on a stream the timer does not watch)
/* Mutant for Week 0: a right copy launched without its stream argument, so
 * it runs on the legacy default stream instead of p->stream. No stream is
 * created and every symbol is allowed, so the symbol check passes; the
 * grader's run-time guard sees a kernel on a stream that is not p->stream. */
#include "bank.cuh"

static int launch(const wb_problem *p)
{
    return bank::by_element_size(p->dtype, [p](auto word) {
        using W = decltype(word);
        size_t n = bank::elements(p);
        /* BUG: <<<blocks, threads>>> without p->stream: the legacy default stream */
        bank::copy_words<W>
            <<<bank::blocks_for(n), bank::kThreads>>>((const W *)p->in[0], (W *)p->y, n);
        return (int)cudaGetLastError();
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_default_stream", "copy", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: right copy on the legacy default stream"}};
extern "C" const int wb_lesson_variant_count = 1;
