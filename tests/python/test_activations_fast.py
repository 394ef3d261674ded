"""Float activations, Softmax/LogSoftmax and the layer norms on their vectorized paths against
onnxruntime, on 1 and 3 threads: ragged sizes (not multiples of the vector width), empty tensors,
NaN/Inf inputs, tensors large enough to split across threads, and the optional outputs of the
norms (Mean, InvStdDev, input_skip_bias_sum)."""

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper

import onyxrt

RNG = np.random.default_rng(41)
FLOAT = TensorProto.FLOAT
MS = "com.microsoft"

SHAPES = [(0,), (7,), (3, 70), (2, 5, 33), (4, 0, 9), (96, 1000)]


def _model(node, n_inputs, opset=17, ms=False, n_outputs=1, names=None):
    names = names or [f"x{i}" for i in range(n_inputs)]
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info(n, FLOAT, None) for n in names if n],
        [helper.make_tensor_value_info(o, FLOAT, None) for o in node.output if o])
    imports = [helper.make_opsetid("", opset)] + ([helper.make_opsetid(MS, 1)] if ms else [])
    model = helper.make_model(graph, opset_imports=imports)
    model.ir_version = 8 if opset < 21 else 10
    return model.SerializeToString()


def _run(mod, model, feeds, threads):
    so = mod.SessionOptions()
    so.intra_op_num_threads = threads
    if mod is onnxruntime:
        so.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return mod.InferenceSession(model, so, providers=["CPUExecutionProvider"]).run(None, feeds)


def _f32(shape, scale=3.0, specials=True):
    x = (RNG.standard_normal(shape) * scale).astype(np.float32)
    if specials and x.size:
        flat = x.reshape(-1)
        picks = RNG.integers(0, flat.size, size=max(1, flat.size // 20))
        flat[picks] = RNG.choice(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 30.0, -30.0, 100.0, -100.0],
                                          np.float32), size=picks.size)
    return x


def _compare(model, feeds, rtol=1e-5, atol=1e-6):
    for threads in (1, 3):
        got = _run(onyxrt, model, feeds, threads)
        want = _run(onnxruntime, model, feeds, threads)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


UNARY = [
    ("Exp", {}, 17, False), ("Tanh", {}, 17, False), ("Erf", {}, 17, False), ("Sigmoid", {}, 17, False),
    ("Relu", {}, 17, False), ("LeakyRelu", {"alpha": 0.1}, 17, False),
    ("HardSigmoid", {"alpha": 0.3, "beta": 0.4}, 17, False), ("HardSwish", {}, 17, False),
    ("Elu", {"alpha": 0.7}, 17, False), ("Clip", {"min": -1.5, "max": 2.0}, 6, False), ("Clip", {}, 6, False),
    ("Gelu", {}, 20, False), ("Gelu", {"approximate": "tanh"}, 20, False),
    ("Gelu", {}, 17, True), ("FastGelu", {}, 17, True), ("QuickGelu", {"alpha": 1.3}, 17, True),
]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("op,attrs,opset,ms", UNARY, ids=lambda v: str(v) if not isinstance(v, dict) else "")
def test_unary_matches_onnxruntime(op, attrs, opset, ms, shape):
    node = helper.make_node(op, ["x0"], ["y"], domain=MS if ms else "", **attrs)
    _compare(_model(node, 1, opset, ms), {"x0": _f32(shape)})


@pytest.mark.parametrize("shape", [(3, 70), (2, 5, 33), (96, 1000), (0, 8)], ids=str)
@pytest.mark.parametrize("bounds", [(-1.0, 1.0), (2.0, -2.0), (None, 0.5), (-0.5, None)], ids=str)
def test_clip_inputs_matches_onnxruntime(shape, bounds):
    names = ["x0", "lo" if bounds[0] is not None else "", "hi" if bounds[1] is not None else ""]
    node = helper.make_node("Clip", names, ["y"])
    feeds = {"x0": _f32(shape)}
    for name, v in zip(names[1:], bounds):
        if name:
            feeds[name] = np.array(v, np.float32)
    _compare(_model(node, 3, 13, names=names), feeds)


