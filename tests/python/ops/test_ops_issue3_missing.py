"""Ops and types the ONNX backend suite reported unsupported (issue 3), on shapes and settings the
suite does not cover: float16/bfloat16 Einsum and Attention, Attention's sliding window (opset 25),
the inverse one-sided DFT (irfft), float4e2m1 / int2 / uint2 QuantizeLinear and DequantizeLinear,
CausalConvWithState and LinearAttention. The oracle is the ONNX reference evaluator (onnxruntime
has no kernel for most of these), run on the same model."""
import ml_dtypes
import numpy as np
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

from single_node_models import assert_same, make_model, run_onyxrt

BF16 = np.dtype(ml_dtypes.bfloat16)


def run_both(nodes, inputs, outputs, opset):
    model = make_model(nodes, inputs, outputs, opset)
    want = [np.asarray(w) for w in ReferenceEvaluator(model).run(None, inputs)]
    got = run_onyxrt(model, inputs)
    return got, want


def check_ref(nodes, inputs, outputs, opset, rtol=1e-5, atol=1e-6):
    got, want = run_both(nodes, inputs, outputs, opset)
    assert_same(got, want, rtol, atol)
    return got


def rnd(shape, dtype=np.float32, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape).astype(np.float32).astype(dtype)


def expect_load_error(nodes, inputs, outputs, opset, fragment):
    onyxrt = pytest.importorskip("onyxrt")
    model = make_model(nodes, inputs, outputs, opset)
    with pytest.raises(Exception) as info:
        onyxrt.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    assert fragment in str(info.value), str(info.value)


# --- Einsum in float16 / bfloat16 -------------------------------------------------------------

@pytest.mark.parametrize("dtype,opset", [(np.float16, 12), (np.float16, 28), (BF16, 28)], ids=["f16-12", "f16-28", "bf16-28"])
@pytest.mark.parametrize("eq,shapes", [("ij,jk->ik", [(3, 5), (5, 4)]), ("...ii->...i", [(2, 3, 3)]),
                                       ("bij,bjk", [(2, 0, 3), (2, 3, 4)]), ("i,i", [(7,), (7,)])], ids=str)
def test_einsum_half_types_accumulate_in_double(dtype, opset, eq, shapes):
    inputs = {f"x{i}": rnd(s, dtype, seed=i) for i, s in enumerate(shapes)}
    node = helper.make_node("Einsum", list(inputs), ["y"], equation=eq)
    got = run_onyxrt(make_model(node, inputs, {"y": None}, opset), inputs)[0]
    # Oracle: the reference on float64 copies, rounded once to the half type (what onyxrt promises).
    wide = {k: v.astype(np.float64) for k, v in inputs.items()}
    want = ReferenceEvaluator(make_model(node, wide, {"y": None}, opset)).run(None, wide)[0].astype(dtype)
    assert got.dtype == dtype and got.shape == want.shape
    np.testing.assert_array_equal(got.astype(np.float64), want.astype(np.float64))


def test_einsum_int8_is_rejected_at_load():
    x = np.ones((2, 2), np.int8)
    expect_load_error(helper.make_node("Einsum", ["x"], ["y"], equation="ij->ji"), {"x": x}, {"y": TensorProto.INT8},
                      12, "element type")


# --- Attention: float16 / bfloat16 and the opset 25 sliding window ----------------------------

def attention_inputs(dtype, b=2, qh=4, kvh=2, qs=5, ks=7, d=8, past=0, three_d=False, seed=0):
    if three_d:
        q, k, v = rnd((b, qs, qh * d), dtype, seed), rnd((b, ks, kvh * d), dtype, seed + 1), rnd((b, ks, kvh * d), dtype, seed + 2)
    else:
        q, k, v = rnd((b, qh, qs, d), dtype, seed), rnd((b, kvh, ks, d), dtype, seed + 1), rnd((b, kvh, ks, d), dtype, seed + 2)
    feeds = {"Q": q, "K": k, "V": v}
    if past:
        feeds["past_key"] = rnd((b, kvh, past, d), dtype, seed + 3)
        feeds["past_value"] = rnd((b, kvh, past, d), dtype, seed + 4)
    return feeds


def attention_node(feeds, outputs=("Y",), **attrs):
    names = ["Q", "K", "V", feeds.get("mask_name", "")]
    if "past_key" in feeds:
        names += ["past_key", "past_value"]
    while names and names[-1] == "":
        names.pop()
    return helper.make_node("Attention", names, list(outputs), **attrs)


@pytest.mark.parametrize("left,right", [(2, -1), (-1, 1), (0, 0), (1, 3), (100, 100)], ids=str)
@pytest.mark.parametrize("causal", [0, 1])
@pytest.mark.parametrize("past", [0, 3])
def test_attention_window_matches_reference(left, right, causal, past):
    feeds = attention_inputs(np.float32, past=past)
    outs = ("Y", "present_key", "present_value", "qk") if past else ("Y", "", "", "qk")
    node = attention_node(feeds, outs, is_causal=causal, left_window_size=left, right_window_size=right,
                          qk_matmul_output_mode=3)
    check_ref(node, feeds, {o: None for o in outs if o}, 25, rtol=1e-5, atol=1e-6)


