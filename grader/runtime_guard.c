/* runtime_guard.c: the CUPTI run-time guard of runtime_guard.h. */
#define _GNU_SOURCE
#include "runtime_guard.h"

#include <cupti.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *wb_guard_off_reason;

static struct {
    int subscribed; /* 1 yes, -1 failed */
    char why[200];
    CUpti_SubscriberHandle handle;
    volatile int watching;
    pthread_t thread;
    int depth; /* runtime calls of the watched thread in progress */
    int trace;
    cudaStream_t allowed;
    wb_guard_finding first;
} guard;

/* Calls a launcher may make (names without _vNNNN or _ptsz; a trailing '*'
 * stands for a family). The driver list also holds what the runtime and
 * CUPTI call on their own while a launch is set up (loading the module,
 * looking the kernel up, finding the context), which can come before the
 * runtime call's own callback. */
static const char *const runtime_allowed[] = {"cudaLaunchKernel",
                                              "__cudaLaunchKernel",
                                              "cudaLaunchKernelExC",
                                              "cudaLaunchKernelEx",
                                              "cudaLaunchCooperativeKernel",
                                              "__cudaPushCallConfiguration",
                                              "__cudaPopCallConfiguration",
                                              "__cudaGetKernel",
                                              "cudaGetLastError",
                                              "cudaPeekAtLastError",
                                              "cudaGetErrorString",
                                              "cudaGetErrorName",
                                              "cudaGetDevice",
                                              "cudaGetDeviceCount",
                                              "cudaDeviceGetAttribute",
                                              "cudaGetDeviceProperties",
                                              "cudaDriverGetVersion",
                                              "cudaRuntimeGetVersion",
                                              "cudaFuncGet*",
                                              "cudaFuncSetAttribute",
                                              "cudaFuncSetCacheConfig",
                                              "cudaGetFuncBySymbol",
                                              "cudaOccupancy*",
                                              NULL};
static const char *const driver_allowed[] = {"cuLaunchKernel",
                                             "cuLaunchKernelEx",
                                             "cuLaunchCooperativeKernel",
                                             "cuGetErrorString",
                                             "cuGetErrorName",
                                             "cuDeviceGet*",
                                             "cuDriverGetVersion",
                                             "cuInit",
                                             "cuGetExportTable",
                                             "cuCtxGet*",
                                             "cuCtxSetCurrent",
                                             "cuCtxPushCurrent",
                                             "cuCtxPopCurrent",
                                             "cuDevicePrimaryCtx*",
                                             "cuLibrary*",
                                             "cuModule*",
                                             "cuKernel*",
                                             "cuFunc*",
                                             "cuOccupancy*",
                                             "cuStreamGet*",
                                             "cuPointerGetAttribute*",
                                             NULL};

/* "cudaLaunchKernel_ptsz_v7000" -> "cudaLaunchKernel" */
static void base_name(const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s", name ? name : "?");
    char *v = strstr(out, "_v");
    if (v && v[2] >= '0' && v[2] <= '9')
        *v = 0;
    char *pt = strstr(out, "_ptsz");
    if (!pt)
        pt = strstr(out, "_ptds");
    if (pt)
        *pt = 0;
}

static int allowed_name(const char *name, const char *const *list)
{
    for (int i = 0; list[i]; i++) {
        size_t n = strlen(list[i]);
        int family = n > 0 && list[i][n - 1] == '*';
        if (family ? !strncmp(name, list[i], n - 1) : !strcmp(name, list[i]))
            return 1;
    }
    return 0;
}

/* The first offence is the one reported; later ones are its consequences. */
static wb_guard_finding *first_offence(wb_category c)
{
    if (guard.first.category != WB_CAT_NONE)
        return NULL;
    guard.first.category = c;
    return &guard.first;
}

static void check_stream(const char *name, const void *stream)
{
    wb_guard_finding *f;
    if (stream == (const void *)guard.allowed || !(f = first_offence(WB_CAT_UNSYNCHRONISED)))
        return;
    snprintf(f->message, sizeof f->message,
             "%s queued a kernel on %s%p, not on p->stream: a launcher queues all its work on "
             "p->stream, the only stream the timer sees",
             name, stream ? "stream " : "the default stream ", stream);
}

static void forbidden(const char *name, const char *why)
{
    wb_guard_finding *f = first_offence(WB_CAT_FORBIDDEN_CALL);
    if (f)
        snprintf(f->message, sizeof f->message, why, name);
}

/* The stream of a launch call, or 0 when the call is no launch. */
static int runtime_launch_stream(CUpti_CallbackId cbid, const void *params, const void **stream)
{
    switch (cbid) {
    case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000:
    case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_ptsz_v7000:
    /* __cudaLaunchKernel (what <<<>>> becomes in CUDA 13) takes the same
     * arguments, a cudaKernel_t in place of the function pointer */
    case CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000:
    case CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_ptsz_v13000:
        *stream = ((const cudaLaunchKernel_v7000_params *)params)->stream;
        return 1;
    case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060:
    case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_ptsz_v11060:
        *stream = ((const cudaLaunchKernelExC_v11060_params *)params)->config->stream;
        return 1;
    case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_v9000:
    case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_ptsz_v9000:
        *stream = ((const cudaLaunchCooperativeKernel_v9000_params *)params)->stream;
        return 1;
    default:
        return 0;
    }
}

