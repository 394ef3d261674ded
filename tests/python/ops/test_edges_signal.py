"""Signal ops on the edges the backend suite misses: DFT along negative axes and of length 1,
NaN/Inf in a spectrum, window functions of size 1 and 0, a single-frame STFT, and MelWeightMatrix
at its smallest sizes."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import NAN, check_edge, const, expect_onyxrt_error
from single_node_models import rand


@pytest.mark.parametrize("axis", [-2, 1, -3])
@pytest.mark.parametrize("inverse,onesided", [(0, 0), (1, 0), (0, 1)])
def test_dft_negative_axis(axis, inverse, onesided):
    x = rand((2, 5, 3, 1), np.float32, seed=1)
    node = helper.make_node("DFT", ["x", "", "a"], ["y"], inverse=inverse, onesided=onesided)
    check_edge(node, {"x": x}, opset=20, initializers=[const("a", axis)], rtol=1e-4, atol=1e-5)


def test_dft_length_one_and_nan():
    x = rand((2, 1, 1), np.float32, seed=2)
    check_edge(helper.make_node("DFT", ["x", "", "a"], ["y"]), {"x": x}, opset=20, initializers=[const("a", 1)])
    x = rand((1, 4, 1), np.float32, seed=3)
    x[0, 1, 0] = NAN
    check_edge(helper.make_node("DFT", ["x", "", "a"], ["y"]), {"x": x}, opset=20, initializers=[const("a", 1)],
               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["HannWindow", "HammingWindow", "BlackmanWindow"])
@pytest.mark.parametrize("size,periodic", [(0, 0), (0, 1), (1, 1), (2, 0), (2, 1)], ids=str)
def test_window_tiny_sizes(op, size, periodic):
    # A symmetric window of 1 is left out: the reference divides by size - 1 = 0 (NaN), onyxrt
    # gives numpy.hanning(1) = [1].
    node = helper.make_node(op, ["n"], ["y"], periodic=periodic)
    check_edge(node, {"n": np.array(size, np.int64)}, opset=17, rtol=1e-5, atol=1e-6, oracle="ref")


def test_stft_single_frame():
    x = rand((1, 8, 1), np.float32, seed=4)
    node = helper.make_node("STFT", ["x", "step", "w"], ["y"], onesided=1)
    check_edge(node, {"x": x}, opset=17, initializers=[const("step", 8), const("w", np.hanning(8), np.float32)],
               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("bins,dft,rate,lo,hi", [(1, 4, 8000, 0.0, 4000.0), (2, 2, 16000, 100.0, 8000.0)], ids=str)
def test_mel_weight_matrix_small(bins, dft, rate, lo, hi):
    node = helper.make_node("MelWeightMatrix", ["b", "d", "r", "l", "h"], ["y"])
    feeds = {"b": np.array(bins, np.int64), "d": np.array(dft, np.int64), "r": np.array(rate, np.int64),
             "l": np.array(lo, np.float32), "h": np.array(hi, np.float32)}
    check_edge(node, feeds, opset=17, rtol=1e-5, atol=1e-6)


def test_dft_axis_out_of_range_raises():
    node = helper.make_node("DFT", ["x", "", "a"], ["y"])
    expect_onyxrt_error(node, {"x": np.zeros((2, 3, 1), np.float32)}, {"y": TensorProto.FLOAT}, opset=20,
                        initializers=[const("a", 2)])
