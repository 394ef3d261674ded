"""The NCHW8c layout pass (src/opt/nchwc_layout.cc, level 3 = ORT_ENABLE_LAYOUT and above) and
its com.onyxrt.nchwc operators: on small CNNs built to hit each rule (chains of convolutions,
depthwise, ragged channel counts, residuals, activations, pooling, concat, readers that stay NCHW,
graph outputs inside a chain, a 3-channel first layer, batch 2), the outputs equal onnxruntime's
and the profile shows where the reorders went: one ReorderInput where a chain starts, one
ReorderOutput per value that leaves it, none below level 3 or with the pass disabled. A hand-made
blocked node with a wrong shape fails with a message that names it."""

import collections

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

import onyxrt
from cpu_flags import needs_avx2
from profiled_run import run_profiled

RNG = np.random.default_rng(5)


def _f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _w(name, cout, cin, k):
    return numpy_helper.from_array((_f32(cout, cin, k, k) / np.sqrt(cin * k * k)).astype(np.float32), name)


def _b(name, n):
    return numpy_helper.from_array(_f32(n), name)


def _model(nodes, inputs, outputs, inits):
    graph = helper.make_graph(nodes, "g", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _conv(x, w, y, k=3, stride=1, group=1, pad=None):
    p = k // 2 if pad is None else pad
    return helper.make_node("Conv", [x, w, w.replace("w", "b")], [y], kernel_shape=[k, k], strides=[stride, stride],
                            pads=[p] * 4, group=group)


def _chain(batch=1):
    """conv 3x3 -> relu -> conv 1x1 to 20 channels (ragged) -> clip -> depthwise s2 -> conv 1x1 ->
    maxpool -> global average pool -> flatten: one chain, one reorder at each end. `batch` may be a
    symbolic dim (a dynamic batch), fed 2 images."""
    nodes = [_conv("x", "w1", "c1"), helper.make_node("Relu", ["c1"], ["r1"]),
             _conv("r1", "w2", "c2", k=1), helper.make_node("Clip", ["c2", "lo", "hi"], ["r2"]),
             _conv("r2", "w3", "c3", group=20, stride=2), _conv("c3", "w4", "c4", k=1),
             helper.make_node("MaxPool", ["c4"], ["p"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("GlobalAveragePool", ["p"], ["g"]), helper.make_node("Flatten", ["g"], ["y"])]
    inits = [_w("w1", 24, 16, 3), _b("b1", 24), _w("w2", 20, 24, 1), _b("b2", 20), _w("w3", 20, 1, 3), _b("b3", 20),
             _w("w4", 32, 20, 1), _b("b4", 32), numpy_helper.from_array(np.float32(0), "lo"),
             numpy_helper.from_array(np.float32(0.5), "hi")]
    feeds = {"x": _f32(1 if batch == 1 else 2, 16, 13, 11)}
    return _model(nodes, [_vi("x", [batch, 16, 13, 11])], [_vi("y", None)], inits), feeds, ({"x"}, {"g"})


def _residual():
    """conv -> conv + add (residual) -> relu, twice (ConvAddActivationFusion makes FusedConv with
    Z), then average pooling with and without pads counted; batch 2."""
    nodes = [_conv("x", "w1", "a"), helper.make_node("Relu", ["a"], ["ra"]), _conv("ra", "w2", "b"),
             helper.make_node("Add", ["b", "x"], ["s"]), helper.make_node("Relu", ["s"], ["rs"]),
             _conv("rs", "w3", "c", k=1), helper.make_node("Add", ["c", "rs"], ["t"]),
             helper.make_node("Relu", ["t"], ["rt"]),
             helper.make_node("AveragePool", ["rt"], ["y1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("AveragePool", ["rt"], ["y2"], kernel_shape=[2, 2], pads=[1, 1, 0, 0],
                              count_include_pad=1)]
    inits = [_w("w1", 16, 16, 3), _b("b1", 16), _w("w2", 16, 16, 3), _b("b2", 16), _w("w3", 16, 16, 1), _b("b3", 16)]
    feeds = {"x": _f32(2, 16, 9, 10)}
    return _model(nodes, [_vi("x", [2, 16, 9, 10])], [_vi("y1", None), _vi("y2", None)], inits), feeds, ({"x"}, {"y1", "y2"})


def _concat_and_readers():
    """two convs concatenated along channels (8 + 16: whole blocks) into a conv, a conv output
    that is also a graph output and read by Softmax (NCHW), a 12-channel conv whose concat stays
    NCHW, and a Sigmoid conv (run as a pass after the tiles)."""
    nodes = [_conv("x", "w1", "a", k=1), _conv("x", "w2", "b"), helper.make_node("Concat", ["a", "b"], ["ab"], axis=1),
             _conv("ab", "w3", "c"), helper.make_node("Sigmoid", ["c"], ["sc"]),
             helper.make_node("Softmax", ["sc"], ["y2"], axis=1), _conv("sc", "w4", "d", k=1),
             helper.make_node("Concat", ["d", "sc"], ["y3"], axis=1)]
    inits = [_w("w1", 8, 8, 1), _b("b1", 8), _w("w2", 16, 8, 3), _b("b2", 16), _w("w3", 16, 24, 3), _b("b3", 16),
             _w("w4", 12, 16, 1), _b("b4", 12)]
    outputs = [_vi("sc", None), _vi("y2", None), _vi("y3", None)]
    # sc leaves the chain once (graph output, Softmax and the NCHW Concat share it), d once.
    return _model(nodes, [_vi("x", [1, 8, 7, 7])], outputs, inits), {"x": _f32(1, 8, 7, 7)}, ({"x"}, {"sc", "d"})


def _first_layer():
    """a 3-channel image: the first conv reads it as NCHW (padding it to 8 would nearly triple
    its work) and writes blocks, so no ReorderInput at all; a strided 1x1 and a dilated 3x3
    follow."""
    nodes = [_conv("x", "w1", "a", k=3, stride=2), helper.make_node("Relu", ["a"], ["ra"]),
             _conv("ra", "w2", "b", k=1, stride=2, pad=0),
             helper.make_node("Conv", ["b", "w3", "b3"], ["y"], kernel_shape=[3, 3], dilations=[2, 2],
                              pads=[2, 2, 2, 2])]
    inits = [_w("w1", 16, 3, 3), _b("b1", 16), _w("w2", 24, 16, 1), _b("b2", 24), _w("w3", 8, 24, 3), _b("b3", 8)]
    return _model(nodes, [_vi("x", [1, 3, 29, 31])], [_vi("y", None)], inits), {"x": _f32(1, 3, 29, 31)}, (set(), {"y"})


def _bn(name, c):
    scale, bias = _f32(c), _f32(c)
    mean, var = _f32(c), (np.abs(_f32(c)) + 0.1).astype(np.float32)
    return [numpy_helper.from_array(a, f"{name}_{k}") for k, a in
            (("s", scale), ("b", bias), ("m", mean), ("v", var))]


def _batch_norm():
    """DenseNet's pattern: BatchNormalization after a pool and after a Concat (ConvBNFusion cannot
    fold those), each followed by an activation, all in blocks: the normalizations become 1x1
    depthwise blocked convs that apply the Relu / Clip as they store. A third one after a conv
    folds into it at level 1; that conv's output is also a graph output, so its Relu stays a
    separate (blocked) node."""
    bn = lambda x, name, y, eps=1e-5: helper.make_node("BatchNormalization", [x] + [f"{name}_{k}" for k in "sbmv"],
                                                       [y], epsilon=eps)
    nodes = [_conv("x", "w1", "a"), helper.make_node("MaxPool", ["a"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             bn("p", "bn1", "n1"), helper.make_node("Relu", ["n1"], ["r1"]), _conv("r1", "w2", "c", k=1),
             helper.make_node("Concat", ["p", "c"], ["pc"], axis=1), bn("pc", "bn2", "n2", 1e-3),
             helper.make_node("Clip", ["n2", "lo", "hi"], ["r2"]), _conv("r2", "w3", "d"),
             bn("d", "bn3", "n3"), helper.make_node("Relu", ["n3"], ["y"])]
    inits = ([_w("w1", 16, 16, 3), _b("b1", 16), _w("w2", 8, 16, 1), _b("b2", 8), _w("w3", 16, 24, 3), _b("b3", 16),
              numpy_helper.from_array(np.float32(0), "lo"), numpy_helper.from_array(np.float32(0.5), "hi")]
             + _bn("bn1", 16) + _bn("bn2", 24) + _bn("bn3", 16))
    outputs = [_vi("y", None), _vi("n3", None)]
    return _model(nodes, [_vi("x", [1, 16, 12, 10])], outputs, inits), {"x": _f32(1, 16, 12, 10)}, ({"x"}, {"y", "n3"})


def _grouped():
    """grouped convolutions whose groups hold whole blocks (2 groups of 16 -> 24, 3 groups of
    16 -> 8 as a 1x1 with a residual) run blocked, one call per group and image (batch 2); a group
    of 12 channels stays NCHW."""
    nodes = [_conv("x", "w1", "a"), _conv("a", "w2", "b", group=2), helper.make_node("Relu", ["b"], ["rb"]),
             _conv("rb", "w3", "c", k=1, group=3), helper.make_node("Add", ["c", "z"], ["s"]),
             helper.make_node("Relu", ["s"], ["y"]), _conv("s", "w4", "y2", group=2)]
    inits = [_w("w1", 32, 16, 3), _b("b1", 32), _w("w2", 48, 16, 3), _b("b2", 48), _w("w3", 24, 16, 1), _b("b3", 24),
             _w("w4", 8, 12, 3), _b("b4", 8)]
    feeds = {"x": _f32(2, 16, 11, 9), "z": _f32(2, 24, 11, 9)}
    model = _model(nodes, [_vi("x", [2, 16, 11, 9]), _vi("z", [2, 24, 11, 9])], [_vi("y", None), _vi("y2", None)],
                   inits)
    return model, feeds, ({"x", "z"}, {"y", "s"})


def _shuffle_unit():
    """ShuffleNet's unit: grouped 1x1 convolutions whose groups are not whole blocks (NCHW), a
    channel shuffle, and between them a depthwise 3x3 with an NCHW input: it stays NCHW (a
    ReorderInput and a ReorderOutput around it would cost as much as it does), so nothing is
    reordered."""
    nodes = [_conv("x", "w1", "a", k=1, group=4), helper.make_node("Relu", ["a"], ["ra"]),
             helper.make_node("Reshape", ["ra", "s5"], ["r5"]),
             helper.make_node("Transpose", ["r5"], ["t5"], perm=[0, 2, 1, 3, 4]),
             helper.make_node("Reshape", ["t5", "s4"], ["sh"]), _conv("sh", "w2", "d", group=32),
             _conv("d", "w3", "y", k=1, group=4)]
    inits = [_w("w1", 32, 6, 1), _b("b1", 32), _w("w2", 32, 1, 3), _b("b2", 32), _w("w3", 24, 8, 1), _b("b3", 24),
             numpy_helper.from_array(np.array([1, 4, 8, 14, 14], np.int64), "s5"),
             numpy_helper.from_array(np.array([1, 32, 14, 14], np.int64), "s4")]
    return _model(nodes, [_vi("x", [1, 24, 14, 14])], [_vi("y", None)], inits), {"x": _f32(1, 24, 14, 14)}, (set(), set())


CASES = {"chain": _chain, "shuffle_unit": _shuffle_unit, "grouped": _grouped, "residual": _residual, "concat_and_readers": _concat_and_readers,
         "first_layer": _first_layer, "batch_norm": _batch_norm, "dynamic_batch": lambda: _chain("batch")}


def _run(model, feeds, level, disabled=None, tmp_path=None):
    out, events = run_profiled(model, feeds, level, disabled, tmp_path)
    nodes = [e for e in events if e["name"].endswith("_kernel_time")]
    ops = collections.Counter(e["args"]["op_name"] for e in nodes)
    return out, ops, {e["name"][: -len("_kernel_time")] for e in nodes}


def _expected(model, feeds):
    return onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, feeds)


@needs_avx2
@pytest.mark.parametrize("level", [onyxrt.GraphOptimizationLevel.ORT_ENABLE_LAYOUT,
                                   onyxrt.GraphOptimizationLevel.ORT_ENABLE_ALL])
@pytest.mark.parametrize("case", sorted(CASES))
def test_blocked_chains_match_onnxruntime_with_reorders_only_at_their_ends(case, level, tmp_path):
    model, feeds, (reordered_in, reordered_out) = CASES[case]()
    got, ops, names = _run(model, feeds, level, tmp_path=tmp_path)
    # The reorders are named after the value they convert: which values enter and leave blocks.
    assert {n[: -len("_reorder_input")] for n in names if n.endswith("_reorder_input")} == reordered_in, ops
    assert {n[: -len("_reorder_output")] for n in names if n.endswith("_reorder_output")} == reordered_out, ops
    assert ops["ReorderInput"] == len(reordered_in) and ops["ReorderOutput"] == len(reordered_out), ops
    for e, g in zip(_expected(model, feeds), got):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


@needs_avx2
def test_batch_norm_and_its_activation_become_one_blocked_conv(tmp_path):
    model, feeds, _ = _batch_norm()
    _, plain_ops, _ = _run(model, feeds, onyxrt.GraphOptimizationLevel.ORT_ENABLE_EXTENDED, tmp_path=tmp_path)
    _, ops, _ = _run(model, feeds, onyxrt.GraphOptimizationLevel.ORT_ENABLE_LAYOUT, tmp_path=tmp_path)
    assert plain_ops["BatchNormalization"] == 2 and ops["BatchNormalization"] == 0, (plain_ops, ops)
    assert ops["Conv"] == plain_ops["Conv"] + plain_ops["FusedConv"] + 2, (plain_ops, ops)
    assert ops["Relu"] == 1 and ops["Clip"] == 0, ops  # the Relu of a graph output stays


@pytest.mark.parametrize("case", sorted(CASES))
def test_below_level_3_or_disabled_nothing_is_blocked(case, tmp_path):
    model, feeds, _ = CASES[case]()
    expected = _expected(model, feeds)
    for level, disabled in [(onyxrt.GraphOptimizationLevel.ORT_ENABLE_EXTENDED, None),
                            (onyxrt.GraphOptimizationLevel.ORT_ENABLE_ALL, "NchwcTransformer")]:
        got, ops, _ = _run(model, feeds, level, disabled=disabled, tmp_path=tmp_path)
        assert ops["ReorderInput"] == 0 and ops["ReorderOutput"] == 0, (level, ops)
        for e, g in zip(expected, got):
            np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


def _hand_made(x_channels):
    conv = helper.make_node("Conv", ["x", "w"], ["y"], domain="com.onyxrt.nchwc", name="blocked_conv",
                            kernel_shape=[1, 1])
    graph = helper.make_graph([conv], "g", [_vi("x", [1, x_channels, 4, 4])], [_vi("y", None)], [_w("w", 8, 16, 1)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.onyxrt.nchwc", 1)])
    model.ir_version = 8
    return model.SerializeToString()


def test_a_hand_made_blocked_conv_checks_its_input():
    ok = onyxrt.InferenceSession(_hand_made(16))
    x = _f32(1, 16, 4, 4)
    assert ok.run(None, {"x": x})[0].shape == (1, 8, 4, 4)
    with pytest.raises(Exception, match="blocked_conv.*multiple of 8"):
        onyxrt.InferenceSession(_hand_made(12)).run(None, {"x": _f32(1, 12, 4, 4)})
    with pytest.raises(Exception, match="blocked_conv.*rounded up to 8"):
        onyxrt.InferenceSession(_hand_made(24)).run(None, {"x": _f32(1, 24, 4, 4)})
