"""OrtValue <-> numpy for every ONNX element type, checked against numpy itself, against onnx's
numpy_helper (the packed byte layout of sub-byte types) and against onnxruntime's OrtValue."""

import ml_dtypes
import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

import onyxrt
from onyxrt import _values

RNG = np.random.default_rng(0)

NATIVE = {
    TensorProto.FLOAT: np.float32, TensorProto.DOUBLE: np.float64, TensorProto.FLOAT16: np.float16,
    TensorProto.INT8: np.int8, TensorProto.UINT8: np.uint8, TensorProto.INT16: np.int16,
    TensorProto.UINT16: np.uint16, TensorProto.INT32: np.int32, TensorProto.UINT32: np.uint32,
    TensorProto.INT64: np.int64, TensorProto.UINT64: np.uint64, TensorProto.BOOL: np.bool_,
    TensorProto.COMPLEX64: np.complex64, TensorProto.COMPLEX128: np.complex128,
}
EXTENDED = {
    TensorProto.BFLOAT16: ml_dtypes.bfloat16, TensorProto.FLOAT8E4M3FN: ml_dtypes.float8_e4m3fn,
    TensorProto.FLOAT8E4M3FNUZ: ml_dtypes.float8_e4m3fnuz, TensorProto.FLOAT8E5M2: ml_dtypes.float8_e5m2,
    TensorProto.FLOAT8E5M2FNUZ: ml_dtypes.float8_e5m2fnuz, TensorProto.FLOAT8E8M0: ml_dtypes.float8_e8m0fnu,
}
SUB_BYTE = {TensorProto.INT4: ml_dtypes.int4, TensorProto.UINT4: ml_dtypes.uint4,
            TensorProto.FLOAT4E2M1: ml_dtypes.float4_e2m1fn, TensorProto.INT2: ml_dtypes.int2,
            TensorProto.UINT2: ml_dtypes.uint2}


def sample(dtype, shape=(3, 5)):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return RNG.integers(0, 2, shape).astype(bool)
    if dtype.kind == "c":
        return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dtype)
    sub_byte_ints = [np.dtype(t) for t in (ml_dtypes.int4, ml_dtypes.uint4, ml_dtypes.int2, ml_dtypes.uint2)]
    info = np.iinfo(dtype) if dtype.kind in "iu" else ml_dtypes.iinfo(dtype) if dtype in sub_byte_ints else None
    if dtype.kind in "iu":
        return RNG.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
    if info is not None:
        return RNG.integers(int(info.min), int(info.max) + 1, shape).astype(dtype)
    return (RNG.standard_normal(shape) * 2).astype(np.float32).astype(dtype)


def same(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a.view(np.uint8) if a.dtype.itemsize == 1 else a,
                                  b.view(np.uint8) if b.dtype.itemsize == 1 else b)


@pytest.mark.parametrize("code,dtype", list(NATIVE.items()) + list(EXTENDED.items()) + list(SUB_BYTE.items()))
@pytest.mark.parametrize("shape", [(3, 5), (), (0, 4), (7,)])
def test_numpy_round_trip(code, dtype, shape):
    x = sample(dtype, shape)
    v = onyxrt.OrtValue.ortvalue_from_numpy(x)
    assert v.element_type() == code
    # onnxruntime spells each type as TensorProto's name in lower case: tensor(float8e4m3fn).
    assert v.data_type() == f"tensor({TensorProto.DataType.Name(code).lower()})"
    assert v.shape() == list(shape)
    same(v.numpy(), x)


