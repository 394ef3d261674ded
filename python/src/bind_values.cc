// onyxrt::Value as _C.OrtValue: the raw, dtype-agnostic half of the numpy bridge. The numpy dtype
// table (float16, ml_dtypes' bfloat16/float8/int4, sub-byte packing) lives in onyxrt/_values.py,
// which hands this layer a data pointer, a TensorProto dtype code and a shape. Input memory is
// borrowed, not copied: the tensor holds a reference to the numpy array that lent it.
#include <nanobind/ndarray.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "onyxrt/status.h"
#include "onyxrt/value.h"

namespace nb = nanobind;

namespace onyxrt::python {
namespace {

// Keeps a Python object alive for as long as a tensor borrows its memory. The last tensor may be
// dropped by a run that released the GIL, so the release takes the GIL itself.
std::shared_ptr<void> hold_python_object(nb::handle owner) {
  PyObject* obj = owner.ptr();
  Py_INCREF(obj);
  return std::shared_ptr<void>(obj, [](void* p) {
    nb::gil_scoped_acquire gil;
    Py_DECREF(static_cast<PyObject*>(p));
  });
}

DataType checked_dtype(int code) {
  ONYXRT_ENFORCE(is_known_dtype(code) && code != 0, ErrorCode::InvalidArgument,
                 "unknown tensor element type " + std::to_string(code));
  return static_cast<DataType>(code);
}

Value from_buffer(int dtype, const Shape& shape, uintptr_t data, nb::handle owner) {
  DataType t = checked_dtype(dtype);
  ONYXRT_ENFORCE(t != DataType::String, ErrorCode::InvalidArgument, "string tensors are built from a list of str");
  return Value(Tensor::borrow(t, shape, reinterpret_cast<void*>(data), hold_python_object(owner)));
}

Value from_strings(const Shape& shape, const std::vector<std::string>& items) {
  Tensor t = Tensor::allocate(DataType::String, shape);
  ONYXRT_ENFORCE(static_cast<int64_t>(items.size()) == t.size(), ErrorCode::InvalidArgument,
                 "string tensor of shape " + shape_to_string(shape) + " needs " + std::to_string(t.size()) +
                     " items, got " + std::to_string(items.size()));
  std::string* out = t.mutable_data<std::string>();
  for (size_t i = 0; i < items.size(); ++i) out[i] = items[i];
  return Value(std::move(t));
}

// The tensor's bytes as a 1-D uint8 numpy array sharing its memory (the array keeps the storage
// alive); None when the tensor has no bytes.
nb::object raw_bytes(const Value& v) {
  const Tensor& t = v.tensor();
  ONYXRT_ENFORCE(t.dtype() != DataType::String, ErrorCode::InvalidArgument, "string tensors have no raw bytes");
  if (t.nbytes() == 0 || t.raw() == nullptr) return nb::none();
  auto* keep = new Tensor(t);
  nb::capsule owner(keep, [](void* p) noexcept { delete static_cast<Tensor*>(p); });
  size_t n = t.nbytes();
  return nb::cast(nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>>(keep->mutable_raw(), 1, &n, owner));
}

std::vector<std::string> strings(const Value& v) {
  const Tensor& t = v.tensor();
  ONYXRT_ENFORCE(t.dtype() == DataType::String, ErrorCode::InvalidArgument,
                 "expected a string tensor, got " + t.describe());
  return std::vector<std::string>(t.data<std::string>(), t.data<std::string>() + t.size());
}

}  // namespace

void bind_values(nb::module_& m) {
  nb::class_<Value> value(m, "OrtValue");
  value.def(nb::init<>())
      .def(nb::init<const Value&>())
      .def_static("_from_buffer", &from_buffer, nb::arg("dtype"), nb::arg("shape"), nb::arg("data"), nb::arg("owner"))
      .def_static("_from_strings", &from_strings, nb::arg("shape"), nb::arg("items"))
      .def_static("_allocate", [](int dtype, const Shape& shape) { return Value(Tensor::allocate(checked_dtype(dtype), shape)); })
      .def_static("_sequence", [](const std::vector<Value>& items, int elem) {
        return Value::sequence(items, elem ? checked_dtype(elem) : DataType::Undefined);
      })
      .def_static("_map", [](const Value& keys, const Value& values) {
        const Tensor& k = keys.tensor();
        ONYXRT_ENFORCE(k.rank() == 1 && values.tensor().rank() == 1 && k.size() == values.tensor().size(),
                       ErrorCode::InvalidArgument, "a map needs 1-D keys and values of equal length");
        return Value::map(Map{k.dtype(), k, values.tensor()});
      })
      .def_static("_none", &Value::none)
      // 0 empty, 1 tensor, 2 sequence, 3 map, 4 none (Value::Kind).
      .def("_kind", [](const Value& v) { return static_cast<int>(v.kind()); })
      .def("_dtype", [](const Value& v) { return static_cast<int>(v.tensor().dtype()); })
      .def("_sequence_elem_dtype", [](const Value& v) { return static_cast<int>(v.sequence_elem_type()); })
      .def("_raw_bytes", &raw_bytes)
      .def("_strings", &strings)
      .def("_items", [](const Value& v) { return v.sequence(); })
      .def("_map_keys", [](const Value& v) { return Value(v.map().keys); })
      .def("_map_values", [](const Value& v) { return Value(v.map().values); })
      .def("shape", [](const Value& v) { return v.tensor().shape(); })
      .def("is_tensor", &Value::is_tensor)
      .def("is_tensor_sequence", &Value::is_sequence)
      .def("is_sparse_tensor", [](const Value&) { return false; })
      .def("has_value", [](const Value& v) { return !v.is_none() && !v.empty(); })
      .def("device_name", [](const Value&) { return std::string("cpu"); })
      .def("tensor_size_in_bytes", [](const Value& v) { return v.tensor().nbytes(); })
      .def("data_ptr", [](const Value& v) { return reinterpret_cast<uintptr_t>(v.tensor().raw()); });
}

}  // namespace onyxrt::python
