"""Shared checks for the test_edges_* files: the edge cases that the ONNX backend suite misses
(empty tensors, zero-size dims, negative axes, rank-0 and rank-6 broadcasting, NaN and Inf).
Each check runs one model on onyxrt and on an oracle: onnxruntime, or the ONNX reference evaluator
where onnxruntime departs from the spec or has no kernel."""
import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from single_node_models import assert_same, make_model, run_onyxrt, run_oracle

NAN, INF = np.nan, np.inf


def model_for(nodes, inputs, outputs, opset, initializers=(), domains=()):
    """make_model plus opset imports for the extra domains: {domain: version}."""
    domains = dict(domains)
    if not domains:
        return make_model(nodes, inputs, outputs, opset, initializers)
    # Declare untyped outputs as UNDEFINED (0) so make_model skips its inference, add the opset
    # imports the nodes need, then take the types from onnx's inference.
    model = make_model(nodes, inputs, {n: t or 0 for n, t in outputs.items()}, opset, initializers)
    for domain, version in domains.items():
        model.opset_import.append(helper.make_opsetid(domain, version))
    if any(t is None for t in outputs.values()):
        probe = onnx.ModelProto()
        probe.CopyFrom(model)
        del probe.graph.output[:]
        probe.graph.output.extend(helper.make_empty_tensor_value_info(n) for n in outputs)
        inferred = onnx.shape_inference.infer_shapes(probe)
        values = list(inferred.graph.value_info) + list(inferred.graph.output)
        types = {v.name: v.type.tensor_type.elem_type for v in values}
        for out in model.graph.output:
            if out.type.tensor_type.elem_type == 0 and types.get(out.name):
                out.type.tensor_type.elem_type = types[out.name]
    return model


def check_edge(nodes, inputs, outputs=None, opset=18, initializers=(), rtol=1e-5, atol=0.0, oracle="ort",
               domains=()):
    """Compares onyxrt with the oracle ("ort": onnxruntime, falling back to the reference where it
    has no kernel; "ref": the ONNX reference evaluator). Returns onyxrt's outputs."""
    outputs = outputs or {"y": None}
    model = model_for(nodes, inputs, outputs, opset, initializers, domains)
    if oracle == "ref":
        from onnx.reference import ReferenceEvaluator

        want = ReferenceEvaluator(model).run(None, inputs)
    else:
        want = run_oracle(model, inputs)
    got = run_onyxrt(model, inputs)
    assert_same(got, [np.asarray(w) for w in want], rtol, atol)
    return got


def expect_onyxrt_error(nodes, inputs, outputs, opset=18, initializers=(), domains=()):
    """A malformed model or feed must raise one of onyxrt's exceptions (at load or at run), never
    crash the process or return a result."""
    onyxrt = pytest.importorskip("onyxrt")
    model = model_for(nodes, inputs, outputs, opset, initializers, domains)
    with pytest.raises(Exception) as info:
        sess = onyxrt.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        sess.run(None, inputs)
    assert "[ONNXRuntimeError]" in str(info.value), str(info.value)
    return str(info.value)


def const(name, values, dtype=np.int64):
    return numpy_helper.from_array(np.array(values, dtype), name)


def with_specials(shape, dtype=np.float32, seed=0, lo=-3, hi=3):
    """Random values with NaN, +Inf, -Inf, -0.0 and 0.0 spread over the first elements."""
    x = np.random.default_rng(seed).uniform(lo, hi, size=shape).astype(dtype)
    flat = x.reshape(-1)
    specials = [NAN, INF, -INF, -0.0, 0.0]
    for i, v in enumerate(specials[: flat.size]):
        flat[(i * 7) % flat.size] = v
    return x
