"""Quantization (QuantizeLinear/DequantizeLinear in every mode and type, DynamicQuantizeLinear,
QLinearConv, QLinearMatMul, MatMulInteger), signal (DFT, STFT, windows, MelWeightMatrix), string
ops and the random ops. Deterministic ops are compared with onnxruntime, or with the ONNX
reference evaluator where onnxruntime lacks the kernel (float8, int4, blocked); random ops are
checked for shape, type, range, reproducibility with `seed` and rough distribution."""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from single_node_models import assert_same, check, make_model, rand, run_onyxrt

FLOAT8 = [TensorProto.FLOAT8E4M3FN, TensorProto.FLOAT8E4M3FNUZ, TensorProto.FLOAT8E5M2, TensorProto.FLOAT8E5M2FNUZ]


def check_ref(nodes, inputs, outputs, opset, initializers=(), rtol=1e-6, atol=0.0):
    """Like check() but always against the ONNX reference evaluator; atol covers results that
    should be 0 and come out as rounding noise (DFT bins, window ends)."""
    model = make_model(nodes, inputs, outputs, opset, initializers)
    want = [w.astype(object) if w.dtype.kind == "U" else w for w in ReferenceEvaluator(model).run(None, inputs)]
    got = run_onyxrt(model, inputs)
    if atol == 0:
        assert_same(got, want, rtol)
        return
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


@pytest.mark.parametrize("zp_type", [TensorProto.UINT8, TensorProto.INT8, TensorProto.UINT16, TensorProto.INT16])
@pytest.mark.parametrize("opset", [13, 19, 21])
def test_quantize_per_tensor_and_per_axis(zp_type, opset):
    if opset < 21 and zp_type in (TensorProto.UINT16, TensorProto.INT16):
        pytest.skip("16-bit types arrive in opset 21")
    x = rand((2, 3, 4), np.float32, lo=-300, hi=300)
    x[0, 0, :3] = [0.5, 1.5, 2.5]  # ties round to even
    for scale, zp in [(np.array(2.0, np.float32), 3), (np.array([1.0, 0.5, 4.0], np.float32), [1, 2, 3])]:
        zp_arr = numpy_helper.to_array(helper.make_tensor("zp", zp_type, np.shape(zp), np.atleast_1d(zp).tolist()))
        node = helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"], axis=1)
        check_ref(node, {"x": x, "s": scale, "zp": zp_arr.reshape(np.shape(zp))}, {"y": None}, opset)


@pytest.mark.parametrize("x_type", [TensorProto.UINT8, TensorProto.INT8, TensorProto.INT32])
def test_dequantize_matches_onnxruntime(x_type):
    x = rand((2, 3, 4), helper.tensor_dtype_to_np_dtype(x_type), lo=-100, hi=200)
    s = np.array([0.5, 2.0, 0.25], np.float32)
    inputs = {"x": x, "s": s}
    names = ["x", "s"]
    if x_type != TensorProto.INT32:
        inputs["zp"] = np.array([1, 2, 3], x.dtype)
        names.append("zp")
    check(helper.make_node("DequantizeLinear", names, ["y"], axis=1), inputs, {"y": None}, opset=13)


@pytest.mark.parametrize("to", FLOAT8)
@pytest.mark.parametrize("saturate", [0, 1])
def test_float8_quantize_round_trip_matches_reference(to, saturate):
    """float -> float8 (with and without saturate) -> float, against onnx's conversions."""
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0, 50, 200), rng.normal(0, 1e-3, 50), [0, -0.0, 1e6, -1e6, np.inf, -np.inf, 448, 464,
                        465, 57344, 61440, 240, 247]]).astype(np.float32)
    zp_init = helper.make_tensor("zp", to, [], [0.0])
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], saturate=saturate),
             helper.make_node("DequantizeLinear", ["q", "s"], ["y"])]
    model = make_model(nodes, {"x": x, "s": np.array(1.0, np.float32)}, {"y": TensorProto.FLOAT}, 21, [zp_init])
    want = ReferenceEvaluator(model).run(None, {"x": x, "s": np.array(1.0, np.float32)})[0]
    got = run_onyxrt(model, {"x": x, "s": np.array(1.0, np.float32)})[0]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[~np.isnan(got)], want[~np.isnan(want)])


