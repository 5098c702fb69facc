/* test_devbuf.c: a device buffer a test lets go of is scrubbed before any
 * later test gets it (devbuf.c keeps released buffers for reuse), its guard
 * zones are set afresh, and a kept buffer is handed out again only for the
 * size it has. Without a GPU every test is a SKIP ("skipped: no CUDA device"). */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <cuda_runtime_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "devbuf.h"
#include "gpu_suite.h"

enum { BYTES = 3 << 20, SECRET = 0x77, GUARD = 0xc3 };

/* how many bytes of [p, p + n) on the device differ from `byte` */
static long bytes_not(const void *p, size_t n, unsigned char byte)
{
    unsigned char *host = malloc(n);
    ck_assert_ptr_nonnull(host);
    ck_assert_int_eq(cudaMemcpy(host, p, n, cudaMemcpyDeviceToHost), cudaSuccess);
    long differ = 0;
    for (size_t i = 0; i < n; i++)
        differ += host[i] != byte;
    free(host);
    return differ;
}

START_TEST(a_released_buffer_comes_back_scrubbed)
{
    wb_devbuf first, again;
    ck_assert_int_eq(wb_devbuf_alloc(&first, BYTES, GUARD), 0);
    ck_assert_int_eq(wb_devbuf_fill(&first, SECRET), 0);
    void *where = first.base;
    ck_assert_int_eq(wb_devbuf_release(&first), 0);
    ck_assert_ptr_null(first.base);

    ck_assert_int_eq(wb_devbuf_alloc(&again, BYTES, WB_CANARY_BYTE), 0);
    ck_assert_ptr_eq(again.base, where); /* kept, not given back to the driver */
    ck_assert_int_eq(bytes_not(again.data, BYTES, 0), 0);
    ck_assert_int_eq(bytes_not(again.base, again.guard, WB_CANARY_BYTE), 0);
    ck_assert_int_eq(bytes_not((char *)again.data + BYTES, again.guard, WB_CANARY_BYTE), 0);
    ck_assert_int_eq(wb_devbuf_release(&again), 0);
}
END_TEST

START_TEST(a_kept_buffer_serves_only_its_own_size)
{
    wb_devbuf small, large;
    ck_assert_int_eq(wb_devbuf_alloc(&small, BYTES, GUARD), 0);
    void *where = small.base;
    ck_assert_int_eq(wb_devbuf_release(&small), 0);
    ck_assert_int_eq(wb_devbuf_alloc(&large, 2 * BYTES, GUARD), 0);
    ck_assert_ptr_ne(large.base, where);
    ck_assert_int_eq(bytes_not(large.base, large.guard, GUARD), 0);
    ck_assert_int_eq(wb_devbuf_release(&large), 0);
}
END_TEST

START_TEST(raw_device_memory_is_scrubbed_too)
{
    void *ref = NULL;
    ck_assert_int_eq(wb_devmem_alloc(&ref, BYTES), cudaSuccess);
    ck_assert_int_eq(cudaMemset(ref, SECRET, BYTES), cudaSuccess);
    ck_assert_int_eq(wb_devmem_release(ref, BYTES), cudaSuccess);
    void *again = NULL;
    ck_assert_int_eq(wb_devmem_alloc(&again, BYTES), cudaSuccess);
    ck_assert_ptr_eq(again, ref);
    ck_assert_int_eq(bytes_not(again, BYTES, 0), 0);
    ck_assert_int_eq(wb_devmem_release(again, BYTES), cudaSuccess);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {a_released_buffer_comes_back_scrubbed,
                                  a_kept_buffer_serves_only_its_own_size,
                                  raw_device_memory_is_scrubbed_too};
    return run_gpu_tests_as_tap("device buffers", 60, tests, 3);
}