def test_attention_window_fully_masked_rows_give_zeros():
    # right window 0 with a causal offset of -2 (q longer than k): early queries see no key.
    feeds = attention_inputs(np.float32, qs=6, ks=3)
    node = attention_node(feeds, ("Y",), left_window_size=0, right_window_size=0)
    got = check_ref(node, feeds, {"Y": None}, 25)
    assert np.all(got[0][:, :, 3:, :] == 0)


@pytest.mark.parametrize("dtype", [np.float16, BF16], ids=["f16", "bf16"])
@pytest.mark.parametrize("three_d", [False, True])
def test_attention_half_types_close_to_float_reference(dtype, three_d):
    feeds = attention_inputs(dtype, three_d=three_d, past=0 if three_d else 2)
    attrs = {"q_num_heads": 4, "kv_num_heads": 2} if three_d else {}
    outs = ("Y",) if three_d else ("Y", "present_key", "present_value")
    node = attention_node(feeds, outs, is_causal=1, **attrs)
    got = run_onyxrt(make_model(node, feeds, {o: None for o in outs}, 23), feeds)
    wide = {k: v.astype(np.float32) for k, v in feeds.items()}
    want = ReferenceEvaluator(make_model(node, wide, {o: None for o in outs}, 23)).run(None, wide)
    tol = 2e-3 if dtype == np.float16 else 2e-2
    for g, w in zip(got, want):
        assert g.dtype == dtype
        np.testing.assert_allclose(g.astype(np.float32), w, rtol=tol, atol=tol)


# --- DFT: inverse + onesided (irfft) ----------------------------------------------------------

@pytest.mark.parametrize("bins,length", [(5, None), (5, 9), (5, 3), (1, 1), (4, 12), (6, 10)], ids=str)
@pytest.mark.parametrize("complex_in", [True, False])
def test_dft_irfft_lengths(bins, length, complex_in):
    x = rnd((2, bins, 3, 2 if complex_in else 1), seed=bins)
    inputs = {"x": x}
    names = ["x"]
    if length is not None:
        inputs["n"] = np.array(length, np.int64)
        names.append("n")
    names += [""] * (2 - len(names)) + ["axis"]
    inputs["axis"] = np.array(1, np.int64)
    node = helper.make_node("DFT", names, ["y"], inverse=1, onesided=1)
    got = check_ref(node, inputs, {"y": TensorProto.FLOAT}, 20, rtol=1e-4, atol=1e-5)
    assert got[0].shape[-1] == 1


def test_dft_irfft_opset17_axis_attribute():
    x = rnd((3, 4, 2), np.float64, seed=3)
    check_ref(helper.make_node("DFT", ["x"], ["y"], inverse=1, onesided=1, axis=1), {"x": x}, {"y": TensorProto.DOUBLE}, 17,
              rtol=1e-9, atol=1e-12)


# --- QuantizeLinear / DequantizeLinear: float4e2m1, int2, uint2 -------------------------------

SUBBYTE = {"int2": TensorProto.INT2, "uint2": TensorProto.UINT2, "float4e2m1": TensorProto.FLOAT4E2M1}