static int driver_launch_stream(CUpti_CallbackId cbid, const void *params, const void **stream)
{
    switch (cbid) {
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel:
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz:
        *stream = ((const cuLaunchKernel_params *)params)->hStream;
        return 1;
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx:
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz:
        *stream = ((const cuLaunchKernelEx_params *)params)->config->hStream;
        return 1;
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel:
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz:
        *stream = ((const cuLaunchCooperativeKernel_params *)params)->hStream;
        return 1;
    default:
        return 0;
    }
}

static void CUPTIAPI on_call(void *userdata, CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                             const void *data)
{
    (void)userdata;
    if (!guard.watching)
        return;
    const CUpti_CallbackData *cb = data;
    int watched_thread = pthread_equal(pthread_self(), guard.thread);
    char name[96];
    base_name(cb->functionName, name, sizeof name);
    if (guard.trace) /* WB_GUARD_TRACE=1: every call the guard sees, to stderr */
        fprintf(stderr, "guard: %s %s %s depth %d%s\n",
                domain == CUPTI_CB_DOMAIN_RUNTIME_API ? "runtime" : "driver", name,
                cb->callbackSite == CUPTI_API_ENTER ? "enter" : "exit", guard.depth,
                watched_thread ? "" : " (another thread)");
    const void *stream = NULL;
    if (domain == CUPTI_CB_DOMAIN_RUNTIME_API) {
        if (cb->callbackSite != CUPTI_API_ENTER) {
            if (watched_thread && guard.depth > 0)
                guard.depth--;
            return;
        }
        int top = !watched_thread || guard.depth == 0;
        if (watched_thread)
            guard.depth++;
        if (!top)
            return; /* the runtime calling itself */
        if (!watched_thread)
            forbidden(name, "%s was called from another thread while the launcher ran: a "
                            "launcher starts no threads");
        else if (!allowed_name(name, runtime_allowed))
            forbidden(name, "the launcher called %s: a launcher may only launch kernels on "
                            "p->stream and query the device (no copies, memsets, host "
                            "functions, graphs, synchronisation, allocation or stream changes)");
        else if (runtime_launch_stream(cbid, cb->functionParams, &stream))
            check_stream(name, stream);
        return;
    }
    if (domain != CUPTI_CB_DOMAIN_DRIVER_API || cb->callbackSite != CUPTI_API_ENTER)
        return;
    /* every launch, also one the runtime makes for the launcher, goes to p->stream */
    if (driver_launch_stream(cbid, cb->functionParams, &stream))
        check_stream(name, stream);
    if (watched_thread && guard.depth > 0)
        return; /* inside a runtime call that was judged on entry */
    if (!watched_thread)
        forbidden(name, "the driver's %s was called from another thread while the launcher ran");
    else if (!allowed_name(name, driver_allowed))
        forbidden(name, "the launcher called the driver's %s: a launcher may only launch kernels "
                        "on p->stream and query the device");
}

static const char *cupti_error(CUptiResult r)
{
    const char *s = NULL;
    cuptiGetResultString(r, &s);
    return s ? s : "unknown CUPTI error";
}

int wb_guard_ready(char *why, size_t len)
{
    if (wb_guard_off_reason) {
        snprintf(why, len, "%s", wb_guard_off_reason);
        return 0;
    }
    if (guard.subscribed == 0) {
        const char *trace = getenv("WB_GUARD_TRACE");
        guard.trace = trace && *trace && *trace != '0';
        CUptiResult r = cuptiSubscribe(&guard.handle, (CUpti_CallbackFunc)on_call, NULL);
        if (r == CUPTI_SUCCESS)
            r = cuptiEnableDomain(1, guard.handle, CUPTI_CB_DOMAIN_RUNTIME_API);
        if (r == CUPTI_SUCCESS)
            r = cuptiEnableDomain(1, guard.handle, CUPTI_CB_DOMAIN_DRIVER_API);
        guard.subscribed = r == CUPTI_SUCCESS ? 1 : -1;
        if (r != CUPTI_SUCCESS)
            snprintf(guard.why, sizeof guard.why, "CUPTI refused the subscription: %s",
                     cupti_error(r));
    }
    snprintf(why, len, "%s", guard.subscribed > 0 ? "" : guard.why);
    return guard.subscribed > 0;
}

void wb_guard_begin(cudaStream_t allowed)
{
    memset(&guard.first, 0, sizeof guard.first);
    guard.allowed = allowed;
    guard.thread = pthread_self();
    guard.depth = 0;
    __atomic_store_n(&guard.watching, 1, __ATOMIC_SEQ_CST);
}

void wb_guard_end(wb_guard_finding *f)
{
    __atomic_store_n(&guard.watching, 0, __ATOMIC_SEQ_CST);
    *f = guard.first;
}
