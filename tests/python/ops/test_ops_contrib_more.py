"""More com.microsoft operators (RotaryEmbedding, DynamicQuantizeMatMul, QLinearAdd, QLinearMul) on
single-node models: onyxrt against onnxruntime running the same model with its graph optimizations
off, so each op runs as written."""
import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort
import pytest
from onnx import helper

import onyxrt

MS = "com.microsoft"


def rand(shape, dtype=np.float32, seed=0, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def rand_int(shape, dtype, seed=0, low=None, high=None):
    info = np.iinfo(dtype)
    low = info.min if low is None else low
    high = info.max if high is None else high
    return np.random.default_rng(seed).integers(low, high + 1, shape).astype(dtype)


def build(op, inputs, outputs, constants=(), **attrs):
    """inputs: (name, array or None for an omitted optional input); names in `constants` become
    initializers."""
    names = [n if a is not None else "" for n, a in inputs]
    while names and not names[-1]:  # trailing omitted inputs are left off the node
        names.pop()
    node = helper.make_node(op, names, outputs, domain=MS, **attrs)
    graph_inputs = [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
                    for n, a in inputs if a is not None and n not in constants]
    inits = [onnx.numpy_helper.from_array(a, n) for n, a in inputs if a is not None and n in constants]
    graph_outputs = [helper.make_empty_tensor_value_info(n) for n in outputs]
    graph = helper.make_graph([node], "g", graph_inputs, graph_outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)])
    model.ir_version = 8
    return model.SerializeToString()


def run_both(op, inputs, constants=(), **attrs):
    model = build(op, inputs, ["y"], constants=constants, **attrs)
    feeds = {n: a for n, a in inputs if a is not None and n not in constants}
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    (expected,) = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"]).run(None, feeds)
    (actual,) = onyxrt.InferenceSession(model).run(None, feeds)
    assert actual.dtype == expected.dtype and actual.shape == expected.shape, (actual.dtype, actual.shape,
                                                                               expected.dtype, expected.shape)
    return expected, actual


# --- RotaryEmbedding ----------------------------------------------------------------------------
def caches(max_pos, half, dtype=np.float32):
    angles = np.outer(np.arange(max_pos), 1.0 / 10000 ** (np.arange(half) / half))
    return np.cos(angles).astype(dtype), np.sin(angles).astype(dtype)


