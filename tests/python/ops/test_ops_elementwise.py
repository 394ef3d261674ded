"""Add/Sub/Mul/Div (numpy broadcasting, every numeric type), Relu/Sigmoid/Tanh, compared with
onnxruntime (or the onnx reference evaluator where onnxruntime has no kernel)."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from single_node_models import check, make_model, rand, run_onyxrt

BINARY_OPS = ["Add", "Sub", "Mul", "Div"]
NUMERIC = [np.float32, np.float64, np.float16, np.int8, np.int16, np.int32, np.int64,
           np.uint8, np.uint16, np.uint32, np.uint64]
SHAPES = [
    ((2, 3), (2, 3)),
    ((2, 1, 3), (4, 1)),
    ((), (3, 2)),
    ((5,), ()),
    ((), ()),
    ((2, 3, 1, 4, 1, 2), (3, 1, 5, 2)),  # rank 6
    ((1, 1, 1, 1, 1, 7), (2, 1, 3, 1, 2, 1)),
    ((0, 3), (1, 3)),  # zero-size dim
    ((2, 0, 1), (3,)),
]


def binary_inputs(op, dtype, sa, sb):
    a = rand(sa, dtype, seed=1, lo=0 if np.dtype(dtype).kind == "u" else -9, hi=9)
    b = rand(sb, dtype, seed=2, lo=1, hi=5)  # nonzero divisors; unsigned Sub may wrap like numpy
    if op == "Div" and np.dtype(dtype).kind == "f":
        b = np.asarray(b + 0.5, dtype=dtype)
    return a, b


@pytest.mark.parametrize("op", BINARY_OPS)
@pytest.mark.parametrize("dtype", NUMERIC, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_binary_broadcasting(op, dtype, shapes):
    a, b = binary_inputs(op, dtype, *shapes)
    rtol = 1e-3 if dtype == np.float16 else 1e-5  # one float16 ulp
    check(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b}, {"y": None}, opset=14, rtol=rtol)


@pytest.mark.parametrize("op", BINARY_OPS)
@pytest.mark.parametrize("opset", [7, 13])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint32, np.uint64],
                         ids=lambda d: np.dtype(d).name)
def test_binary_older_opsets(op, opset, dtype):
    a, b = binary_inputs(op, dtype, (3, 1, 4), (2, 1))
    check(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b}, {"y": None}, opset=opset)


def test_integer_div_truncates_toward_zero():
    a = np.array([-7, 7, -7, 7, -1, 0], np.int64)
    b = np.array([2, -2, -2, 2, 3, -5], np.int64)
    check(helper.make_node("Div", ["a", "b"], ["y"]), {"a": a, "b": b}, {"y": None}, opset=14)


@pytest.mark.parametrize("op", BINARY_OPS)
def test_binary_bfloat16_through_cast(op):
    """numpy has no bfloat16: cast in and out inside the model."""
    a, b = binary_inputs(op, np.float32, (3, 4), (4,))
    nodes = [
        helper.make_node("Cast", ["a"], ["a16"], to=TensorProto.BFLOAT16),
        helper.make_node("Cast", ["b"], ["b16"], to=TensorProto.BFLOAT16),
        helper.make_node(op, ["a16", "b16"], ["y16"]),
        helper.make_node("Cast", ["y16"], ["y"], to=TensorProto.FLOAT),
    ]
    check(nodes, {"a": a, "b": b}, {"y": None}, opset=14, rtol=1e-2)


@pytest.mark.parametrize("op,fn", [("Add", np.add), ("Mul", np.multiply), ("Sub", np.subtract)])
def test_legacy_broadcast_attribute(op, fn):
    """Opset 6 broadcast=1 aligns B with A at `axis`; onnxruntime has no opset-6 kernel, so the
    oracle is numpy on B reshaped to that alignment."""
    a = rand((2, 3, 4, 5), np.float32, seed=3)
    b = rand((3, 4), np.float32, seed=4)
    model = make_model(helper.make_node(op, ["a", "b"], ["y"], broadcast=1, axis=1), {"a": a, "b": b},
                       {"y": TensorProto.FLOAT}, opset=6)
    (got,) = run_onyxrt(model, {"a": a, "b": b})
    np.testing.assert_allclose(got, fn(a, b.reshape(1, 3, 4, 1)), rtol=1e-6)


UNARY_TYPES = {
    "Relu": [np.float32, np.float64, np.float16, np.int8, np.int16, np.int32, np.int64],
    "Sigmoid": [np.float32, np.float64, np.float16],
    "Tanh": [np.float32, np.float64, np.float16],
}


@pytest.mark.parametrize("op,dtype", [(op, t) for op, ts in UNARY_TYPES.items() for t in ts],
                         ids=lambda v: v if isinstance(v, str) else np.dtype(v).name)
@pytest.mark.parametrize("shape", [(), (0, 3), (2, 3, 1, 2, 1, 3), (1000,)], ids=str)
def test_unary(op, dtype, shape):
    x = rand(shape, dtype, seed=5, lo=-20, hi=20)
    # float16 results are compared at half precision.
    rtol = 1e-3 if dtype == np.float16 else 1e-5
    # onnxruntime's Sigmoid flushes outputs below ~1e-7 (sigmoid(-20) = 2e-9 comes back as 0);
    # onyxrt keeps them, so tiny values are compared with an absolute tolerance.
    atol = 1e-7 if op == "Sigmoid" else 0.0
    check(helper.make_node(op, ["x"], ["y"]), {"x": x}, {"y": None}, opset=14 if op == "Relu" else 13, rtol=rtol, atol=atol)


@pytest.mark.parametrize("op", ["Relu", "Sigmoid", "Tanh"])
@pytest.mark.parametrize("opset", [6, 13])
def test_unary_older_opsets(op, opset):
    x = rand((4, 5), np.float32, seed=6)
    check(helper.make_node(op, ["x"], ["y"]), {"x": x}, {"y": None}, opset=opset)
