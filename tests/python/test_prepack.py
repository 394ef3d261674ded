"""Weight pre-packing (session.disable_prepacking) for MatMul, Gemm and com.microsoft FusedMatMul
with constant B, and Conv / FusedConv with constant filters: packed and unpacked sessions both
match onnxruntime, and the session's INFO log line counts the kernels that kept a packed copy. Also float16/bfloat16 MatMul and Gemm, which run
through the float SGEMM, against onnxruntime / onnx.reference."""

import re

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import onyxrt

RNG = np.random.default_rng(7)


def _model(nodes, inputs, outputs, initializers=(), opset=17, extra_opsets=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    return model.SerializeToString()


def _f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _prepack_models():
    """(name, model bytes, feeds, number of kernels that can pre-pack)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, None)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    cases = []
    # MatMul with a batched A and a 2-D weight whose N is not a multiple of any tile width.
    w = numpy_helper.from_array(_f32(67, 45), "w")
    cases.append(("matmul", _model([helper.make_node("MatMul", ["x", "w"], ["y"])], [x], [y], [w]),
                  {"x": _f32(2, 13, 67)}, 1))
    # Gemm: transB, alpha, beta with a bias row; and transA with a full C.
    wt = numpy_helper.from_array(_f32(70, 300), "wt")
    bias = numpy_helper.from_array(_f32(70), "bias")
    gemm = helper.make_node("Gemm", ["x", "wt", "bias"], ["y"], transB=1, alpha=0.5, beta=2.0)
    cases.append(("gemm_transB_bias", _model([gemm], [x], [y], [wt, bias]), {"x": _f32(9, 300)}, 1))
    wb = numpy_helper.from_array(_f32(33, 20), "wb")
    cfull = numpy_helper.from_array(_f32(7, 20), "cfull")
    gemm2 = helper.make_node("Gemm", ["x", "wb", "cfull"], ["y"], transA=1, beta=0.25)
    cases.append(("gemm_transA_fullC", _model([gemm2], [x], [y], [wb, cfull]), {"x": _f32(33, 7)}, 1))
    # M == 1, the classifier-head shape.
    head = numpy_helper.from_array(_f32(100, 256), "head")
    hb = numpy_helper.from_array(_f32(100), "hb")
    gemm3 = helper.make_node("Gemm", ["x", "head", "hb"], ["y"], transB=1)
    cases.append(("gemm_gemv", _model([gemm3], [x], [y], [head, hb]), {"x": _f32(1, 256)}, 1))
    # FusedMatMul with transB and alpha on a 3-D A, next to a MatMul whose B is a feed (not packed).
    wf = numpy_helper.from_array(_f32(24, 40), "wf")
    fused = helper.make_node("FusedMatMul", ["x", "wf"], ["t"], domain="com.microsoft", transB=1, alpha=1.5)
    plain = helper.make_node("MatMul", ["t", "z"], ["y"])
    z = helper.make_tensor_value_info("z", TensorProto.FLOAT, None)
    cases.append(("fused_matmul", _model([fused, plain], [x, z], [y], [wf], extra_opsets=[("com.microsoft", 1)]),
                  {"x": _f32(3, 5, 40), "z": _f32(24, 6)}, 1))
    # Conv filters are the SGEMM's A operand, packed per group. A grouped 3x3 (patches packed
    # straight into B), a strided 1x1, a 3-D conv (column matrix) and a pointwise conv whose
    # output feeds Add + Relu (FusedConv with a residual at level 2) are packed, and so is the
    # depthwise conv, for its own kernel's layout.
    wg = numpy_helper.from_array(_f32(8, 3, 3, 3) * 0.3, "wg")
    bg = numpy_helper.from_array(_f32(8), "bg")
    w1 = numpy_helper.from_array(_f32(8, 8, 1, 1) * 0.3, "w1")
    wd = numpy_helper.from_array(_f32(8, 1, 3, 3) * 0.3, "wd")
    w3 = numpy_helper.from_array(_f32(4, 3, 2, 2, 2) * 0.3, "w3")
    conv_nodes = [
        helper.make_node("Conv", ["x", "wg", "bg"], ["c1"], group=1, pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["c1", "w1"], ["c2"], strides=[2, 2]),
        helper.make_node("Conv", ["c2", "wd"], ["c3"], group=8, pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["c3", "w1"], ["c4"]),
        helper.make_node("Add", ["c4", "c3"], ["c5"]),
        helper.make_node("Relu", ["c5"], ["y"]),
    ]
    cases.append(("conv_chain", _model(conv_nodes, [x], [y], [wg, bg, w1, wd]), {"x": _f32(2, 3, 13, 11)}, 4))
    cases.append(("conv_3d", _model([helper.make_node("Conv", ["x", "w3"], ["y"])], [x], [y], [w3]),
                  {"x": _f32(1, 3, 5, 6, 7)}, 1))
    return cases


@pytest.mark.parametrize("case", _prepack_models(), ids=lambda c: c[0])
def test_prepacked_and_unpacked_match_onnxruntime(case, capfd):
    _, model, feeds, packable = case
    want = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, feeds)[0]
    counts = {}
    for disable in ("0", "1"):
        so = onyxrt.SessionOptions()
        so.log_severity_level = 0
        so.add_session_config_entry("session.disable_prepacking", disable)
        got = onyxrt.InferenceSession(model, so).run(None, feeds)[0]
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
        match = re.search(r"(\d+) kernel\(s\) with pre-packed weights", capfd.readouterr().err)
        assert match, "the session's INFO line should report pre-packed kernels"
        counts[disable] = int(match.group(1))
    assert counts == {"0": packable, "1": 0}


def _half_cases():
    cases = []
    for elem, np_type in ((TensorProto.FLOAT16, np.float16), (TensorProto.BFLOAT16, None)):
        a = helper.make_tensor_value_info("a", elem, None)
        b = helper.make_tensor_value_info("b", elem, None)
        c = helper.make_tensor_value_info("c", elem, None)
        y = helper.make_tensor_value_info("y", elem, None)
        cases.append((f"matmul_{elem}", elem, _model([helper.make_node("MatMul", ["a", "b"], ["y"])], [a, b], [y]),
                      {"a": (2, 3, 17, 9), "b": (3, 9, 11)}))
        gemm = helper.make_node("Gemm", ["a", "b", "c"], ["y"], transB=1, alpha=0.75, beta=0.5)
        cases.append((f"gemm_{elem}", elem, _model([gemm], [a, b, c], [y]), {"a": (5, 16), "b": (12, 16), "c": (12,)}))
    return cases


def _to_bf16_bits(x):
    """float32 -> bfloat16 bit pattern, round to nearest even (values here are finite)."""
    u = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


@pytest.mark.parametrize("case", _half_cases(), ids=lambda c: c[0])
def test_float16_and_bfloat16_matmul_gemm(case):
    _, elem, model, shapes = case
    raw = {k: (RNG.standard_normal(s) * 0.5).astype(np.float32) for k, s in shapes.items()}
    if elem == TensorProto.FLOAT16:
        feeds = {k: v.astype(np.float16) for k, v in raw.items()}
        want = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, feeds)[0]
        got = onyxrt.InferenceSession(model).run(None, feeds)[0]
        assert got.dtype == np.float16
        np.testing.assert_allclose(got.astype(np.float32), want.astype(np.float32), rtol=2e-3, atol=2e-3)
        return
    # bfloat16: numpy has no such dtype; onnx.reference computes on the same bit patterns through
    # ml_dtypes, and onyxrt takes and returns them as its bfloat16 arrays.
    ml_dtypes = pytest.importorskip("ml_dtypes")
    feeds = {k: _to_bf16_bits(v).view(ml_dtypes.bfloat16) for k, v in raw.items()}
    want = ReferenceEvaluator(onnx.load_from_string(model)).run(None, feeds)[0]
    got = onyxrt.InferenceSession(model).run(None, feeds)[0]
    np.testing.assert_allclose(np.asarray(got, np.float32), np.asarray(want, np.float32), rtol=1e-2, atol=1e-2)
