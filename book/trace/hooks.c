/* hooks.c: the ThreadSanitizer entry points gcc's -fsanitize=thread calls in the
 * lesson's code, defined here instead of by libtsan: each load and store goes
 * to the trace runtime (sched.c) with its size and the address it was made
 * from; function entries mark where the kernel starts. Atomics the
 * instrumentation knows of (C11/C++ atomics) are not expected in a lesson's
 * device code; the CUDA atomics of the shim report themselves. */
#include "trace.h"

#define PC __builtin_return_address(0)

#define HOOKS(n)                                                                                   \
    void __tsan_read##n(void *a)                                                                   \
    {                                                                                              \
        wbt_access(a, n, WBT_LOAD, PC);                                                            \
    }                                                                                              \
    void __tsan_write##n(void *a)                                                                  \
    {                                                                                              \
        wbt_access(a, n, WBT_STORE, PC);                                                           \
    }                                                                                              \
    void __tsan_unaligned_read##n(void *a)                                                         \
    {                                                                                              \
        wbt_access(a, n, WBT_LOAD, PC);                                                            \
    }                                                                                              \
    void __tsan_unaligned_write##n(void *a)                                                        \
    {                                                                                              \
        wbt_access(a, n, WBT_STORE, PC);                                                           \
    }                                                                                              \
    void __tsan_volatile_read##n(void *a)                                                          \
    {                                                                                              \
        wbt_access(a, n, WBT_LOAD, PC);                                                            \
    }                                                                                              \
    void __tsan_volatile_write##n(void *a)                                                         \
    {                                                                                              \
        wbt_access(a, n, WBT_STORE, PC);                                                           \
    }

/* declared here once: gcc calls them without a header */
#define DECLARE(n)                                                                                 \
    void __tsan_read##n(void *a);                                                                  \
    void __tsan_write##n(void *a);                                                                 \
    void __tsan_unaligned_read##n(void *a);                                                        \
    void __tsan_unaligned_write##n(void *a);                                                       \
    void __tsan_volatile_read##n(void *a);                                                         \
    void __tsan_volatile_write##n(void *a);
DECLARE(1)
DECLARE(2)
DECLARE(4)
DECLARE(8)
DECLARE(16)
void __tsan_read_range(void *a, unsigned long n);
void __tsan_write_range(void *a, unsigned long n);
void __tsan_func_entry(void *caller);
void __tsan_func_exit(void);
void __tsan_init(void);
void __tsan_vptr_update(void **p, void *v);
void __tsan_vptr_read(void **p);

HOOKS(1)
HOOKS(2)
HOOKS(4)
HOOKS(8)
HOOKS(16)

void __tsan_read_range(void *a, unsigned long n)
{
    wbt_access(a, (unsigned)n, WBT_LOAD, PC);
}
void __tsan_write_range(void *a, unsigned long n)
{
    wbt_access(a, (unsigned)n, WBT_STORE, PC);
}
void __tsan_func_entry(void *caller)
{
    (void)caller;
    wbt_function_entry(PC);
}
void __tsan_func_exit(void) {}
void __tsan_init(void) {}
void __tsan_vptr_update(void **p, void *v)
{
    (void)p, (void)v;
}
void __tsan_vptr_read(void **p)
{
    (void)p;
}
