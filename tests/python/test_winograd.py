"""Winograd F(4x4, 3x3) behind the NCHW8c Conv (src/kernels/conv_winograd.cc): chains of 3x3
stride-1 convolutions with enough channels (bias, residual Add, Relu, ragged channel counts,
pads 1 and 0, batch 2) equal onnxruntime's outputs; with session.disable_prepacking the same model
runs the direct tiles (Winograd needs its filters transformed at session creation), and the two
results differ in their last bits, which shows that a different algorithm ran."""

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

import onyxrt
from cpu_flags import needs_avx2

RNG = np.random.default_rng(9)


def _model(channels, size, pads, batch):
    """x -> conv3x3 -> relu -> conv3x3 (+ x) -> relu -> conv3x3 -> y, channels[i] -> channels[i + 1]."""
    c0, c1, c2, c3 = channels
    inits, nodes = [], []

    def conv(name, x, cin, cout, out):
        w = (RNG.standard_normal((cout, cin, 3, 3)) / np.sqrt(9 * cin)).astype(np.float32)
        inits.append(numpy_helper.from_array(w, name + "_w"))
        inits.append(numpy_helper.from_array(RNG.standard_normal(cout).astype(np.float32), name + "_b"))
        nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [out], pads=[pads] * 4))

    s1 = size + 2 * pads - 2
    s2 = s1 + 2 * pads - 2
    conv("a", "x", c0, c1, "a")
    nodes.append(helper.make_node("Relu", ["a"], ["ar"]))
    conv("b", "ar", c1, c2, "b")
    if pads == 1 and c2 == c0:
        nodes.append(helper.make_node("Add", ["b", "x"], ["bs"]))
    else:
        nodes.append(helper.make_node("Identity", ["b"], ["bs"]))
    nodes.append(helper.make_node("Relu", ["bs"], ["br"]))
    conv("c", "br", c2, c3, "y")
    s3 = s2 + 2 * pads - 2
    graph = helper.make_graph(nodes, "winograd", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, c0, size, size])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, c3, s3, s3])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


@needs_avx2
@pytest.mark.parametrize(
    "channels,size,pads,batch",
    [((64, 64, 64, 64), 28, 1, 1), ((40, 72, 40, 56), 21, 1, 2), ((48, 96, 64, 32), 30, 0, 1)],
)
def test_winograd_chain_matches_onnxruntime_and_differs_from_the_direct_tiles(channels, size, pads, batch):
    model = _model(channels, size, pads, batch)
    x = RNG.standard_normal((batch, channels[0], size, size)).astype(np.float32)
    want = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    got = onyxrt.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    so = onyxrt.SessionOptions()
    so.add_session_config_entry("session.disable_prepacking", "1")
    direct = onyxrt.InferenceSession(model, so, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    scale = float(np.max(np.abs(want)))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * scale)
    np.testing.assert_allclose(direct, want, rtol=1e-4, atol=1e-5 * scale)
    assert not np.array_equal(got, direct), "the prepacked session should have run Winograd, not the direct tiles"
