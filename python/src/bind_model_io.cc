// Test hooks for the ONNX reader and writer (tests/python/test_model_io.py): they let Python
// compare our decoding against the onnx package without a session in between.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "bindings.h"
#include "onnx/model_io.h"
#include "onnx/proto_reader.h"

namespace nb = nanobind;

namespace onyxrt::python {

namespace {

nb::bytes roundtrip_model_bytes(nb::bytes data) {
  onnx::ModelProto model = onnx::parse_model(data.c_str(), data.size());
  std::string out = onnx::serialize_model(model);
  return nb::bytes(out.data(), out.size());
}

// (dtype, shape, payload): payload is the tensor's storage bytes (sub-byte types packed as ONNX
// packs them), or a list of bytes for string tensors.
nb::tuple tensor_from_proto_bytes(nb::bytes data) {
  auto keep = std::make_shared<const std::string>(data.c_str(), data.size());
  onnx::TensorProto proto =
      onnx::decode_tensor_proto(reinterpret_cast<const uint8_t*>(keep->data()), keep->size());
  Tensor t = onnx::tensor_from_proto(proto, "", keep);
  nb::list shape;
  for (int64_t d : t.shape()) shape.append(d);
  if (t.dtype() == DataType::String) {
    nb::list strings;
    for (int64_t i = 0; i < t.size(); ++i) {
      const std::string& s = t.data<std::string>()[i];
      strings.append(nb::bytes(s.data(), s.size()));
    }
    return nb::make_tuple(static_cast<int>(t.dtype()), shape, strings);
  }
  return nb::make_tuple(static_cast<int>(t.dtype()), shape,
                        nb::bytes(static_cast<const char*>(t.raw()), t.nbytes()));
}

}  // namespace

void bind_model_io(nb::module_& m) {
  m.def("_roundtrip_model_bytes", &roundtrip_model_bytes, nb::arg("data"),
        "Parses ModelProto bytes with onyxrt's reader and re-serializes them with its writer.");
  m.def("_tensor_from_proto_bytes", &tensor_from_proto_bytes, nb::arg("data"),
        "Decodes TensorProto bytes: returns (dtype, shape, bytes or list of bytes for strings).");
}

}  // namespace onyxrt::python