@pytest.mark.parametrize("shape", [(3, 70), (2, 5, 33), (64, 768), (0, 12)], ids=str)
@pytest.mark.parametrize("op", ["FastGelu", "BiasGelu"])
def test_gelu_with_bias_matches_onnxruntime(op, shape):
    node = helper.make_node(op, ["x0", "x1"], ["y"], domain=MS)
    feeds = {"x0": _f32(shape), "x1": _f32(shape[-1:], specials=False)}
    _compare(_model(node, 2, 17, True), feeds)


@pytest.mark.parametrize("shape,axis,opset", [((3, 70), -1, 13), ((2, 5, 33), -1, 13), ((64, 12, 128), -1, 13),
                                              ((2, 5, 33), 1, 11), ((4, 9, 6), 1, 13), ((1,), 0, 13),
                                              ((0, 7), -1, 13), ((5, 1000), 1, 13)], ids=str)
@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
def test_softmax_matches_onnxruntime(op, shape, axis, opset):
    x = _f32(shape, scale=5.0, specials=False)
    if x.size > 10:
        x.reshape(-1)[3] = -np.inf  # masked position, as attention masks write
    node = helper.make_node(op, ["x0"], ["y"], axis=axis)
    _compare(_model(node, 1, opset), {"x0": x}, rtol=1e-5, atol=1e-6)


NORM_SHAPES = [(3, 70), (2, 5, 33), (4, 128, 768), (0, 16), (2, 1)]


@pytest.mark.parametrize("shape", NORM_SHAPES, ids=str)
@pytest.mark.parametrize("with_bias", [True, False])
def test_layer_norm_matches_onnxruntime(shape, with_bias):
    names = ["x0", "x1", "x2" if with_bias else ""]
    node = helper.make_node("LayerNormalization", names, ["y", "mean", "inv"], axis=-1, epsilon=1e-5)
    feeds = {"x0": _f32(shape, specials=False), "x1": _f32(shape[-1:], specials=False)}
    if with_bias:
        feeds["x2"] = _f32(shape[-1:], specials=False)
    _compare(_model(node, 3, 17, names=names), feeds, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shape", NORM_SHAPES, ids=str)
def test_simplified_layer_norm_matches_onnxruntime(shape):
    node = helper.make_node("SimplifiedLayerNormalization", ["x0", "x1"], ["y", "inv"], axis=-1, epsilon=1e-6)
    feeds = {"x0": _f32(shape, specials=False), "x1": _f32(shape[-1:], specials=False)}
    _compare(_model(node, 2, 17), feeds, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shape,skip_shape", [((2, 5, 33), (2, 5, 33)), ((4, 128, 768), (4, 128, 768)),
                                              ((3, 7, 70), (7, 70)), ((0, 4, 16), (0, 4, 16))], ids=str)
@pytest.mark.parametrize("simplified", [False, True])
@pytest.mark.parametrize("with_bias", [False, True])
def test_skip_layer_norm_matches_onnxruntime(shape, skip_shape, simplified, with_bias):
    h = shape[-1]
    if simplified:
        names = ["x0", "x1", "x2", "x4" if with_bias else ""]
        op = "SkipSimplifiedLayerNormalization"
    else:
        names = ["x0", "x1", "x2", "x3", "x4" if with_bias else ""]
        op = "SkipLayerNormalization"
    node = helper.make_node(op, names, ["y", "mean", "inv", "sum"], domain=MS, epsilon=1e-5)
    feeds = {"x0": _f32(shape, specials=False), "x1": _f32(skip_shape, specials=False),
             "x2": _f32((h,), specials=False)}
    if not simplified:
        feeds["x3"] = _f32((h,), specials=False)
    if with_bias:
        feeds["x4"] = _f32((h,), specials=False)
    _compare(_model(node, 5, 17, True, names=names), feeds, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shape", NORM_SHAPES, ids=str)
def test_rms_norm_matches_onnxruntime(shape):
    node = helper.make_node("RMSNormalization", ["x0", "x1"], ["y"], axis=-1, epsilon=1e-5)
    feeds = {"x0": _f32(shape, specials=False), "x1": _f32(shape[-1:], specials=False)}
    try:
        _run(onnxruntime, _model(node, 2, 23), feeds, 1)
    except Exception as e:  # noqa: BLE001 - older onnxruntime builds lack opset 23
        pytest.skip(f"onnxruntime cannot run RMSNormalization: {e}")
    _compare(_model(node, 2, 23), feeds, rtol=1e-4, atol=1e-5)
