"""Control flow and sequences on the edges the backend suite misses: Loop with zero iterations
(trip count 0, or cond false on entry) whose scan outputs are empty, If branches yielding empty
tensors, Scan along negative axes, negative axes and positions in the sequence ops, splits of
zero-size tensors, and out-of-range positions that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import check_edge, const, expect_onyxrt_error
from single_node_models import rand

F = TensorProto.FLOAT


def loop_body():
    """Body: carried c -> c + 1 and a scan output of c * 2."""
    one = helper.make_node("Constant", [], ["one"], value=helper.make_tensor("v", F, [], [1.0]))
    add = helper.make_node("Add", ["c_in", "one"], ["c_out"])
    dbl = helper.make_node("Add", ["c_in", "c_in"], ["s"])
    cond = helper.make_node("Identity", ["cond_in"], ["cond_out"])
    return helper.make_graph(
        [one, add, dbl, cond], "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []), helper.make_tensor_value_info("c_in", F, [2])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("c_out", F, [2]),
         helper.make_tensor_value_info("s", F, [2])])


@pytest.mark.parametrize("trips,cond", [(0, True), (3, False), (2, True)], ids=str)
def test_loop_zero_iterations(trips, cond):
    node = helper.make_node("Loop", ["m", "c", "x"], ["y", "scan"], body=loop_body())
    feeds = {"m": np.array(trips, np.int64), "c": np.array(cond), "x": rand((2,), np.float32, seed=1)}
    check_edge(node, feeds, {"y": F, "scan": F}, opset=16)


def test_if_branches_with_empty_tensors():
    def branch(name, shape):
        c = helper.make_node("Constant", [], ["o"], value=helper.make_tensor("v", F, shape, []))
        return helper.make_graph([c], name, [], [helper.make_tensor_value_info("o", F, None)])

    node = helper.make_node("If", ["c"], ["y"], then_branch=branch("t", [0, 3]), else_branch=branch("e", [2, 0]))
    for c in (True, False):
        check_edge(node, {"c": np.array(c)}, {"y": F}, opset=16)


# A zero-length scan has no oracle: onnxruntime refuses to slice it and the reference rejects it.
@pytest.mark.parametrize("seq_len", [1, 3])
def test_scan_negative_axes(seq_len):
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "x_t"], ["s_out"]), helper.make_node("Identity", ["s_out"], ["y_t"])], "b",
        [helper.make_tensor_value_info("s_in", F, [2]), helper.make_tensor_value_info("x_t", F, [2])],
        [helper.make_tensor_value_info("s_out", F, [2]), helper.make_tensor_value_info("y_t", F, [2])])
    node = helper.make_node("Scan", ["s", "x"], ["sf", "ys"], body=body, num_scan_inputs=1, scan_input_axes=[-2],
                            scan_output_axes=[-1])
    feeds = {"s": rand((2,), np.float32, seed=2), "x": rand((seq_len, 2), np.float32, seed=3)}
    check_edge(node, feeds, {"sf": F, "ys": F}, opset=16)


@pytest.mark.parametrize("axis,keepdims,split", [(-1, 1, None), (-2, 0, None), (0, 1, [0, 2, 1]), (-1, 1, [4])],
                         ids=str)
def test_split_to_sequence_then_concat(axis, keepdims, split):
    x = rand((3, 4), np.float32, seed=4)
    names = ["x"] + (["sp"] if split else [])
    inits = [const("sp", split)] if split else []
    if split and axis == -1 and split == [4]:
        inits = [const("sp", 4)]  # a scalar split: chunks of 4
    nodes = [helper.make_node("SplitToSequence", names, ["seq"], axis=axis, keepdims=keepdims),
             helper.make_node("ConcatFromSequence", ["seq"], ["y"], axis=axis, new_axis=0 if keepdims else 1),
             helper.make_node("SequenceLength", ["seq"], ["n"])]
    check_edge(nodes, {"x": x}, {"y": F, "n": TensorProto.INT64}, opset=16, initializers=inits)


def test_split_to_sequence_zero_size():
    nodes = [helper.make_node("SplitToSequence", ["x"], ["seq"], axis=-1),
             helper.make_node("SequenceLength", ["seq"], ["n"]),
             helper.make_node("ConcatFromSequence", ["seq"], ["y"], axis=0)]
    check_edge(nodes, {"x": np.zeros((0, 2), np.float32)}, {"n": TensorProto.INT64, "y": F}, opset=16)


@pytest.mark.parametrize("pos", [-1, -2, 0, 2])
def test_sequence_at_erase_insert_negative_positions(pos):
    feeds = {"a": rand((2,), np.float32, seed=5), "b": rand((3,), np.float32, seed=6), "c": rand((0,), np.float32)}
    nodes = [helper.make_node("SequenceConstruct", ["a", "b", "c"], ["seq"]),
             helper.make_node("SequenceAt", ["seq", "p"], ["at"]),
             helper.make_node("SequenceErase", ["seq", "p"], ["er"]),
             helper.make_node("SequenceInsert", ["er", "a", "p"], ["ins"]),
             helper.make_node("ConcatFromSequence", ["ins"], ["y"], axis=-1),
             helper.make_node("SequenceLength", ["er"], ["n"])]
    check_edge(nodes, {**feeds}, {"at": F, "y": F, "n": TensorProto.INT64}, opset=16,
               initializers=[const("p", pos)])


def test_concat_from_sequence_new_axis_negative():
    feeds = {"a": rand((2, 3), np.float32, seed=7), "b": rand((2, 3), np.float32, seed=8)}
    nodes = [helper.make_node("SequenceConstruct", ["a", "b"], ["seq"]),
             helper.make_node("ConcatFromSequence", ["seq"], ["y"], axis=-1, new_axis=1)]
    check_edge(nodes, feeds, {"y": F}, opset=16)


def test_sequence_empty_length_and_optional():
    nodes = [helper.make_node("SequenceEmpty", [], ["seq"], dtype=F),
             helper.make_node("SequenceLength", ["seq"], ["n"]),
             helper.make_node("Optional", [], ["opt"], type=helper.make_tensor_type_proto(F, [2])),
             helper.make_node("OptionalHasElement", ["opt"], ["has"])]
    check_edge(nodes, {}, {"n": TensorProto.INT64, "has": TensorProto.BOOL}, opset=18)


@pytest.mark.parametrize("op,pos", [("SequenceAt", 2), ("SequenceAt", -3), ("SequenceErase", 5)])
def test_out_of_range_position_raises(op, pos):
    feeds = {"a": np.zeros(2, np.float32), "b": np.zeros(2, np.float32)}
    tail = [helper.make_node(op, ["seq", "p"], ["y"])]
    if op == "SequenceErase":
        tail = [helper.make_node(op, ["seq", "p"], ["s2"]), helper.make_node("SequenceLength", ["s2"], ["y"])]
    nodes = [helper.make_node("SequenceConstruct", ["a", "b"], ["seq"])] + tail
    out = TensorProto.INT64 if op == "SequenceErase" else F
    expect_onyxrt_error(nodes, feeds, {"y": out}, opset=16, initializers=[const("p", pos)])