@pytest.mark.parametrize("dt", FLOAT8 + [TensorProto.INT4, TensorProto.UINT4])
def test_dequantize_every_code(dt):
    """Every bit pattern of the 8-bit (and 4-bit) types decodes as onnx decodes it."""
    bits = 8 if dt in FLOAT8 else 4
    n = 1 << bits
    if bits == 8:
        raw = bytes(range(256))
    else:
        raw = bytes((2 * i) | ((2 * i + 1) << 4) for i in range(8))
    x_init = helper.make_tensor("x", dt, [n], raw, raw=True)
    node = helper.make_node("DequantizeLinear", ["x", "s"], ["y"])
    s = np.array(2.0, np.float32)
    model = make_model(node, {"s": s}, {"y": TensorProto.FLOAT}, 21, [x_init])
    want = ReferenceEvaluator(model).run(None, {"s": s})[0]
    got = run_onyxrt(model, {"s": s})[0]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[~np.isnan(got)], want[~np.isnan(want)])


@pytest.mark.parametrize("dt", [TensorProto.INT4, TensorProto.UINT4, TensorProto.INT8, TensorProto.UINT16])
def test_blocked_quantize_dequantize(dt):
    x = rand((3, 7), np.float32, lo=-20, hi=20)
    s = rand((3, 3), np.float32, seed=2, lo=0.5, hi=3)  # blocks of 3 along axis 1, the last one partial
    zp = helper.make_tensor("zp", dt, [3, 3], [1, 0, 2, 1, 1, 0, 0, 2, 1])
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], axis=1, block_size=3),
             helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["y"], axis=1, block_size=3)]
    check_ref(nodes, {"x": x, "s": s}, {"y": TensorProto.FLOAT}, 21, [zp])


def test_quantize_output_dtype_without_zero_point():
    x = rand((4, 5), np.float32, lo=-10, hi=10)
    nodes = [helper.make_node("QuantizeLinear", ["x", "s"], ["q"], output_dtype=TensorProto.INT4),
             helper.make_node("DequantizeLinear", ["q", "s"], ["y"])]
    check_ref(nodes, {"x": x, "s": np.array(1.5, np.float32)}, {"y": TensorProto.FLOAT}, 21)


def test_dynamic_quantize_linear():
    for x in [rand((3, 4), np.float32, lo=-5, hi=9), rand((6,), np.float32, lo=1, hi=3)]:
        check(helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "zp"]), {"x": x},
              {"y": None, "s": None, "zp": None}, opset=11)


@pytest.mark.parametrize("a_type,b_type", [(np.uint8, np.uint8), (np.int8, np.int8), (np.uint8, np.int8)])
def test_matmul_integer(a_type, b_type):
    a = rand((2, 3, 4), a_type, lo=-128, hi=255)
    b = rand((4, 5), b_type, seed=1, lo=-128, hi=255)
    inputs = {"a": a, "b": b, "az": np.array(3, a_type), "bz": np.array(2, b_type)}
    node = helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"])
    if a_type != b_type:
        # onnxruntime's u8s8 x86 kernel saturates pairwise int16 sums, so the exact reference is the oracle.
        check_ref(node, inputs, {"y": None}, 10)
    else:
        check(node, inputs, {"y": None}, opset=10)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8])
def test_qlinear_matmul(dtype):
    a = rand((2, 3, 4), dtype, lo=-128, hi=255)
    b = rand((4, 5), dtype, seed=1, lo=-128, hi=255)
    f = np.float32
    inputs = {"a": a, "as": np.array(0.05, f), "az": np.array(3, dtype), "b": b, "bs": np.array(0.02, f),
              "bz": np.array(1, dtype), "ys": np.array(0.3, f), "yz": np.array(5, dtype)}
    node = helper.make_node("QLinearMatMul", list(inputs), ["y"])
    for opset in (10, 21):
        check(node, inputs, {"y": None}, opset=opset)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8])
