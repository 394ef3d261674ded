"""com.microsoft operators on single-node models: onyxrt against onnxruntime running the same
model with its graph optimizations off (so the op runs as written)."""
import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

import onyxrt

MS = "com.microsoft"


def rand(shape, dtype=np.float32, seed=0, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def build(op, inputs, outputs, domain=MS, opset=17, constants=(), **attrs):
    """inputs: list of (name, array or None for an omitted optional input); outputs: names
    ("" skips an optional output); inputs named in `constants` become initializers."""
    node = helper.make_node(op, [n if a is not None else "" for n, a in inputs], outputs, domain=domain, **attrs)
    graph_inputs = [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
                    for n, a in inputs if a is not None and n not in constants]
    inits = [onnx.numpy_helper.from_array(a, n) for n, a in inputs if a is not None and n in constants]
    graph_outputs = [helper.make_empty_tensor_value_info(n) for n in outputs if n]
    graph = helper.make_graph([node], "g", graph_inputs, graph_outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset), helper.make_opsetid(MS, 1)])
    model.ir_version = 8
    return model.SerializeToString()


def run_both(model, feeds):
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    expected = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"]).run(None, feeds)
    actual = onyxrt.InferenceSession(model).run(None, feeds)
    return expected, actual


def check(op, inputs, outputs, rtol=1e-4, atol=1e-5, constants=(), **attrs):
    model = build(op, inputs, outputs, constants=constants, **attrs)
    feeds = {n: a for n, a in inputs if a is not None and n not in constants}
    expected, actual = run_both(model, feeds)
    assert len(actual) == len(expected)
    for e, a in zip(expected, actual):
        assert a.dtype == e.dtype and a.shape == e.shape, (a.dtype, a.shape, e.dtype, e.shape)
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)
    return actual


# --- Gelu family -----------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["Gelu", "QuickGelu", "FastGelu"])
def test_gelu_family_unary(op):
    check(op, [("x", rand((2, 3, 8), low=-4, high=4))], ["y"])


def test_quick_gelu_alpha():
    check("QuickGelu", [("x", rand((4, 5), low=-4, high=4))], ["y"], alpha=1.3)


@pytest.mark.parametrize("op", ["BiasGelu", "FastGelu"])
def test_gelu_with_bias(op):
    check(op, [("x", rand((2, 3, 8), low=-4, high=4)), ("b", rand((8,), seed=1))], ["y"])


