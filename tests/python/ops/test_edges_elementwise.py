"""Element-wise math, comparison, logic and bitwise ops on the edges the backend suite misses:
empty tensors and zero-size dims under broadcasting, rank-0 against rank-6, NaN/Inf operands,
integer wrap-around, and shapes that cannot broadcast."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, check_edge, const, expect_onyxrt_error, with_specials
from single_node_models import rand

BROADCAST_SHAPES = [
    ((0, 3), (1, 3)),
    ((2, 0, 1), (1, 4)),
    ((), (0,)),
    ((), (2, 1, 3, 1, 2, 1)),
    ((2, 1, 3, 1, 2, 1), ()),
    ((2, 1, 3, 1, 2, 1), (1, 4, 1, 2, 1, 3)),
    ((1, 1, 1, 1, 1, 0), (3, 1, 1, 1, 2, 1)),
]
ARITH = ["Add", "Sub", "Mul", "Div"]


@pytest.mark.parametrize("op", ARITH + ["Pow", "Max", "Min", "Sum", "Mean"])
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_binary_float_broadcast_edges(op, shapes):
    a = with_specials(shapes[0], seed=1)
    b = with_specials(shapes[1], seed=2)
    if op == "Pow":
        a, b = np.asarray(np.abs(a)), np.asarray(np.round(b))
    check_edge(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b})


@pytest.mark.parametrize("op", ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"])
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_comparison_broadcast_edges(op, shapes):
    a = with_specials(shapes[0], seed=3)
    b = with_specials(shapes[1], seed=4)
    check_edge(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b})


@pytest.mark.parametrize("op", ["And", "Or", "Xor"])
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_logical_broadcast_edges(op, shapes):
    a, b = rand(shapes[0], np.bool_, seed=5), rand(shapes[1], np.bool_, seed=6)
    check_edge(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b})


@pytest.mark.parametrize("op", ["BitwiseAnd", "BitwiseOr", "BitwiseXor"])
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES[2:5], ids=str)
def test_bitwise_broadcast_edges(op, shapes):
    a, b = rand(shapes[0], np.int32, seed=7, lo=-100, hi=100), rand(shapes[1], np.int32, seed=8, lo=-100, hi=100)
    check_edge(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b})


@pytest.mark.parametrize("op", ARITH)
def test_nan_inf_arithmetic(op):
    specials = np.array([NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 3.4e38, 1e-45], np.float32)
    a, b = np.meshgrid(specials, specials)
    check_edge(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b}, oracle="ref")


@pytest.mark.parametrize("op", ["Max", "Min"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_max_min_nan_propagates(op, dtype):
    # NaN in either position wins, as in numpy.fmax's counterpart numpy.maximum (the reference).
    a = np.array([NAN, 1.0, NAN, -INF, INF, 2.0], dtype)
    b = np.array([1.0, NAN, NAN, 0.0, NAN, -INF], dtype)
    check_edge(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b}, oracle="ref")


@pytest.mark.parametrize("op,fn", [("Add", np.add), ("Sub", np.subtract), ("Mul", np.multiply)])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.int64, np.uint64])
def test_integer_wrap_around(op, fn, dtype):
    info = np.iinfo(dtype)
    a = np.array([info.max, info.min, info.max, info.min, 7], dtype)
    b = np.array([1, 1, info.max, info.max, 0], dtype)
    check_edge(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b})


@pytest.mark.parametrize("op", ["Abs", "Neg", "Sqrt", "Exp", "Log", "Reciprocal", "Floor", "Ceil", "Round",
                                "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Tanh",
                                "Asinh", "Acosh", "Atanh", "Erf", "IsNaN", "IsInf", "Sigmoid"])
@pytest.mark.parametrize("shape", [(0,), (3, 0, 2), (), (2, 1, 3, 1, 2, 1)], ids=str)
def test_unary_empty_rank0_rank6(op, shape):
    x = with_specials(shape, seed=9, lo=-0.9, hi=0.9)
    check_edge(helper.make_node(op, ["x"], ["y"]), {"x": x}, rtol=1e-5, atol=1e-7, oracle="ref")


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_round_half_to_even_and_large(dtype):
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1e7 + 0.5, -0.0, NAN, INF, -INF], dtype)
    check_edge(helper.make_node("Round", ["x"], ["y"]), {"x": x}, oracle="ref")


@pytest.mark.parametrize("op", ["Exp", "Log", "Sqrt", "Reciprocal", "Tanh", "Sigmoid", "Erf"])
def test_unary_extreme_magnitudes(op):
    x = np.array([1e-45, 1e-38, 88.7, 89.0, 1e4, -1e4, -88.0, -104.0, 3.4e38], np.float32)
    if op in ("Log", "Sqrt"):
        x = np.abs(x)
    check_edge(helper.make_node(op, ["x"], ["y"]), {"x": x}, rtol=1e-5, atol=1e-30, oracle="ref")


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_abs_neg_integer_min(dtype):
    # |INT_MIN| and -INT_MIN wrap to INT_MIN in two's complement, as onnxruntime computes them.
    x = np.array([np.iinfo(dtype).min, -1, 0, np.iinfo(dtype).max], dtype)
    for op in ("Abs", "Neg"):
        check_edge(helper.make_node(op, ["x"], ["y"]), {"x": x})


def test_clip_nan_and_inf():
    x = np.array([NAN, INF, -INF, -2.0, 0.5, 2.0, -0.0], np.float32)
    node = helper.make_node("Clip", ["x", "lo", "hi"], ["y"])
    check_edge(node, {"x": x}, initializers=[const("lo", -1.0, np.float32), const("hi", 1.0, np.float32)],
               oracle="ref")


@pytest.mark.parametrize("shape", [(0,), (), (2, 0, 3)], ids=str)
def test_clip_empty_and_rank0(shape):
    x = with_specials(shape, seed=10)
    node = helper.make_node("Clip", ["x", "lo", "hi"], ["y"])
    check_edge(node, {"x": x}, initializers=[const("lo", -1.0, np.float32), const("hi", 1.0, np.float32)])


def test_clip_min_above_max_gives_max():
    # ONNX Clip: "when min is greater than max, all values are set to max".
    x = np.array([-5.0, 0.0, 5.0], np.float32)
    node = helper.make_node("Clip", ["x", "lo", "hi"], ["y"])
    check_edge(node, {"x": x}, initializers=[const("lo", 2.0, np.float32), const("hi", 1.0, np.float32)],
               oracle="ref")


def test_clip_integer_extremes():
    info = np.iinfo(np.int64)
    x = np.array([info.min, -1, 0, info.max], np.int64)
    node = helper.make_node("Clip", ["x", "lo"], ["y"])
    check_edge(node, {"x": x}, initializers=[const("lo", info.min + 1)])


def test_fmod_zero_inf_nan_divisor():
    a = np.array([5.0, -5.0, INF, NAN, 3.0, -3.0, 0.0], np.float32)
    b = np.array([0.0, INF, 2.0, 2.0, -INF, NAN, 1.0], np.float32)
    check_edge(helper.make_node("Mod", ["a", "b"], ["y"], fmod=1), {"a": a, "b": b}, oracle="ref")


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integer_mod_sign_follows_divisor_with_extremes(dtype):
    info = np.iinfo(dtype)
    a = np.array([info.min, info.max, -7, 7, info.min], dtype)
    b = np.array([3, -3, info.max, info.min, 1], dtype)
    check_edge(helper.make_node("Mod", ["a", "b"], ["y"]), {"a": a, "b": b})


def test_pow_special_values():
    base = np.array([0.0, 0.0, -0.0, NAN, 1.0, -1.0, -2.0, INF, -INF, 2.0, 0.5], np.float32)
    expo = np.array([0.0, -1.0, -1.0, 0.0, NAN, INF, 0.5, -1.0, 3.0, 200.0, -200.0], np.float32)
    check_edge(helper.make_node("Pow", ["a", "b"], ["y"]), {"a": base, "b": expo}, oracle="ref")


@pytest.mark.parametrize("shapes", [((), (2, 1, 3, 1, 2, 1), (1, 4, 1, 1, 1, 1)), ((0, 1), (1, 3), ()),
                                    ((2, 1, 1, 1, 1, 3), (), (1, 1, 1, 1, 2, 1))], ids=str)
def test_where_rank0_rank6_empty(shapes):
    c = rand(shapes[0], np.bool_, seed=11)
    a, b = with_specials(shapes[1], seed=12), with_specials(shapes[2], seed=13)
    check_edge(helper.make_node("Where", ["c", "a", "b"], ["y"]), {"c": c, "a": a, "b": b})


@pytest.mark.parametrize("op", ["Max", "Min", "Sum", "Mean"])
def test_variadic_three_inputs_rank0_rank6(op):
    feeds = {"a": with_specials((), seed=14), "b": with_specials((2, 1, 3, 1, 2, 1), seed=15),
             "c": with_specials((1, 2, 1, 1, 1, 2), seed=16)}
    check_edge(helper.make_node(op, list(feeds), ["y"]), feeds)


@pytest.mark.parametrize("op", ["Max", "Min", "Sum", "Mean"])
def test_variadic_single_empty_input(op):
    check_edge(helper.make_node(op, ["a"], ["y"]), {"a": np.zeros((0, 3), np.float32)})


@pytest.mark.parametrize("op", ["BitShift"])
def test_bitshift_rank0_and_empty(op):
    a = np.array([1, 2, 255], np.uint8)
    check_edge(helper.make_node(op, ["a", "b"], ["y"], direction="LEFT"), {"a": a, "b": np.array(3, np.uint8)})
    check_edge(helper.make_node(op, ["a", "b"], ["y"], direction="RIGHT"),
               {"a": np.zeros((0, 2), np.uint32), "b": np.array([1, 2], np.uint32)})


@pytest.mark.parametrize("op", ["Add", "Equal", "And", "Where"])
def test_incompatible_broadcast_raises(op):
    dtype = np.bool_ if op == "And" else np.float32
    feeds = {"a": np.zeros((2, 3), dtype), "b": np.zeros((4,), dtype)}
    names = list(feeds)
    if op == "Where":
        feeds = {"c": np.zeros((2, 3), np.bool_), **feeds}
        names = ["c", "a", "b"]
    out_type = TensorProto.BOOL if op in ("Equal", "And") else TensorProto.FLOAT
    expect_onyxrt_error(helper.make_node(op, names, ["y"]), feeds, {"y": out_type})
