// Encodes proto.h structs to protobuf wire bytes; serialize_model/save_model (model_io.h) are
// built on it. Exposed separately for tests and tools that handle a bare TensorProto.
#pragma once
#include <string>

#include "onnx/proto.h"

namespace onyxrt::onnx {

std::string encode_tensor_proto(const TensorProto& tensor);

}  // namespace onyxrt::onnx
