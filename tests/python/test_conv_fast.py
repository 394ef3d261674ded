"""Conv, com.microsoft FusedConv, MaxPool, AveragePool and GlobalAveragePool on the fast float paths
(unfold + SGEMM with fused epilogue, depthwise with fused activation, vectorized pooling) against
onnxruntime, on 1 and 2 threads; float16 Conv against onnxruntime as well."""

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

import onyxrt

RNG = np.random.default_rng(11)


def _model(nodes, inputs, initializers=(), opset=17, ms=False, elem=TensorProto.FLOAT):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, elem, None) for n in inputs],
                              [helper.make_tensor_value_info("y", elem, None)], list(initializers))
    opsets = [helper.make_opsetid("", opset)] + ([helper.make_opsetid("com.microsoft", 1)] if ms else [])
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    return model.SerializeToString()


def _run(mod, model, feeds, threads):
    so = mod.SessionOptions()
    so.intra_op_num_threads = threads
    if mod is onnxruntime:
        # Keep onnxruntime's own graph as written: the oracle must compute the node itself.
        so.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return mod.InferenceSession(model, so, providers=["CPUExecutionProvider"]).run(None, feeds)[0]


def _f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


# (x shape, w shape, attributes): ResNet/MobileNet-like layers plus ragged odd ones.
CONV_CASES = [
    ((1, 3, 33, 35), (16, 3, 7, 7), dict(strides=[2, 2], pads=[3, 3, 3, 3])),
    ((1, 16, 14, 15), (24, 16, 3, 3), dict(pads=[1, 1, 1, 1])),
    ((2, 16, 14, 15), (24, 16, 3, 3), dict(pads=[1, 0, 2, 1], strides=[2, 1])),
    ((1, 20, 9, 9), (30, 20, 1, 1), {}),
    ((1, 20, 9, 9), (30, 20, 1, 1), dict(strides=[2, 2])),
    ((1, 12, 11, 10), (12, 1, 3, 3), dict(group=12, pads=[1, 1, 1, 1])),
    ((1, 12, 11, 10), (12, 1, 3, 3), dict(group=12, pads=[1, 1, 1, 1], strides=[2, 2])),
    ((3, 12, 11, 10), (18, 4, 3, 2), dict(group=3, dilations=[2, 1], pads=[2, 1, 0, 1])),
    ((1, 5, 17), (7, 5, 3), dict(pads=[1, 2], dilations=[2])),
    ((1, 4, 5, 6, 7), (6, 4, 3, 3, 3), dict(pads=[1, 1, 1, 1, 1, 1])),
    ((1, 8, 10, 10), (8, 8, 3, 3), dict(auto_pad="SAME_UPPER")),
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_conv_matches_onnxruntime(case, threads):
    xs, ws, attrs = CONV_CASES[case]
    inits = [numpy_helper.from_array(_f32(*ws), "w"), numpy_helper.from_array(_f32(ws[0]), "b")]
    model = _model([helper.make_node("Conv", ["x", "w", "b"], ["y"], **attrs)], ["x"], inits)
    feeds = {"x": _f32(*xs)}
    np.testing.assert_allclose(_run(onyxrt, model, feeds, threads), _run(onnxruntime, model, feeds, 1),
                               rtol=1e-4, atol=1e-4)


ACTIVATIONS = [("Relu", []), ("Clip", [0.0, 6.0]), ("LeakyRelu", [0.1]), ("Sigmoid", []), ("Tanh", []),
               ("HardSigmoid", [0.2, 0.5])]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("with_z", [False, True])
@pytest.mark.parametrize("act", range(len(ACTIVATIONS)))
@pytest.mark.parametrize("case", [0, 1, 3, 5, 7])
def test_fused_conv_matches_onnxruntime(case, act, with_z, threads):
    xs, ws, attrs = CONV_CASES[case]
    name, params = ACTIVATIONS[act]
    inits = [numpy_helper.from_array(_f32(*ws), "w"), numpy_helper.from_array(_f32(ws[0]), "b")]
    inputs = ["x", "w", "b"] + (["z"] if with_z else [])
    extra = dict(activation_params=params) if params else {}
    node = helper.make_node("FusedConv", inputs, ["y"], domain="com.microsoft", activation=name, **extra, **attrs)
    x = _f32(*xs)
    feeds = {"x": x}
    if with_z:
        out_shape = _run(onnxruntime, _model([helper.make_node("Conv", ["x", "w", "b"], ["y"], **attrs)], ["x"], inits),
                         feeds, 1).shape
        feeds["z"] = _f32(*out_shape)
    model = _model([node], ["x"] + (["z"] if with_z else []), inits, ms=True)
    np.testing.assert_allclose(_run(onyxrt, model, feeds, threads), _run(onnxruntime, model, feeds, 1),
                               rtol=1e-4, atol=1e-4)


POOL_CASES = [
    ("MaxPool", (1, 8, 112, 112), dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])),
    ("MaxPool", (2, 3, 13, 17), dict(kernel_shape=[3, 2], strides=[2, 3], ceil_mode=1)),
    ("MaxPool", (1, 3, 13, 17), dict(kernel_shape=[3, 3], dilations=[2, 1], pads=[1, 0, 2, 1])),
    ("MaxPool", (1, 3, 29), dict(kernel_shape=[4], strides=[2], pads=[1, 2])),
    ("AveragePool", (1, 8, 28, 28), dict(kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])),
    ("AveragePool", (1, 8, 28, 27), dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                                         count_include_pad=1)),
    ("AveragePool", (2, 3, 13, 17), dict(kernel_shape=[2, 5], strides=[2, 3], ceil_mode=1)),
    ("GlobalAveragePool", (2, 32, 7, 9), {}),
    ("GlobalAveragePool", (1, 16, 5, 3, 2), {}),
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("case", range(len(POOL_CASES)))
def test_pool_matches_onnxruntime(case, threads):
    op, xs, attrs = POOL_CASES[case]
    model = _model([helper.make_node(op, ["x"], ["y"], **attrs)], ["x"], opset=19)
    feeds = {"x": _f32(*xs)}
    np.testing.assert_allclose(_run(onyxrt, model, feeds, threads), _run(onnxruntime, model, feeds, 1),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", [1, 5, 8])
def test_conv_float16_matches_onnxruntime(case):
    xs, ws, attrs = CONV_CASES[case]
    inits = [numpy_helper.from_array(_f32(*ws).astype(np.float16), "w")]
    model = _model([helper.make_node("Conv", ["x", "w"], ["y"], **attrs)], ["x"], inits, elem=TensorProto.FLOAT16)
    feeds = {"x": _f32(*xs).astype(np.float16)}
    got = _run(onyxrt, model, feeds, 1)
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.astype(np.float32), _run(onnxruntime, model, feeds, 1).astype(np.float32),
                               rtol=1e-2, atol=1e-2)
