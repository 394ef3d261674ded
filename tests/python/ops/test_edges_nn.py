"""Neural-network ops on the edges the backend suite misses: a zero batch, negative axes
(LayerNormalization, RMSNormalization, LpNormalization, Resize axes), constant inputs whose variance
is 0, NaN/Inf inputs, zero boxes in NonMaxSuppression, and shapes that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, check_edge, const, expect_onyxrt_error, with_specials
from single_node_models import rand


def f32(a):
    return np.asarray(a, np.float32)


@pytest.mark.parametrize("axis", [-1, -2, -4])
def test_layer_norm_negative_axis_and_constant_rows(axis):
    x = rand((2, 3, 2, 4), np.float32, seed=1)
    x[0] = 5.0  # zero variance: output is bias
    shape = x.shape[axis:]
    feeds = {"x": x, "s": rand(shape, np.float32, seed=2), "b": rand(shape, np.float32, seed=3)}
    node = helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], axis=axis)
    check_edge(node, feeds, opset=17, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op,opset", [("LayerNormalization", 17), ("RMSNormalization", 23)])
def test_norm_zero_batch_and_nan_row(op, opset):
    node = helper.make_node(op, ["x", "s"], ["y"], axis=-1)
    check_edge(node, {"x": np.zeros((0, 4), np.float32), "s": np.ones(4, np.float32)}, opset=opset)
    x = f32([[1.0, NAN, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0], [INF, 1.0, 1.0, 1.0]])
    check_edge(node, {"x": x, "s": rand(4, np.float32, seed=4)}, opset=opset, rtol=1e-5, atol=1e-6,
               oracle="ref" if op == "RMSNormalization" else "ort")


@pytest.mark.parametrize("axis", [-1, -3])
def test_rms_norm_negative_axis(axis):
    x = rand((2, 3, 2, 4), np.float32, seed=5)
    node = helper.make_node("RMSNormalization", ["x", "s"], ["y"], axis=axis)
    check_edge(node, {"x": x, "s": rand(x.shape[axis:], np.float32, seed=6)}, opset=23, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("axis", [-1, 0])
def test_lp_normalization_zero_vector_and_negative_axis(p, axis):
    x = f32([[0.0, 0.0, 0.0], [3.0, -4.0, 0.0], [1e-15, 0.0, 0.0]])
    check_edge(helper.make_node("LpNormalization", ["x"], ["y"], axis=axis, p=p), {"x": x}, opset=1, rtol=1e-5)


def test_instance_norm_constant_channel_and_zero_batch():
    x = rand((2, 3, 4), np.float32, seed=7)
    x[:, 1] = 7.0
    feeds = {"x": x, "s": rand(3, np.float32, seed=8), "b": rand(3, np.float32, seed=9)}
    # A constant channel normalizes to exactly the bias (the reference); onnxruntime's E[x^2]-E[x]^2
    # leaves a 2e-4 error there.
    check_edge(helper.make_node("InstanceNormalization", ["x", "s", "b"], ["y"]), feeds, opset=6, rtol=1e-4,
               atol=1e-5, oracle="ref")
    feeds["x"] = np.zeros((0, 3, 4), np.float32)
    check_edge(helper.make_node("InstanceNormalization", ["x", "s", "b"], ["y"]), feeds, opset=6)


def test_group_norm_constant_group():
    x = rand((2, 4, 3), np.float32, seed=10)
    x[:, :2] = -1.5
    feeds = {"x": x, "s": rand(4, np.float32, seed=11), "b": rand(4, np.float32, seed=12)}
    node = helper.make_node("GroupNormalization", ["x", "s", "b"], ["y"], num_groups=2)
    check_edge(node, feeds, opset=21, rtol=1e-4, atol=1e-5, oracle="ref")


@pytest.mark.parametrize("axes", [[0, 2, 3], [-1]], ids=str)
def test_mvn_negative_axes(axes):
    x = rand((2, 3, 2, 5), np.float32, seed=13)
    check_edge(helper.make_node("MeanVarianceNormalization", ["x"], ["y"], axes=axes), {"x": x}, opset=13,
               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("axes", [[0, 2, 3], [-1]], ids=str)
def test_mvn_constant_input(axes):
    x = np.full((2, 3, 2, 2), 3.0, np.float32)
    # The ONNX function adds epsilon 1e-9 to the deviation, so a constant slice gives 0 (the
    # reference); onnxruntime divides 0 by 0.
    check_edge(helper.make_node("MeanVarianceNormalization", ["x"], ["y"], axes=axes), {"x": x}, opset=13,
               rtol=1e-4, atol=1e-5, oracle="ref")


def lrn_numpy(x, size, alpha=1e-4, beta=0.75, bias=1.0):
    """The spec's formula, channel window summed afresh for each channel."""
    sq = np.zeros_like(x, np.float64)
    before = (size - 1) // 2
    for c in range(x.shape[1]):
        lo, hi = max(0, c - before), min(x.shape[1] - 1, c + size - 1 - before)
        sq[:, c] = (x[:, lo:hi + 1].astype(np.float64) ** 2).sum(axis=1)
    return (x / (bias + alpha / size * sq) ** beta).astype(x.dtype)


def test_lrn_nan_stays_in_its_window():
    # onnxruntime slides a running sum, so one NaN/Inf spoils every later channel; the reference
    # evaluator's LRN is wrong past channel 0. The oracle is the spec's formula in numpy.
    from edge_checks import model_for
    from single_node_models import assert_same, run_onyxrt

    x = with_specials((1, 4, 2, 2), seed=14)
    model = model_for(helper.make_node("LRN", ["x"], ["y"], size=3), {"x": x}, {"y": None}, 13)
    assert_same(run_onyxrt(model, {"x": x}), [lrn_numpy(x, 3)], rtol=1e-5, atol=1e-6)


