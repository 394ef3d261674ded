"""Element-wise math, activations, comparison, logic, bitwise, Pow, Mod, Clip, Where and variadic
Max/Min/Sum/Mean: onyxrt against onnxruntime (or the onnx reference evaluator where onnxruntime
has no kernel) on single-node models, over every dtype the schemas allow, broadcasting of rank 0
and rank 6, empty tensors, NaN/Inf and negative values."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from single_node_models import make_model, rand, run_onyxrt, run_oracle

FLOATS = [np.float32, np.float64, np.float16]
SIGNED = [np.int8, np.int16, np.int32, np.int64]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]
INTS = SIGNED + UNSIGNED
NUMERIC = FLOATS + INTS
SHAPES = [(), (0, 3), (2, 3, 1, 2, 1, 3), (257,)]
BROADCAST = [((2, 3), (2, 3)), ((), (3, 2)), ((5,), ()), ((2, 1, 3), (4, 1)),
             ((2, 3, 1, 4, 1, 2), (3, 1, 5, 2)), ((0, 3), (1, 3)), ((2, 0, 1), (3,))]


def dname(d):
    return np.dtype(d).name if not isinstance(d, str) else d


def oracle(model, feeds):
    """onnxruntime, or the reference evaluator where onnxruntime has no kernel for the type or
    fails on its own inserted casts (float16 Softplus/Softsign)."""
    try:
        return run_oracle(model, feeds)
    except Exception as e:
        if "INVALID_GRAPH" not in str(e) and "NOT_IMPLEMENTED" not in str(e):
            raise
    from onnx.reference import ReferenceEvaluator

    return ReferenceEvaluator(model).run(None, feeds)


def compare(nodes, feeds, outputs, opset, rtol=1e-5, atol=0.0, want=None):
    """Runs the model on onyxrt and compares with `want`, or with the oracle when None."""
    feeds = {k: np.asarray(v) for k, v in feeds.items()}
    model = make_model(nodes, feeds, outputs, opset)
    if want is None:
        want = oracle(model, feeds)
    got = run_onyxrt(model, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        if np.issubdtype(w.dtype, np.floating):
            np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol)
        else:
            np.testing.assert_array_equal(g, w)


def tol(dtype):
    return (1e-3, 1e-3) if dtype == np.float16 else (1e-5, 1e-6)


def with_specials(x):
    """Puts NaN, +-Inf and a negative zero in the first elements of a float array."""
    x = np.array(x, copy=True)
    flat = x.reshape(-1)
    for i, v in enumerate([np.nan, np.inf, -np.inf, -0.0][: flat.size]):
        flat[i] = v
    return x


# (op, first opset, dtypes, input range). Ranges keep the functions inside their domains except
# where NaN/Inf are the point.
UNARY = [
    ("Abs", 13, NUMERIC, (-9, 9)), ("Neg", 13, FLOATS + SIGNED, (-9, 9)), ("Exp", 13, FLOATS, (-5, 5)),
    ("Log", 13, FLOATS, (0.01, 9)), ("Sqrt", 13, FLOATS, (0, 9)), ("Reciprocal", 13, FLOATS, (0.5, 4)),
    ("Floor", 13, FLOATS, (-9, 9)), ("Ceil", 13, FLOATS, (-9, 9)), ("Round", 11, FLOATS, (-9, 9)),
    ("Sign", 13, NUMERIC, (-9, 9)), ("Erf", 13, FLOATS, (-3, 3)), ("Sin", 7, FLOATS, (-6, 6)),
    ("Cos", 7, FLOATS, (-6, 6)), ("Tan", 7, FLOATS, (-1.4, 1.4)), ("Asin", 7, FLOATS, (-1, 1)),
    ("Acos", 7, FLOATS, (-1, 1)), ("Atan", 7, FLOATS, (-9, 9)), ("Sinh", 9, FLOATS, (-5, 5)),
    ("Cosh", 9, FLOATS, (-5, 5)), ("Asinh", 9, FLOATS, (-9, 9)), ("Acosh", 9, FLOATS, (1, 9)),
    ("Atanh", 9, FLOATS, (-0.99, 0.99)),
]


@pytest.mark.parametrize("op,opset,dtype,rng", [(o, v, d, r) for o, v, ds, r in UNARY for d in ds],
                         ids=lambda v: dname(v) if not isinstance(v, (int, tuple)) else None)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_math(op, opset, dtype, rng, shape):
    lo, hi = rng
    if np.dtype(dtype).kind == "u":
        lo = max(lo, 0)
    x = rand(shape, dtype, seed=1, lo=lo, hi=hi)
    if op == "Round" and np.dtype(dtype).kind == "f" and x.size > 3:
        x.reshape(-1)[:4] = [0.5, 1.5, 2.5, -2.5]  # halves go to even
    rtol, atol = tol(dtype)
    compare(helper.make_node(op, ["x"], ["y"]), {"x": x}, {"y": None}, opset, rtol, atol)


@pytest.mark.parametrize("op", ["Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Round",
                                "Erf", "Sin", "Cos", "Atan", "Sinh", "Cosh", "Asinh", "Sign"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=dname)
def test_unary_nan_inf(op, dtype):
    x = with_specials(rand((3, 4), dtype, seed=2, lo=-3, hi=3))
    compare(helper.make_node(op, ["x"], ["y"]), {"x": x}, {"y": None}, 13 if op != "Round" else 11, 1e-5, 1e-6)


@pytest.mark.parametrize("op", ["Exp", "Sqrt", "Sin", "Round", "Abs", "Erf"])
def test_unary_bfloat16_through_cast(op):
    x = rand((3, 5), np.float32, seed=3, lo=0, hi=3)
    nodes = [helper.make_node("Cast", ["x"], ["x16"], to=TensorProto.BFLOAT16),
             helper.make_node(op, ["x16"], ["y16"]),
             helper.make_node("Cast", ["y16"], ["y"], to=TensorProto.FLOAT)]
    compare(nodes, {"x": x}, {"y": None}, 22, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16], ids=dname)
@pytest.mark.parametrize("attrs", [{}, {"detect_positive": 0}, {"detect_negative": 0}], ids=str)
def test_isinf_isnan(dtype, attrs):
    x = with_specials(rand((2, 3, 1, 1, 2, 2), dtype, seed=4))
    compare(helper.make_node("IsInf", ["x"], ["y"], **attrs), {"x": x}, {"y": None}, 20)
    compare(helper.make_node("IsNaN", ["x"], ["y"]), {"x": x}, {"y": None}, 13)


def test_not():
    x = rand((2, 0, 3), np.bool_, seed=5)
    compare(helper.make_node("Not", ["x"], ["y"]), {"x": x}, {"y": None}, 1)
    x = rand((3, 1, 2, 1, 2, 2), np.bool_, seed=5)
    compare(helper.make_node("Not", ["x"], ["y"]), {"x": x}, {"y": None}, 1)


ACTIVATIONS = [
    ("Elu", 6, {}), ("Elu", 22, {"alpha": 0.5}), ("Selu", 6, {}), ("Selu", 6, {"alpha": 2.0, "gamma": 3.0}),
    ("Celu", 12, {"alpha": 1.5}), ("LeakyRelu", 16, {}), ("LeakyRelu", 6, {"alpha": 0.3}),
    ("HardSigmoid", 6, {}), ("HardSigmoid", 22, {"alpha": 0.1, "beta": 0.3}), ("HardSwish", 14, {}),
    ("Mish", 18, {}), ("Softplus", 1, {}), ("Softsign", 1, {}), ("Gelu", 20, {}),
    ("Gelu", 20, {"approximate": "tanh"}), ("ThresholdedRelu", 10, {}), ("ThresholdedRelu", 10, {"alpha": 0.5}),
    ("Swish", 24, {}), ("Swish", 24, {"alpha": 0.7}),
]


@pytest.mark.parametrize("op,opset,attrs", ACTIVATIONS, ids=lambda v: str(v))
@pytest.mark.parametrize("dtype", FLOATS, ids=dname)
@pytest.mark.parametrize("shape", [(), (0, 2), (2, 1, 3, 1, 2, 3), (300,)], ids=str)
def test_activations(op, opset, attrs, dtype, shape):
    if op == "Celu" and dtype != np.float32:
        opset = 28  # Celu took only float before opset 28
    x = rand(shape, dtype, seed=6, lo=-40, hi=40) if len(shape) == 1 else rand(shape, dtype, seed=6, lo=-4, hi=4)
    rtol, atol = tol(dtype)
    if op == "Swish":
        atol = max(atol, 1e-5)  # onnxruntime expands Swish into its approximate Sigmoid
    want = None
    if op == "Softsign" and (dtype != np.float32 or x.ndim == 0):
        # onnxruntime has only a float kernel and the reference evaluator fails on rank 0.
        want = [np.asarray(x / (1 + np.abs(x)), dtype=dtype)]
    compare(helper.make_node(op, ["x"], ["y"], **attrs), {"x": x}, {"y": None}, opset, rtol, atol, want)


@pytest.mark.parametrize("op", ["Elu", "Softplus", "Softsign", "HardSigmoid", "Mish", "Gelu"])
def test_activations_nan_inf(op):
    x = with_specials(rand((2, 4), np.float32, seed=7))
    compare(helper.make_node(op, ["x"], ["y"]), {"x": x}, {"y": None}, 20 if op == "Gelu" else 18)


@pytest.mark.parametrize("dtype", FLOATS + [np.int32, np.int64, np.uint32, np.uint64], ids=dname)
@pytest.mark.parametrize("xs,ss", [((2, 3, 4, 5), (3, 1, 1)), ((2, 3, 4, 5), (5,)), ((2, 3), ()),
                                   ((1, 2, 1, 3, 1, 2), (2, 1, 3, 1, 1)), ((0, 3), (3,))], ids=str)
def test_prelu(dtype, xs, ss):
    x = rand(xs, dtype, seed=8, lo=-5 if np.dtype(dtype).kind != "u" else 0, hi=5)
    s = rand(ss, dtype, seed=9, lo=0, hi=3)
    rtol, atol = tol(dtype)
    compare(helper.make_node("PRelu", ["x", "s"], ["y"]), {"x": x, "s": s}, {"y": None}, 16, rtol, atol)


@pytest.mark.parametrize("op", ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"])
@pytest.mark.parametrize("dtype", NUMERIC, ids=dname)
@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
def test_comparison(op, dtype, shapes):
    a = rand(shapes[0], dtype, seed=10, lo=0, hi=3)
    b = rand(shapes[1], dtype, seed=11, lo=0, hi=3)
    if np.dtype(dtype).kind == "f" and a.size > 2:
        a.reshape(-1)[:3] = [np.nan, np.inf, -np.inf]
    compare(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b}, {"y": None}, 16)


@pytest.mark.parametrize("op", ["Equal", "Less", "Greater"])
@pytest.mark.parametrize("opset", [7, 9, 11])
def test_comparison_older_opsets(op, opset):
    dtype = np.int64 if op == "Equal" and opset < 11 else np.float32
    a, b = rand((3, 1, 4), dtype, seed=12, lo=0, hi=3), rand((2, 1), dtype, seed=13, lo=0, hi=3)
    compare(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b}, {"y": None}, opset)


def test_equal_bool_and_string():
    a, b = rand((2, 3), np.bool_, seed=14), rand((3,), np.bool_, seed=15)
    compare(helper.make_node("Equal", ["a", "b"], ["y"]), {"a": a, "b": b}, {"y": None}, 13)
    s = np.array([["a", "bc"], ["", "x"]], dtype=object)
    t = np.array(["a", "x"], dtype=object)
    compare(helper.make_node("Equal", ["a", "b"], ["y"]), {"a": s, "b": t}, {"y": None}, 19)


@pytest.mark.parametrize("op", ["And", "Or", "Xor"])
@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
def test_logical(op, shapes):
    a, b = rand(shapes[0], np.bool_, seed=16), rand(shapes[1], np.bool_, seed=17)
    compare(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b}, {"y": None}, 7)


@pytest.mark.parametrize("op,fn", [("And", np.logical_and), ("Or", np.logical_or), ("Xor", np.logical_xor),
                                   ("Equal", np.equal)])
def test_logical_legacy_broadcast(op, fn):
    """Opset 1 broadcast=1 aligns B with A at `axis`: onnxruntime has no such kernel, numpy is the oracle."""
    a, b = rand((2, 3, 4), np.bool_, seed=18), rand((3,), np.bool_, seed=19)
    if op == "Equal":
        a, b = a.astype(np.int32), b.astype(np.int32)
    model = make_model(helper.make_node(op, ["a", "b"], ["y"], broadcast=1, axis=1), {"a": a, "b": b},
                       {"y": TensorProto.BOOL}, 1)
    (got,) = run_onyxrt(model, {"a": a, "b": b})
    np.testing.assert_array_equal(got, fn(a, b.reshape(1, 3, 1)))


@pytest.mark.parametrize("op", ["BitwiseAnd", "BitwiseOr", "BitwiseXor"])
@pytest.mark.parametrize("dtype", INTS, ids=dname)
@pytest.mark.parametrize("shapes", BROADCAST[:5], ids=str)
def test_bitwise(op, dtype, shapes):
    info = np.iinfo(dtype)
    a = rand(shapes[0], dtype, seed=20, lo=max(info.min, -1000), hi=min(info.max, 1000))
    b = rand(shapes[1], dtype, seed=21, lo=max(info.min, -1000), hi=min(info.max, 1000))
    compare(helper.make_node(op, ["a", "b"], ["y"]), {"a": a, "b": b}, {"y": None}, 18)


@pytest.mark.parametrize("dtype", INTS, ids=dname)
def test_bitwise_not(dtype):
    info = np.iinfo(dtype)
    x = rand((2, 1, 3, 1, 1, 2), dtype, seed=22, lo=max(info.min, -1000), hi=min(info.max, 1000))
    compare(helper.make_node("BitwiseNot", ["x"], ["y"]), {"x": x}, {"y": None}, 18)


@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
@pytest.mark.parametrize("dtype", UNSIGNED, ids=dname)
def test_bitshift_unsigned(direction, dtype):
    bits = np.iinfo(dtype).bits
    x = rand((3, 4), dtype, seed=23, lo=0, hi=200)
    s = rand((4,), dtype, seed=24, lo=0, hi=bits - 1)
    compare(helper.make_node("BitShift", ["x", "s"], ["y"], direction=direction), {"x": x, "s": s}, {"y": None}, 11)


@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
@pytest.mark.parametrize("dtype", INTS, ids=dname)
def test_bitshift_opset28_out_of_range(direction, dtype):
    """Opset 28 adds signed types; shift amounts outside [0, bits) follow the reference evaluator."""
    bits = np.iinfo(dtype).bits
    lo = -100 if np.dtype(dtype).kind == "i" else 0
    x = rand((2, 5), dtype, seed=25, lo=lo, hi=100)
    s = np.array([0, 1, bits - 1, bits, bits + 3], dtype=dtype)
    if np.dtype(dtype).kind == "i":
        s[4] = -2
    compare(helper.make_node("BitShift", ["x", "s"], ["y"], direction=direction), {"x": x, "s": s}, {"y": None}, 28)


POW_BASES = [np.float32, np.float64, np.float16, np.int32, np.int64]
POW_EXPONENTS = [np.float32, np.float64, np.float16, np.int8, np.int16, np.int32, np.int64, np.uint8,
                 np.uint16, np.uint32, np.uint64]


@pytest.mark.parametrize("tb", POW_BASES, ids=dname)
@pytest.mark.parametrize("te", POW_EXPONENTS, ids=dname)
def test_pow_mixed_types(tb, te):
    b = rand((2, 3, 1), tb, seed=26, lo=1, hi=4)
    e = rand((1, 4), te, seed=27, lo=0, hi=3)
    rtol, atol = tol(tb)
    compare(helper.make_node("Pow", ["b", "e"], ["y"]), {"b": b, "e": e}, {"y": None}, 15, rtol, atol)


@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
def test_pow_broadcast_negative_base(shapes):
    b = rand(shapes[0], np.float32, seed=28, lo=-3, hi=3)
    e = np.round(rand(shapes[1], np.float32, seed=29, lo=-2, hi=3))
    compare(helper.make_node("Pow", ["b", "e"], ["y"]), {"b": b, "e": e}, {"y": None}, 7)


@pytest.mark.parametrize("fmod", [0, 1])
@pytest.mark.parametrize("dtype", INTS, ids=dname)
def test_mod_integers(fmod, dtype):
    signed = np.dtype(dtype).kind == "i"
    a = rand((3, 4), dtype, seed=30, lo=-50 if signed else 0, hi=50)
    b = rand((4,), dtype, seed=31, lo=1, hi=9)
    if signed:
        b = b * np.array([1, -1, 1, -1], dtype=dtype)
    compare(helper.make_node("Mod", ["a", "b"], ["y"], fmod=fmod), {"a": a, "b": b}, {"y": None}, 13)


@pytest.mark.parametrize("dtype", FLOATS, ids=dname)
@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
def test_mod_float_fmod(dtype, shapes):
    a = rand(shapes[0], dtype, seed=32, lo=-9, hi=9)
    b = rand(shapes[1], dtype, seed=33, lo=0.5, hi=3) * (-1 if len(shapes[1]) % 2 else 1)
    rtol, atol = tol(dtype)
    compare(helper.make_node("Mod", ["a", "b"], ["y"], fmod=1), {"a": a, "b": b.astype(dtype)}, {"y": None}, 13,
            rtol, atol)


@pytest.mark.parametrize("op,dtype", [(op, d) for op in ["Max", "Min"] for d in NUMERIC] +
                         [(op, d) for op in ["Sum", "Mean"] for d in FLOATS], ids=dname)
@pytest.mark.parametrize("shapes", [((3, 4),), ((2, 1, 3), (), (4, 1)), ((2, 3, 1, 1, 2, 1), (1, 4, 1, 2), (2,)),
                                    ((0, 2), (1, 2))], ids=str)
def test_variadic(op, dtype, shapes):
    feeds = {f"x{i}": rand(s, dtype, seed=40 + i, lo=0, hi=9) for i, s in enumerate(shapes)}
    if np.dtype(dtype).kind == "f" and feeds["x0"].size > 1:
        feeds["x0"].reshape(-1)[0] = np.nan
    rtol, atol = tol(dtype)
    want = None
    if op == "Mean" and dtype == np.float64:  # onnxruntime lacks it and the reference evaluator cannot broadcast it
        want = [sum(np.broadcast_arrays(*feeds.values())) / len(feeds)]
    compare(helper.make_node(op, list(feeds), ["y"]), feeds, {"y": None}, 13, rtol, atol, want)


@pytest.mark.parametrize("op", ["Max", "Min", "Sum", "Mean"])
@pytest.mark.parametrize("opset", [6, 8])
def test_variadic_older_opsets(op, opset):
    feeds = {f"x{i}": rand((3, 4), np.float32, seed=50 + i) for i in range(3)}
    compare(helper.make_node(op, list(feeds), ["y"]), feeds, {"y": None}, opset)


@pytest.mark.parametrize("attrs", [{}, {"min": -1.0}, {"max": 0.5}, {"min": -0.5, "max": 1.5}], ids=str)
def test_clip_attributes(attrs):
    x = with_specials(rand((3, 4), np.float32, seed=60))
    compare(helper.make_node("Clip", ["x"], ["y"], **attrs), {"x": x}, {"y": None}, 6)


@pytest.mark.parametrize("dtype", NUMERIC, ids=dname)
@pytest.mark.parametrize("bounds", ["both", "min", "max", "none", "inverted"])
def test_clip_inputs(dtype, bounds):
    signed = np.dtype(dtype).kind != "u"
    x = rand((2, 3, 1, 2, 1, 2), dtype, seed=61, lo=-9 if signed else 0, hi=9)
    lo = np.array(-2 if signed else 2, dtype=dtype)
    hi = np.array(5, dtype=dtype)
    if bounds == "inverted":
        lo, hi = hi, lo
    names = {"both": ["x", "lo", "hi"], "min": ["x", "lo"], "max": ["x", "", "hi"], "none": ["x"],
             "inverted": ["x", "lo", "hi"]}[bounds]
    feeds = {n: v for n, v in (("x", x), ("lo", lo), ("hi", hi)) if n in names}
    compare(helper.make_node("Clip", names, ["y"]), feeds, {"y": None}, 13 if dtype != np.float16 else 12)


@pytest.mark.parametrize("dtype", NUMERIC + [np.bool_, np.complex64, object], ids=dname)
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3), (2, 3)), ((2, 1), (3,), ()), ((), (2, 2), (1, 2)),
                                    ((1, 2, 1, 3, 1, 2), (2, 1, 1, 1, 2, 1), (3, 1, 2)), ((0, 1), (1, 3), (3,))],
                         ids=str)
def test_where(dtype, shapes):
    c = rand(shapes[0], np.bool_, seed=70)
    if dtype is object:
        x = np.array(["x%d" % i for i in range(int(np.prod(shapes[1])))], dtype=object).reshape(shapes[1])
        y = np.array(["y%d" % i for i in range(int(np.prod(shapes[2])))], dtype=object).reshape(shapes[2])
    elif dtype == np.complex64:
        x = (rand(shapes[1], np.float32, seed=71) + 1j).astype(dtype)
        y = (rand(shapes[2], np.float32, seed=72) - 1j).astype(dtype)
    else:
        x, y = rand(shapes[1], dtype, seed=71, lo=0, hi=9), rand(shapes[2], dtype, seed=72, lo=0, hi=9)
    want = [np.where(c, x, y)] if dtype == np.complex64 else None  # onnxruntime has no complex Where
    compare(helper.make_node("Where", ["c", "x", "y"], ["z"]), {"c": c, "x": x, "y": y}, {"z": None}, 16, want=want)


@pytest.mark.parametrize("op,dtype,opset", [("Sqrt", np.int32, 13), ("Neg", np.uint8, 13), ("Not", np.int32, 1),
                                            ("BitShift", np.int32, 11), ("Mish", np.int64, 18)], ids=str)
def test_unsupported_type_fails_at_session_creation(op, dtype, opset):
    onyxrt = pytest.importorskip("onyxrt")
    x = rand((2,), dtype, seed=80)
    node = helper.make_node(op, ["x", "x"] if op == "BitShift" else ["x"], ["y"],
                            **({"direction": "LEFT"} if op == "BitShift" else {}))
    model = make_model(node, {"x": x}, {"y": helper.np_dtype_to_tensor_dtype(np.dtype(dtype))}, opset)
    with pytest.raises(Exception, match=op):
        onyxrt.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
