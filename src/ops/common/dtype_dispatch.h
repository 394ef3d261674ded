// Maps a runtime DataType to the C++ element type a kernel template is instantiated with, so an
// op lists the types it supports in one place instead of a switch per kernel.
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>

#include "kernels/ref/float16.h"
#include "onyxrt/dtype.h"
#include "onyxrt/status.h"

namespace onyxrt::ops {

// Calls fn(T{}) with T the storage type of a numeric or bool dtype; returns false (calling
// nothing) for string, complex, float8 and sub-byte types.
template <typename Fn>
bool visit_numeric(DataType dt, Fn&& fn) {
  switch (dt) {
    case DataType::Float: fn(float{}); return true;
    case DataType::Double: fn(double{}); return true;
    case DataType::Float16: fn(kernels::Float16{}); return true;
    case DataType::BFloat16: fn(kernels::BFloat16{}); return true;
    case DataType::Int8: fn(int8_t{}); return true;
    case DataType::Int16: fn(int16_t{}); return true;
    case DataType::Int32: fn(int32_t{}); return true;
    case DataType::Int64: fn(int64_t{}); return true;
    case DataType::UInt8: fn(uint8_t{}); return true;
    case DataType::UInt16: fn(uint16_t{}); return true;
    case DataType::UInt32: fn(uint32_t{}); return true;
    case DataType::UInt64: fn(uint64_t{}); return true;
    case DataType::Bool: fn(bool{}); return true;
    default: return false;
  }
}

// Arithmetic on float16/bfloat16 happens in float and is rounded back on store, as onnxruntime's
// CPU kernels do; other types compute in themselves.
template <typename T>
struct ComputeType {
  using type = T;
  static T load(T v) { return v; }
  static T store(T v) { return v; }
};
template <>
struct ComputeType<kernels::Float16> {
  using type = float;
  static float load(kernels::Float16 v) { return kernels::half_to_float(v); }
  static kernels::Float16 store(float v) { return kernels::float_to_half(v); }
};
template <>
struct ComputeType<kernels::BFloat16> {
  using type = float;
  static float load(kernels::BFloat16 v) { return kernels::bfloat16_to_float(v); }
  static kernels::BFloat16 store(float v) { return kernels::float_to_bfloat16(v); }
};

// A 16-byte trivially copyable element (complex128) for type-agnostic data movement.
struct Bytes16 {
  uint64_t lo, hi;
};

// Calls fn(T{}) with a type of the same width as one element of dt (std::string for strings), for
// ops that only move elements. Returns false for sub-byte packed types, which need their own code.
template <typename Fn>
bool visit_by_element_width(DataType dt, Fn&& fn) {
  if (dt == DataType::String) {
    fn(std::string{});
    return true;
  }
  switch (dtype_bits(dt)) {
    case 8: fn(uint8_t{}); return true;
    case 16: fn(uint16_t{}); return true;
    case 32: fn(uint32_t{}); return true;
    case 64: fn(uint64_t{}); return true;
    case 128: fn(Bytes16{}); return true;
    default: return false;
  }
}

}  // namespace onyxrt::ops