# onnxruntime has no complex tensors in numpy conversion.
@pytest.mark.parametrize("dtype", [t for t in NATIVE.values() if np.dtype(t).kind != "c"])
def test_type_strings_match_onnxruntime(dtype):
    x = sample(dtype)
    ours, theirs = onyxrt.OrtValue.ortvalue_from_numpy(x), onnxruntime.OrtValue.ortvalue_from_numpy(x)
    assert ours.data_type() == theirs.data_type()
    assert ours.element_type() == theirs.element_type()
    assert ours.shape() == theirs.shape()
    assert ours.device_name() == theirs.device_name() == "cpu"
    assert ours.is_tensor() and ours.has_value() and not ours.is_tensor_sequence()
    same(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("code,dtype", list(SUB_BYTE.items()))
@pytest.mark.parametrize("count", [1, 4, 7])
def test_sub_byte_packing_matches_onnx(code, dtype, count):
    x = sample(dtype, (count,))
    v = onyxrt.OrtValue.ortvalue_from_numpy(x)
    expected = numpy_helper.from_array(x).raw_data
    assert bytes(v._raw_bytes()) == expected
    same(v.numpy(), x)


@pytest.mark.parametrize("code,dtype", list(EXTENDED.items()))
def test_extended_float_bytes_match_onnx(code, dtype):
    x = sample(dtype, (6,))
    assert bytes(onyxrt.OrtValue.ortvalue_from_numpy(x)._raw_bytes()) == numpy_helper.from_array(x).raw_data


def test_with_onnx_type_takes_stand_in_arrays():
    bf = sample(ml_dtypes.bfloat16, (4,))
    v = onyxrt.OrtValue.ortvalue_from_numpy_with_onnx_type(bf.view(np.uint16), TensorProto.BFLOAT16)
    assert v.data_type() == "tensor(bfloat16)"
    same(v.numpy(), bf)
    i4 = np.array([-8, -1, 0, 7, 3], np.int8)
    v = onyxrt.OrtValue.ortvalue_from_numpy_with_onnx_type(i4, TensorProto.INT4)
    np.testing.assert_array_equal(v.numpy().astype(np.int8), i4)


def test_input_shares_memory_like_onnxruntime():
    for ort in (onyxrt, onnxruntime):
        x = np.zeros(4, np.float32)
        v = ort.OrtValue.ortvalue_from_numpy(x)
        x[1] = 5
        assert v.numpy()[1] == 5, ort.__name__


def test_non_contiguous_input_is_copied_in_order():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    for view in (x.T, x[:, ::2], x[::-1]):
        same(onyxrt.OrtValue.ortvalue_from_numpy(view).numpy(), np.ascontiguousarray(view))


def test_value_outlives_its_numpy_name():
    v = onyxrt.OrtValue.ortvalue_from_numpy(np.arange(1000, dtype=np.int64))
    out = v.numpy()
    del v
    np.testing.assert_array_equal(out, np.arange(1000))


@pytest.mark.parametrize("x", [np.array(["a", "bc", ""], dtype=object), np.array([["x", "yz"]]),
                               np.array([b"raw", b"bytes"], dtype=object), np.array("scalar", dtype=object)])
def test_strings(x):
    v = onyxrt.OrtValue.ortvalue_from_numpy(x)
    assert v.data_type() == "tensor(string)"
    out = v.numpy()
    assert out.dtype == object and out.shape == x.shape
    expected = [s.decode() if isinstance(s, bytes) else str(s) for s in x.reshape(-1)]
    assert out.reshape(-1).tolist() == expected


def test_sequence_map_and_none_convert_to_python():
    seq = _values.value_from_python([np.ones(2, np.float32), np.zeros(3, np.float32)], "seq(tensor(float))")
    assert onyxrt.OrtValue(seq).data_type() == "seq(tensor(float))"
    out = _values.value_to_python(seq)
    assert isinstance(out, list) and [a.tolist() for a in out] == [[1, 1], [0, 0, 0]]
    m = _values.value_from_python({1: 0.5, 7: 2.0}, "map(int64,tensor(double))")
    assert onyxrt.OrtValue(m).data_type() == "map(int64,tensor(double))"
    assert _values.value_to_python(m) == {1: 0.5, 7: 2.0}
    assert _values.value_to_python(_values.value_from_python(None)) is None


def test_shape_and_type_allocation():
    v = onyxrt.OrtValue.ortvalue_from_shape_and_type([2, 3], np.float32)
    ref = onnxruntime.OrtValue.ortvalue_from_shape_and_type([2, 3], np.float32)
    assert v.shape() == ref.shape() and v.data_type() == ref.data_type()
    v.update_inplace(np.full((2, 3), 4, np.float32))
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 4, np.float32))
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument):
        onyxrt.OrtValue.ortvalue_from_numpy(np.zeros(2), "cuda")


def identity_model(code):
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", code, None)],
                              [helper.make_tensor_value_info("y", code, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    return model.SerializeToString()


@pytest.mark.parametrize("code", [TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.INT8,
                                  TensorProto.UINT8, TensorProto.INT32, TensorProto.INT64, TensorProto.BOOL,
                                  TensorProto.UINT64, TensorProto.STRING])
def test_session_run_round_trip_matches_onnxruntime(code):
    x = np.array([["a", "b"]], dtype=object) if code == TensorProto.STRING else sample(NATIVE[code])
    model = identity_model(code)
    ours = onyxrt.InferenceSession(model).run(None, {"x": x})[0]
    theirs = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert ours.tolist() == theirs.tolist()
