"""ai.onnx.preview.training optimizers (Adagrad, Adam, Momentum) on the edges the backend suite
misses: empty and rank-0 tensors, NaN/Inf gradients, and norm_coefficient. onnxruntime's CPU build
has no kernels for them, so the ONNX reference evaluator is the oracle."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, expect_onyxrt_error, model_for
from single_node_models import rand, run_onyxrt


def check_reference(node, feeds, outputs, domains, rtol, atol):
    """The reference computes some float32 states in float64; its results are compared after
    rounding to float32, onyxrt's dtypes checked against the inputs'."""
    from onnx.reference import ReferenceEvaluator

    model = model_for(node, feeds, {o: TensorProto.FLOAT for o in outputs}, 18, domains=domains)
    got = run_onyxrt(model, feeds)
    want = ReferenceEvaluator(model).run(None, feeds)
    for g, w in zip(got, want):
        assert g.dtype == np.float32 and g.shape == np.shape(w), (g.dtype, g.shape, np.shape(w))
        np.testing.assert_allclose(g, np.asarray(w, np.float32), rtol=rtol, atol=atol)

TRAINING = {"ai.onnx.preview.training": 1}


def optimizer(op, n_states, **attrs):
    names = ["r", "t", "x", "g"] + [f"s{i}" for i in range(n_states)]
    outs = ["xo"] + [f"so{i}" for i in range(n_states)]
    return helper.make_node(op, names, outs, domain="ai.onnx.preview.training", **attrs), outs


STATES = {"Adagrad": 1, "Momentum": 1, "Adam": 2}
ATTRS = {"Adagrad": {"decay_factor": 0.1, "epsilon": 1e-6, "norm_coefficient": 0.01},
         "Momentum": {"alpha": 0.9, "beta": 0.1, "mode": "nesterov", "norm_coefficient": 0.01},
         "Adam": {"alpha": 0.9, "beta": 0.99, "epsilon": 1e-6, "norm_coefficient": 0.01}}


def feeds_for(op, shape, seed, grad=None):
    f = {"r": np.array(0.1, np.float32), "t": np.array(3, np.int64), "x": rand(shape, np.float32, seed=seed),
         "g": rand(shape, np.float32, seed=seed + 1) if grad is None else grad}
    for i in range(STATES[op]):
        f[f"s{i}"] = np.abs(rand(shape, np.float32, seed=seed + 2 + i))
    return f


@pytest.mark.parametrize("op", list(STATES))
@pytest.mark.parametrize("shape", [(0,), (), (2, 1, 1, 1, 1, 3)], ids=str)
def test_optimizer_empty_rank0_rank6(op, shape):
    node, outs = optimizer(op, STATES[op], **ATTRS[op])
    check_reference(node, feeds_for(op, shape, 1), {o: None for o in outs}, domains=TRAINING, rtol=1e-5,
               atol=1e-6)


@pytest.mark.parametrize("op", list(STATES))
def test_optimizer_nan_inf_gradients(op):
    node, outs = optimizer(op, STATES[op], **ATTRS[op])
    grad = np.array([NAN, INF, -INF, 0.0, 1e18], np.float32)
    check_reference(node, feeds_for(op, (5,), 2, grad), {o: None for o in outs}, domains=TRAINING,
               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", list(STATES))
def test_optimizer_mismatched_gradient_shape_raises(op):
    node, outs = optimizer(op, STATES[op], **ATTRS[op])
    f = feeds_for(op, (3,), 3)
    f["g"] = np.zeros(4, np.float32)
    expect_onyxrt_error(node, f, {o: TensorProto.FLOAT for o in outs}, domains=TRAINING)
