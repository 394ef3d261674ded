"""RNN, GRU and LSTM on the edges the backend suite misses: a batch of zero, sequence_lens holding
zeros (those rows output zeros and keep the initial state), saturating inputs (|x| = 1e4, where
sigmoid and tanh must not give NaN), NaN inputs, and weights of the wrong shape that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import NAN, check_edge, expect_onyxrt_error
from single_node_models import rand

GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
HIDDEN, INPUT = 3, 2


def rnn_feeds(op, seq, batch, directions=1, seed=0, scale=1.0):
    g = GATES[op]
    return {
        "x": rand((seq, batch, INPUT), np.float32, seed=seed) * np.float32(scale),
        "w": rand((directions, g * HIDDEN, INPUT), np.float32, seed=seed + 1, lo=-1, hi=1),
        "r": rand((directions, g * HIDDEN, HIDDEN), np.float32, seed=seed + 2, lo=-1, hi=1),
    }


def rnn_node(op, direction="forward", with_lens=False):
    inputs = ["x", "w", "r", "", "l" if with_lens else ""]
    outs = ["y", "yh"] + (["yc"] if op == "LSTM" else [])
    return helper.make_node(op, inputs, outs, hidden_size=HIDDEN, direction=direction), outs


@pytest.mark.parametrize("op", list(GATES))
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_sequence_lens_with_zeros(op, direction):
    dirs = 2 if direction == "bidirectional" else 1
    feeds = rnn_feeds(op, 4, 3, dirs, seed=1)
    feeds["l"] = np.array([0, 4, 2], np.int32)
    node, outs = rnn_node(op, direction, with_lens=True)
    check_edge(node, feeds, {o: None for o in outs}, opset=14, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", list(GATES))
def test_saturating_inputs_stay_finite(op):
    feeds = rnn_feeds(op, 3, 2, seed=2, scale=1e4)
    node, outs = rnn_node(op)
    check_edge(node, feeds, {o: None for o in outs}, opset=14, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", list(GATES))
def test_nan_input_propagates(op):
    feeds = rnn_feeds(op, 3, 2, seed=3)
    feeds["x"][1, 0, 0] = NAN
    node, outs = rnn_node(op)
    check_edge(node, feeds, {o: None for o in outs}, opset=14, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", list(GATES))
def test_zero_batch(op):
    feeds = rnn_feeds(op, 3, 0, seed=4)
    node, outs = rnn_node(op)
    # onnxruntime aborts the process on a zero-batch GRU, so the reference is the oracle.
    check_edge(node, feeds, {o: None for o in outs}, opset=14, oracle="ref")


@pytest.mark.parametrize("op", list(GATES))
def test_wrong_weight_shape_raises(op):
    feeds = rnn_feeds(op, 3, 2, seed=5)
    feeds["w"] = feeds["w"][:, :-1]
    node, outs = rnn_node(op)
    expect_onyxrt_error(node, feeds, {o: TensorProto.FLOAT for o in outs}, opset=14)
