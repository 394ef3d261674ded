// Decodes the ONNX protobuf messages (onnx/onnx-ml.proto) from wire bytes into the structs of
// proto.h. raw_data fields become views into the input, so the input must outlive the result;
// model_io.cc arranges that through ModelProto::backing.
#pragma once
#include <cstddef>
#include <cstdint>

#include "onnx/proto.h"

namespace onyxrt::onnx {

// Bounds that keep hostile input from exhausting the stack or memory.
struct DecodeLimits {
  // Embedded messages nest through graph attributes (If/Loop/Scan bodies: about 4 levels per
  // graph) and through sequence/map/optional types.
  int max_nesting = 320;
  // Bytes of message structs the decoder may create. A struct is far larger than its smallest
  // encoding (an empty AttributeProto is 2 bytes on the wire, ~1.5 KB in memory), so without a
  // bound a small file of empty messages could ask for gigabytes. Legitimate models stay far
  // below: their bytes are dominated by tensor data and names.
  size_t struct_budget = 0;  // 0: default_struct_budget(size)
  static size_t default_struct_budget(size_t input_size) {
    size_t scaled = input_size > (SIZE_MAX >> 8) ? SIZE_MAX >> 1 : input_size << 7;
    return (size_t{256} << 20) + scaled;
  }
};

// Leaves `backing` and `model_dir` empty: the caller owns the bytes.
ModelProto decode_model_proto(const uint8_t* data, size_t size, const DecodeLimits& limits = {});
// A bare TensorProto / SparseTensorProto (test hooks and tools).
TensorProto decode_tensor_proto(const uint8_t* data, size_t size);
SparseTensorProto decode_sparse_tensor_proto(const uint8_t* data, size_t size);

}  // namespace onyxrt::onnx
