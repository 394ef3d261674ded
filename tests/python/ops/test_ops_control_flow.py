"""Control flow (If, Loop, Scan), sequences and optionals against onnxruntime, on the edges the
backend suite misses: zero iterations, conditions that stop a loop early, reversed scan
directions and non-zero scan axes, negative positions, uneven splits, empty tensors."""

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

onyxrt = pytest.importorskip("onyxrt")

F = TensorProto.FLOAT


def _run_both(nodes, inputs, outputs, feeds, initializers=(), opset=18):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    data = model.SerializeToString()
    got = onyxrt.InferenceSession(data).run(None, feeds)
    want = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"]).run(None, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, list):
            assert len(g) == len(w)
            for gi, wi in zip(g, w):
                np.testing.assert_allclose(gi, wi, rtol=1e-6)
                assert gi.shape == wi.shape
        else:
            assert np.asarray(g).shape == np.asarray(w).shape
            np.testing.assert_allclose(g, w, rtol=1e-6)
    return got


def _tensor(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


@pytest.mark.parametrize("cond", [True, False])
def test_if_branches_read_outer_scope(cond):
    then_g = helper.make_graph([helper.make_node("Add", ["x", "x"], ["t"])], "then", [], [_tensor("t", [2, 3])])
    else_g = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])], "else", [], [_tensor("e", [2, 3])])
    _run_both([helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
              [_tensor("c", [], TensorProto.BOOL), _tensor("x", [2, 3])], [_tensor("y", [2, 3])],
              {"c": np.array(cond), "x": np.arange(6, dtype=np.float32).reshape(2, 3)})


def _loop_body():
    # cond_out = acc < limit; acc += x; scan output: acc * i
    return helper.make_graph(
        [helper.make_node("Add", ["acc_in", "x"], ["acc_out"]),
         helper.make_node("ReduceSum", ["acc_out"], ["total"], keepdims=0),
         helper.make_node("Less", ["total", "limit"], ["cond_out"]),
         helper.make_node("Cast", ["i"], ["fi"], to=F),
         helper.make_node("Mul", ["acc_out", "fi"], ["scan"])],
        "body",
        [_tensor("i", [], TensorProto.INT64), _tensor("cond_in", [], TensorProto.BOOL), _tensor("acc_in", [3])],
        [_tensor("cond_out", [], TensorProto.BOOL), _tensor("acc_out", [3]), _tensor("scan", [3])],
    )


@pytest.mark.parametrize("trips,limit", [(5, 1e9), (10, 7.0), (3, -1.0)])
def test_loop_trip_count_and_condition(trips, limit):
    _run_both([helper.make_node("Loop", ["M", "c", "acc"], ["final", "scans"], body=_loop_body())],
              [_tensor("acc", [3]), _tensor("x", [3]), _tensor("limit", [])], [_tensor("final", [3]), _tensor("scans", None)],
              {"acc": np.zeros(3, np.float32), "x": np.array([1, 2, 0.5], np.float32), "limit": np.array(limit, np.float32)},
              [numpy_helper.from_array(np.array(trips, np.int64), "M"), numpy_helper.from_array(np.array(True), "c")])


def test_loop_with_zero_iterations_returns_initial_state():
    got = _run_both([helper.make_node("Loop", ["M", "", "acc"], ["final"], body=_loop_body_no_scan())],
                    [_tensor("acc", [3]), _tensor("x", [3])], [_tensor("final", [3])],
                    {"acc": np.array([4, 5, 6], np.float32), "x": np.ones(3, np.float32)},
                    [numpy_helper.from_array(np.array(0, np.int64), "M")])
    np.testing.assert_array_equal(got[0], [4, 5, 6])


def _loop_body_no_scan():
    return helper.make_graph(
        [helper.make_node("Add", ["acc_in", "x"], ["acc_out"]), helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "body",
        [_tensor("i", [], TensorProto.INT64), _tensor("cond_in", [], TensorProto.BOOL), _tensor("acc_in", [3])],
        [_tensor("cond_out", [], TensorProto.BOOL), _tensor("acc_out", [3])],
    )


@pytest.mark.parametrize("in_dir,out_dir,in_axis,out_axis", [(0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 1, 1), (1, 1, -1, -1)])
def test_scan_directions_and_axes(in_dir, out_dir, in_axis, out_axis):
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "x_t"], ["s_out"]), helper.make_node("Mul", ["s_out", "x_t"], ["y_t"])],
        "body", [_tensor("s_in", [2]), _tensor("x_t", [2])], [_tensor("s_out", [2]), _tensor("y_t", [2])])
    x = np.arange(8, dtype=np.float32).reshape(4, 2) if in_axis == 0 else np.arange(8, dtype=np.float32).reshape(2, 4)
    _run_both([helper.make_node("Scan", ["s", "x"], ["s_final", "ys"], body=body, num_scan_inputs=1,
                                scan_input_directions=[in_dir], scan_output_directions=[out_dir],
                                scan_input_axes=[in_axis], scan_output_axes=[out_axis])],
              [_tensor("s", [2]), _tensor("x", list(x.shape))], [_tensor("s_final", [2]), _tensor("ys", None)],
              {"s": np.ones(2, np.float32), "x": x})


def _seq_out(name):
    return helper.make_tensor_sequence_value_info(name, F, None)


def test_sequence_ops_with_negative_positions_and_empty_tensors():
    nodes = [
        helper.make_node("SequenceConstruct", ["a", "b"], ["s0"]),
        helper.make_node("SequenceInsert", ["s0", "e", "neg1"], ["s1"]),  # before the last element
        helper.make_node("SequenceErase", ["s1", "zero"], ["s2"]),
        helper.make_node("SequenceAt", ["s2", "neg1"], ["last"]),
        helper.make_node("SequenceLength", ["s2"], ["n"]),
    ]
    feeds = {"a": np.ones((2, 3), np.float32), "b": np.full((1, 3), 2, np.float32), "e": np.zeros((0, 3), np.float32)}
    _run_both(nodes, [_tensor("a", [2, 3]), _tensor("b", [1, 3]), _tensor("e", [0, 3])],
              [_seq_out("s2"), _tensor("last", None), _tensor("n", [], TensorProto.INT64)], feeds,
              [numpy_helper.from_array(np.array(-1, np.int64), "neg1"), numpy_helper.from_array(np.array(0, np.int64), "zero")])


@pytest.mark.parametrize("split,keepdims", [(None, 0), (None, 1), (2, 1), ([1, 0, 4], 1)])
def test_split_to_sequence_and_concat_back(split, keepdims):
    inits = []
    inputs = ["x"]
    if split is not None:
        inits.append(numpy_helper.from_array(np.array(split, np.int64), "split"))
        inputs.append("split")
    nodes = [helper.make_node("SplitToSequence", inputs, ["s"], axis=1, keepdims=keepdims),
             helper.make_node("ConcatFromSequence", ["s"], ["y"], axis=-1, new_axis=1 if keepdims == 0 else 0)]
    _run_both(nodes, [_tensor("x", [2, 5])], [_seq_out("s"), _tensor("y", None)],
              {"x": np.arange(10, dtype=np.float32).reshape(2, 5)}, inits)


def test_optional_ops():
    nodes = [helper.make_node("Optional", ["x"], ["o"]),
             helper.make_node("OptionalHasElement", ["o"], ["has"]),
             helper.make_node("OptionalGetElement", ["o"], ["y"])]
    _run_both(nodes, [_tensor("x", [2])], [_tensor("has", [], TensorProto.BOOL), _tensor("y", [2])],
              {"x": np.array([1.5, -2], np.float32)})
