"""Slice, Split, Pad, Tile, Expand, Scatter*, GatherND, GatherElements, OneHot, NonZero, Unique,
Range, Trilu, EyeLike, Compress, ConstantOfShape, DepthToSpace, SpaceToDepth, Size,
ReverseSequence and CenterCropPad across their opsets, with negative/large indices, empty tensors,
rank 0 and rank 6, compared with onnxruntime or the ONNX reference evaluator."""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from single_node_models import check, rand

DTYPES = [np.float32, np.float64, np.float16, np.int8, np.int32, np.int64, np.uint8, np.bool_, object]
INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min


def ids(v):
    return "string" if v is object else (np.dtype(v).name if isinstance(v, type) else str(v))


def data(shape, dtype, seed=0):
    if dtype is object:
        return np.array([f"s{i % 7}" for i in range(int(np.prod(shape)))], dtype=object).reshape(shape)
    return rand(shape, dtype, seed=seed, lo=-20, hi=20)


def i64(v):
    return np.array(v, np.int64)


# ---- Slice -------------------------------------------------------------------------------------

SLICES = [
    ([0, 1], [2, 3], None, None),
    ([-2], [INT64_MAX], [1], None),
    ([INT64_MAX], [INT64_MIN], [0], [-1]),
    ([5], [-10], [-1], [-2]),
    ([1, -1], [100, 0], [0, 2], [2, -1]),
    ([-100], [100], [-2], [3]),
    ([2], [1], [0], [1]),  # empty result
]


@pytest.mark.parametrize("starts,ends,axes,steps", SLICES, ids=str)
def test_slice(starts, ends, axes, steps):
    x = data((3, 4, 5), np.float32)
    feeds = {"x": x, "s": i64(starts), "e": i64(ends)}
    names = ["x", "s", "e"]
    if axes is not None:
        feeds["a"] = i64(axes)
        names.append("a")
    if steps is not None:
        if axes is None:
            names.append("")
        feeds["st"] = i64(steps)
        names.append("st")
    check(helper.make_node("Slice", names, ["y"]), feeds, {"y": None}, 13)


@pytest.mark.parametrize("dtype", DTYPES, ids=ids)
def test_slice_dtypes(dtype):
    feeds = {"x": data((4, 3), dtype), "s": i64([3, 0]), "e": i64([0, 2]), "a": i64([0, 1]), "st": i64([-1, 1])}
    check(helper.make_node("Slice", ["x", "s", "e", "a", "st"], ["y"]), feeds, {"y": None}, 13)


def test_slice_opset1_attributes():
    node = helper.make_node("Slice", ["x"], ["y"], starts=[1, -3], ends=[1000, -1], axes=[0, 2])
    check(node, {"x": data((3, 4, 5), np.float32)}, {"y": None}, 1)


def test_slice_rank6_and_empty():
    feeds = {"x": data((2, 1, 3, 1, 2, 4), np.float32), "s": i64([-1, 1]), "e": i64([INT64_MIN, 4]), "a": i64([-1, 2]),
             "st": i64([-2, 1])}
    check(helper.make_node("Slice", ["x", "s", "e", "a", "st"], ["y"]), feeds, {"y": None}, 13)
    feeds = {"x": np.zeros((0, 3), np.float32), "s": i64([1]), "e": i64([3]), "a": i64([1])}
    check(helper.make_node("Slice", ["x", "s", "e", "a"], ["y"]), feeds, {"y": None}, 13)


# ---- Split -------------------------------------------------------------------------------------

@pytest.mark.parametrize("opset", [2, 11, 13, 18])
@pytest.mark.parametrize("split", [None, [1, 3, 2]], ids=str)
@pytest.mark.parametrize("axis", [1, -1])
def test_split(opset, split, axis):
    x = data((2, 6, 6), np.float32)
    feeds, inits, names, attrs = {"x": x}, [], ["x"], dict(axis=axis)
    if split is not None:
        if opset >= 13:
            inits.append(numpy_helper.from_array(i64(split), "split"))
            names.append("split")
        else:
            attrs["split"] = split
    if opset >= 18 and split is None:
        attrs["num_outputs"] = 3
    node = helper.make_node("Split", names, ["a", "b", "c"], **attrs)
    check(node, feeds, {"a": None, "b": None, "c": None}, opset, initializers=inits)


def test_split_uneven_num_outputs():
    node = helper.make_node("Split", ["x"], ["a", "b", "c"], axis=0, num_outputs=3)
    check(node, {"x": data((7, 2), np.int64)}, {"a": None, "b": None, "c": None}, 18)