@pytest.mark.parametrize("kind", list(SUBBYTE))
@pytest.mark.parametrize("shape,axis,block", [((7,), 0, 0), ((3, 5), 1, 0), ((2, 9), 1, 4), ((1, 1), 0, 0)], ids=str)
def test_quantize_dequantize_subbyte_round_trip(kind, shape, axis, block):
    x = rnd(shape, seed=len(shape), lo=-8, hi=8)
    if block:
        sshape = list(shape)
        sshape[axis] = -(-shape[axis] // block)
    else:
        sshape = [shape[axis]] if len(shape) > 1 else []
    scale = rnd(sshape, seed=5, lo=0.5, hi=2.0)
    inputs = {"x": x, "scale": scale}
    names = ["x", "scale"]
    if kind != "float4e2m1":
        zp_type = ml_dtypes.int2 if kind == "int2" else ml_dtypes.uint2
        lo, hi = (-2, 1) if kind == "int2" else (0, 3)
        inputs["zp"] = np.random.default_rng(6).integers(lo, hi + 1, sshape).astype(zp_type)
        names.append("zp")
        attrs = {}
    else:
        attrs = {"output_dtype": SUBBYTE[kind]}
    q_node = helper.make_node("QuantizeLinear", names, ["q"], axis=axis, block_size=block, **attrs)
    dq_node = helper.make_node("DequantizeLinear", ["q"] + names[1:], ["y"], axis=axis, block_size=block)
    model = make_model([q_node, dq_node], inputs, {"q": SUBBYTE[kind], "y": TensorProto.FLOAT}, 25)
    want = ReferenceEvaluator(model).run(None, inputs)
    got = run_onyxrt(model, inputs)
    np.testing.assert_array_equal(got[0].astype(np.float32), np.asarray(want[0]).astype(np.float32))
    np.testing.assert_array_equal(got[1], want[1])


# --- CausalConvWithState ----------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 4])
@pytest.mark.parametrize("length", [1, 3, 6])
@pytest.mark.parametrize("activation", ["none", "silu"])
@pytest.mark.parametrize("with_past,with_bias", [(False, False), (True, True), (True, False)])
def test_causal_conv_with_state_shapes(k, length, activation, with_past, with_bias):
    b, c = 2, 3
    inputs = {"x": rnd((b, c, length), seed=1), "w": rnd((c, 1, k), seed=2)}
    names = ["x", "w", "", ""]
    if with_bias:
        inputs["bias"] = rnd((c,), seed=3)
        names[2] = "bias"
    if with_past:
        inputs["past"] = rnd((b, c, k - 1), seed=4)
        names[3] = "past"
    while names[-1] == "":
        names.pop()
    node = helper.make_node("CausalConvWithState", names, ["y", "state"], activation=activation)
    check_ref(node, inputs, {"y": TensorProto.FLOAT, "state": TensorProto.FLOAT}, 27)


def test_causal_conv_with_state_float16():
    inputs = {"x": rnd((1, 4, 5), np.float16, seed=1), "w": rnd((4, 1, 3), np.float16, seed=2)}
    node = helper.make_node("CausalConvWithState", ["x", "w"], ["y", "state"], activation="swish")
    check_ref(node, inputs, {"y": TensorProto.FLOAT16, "state": TensorProto.FLOAT16}, 27, rtol=2e-3, atol=2e-3)


def test_causal_conv_with_state_rejects_double_at_load():
    inputs = {"x": np.zeros((1, 2, 3)), "w": np.zeros((2, 1, 2))}
    expect_load_error(helper.make_node("CausalConvWithState", ["x", "w"], ["y"]), inputs, {"y": TensorProto.DOUBLE}, 27,
                      "element type")


# --- LinearAttention --------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ["linear", "gated", "delta", "gated_delta"])
@pytest.mark.parametrize("qh,kvh", [(2, 2), (4, 2), (3, 1)], ids=str)
@pytest.mark.parametrize("per_dim_decay,beta_scalar", [(False, False), (True, True)])
@pytest.mark.parametrize("with_past", [False, True])
def test_linear_attention_rules(rule, qh, kvh, per_dim_decay, beta_scalar, with_past):
    b, t, dk, dv = 2, 4, 3, 5
    inputs = {"q": rnd((b, t, qh * dk), seed=1), "k": rnd((b, t, kvh * dk), seed=2), "v": rnd((b, t, kvh * dv), seed=3)}
    names = ["q", "k", "v", "", "", ""]
    if with_past:
        inputs["past"] = rnd((b, kvh, dk, dv), seed=4)
        names[3] = "past"
    if rule in ("gated", "gated_delta"):
        inputs["decay"] = rnd((b, t, kvh * dk if per_dim_decay else kvh), seed=5, lo=-1.0, hi=0.0)
        names[4] = "decay"
    if rule in ("delta", "gated_delta"):
        inputs["beta"] = rnd((b, t, 1 if beta_scalar else kvh), seed=6, lo=0.0, hi=1.0)
        names[5] = "beta"
    while names[-1] == "":
        names.pop()
    node = helper.make_node("LinearAttention", names, ["y", "state"], q_num_heads=qh, kv_num_heads=kvh, update_rule=rule)
    check_ref(node, inputs, {"y": TensorProto.FLOAT, "state": TensorProto.FLOAT}, 27, rtol=1e-4, atol=1e-5)


def test_linear_attention_float16_state_type_follows_past():
    b, t, h, d = 1, 3, 2, 4
    inputs = {"q": rnd((b, t, h * d), np.float16, 1), "k": rnd((b, t, h * d), np.float16, 2),
              "v": rnd((b, t, h * d), np.float16, 3), "past": rnd((b, h, d, d), np.float32, 4)}
    node = helper.make_node("LinearAttention", ["q", "k", "v", "past"], ["y", "state"], q_num_heads=h, kv_num_heads=h,
                            update_rule="linear", scale=0.5)
    got = check_ref(node, inputs, {"y": TensorProto.FLOAT16, "state": TensorProto.FLOAT}, 27, rtol=2e-3, atol=2e-3)
    assert got[1].dtype == np.float32


def test_linear_attention_missing_decay_is_rejected_at_load():
    x = rnd((1, 2, 4))
    expect_load_error(helper.make_node("LinearAttention", ["x", "x", "x"], ["y"], q_num_heads=1, kv_num_heads=1,
                                       update_rule="gated"), {"x": x}, {"y": TensorProto.FLOAT}, 27, "decay")
