"""RNN, GRU and LSTM on single-node models: onyxrt against onnxruntime over directions,
activations with alpha/beta, clip, sequence_lens, initial states, peepholes and both layouts."""
import numpy as np
import pytest

from nn_extra_models import check, rand

SEQ, BATCH, INPUT, HIDDEN = 4, 3, 5, 6
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def rnn_inputs(op, dirs, layout=0, lens=None, init=True, peep=False, seed=0, dtype=np.float32):
    g = GATES[op]
    xs = (SEQ, BATCH, INPUT) if layout == 0 else (BATCH, SEQ, INPUT)
    st = (dirs, BATCH, HIDDEN) if layout == 0 else (BATCH, dirs, HIDDEN)
    inputs = [
        ("x", rand(xs, dtype, seed)),
        ("w", rand((dirs, g * HIDDEN, INPUT), dtype, seed + 1, -0.6, 0.6)),
        ("r", rand((dirs, g * HIDDEN, HIDDEN), dtype, seed + 2, -0.6, 0.6)),
        ("b", rand((dirs, 2 * g * HIDDEN), dtype, seed + 3, -0.5, 0.5)),
        ("lens", None if lens is None else np.array(lens, np.int32)),
        ("h0", rand(st, dtype, seed + 4, -0.5, 0.5) if init else None),
    ]
    if op == "LSTM":
        inputs.append(("c0", rand(st, dtype, seed + 5, -0.5, 0.5) if init else None))
        inputs.append(("p", rand((dirs, 3 * HIDDEN), dtype, seed + 6, -0.5, 0.5) if peep else None))
    return inputs


def outputs(op):
    return ["y", "yh", "yc"] if op == "LSTM" else ["y", "yh"]


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize("opset", [7, 14])
def test_directions(op, direction, opset):
    dirs = 2 if direction == "bidirectional" else 1
    check(op, rnn_inputs(op, dirs), outputs(op), opset, hidden_size=HIDDEN, direction=direction)


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("direction", ["forward", "bidirectional"])
def test_sequence_lens(op, direction):
    dirs = 2 if direction == "bidirectional" else 1
    check(op, rnn_inputs(op, dirs, lens=[4, 2, 3]), outputs(op), 14, hidden_size=HIDDEN, direction=direction)


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
def test_layout_1(op):
    # onnxruntime refuses layout 1; the reference evaluator runs it (forward direction only).
    check(op, rnn_inputs(op, 1, layout=1), outputs(op), 14, oracle="reference", hidden_size=HIDDEN, layout=1)


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
def test_no_initial_state_no_bias(op):
    inputs = [(n, None if n == "b" else a) for n, a in rnn_inputs(op, 1, init=False)]
    check(op, inputs, outputs(op), 14, hidden_size=HIDDEN)


def test_gru_linear_before_reset():
    check("GRU", rnn_inputs("GRU", 2), outputs("GRU"), 14, hidden_size=HIDDEN, direction="bidirectional",
          linear_before_reset=1)


def test_lstm_peepholes_clip_and_input_forget():
    check("LSTM", rnn_inputs("LSTM", 1, peep=True), outputs("LSTM"), 14, hidden_size=HIDDEN, clip=0.7)
    check("LSTM", rnn_inputs("LSTM", 1, peep=True), outputs("LSTM"), 14, hidden_size=HIDDEN, input_forget=1)


@pytest.mark.parametrize("op,acts,alpha,beta", [
    ("RNN", ["LeakyRelu"], [0.2], []),
    ("RNN", ["ScaledTanh", "HardSigmoid"], [0.8, 0.3], [1.2, 0.4]),
    ("GRU", ["HardSigmoid", "Softsign"], [0.3], [0.4]),
    ("LSTM", ["Sigmoid", "Elu", "Affine"], [0.5, 0.9], [0.1]),
    ("LSTM", ["HardSigmoid", "Tanh", "Relu"], [0.25], [0.45]),
])
def test_activations_with_alpha_beta(op, acts, alpha, beta):
    dirs = 2 if op == "RNN" and len(acts) == 2 else 1
    attrs = {"activations": acts, "hidden_size": HIDDEN}
    if dirs == 2:
        attrs["direction"] = "bidirectional"
    if alpha:
        attrs["activation_alpha"] = alpha
    if beta:
        attrs["activation_beta"] = beta
    check(op, rnn_inputs(op, dirs), outputs(op), 14, rtol=1e-4, atol=1e-5, **attrs)


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
def test_double(op):
    check(op, rnn_inputs(op, 1, dtype=np.float64), outputs(op), 14, oracle="reference", hidden_size=HIDDEN)
