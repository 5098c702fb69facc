#define _POSIX_C_SOURCE 200809L
#include "probe.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cuda_check.h"
#include "timing.h"
#include "trusted_kernels.h"

enum { PROBE_TIMEOUT_MS = 120000 };

/* The copy ceiling: a device-to-device cudaMemcpy far larger than the L2,
 * counting bytes read plus bytes written, median of repetitions. */
static int measure_copy_ceiling(double *gbps)
{
    size_t bytes = (size_t)1 << 30;
    void *a, *b;
    cudaEvent_t start, stop;
    double times[20];
    WB_CUDA(cudaMalloc(&a, bytes));
    WB_CUDA(cudaMalloc(&b, bytes));
    WB_CUDA(cudaMemset(a, 1, bytes));
    WB_CUDA(cudaEventCreate(&start));
    WB_CUDA(cudaEventCreate(&stop));
    for (int i = 0; i < 3; i++)
        WB_CUDA(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
    for (int i = 0; i < 20; i++) {
        float ms;
        WB_CUDA(cudaEventRecord(start, 0));
        WB_CUDA(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, 0));
        WB_CUDA(cudaEventRecord(stop, 0));
        WB_CUDA(cudaEventSynchronize(stop));
        WB_CUDA(cudaEventElapsedTime(&ms, start, stop));
        times[i] = ms;
    }
    *gbps = 2.0 * (double)bytes / (wb_median(times, 20) * 1e-3) / 1e9;
    WB_CUDA(cudaFree(a));
    WB_CUDA(cudaFree(b));
    return 0;
}

static int probe_in_child(wb_env *env, int measure_ceiling)
{
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        /* without a driver the runtime says its version is "insufficient":
         * say what that means on a machine with no GPU */
        int no_driver = err == cudaErrorInsufficientDriver || err == cudaErrorNoDevice;
        snprintf(env->no_device_reason, sizeof env->no_device_reason, "%s%s",
                 no_driver ? "no NVIDIA GPU or driver found: " : "",
                 err != cudaSuccess ? cudaGetErrorString(err) : "no device visible");
        return 0;
    }
    struct cudaDeviceProp prop;
    WB_CUDA(cudaGetDeviceProperties(&prop, 0));
    snprintf(env->device_name, sizeof env->device_name, "%s", prop.name);
    env->cc_major = prop.major;
    env->cc_minor = prop.minor;
    env->sm_count = prop.multiProcessorCount;
    env->l2_bytes = prop.l2CacheSize;
    const unsigned char *u = (const unsigned char *)prop.uuid.bytes;
    snprintf(env->gpu_uuid, sizeof env->gpu_uuid,
             "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
    size_t free_bytes = 0, total_bytes = 0;
    WB_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes));
    env->free_mem_bytes = (double)free_bytes;
    WB_CUDA(cudaDriverGetVersion(&env->driver_version));
    WB_CUDA(cudaRuntimeGetVersion(&env->runtime_version));
    if (measure_ceiling && (measure_copy_ceiling(&env->copy_ceiling_gbps) ||
                            wb_measure_read_ceiling(&env->read_ceiling_gbps)))
        return -1;
    env->have_device = 1;
    return 1;
}

/* The kernel driver's version string ("580.159.04"), read without CUDA. */
static void read_driver_string(wb_env *env)
{
    FILE *p = popen("nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null", "r");
    if (!p)
        return;
    char line[64] = "";
    if (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\r\n")] = 0;
        snprintf(env->driver_string, sizeof env->driver_string, "%.63s", line);
    }
    pclose(p);
}

int wb_probe_device(wb_env *env, int measure_ceiling)
{
    int fds[2];
    env->have_device = 0;
    if (pipe(fds) != 0) {
        snprintf(env->no_device_reason, sizeof env->no_device_reason, "pipe: %s", strerror(errno));
        return 0;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(env->no_device_reason, sizeof env->no_device_reason, "fork: %s", strerror(errno));
        return 0;
    }
    if (pid == 0) {
        close(fds[0]);
        wb_env found = *env;
        int rc = probe_in_child(&found, measure_ceiling);
        if (rc < 0)
            snprintf(found.no_device_reason, sizeof found.no_device_reason, "%.255s",
                     wb_cuda_error);
        ssize_t w = write(fds[1], &found, sizeof found);
        _exit(w == (ssize_t)sizeof found ? 0 : 1);
    }
    close(fds[1]);
    wb_env found;
    size_t got = 0;
    struct pollfd pfd = {fds[0], POLLIN, 0};
    while (got < sizeof found && poll(&pfd, 1, PROBE_TIMEOUT_MS) > 0) {
        ssize_t r = read(fds[0], (char *)&found + got, sizeof found - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fds[0]);
    if (got < sizeof found)
        kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got < sizeof found) {
        snprintf(env->no_device_reason, sizeof env->no_device_reason, "the device probe %s",
                 WIFSIGNALED(status) ? "crashed" : "did not answer within 120 s");
        return 0;
    }
    *env = found;
    if (env->have_device)
        read_driver_string(env);
    const char *visible = getenv("CUDA_VISIBLE_DEVICES");
    snprintf(env->gpu_index, sizeof env->gpu_index, "%s", visible ? visible : "");
    return env->have_device;
}
