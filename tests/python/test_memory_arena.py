"""enable_cpu_mem_arena and the run option memory.enable_memory_arena_shrinkage, shown by their
effect on page faults: with the arena, a steady-state run reuses the blocks the previous run freed
and faults in (almost) no fresh pages; without it, or right after a run that shrank the arena,
each large intermediate tensor is mapped and faulted in again. The intermediates here are 40 MB,
above the size glibc's malloc ever serves from its heap, so the system path always maps them."""

import resource

import numpy as np
import onnxruntime
from onnx import TensorProto, helper

import onyxrt

N = 10_000_000  # floats: 40 MB per tensor
PAGES = N * 4 // 4096


def _model():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [N])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Neg", ["a"], ["b"]),
             helper.make_node("Relu", ["b"], ["c"]), helper.make_node("Sigmoid", ["c"], ["d"]),
             helper.make_node("ReduceSum", ["d"], ["y"], keepdims=0)]
    graph = helper.make_graph(nodes, "arena", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def _faults(run):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    run()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _session(arena):
    so = onyxrt.SessionOptions()
    so.enable_cpu_mem_arena = arena
    so.intra_op_num_threads = 1
    so.graph_optimization_level = onyxrt.GraphOptimizationLevel.ORT_DISABLE_ALL  # keep every node
    return onyxrt.InferenceSession(_model(), so)


def test_arena_runs_fault_in_no_fresh_pages_and_match_onnxruntime():
    feeds = {"x": np.random.default_rng(0).standard_normal(N).astype(np.float32)}
    want = onnxruntime.InferenceSession(_model(), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
    with_arena, without = _session(True), _session(False)
    for s in (with_arena, without):
        np.testing.assert_allclose(s.run(None, feeds)[0], want, rtol=1e-4)
    arena_faults = min(_faults(lambda: with_arena.run(None, feeds)) for _ in range(3))
    system_faults = min(_faults(lambda: without.run(None, feeds)) for _ in range(3))
    # Three 40 MB intermediates are faulted in on every run without the arena.
    assert system_faults > 2 * PAGES, system_faults
    assert arena_faults < PAGES // 4, (arena_faults, system_faults)


def test_run_option_shrinkage_gives_the_blocks_back():
    feeds = {"x": np.ones(N, np.float32)}
    s = _session(True)
    s.run(None, feeds)
    steady = min(_faults(lambda: s.run(None, feeds)) for _ in range(2))
    shrink = onyxrt.RunOptions()
    shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    s.run(None, feeds, shrink)  # the blocks this run freed are released when it returns
    after_shrink = _faults(lambda: s.run(None, feeds))
    assert steady < PAGES // 4 and after_shrink > 2 * PAGES, (steady, after_shrink)
