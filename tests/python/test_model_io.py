"""onyxrt's own protobuf reader and writer against the onnx package.

Every model of the onnx backend test suite goes through onyxrt's parse + serialize and must load
back (with onnx.load_from_string) equal to the original ModelProto; tensors of every dtype made by
onnx.helper / onnx.numpy_helper must decode to the bytes numpy_helper gives.
"""
import importlib.util
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

_C = pytest.importorskip("onyxrt._C", reason="onyxrt extension not built")

_spec = importlib.util.spec_from_file_location(
    "make_models", Path(__file__).resolve().parents[1] / "data" / "make_models.py")
_make_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_make_models)

BACKEND_KINDS = ["node", "simple", "pytorch-converted", "pytorch-operator", "light"]


def _backend_models():
    from onnx.backend.test.loader import load_model_tests

    cases = []
    for kind in BACKEND_KINDS:
        try:
            tests = load_model_tests(kind=kind)
        except Exception:  # a kind this onnx version does not ship
            continue
        for t in tests:
            cases.append(pytest.param(t, id=f"{kind}/{t.name}"))
    return cases


def _model_bytes(case):
    if case.model is not None:
        return case.model.SerializeToString()
    if case.model_dir is None:
        pytest.skip("model is downloaded on demand")
    import os

    return onnx.load(os.path.join(case.model_dir, "model.onnx"), load_external_data=False).SerializeToString()


@pytest.mark.parametrize("case", _backend_models())
def test_backend_model_round_trips(case):
    original = _model_bytes(case)
    ours = _C._roundtrip_model_bytes(original)
    assert onnx.load_from_string(ours) == onnx.load_from_string(original)


# The same values tests/data/make_models.py writes into the stored dtype files.
VALUES = _make_models.VALUES


def _dtype_id(dtype):
    return TensorProto.DataType.Name(dtype).lower()


@pytest.mark.parametrize("dtype", list(VALUES), ids=_dtype_id)
@pytest.mark.parametrize("raw", [False, True], ids=["typed", "raw"])
def test_tensor_decodes_like_numpy_helper(dtype, raw):
    vals = VALUES[dtype]
    typed = helper.make_tensor("t", dtype, [len(vals)], vals)
    expected_array = numpy_helper.to_array(typed)
    expected = numpy_helper.from_array(expected_array).raw_data
    proto = helper.make_tensor("t", dtype, [len(vals)], expected, raw=True) if raw else typed
    got_dtype, got_shape, payload = _C._tensor_from_proto_bytes(proto.SerializeToString())
    assert got_dtype == dtype
    assert list(got_shape) == list(expected_array.shape)
    assert payload == expected


@pytest.mark.parametrize("shape", [[2, 3], [0], [], [1, 1, 4]])
def test_from_array_tensors_decode(shape):
    rng = np.random.default_rng(0)
    for np_dtype in [np.float32, np.float64, np.int8, np.uint16, np.int32, np.int64, np.uint64, np.bool_, np.float16]:
        array = (rng.standard_normal(shape) * 100).astype(np_dtype)
        got_dtype, got_shape, payload = _C._tensor_from_proto_bytes(numpy_helper.from_array(array).SerializeToString())
        assert got_dtype == helper.np_dtype_to_tensor_dtype(array.dtype)
        decoded = np.frombuffer(payload, dtype=np_dtype).reshape(got_shape)
        np.testing.assert_array_equal(decoded, array)


def test_string_tensor_decodes():
    strings = [b"", b"abc", "h\u00e9llo".encode(), b"\x00\xff"]
    proto = helper.make_tensor("s", TensorProto.STRING, [2, 2], strings)
    got_dtype, got_shape, payload = _C._tensor_from_proto_bytes(proto.SerializeToString())
    assert got_dtype == TensorProto.STRING
    assert list(got_shape) == [2, 2]
    assert list(payload) == list(proto.string_data)


def test_corrupt_model_bytes_raise():
    model = helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [], []))
    data = model.SerializeToString()
    with pytest.raises(Exception, match="invalid protobuf"):
        _C._roundtrip_model_bytes(data[: len(data) // 2])
