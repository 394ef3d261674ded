"""com.microsoft ops on the edges the backend suite misses: empty tensors and zero batches, rank-0
and rank-6 inputs, NaN/Inf and large magnitudes in the Gelu family, rank-0 broadcasting in
QLinearAdd/QLinearMul, and bias shapes that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, check_edge, const, expect_onyxrt_error, with_specials
from single_node_models import rand

MS = {"com.microsoft": 1}
FLOAT = {"y": TensorProto.FLOAT}


def ms_node(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, domain="com.microsoft", **attrs)


# onnxruntime's FastGelu rejects rank 0, so that pair is left out.
@pytest.mark.parametrize("op,shape", [(op, shape) for op in ["Gelu", "FastGelu", "QuickGelu"]
                                      for shape in [(0, 3), (), (2, 1, 3, 1, 2, 2)] if (op, shape) != ("FastGelu", ())],
                         ids=str)
def test_gelu_family_empty_rank0_rank6(op, shape):
    check_edge(ms_node(op, ["x"], ["y"]), {"x": with_specials(shape, seed=1)}, FLOAT, domains=MS, rtol=1e-4,
               atol=1e-5)


@pytest.mark.parametrize("op", ["Gelu", "FastGelu", "QuickGelu", "BiasGelu"])
def test_gelu_family_extremes(op):
    x = np.array([NAN, INF, -INF, 1e4, -1e4, 30.0, -30.0, 0.0], np.float32)
    feeds = {"x": x}
    names = ["x"]
    if op == "BiasGelu":
        feeds = {"x": x.reshape(2, 4), "b": np.zeros(4, np.float32)}
        names = ["x", "b"]
    check_edge(ms_node(op, names, ["y"]), feeds, FLOAT, domains=MS, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", ["SkipLayerNormalization", "SkipSimplifiedLayerNormalization"])
def test_skip_layer_norm_zero_batch(op):
    feeds = {"x": np.zeros((0, 2, 4), np.float32), "k": np.zeros((0, 2, 4), np.float32),
             "g": rand((4,), np.float32, seed=5)}
    names = ["x", "k", "g"]
    if op == "SkipLayerNormalization":
        feeds["b"] = rand((4,), np.float32, seed=6)
        names.append("b")
    check_edge(ms_node(op, names, ["y"]), feeds, FLOAT, domains=MS)


@pytest.mark.parametrize("sa,sb", [((0, 3), (3, 2)), ((2, 0), (0, 3)), ((2, 1, 1, 1, 2, 3), (1, 1, 1, 2, 3, 2))],
                         ids=str)
def test_fused_matmul_zero_size_rank6(sa, sb):
    feeds = {"a": rand(sa, np.float32, seed=7), "b": rand(sb, np.float32, seed=8)}
    check_edge(ms_node("FusedMatMul", ["a", "b"], ["y"], alpha=0.5), feeds, FLOAT, domains=MS, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["QLinearAdd", "QLinearMul"])
@pytest.mark.parametrize("sa,sb", [((2, 1, 3, 1, 1, 2), ()), ((0, 3), (3,))], ids=str)
def test_qlinear_binary_broadcast_edges(op, sa, sb):
    a = np.asarray(rand(sa, np.uint8, seed=9, lo=0, hi=255))
    b = np.asarray(rand(sb, np.uint8, seed=10, lo=0, hi=255))
    node = ms_node(op, ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])
    inits = [const("as", 0.05, np.float32), const("az", 128, np.uint8), const("bs", 0.1, np.float32),
             const("bz", 3, np.uint8), const("ys", 0.2, np.float32), const("yz", 100, np.uint8)]
    check_edge(node, {"a": a, "b": b}, {"y": TensorProto.UINT8}, domains=MS, initializers=inits)


def test_bias_gelu_wrong_bias_raises():
    feeds = {"x": np.zeros((2, 4), np.float32), "b": np.zeros(3, np.float32)}
    expect_onyxrt_error(ms_node("BiasGelu", ["x", "b"], ["y"]), feeds, FLOAT, domains=MS)