@pytest.mark.parametrize("interleaved", [0, 1])
@pytest.mark.parametrize("num_heads", [0, 3])
def test_rotary_3d_position_matrix(interleaved, num_heads):
    B, S, N, H = 2, 5, 3, 8
    cos, sin = caches(16, H // 2)
    pos = np.random.default_rng(3).integers(0, 16, (B, S)).astype(np.int64)
    inputs = [("x", rand((B, S, N * H))), ("pos", pos), ("cos", cos), ("sin", sin)]
    attrs = {"interleaved": interleaved}
    if num_heads:
        attrs["num_heads"] = num_heads
    e, a = run_both("RotaryEmbedding", inputs, **attrs)
    np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("pos_shape", [(1,), ()])
@pytest.mark.parametrize("interleaved", [0, 1])
def test_rotary_offset_position(pos_shape, interleaved):
    # One position id p0 means positions p0, p0 + 1, ... along the sequence (the decoding step).
    B, S, N, H = 2, 4, 2, 6
    cos, sin = caches(12, H // 2)
    inputs = [("x", rand((B, S, N * H), seed=1)), ("pos", np.full(pos_shape, 5, np.int64)), ("cos", cos), ("sin", sin)]
    e, a = run_both("RotaryEmbedding", inputs, interleaved=interleaved)
    np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("interleaved", [0, 1])
def test_rotary_4d_bnsh(interleaved):
    B, N, S, H = 2, 3, 4, 8
    cos, sin = caches(10, H // 2)
    pos = np.random.default_rng(5).integers(0, 10, (B, S)).astype(np.int64)
    inputs = [("x", rand((B, N, S, H), seed=2)), ("pos", pos), ("cos", cos), ("sin", sin)]
    e, a = run_both("RotaryEmbedding", inputs, interleaved=interleaved, num_heads=N)
    np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("interleaved", [0, 1])
def test_rotary_partial_dim(interleaved):
    # Only the first rotary_embedding_dim features of each head rotate; the rest pass through.
    B, S, N, H, R = 1, 3, 2, 10, 4
    cos, sin = caches(8, R // 2)
    pos = np.array([[0, 3, 7]], np.int64)
    inputs = [("x", rand((B, S, N * H), seed=4)), ("pos", pos), ("cos", cos), ("sin", sin)]
    e, a = run_both("RotaryEmbedding", inputs, interleaved=interleaved, num_heads=N, rotary_embedding_dim=R)
    np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)


def test_rotary_float16():
    # Float16 is rotated in float and rounded once per element, as onnxruntime's CPU kernel does.
    cos, sin = caches(8, 4, np.float16)
    pos = np.array([[0, 3, 7]], np.int64)
    inputs = [("x", rand((1, 3, 16), np.float16, seed=4)), ("pos", pos), ("cos", cos), ("sin", sin)]
    e, a = run_both("RotaryEmbedding", inputs, num_heads=2, interleaved=1)
    np.testing.assert_allclose(a.astype(np.float32), e.astype(np.float32), rtol=1e-3, atol=1e-3)


def test_rotary_position_outside_cache_raises():
    cos, sin = caches(4, 2)
    model = build("RotaryEmbedding", [("x", rand((1, 2, 4))), ("pos", np.array([[1, 9]], np.int64)),
                                      ("cos", cos), ("sin", sin)], ["y"])
    with pytest.raises(Exception, match="position 9"):
        onyxrt.InferenceSession(model).run(None, {"x": rand((1, 2, 4)), "pos": np.array([[1, 9]], np.int64),
                                                  "cos": cos, "sin": sin})


# --- DynamicQuantizeMatMul ----------------------------------------------------------------------
# B's int8 values stay in [-64, 63]: onnxruntime's AVX2 u8s8 GEMM sums pairs of products in int16
# with saturation (vpmaddubsw), so full-range int8 weights can make the oracle itself inexact.
def b_weights(shape, dtype, seed):
    return rand_int(shape, dtype, seed, -64, 63) if dtype == np.int8 else rand_int(shape, dtype, seed)


# The integer products are exact on both sides; the float epilogue (acc * (a_scale * b_scale) +
# bias) may be fused differently, hence a tolerance of a few ulps relative to the output's size.
def assert_dqmm_close(a, e):
    np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-5 * float(np.abs(e).max() + 1))


@pytest.mark.parametrize("bdtype", [np.uint8, np.int8])
@pytest.mark.parametrize("per_column", [False, True])
@pytest.mark.parametrize("with_zp,with_bias", [(True, True), (False, False), (True, False)])
def test_dynamic_quantize_matmul(bdtype, per_column, with_zp, with_bias):
    K, N = 16, 6
    A = rand((2, 3, K), low=-2.0, high=3.0)
    B = b_weights((K, N), bdtype, 1)
    scale = rand((N,) if per_column else (), seed=2, low=0.01, high=0.05)
    zp = None
    if with_zp:
        zp = rand_int((N,) if per_column else (), bdtype, 3, -10 if bdtype == np.int8 else 100, 10 if bdtype == np.int8 else 150)
    bias = rand((N,), seed=4) if with_bias else None
    inputs = [("a", A), ("b", B), ("b_scale", scale), ("b_zp", zp), ("bias", bias)]
    e, a = run_both("DynamicQuantizeMatMul", inputs)
    assert_dqmm_close(a, e)


def test_dynamic_quantize_matmul_constant_weights():
    # Weights as initializers take onnxruntime's pre-packed path; the result must not change.
    K, N = 32, 8
    A = rand((5, K), seed=7, low=-1.0, high=0.5)
    B = b_weights((K, N), np.int8, 8)
    inputs = [("a", A), ("b", B), ("b_scale", rand((N,), seed=9, low=0.01, high=0.02)),
              ("b_zp", np.zeros((N,), np.int8)), ("bias", rand((N,), seed=10))]
    e, a = run_both("DynamicQuantizeMatMul", inputs, constants=("b", "b_scale", "b_zp", "bias"))
    assert_dqmm_close(a, e)


def test_dynamic_quantize_matmul_all_positive_and_zero_input():
    # A range that does not straddle 0 is widened to include it; an all-zero A has scale 1.
    K, N = 8, 4
    B = b_weights((K, N), np.uint8, 11)
    scale = np.array(0.02, np.float32)
    for A in (rand((3, K), seed=12, low=0.5, high=2.0), np.zeros((3, K), np.float32)):
        e, a = run_both("DynamicQuantizeMatMul", [("a", A), ("b", B), ("b_scale", scale)])
        assert_dqmm_close(a, e)


# --- QLinearAdd / QLinearMul --------------------------------------------------------------------
def qlinear_inputs(dtype, a_shape, b_shape, seed, with_zp=True, with_c_zp=True):
    zp = (lambda v: np.array(v, dtype)) if with_zp else (lambda v: None)
    lo, hi = (100, 150) if dtype == np.uint8 else (-20, 20)
    rng = np.random.default_rng(seed)
    return [("a", rand_int(a_shape, dtype, seed)), ("a_scale", np.array(0.05, np.float32)),
            ("a_zp", zp(rng.integers(lo, hi))),
            ("b", rand_int(b_shape, dtype, seed + 1)), ("b_scale", np.array(0.03, np.float32)),
            ("b_zp", zp(rng.integers(lo, hi))),
            ("c_scale", np.array(0.07 if with_c_zp else 0.2, np.float32)),
            ("c_zp", np.array(rng.integers(lo, hi), dtype) if with_c_zp else None)]


SHAPES = [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((1,), (2, 5)), ((3, 1), (1, 37)), ((70,), (70,))]


@pytest.mark.parametrize("op", ["QLinearAdd", "QLinearMul"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8])
@pytest.mark.parametrize("a_shape,b_shape", SHAPES)
def test_qlinear_binary(op, dtype, a_shape, b_shape):
    e, a = run_both(op, qlinear_inputs(dtype, a_shape, b_shape, seed=len(a_shape) * 10 + len(b_shape)))
    # Within 1 unit: both sides round half to even, but onnxruntime's vector kernels order the
    # float multiply-adds differently, so a value at .5 may fall on either side.
    diff = np.abs(a.astype(np.int32) - e.astype(np.int32))
    assert diff.max() <= 1, diff.max()
    assert (diff > 0).mean() < 0.05, (diff > 0).mean()


@pytest.mark.parametrize("op", ["QLinearAdd", "QLinearMul"])
def test_qlinear_binary_without_c_zero_point(op):
    # C_zero_point left off (0). (onnxruntime's type inference rejects an empty name for the A/B
    # zero points, so those are not tested as omitted against it; the gtest covers them.)
    e, a = run_both(op, qlinear_inputs(np.uint8, (4, 6), (6,), seed=21, with_c_zp=False))
    # Within 1 unit, for the rounding reason in test_qlinear_binary.
    assert np.abs(a.astype(np.int32) - e.astype(np.int32)).max() <= 1