@pytest.mark.parametrize("dtype", DTYPES, ids=ids)
def test_split_dtypes(dtype):
    node = helper.make_node("Split", ["x", "split"], ["a", "b"], axis=0)
    check(node, {"x": data((5, 2), dtype), "split": i64([0, 5])}, {"a": None, "b": None}, 13)


# ---- Pad ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
@pytest.mark.parametrize("pads", [[0, 1, 2, 0, 2, 1], [1, 0, 0, 0, 0, 3], [0, -1, 1, 1, 1, 0]], ids=str)
def test_pad(mode, pads):
    opset = 19 if mode == "wrap" else 13
    x = data((2, 3, 4), np.float32)
    feeds = {"x": x, "pads": i64(pads)}
    names = ["x", "pads"]
    if mode == "constant":
        feeds["v"] = np.array(2.5, np.float32)
        names.append("v")
    check(helper.make_node("Pad", names, ["y"], mode=mode), feeds, {"y": None}, opset)


def test_pad_axes_input():
    feeds = {"x": data((2, 3, 4), np.float32), "pads": i64([1, 2, 0, 1]), "v": np.array(1.0, np.float32),
             "axes": i64([-1, 0])}
    check(helper.make_node("Pad", ["x", "pads", "v", "axes"], ["y"], mode="constant"), feeds, {"y": None}, 18)


@pytest.mark.parametrize("opset", [2, 11])
def test_pad_older_opsets(opset):
    x = data((2, 3), np.float32)
    if opset == 2:
        node = helper.make_node("Pad", ["x"], ["y"], pads=[0, 1, 1, 2], value=3.0, mode="constant")
        check(node, {"x": x}, {"y": None}, opset)
    else:
        check(helper.make_node("Pad", ["x", "pads"], ["y"], mode="reflect"), {"x": x, "pads": i64([1, 2, 1, 2])},
              {"y": None}, opset)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.int64, np.uint8, np.bool_, np.int8], ids=ids)
def test_pad_dtypes(dtype):
    feeds = {"x": data((2, 3), dtype), "pads": i64([1, 1, 0, 2])}
    check(helper.make_node("Pad", ["x", "pads"], ["y"], mode="edge"), feeds, {"y": None}, 18)


# ---- Tile / Expand -----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=ids)
def test_tile(dtype):
    check(helper.make_node("Tile", ["x", "r"], ["y"]), {"x": data((2, 3), dtype), "r": i64([2, 3])}, {"y": None}, 13)


def test_tile_zero_and_rank6():
    check(helper.make_node("Tile", ["x", "r"], ["y"]), {"x": data((2, 3), np.float32), "r": i64([0, 2])}, {"y": None}, 13)
    check(helper.make_node("Tile", ["x", "r"], ["y"]), {"x": data((1, 2, 1, 2, 1, 2), np.float32),
                                                       "r": i64([2, 1, 3, 1, 2, 1])}, {"y": None}, 13)


@pytest.mark.parametrize("shape_in,shape", [((3, 1), (2, 1, 4)), ((), (2, 3)), ((2, 3), (1,)), ((1, 3), (0, 3)),
                                            ((1, 1, 1, 1, 1, 2), (2, 1, 3, 1, 2, 1))], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.int64, object], ids=ids)
def test_expand(shape_in, shape, dtype):
    check(helper.make_node("Expand", ["x", "s"], ["y"]), {"x": data(shape_in, dtype), "s": i64(shape)}, {"y": None}, 13)


# ---- Scatter -----------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction,opset", [("none", 13), ("add", 16), ("mul", 16), ("max", 18), ("min", 18)])
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.float64], ids=ids)
def test_scatter_nd(reduction, opset, dtype):
    x = data((4, 3, 2), dtype)
    idx = i64([[1], [-1], [1]]) if reduction != "none" else i64([[1], [-1]])
    upd = data((idx.shape[0], 3, 2), dtype, seed=1)
    node = helper.make_node("ScatterND", ["x", "i", "u"], ["y"], **({} if reduction == "none" else dict(reduction=reduction)))
    check(node, {"x": x, "i": idx, "u": upd}, {"y": None}, opset)


def test_scatter_nd_full_index_and_strings():
    x = data((3, 3), object)
    node = helper.make_node("ScatterND", ["x", "i", "u"], ["y"])
    check(node, {"x": x, "i": i64([[0, 1], [2, -1]]), "u": np.array(["a", "b"], dtype=object)}, {"y": None}, 13)


@pytest.mark.parametrize("reduction,opset", [("none", 13), ("add", 16), ("mul", 16), ("max", 18), ("min", 18)])
@pytest.mark.parametrize("axis", [0, -1])
def test_scatter_elements(reduction, opset, axis):
    x = data((3, 4), np.float32)
    idx = i64([[0, -1, 2], [1, 0, 0]])
    upd = data((2, 3), np.float32, seed=2)
    attrs = dict(axis=axis)
    if reduction != "none":
        attrs["reduction"] = reduction
    check(helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], **attrs), {"x": x, "i": idx, "u": upd}, {"y": None}, opset)


