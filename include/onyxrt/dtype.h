// ONNX element types. Values are TensorProto.DataType's so that they cross the file format and
// the Python boundary without translation tables.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace onyxrt {

enum class DataType : int32_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
  Float8E4M3FN = 17,
  Float8E4M3FNUZ = 18,
  Float8E5M2 = 19,
  Float8E5M2FNUZ = 20,
  UInt4 = 21,
  Int4 = 22,
  Float4E2M1 = 23,
  Float8E8M0 = 24,
  UInt2 = 25,
  Int2 = 26,
};

// The last TensorProto.DataType value this build knows.
constexpr int32_t kMaxDataType = 26;

bool is_known_dtype(int32_t value);
// Storage width of one element in bits (4 for int4, 8 * sizeof otherwise); 0 for String/Undefined.
int dtype_bits(DataType t);
// Bytes needed for `count` elements, rounding packed sub-byte types up to whole bytes.
size_t dtype_storage_bytes(DataType t, size_t count);
// onnxruntime's spelling inside "tensor(...)": float, double, float16, int64, string, ...
std::string_view dtype_name(DataType t);
// Inverse of dtype_name; Undefined when the name is not known.
DataType dtype_from_name(std::string_view name);
bool dtype_is_float(DataType t);    // float, double, float16, bfloat16, float8*, float4
bool dtype_is_integer(DataType t);  // signed and unsigned ints including 2/4-bit

}  // namespace onyxrt
