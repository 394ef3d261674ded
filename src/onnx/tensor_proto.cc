// TensorProto <-> Tensor. The typed-field layouts follow the comments on TensorProto in
// onnx-ml.proto: sub-32-bit types travel in int32_data one element per entry, except 4-bit types
// (two per entry, first element in the low nibble) and 2-bit types (four per entry, from the LSB);
// complex numbers are (real, imag) pairs in float_data/double_data; uint32 travels in uint64_data.
#include <cstring>

#include "onnx/external_data.h"
#include "onnx/model_io.h"
#include "onyxrt/status.h"

namespace onyxrt::onnx {

namespace {

std::string tensor_label(const TensorProto& p) { return "tensor '" + p.name + "'"; }

[[noreturn]] void bad_tensor(const TensorProto& p, const std::string& why) {
  throw_error(ErrorCode::InvalidArgument, tensor_label(p) + ": " + why);
}

// Alignment a kernel may assume for the element type; complex numbers are pairs of their part type.
size_t element_alignment(DataType dt) {
  if (dt == DataType::Complex64) return 4;
  size_t bytes = static_cast<size_t>(dtype_bits(dt)) / 8;
  if (bytes == 0) return 1;
  return bytes > 8 ? 8 : bytes;
}

// Wraps bytes that live in the model's storage, copying only when they are misaligned for the
// element type (raw_data follows its varint length prefix, so it may start anywhere) or when no
// owner can keep them alive.
Tensor from_bytes(const TensorProto& p, DataType dt, const Shape& shape, int64_t count, const uint8_t* data,
                  size_t size, const std::shared_ptr<const void>& owner) {
  size_t expected = dtype_storage_bytes(dt, static_cast<size_t>(count));
  if (size != expected)
    bad_tensor(p, "holds " + std::to_string(size) + " bytes but " + std::string(dtype_name(dt)) + shape_to_string(shape) +
                      " needs " + std::to_string(expected));
  bool aligned = reinterpret_cast<uintptr_t>(data) % element_alignment(dt) == 0;
  if (owner && aligned && size > 0)
    return Tensor::borrow(dt, shape, const_cast<uint8_t*>(data), std::const_pointer_cast<void>(owner));
  Tensor t = Tensor::allocate(dt, shape);
  if (size > 0) std::memcpy(t.mutable_raw(), data, size);
  return t;
}

void expect_count(const TensorProto& p, const char* field, size_t have, size_t want) {
  if (have != want)
    bad_tensor(p, std::string(field) + " has " + std::to_string(have) + " values, expected " + std::to_string(want));
}

template <typename Dst, typename Src>
Tensor narrow_copy(const TensorProto& p, DataType dt, const Shape& shape, const std::vector<Src>& src, size_t want,
                   const char* field) {
  expect_count(p, field, src.size(), want);
  Tensor t = Tensor::allocate(dt, shape);
  Dst* out = static_cast<Dst*>(t.mutable_raw());
  for (size_t i = 0; i < want; ++i) out[i] = static_cast<Dst>(src[i]);
  return t;
}

Tensor from_int32_data(const TensorProto& p, DataType dt, const Shape& shape, int64_t count) {
  size_t n = static_cast<size_t>(count);
  int bits = dtype_bits(dt);
  if (bits < 8) {
    // Sub-byte types: each int32 entry carries one packed byte of the tensor's storage.
    return narrow_copy<uint8_t>(p, dt, shape, p.int32_data, dtype_storage_bytes(dt, n), "int32_data");
  }
  if (dt == DataType::Bool) {
    expect_count(p, "int32_data", p.int32_data.size(), n);
    Tensor t = Tensor::allocate(dt, shape);
    auto* out = static_cast<uint8_t*>(t.mutable_raw());
    for (size_t i = 0; i < n; ++i) out[i] = p.int32_data[i] != 0;
    return t;
  }
  switch (bits) {
    case 8: return narrow_copy<uint8_t>(p, dt, shape, p.int32_data, n, "int32_data");
    case 16: return narrow_copy<uint16_t>(p, dt, shape, p.int32_data, n, "int32_data");
    default: return narrow_copy<int32_t>(p, dt, shape, p.int32_data, n, "int32_data");
  }
}

Tensor from_typed_fields(const TensorProto& p, DataType dt, const Shape& shape, int64_t count) {
  size_t n = static_cast<size_t>(count);
  switch (dt) {
    case DataType::Float: return narrow_copy<float>(p, dt, shape, p.float_data, n, "float_data");
    case DataType::Complex64: return narrow_copy<float>(p, dt, shape, p.float_data, 2 * n, "float_data");
    case DataType::Double: return narrow_copy<double>(p, dt, shape, p.double_data, n, "double_data");
    case DataType::Complex128: return narrow_copy<double>(p, dt, shape, p.double_data, 2 * n, "double_data");
    case DataType::Int64: return narrow_copy<int64_t>(p, dt, shape, p.int64_data, n, "int64_data");
    case DataType::UInt64: return narrow_copy<uint64_t>(p, dt, shape, p.uint64_data, n, "uint64_data");
    case DataType::UInt32: return narrow_copy<uint32_t>(p, dt, shape, p.uint64_data, n, "uint64_data");
    case DataType::String: {
      expect_count(p, "string_data", p.string_data.size(), n);
      Tensor t = Tensor::allocate(dt, shape);
      auto* out = static_cast<std::string*>(t.mutable_raw());
      for (size_t i = 0; i < n; ++i) out[i] = p.string_data[i];
      return t;
    }
    default: return from_int32_data(p, dt, shape, count);
  }
}

Shape checked_shape(const TensorProto& p, const std::vector<int64_t>& dims) {
  for (int64_t d : dims) {
    if (d < 0) bad_tensor(p, "negative dimension " + std::to_string(d) + " in " + shape_to_string(dims));
  }
  return Shape(dims.begin(), dims.end());
}

DataType checked_dtype(const TensorProto& p) {
  if (p.data_type == 0) bad_tensor(p, "data_type is UNDEFINED");
  if (!is_known_dtype(p.data_type))
    throw_error(ErrorCode::NotImplemented,
                tensor_label(p) + ": data_type " + std::to_string(p.data_type) + " is not supported by this build");
  return static_cast<DataType>(p.data_type);
}

}  // namespace

Tensor tensor_from_proto(const TensorProto& proto, const std::string& model_dir,
                         const std::shared_ptr<const void>& backing, const InMemoryFiles* in_memory) {
  DataType dt = checked_dtype(proto);
  Shape shape = checked_shape(proto, proto.dims);
  int64_t count = shape_size(shape);  // throws on overflow
  if (proto.data_location == TensorProto::EXTERNAL) {
    if (dt == DataType::String) bad_tensor(proto, "string tensors cannot be stored as external data");
    ExternalBytes ext = resolve_external_data(proto, model_dir, in_memory);
    return from_bytes(proto, dt, shape, count, ext.data, ext.size, ext.owner);
  }
  if (proto.data_location != TensorProto::DEFAULT)
    bad_tensor(proto, "unknown data_location " + std::to_string(proto.data_location));
  if (proto.has_raw_data) {
    if (dt == DataType::String) bad_tensor(proto, "string tensors must use string_data, not raw_data");
    const std::shared_ptr<const void>& owner =
        proto.raw_data.owned ? std::static_pointer_cast<const void>(proto.raw_data.owned) : backing;
    return from_bytes(proto, dt, shape, count, proto.raw_data.data, proto.raw_data.size, owner);
  }
  return from_typed_fields(proto, dt, shape, count);
}

TensorProto tensor_to_proto(const Tensor& tensor, const std::string& name) {
  TensorProto p;
  p.name = name;
  p.data_type = static_cast<int32_t>(tensor.dtype());
  p.dims.assign(tensor.shape().begin(), tensor.shape().end());
  if (tensor.dtype() == DataType::String) {
    const auto* s = tensor.data<std::string>();
    p.string_data.assign(s, s + tensor.size());
    return p;
  }
  p.has_raw_data = true;
  p.raw_data = ByteView::own(std::string(static_cast<const char*>(tensor.raw()), tensor.nbytes()));
  return p;
}

}  // namespace onyxrt::onnx
