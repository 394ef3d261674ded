"""OrtValue: onnxruntime's value handle (a tensor, a sequence, a map or an empty optional)."""

from __future__ import annotations

import numpy as np

from . import _C
from . import _values


def _check_cpu(device_type: str) -> None:
    if str(device_type).lower() != "cpu":
        raise _C.InvalidArgument(f"[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : device '{device_type}' is not "
                                 "available: onyxrt runs on the CPU only")


class OrtValue(_C.OrtValue):
    """A value as onnxruntime.OrtValue: created from numpy (sharing its memory) or by a run."""

    @staticmethod
    def ortvalue_from_numpy(numpy_obj, device_type="cpu", device_id=0, vendor_id=-1) -> "OrtValue":
        _check_cpu(device_type)
        return OrtValue(_values.tensor_from_numpy(numpy_obj))

    @staticmethod
    def ortvalue_from_numpy_with_onnx_type(data, onnx_element_type: int) -> "OrtValue":
        return OrtValue(_values.tensor_from_numpy(data, int(onnx_element_type)))

    @staticmethod
    def ortvalue_from_shape_and_type(shape, element_type, device_type="cpu", device_id=0,
                                     vendor_id=-1) -> "OrtValue":
        _check_cpu(device_type)
        code = element_type if isinstance(element_type, int) else _values.onnx_code_of(element_type)
        return OrtValue(_C.OrtValue._allocate(int(code), [int(d) for d in shape]))

    def numpy(self):
        return _values.value_to_python(self)

    def element_type(self) -> int:
        """The TensorProto.DataType code of the tensor's elements."""
        return self._dtype()

    def data_type(self) -> str:
        kind = self._kind()
        if kind == 1:
            return _values.type_string(self._dtype())
        if kind == 2:
            return f"seq({_values.type_string(self._sequence_elem_dtype())})"
        if kind == 3:
            key = _values.ONNX_TYPE_NAMES.get(self._map_keys()._dtype(), "undefined")
            return f"map({key},{_values.type_string(self._map_values()._dtype())})"
        return "optional"

    def update_inplace(self, np_arr) -> None:
        """Copies `np_arr` (same shape and dtype) into this tensor's memory."""
        src = np.asarray(np_arr)
        dst = self.numpy()
        if dst.dtype == object or src.shape != dst.shape or src.dtype != dst.dtype:
            raise _C.InvalidArgument(f"[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : update_inplace expects a "
                                     f"{dst.dtype} array of shape {dst.shape}, got {src.dtype} {src.shape}")
        dst[...] = src

    def __repr__(self) -> str:
        if self._kind() == 1:
            return f"OrtValue({self.data_type()}, shape={self.shape()})"
        return f"OrtValue({self.data_type()})"
