"""NN ops (Conv, pools, BatchNormalization, Softmax, MatMul, Gemm) on single-node models, run on
onyxrt and on onnxruntime and compared, across the opset versions whose attributes differ."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

ort = pytest.importorskip("onnxruntime")
onyxrt = pytest.importorskip("onyxrt")

RTOL, ATOL = 1e-4, 1e-5
NP_TO_ONNX = {
    np.float32: TensorProto.FLOAT,
    np.float64: TensorProto.DOUBLE,
    np.int32: TensorProto.INT32,
    np.int64: TensorProto.INT64,
    np.int8: TensorProto.INT8,
    np.uint8: TensorProto.UINT8,
}


def make_model(op, inputs, n_outputs, opset, **attrs):
    """`inputs` maps names to arrays, or to None for an omitted optional input."""
    names = list(inputs)
    outs = [f"y{i}" for i in range(n_outputs)]
    node = helper.make_node(op, [n if inputs[n] is not None else "" for n in names], outs, **attrs)
    graph_inputs = [
        helper.make_tensor_value_info(n, NP_TO_ONNX[a.dtype.type], a.shape) for n, a in inputs.items() if a is not None
    ]
    # Outputs take input 0's element type, except MaxPool's Indices.
    elem = NP_TO_ONNX[inputs[names[0]].dtype.type]
    graph_outputs = [
        helper.make_tensor_value_info(o, TensorProto.INT64 if (op, i) == ("MaxPool", 1) else elem, None)
        for i, o in enumerate(outs)
    ]
    graph = helper.make_graph([node], f"{op}_test", graph_inputs, graph_outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8 if opset <= 16 else 10
    return model.SerializeToString()


def compare(op, inputs, opset, n_outputs=1, oracle="onnxruntime", **attrs):
    """oracle="reference" uses the onnx reference evaluator where onnxruntime has no kernel."""
    model = make_model(op, inputs, n_outputs, opset, **attrs)
    feeds = {n: a for n, a in inputs.items() if a is not None}
    if oracle == "reference":
        from onnx.reference import ReferenceEvaluator

        want = ReferenceEvaluator(onnx.load_from_string(model)).run(None, feeds)
    else:
        want = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, feeds)
    got = onyxrt.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        if np.issubdtype(w.dtype, np.floating):
            np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
        else:
            np.testing.assert_array_equal(g, w)


def rand(*shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(dtype)


# --- Conv -----------------------------------------------------------------------------------------
CONV_CASES = [
    # (x shape, w shape, attrs, bias)
    ((2, 3, 7, 6), (4, 3, 3, 2), dict(strides=[2, 1], dilations=[1, 2], pads=[1, 0, 2, 1]), True),
    ((1, 4, 5, 5), (6, 2, 3, 3), dict(group=2, pads=[1, 1, 1, 1]), True),
    ((2, 5, 6, 7), (5, 1, 3, 3), dict(group=5, strides=[2, 2], pads=[1, 1, 1, 1]), False),  # depthwise
    ((1, 3, 5, 4), (6, 1, 2, 3), dict(group=3, dilations=[2, 1]), True),  # channel multiplier 2
    ((3, 2, 11), (3, 2, 4), dict(strides=[3], dilations=[2], pads=[2, 1]), True),  # 1-D
    ((1, 2, 4, 5, 6), (3, 2, 2, 3, 2), dict(strides=[1, 2, 1], dilations=[1, 1, 2], pads=[0, 1, 1, 1, 0, 1]), True),
    ((2, 6, 3, 5), (4, 3, 1, 1), dict(group=2), True),  # pointwise
    ((1, 2, 7, 8), (2, 2, 4, 3), dict(auto_pad="SAME_UPPER", strides=[2, 3]), True),
    ((1, 2, 7, 8), (2, 2, 4, 3), dict(auto_pad="SAME_LOWER", strides=[2, 3]), True),
    ((1, 2, 8, 7), (2, 2, 3, 4), dict(auto_pad="SAME_LOWER", strides=[3, 2]), False),
    ((1, 2, 7, 8), (2, 2, 4, 3), dict(auto_pad="VALID", strides=[2, 3]), True),
    ((1, 2, 9, 9), (2, 2, 1, 1), dict(auto_pad="SAME_UPPER", strides=[3, 4]), True),  # stride > kernel
    ((0, 2, 5, 5), (3, 2, 3, 3), dict(), True),  # empty batch
    ((1, 1, 13, 17), (1, 1, 5, 5), dict(kernel_shape=[5, 5], pads=[2, 2, 2, 2]), True),
]


@pytest.mark.parametrize("opset", [1, 11, 22])
@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_conv_matches_onnxruntime(case, opset):
    xs, ws, attrs, bias = CONV_CASES[case]
    inputs = {"X": rand(*xs, seed=1), "W": rand(*ws, seed=2)}
    if bias:
        inputs["B"] = rand(ws[0], seed=3)
    compare("Conv", inputs, opset, **attrs)


def test_conv_float64():
    # onnxruntime has no double Conv kernel.
    compare("Conv", {"X": rand(2, 4, 6, 5, dtype=np.float64), "W": rand(4, 2, 3, 3, dtype=np.float64, seed=4)},
            11, oracle="reference", group=2, pads=[1, 0, 1, 2])


@pytest.mark.parametrize("auto_pad", ["SAME_UPPER", "SAME_LOWER"])
def test_conv_same_padding_with_dilations(auto_pad):
    # onnxruntime refuses dilations with SAME_*; the ONNX spec allows them.
    compare("Conv", {"X": rand(1, 2, 7, 8), "W": rand(3, 2, 3, 2, seed=1)}, 11, oracle="reference",
            auto_pad=auto_pad, strides=[2, 1], dilations=[2, 3])


# --- MaxPool / AveragePool ------------------------------------------------------------------------
POOL_CASES = [
    ((2, 3, 7, 8), dict(kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1])),
    ((1, 2, 9, 10), dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
    ((1, 2, 8, 7), dict(kernel_shape=[3, 2], strides=[2, 3], pads=[1, 1, 1, 1], ceil_mode=1)),
    ((1, 2, 7, 6), dict(kernel_shape=[3, 2], strides=[2, 2], auto_pad="SAME_UPPER")),
    ((1, 2, 7, 6), dict(kernel_shape=[3, 2], strides=[2, 2], auto_pad="SAME_LOWER")),
    ((1, 2, 7, 6), dict(kernel_shape=[3, 2], strides=[2, 2], auto_pad="VALID")),
    ((2, 1, 13), dict(kernel_shape=[3], strides=[2], pads=[1, 1], ceil_mode=1)),
    ((1, 2, 4, 5, 6), dict(kernel_shape=[2, 2, 3], strides=[2, 1, 2])),
    ((0, 2, 5, 5), dict(kernel_shape=[2, 2])),
]


@pytest.mark.parametrize("opset", [8, 10, 12, 22])
@pytest.mark.parametrize("case", range(len(POOL_CASES)))
def test_maxpool_matches_onnxruntime(case, opset):
    shape, attrs = POOL_CASES[case]
    if opset < 10 and "ceil_mode" in attrs:
        pytest.skip("ceil_mode appeared in MaxPool-10")
    compare("MaxPool", {"X": rand(*shape)}, opset, n_outputs=2 if len(shape) <= 4 else 1, **attrs)


@pytest.mark.parametrize("attrs", [
    dict(kernel_shape=[3, 2], dilations=[2, 2], strides=[1, 2], pads=[1, 1, 2, 0]),
    dict(kernel_shape=[2, 3], dilations=[2, 1], ceil_mode=1, strides=[2, 2]),
    dict(kernel_shape=[3, 3], storage_order=1, strides=[2, 1]),
])
def test_maxpool_dilations_and_storage_order(attrs):
    compare("MaxPool", {"X": rand(2, 3, 9, 8)}, 12, n_outputs=2, **attrs)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.float64])
def test_maxpool_other_types(dtype):
    x = np.random.default_rng(0).integers(0, 100, (1, 2, 6, 7)).astype(dtype)
    compare("MaxPool", {"X": x}, 12, kernel_shape=[2, 3], strides=[2, 2], pads=[0, 1, 1, 1])


def test_maxpool_opset1_single_output():
    compare("MaxPool", {"X": rand(1, 2, 6, 6)}, 1, kernel_shape=[2, 2], strides=[2, 2])


@pytest.mark.parametrize("count_include_pad", [0, 1])
@pytest.mark.parametrize("opset", [7, 10, 11, 19, 22])
@pytest.mark.parametrize("case", range(len(POOL_CASES)))
def test_average_pool_matches_onnxruntime(case, opset, count_include_pad):
    shape, attrs = POOL_CASES[case]
    if opset < 10 and "ceil_mode" in attrs:
        pytest.skip("ceil_mode appeared in AveragePool-10")
    compare("AveragePool", {"X": rand(*shape)}, opset, count_include_pad=count_include_pad, **attrs)


@pytest.mark.parametrize("count_include_pad", [0, 1])
@pytest.mark.parametrize("attrs", [
    dict(kernel_shape=[3, 2], dilations=[2, 2], strides=[1, 2], pads=[1, 1, 2, 0]),
    dict(kernel_shape=[2, 3], dilations=[2, 1], ceil_mode=1, strides=[2, 2], pads=[1, 1, 1, 1]),
])
def test_average_pool_dilations_opset19(attrs, count_include_pad):
    compare("AveragePool", {"X": rand(2, 3, 9, 8)}, 19, count_include_pad=count_include_pad, **attrs)


@pytest.mark.parametrize("op", ["GlobalAveragePool", "GlobalMaxPool"])
@pytest.mark.parametrize("shape", [(2, 3, 5, 4), (1, 4, 7), (2, 2, 3, 4, 5), (0, 3, 4, 4)])
@pytest.mark.parametrize("opset", [1, 22])
def test_global_pools_match_onnxruntime(op, shape, opset):
    compare(op, {"X": rand(*shape)}, opset)


# --- BatchNormalization ---------------------------------------------------------------------------
def bn_inputs(shape, dtype=np.float32, stats_shape=None):
    c = stats_shape or (shape[1],)
    return {"X": rand(*shape, dtype=dtype), "scale": rand(*c, dtype=dtype, seed=1), "B": rand(*c, dtype=dtype, seed=2),
            "mean": rand(*c, dtype=dtype, seed=3),
            "var": np.random.default_rng(4).uniform(0.1, 2.0, c).astype(dtype)}


@pytest.mark.parametrize("opset", [7, 9, 14, 15])
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 4), (2, 3, 5), (1, 2, 2, 3, 4), (0, 3, 2, 2)])
def test_batch_norm_inference_matches_onnxruntime(shape, opset):
    compare("BatchNormalization", bn_inputs(shape), opset, epsilon=1e-3)


def test_batch_norm_float64():
    compare("BatchNormalization", bn_inputs((2, 3, 4), np.float64), 15)


@pytest.mark.parametrize("shape", [(2, 3, 4), (4, 3, 2, 5)])
def test_batch_norm_training_mode_matches_reference(shape):
    # onnxruntime's CPU build has no training kernel; the ONNX reference defines the running stats.
    compare("BatchNormalization", bn_inputs(shape), 15, n_outputs=3, oracle="reference", training_mode=1, momentum=0.8)


# --- Softmax --------------------------------------------------------------------------------------
@pytest.mark.parametrize("opset", [1, 11, 13])
@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1, -2])
def test_softmax_matches_onnxruntime(opset, axis):
    attrs = {} if axis is None else {"axis": axis}
    x = np.random.default_rng(0).uniform(-5, 5, (2, 3, 4)).astype(np.float32)
    compare("Softmax", {"X": x}, opset, **attrs)


@pytest.mark.parametrize("shape", [(5,), (3, 1, 7), (0, 4)])
def test_softmax_shapes(shape):
    compare("Softmax", {"X": rand(*shape, dtype=np.float64)}, 13)


# --- MatMul / Gemm --------------------------------------------------------------------------------
MATMUL_SHAPES = [
    ((5, 7), (7, 3)), ((2, 1, 4, 3), (3, 3, 5)), ((3, 4), (2, 4, 6)), ((2, 3, 4, 5), (2, 1, 5, 2)),
    ((4,), (4, 3)), ((2, 3, 4), (4,)), ((6,), (6,)), ((4,), (2, 4, 5)), ((0, 3, 4), (4, 2)), ((3, 0), (0, 2)),
    ((1, 33, 65), (65, 17)),
]


@pytest.mark.parametrize("opset", [1, 9, 13])
@pytest.mark.parametrize("shapes", MATMUL_SHAPES)
def test_matmul_matches_onnxruntime(shapes, opset):
    compare("MatMul", {"A": rand(*shapes[0]), "B": rand(*shapes[1], seed=1)}, opset)


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.int64])
def test_matmul_other_types(dtype):
    g = np.random.default_rng(0)
    compare("MatMul", {"A": g.integers(-5, 5, (2, 3, 4)).astype(dtype), "B": g.integers(-5, 5, (4, 5)).astype(dtype)},
            13)


@pytest.mark.parametrize("opset", [7, 9, 11, 13])
@pytest.mark.parametrize("trans", [(0, 0), (0, 1), (1, 0), (1, 1)])
@pytest.mark.parametrize("c_shape", [(5, 4), (4,), (1, 4), (5, 1), (1,), ()])
def test_gemm_matches_onnxruntime(opset, trans, c_shape):
    ta, tb = trans
    a = rand(*((3, 5) if ta else (5, 3)))
    b = rand(*((4, 3) if tb else (3, 4)), seed=1)
    compare("Gemm", {"A": a, "B": b, "C": rand(*c_shape, seed=2)}, opset, transA=ta, transB=tb, alpha=0.7, beta=1.3)


@pytest.mark.parametrize("opset", [11, 13])
def test_gemm_without_c(opset):
    compare("Gemm", {"A": rand(5, 3), "B": rand(4, 3, seed=1), "C": None}, opset, transB=1, alpha=2.0)


def test_gemm_opset6_broadcast_attribute():
    # onnxruntime has no Gemm-6 kernel.
    compare("Gemm", {"A": rand(5, 3), "B": rand(3, 4, seed=1), "C": rand(4, seed=2)}, 6, oracle="reference",
            broadcast=1)


def test_gemm_float64_beta_zero():
    c = np.full((5, 4), np.nan)
    compare("Gemm", {"A": rand(5, 3, dtype=np.float64), "B": rand(3, 4, dtype=np.float64, seed=1), "C": c}, 13, beta=0.0)
