"""numpy <-> onyxrt values: the dtype table and sub-byte packing that the C++ layer leaves to Python.

Tensors cross as (TensorProto dtype code, shape, data pointer): numpy input memory is borrowed
without a copy when the array is C-contiguous and aligned (the tensor keeps the array alive), and
outputs are numpy views of the tensor's storage. Types numpy lacks (bfloat16, float8, int4, uint4,
float4, int2, uint2) use ml_dtypes when it is installed; without it they appear as the unsigned
integer of the same width (bfloat16 -> uint16, float8 -> uint8) and sub-byte types as one int8/uint8
per element, which is what onnxruntime users can already read.
"""

from __future__ import annotations

import numpy as np

from . import _C

try:  # optional: numpy dtypes for bfloat16, float8, int4...
    import ml_dtypes
except ImportError:  # pragma: no cover - depends on the environment
    ml_dtypes = None

STRING = 8

# TensorProto.DataType code -> onnxruntime's name inside "tensor(...)".
ONNX_TYPE_NAMES = {
    1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
    9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64", 14: "complex64",
    15: "complex128", 16: "bfloat16", 17: "float8e4m3fn", 18: "float8e4m3fnuz", 19: "float8e5m2",
    20: "float8e5m2fnuz", 21: "uint4", 22: "int4", 23: "float4e2m1", 24: "float8e8m0", 25: "uint2",
    26: "int2",
}

_NATIVE = {
    1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64,
    9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32, 13: np.uint64, 14: np.complex64,
    15: np.complex128,
}
# Types numpy lacks: ml_dtypes' name, and the stand-in dtype used without ml_dtypes.
_EXTENDED = {
    16: ("bfloat16", np.uint16), 17: ("float8_e4m3fn", np.uint8), 18: ("float8_e4m3fnuz", np.uint8),
    19: ("float8_e5m2", np.uint8), 20: ("float8_e5m2fnuz", np.uint8), 21: ("uint4", np.uint8),
    22: ("int4", np.int8), 23: ("float4_e2m1fn", np.uint8), 24: ("float8_e8m0fnu", np.uint8),
    25: ("uint2", np.uint8), 26: ("int2", np.int8),
}
# Packed sub-byte types: bits per element and signedness (ONNX packs the first element in the
# low bits of each byte).
SUB_BYTE = {21: (4, False), 22: (4, True), 23: (4, False), 25: (2, False), 26: (2, True)}


def _build_tables():
    to_numpy = {code: np.dtype(t) for code, t in _NATIVE.items()}
    for code, (name, fallback) in _EXTENDED.items():
        ml = getattr(ml_dtypes, name, None) if ml_dtypes is not None else None
        to_numpy[code] = np.dtype(ml) if ml is not None else np.dtype(fallback)
    # Only exact types map back; the stand-ins (uint8, uint16) mean themselves.
    from_numpy = {np.dtype(t): code for code, t in _NATIVE.items()}
    if ml_dtypes is not None:
        for code, (name, _) in _EXTENDED.items():
            ml = getattr(ml_dtypes, name, None)
            if ml is not None:
                from_numpy[np.dtype(ml)] = code
    return to_numpy, from_numpy


NUMPY_DTYPE_OF, _CODE_OF_NUMPY = _build_tables()


def onnx_code_of(dtype) -> int:
    dtype = np.dtype(dtype)
    if dtype.kind in "OUS":
        return STRING
    try:
        return _CODE_OF_NUMPY[dtype]
    except KeyError:
        raise TypeError(f"numpy dtype {dtype} has no ONNX tensor type") from None


def type_string(code: int) -> str:
    return f"tensor({ONNX_TYPE_NAMES.get(code, 'undefined')})"


def _pack(arr: np.ndarray, bits: int) -> np.ndarray:
    per_byte = 8 // bits
    codes = np.ascontiguousarray(arr).reshape(-1)
    codes = codes.view(np.uint8) if codes.dtype.itemsize == 1 else codes.astype(np.int64)
    codes = (codes & ((1 << bits) - 1)).astype(np.uint8)
    pad = (-codes.size) % per_byte
    if pad:
        codes = np.concatenate([codes, np.zeros(pad, np.uint8)])
    shifts = (np.arange(per_byte, dtype=np.uint8) * bits).astype(np.uint8)
    return np.bitwise_or.reduce(codes.reshape(-1, per_byte) << shifts, axis=1).astype(np.uint8)