def test_scatter_deprecated():
    node = helper.make_node("Scatter", ["x", "i", "u"], ["y"], axis=1)
    check(node, {"x": data((2, 3), np.float32), "i": i64([[2], [0]]), "u": data((2, 1), np.float32, 3)}, {"y": None}, 10)


# ---- GatherND / GatherElements -----------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=ids)
def test_gather_nd(dtype):
    node = helper.make_node("GatherND", ["x", "i"], ["y"])
    check(node, {"x": data((3, 4, 2), dtype), "i": i64([[[1, -1]], [[2, 0]]])}, {"y": None}, 13)


@pytest.mark.parametrize("batch_dims", [0, 1, 2])
def test_gather_nd_batch_dims(batch_dims):
    x = data((2, 3, 4), np.float32)
    idx = {0: i64([[1, 2], [0, -1]]), 1: i64([[[1], [2]], [[0], [1]]]).reshape(2, 2, 1),
           2: i64([[[1], [2], [3]], [[0], [0], [1]]])}[batch_dims]
    check(helper.make_node("GatherND", ["x", "i"], ["y"], batch_dims=batch_dims), {"x": x, "i": idx}, {"y": None}, 13)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.int64, object], ids=ids)
def test_gather_elements(axis, dtype):
    x = data((3, 4), dtype)
    idx = i64([[0, -1, 2], [1, 0, 0]]) if axis != 0 else i64([[0, -1, 2], [1, 0, 0]])
    check(helper.make_node("GatherElements", ["x", "i"], ["y"], axis=axis), {"x": x, "i": idx}, {"y": None}, 13)


# ---- OneHot / NonZero / Unique -----------------------------------------------------------------

@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("idx_dtype", [np.int64, np.float32, np.int32], ids=ids)
def test_one_hot(axis, idx_dtype):
    idx = np.array([[0, 3, -1], [2, 7, -5]], idx_dtype)
    feeds = {"i": idx, "d": np.array(5, np.int64), "v": np.array([-1.0, 2.0], np.float32)}
    check(helper.make_node("OneHot", ["i", "d", "v"], ["y"], axis=axis), feeds, {"y": None}, 11)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_, np.uint8, np.float16], ids=ids)
@pytest.mark.parametrize("shape", [(3, 4), (0, 2), (2, 1, 2, 1, 2, 2)], ids=str)
def test_non_zero(dtype, shape):
    x = rand(shape, dtype, lo=-1, hi=1)
    check(helper.make_node("NonZero", ["x"], ["y"]), {"x": x}, {"y": None}, 13)


@pytest.mark.parametrize("sorted_", [0, 1])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.int64, object], ids=ids)
def test_unique(sorted_, axis, dtype):
    if dtype is object and axis is not None:
        pytest.skip("onnxruntime has no string Unique with axis")
    base = np.array([[2, 1, 2, 1], [0, 3, 0, 3], [2, 1, 2, 1]])
    x = base.astype(object).astype(str).astype(object) if dtype is object else base.astype(dtype)
    attrs = dict(sorted=sorted_)
    if axis is not None:
        attrs["axis"] = axis
    node = helper.make_node("Unique", ["x"], ["y", "i", "inv", "c"], **attrs)
    check(node, {"x": x}, {"y": None, "i": None, "inv": None, "c": None}, 11)


# ---- Range / Trilu / EyeLike -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.int32, np.int64], ids=ids)
@pytest.mark.parametrize("sld", [(0, 10, 3), (10, 1, -2), (1, 1, 1), (5, 0, 1), (-3, 4, 2)], ids=str)
def test_range(dtype, sld):
    s, l, d = (np.array(v, dtype) for v in sld)
    check(helper.make_node("Range", ["s", "l", "d"], ["y"]), {"s": s, "l": l, "d": d}, {"y": None}, 11)


@pytest.mark.parametrize("upper", [0, 1])
@pytest.mark.parametrize("k", [None, 0, 2, -1, -10, 10])
@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 3), (0, 3)], ids=str)
def test_trilu(upper, k, shape):
    feeds, names = {"x": data(shape, np.float32)}, ["x"]
    if k is not None:
        feeds["k"] = np.array(k, np.int64)
        names.append("k")
    check(helper.make_node("Trilu", names, ["y"], upper=upper), feeds, {"y": None}, 14)


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float64, np.uint8], ids=ids)
def test_trilu_dtypes(dtype):
    check(helper.make_node("Trilu", ["x"], ["y"], upper=0), {"x": data((3, 4), dtype)}, {"y": None}, 14)


