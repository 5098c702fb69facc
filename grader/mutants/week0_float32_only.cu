// expect: missing_support
// shapes: 1024x256
// class: points without the work
// incident: issue 14, its adversarial bank graded at af409c1 (no public incident of its own)
/* Mutant for Week 0: a right copy whose dtypes mask declares float32 alone.
 * Week 0 requires float16 and bfloat16 as well (grader/week0.score), so the
 * tests of those two fail for want of support instead of being left out. */
#include "bank.cuh"

static int launch(const wb_problem *p)
{
    size_t n = bank::elements(p);
    bank::copy_words<uint32_t><<<bank::blocks_for(n), bank::kThreads, 0, p->stream>>>(
        (const uint32_t *)p->in[0], (uint32_t *)p->y, n);
    return (int)cudaGetLastError();
}

/* BUG: float32 only */
extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy", "copy", launch, WB_DT(WB_F32), 0, NULL, "mutant: float32 only"}};
extern "C" const int wb_lesson_variant_count = 1;
