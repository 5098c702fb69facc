// expect: forbidden
// shapes: 1024x256
// class: copies the name list misses
// incident: issue 14, its adversarial bank graded at af409c1 (no public incident of its own)
/* Mutant for Week 0: a "copy" done by a memcpy node of a CUDA graph, built
 * with the generic cudaGraphAddNode (CUDA 12.2 and later) rather than
 * cudaGraphAddMemcpyNode, whose name the symbol check has long refused. The
 * graph runs on p->stream and the result is right. The symbol check refuses
 * every cudaGraphAdd*Node. */
#include "bank.cuh"

static int launch(const wb_problem *p)
{
    size_t bytes = bank::elements(p) * (p->dtype == WB_F32 ? 4 : 2);
    cudaGraphNodeParams node = {};
    node.type = cudaGraphNodeTypeMemcpy;
    node.memcpy.copyParams.srcPtr =
        make_cudaPitchedPtr(const_cast<void *>(p->in[0]), bytes, bytes, 1);
    node.memcpy.copyParams.dstPtr = make_cudaPitchedPtr(p->y, bytes, bytes, 1);
    node.memcpy.copyParams.extent = make_cudaExtent(bytes, 1, 1);
    node.memcpy.copyParams.kind = cudaMemcpyDeviceToDevice;

    cudaGraph_t graph;
    cudaGraphExec_t exec;
    cudaGraphNode_t copy;
    cudaError_t err = cudaGraphCreate(&graph, 0);
    if (err != cudaSuccess)
        return (int)err;
    err = cudaGraphAddNode(&copy, graph, NULL, NULL, 0, &node);
    if (err == cudaSuccess)
        err = cudaGraphInstantiate(&exec, graph, 0);
    if (err == cudaSuccess) {
        err = cudaGraphLaunch(exec, p->stream);
        cudaGraphExecDestroy(exec); /* freed once the launch completes */
    }
    cudaGraphDestroy(graph);
    return (int)err;
}

extern "C" const wb_variant wb_lesson_variants[] = {
    {"copy_by_graph_node", "copy", launch, WB_ALL_DTYPES, 0, NULL,
     "mutant: copy by a memcpy node of a CUDA graph"}};
extern "C" const int wb_lesson_variant_count = 1;
