"""Activations and the softmax family on the edges the backend suite misses: empty and rank-0
inputs, rank-6 inputs, NaN/Inf, magnitudes where a naive formula overflows (exp(1e4)), PRelu slopes
broadcast from rank 0 and rank 6, negative axes, and fully masked (-inf) softmax rows."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, check_edge, expect_onyxrt_error, with_specials

ACTIVATIONS = [
    ("Relu", {}, 14), ("LeakyRelu", {"alpha": 0.1}, 16), ("Elu", {"alpha": 0.7}, 6), ("Selu", {}, 6),
    ("Celu", {"alpha": 1.3}, 12), ("HardSigmoid", {}, 6), ("HardSwish", {}, 14), ("Mish", {}, 18),
    ("Softplus", {}, 1), ("Softsign", {}, 1), ("Gelu", {}, 20), ("Gelu", {"approximate": "tanh"}, 20),
    ("ThresholdedRelu", {"alpha": 0.5}, 10), ("Sigmoid", {}, 13), ("Tanh", {}, 13),
]
# Known NaN-dropping kernels (files owned by other areas): the test is marked expected-to-fail
# only where its input holds a NaN.
NAN_BUGS: dict[str, str] = {}  # op -> reason, for activations known to mishandle NaN (none now)
ACT_IDS = [f"{op}-{'-'.join(map(str, a.values()))}" for op, a, _ in ACTIVATIONS]
EXTREMES = np.array([NAN, INF, -INF, 1e4, -1e4, 100.0, -100.0, 88.8, -88.8, 20.0, -20.0, 1e-30, -1e-30,
                     0.0, -0.0, 3.4e38, -3.4e38], np.float32)


@pytest.mark.parametrize("op,attrs,opset", ACTIVATIONS, ids=ACT_IDS)
@pytest.mark.parametrize("shape", [(0,), (4, 0, 3), (), (2, 1, 3, 1, 2, 2)], ids=str)
def test_activation_empty_rank0_rank6(op, attrs, opset, shape, request):
    if op in NAN_BUGS and np.prod(shape) > 0:
        request.applymarker(pytest.mark.xfail(strict=True, reason=NAN_BUGS[op]))
    check_edge(helper.make_node(op, ["x"], ["y"], **attrs), {"x": with_specials(shape, seed=1)}, opset=opset,
               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op,attrs,opset", ACTIVATIONS, ids=ACT_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_extreme_values(op, attrs, opset, dtype, request):
    if op in NAN_BUGS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=NAN_BUGS[op]))
    # Compared with the reference: Softplus(1e4) is 1e4 and Mish(-1e4) is -0, not inf or NaN.
    check_edge(helper.make_node(op, ["x"], ["y"], **attrs), {"x": EXTREMES.astype(dtype)}, opset=opset,
               rtol=1e-5, atol=1e-6, oracle="ref")


@pytest.mark.parametrize("xs,ss", [((2, 1, 3, 1, 2, 2), ()), ((2, 1, 3, 1, 2, 2), (1, 1, 3, 1, 1, 2)),
                                   ((0, 3), (3,)), ((), ()), ((3, 0), (1,))], ids=str)
def test_prelu_broadcast_edges(xs, ss):
    x = with_specials(xs, seed=2)
    s = np.asarray(np.random.default_rng(3).uniform(-1, 1, ss).astype(np.float32))
    check_edge(helper.make_node("PRelu", ["x", "s"], ["y"]), {"x": x, "s": s}, opset=16)


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax", "Hardmax"])
@pytest.mark.parametrize("axis", [-1, -3, -6, 0, 5])
def test_softmax_family_rank6_axes(op, axis):
    x = np.random.default_rng(4).uniform(-3, 3, (2, 1, 3, 1, 2, 4)).astype(np.float32)
    check_edge(helper.make_node(op, ["x"], ["y"], axis=axis), {"x": x}, opset=13, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
def test_softmax_large_and_masked_rows(op):
    # Rows: huge values (stability: the reference's log(softmax) gives -inf here, so onnxruntime is
    # the oracle), all -inf (0/0 -> NaN), a NaN, mixed -inf.
    x = np.array([[1e4, 1e4 - 1, -1e4, 0.0], [-INF, -INF, -INF, -INF], [NAN, 1.0, 2.0, 3.0],
                  [-INF, 0.0, -INF, 1.0]], np.float32)
    check_edge(helper.make_node(op, ["x"], ["y"], axis=-1), {"x": x}, opset=13, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
def test_softmax_plus_inf_row_is_nan(op):
    x = np.array([[INF, 1.0, 2.0, 3.0]], np.float32)
    check_edge(helper.make_node(op, ["x"], ["y"], axis=-1), {"x": x}, opset=13)


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax", "Hardmax"])
@pytest.mark.parametrize("shape,axis", [((0, 4), -1), ((3, 0), -1), ((3, 0), 0), ((2, 0, 5), 1)], ids=str)
def test_softmax_family_zero_size(op, shape, axis):
    check_edge(helper.make_node(op, ["x"], ["y"], axis=axis), {"x": np.zeros(shape, np.float32)}, opset=13)


def test_hardmax_ties_and_inf_pick_first():
    x = np.array([[1.0, 3.0, 3.0], [-INF, -INF, -INF], [INF, INF, 0.0], [2.0, -1.0, 2.0]], np.float32)
    check_edge(helper.make_node("Hardmax", ["x"], ["y"], axis=-1), {"x": x}, opset=13)


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax", "Hardmax"])
@pytest.mark.parametrize("axis", [2, -3])
def test_softmax_axis_out_of_range_raises(op, axis):
    expect_onyxrt_error(helper.make_node(op, ["x"], ["y"], axis=axis), {"x": np.zeros((2, 3), np.float32)},
                        {"y": TensorProto.FLOAT}, opset=13)


def test_prelu_slope_not_broadcastable_raises():
    feeds = {"x": np.zeros((2, 3), np.float32), "s": np.zeros((4,), np.float32)}
    expect_onyxrt_error(helper.make_node("PRelu", ["x", "s"], ["y"]), feeds, {"y": TensorProto.FLOAT}, opset=16)


@pytest.mark.parametrize("shape", [(0, 2), (), (2, 1, 1, 1, 1, 3)], ids=str)
def test_shrink_edges(shape):
    x = with_specials(shape, seed=5)
    check_edge(helper.make_node("Shrink", ["x"], ["y"], bias=0.5, lambd=1.0), {"x": x}, opset=9)