def test_qlinear_conv(dtype):
    x = rand((1, 2, 5, 5), dtype, lo=-128, hi=255)
    w = rand((4, 2, 3, 3), dtype, seed=1, lo=-128, hi=127)
    f = np.float32
    inputs = {"x": x, "xs": np.array(0.05, f), "xz": np.array(2, dtype), "w": w,
              "ws": np.array([0.01, 0.02, 0.03, 0.04], f), "wz": np.array(0, dtype), "ys": np.array(0.5, f),
              "yz": np.array(7, dtype), "bias": np.array([10, -20, 30, 0], np.int32)}
    if dtype == np.int8:
        inputs["ws"] = np.array(0.02, f)  # onnxruntime's int8 kernel takes per-tensor w_scale here
    node = helper.make_node("QLinearConv", list(inputs), ["y"], pads=[1, 1, 1, 1], strides=[2, 1])
    check(node, inputs, {"y": None}, opset=10)


@pytest.mark.parametrize("opset", [17, 20])
@pytest.mark.parametrize("complex_in,onesided,inverse", [(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 0, 1), (1, 1, 0)])
def test_dft(opset, complex_in, onesided, inverse):
    x = rand((2, 6, 3, 2 if complex_in else 1), np.float32)
    inputs = {"x": x, "n": np.array(8, np.int64)}
    names = ["x", "n"]
    attrs = dict(onesided=onesided, inverse=inverse)
    if opset == 20:
        inputs["axis"] = np.array(1, np.int64)
        names.append("axis")
    else:
        attrs["axis"] = 1
    check_ref(helper.make_node("DFT", names, ["y"], **attrs), inputs, {"y": None}, opset, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("with_window", [False, True])
def test_stft(with_window):
    x = rand((2, 32, 1), np.float32)
    inputs = {"x": x, "step": np.array(6, np.int64)}
    names = ["x", "step"]
    if with_window:
        inputs["w"] = np.hanning(10).astype(np.float32)
        names.append("w")
    else:
        names += ["", "len"]
        inputs["len"] = np.array(10, np.int64)
    check_ref(helper.make_node("STFT", names, ["y"]), inputs, {"y": None}, 17, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", ["HannWindow", "HammingWindow", "BlackmanWindow"])
@pytest.mark.parametrize("periodic", [0, 1])
@pytest.mark.parametrize("out", [TensorProto.FLOAT, TensorProto.DOUBLE])
def test_windows(op, periodic, out):
    node = helper.make_node(op, ["n"], ["y"], periodic=periodic, output_datatype=out)
    check_ref(node, {"n": np.array(10, np.int64)}, {"y": None}, 17, rtol=1e-5, atol=1e-7)


def test_mel_weight_matrix():
    node = helper.make_node("MelWeightMatrix", ["bins", "dft", "rate", "lo", "hi"], ["y"])
    inputs = {"bins": np.array(8, np.int64), "dft": np.array(64, np.int64), "rate": np.array(8000, np.int64),
              "lo": np.array(20, np.float32), "hi": np.array(3000, np.float32)}
    check_ref(node, inputs, {"y": None}, 17)


@pytest.mark.parametrize("action,sensitive", [("LOWER", 0), ("UPPER", 1), ("NONE", 1)])
@pytest.mark.parametrize("shape", [(5,), (1, 5)])
def test_string_normalizer(action, sensitive, shape):
    # onnxruntime needs the en_US.UTF-8 locale installed, so the reference evaluator is the oracle;
    # single ASCII words keep its word-level stopword removal equal to the element-level one. (With
    # NONE it compares case-insensitively against the raw stopwords, against the spec, so NONE is
    # checked case-sensitive only.)
    x = np.array(["Monday", "tuesday", "monday", "MONDAY", "Friday"], dtype=object).reshape(shape)
    node = helper.make_node("StringNormalizer", ["x"], ["y"], case_change_action=action, is_case_sensitive=sensitive,
                            stopwords=["monday"])
    check_ref(node, {"x": x}, {"y": None}, 10)


def test_string_normalizer_all_removed_gives_one_empty_string():
    node = helper.make_node("StringNormalizer", ["x"], ["y"], stopwords=["a", "b"])
    check_ref(node, {"x": np.array(["a", "b"], dtype=object)}, {"y": None}, 10)


def test_string_concat_broadcasts():
    x = np.array([["a", "bc"], ["", "d"]], dtype=object)
    y = np.array(["_1", "_2"], dtype=object)
    check(helper.make_node("StringConcat", ["x", "y"], ["z"]), {"x": x, "y": y}, {"z": None}, opset=20)


@pytest.mark.parametrize("attrs", [{}, {"delimiter": ","}, {"delimiter": "--", "maxsplit": 1}, {"maxsplit": 1}])
def test_string_split(attrs):
    x = np.array([["a,b,,c", "  x  y z "], ["", "one--two--three"]], dtype=object)
    check_ref(helper.make_node("StringSplit", ["x"], ["y", "n"], **attrs), {"x": x}, {"y": None, "n": None}, 20)


def test_regex_full_match():
    x = np.array(["www.google.com", "www.facebook.com", "google.com", "abc123"], dtype=object)
    node = helper.make_node("RegexFullMatch", ["x"], ["y"], pattern=r"www\.[a-z]+\.com")
    check(node, {"x": x}, {"y": None}, opset=20)


def run_model(node, inputs, outputs, opset=15):
    return run_onyxrt(make_model(node, inputs, outputs, opset), inputs)


@pytest.mark.parametrize("op", ["RandomNormal", "RandomUniform"])
def test_random_shape_distribution_and_seed(op):
    attrs = dict(shape=[200, 50], dtype=TensorProto.DOUBLE, seed=3.0)
    attrs.update(dict(mean=2.0, scale=0.5) if op == "RandomNormal" else dict(low=-1.0, high=3.0))
    model = make_model(helper.make_node(op, [], ["y"], **attrs), {}, {"y": TensorProto.DOUBLE}, 15)
    import onyxrt

    sess = onyxrt.InferenceSession(model.SerializeToString())
    y1, y2 = sess.run(None, {})[0], sess.run(None, {})[0]
    assert y1.shape == (200, 50) and y1.dtype == np.float64
    np.testing.assert_array_equal(y1, y2)  # seeded: reproducible
    if op == "RandomNormal":
        assert abs(y1.mean() - 2.0) < 0.02 and abs(y1.std() - 0.5) < 0.02
    else:
        assert y1.min() >= -1 and y1.max() < 3 and abs(y1.mean() - 1.0) < 0.05


@pytest.mark.parametrize("op", ["RandomNormalLike", "RandomUniformLike"])
def test_random_like_takes_shape_and_type(op):
    x = np.zeros((3, 4), np.float16)
    (y,) = run_model(helper.make_node(op, ["x"], ["y"]), {"x": x}, {"y": TensorProto.FLOAT16})
    assert y.shape == (3, 4) and y.dtype == np.float16


def test_random_without_seed_differs_between_runs():
    model = make_model(helper.make_node("RandomUniform", [], ["y"], shape=[100]), {}, {"y": TensorProto.FLOAT}, 15)
    import onyxrt

    sess = onyxrt.InferenceSession(model.SerializeToString())
    assert not np.array_equal(sess.run(None, {})[0], sess.run(None, {})[0])


def test_bernoulli_frequency():
    p = np.array([0.0, 1.0, 0.3] * 4000, np.float32)
    (y,) = run_model(helper.make_node("Bernoulli", ["p"], ["y"], seed=1.0), {"p": p}, {"y": TensorProto.FLOAT})
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert (y[0::3] == 0).all() and (y[1::3] == 1).all() and abs(y[2::3].mean() - 0.3) < 0.03


def test_multinomial_frequency():
    probs = np.array([[0.1, 0.2, 0.7], [1.0, 0.0, 0.0]], np.float32)
    node = helper.make_node("Multinomial", ["x"], ["y"], sample_size=5000, seed=2.0, dtype=TensorProto.INT64)
    (y,) = run_model(node, {"x": np.log(probs + 1e-30)}, {"y": TensorProto.INT64})
    assert y.shape == (2, 5000) and y.dtype == np.int64
    np.testing.assert_allclose(np.bincount(y[0], minlength=3) / 5000, probs[0], atol=0.03)
    assert (y[1] == 0).all()


def test_unsupported_type_fails_at_session_creation():
    import onyxrt

    node = helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"])
    zp = helper.make_tensor("zp", TensorProto.FLOAT8E8M0, [], [1.0])
    model = make_model(node, {"x": np.zeros(3, np.float32), "s": np.array(1, np.float32)}, {"y": TensorProto.FLOAT8E8M0},
                       23, [zp])
    with pytest.raises(Exception, match="NOT_IMPLEMENTED|NotImplemented"):
        onyxrt.InferenceSession(model.SerializeToString())
