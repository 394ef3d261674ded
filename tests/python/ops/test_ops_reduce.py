"""The Reduce family, ArgMax/ArgMin, CumSum, TopK, Hardmax and LogSoftmax across the opsets whose
attributes or inputs differ (axes attribute -> input, noop_with_empty_axes, select_last_index,
K input, 2-D coercion before opset 13), compared with onnxruntime or the ONNX reference."""
import numpy as np
import pytest
from onnx import helper, numpy_helper

from single_node_models import assert_same, check, make_model, rand, run_onyxrt


def check_reference(node, inputs, opset, initializers=()):
    """For cases where onnxruntime departs from the ONNX spec (NaN in ReduceMax, the mean of an
    empty set), compares with the ONNX reference evaluator instead."""
    from onnx.reference import ReferenceEvaluator

    model = make_model(node, inputs, {"y": None}, opset, initializers)
    assert_same(run_onyxrt(model, inputs), ReferenceEvaluator(model).run(None, inputs))

REDUCE_OPS = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
              "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]
POSITIVE_ONLY = {"ReduceLogSum"}


def axes_input_since(op):
    return 13 if op == "ReduceSum" else 18


def reduce_case(op, x, axes, opset, keepdims=1, noop=None, rtol=1e-5):
    """Builds the node the way `opset` spells axes and compares it with the oracle."""
    attrs = dict(keepdims=keepdims)
    inputs = {"x": x}
    names = ["x"]
    inits = []
    if opset >= axes_input_since(op):
        if noop is not None:
            attrs["noop_with_empty_axes"] = noop
        if axes is not None:
            inits.append(numpy_helper.from_array(np.array(axes, np.int64), "axes"))
            names.append("axes")
    elif axes is not None:
        attrs["axes"] = axes
    node = helper.make_node(op, names, ["y"], **attrs)
    return check(node, inputs, {"y": None}, opset, initializers=inits, rtol=rtol)


def reduce_input(op, shape, dtype, seed=0):
    lo = 0.5 if op in POSITIVE_ONLY or op == "ReduceProd" else -2
    hi = 2 if op == "ReduceProd" else 3
    if np.issubdtype(np.dtype(dtype), np.integer):
        lo, hi = (1, 3) if op == "ReduceProd" else (0 if np.dtype(dtype).kind == "u" else -5, 5)
    return rand(shape, dtype, seed=seed, lo=lo, hi=hi)


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("opset", [11, 13, 18])
@pytest.mark.parametrize("axes", [None, [1], [-1, 0], [0, 1, 2]], ids=str)
@pytest.mark.parametrize("keepdims", [0, 1])
def test_reduce_float(op, opset, axes, keepdims):
    reduce_case(op, reduce_input(op, (2, 3, 4), np.float32), axes, opset, keepdims)


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.int64, np.uint32, np.uint64], ids=lambda d: np.dtype(d).name)
def test_reduce_dtypes(op, dtype):
    if np.issubdtype(np.dtype(dtype), np.integer) and op in ("ReduceLogSum", "ReduceLogSumExp", "ReduceL2", "ReduceMean"):
        pytest.skip("onnxruntime and the reference disagree on integer rounding for these")
    if dtype == np.uint32 and op == "ReduceSumSquare":
        pytest.skip("the reference evaluator returns uint64 for uint32 here (numpy promotion)")
    rtol = 2e-2 if dtype == np.float16 else 1e-5
    reduce_case(op, reduce_input(op, (3, 4, 2), dtype), [1], 18, rtol=rtol)


@pytest.mark.parametrize("op", ["ReduceMax", "ReduceMin"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.bool_], ids=lambda d: np.dtype(d).name)
def test_reduce_max_min_small_types(op, dtype):
    opset = 20 if dtype == np.bool_ else 18
    reduce_case(op, rand((3, 5), dtype, lo=-9, hi=9), [-1], opset)


@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce_rank6_negative_axes(op):
    reduce_case(op, reduce_input(op, (2, 1, 3, 1, 2, 2), np.float32), [-1, -3, 0], 18)


@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce_rank0(op):
    reduce_case(op, np.array(1.5, np.float32), None, 18)


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("keepdims", [0, 1])
def test_reduce_empty_set_gives_identity(op, keepdims):
    # Reducing a zero-size axis yields the op's identity value (ONNX opset 18 semantics); for the
    # mean that is NaN (0/0) in the reference, where onnxruntime returns 0.
    x = np.zeros((2, 0, 3), np.float32)
    if op == "ReduceMean":
        node = helper.make_node(op, ["x", "axes"], ["y"], keepdims=keepdims)
        check_reference(node, {"x": x}, 18, [numpy_helper.from_array(np.array([1], np.int64), "axes")])
    else:
        reduce_case(op, x, [1], 18, keepdims)


@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce_zero_size_kept_dim(op):
    reduce_case(op, np.zeros((0, 3), np.float32), [1], 18)


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("noop", [0, 1])
def test_reduce_empty_axes_input(op, noop):
    x = reduce_input(op, (2, 3), np.float32)
    node = helper.make_node(op, ["x", "axes"], ["y"], keepdims=1, noop_with_empty_axes=noop)
    check(node, {"x": x}, {"y": None}, axes_input_since(op) if op != "ReduceSum" else 13,
          initializers=[numpy_helper.from_array(np.array([], np.int64), "axes")])


