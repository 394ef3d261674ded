"""Random ops on the edges the backend suite misses: zero-size and rank-0 shapes, Like forms of
empty inputs, Bernoulli at p = 0 and 1 (exact), Multinomial with a one-hot distribution (exact)
and the moments of a large seeded sample. Values are random, so only shapes, dtypes and
distributions are checked; the oracle for shapes is onnxruntime."""
import numpy as np
import pytest
from onnx import helper

from edge_checks import check_edge, model_for
from single_node_models import run_onyxrt, run_oracle


def both(node, feeds, outputs=None, opset=15):
    model = model_for(node, feeds, outputs or {"y": None}, opset)
    return run_onyxrt(model, feeds)[0], run_oracle(model, feeds)[0]


@pytest.mark.parametrize("op", ["RandomUniform", "RandomNormal"])
@pytest.mark.parametrize("shape", [[0], [2, 0, 3], [1, 1, 1, 1, 1, 2]], ids=str)
def test_random_zero_size_and_rank6_shapes(op, shape):
    got, want = both(helper.make_node(op, [], ["y"], shape=shape, seed=1.0), {})
    assert got.shape == want.shape and got.dtype == want.dtype


@pytest.mark.parametrize("op", ["RandomUniformLike", "RandomNormalLike", "Bernoulli"])
@pytest.mark.parametrize("shape", [(0,), (), (3, 0)], ids=str)
def test_like_forms_of_empty_and_rank0(op, shape):
    x = np.full(shape, 0.5, np.float32)
    got, want = both(helper.make_node(op, ["x"], ["y"], seed=2.0), {"x": x})
    assert got.shape == want.shape and got.dtype == want.dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bernoulli_certain_probabilities_are_exact(dtype):
    # The reference is the oracle: onnxruntime 1.32 returns 1 where p = 0 and 0 where p = 1.
    p = np.array([[0.0, 1.0, 1.0], [0.0, 0.0, 1.0]], dtype)
    check_edge(helper.make_node("Bernoulli", ["x"], ["y"], seed=3.0), {"x": p}, opset=15, oracle="ref")


def test_multinomial_one_hot_distribution_is_exact():
    # Log-probabilities with one finite entry per row: every sample is that class.
    logits = np.array([[-np.inf, 0.0, -np.inf], [0.0, -np.inf, -np.inf]], np.float32)
    check_edge(helper.make_node("Multinomial", ["x"], ["y"], sample_size=5, seed=4.0), {"x": logits}, opset=7)


def test_uniform_bounds_and_moments():
    node = helper.make_node("RandomUniform", [], ["y"], shape=[20000], low=-2.0, high=6.0, seed=5.0)
    got, _ = both(node, {})
    assert got.min() >= -2.0 and got.max() < 6.0
    assert abs(got.mean() - 2.0) < 0.1 and abs(got.std() - 8 / np.sqrt(12)) < 0.1


def test_normal_moments_with_large_scale():
    node = helper.make_node("RandomNormal", [], ["y"], shape=[20000], mean=1e3, scale=1e2, seed=6.0)
    got, _ = both(node, {})
    assert np.isfinite(got).all() and abs(got.mean() - 1e3) < 5 and abs(got.std() - 1e2) < 5