def _unpack(raw: np.ndarray, count: int, bits: int, signed: bool) -> np.ndarray:
    per_byte = 8 // bits
    shifts = (np.arange(per_byte, dtype=np.uint8) * bits).astype(np.uint8)
    codes = ((raw[:, None] >> shifts) & ((1 << bits) - 1)).reshape(-1)[:count].astype(np.uint8)
    if not signed:
        return codes
    values = codes.astype(np.int8)
    return np.where(values >= (1 << (bits - 1)), values - (1 << bits), values).astype(np.int8)


def _as_str(item) -> str:
    if isinstance(item, bytes):
        return item.decode("utf-8")
    return str(item)


def tensor_from_numpy(arr, code: int | None = None) -> _C.OrtValue:
    """A tensor over `arr`'s memory (copied only when it is not C-contiguous and aligned).

    `code` forces the ONNX element type (ortvalue_from_numpy_with_onnx_type): the array then holds
    that type's stand-in (uint16 for bfloat16, one int8/uint8 per element for int4...).
    """
    arr = np.asarray(arr)
    if code is None:
        code = onnx_code_of(arr.dtype)
    shape = list(arr.shape)
    if code == STRING:
        return _C.OrtValue._from_strings(shape, [_as_str(x) for x in arr.reshape(-1)])
    if code in SUB_BYTE:
        packed = _pack(arr, SUB_BYTE[code][0])
        return _C.OrtValue._from_buffer(code, shape, packed.ctypes.data, packed)
    expected = NUMPY_DTYPE_OF[code]
    if arr.dtype.itemsize != expected.itemsize:
        raise TypeError(f"a numpy array of {arr.dtype} cannot hold {type_string(code)} "
                        f"(expected {expected} elements)")
    if not (arr.flags.c_contiguous and arr.flags.aligned):
        arr = np.ascontiguousarray(arr)
    return _C.OrtValue._from_buffer(code, shape, arr.ctypes.data, arr)


def tensor_to_numpy(value: _C.OrtValue) -> np.ndarray:
    code = value._dtype()
    shape = tuple(value.shape())
    if code == STRING:
        items = value._strings()
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out.reshape(shape)
    dtype = NUMPY_DTYPE_OF[code]
    raw = value._raw_bytes()
    if code in SUB_BYTE:
        bits, signed = SUB_BYTE[code]
        count = int(np.prod(shape, dtype=np.int64))
        codes = _unpack(raw if raw is not None else np.zeros(0, np.uint8), count, bits, signed)
        out = codes.view(dtype) if code == 23 else codes.astype(dtype)
        return out.reshape(shape)
    if raw is None:
        return np.zeros(shape, dtype=dtype)
    return raw.view(dtype).reshape(shape)


def value_to_python(value: _C.OrtValue):
    """Tensor -> numpy array, sequence -> list, map -> dict, empty optional -> None."""
    kind = value._kind()
    if kind == 1:
        return tensor_to_numpy(value)
    if kind == 2:
        return [value_to_python(v) for v in value._items()]
    if kind == 3:
        keys = tensor_to_numpy(value._map_keys()).tolist()
        values = tensor_to_numpy(value._map_values()).tolist()
        return dict(zip(keys, values))
    if kind == 4:
        return None
    raise ValueError("the value holds nothing")


def value_from_python(obj, type_str: str = "") -> _C.OrtValue:
    """Builds the value for a feed; `type_str` (the input's NodeArg.type) says whether a list is a
    sequence ("seq(...)") or a tensor, and a dict a map."""
    if isinstance(obj, _C.OrtValue):
        return obj
    if obj is None:
        return _C.OrtValue._none()
    if type_str.startswith("optional("):
        type_str = type_str[len("optional("):-1]
    if type_str.startswith("seq(") or (not type_str and isinstance(obj, list) and obj and
                                       all(isinstance(x, (np.ndarray, dict)) for x in obj)):
        inner = type_str[len("seq("):-1] if type_str.startswith("seq(") else ""
        items = [value_from_python(x, inner) for x in obj]
        elem = items[0]._dtype() if items and items[0]._kind() == 1 else 0
        return _C.OrtValue._sequence(items, elem)
    if isinstance(obj, dict):
        return _C.OrtValue._map(tensor_from_numpy(np.asarray(list(obj.keys()))),
                                tensor_from_numpy(np.asarray(list(obj.values()))))
    return tensor_from_numpy(obj)
