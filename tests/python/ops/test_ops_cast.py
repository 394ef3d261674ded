"""Cast between every numeric type, bool and string (float16 in numpy, bfloat16 through a round
trip), compared with onnxruntime. float8, float4 and packed int types are checked bit for bit in
test_ops_cast_losses_misc.py."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from single_node_models import check, make_model, run_onyxrt

NUMERIC = [np.float32, np.float64, np.float16, np.int8, np.int16, np.int32, np.int64,
           np.uint8, np.uint16, np.uint32, np.uint64, np.bool_]


def sample(dtype):
    """Values every target can represent exactly or by a defined rounding (no out-of-range
    float->int, which ONNX leaves undefined)."""
    base = np.array([0, 1, 2, 7, 100, 3, 0, 5, 120, 9, 1, 64], dtype=np.float64).reshape(3, 4)
    if np.dtype(dtype).kind == "f":
        base = base + np.array([0, 0.25, 0.5, 0.75])  # truncation toward zero on float->int
    if np.dtype(dtype).kind in "fi":
        base[1] = -base[1]
    return base.astype(dtype)


@pytest.mark.parametrize("src", NUMERIC, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("dst", NUMERIC, ids=lambda d: np.dtype(d).name)
def test_cast_numeric_pairs(src, dst):
    x = sample(src)
    if np.dtype(dst).kind == "u" and np.dtype(src).kind in "fi":
        x = np.abs(x)  # negative float -> unsigned is undefined
    to = helper.np_dtype_to_tensor_dtype(np.dtype(dst))
    check(helper.make_node("Cast", ["x"], ["y"], to=to), {"x": x}, {"y": None}, opset=13)


@pytest.mark.parametrize("opset", [6, 9, 13, 19, 21])
def test_cast_opsets(opset):
    x = sample(np.float32)
    check(helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT32), {"x": x}, {"y": None}, opset=opset)


@pytest.mark.parametrize("src", [np.float32, np.float64, np.float16, np.int8, np.int64, np.uint64, np.bool_],
                         ids=lambda d: np.dtype(d).name)
def test_cast_to_string(src):
    x = sample(src)
    if np.dtype(src).kind == "f":
        x = np.concatenate([x.ravel(), np.array([np.nan, np.inf, -np.inf, 1e20, 1 / 3, 1e-7, -0.0], src)])
    check(helper.make_node("Cast", ["x"], ["y"], to=TensorProto.STRING), {"x": x}, {"y": None}, opset=13)


@pytest.mark.parametrize("dst", [np.float32, np.float64, np.float16, np.int8, np.int32, np.int64, np.uint8,
                                 np.uint64], ids=lambda d: np.dtype(d).name)
def test_cast_from_string(dst):
    words = ["1", " 2", "+4", "-3", "007", "12abc"]
    if np.dtype(dst).kind == "f":
        words += ["1.5", "3e2", "nan", "-INF", "inf", "  -7.25", "1e-3"]
    if np.dtype(dst).kind == "u":
        words = [w for w in words if not w.startswith("-")]
    x = np.array(words, dtype=object)
    to = helper.np_dtype_to_tensor_dtype(np.dtype(dst))
    check(helper.make_node("Cast", ["x"], ["y"], to=to), {"x": x}, {"y": None}, opset=13)


def test_cast_string_to_string_and_empty():
    x = np.array([["a", ""], ["ü", "x y"]], dtype=object)
    check(helper.make_node("Cast", ["x"], ["y"], to=TensorProto.STRING), {"x": x}, {"y": None}, opset=13)
    e = np.zeros((0, 3), np.float32)
    check(helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT64), {"x": e}, {"y": None}, opset=13)


@pytest.mark.parametrize("via", [TensorProto.BFLOAT16, TensorProto.FLOAT16])
def test_cast_half_round_trip(via):
    x = np.random.default_rng(0).normal(size=(64,)).astype(np.float32) * 1000
    nodes = [helper.make_node("Cast", ["x"], ["h"], to=via), helper.make_node("Cast", ["h"], ["y"], to=TensorProto.FLOAT)]
    check(nodes, {"x": x}, {"y": None}, opset=13)