@pytest.mark.parametrize("k", [0, 1, -2, 7])
@pytest.mark.parametrize("dtype_attr", [None, TensorProto.DOUBLE, TensorProto.INT32, TensorProto.BOOL])
def test_eye_like(k, dtype_attr):
    attrs = dict(k=k)
    if dtype_attr is not None:
        attrs["dtype"] = dtype_attr
    check(helper.make_node("EyeLike", ["x"], ["y"], **attrs), {"x": data((3, 4), np.float32)}, {"y": None}, 9)


# ---- Compress / ConstantOfShape / Size ---------------------------------------------------------

@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.int64, object], ids=ids)
def test_compress(axis, dtype):
    x = data((3, 4), dtype)
    cond = np.array([True, False, True], np.bool_)
    attrs = {} if axis is None else dict(axis=axis)
    check(helper.make_node("Compress", ["x", "c"], ["y"], **attrs), {"x": x, "c": cond}, {"y": None}, 11)


@pytest.mark.parametrize("value", [None, np.array([7], np.int32), np.array([1.5], np.float64), np.array([True])], ids=str)
# [5, 7] and [3, 1001]: fills that are not powers of two (the kernel doubles its copies).
@pytest.mark.parametrize("shape", [[2, 3], [0, 4], [], [5, 7], [3, 1001]], ids=str)
def test_constant_of_shape(value, shape):
    attrs = {} if value is None else dict(value=numpy_helper.from_array(value))
    check(helper.make_node("ConstantOfShape", ["s"], ["y"], **attrs), {"s": i64(shape)}, {"y": None}, 9)


@pytest.mark.parametrize("shape", [(), (0, 3), (2, 3, 1, 1, 2, 2)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, object, np.bool_], ids=ids)
def test_size(shape, dtype):
    check(helper.make_node("Size", ["x"], ["y"]), {"x": data(shape, dtype)}, {"y": None}, 13)


# ---- DepthToSpace / SpaceToDepth / ReverseSequence / CenterCropPad -----------------------------

@pytest.mark.parametrize("mode", ["DCR", "CRD"])
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.float16, object], ids=ids)
def test_depth_to_space(mode, dtype):
    x = data((2, 8, 2, 3), dtype)
    check(helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=2, mode=mode), {"x": x}, {"y": None}, 13)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.float16], ids=ids)
def test_space_to_depth(dtype):
    check(helper.make_node("SpaceToDepth", ["x"], ["y"], blocksize=2), {"x": data((1, 3, 4, 6), dtype)}, {"y": None}, 13)


@pytest.mark.parametrize("batch_axis,time_axis", [(1, 0), (0, 1)])
def test_reverse_sequence(batch_axis, time_axis):
    shape = (4, 3, 2) if time_axis == 0 else (3, 4, 2)
    node = helper.make_node("ReverseSequence", ["x", "l"], ["y"], batch_axis=batch_axis, time_axis=time_axis)
    check(node, {"x": data(shape, np.float32), "l": i64([4, 1, 2])}, {"y": None}, 10)


@pytest.mark.parametrize("shape,axes", [([2, 5], None), ([5, 2], None), ([3], [-1]), ([7, 1], [0, 2])], ids=str)
def test_center_crop_pad(shape, axes):
    x = data((4, 3, 3), np.float32) if axes else data((4, 3), np.float32)
    attrs = {} if axes is None else dict(axes=axes)
    check(helper.make_node("CenterCropPad", ["x", "s"], ["y"], **attrs), {"x": x, "s": i64(shape)}, {"y": None}, 18)


# ---- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("op,feeds", [
    ("GatherElements", {"x": np.zeros((2, 2), np.float32), "i": i64([[0, 5]])}),
    ("GatherND", {"x": np.zeros((2, 2), np.float32), "i": i64([[3]])}),
    ("ScatterElements", {"x": np.zeros((2, 2), np.float32), "i": i64([[0, -3]]), "u": np.ones((1, 2), np.float32)}),
    ("ScatterND", {"x": np.zeros((2, 2), np.float32), "i": i64([[2]]), "u": np.ones((1, 2), np.float32)}),
])
def test_out_of_range_index_raises_naming_node(op, feeds):
    onyxrt = pytest.importorskip("onyxrt")
    from single_node_models import make_model

    node = helper.make_node(op, list(feeds), ["y"], name="bad_node")
    model = make_model(node, feeds, {"y": None}, 13)
    sess = onyxrt.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    with pytest.raises(Exception, match="bad_node"):
        sess.run(None, feeds)
