"""Tensor manipulation on the edges the backend suite misses: zero-size dims (in the data, the
indices, the repeats and the pads), negative axes and indices, rank-0 inputs, rank 6, NaN kept
bit-for-bit, and indices or shapes that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import NAN, check_edge, const, expect_onyxrt_error, with_specials
from single_node_models import rand

R6 = (2, 1, 3, 1, 2, 2)


@pytest.mark.parametrize("shape,starts,ends,axes,steps", [
    ((0, 4), [0], [2], [-1], [1]),
    ((3, 4), [-1], [-5], [-1], [-1]),
    ((3, 4), [2], [1], [0], [1]),
    (R6, [-1, 0], [0, 3], [-6, -4], [-1, 2]),
], ids=str)
def test_slice_negative_and_empty(shape, starts, ends, axes, steps):
    node = helper.make_node("Slice", ["x", "s", "e", "a", "p"], ["y"])
    inits = [const("s", starts), const("e", ends), const("a", axes), const("p", steps)]
    check_edge(node, {"x": with_specials(shape, seed=1)}, opset=13, initializers=inits)


@pytest.mark.parametrize("shape,axis,split", [((0, 4), 0, None), ((3, 0), -1, [0, 0]), ((4, 3), -2, [0, 4]),
                                              (R6, -1, [1, 1])], ids=str)
def test_split_zero_size_and_negative_axis(shape, axis, split):
    names, inits = ["x"], []
    if split is not None:
        names.append("sp")
        inits.append(const("sp", split))
    outs = ["a", "b"]
    check_edge(helper.make_node("Split", names, outs, axis=axis, **({} if split else {"num_outputs": 2})),
               {"x": rand(shape, np.float32, seed=2)}, {o: None for o in outs}, opset=18, initializers=inits)


PAD_CASES = [((2, 3), [0, -1, 0, -1]), ((1, 3), [0, 2, 0, 2]), ((0, 3), [1, 0, 1, 0]),
             (R6, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1])]


# edge/reflect/wrap need a value to copy along a padded axis, so zero-size inputs pad by constant only.
@pytest.mark.parametrize("mode,shape,pads", [(m, sh, p) for m in ["constant", "edge", "reflect", "wrap"]
                                             for sh, p in PAD_CASES if m == "constant" or 0 not in sh], ids=str)
def test_pad_negative_zero_size_rank6(mode, shape, pads):
    node = helper.make_node("Pad", ["x", "p"], ["y"], mode=mode)
    check_edge(node, {"x": with_specials(shape, seed=3)}, opset=19, initializers=[const("p", pads)])


def test_pad_negative_axes_input():
    node = helper.make_node("Pad", ["x", "p", "v", "a"], ["y"])
    inits = [const("p", [1, 2, 0, 1]), const("v", NAN, np.float32), const("a", [-1, -4])]
    check_edge(node, {"x": rand((2, 3, 1, 2), np.float32, seed=4)}, opset=18, initializers=inits)


@pytest.mark.parametrize("shape,repeats", [((2, 3), [0, 2]), ((0, 3), [3, 1]), (R6, [1, 2, 1, 3, 1, 1])], ids=str)
def test_tile_zero_repeat_and_rank6(shape, repeats):
    node = helper.make_node("Tile", ["x", "r"], ["y"])
    check_edge(node, {"x": rand(shape, np.float32, seed=5)}, opset=13, initializers=[const("r", repeats)])


@pytest.mark.parametrize("shape_in,shape", [((), R6), ((0, 1), (1, 3)), ((2, 1), (0, 1, 1)), ((1,), (2, 0))],
                         ids=str)
def test_expand_rank0_and_zero_size(shape_in, shape):
    node = helper.make_node("Expand", ["x", "s"], ["y"])
    check_edge(node, {"x": with_specials(shape_in, seed=6)}, opset=13, initializers=[const("s", shape)])


@pytest.mark.parametrize("axis,indices", [(-1, [[-1, 0], [1, -2]]), (0, np.zeros((0, 2), np.int64)),
                                          (-2, np.array(-1))], ids=str)
def test_gather_negative_and_empty(axis, indices):
    node = helper.make_node("Gather", ["x", "i"], ["y"], axis=axis)
    check_edge(node, {"x": rand((3, 2), np.float32, seed=7), "i": np.array(indices, np.int64)}, opset=13)


@pytest.mark.parametrize("axis", [-1, -2])
def test_gather_elements_negative_indices(axis):
    x = rand((3, 4), np.float32, seed=8)
    i = np.array([[-1, 0, 2, -3], [0, -2, 1, 1]], np.int64)
    if axis == -1:
        i = i[:, :3]
    check_edge(helper.make_node("GatherElements", ["x", "i"], ["y"], axis=axis), {"x": x, "i": i}, opset=13)


def test_gather_nd_empty_indices_and_negative():
    x = rand((2, 3, 2), np.float32, seed=9)
    check_edge(helper.make_node("GatherND", ["x", "i"], ["y"]), {"x": x, "i": np.zeros((0, 2), np.int64)}, opset=13)
    check_edge(helper.make_node("GatherND", ["x", "i"], ["y"]), {"x": x, "i": np.array([[-1, -3], [0, 2]], np.int64)},
               opset=13)


@pytest.mark.parametrize("reduction", ["none", "add", "max", "min"])
def test_scatter_nd_empty_updates(reduction):
    x = rand((3, 2), np.float32, seed=10)
    feeds = {"x": x, "i": np.zeros((0, 1), np.int64), "u": np.zeros((0, 2), np.float32)}
    check_edge(helper.make_node("ScatterND", ["x", "i", "u"], ["y"], reduction=reduction), feeds, opset=18)


@pytest.mark.parametrize("reduction", ["none", "add", "mul"])
def test_scatter_elements_negative_axis_and_indices(reduction):
    x = rand((3, 3), np.float32, seed=11)
    feeds = {"x": x, "i": np.array([[-1, 0], [1, -3]], np.int64), "u": np.array([[NAN, 2.0], [3.0, -4.0]], np.float32)}
    check_edge(helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], axis=-1, reduction=reduction), feeds,
               opset=18)


@pytest.mark.parametrize("axis", [-1, -2, 0])
def test_one_hot_negative_axis_and_indices(axis):
    i = np.array([[0, -1, 3], [-4, 5, 2]], np.int64)  # 5 is out of range -> all off
    node = helper.make_node("OneHot", ["i", "d", "v"], ["y"], axis=axis)
    check_edge(node, {"i": i}, opset=11, initializers=[const("d", [4]), const("v", [0.0, 1.0], np.float32)])


# Rank 0 is left out: onnxruntime and the reference give shape (1, n) (numpy's legacy 0-d
# nonzero), onyxrt gives (0, n) as the spec's [rank(X), n] reads.
@pytest.mark.parametrize("shape", [(0,), (3, 0), (2, 1, 1, 1, 1, 3)], ids=str)
def test_non_zero_edges(shape):
    x = with_specials(shape, seed=12)
    check_edge(helper.make_node("NonZero", ["x"], ["y"]), {"x": x}, opset=13)


@pytest.mark.parametrize("axis", [None, -1, 0])
def test_unique_empty_and_negative_axis(axis):
    attrs = {} if axis is None else {"axis": axis}
    node = helper.make_node("Unique", ["x"], ["y", "idx", "inv", "cnt"], sorted=1, **attrs)
    outs = {"y": None, "idx": None, "inv": None, "cnt": None}
    check_edge(node, {"x": np.zeros((0, 3), np.float32) if axis != -1 else np.zeros((2, 0), np.float32)}, outs,
               opset=11)
    x = np.array([[1.0, 2.0, 1.0], [1.0, 2.0, 1.0], [3.0, -0.0, 3.0]], np.float32)
    check_edge(node, {"x": x}, outs, opset=11)


@pytest.mark.parametrize("start,limit,delta,dtype", [(5, 5, 1, np.int64), (5, 0, -2, np.int32), (0, 5, -1, np.int64),
                                                     (1.0, -1.0, -0.5, np.float32), (0.0, 1.0, 0.3, np.float64)],
                         ids=str)
def test_range_empty_and_negative_delta(start, limit, delta, dtype):
    feeds = {"s": np.array(start, dtype), "l": np.array(limit, dtype), "d": np.array(delta, dtype)}
    check_edge(helper.make_node("Range", ["s", "l", "d"], ["y"]), feeds, opset=11)


def test_range_zero_delta_raises():
    feeds = {"s": np.array(0, np.int64), "l": np.array(5, np.int64), "d": np.array(0, np.int64)}
    expect_onyxrt_error(helper.make_node("Range", ["s", "l", "d"], ["y"]), feeds, {"y": TensorProto.INT64}, opset=11)


@pytest.mark.parametrize("shape,k,upper", [((0, 3), 0, 1), ((3, 0), 1, 0), ((2, 1, 1, 1, 3, 4), -10, 1),
                                           ((2, 1, 1, 1, 3, 4), 10, 0), ((3, 4), -1, 1)], ids=str)
def test_trilu_edges(shape, k, upper):
    node = helper.make_node("Trilu", ["x", "k"], ["y"], upper=upper)
    check_edge(node, {"x": with_specials(shape, seed=13)}, opset=14, initializers=[const("k", k)])


@pytest.mark.parametrize("shape,k", [((0, 3), 0), ((2, 5), -1), ((4, 2), 3)], ids=str)
def test_eye_like_edges(shape, k):
    check_edge(helper.make_node("EyeLike", ["x"], ["y"], k=k), {"x": np.zeros(shape, np.float32)}, opset=9)


@pytest.mark.parametrize("axis,cond", [(-1, [True, False, True]), (0, []), (None, [False, True]), (-2, [])], ids=str)
def test_compress_edges(axis, cond):
    attrs = {} if axis is None else {"axis": axis}
    feeds = {"x": with_specials((2, 3), seed=14), "c": np.array(cond, np.bool_)}
    check_edge(helper.make_node("Compress", ["x", "c"], ["y"], **attrs), feeds, opset=11)


@pytest.mark.parametrize("shape", [[], [0], [2, 0, 3], [1, 1, 1, 1, 1, 2]], ids=str)
def test_constant_of_shape_edges(shape):
    node = helper.make_node("ConstantOfShape", ["s"], ["y"],
                            value=helper.make_tensor("v", TensorProto.FLOAT, [1], [np.nan]))
    check_edge(node, {"s": np.array(shape, np.int64)}, opset=9)


@pytest.mark.parametrize("shape", [(0,), (), (3, 0, 2), R6], ids=str)
def test_size_and_shape_edges(shape):
    x = np.zeros(shape, np.float32)
    check_edge(helper.make_node("Size", ["x"], ["y"]), {"x": x}, opset=13)
    check_edge(helper.make_node("Shape", ["x"], ["y"], start=-2), {"x": x}, opset=15)


@pytest.mark.parametrize("shape,target", [((0, 3), [0, 3, 1]), ((0, 3), [-1, 3]), ((2, 3), [0, -1]), ((), [1, 1, 1]),
                                          ((1,), [])], ids=str)
def test_reshape_zero_and_minus_one(shape, target):
    check_edge(helper.make_node("Reshape", ["x", "s"], ["y"]), {"x": np.zeros(shape, np.float32)}, opset=14,
               initializers=[const("s", target)])


def test_reshape_allowzero_keeps_zero():
    node = helper.make_node("Reshape", ["x", "s"], ["y"], allowzero=1)
    check_edge(node, {"x": np.zeros((0, 3), np.float32)}, opset=14, initializers=[const("s", [3, 0])])


@pytest.mark.parametrize("target,allowzero", [([3, 0], 0), ([-1, 0], 1), ([4, -1], 0)], ids=str)
def test_reshape_bad_target_raises(target, allowzero):
    # [3, 0] copies dim 1 (9 elements asked of 0); -1 beside a kept 0 is ambiguous; 4 does not divide 6.
    node = helper.make_node("Reshape", ["x", "s"], ["y"], allowzero=allowzero)
    x = np.zeros((0, 3), np.float32) if target != [4, -1] else np.zeros((2, 3), np.float32)
    expect_onyxrt_error(node, {"x": x}, {"y": TensorProto.FLOAT}, opset=14, initializers=[const("s", target)])


@pytest.mark.parametrize("op,axes,shape", [("Squeeze", [-1, -6], (1, 2, 3, 1, 2, 1)),
                                           ("Unsqueeze", [-1, 0], (0, 3)), ("Unsqueeze", [-1], ()),
                                           ("Squeeze", None, (1, 0, 1))], ids=str)
def test_squeeze_unsqueeze_negative_axes(op, axes, shape):
    names = ["x"] if axes is None else ["x", "a"]
    inits = [] if axes is None else [const("a", axes)]
    check_edge(helper.make_node(op, names, ["y"]), {"x": np.zeros(shape, np.float32)}, opset=13, initializers=inits)


def test_squeeze_non_unit_axis_raises():
    expect_onyxrt_error(helper.make_node("Squeeze", ["x", "a"], ["y"]), {"x": np.zeros((2, 3), np.float32)},
                        {"y": TensorProto.FLOAT}, opset=13, initializers=[const("a", [0])])


@pytest.mark.parametrize("axis", [-1, -6, 0, 6])
def test_flatten_rank6_axes(axis):
    check_edge(helper.make_node("Flatten", ["x"], ["y"], axis=axis), {"x": rand(R6, np.float32, seed=15)}, opset=13)


@pytest.mark.parametrize("shapes,axis", [([(0, 3), (2, 3)], 0), ([(2, 0), (2, 3)], -1), ([R6, R6], -3)], ids=str)
def test_concat_empty_and_negative_axis(shapes, axis):
    feeds = {f"x{i}": rand(s, np.float32, seed=16 + i) for i, s in enumerate(shapes)}
    check_edge(helper.make_node("Concat", list(feeds), ["y"], axis=axis), feeds, opset=13)


@pytest.mark.parametrize("perm", [None, [5, 0, 4, 1, 3, 2]], ids=str)
def test_transpose_rank6_and_empty(perm):
    attrs = {} if perm is None else {"perm": perm}
    check_edge(helper.make_node("Transpose", ["x"], ["y"], **attrs), {"x": rand(R6, np.float32, seed=18)}, opset=13)
    check_edge(helper.make_node("Transpose", ["x"], ["y"], **attrs),
               {"x": np.zeros((2, 0, 1, 3, 1, 2), np.float32)}, opset=13)


@pytest.mark.parametrize("mode", ["DCR", "CRD"])
def test_depth_to_space_empty_batch(mode):
    node = helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=2, mode=mode)
    check_edge(node, {"x": np.zeros((0, 8, 2, 3), np.float32)}, opset=13)
    check_edge(helper.make_node("SpaceToDepth", ["x"], ["y"], blocksize=2), {"x": np.zeros((0, 2, 4, 6), np.float32)},
               opset=13)


def test_reverse_sequence_zero_lengths():
    x = rand((4, 3, 2), np.float32, seed=19)
    node = helper.make_node("ReverseSequence", ["x", "l"], ["y"], batch_axis=1, time_axis=0)
    check_edge(node, {"x": x, "l": np.array([0, 1, 4], np.int64)}, opset=10)


@pytest.mark.parametrize("shape,target,axes", [((4, 3), [2], [-1]), ((0, 3), [2, 5], [-2, -1]), ((3, 3), [0, 1], None)],
                         ids=str)
def test_center_crop_pad_edges(shape, target, axes):
    attrs = {} if axes is None else {"axes": axes}
    node = helper.make_node("CenterCropPad", ["x", "s"], ["y"], **attrs)
    check_edge(node, {"x": rand(shape, np.float32, seed=20), "s": np.array(target, np.int64)}, opset=18)


@pytest.mark.parametrize("op,feeds,inits", [
    ("Gather", {"x": np.zeros((2, 2), np.float32), "i": np.array([-3], np.int64)}, []),
    ("Tile", {"x": np.zeros((2, 2), np.float32)}, [const("r", [2])]),
    ("Expand", {"x": np.zeros((2, 3), np.float32)}, [const("s", [4, 3])]),
    ("OneHot", {"i": np.array([1], np.int64)}, [const("d", [0, 1]), const("v", [0.0, 1.0], np.float32)]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_malformed_inputs_raise(op, feeds, inits):
    names = list(feeds) + [t.name for t in inits]
    out_type = TensorProto.FLOAT
    expect_onyxrt_error(helper.make_node(op, names, ["y"]), feeds, {"y": out_type}, opset=13, initializers=inits)