@pytest.mark.parametrize("op", ["ReduceMax", "ReduceMin", "ReduceSum"])
def test_reduce_nan_propagates(op):
    # onnxruntime's ReduceMax/Min drop a NaN depending on its position; the reference propagates it.
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], np.float32)
    node = helper.make_node(op, ["x", "axes"], ["y"], keepdims=1)
    check_reference(node, {"x": x}, 18, [numpy_helper.from_array(np.array([1], np.int64), "axes")])


# ---- ArgMax / ArgMin --------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
@pytest.mark.parametrize("opset", [11, 12, 13])
@pytest.mark.parametrize("axis", [0, -1, 1])
@pytest.mark.parametrize("keepdims", [0, 1])
@pytest.mark.parametrize("last", [0, 1])
def test_arg_min_max(op, opset, axis, keepdims, last):
    x = rand((3, 4, 2), np.float32, lo=-2, hi=2).round()  # rounding creates ties
    attrs = dict(axis=axis, keepdims=keepdims)
    if opset >= 12:
        attrs["select_last_index"] = last
    elif last:
        pytest.skip("select_last_index is opset 12+")
    check(helper.make_node(op, ["x"], ["y"], **attrs), {"x": x}, {"y": None}, opset)


@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.int64, np.uint8, np.int8], ids=lambda d: np.dtype(d).name)
def test_arg_min_max_dtypes(op, dtype):
    check(helper.make_node(op, ["x"], ["y"], axis=1), {"x": rand((3, 5), dtype, lo=-9, hi=9)}, {"y": None}, 13)


# ---- CumSum ------------------------------------------------------------------------------------

@pytest.mark.parametrize("exclusive", [0, 1])
@pytest.mark.parametrize("reverse", [0, 1])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64], ids=lambda d: np.dtype(d).name)
def test_cumsum(exclusive, reverse, axis, dtype):
    x = rand((3, 4, 2), dtype, lo=-5, hi=5)
    node = helper.make_node("CumSum", ["x", "axis"], ["y"], exclusive=exclusive, reverse=reverse)
    check(node, {"x": x, "axis": np.array(axis, np.int32)}, {"y": None}, 14)


def test_cumsum_empty():
    node = helper.make_node("CumSum", ["x", "axis"], ["y"])
    check(node, {"x": np.zeros((0, 3), np.float32), "axis": np.array([1], np.int64)}, {"y": None}, 14)


# ---- TopK --------------------------------------------------------------------------------------

@pytest.mark.parametrize("largest", [0, 1])
@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("k", [0, 1, 3])
def test_topk(largest, axis, k):
    x = rand((3, 4, 5), np.float32, lo=-3, hi=3).round()  # ties: lower index first, as onnxruntime
    node = helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=axis, largest=largest, sorted=1)
    check(node, {"x": x, "k": np.array([k], np.int64)}, {"v": None, "i": None}, 11)


@pytest.mark.parametrize("opset", [1, 10])
def test_topk_old_opsets(opset):
    x = rand((4, 6), np.float32)
    if opset == 1:
        node = helper.make_node("TopK", ["x"], ["v", "i"], k=2)
        check(node, {"x": x}, {"v": None, "i": None}, opset)
    else:
        node = helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=0)
        check(node, {"x": x, "k": np.array([3], np.int64)}, {"v": None, "i": None}, opset)


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.int64, np.uint8, np.float16], ids=lambda d: np.dtype(d).name)
def test_topk_dtypes(dtype):
    node = helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1)
    check(node, {"x": rand((3, 7), dtype, lo=-9, hi=9), "k": np.array([4], np.int64)}, {"v": None, "i": None}, 11)


# ---- Hardmax / LogSoftmax ----------------------------------------------------------------------

@pytest.mark.parametrize("op", ["Hardmax", "LogSoftmax"])
@pytest.mark.parametrize("opset", [11, 13])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, -2])
def test_softmax_like(op, opset, axis):
    x = rand((2, 3, 4), np.float32, lo=-3, hi=3)
    attrs = {} if axis is None else dict(axis=axis)
    check(helper.make_node(op, ["x"], ["y"], **attrs), {"x": x}, {"y": None}, opset)


@pytest.mark.parametrize("op", ["Hardmax", "LogSoftmax"])
@pytest.mark.parametrize("dtype", [np.float64, np.float16], ids=lambda d: np.dtype(d).name)
def test_softmax_like_dtypes(op, dtype):
    check(helper.make_node(op, ["x"], ["y"]), {"x": rand((3, 5), dtype)}, {"y": None}, 13, rtol=1e-2)


@pytest.mark.parametrize("op", ["Hardmax", "LogSoftmax"])
def test_softmax_like_empty_and_rank6(op):
    check(helper.make_node(op, ["x"], ["y"]), {"x": np.zeros((0, 4), np.float32)}, {"y": None}, 13)
    check(helper.make_node(op, ["x"], ["y"], axis=-3), {"x": rand((2, 1, 3, 2, 2, 3), np.float32)}, {"y": None}, 13)
