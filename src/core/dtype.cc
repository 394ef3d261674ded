#include "onyxrt/dtype.h"

#include <array>

namespace onyxrt {
namespace {

struct DtypeInfo {
  DataType type;
  std::string_view name;
  int bits;
};

// onnxruntime's names inside "tensor(...)".
constexpr std::array<DtypeInfo, kMaxDataType + 1> kInfo = {{
    {DataType::Undefined, "undefined", 0},
    {DataType::Float, "float", 32},
    {DataType::UInt8, "uint8", 8},
    {DataType::Int8, "int8", 8},
    {DataType::UInt16, "uint16", 16},
    {DataType::Int16, "int16", 16},
    {DataType::Int32, "int32", 32},
    {DataType::Int64, "int64", 64},
    {DataType::String, "string", 0},
    {DataType::Bool, "bool", 8},
    {DataType::Float16, "float16", 16},
    {DataType::Double, "double", 64},
    {DataType::UInt32, "uint32", 32},
    {DataType::UInt64, "uint64", 64},
    {DataType::Complex64, "complex64", 64},
    {DataType::Complex128, "complex128", 128},
    {DataType::BFloat16, "bfloat16", 16},
    {DataType::Float8E4M3FN, "float8e4m3fn", 8},
    {DataType::Float8E4M3FNUZ, "float8e4m3fnuz", 8},
    {DataType::Float8E5M2, "float8e5m2", 8},
    {DataType::Float8E5M2FNUZ, "float8e5m2fnuz", 8},
    {DataType::UInt4, "uint4", 4},
    {DataType::Int4, "int4", 4},
    {DataType::Float4E2M1, "float4e2m1", 4},
    {DataType::Float8E8M0, "float8e8m0", 8},
    {DataType::UInt2, "uint2", 2},
    {DataType::Int2, "int2", 2},
}};

}  // namespace

bool is_known_dtype(int32_t value) { return value > 0 && value <= kMaxDataType; }

int dtype_bits(DataType t) {
  auto i = static_cast<int32_t>(t);
  return is_known_dtype(i) ? kInfo[i].bits : 0;
}

size_t dtype_storage_bytes(DataType t, size_t count) {
  if (t == DataType::String) return count * sizeof(std::string);
  size_t bits = static_cast<size_t>(dtype_bits(t));
  if (bits >= 8) return count * (bits / 8);
  return (count * bits + 7) / 8;
}

std::string_view dtype_name(DataType t) {
  auto i = static_cast<int32_t>(t);
  return is_known_dtype(i) ? kInfo[i].name : kInfo[0].name;
}

DataType dtype_from_name(std::string_view name) {
  for (const auto& info : kInfo)
    if (info.name == name && info.type != DataType::Undefined) return info.type;
  return DataType::Undefined;
}

bool dtype_is_float(DataType t) {
  switch (t) {
    case DataType::Float: case DataType::Double: case DataType::Float16: case DataType::BFloat16:
    case DataType::Float8E4M3FN: case DataType::Float8E4M3FNUZ: case DataType::Float8E5M2:
    case DataType::Float8E5M2FNUZ: case DataType::Float4E2M1: case DataType::Float8E8M0:
      return true;
    default:
      return false;
  }
}

bool dtype_is_integer(DataType t) {
  switch (t) {
    case DataType::UInt8: case DataType::Int8: case DataType::UInt16: case DataType::Int16:
    case DataType::Int32: case DataType::Int64: case DataType::UInt32: case DataType::UInt64:
    case DataType::UInt4: case DataType::Int4: case DataType::UInt2: case DataType::Int2:
      return true;
    default:
      return false;
  }
}

}  // namespace onyxrt
