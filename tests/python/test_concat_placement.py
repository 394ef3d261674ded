"""Concat without the copy (src/plan/concat_placement.h): producers whose only reader is a Concat
write straight into their slice of its output. Shown by its effect (a run that places its inputs
maps half the memory of one that cannot) and checked against onnxruntime where it applies, where
it does not, and where a producer passes a value through instead of writing a slice."""

import resource

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

import onyxrt

N = 10_000_000  # floats per branch: 40 MB, above what glibc serves from its heap: mapped afresh per run


def _branches_model(shape, axis):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Neg", ["x"], ["b"]),
             helper.make_node("Abs", ["x"], ["c"]), helper.make_node("Concat", ["a", "b", "c"], ["y"], axis=axis)]
    graph = helper.make_graph(nodes, "branches", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def _faults(run):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    run()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_placed_inputs_are_never_allocated_on_their_own():
    so = onyxrt.SessionOptions()
    so.enable_cpu_mem_arena = False  # every large buffer is mapped (and faulted in) on each run
    so.intra_op_num_threads = 1
    placed = onyxrt.InferenceSession(_branches_model([1, N], 1), so)  # one slice per input
    # The same bytes in two rows: each input's slice is split in two, so nothing is placed.
    copied = onyxrt.InferenceSession(_branches_model([2, N // 2], 1), so)
    x = np.random.default_rng(0).standard_normal(N).astype(np.float32)
    feeds_placed, feeds_copied = {"x": x.reshape(1, N)}, {"x": x.reshape(2, N // 2)}
    for s, feeds, shape in ((placed, feeds_placed, [1, N]), (copied, feeds_copied, [2, N // 2])):
        want = onnxruntime.InferenceSession(_branches_model(shape, 1), providers=["CPUExecutionProvider"]).run(None, feeds)
        np.testing.assert_array_equal(s.run(None, feeds)[0], want[0])
    placed_faults = min(_faults(lambda: placed.run(None, feeds_placed)) for _ in range(3))
    copied_faults = min(_faults(lambda: copied.run(None, feeds_copied)) for _ in range(3))
    pages = 3 * N * 4 // 4096  # the Concat's output; the copying run maps the three inputs too
    assert copied_faults > 1.8 * pages, (placed_faults, copied_faults, pages)
    assert placed_faults < 1.3 * pages, (placed_faults, copied_faults, pages)


def _fire_model(c_in, squeeze, expand, hw, tail_reads_branch):
    """SqueezeNet's fire module twice: squeeze 1x1, expand 1x1 and 3x3 side by side, Concat; the
    second module's Concat feeds a 1x1 conv. With tail_reads_branch, one expand output is also read
    by a second node (so that Concat's inputs are not placed)."""
    rng = np.random.default_rng(1)
    inits, nodes = [], []

    def conv(name, x, c, m, k):
        inits.append(numpy_helper.from_array((rng.standard_normal((m, c, k, k)) * 0.2).astype(np.float32), name + "_w"))
        inits.append(numpy_helper.from_array(rng.standard_normal(m).astype(np.float32), name + "_b"))
        nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [name + "_c"], pads=[k // 2] * 4))
        nodes.append(helper.make_node("Relu", [name + "_c"], [name]))
        return name

    cur, c = "x", c_in
    for i in range(2):
        s = conv(f"s{i}", cur, c, squeeze, 1)
        e1, e3 = conv(f"e1_{i}", s, squeeze, expand, 1), conv(f"e3_{i}", s, squeeze, expand, 3)
        nodes.append(helper.make_node("Concat", [e1, e3], [f"cat{i}"], axis=1))
        cur, c = f"cat{i}", 2 * expand
    outputs = [conv("tail", cur, c, 16, 1)]
    if tail_reads_branch:
        nodes.append(helper.make_node("Sigmoid", ["e3_1"], ["side"]))
        outputs.append("side")
    graph = helper.make_graph(nodes, "fire", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c_in, hw, hw])],
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


@pytest.mark.parametrize("c_in,squeeze,expand,hw", [(16, 8, 16, 13), (32, 16, 64, 15), (24, 12, 20, 9)])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("tail_reads_branch", [False, True])
def test_fire_modules_match_onnxruntime(c_in, squeeze, expand, hw, threads, tail_reads_branch):
    # 16/64 expands run on NCHW8c blocks; 20 channels are not whole blocks and stay NCHW.
    model = _fire_model(c_in, squeeze, expand, hw, tail_reads_branch)
    x = np.random.default_rng(2).standard_normal((1, c_in, hw, hw)).astype(np.float32)
    so = onyxrt.SessionOptions()
    so.intra_op_num_threads = threads
    got = onyxrt.InferenceSession(model, so).run(None, {"x": x})
    want = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {"x": x})
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-4)
    again = onyxrt.InferenceSession(model, so).run(None, {"x": x})  # a second run reuses the plan
    for g, a in zip(got, again):
        np.testing.assert_array_equal(g, a)


def test_pass_through_producers_and_integer_concats_match_onnxruntime():
    # b comes from a Reshape (which passes its input's buffer on rather than writing a slice), the
    # int64 Concat joins two Shape outputs, and the bool Concat two comparisons.
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 6, 4])
    nodes = [helper.make_node("Relu", ["x"], ["a"]),
             helper.make_node("Neg", ["x"], ["n"]),
             helper.make_node("Constant", [], ["shape"], value=numpy_helper.from_array(np.array([1, 6, 4], np.int64))),
             helper.make_node("Reshape", ["n", "shape"], ["b"]),
             helper.make_node("Concat", ["a", "b"], ["y"], axis=1),
             helper.make_node("Shape", ["a"], ["sa"]), helper.make_node("Shape", ["y"], ["sy"]),
             helper.make_node("Concat", ["sa", "sy"], ["shapes"], axis=0),
             helper.make_node("Greater", ["a", "b"], ["g"]), helper.make_node("Less", ["x", "a"], ["l"]),
             helper.make_node("Concat", ["g", "l"], ["flags"], axis=2)]
    outs = [helper.make_tensor_value_info(n, t, None) for n, t in
            (("y", TensorProto.FLOAT), ("shapes", TensorProto.INT64), ("flags", TensorProto.BOOL))]
    model = helper.make_model(helper.make_graph(nodes, "mixed", [x], outs),
                              opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
    feeds = {"x": np.random.default_rng(3).standard_normal((1, 6, 4)).astype(np.float32)}
    so = onyxrt.SessionOptions()
    so.graph_optimization_level = onyxrt.GraphOptimizationLevel.ORT_DISABLE_ALL  # keep the Reshape
    got = onyxrt.InferenceSession(model, so).run(None, feeds)
    want = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, feeds)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
