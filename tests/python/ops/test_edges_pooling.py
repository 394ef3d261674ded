"""Pooling on the edges the backend suite misses: a zero batch, NaN and -inf in windows, windows
that lie wholly in padding, rank-3 and rank-5 inputs, zero RoIs, and kernels larger than the input
that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, check_edge, const, expect_onyxrt_error, with_specials
from single_node_models import rand


@pytest.mark.parametrize("op,attrs", [("MaxPool", {}), ("AveragePool", {}), ("AveragePool", {"count_include_pad": 1}),
                                      ("LpPool", {"p": 2})], ids=str)
@pytest.mark.parametrize("shape", [(0, 2, 4, 4), (1, 2, 5), (1, 1, 3, 3, 3)], ids=str)
def test_pool_zero_batch_and_ranks(op, attrs, shape):
    k = [2] * (len(shape) - 2)
    node = helper.make_node(op, ["x"], ["y"], kernel_shape=k, pads=[1] * (2 * len(k)), **attrs)
    check_edge(node, {"x": rand(shape, np.float32, seed=1)}, opset=18, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["MaxPool", "AveragePool"])
def test_pool_nan_and_inf_windows(op):
    x = np.array([[[[NAN, 1.0, 2.0, 3.0], [4.0, -INF, -INF, 5.0], [-INF, -INF, INF, 1.0], [0.0, 1.0, -INF, INF]]]],
                 np.float32)
    node = helper.make_node(op, ["x"], ["y"], kernel_shape=[2, 2], strides=[1, 1])
    check_edge(node, {"x": x}, opset=18)


def test_max_pool_window_all_padding_and_indices():
    # With pads as large as the kernel, a corner window holds only padding.
    x = rand((1, 2, 2, 3), np.float32, seed=2)
    node = helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 2], pads=[1, 1, 1, 1], strides=[2, 2])
    check_edge(node, {"x": x}, {"y": None, "i": None}, opset=12)


@pytest.mark.parametrize("op", ["GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"])
@pytest.mark.parametrize("shape", [(0, 3, 2, 2), (1, 2, 3), (2, 1, 2, 1, 3)], ids=str)
def test_global_pool_zero_batch_and_ranks(op, shape):
    check_edge(helper.make_node(op, ["x"], ["y"]), {"x": with_specials(shape, seed=3)}, opset=2)


def test_max_unpool_with_output_shape():
    x = rand((1, 1, 2, 2), np.float32, seed=4)
    i = np.array([[[[0, 3], [9, 14]]]], np.int64)
    node = helper.make_node("MaxUnpool", ["x", "i", "s"], ["y"], kernel_shape=[2, 2], strides=[2, 2])
    check_edge(node, {"x": x, "i": i}, opset=11, initializers=[const("s", [1, 1, 5, 5])])


def test_roi_ops_zero_rois():
    x = rand((1, 2, 4, 4), np.float32, seed=5)
    node = helper.make_node("MaxRoiPool", ["x", "r"], ["y"], pooled_shape=[2, 2])
    check_edge(node, {"x": x, "r": np.zeros((0, 5), np.float32)}, opset=1)
    node = helper.make_node("RoiAlign", ["x", "r", "b"], ["y"], output_height=2, output_width=2)
    check_edge(node, {"x": x, "r": np.zeros((0, 4), np.float32), "b": np.zeros((0,), np.int64)}, opset=16)


def test_roi_align_box_outside_image():
    x = rand((1, 1, 4, 4), np.float32, seed=6)
    rois = np.array([[-2.0, -2.0, 1.0, 1.0], [3.0, 3.0, 9.0, 9.0], [1.0, 1.0, 1.0, 1.0]], np.float32)
    node = helper.make_node("RoiAlign", ["x", "r", "b"], ["y"], output_height=2, output_width=2, sampling_ratio=2)
    check_edge(node, {"x": x, "r": rois, "b": np.zeros(3, np.int64)}, opset=16, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["MaxPool", "AveragePool", "LpPool"])
def test_kernel_larger_than_input_raises(op):
    node = helper.make_node(op, ["x"], ["y"], kernel_shape=[5, 5])
    expect_onyxrt_error(node, {"x": np.zeros((1, 1, 3, 3), np.float32)}, {"y": TensorProto.FLOAT}, opset=18)


def test_pool_rank2_input_raises():
    node = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2])
    expect_onyxrt_error(node, {"x": np.zeros((3, 3), np.float32)}, {"y": TensorProto.FLOAT}, opset=18)


@pytest.mark.parametrize("strides,pads", [([1, 1], [1, 1, 1, 1]), ([2, 2], [0, 0, 1, 1])], ids=str)
def test_max_pool_over_channel_blocks_with_specials(strides, pads):
    # 12 channels (one full block of 8 and a ragged one): the blocked path, with NaN and +-inf.
    node = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=strides, pads=pads)
    check_edge(node, {"x": with_specials((1, 12, 14, 14), seed=5)}, opset=12)


@pytest.mark.parametrize("count_include_pad", [0, 1])
@pytest.mark.parametrize("strides,pads", [([1, 1], [1, 1, 1, 1]), ([2, 2], [1, 0, 1, 1])], ids=str)
def test_average_pool_over_channel_blocks(strides, pads, count_include_pad):
    # 12 channels (one full block of 8 and a ragged one): the blocked path, with NaN and +-inf.
    node = helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], strides=strides, pads=pads,
                            count_include_pad=count_include_pad)
    check_edge(node, {"x": with_specials((1, 12, 14, 14), seed=6)}, opset=19)