# --- FusedMatMul ------------------------------------------------------------------------------
@pytest.mark.parametrize("ta,tb", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_fused_matmul_transpose_alpha(ta, tb):
    a = rand((2, 5, 3) if ta else (2, 3, 5))
    b = rand((4, 5) if tb else (5, 4), seed=1)
    check("FusedMatMul", [("a", a), ("b", b)], ["y"], alpha=0.5, transA=ta, transB=tb)


@pytest.mark.parametrize("ta,tb", [(0, 1), (1, 0), (1, 1)])
@pytest.mark.parametrize("a_batch,b_batch", [((2, 3), (2, 3)), ((2, 3), (1, 3)), ((1, 3), (2, 1))])
def test_fused_matmul_transposed_operands_read_in_place(ta, tb, a_batch, b_batch):
    # Attention's Q K^T: rank-4 operands whose transposed matrices the SGEMM reads as stored, with
    # numpy batch broadcasting, past one register tile in every dim (M 20, N 37, K 19).
    M, N, K = 20, 37, 19
    a = rand(a_batch + ((K, M) if ta else (M, K)))
    b = rand(b_batch + ((N, K) if tb else (K, N)), seed=1)
    check("FusedMatMul", [("a", a), ("b", b)], ["y"], alpha=0.125, transA=ta, transB=tb)


@pytest.mark.parametrize("tba,tbb,ta,tb", [(1, 0, 0, 0), (0, 1, 0, 0), (1, 1, 0, 0), (1, 0, 1, 0), (0, 1, 0, 1)])
def test_fused_matmul_trans_batch(tba, tbb, ta, tb):
    # A: [d0, d1, M, K] viewed after transBatchA as [d1, M, d0, K]; shapes chosen so each variant is valid.
    def operand(trans_batch, trans, batch, rows, cols, seed):
        shape = [batch[0], batch[1], rows, cols] if not trans else [batch[0], batch[1], cols, rows]
        if trans_batch:  # the stored layout that becomes [b1, r, b0, c] ... after moving dim 0
            shape = [shape[2], shape[0], shape[1], shape[3]]
        return rand(tuple(shape), seed=seed)
    a = operand(tba, ta, (2, 3), 4, 5, 0)
    b = operand(tbb, tb, (2, 3), 5, 6, 1)
    model = build("FusedMatMul", [("a", a), ("b", b)], ["y"], transA=ta, transB=tb, transBatchA=tba, transBatchB=tbb)
    try:
        expected, actual = run_both(model, {"a": a, "b": b})
    except Exception as e:  # some combinations are invalid for onnxruntime's shape rules too
        pytest.skip(f"shape not valid: {e}")
    np.testing.assert_allclose(actual[0], expected[0], rtol=1e-4, atol=1e-5)


# --- FusedConv --------------------------------------------------------------------------------
@pytest.mark.parametrize("act,params", [("Relu", []), ("Tanh", []), ("Sigmoid", []), ("LeakyRelu", [0.1]),
                                        ("Clip", [-0.2, 0.3]), ("HardSigmoid", [0.2, 0.5])])
def test_fused_conv_activations(act, params):
    x, w, b = rand((2, 4, 7, 6)), rand((6, 2, 3, 3), seed=1), rand((6,), seed=2)
    extra = {"activation_params": params} if params else {}
    check("FusedConv", [("x", x), ("w", w), ("b", b)], ["y"], activation=act, group=2, pads=[1, 0, 1, 1],
          strides=[1, 2], **extra)


def test_fused_conv_with_sum_input():
    x, w = rand((1, 3, 5, 5)), rand((4, 3, 1, 1), seed=1)
    z = rand((1, 4, 5, 5), seed=3)
    check("FusedConv", [("x", x), ("w", w), ("b", None), ("z", z)], ["y"], activation="Relu")


def test_fused_conv_1d_no_bias():
    check("FusedConv", [("x", rand((2, 3, 9))), ("w", rand((5, 3, 2), seed=1))], ["y"], activation="Relu",
          dilations=[2], pads=[1, 2])


# --- LayerNormalization / SimplifiedLayerNormalization ---------------------------------------
# onnxruntime defines these contrib ops in the default domain (LayerNormalization before opset 17).
@pytest.mark.parametrize("axis", [-1, 1])
def test_ms_layer_norm_with_stats(axis):
    x = rand((2, 3, 8))
    shape = x.shape[axis:]
    check("LayerNormalization", [("x", x), ("s", rand(shape, seed=1)), ("b", rand(shape, seed=2))],
          ["y", "mean", "inv"], domain="", opset=16, axis=axis, epsilon=1e-3)


def test_ms_simplified_layer_norm():
    x = rand((2, 3, 8))
    check("SimplifiedLayerNormalization", [("x", x), ("s", rand((8,), seed=1))], ["y", "inv"], domain="", epsilon=1e-4)


# --- SkipLayerNormalization family ------------------------------------------------------------
@pytest.mark.parametrize("with_beta,with_bias", [(True, True), (False, False), (True, False), (False, True)])
def test_skip_layer_norm_all_outputs(with_beta, with_bias):
    x, skip = rand((2, 3, 16)), rand((2, 3, 16), seed=1)
    gamma = rand((16,), seed=2)
    beta = rand((16,), seed=3) if with_beta else None
    bias = rand((16,), seed=4) if with_bias else None
    check("SkipLayerNormalization", [("x", x), ("skip", skip), ("gamma", gamma), ("beta", beta), ("bias", bias)],
          ["y", "mean", "inv", "sum"], epsilon=1e-5)


def test_skip_layer_norm_broadcast_skip():
    x = rand((2, 3, 8))
    check("SkipLayerNormalization", [("x", x), ("skip", rand((3, 8), seed=1)), ("gamma", rand((8,), seed=2))], ["y"])
    check("SkipLayerNormalization", [("x", x), ("skip", rand((1, 3, 8), seed=1)), ("gamma", rand((8,), seed=2))], ["y"])


@pytest.mark.parametrize("with_bias", [False, True])
def test_skip_simplified_layer_norm(with_bias):
    x, skip, gamma = rand((2, 3, 16)), rand((2, 3, 16), seed=1), rand((16,), seed=2)
    bias = rand((16,), seed=4) if with_bias else None
    check("SkipSimplifiedLayerNormalization", [("x", x), ("skip", skip), ("gamma", gamma), ("bias", bias)],
          ["y", "", "inv", "sum"], epsilon=1e-5)


# --- MatMulNBits ------------------------------------------------------------------------------
def pack_bits(values, bits):
    """Packs unsigned ints < 2**bits along the last axis, low bits first (ContribOperators.md)."""
    per_byte = 8 // bits
    v = values.reshape(values.shape[:-1] + (-1, per_byte)).astype(np.uint8)
    out = np.zeros(v.shape[:-1], np.uint8)
    for i in range(per_byte):
        out |= v[..., i] << (i * bits)
    return out


def nbits_inputs(K, N, bits, block, zp_kind, seed=0):
    rng = np.random.default_rng(seed)
    k_blocks = (K + block - 1) // block
    q = rng.integers(0, 2 ** bits, (N, k_blocks * block), dtype=np.uint8)
    b = pack_bits(q, bits).reshape(N, k_blocks, block * bits // 8)
    scales = rng.uniform(0.01, 0.1, (N, k_blocks)).astype(np.float32)
    if zp_kind == "packed":
        zq = rng.integers(0, 2 ** bits, (N, -(-k_blocks * bits // 8) * (8 // bits)), dtype=np.uint8)
        zp = pack_bits(zq, bits)
    elif zp_kind == "float":
        zp = rng.uniform(0, 2 ** bits - 1, (N, k_blocks)).astype(np.float32)
    else:
        zp = None
    return b, scales, zp


@pytest.mark.parametrize("bits", [4, 8])
@pytest.mark.parametrize("zp_kind", [None, "packed", "float"])
@pytest.mark.parametrize("K,block", [(64, 32), (48, 32), (40, 16)])
def test_matmul_nbits(bits, zp_kind, K, block):
    if bits == 8 and zp_kind == "float":
        pytest.skip("onnxruntime's CPU kernel rejects 8-bit weights with float zero points: no oracle")
    N = 5
    b, scales, zp = nbits_inputs(K, N, bits, block, zp_kind)
    a = rand((2, 3, K), seed=7)
    bias = rand((N,), seed=8)
    check("MatMulNBits", [("a", a), ("b", b), ("scales", scales), ("zp", zp), ("g_idx", None), ("bias", bias)], ["y"],
          constants=("b", "scales", "zp", "bias"), K=K, N=N, bits=bits, block_size=block, rtol=1e-4, atol=1e-4)


def test_matmul_nbits_no_bias_2d():
    b, scales, _ = nbits_inputs(32, 7, 4, 16, None, seed=3)
    check("MatMulNBits", [("a", rand((4, 32))), ("b", b), ("scales", scales)], ["y"], constants=("b", "scales"),
          K=32, N=7, bits=4, block_size=16, atol=1e-4)


# --- Attention (packed QKV weights) -------------------------------------------------------------
def attention_inputs(B=2, S=4, In=8, hidden=8, seed=0):
    return rand((B, S, In), seed=seed), rand((In, 3 * hidden), seed=seed + 1), rand((3 * hidden,), seed=seed + 2)


def key_lengths(B, T):
    return np.array([T, T - 2][:B], np.int32)


@pytest.mark.parametrize("mask_kind", [None, "lengths", "2d", "3d"])
@pytest.mark.parametrize("unidirectional", [0, 1])
def test_attention_masks(mask_kind, unidirectional):
    x, w, b = attention_inputs()
    B, S = 2, 4
    mask = {None: None, "lengths": key_lengths(B, S),
            "2d": np.array([[1, 1, 0, 1], [1, 1, 1, 0]], np.int32),
            "3d": (rand((B, S, S), seed=9) > -0.5).astype(np.int32)}[mask_kind]
    check("Attention", [("x", x), ("w", w), ("b", b), ("mask", mask)], ["y"], num_heads=2,
          unidirectional=unidirectional)


def test_attention_without_bias_scale_and_qkv_sizes():
    x = rand((1, 3, 6))
    w = rand((6, 8 + 8 + 4), seed=1)
    check("Attention", [("x", x), ("w", w)], ["y"], num_heads=2, qkv_hidden_sizes=[8, 8, 4], scale=0.3)


def test_attention_past_present_and_bias():
    B, S, N, P, H = 2, 3, 2, 5, 4
    x, w, b = attention_inputs(B, S, 8, N * H)
    past = rand((2, B, N, P, H), seed=5)
    check("Attention", [("x", x), ("w", w), ("b", b), ("mask", None), ("past", past)], ["y", "present"], num_heads=N,
          unidirectional=1)
    # onnxruntime rejects past together with attention_bias, so the bias gets its own model.
    abias = rand((1, N, S, S), seed=6)
    check("Attention", [("x", x), ("w", w), ("b", b), ("mask", None), ("past", None), ("ab", abias)], ["y"],
          num_heads=N)


# --- MultiHeadAttention -----------------------------------------------------------------------
@pytest.mark.parametrize("mask_kind", [None, "lengths", "2d"])
@pytest.mark.parametrize("with_bias", [False, True])
def test_mha_separate_qkv(mask_kind, with_bias):
    B, S, T, N, H = 2, 3, 4, 2, 4
    q, k, v = rand((B, S, N * H)), rand((B, T, N * H), seed=1), rand((B, T, N * H), seed=2)
    bias = rand((3 * N * H,), seed=3) if with_bias else None
    mask = {None: None, "lengths": key_lengths(B, T), "2d": np.array([[1, 0, 1, 1], [1, 1, 1, 0]], np.int32)}[mask_kind]
    check("MultiHeadAttention", [("q", q), ("k", k), ("v", v), ("bias", bias), ("mask", mask)], ["y"], num_heads=N)


def test_mha_attention_bias_and_past():
    B, S, N, H, P = 2, 3, 2, 4, 2
    q, k, v = rand((B, S, N * H)), rand((B, S, N * H), seed=1), rand((B, S, N * H), seed=2)
    ab = rand((B, 1, S, P + S), seed=4)
    pk, pv = rand((B, N, P, H), seed=5), rand((B, N, P, H), seed=6)
    check("MultiHeadAttention", [("q", q), ("k", k), ("v", v), ("bias", None), ("mask", None), ("ab", ab),
                                 ("pk", pk), ("pv", pv)], ["y", "present_k", "present_v"], num_heads=N, scale=0.4)


def test_mha_packed_kv_and_qkv_match_separate_inputs():
    # onnxruntime's CPU kernel rejects packed layouts, so its oracle runs the same data unpacked.
    B, S, T, N, H = 2, 3, 5, 2, 4
    q, kv = rand((B, S, N * H)), rand((B, T, N, 2, H), seed=1)
    k, v = kv[:, :, :, 0, :].reshape(B, T, N * H), kv[:, :, :, 1, :].reshape(B, T, N * H)
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    oracle = ort.InferenceSession(build("MultiHeadAttention", [("q", q), ("k", k), ("v", v)], ["y"], num_heads=N), so,
                                  providers=["CPUExecutionProvider"])
    packed_kv = onyxrt.InferenceSession(build("MultiHeadAttention", [("q", q), ("kv", kv)], ["y"], num_heads=N))
    np.testing.assert_allclose(packed_kv.run(None, {"q": q, "kv": kv})[0],
                               oracle.run(None, {"q": q, "k": k, "v": v})[0], rtol=1e-4, atol=1e-5)
    qkv = rand((B, S, N, 3, H), seed=2)
    q3, k3, v3 = (qkv[:, :, :, i, :].reshape(B, S, N * H) for i in range(3))
    packed_qkv = onyxrt.InferenceSession(build("MultiHeadAttention", [("qkv", qkv)], ["y"], num_heads=N))
    np.testing.assert_allclose(packed_qkv.run(None, {"qkv": qkv})[0],
                               ort.InferenceSession(build("MultiHeadAttention", [("q", q3), ("k", k3), ("v", v3)], ["y"],
                                                          num_heads=N), so).run(None, {"q": q3, "k": k3, "v": v3})[0],
                               rtol=1e-4, atol=1e-5)