def test_lrn_zero_batch():
    check_edge(helper.make_node("LRN", ["x"], ["y"], size=3), {"x": np.zeros((0, 4, 2, 2), np.float32)}, opset=13)


@pytest.mark.parametrize("mode", ["nearest", "linear", "cubic"])
def test_resize_negative_axes_and_zero_batch(mode):
    x = rand((1, 2, 3, 4), np.float32, seed=15)
    node = helper.make_node("Resize", ["x", "", "sc"], ["y"], mode=mode, axes=[-1, -2])
    check_edge(node, {"x": x}, opset=18, initializers=[const("sc", [2.0, 0.5], np.float32)], rtol=1e-4, atol=1e-5)
    node = helper.make_node("Resize", ["x", "", "", "sz"], ["y"], mode=mode)
    check_edge(node, {"x": np.zeros((0, 2, 3, 4), np.float32)}, opset=18, initializers=[const("sz", [0, 2, 6, 2])])


def test_dropout_inference_keeps_nan_and_empty():
    node = helper.make_node("Dropout", ["x"], ["y", "m"])
    for x in (with_specials((3, 4), seed=16), np.zeros((0, 2), np.float32), f32(1.5)):
        check_edge(node, {"x": x}, {"y": None, "m": None}, opset=13)


def test_nms_zero_boxes_and_zero_max_output():
    node = helper.make_node("NonMaxSuppression", ["b", "s", "m", "iou", "st"], ["y"])
    inits = [const("m", [3]), const("iou", [0.5], np.float32), const("st", [0.0], np.float32)]
    check_edge(node, {"b": np.zeros((1, 0, 4), np.float32), "s": np.zeros((1, 1, 0), np.float32)}, opset=11,
               initializers=inits)
    boxes = f32([[[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 10, 1, 11]]])
    inits[0] = const("m", [0])
    check_edge(node, {"b": boxes, "s": f32([[[0.9, NAN, 0.3]]])}, opset=11, initializers=inits)


def test_nms_nan_scores_and_negative_threshold():
    node = helper.make_node("NonMaxSuppression", ["b", "s", "m", "iou"], ["y"])
    boxes = f32([[[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 10, 1, 11], [5, 5, 6, 6]]])
    check_edge(node, {"b": boxes, "s": f32([[[0.9, 0.8, -INF, 0.3]]])}, opset=11,
               initializers=[const("m", [10]), const("iou", [0.5], np.float32)])


def test_conv_transpose_zero_batch():
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2])
    feeds = {"x": np.zeros((0, 2, 3, 3), np.float32), "w": rand((2, 3, 2, 2), np.float32, seed=17)}
    check_edge(node, feeds, opset=11)


def test_conv_transpose_nan_propagates():
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"])
    feeds = {"x": with_specials((1, 2, 3, 3), seed=18), "w": rand((2, 1, 2, 2), np.float32, seed=19)}
    check_edge(node, feeds, opset=11, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
def test_grid_sample_out_of_range_grid(padding):
    # Non-finite grid points are left out: onnxruntime casts them to int and reads anywhere.
    x = rand((1, 2, 3, 4), np.float32, seed=20)
    grid = f32([[[[-1.5, 0.0], [0.3, 2.0]], [[-3.0, 1.0], [1.0, -1.0]]]])
    node = helper.make_node("GridSample", ["x", "g"], ["y"], padding_mode=padding, align_corners=0)
    check_edge(node, {"x": x, "g": grid}, opset=16, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("align", [0, 1])
def test_affine_grid_size_one_dim_and_col2im_small(align):
    # A size-1 spatial dim with align_corners=1 has no step (2/(1-1)); the reference samples -1
    # there, onnxruntime returns other values.
    theta = rand((2, 2, 3), np.float32, seed=21)
    node = helper.make_node("AffineGrid", ["t", "s"], ["y"], align_corners=align)
    check_edge(node, {"t": theta}, opset=20, initializers=[const("s", [2, 1, 1, 3])], rtol=1e-5, atol=1e-6,
               oracle="ref")
    node = helper.make_node("Col2Im", ["x", "i", "b"], ["y"])
    check_edge(node, {"x": rand((1, 4, 1), np.float32, seed=22)}, opset=18,
               initializers=[const("i", [2, 2]), const("b", [2, 2])])


@pytest.mark.parametrize("op,feeds,out", [
    ("LayerNormalization", {"x": np.zeros((2, 4), np.float32), "s": np.ones(3, np.float32)}, TensorProto.FLOAT),
    ("InstanceNormalization", {"x": np.zeros((2, 3, 4), np.float32), "s": np.ones(2, np.float32),
                               "b": np.ones(2, np.float32)}, TensorProto.FLOAT),
    ("ConvTranspose", {"x": np.zeros((1, 2, 3, 3), np.float32), "w": np.ones((3, 1, 2, 2), np.float32)},
     TensorProto.FLOAT),
], ids=lambda v: v if isinstance(v, str) else "")
def test_mismatched_shapes_raise(op, feeds, out):
    opset = 17 if op == "LayerNormalization" else 11
    expect_onyxrt_error(helper.make_node(op, list(feeds), ["y"]), feeds, {"y": out}, opset=opset)
