// Type-agnostic copying of whole elements between tensors, for ops that only move data
// (Concat, Gather, Split, Slice...). Strings are copied as std::string, other types bytewise.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#include "onyxrt/tensor.h"

namespace onyxrt::ops {

// True when copy_elements can move elements of this type (everything but packed sub-byte types).
inline bool element_copyable(DataType dt) {
  return dt == DataType::String || (dtype_bits(dt) > 0 && dtype_bits(dt) % 8 == 0);
}

// Copies `count` elements from element index src_index of src to dst_index of dst.
inline void copy_elements(DataType dt, const void* src, int64_t src_index, void* dst, int64_t dst_index,
                          int64_t count) {
  if (count <= 0) return;
  if (dt == DataType::String) {
    const std::string* s = static_cast<const std::string*>(src) + src_index;
    std::string* d = static_cast<std::string*>(dst) + dst_index;
    for (int64_t i = 0; i < count; ++i) d[i] = s[i];
    return;
  }
  const size_t width = static_cast<size_t>(dtype_bits(dt) / 8);
  std::memcpy(static_cast<char*>(dst) + dst_index * width, static_cast<const char*>(src) + src_index * width,
              static_cast<size_t>(count) * width);
}

}  // namespace onyxrt::ops
