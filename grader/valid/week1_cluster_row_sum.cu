// expect: pass
// flags: --time
// class: unusual but right
// why: cudaLaunchKernelEx with thread block clusters; blocks add through distributed shared memory
/* Valid kernel for Week 1: a row sum by a cluster of four blocks a row,
 * launched with cudaLaunchKernelEx and a cluster-dimension attribute. Each
 * block sums a quarter of the row (interleaved by block rank) into its own
 * shared memory; the cluster's first block reads the other three totals
 * through distributed shared memory (map_shared_rank) and writes the row's
 * sum. On a GPU without clusters (before sm_90) the launcher asks for none,
 * and each row is one block. The grader must pass it for every shape and
 * dtype. */
#include <cooperative_groups.h>

#include "bank.cuh"

namespace
{

namespace cg = cooperative_groups;
constexpr unsigned kClusterBlocks = 4;

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
#define HAVE_CLUSTERS 1
#else
#define HAVE_CLUSTERS 0
#endif

template <class T>
__global__ void row_sum_by_cluster(const T *__restrict__ x, T *__restrict__ y, long cols)
{
    __shared__ float block_total;
    unsigned blocks = 1, rank = 0;
#if HAVE_CLUSTERS
    cg::cluster_group cluster = cg::this_cluster();
    blocks = cluster.num_blocks();
    rank = cluster.block_rank();
#endif
    const long row = blockIdx.x / blocks;
    const T *in = x + row * cols;
    float acc = 0.0f;
    for (long j = (long)rank * blockDim.x + threadIdx.x; j < cols; j += (long)blocks * blockDim.x)
        acc += bank::to_float(in[j]);
    acc = bank::block_allreduce(acc, bank::Sum());
    if (threadIdx.x == 0)
        block_total = acc;
#if HAVE_CLUSTERS
    cluster.sync(); /* every block's total is written and visible to the cluster */
    if (rank == 0 && threadIdx.x == 0) {
        float sum = 0.0f;
        for (unsigned b = 0; b < blocks; b++)
            sum += *cluster.map_shared_rank(&block_total, b);
        y[row] = bank::from_float<T>(sum);
    }
    cluster.sync(); /* no block leaves while its shared memory may still be read */
#else
    if (threadIdx.x == 0)
        y[row] = bank::from_float<T>(acc);
#endif
}

} // namespace

static int launch(const wb_problem *p)
{
    int clusters = 0;
    cudaError_t err = bank::device_attribute(cudaDevAttrClusterLaunch, &clusters);
    if (err != cudaSuccess)
        return (int)err;
    const unsigned blocks_a_row = clusters ? kClusterBlocks : 1;
    if (p->rows * blocks_a_row > 0x7fffffffL)
        return WB_UNSUPPORTED;

    cudaLaunchAttribute cluster;
    cluster.id = cudaLaunchAttributeClusterDimension;
    cluster.val.clusterDim.x = blocks_a_row;
    cluster.val.clusterDim.y = 1;
    cluster.val.clusterDim.z = 1;
    cudaLaunchConfig_t config = {};
    config.gridDim = dim3((unsigned)(p->rows * blocks_a_row));
    config.blockDim = dim3(bank::kThreads);
    config.stream = p->stream;
    config.attrs = &cluster;
    config.numAttrs = clusters ? 1 : 0;
    return bank::by_element_type(p->dtype, [p, &config](auto element) {
        using T = decltype(element);
        return (int)cudaLaunchKernelEx(&config, row_sum_by_cluster<T>, (const T *)p->in[0],
                                       (T *)p->y, p->cols);
    });
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"row_sum_cluster", "row_sum", launch, WB_ALL_DTYPES, 0, NULL,
     "valid: four-block clusters a row, totals through distributed shared memory"}};
extern "C" const int wb_lesson_variant_count = 1;
