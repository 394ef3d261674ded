"""Reductions, ArgMax/ArgMin, CumSum, TopK and Einsum on the edges the backend suite misses:
zero-size reduced and kept axes with keepdims 0/1 and noop_with_empty_axes, negative axes on
rank 6, rank-0 inputs, NaN/Inf (ArgMax, TopK, ReduceLogSumExp), integer overflow, and malformed
axes that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, check_edge, const, expect_onyxrt_error, with_specials
from single_node_models import rand

REDUCE_OPS = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
              "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]


def reduce_node(op, keepdims=1, noop=None, with_axes=True):
    attrs = {"keepdims": keepdims}
    if noop is not None:
        attrs["noop_with_empty_axes"] = noop
    return helper.make_node(op, ["x", "axes"] if with_axes else ["x"], ["y"], **attrs)


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("keepdims", [0, 1])
@pytest.mark.parametrize("shape,axes", [((0, 3), [-2]), ((2, 0, 3), [0, -1]), ((2, 0), None), ((0,), [0])],
                         ids=str)
def test_reduce_zero_size(op, keepdims, shape, axes):
    # Reducing a zero-size axis yields the identity (-inf for Max, NaN for Mean, ...) per the
    # opset-18 reference; onnxruntime returns 0 for the empty mean.
    x = np.zeros(shape, np.float32)
    inits = [] if axes is None else [const("axes", axes)]
    check_edge(reduce_node(op, keepdims, with_axes=axes is not None), {"x": x}, opset=18, initializers=inits,
               oracle="ref")


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("noop", [0, 1])
def test_reduce_empty_axes_on_zero_size_input(op, noop):
    x = np.zeros((3, 0, 2), np.float32)
    check_edge(reduce_node(op, 1, noop), {"x": x}, opset=18, initializers=[const("axes", [])], oracle="ref")


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("noop", [0, 1])
def test_reduce_rank0_with_empty_axes(op, noop):
    x = np.array(2.5, np.float32)
    check_edge(reduce_node(op, 0, noop), {"x": x}, opset=18, initializers=[const("axes", [])])


@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce_nan_inf_along_axis(op):
    x = np.array([[1.0, NAN, 3.0], [INF, 5.0, 6.0], [-INF, 2.0, 1.0], [INF, -INF, 0.0], [1e18, 1e18, 1e18]],
                 np.float32)
    check_edge(reduce_node(op, 0), {"x": x}, opset=18, initializers=[const("axes", [-1])], oracle="ref",
               rtol=1e-5)


def test_reduce_log_sum_exp_large_values_stay_finite():
    x = np.array([[1e4, 1e4, 1e4], [-1e4, -1e4, -1e4], [88.0, 89.0, 90.0]], np.float32)
    check_edge(reduce_node("ReduceLogSumExp", 0), {"x": x}, opset=18, initializers=[const("axes", [-1])],
               rtol=1e-5)


@pytest.mark.parametrize("op,dtype", [("ReduceSum", np.int32), ("ReduceProd", np.int64), ("ReduceSum", np.int64)])
def test_reduce_integer_wrap_around(op, dtype):
    # Two's complement wrap-around, as numpy (the reference) computes it; onnxruntime saturates
    # some of these and wraps others.
    info = np.iinfo(dtype)
    x = np.array([[info.max, 1, 1], [info.min, -1, 0], [1 << (info.bits // 2), 1 << (info.bits // 2), 3]], dtype)
    check_edge(reduce_node(op, 1), {"x": x}, opset=18, initializers=[const("axes", [-1])], oracle="ref")


@pytest.mark.parametrize("op", ["ReduceMax", "ReduceMin"])
def test_reduce_max_min_integer_extremes(op):
    info = np.iinfo(np.int64)
    x = np.array([[info.min, info.max], [info.min, info.min], [info.max, info.max]], np.int64)
    check_edge(reduce_node(op, 0), {"x": x}, opset=18, initializers=[const("axes", [-1])])


@pytest.mark.parametrize("op", ["ReduceSum", "ReduceMax"])
@pytest.mark.parametrize("axes", [[3], [-4], [0, 0]], ids=str)
def test_reduce_bad_axes_raise(op, axes):
    expect_onyxrt_error(reduce_node(op, 1), {"x": np.zeros((2, 3, 4), np.float32)}, {"y": TensorProto.FLOAT},
                        opset=18, initializers=[const("axes", axes)])


# ---- ArgMax / ArgMin --------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
@pytest.mark.parametrize("last", [0, 1])
def test_arg_nan_inf_and_ties(op, last):
    # A NaN wins (numpy's argmax, the reference); onnxruntime's answer depends on where the NaN sits.
    x = np.array([[1.0, INF, INF, 2.0], [-INF, -INF, 0.0, -INF], [3.0, 3.0, 3.0, 3.0], [NAN, 1.0, 2.0, 0.0],
                  [1.0, NAN, 5.0, 0.0], [1.0, 5.0, NAN, NAN]], np.float32)
    check_edge(helper.make_node(op, ["x"], ["y"], axis=-1, keepdims=1, select_last_index=last), {"x": x},
               opset=13, oracle="ref")


@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
@pytest.mark.parametrize("axis", [-1, -6, 3])
@pytest.mark.parametrize("keepdims", [0, 1])
def test_arg_rank6_negative_axis(op, axis, keepdims):
    x = rand((2, 1, 3, 2, 1, 4), np.float32, seed=3)
    check_edge(helper.make_node(op, ["x"], ["y"], axis=axis, keepdims=keepdims), {"x": x}, opset=13)


@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
@pytest.mark.parametrize("keepdims", [0, 1])
def test_arg_zero_size_kept_axis(op, keepdims):
    check_edge(helper.make_node(op, ["x"], ["y"], axis=1, keepdims=keepdims), {"x": np.zeros((0, 3), np.float32)},
               opset=13)


@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
def test_arg_zero_size_reduced_axis_raises(op):
    expect_onyxrt_error(helper.make_node(op, ["x"], ["y"], axis=1), {"x": np.zeros((2, 0), np.float32)},
                        {"y": TensorProto.INT64}, opset=13)


# ---- CumSum / TopK / Einsum -------------------------------------------------------------------

@pytest.mark.parametrize("axis", [-1, -6, 2])
@pytest.mark.parametrize("exclusive,reverse", [(0, 0), (1, 1)])
def test_cumsum_rank6_nan_inf(axis, exclusive, reverse):
    x = with_specials((2, 1, 3, 1, 2, 3), seed=4)
    node = helper.make_node("CumSum", ["x", "axis"], ["y"], exclusive=exclusive, reverse=reverse)
    check_edge(node, {"x": x}, opset=14, initializers=[const("axis", axis, np.int32)], oracle="ref")


@pytest.mark.parametrize("shape,axis", [((0, 3), 0), ((2, 0), -1), ((2, 0), 0)], ids=str)
def test_cumsum_zero_size(shape, axis):
    node = helper.make_node("CumSum", ["x", "axis"], ["y"])
    check_edge(node, {"x": np.zeros(shape, np.float32)}, opset=14, initializers=[const("axis", axis)])


def test_cumsum_int32_wraps():
    info = np.iinfo(np.int32)
    x = np.array([info.max, 1, info.min, -1], np.int32)
    check_edge(helper.make_node("CumSum", ["x", "axis"], ["y"]), {"x": x}, opset=14, initializers=[const("axis", 0)])


@pytest.mark.parametrize("largest", [0, 1])
def test_topk_inf_values(largest):
    x = np.array([[1.0, INF, -INF, 2.0, INF], [-INF, -INF, 0.0, -1.0, 5.0]], np.float32)
    node = helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=-1, largest=largest)
    check_edge(node, {"x": x}, {"v": None, "i": None}, opset=11, initializers=[const("k", [3])])


@pytest.mark.parametrize("largest", [0, 1])
def test_topk_nan_ordering(largest):
    # onnxruntime orders NaN above +inf when largest=1 and below -inf... compare with it.
    x = np.array([[1.0, NAN, 3.0, -INF, 2.0], [NAN, NAN, 0.0, INF, -1.0]], np.float32)
    node = helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=-1, largest=largest)
    check_edge(node, {"x": x}, {"v": None, "i": None}, opset=11, initializers=[const("k", [3])])


@pytest.mark.parametrize("shape,k,axis", [((3, 4), 0, -1), ((0, 4), 2, -1), ((2, 1, 3, 1, 2, 5), 2, -6),
                                          ((2, 1, 3, 1, 2, 5), 5, -1)], ids=str)
def test_topk_zero_k_empty_rank6(shape, k, axis):
    x = rand(shape, np.float32, seed=5)
    node = helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=axis)
    check_edge(node, {"x": x}, {"v": None, "i": None}, opset=11, initializers=[const("k", [k])])


def test_topk_k_larger_than_axis_raises():
    node = helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=-1)
    expect_onyxrt_error(node, {"x": np.zeros((2, 3), np.float32)}, {"v": TensorProto.FLOAT, "i": TensorProto.INT64},
                        opset=11, initializers=[const("k", [4])])


@pytest.mark.parametrize("eq,shapes", [("ij,jk->ik", [(2, 0), (0, 3)]), ("ij,jk->ik", [(0, 2), (2, 3)]),
                                       ("...i,...i->...", [(2, 1, 3, 1, 2, 4), (1, 4, 1, 2, 1, 4)]),
                                       ("i,i->", [(0,), (0,)]), (",->", [(), ()])], ids=str)
def test_einsum_zero_size_rank0_rank6(eq, shapes):
    feeds = {f"x{i}": rand(s, np.float32, seed=6 + i) for i, s in enumerate(shapes)}
    check_edge(helper.make_node("Einsum", list(feeds), ["y"], equation=eq), feeds, opset=12, rtol=1e-5,
               atol=1e-6)
