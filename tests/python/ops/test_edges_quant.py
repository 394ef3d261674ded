"""Quantization ops on the edges the backend suite misses: NaN and +-Inf inputs (saturation),
ties rounding half to even, negative axes for per-axis scales, rank-0 scales, empty tensors, an
all-zero input to DynamicQuantizeLinear, zero-size K in the integer matmuls, and scales of the
wrong length that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, check_edge, const, expect_onyxrt_error
from single_node_models import rand


@pytest.mark.parametrize("zp_dtype", [np.uint8, np.int8, np.int16, np.uint16])
def test_quantize_saturation_and_ties(zp_dtype):
    # NaN is left out: its conversion to an integer is undefined in the spec.
    x = np.array([INF, -INF, 1e30, -1e30, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 127.5, -128.5, 0.0], np.float32)
    node = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])
    check_edge(node, {"x": x}, opset=21,
               initializers=[const("s", 1.0, np.float32), const("z", 0, zp_dtype)])


@pytest.mark.parametrize("axis", [-1, -2, 1])
def test_quantize_dequantize_negative_axis(axis):
    x = rand((2, 3, 4), np.float32, seed=1)
    n = x.shape[axis]
    scales = np.linspace(0.01, 0.05, n).astype(np.float32)
    zps = np.arange(n).astype(np.uint8)
    q = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=axis)
    dq = helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], axis=axis)
    check_edge([q, dq], {"x": x}, {"q": None, "y": None}, opset=21,
               initializers=[const("s", scales, np.float32), const("z", zps, np.uint8)])


@pytest.mark.parametrize("shape", [(0,), (2, 0, 3), ()], ids=str)
def test_quantize_dequantize_empty_and_rank0(shape):
    x = rand(shape, np.float32, seed=2)
    q = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"])
    dq = helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])
    check_edge([q, dq], {"x": np.asarray(x)}, {"q": None, "y": None}, opset=13,
               initializers=[const("s", 0.1, np.float32), const("z", 3, np.int8)])


@pytest.mark.parametrize("x", [np.zeros((2, 3), np.float32), np.full((2, 2), 5.0, np.float32),
                               np.full((3,), -2.0, np.float32), np.array([1e-30, -1e-30], np.float32)],
                         ids=["zeros", "positive", "negative", "tiny"])
def test_dynamic_quantize_degenerate_ranges(x):
    # When max == min the scale is a free choice (y and the zero point are 0 either way): onyxrt
    # follows the reference's 1/255, onnxruntime gives 1.
    node = helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"])
    check_edge(node, {"x": x}, {"y": None, "s": None, "z": None}, opset=11, rtol=1e-6, oracle="ref")


@pytest.mark.parametrize("m,k,n", [(2, 0, 3), (0, 4, 3), (3, 2, 0)], ids=str)
def test_matmul_integer_zero_size(m, k, n):
    feeds = {"a": rand((m, k), np.uint8, seed=3, lo=0, hi=255), "b": rand((k, n), np.int8, seed=4, lo=-128, hi=127)}
    # The reference is the oracle: onnxruntime leaves the K=0 output uninitialized.
    check_edge(helper.make_node("MatMulInteger", ["a", "b"], ["y"]), feeds, opset=10, oracle="ref")


def test_matmul_integer_extremes_and_rank0_zero_points():
    a = np.array([[255, 0, 255], [0, 255, 128]], np.uint8)
    b = np.array([[-128, 127], [-128, -128], [127, 127]], np.int8)
    feeds = {"a": a, "b": b, "az": np.array(255, np.uint8), "bz": np.array(-128, np.int8)}
    check_edge(helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"]), feeds, opset=10)


def test_qlinear_matmul_saturates():
    a = np.array([[255, 255, 255, 255]], np.uint8)
    b = np.full((4, 2), 255, np.uint8)
    node = helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])
    inits = [const("as", 1.0, np.float32), const("az", 0, np.uint8), const("bs", 1.0, np.float32),
             const("bz", 0, np.uint8), const("ys", 1.0, np.float32), const("yz", 0, np.uint8)]
    check_edge(node, {"a": a, "b": b}, opset=10, initializers=inits)


def test_per_axis_scale_wrong_length_raises():
    node = helper.make_node("DequantizeLinear", ["x", "s"], ["y"], axis=-1)
    expect_onyxrt_error(node, {"x": np.zeros((2, 3), np.int8)}, {"y": TensorProto.FLOAT}, opset=13,
                        initializers=[const("s", [0.1, 0.2], np.float32)])


def test_quantize_nan_input_does_not_crash():
    # NaN to integer is undefined: only require a result of the right shape, or an onyxrt error.
    from edge_checks import model_for
    from single_node_models import run_onyxrt

    x = np.array([NAN, 1.0], np.float32)
    model = model_for(helper.make_node("QuantizeLinear", ["x", "s"], ["y"]), {"x": x}, {"y": None}, 13,
                      [const("s", 1.0, np.float32)])
    assert run_onyxrt(model, {"x": x})[0].shape == (2,)
