"""Builds small ONNX models with onnx.helper and runs them on onyxrt and on an oracle:
onnxruntime, or the onnx reference evaluator where onnxruntime has no kernel for the type."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

RTOL = 1e-5


def elem_type(arr):
    if arr.dtype == object:
        return TensorProto.STRING
    return helper.np_dtype_to_tensor_dtype(arr.dtype)


def make_model(nodes, inputs, outputs, opset, initializers=()):
    """inputs: {name: array}; outputs: {name: TensorProto elem type, or None to take the type
    that onnx's shape inference gives it}."""
    if isinstance(nodes, onnx.NodeProto):
        nodes = [nodes]
    graph = helper.make_graph(
        nodes,
        "single_node",
        [helper.make_tensor_value_info(n, elem_type(a), a.shape) for n, a in inputs.items()],
        [helper.make_tensor_value_info(n, t or 0, None) for n, t in outputs.items()],
        initializer=list(initializers),
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7 if opset <= 12 else (8 if opset <= 16 else 10)
    if any(t is None for t in outputs.values()):
        # Graph outputs need an element type: take it from onnx's inference on a copy that
        # exposes every value, then declare it without shape.
        probe = onnx.ModelProto()
        probe.CopyFrom(model)
        del probe.graph.output[:]
        probe.graph.output.extend(helper.make_empty_tensor_value_info(n) for n in outputs)
        inferred = onnx.shape_inference.infer_shapes(probe)
        types = {v.name: v.type.tensor_type.elem_type for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
        for out in model.graph.output:
            if out.type.tensor_type.elem_type == 0 and types.get(out.name):
                out.type.tensor_type.elem_type = types[out.name]
    return model


def run_oracle(model, feeds):
    import onnxruntime as ort

    try:
        sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime lacks a kernel for this type or opset
        if "NOT_IMPLEMENTED" not in str(e) and "Could not find an implementation" not in str(e):
            raise
        from onnx.reference import ReferenceEvaluator

        return ReferenceEvaluator(model).run(None, feeds)
    return [densify(v) for v in sess.run(None, feeds)]


def densify(value):
    """onnxruntime returns a Constant's sparse_value as a SparseTensor; ONNX defines the output as
    the dense tensor, which is what onyxrt returns."""
    if not hasattr(value, "dense_shape"):
        return value
    dense = np.zeros(value.dense_shape(), dtype=value.values().dtype)
    dense.reshape(-1)[value.get_coo_data().indices().reshape(-1)] = value.values()
    return dense


def run_onyxrt(model, feeds):
    onyxrt = pytest.importorskip("onyxrt")
    sess = onyxrt.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def assert_same(got, want, rtol=RTOL, atol=0.0):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        if np.issubdtype(w.dtype, np.floating):
            np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol)
        else:
            np.testing.assert_array_equal(g, w)


def check(nodes, inputs, outputs, opset, initializers=(), rtol=RTOL, atol=0.0):
    """Runs the model on onyxrt and the oracle and compares every output."""
    model = make_model(nodes, inputs, outputs, opset, initializers)
    want = run_oracle(model, inputs)
    got = run_onyxrt(model, inputs)
    assert_same(got, want, rtol, atol)
    return got


def rand(shape, dtype, seed=0, lo=-3, hi=3):
    rng = np.random.default_rng(seed)
    if np.issubdtype(np.dtype(dtype), np.integer):
        info = np.iinfo(dtype)
        return rng.integers(max(lo, info.min), min(hi, info.max) + 1, size=shape).astype(dtype)
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    return rng.uniform(lo, hi, size=shape).astype(dtype)
