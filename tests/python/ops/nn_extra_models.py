"""Single-node model building and comparison shared by test_ops_nn_extra.py and
test_ops_recurrent.py: onyxrt against onnxruntime, or against onnx's reference evaluator where
onnxruntime refuses the model or differs from the ONNX spec (named per test)."""
import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

onyxrt = pytest.importorskip("onyxrt")
ort = pytest.importorskip("onnxruntime")


def build(op, inputs, outputs, opset, constants=(), **attrs):
    """inputs: list of (name, array or None); None omits an optional input. Names listed in
    `constants` become initializers (so shape inference sees them). outputs: names ('' skips)."""
    node = helper.make_node(op, [n if a is not None else "" for n, a in inputs], list(outputs), **attrs)
    graph_inputs, inits = [], []
    for n, a in inputs:
        if a is None:
            continue
        if n in constants:
            inits.append(numpy_helper.from_array(np.asarray(a), n))
        else:
            graph_inputs.append(helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape))
    graph = helper.make_graph([node], "g", graph_inputs, [helper.make_empty_tensor_value_info(o) for o in outputs if o],
                              initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7 if opset <= 12 else (8 if opset <= 16 else 10)
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {v.name: v.type.tensor_type.elem_type for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for out in model.graph.output:
        out.type.tensor_type.elem_type = types.get(out.name) or 0
    return model


def feeds_of(inputs, constants=()):
    return {n: a for n, a in inputs if a is not None and n not in constants}


def run_onyxrt(model, feeds):
    sess = onyxrt.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def run_ort(model, feeds):
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def run_reference(model, feeds):
    from onnx.reference import ReferenceEvaluator

    return ReferenceEvaluator(model).run(None, feeds)


def compare(got, want, rtol, atol):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        if np.issubdtype(w.dtype, np.floating):
            np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol)
        else:
            np.testing.assert_array_equal(g, w)


def check(op, inputs, outputs, opset, constants=(), oracle="ort", rtol=1e-4, atol=1e-5, **attrs):
    """Runs op on onyxrt and the oracle ('ort' or 'reference') and compares every output."""
    model = build(op, inputs, outputs, opset, constants, **attrs)
    feeds = feeds_of(inputs, constants)
    want = None
    if oracle == "ort":
        try:
            want = run_ort(model, feeds)
        except Exception as e:  # onnxruntime has no kernel for this type or opset
            if "NOT_IMPLEMENTED" not in str(e):
                raise
    if want is None:
        want = run_reference(model, feeds)
    got = run_onyxrt(model, feeds)
    compare(got, want, rtol, atol)
    return got


def rand(shape, dtype=np.float32, seed=0, lo=-2.0, hi=2.0):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape).astype(dtype)
