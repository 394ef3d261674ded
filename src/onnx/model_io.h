// Loading and saving ONNX models: the only entry points the rest of the engine uses.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "onnx/proto.h"
#include "onyxrt/tensor.h"

namespace onyxrt::onnx {

// Memory-maps `path` and parses it. Throws NoSuchFile when it cannot be opened and
// InvalidProtobuf when it is not a well-formed ModelProto.
ModelProto load_model(const std::string& path);
// Parses bytes the caller owns; `keep_alive` (may be null) is held as the backing storage.
// When keep_alive is null the bytes are copied first.
ModelProto parse_model(const void* data, size_t size, std::shared_ptr<const void> keep_alive = nullptr);

std::string serialize_model(const ModelProto& model);
void save_model(const ModelProto& model, const std::string& path);

// Where a tensor's external bytes may be found besides the filesystem:
// SessionOptions.add_external_initializers_from_files_in_memory.
using InMemoryFiles = std::map<std::string, std::shared_ptr<const std::string>>;

// Decodes any TensorProto (typed fields, raw_data without copying, external data) to a Tensor.
// External paths are resolved against `model_dir` and refused (InvalidGraph... see .cc) when they
// leave it or when offset/length leave the file.
Tensor tensor_from_proto(const TensorProto& proto, const std::string& model_dir,
                         const std::shared_ptr<const void>& backing, const InMemoryFiles* in_memory = nullptr);
// Encodes a tensor as raw_data (strings as string_data).
TensorProto tensor_to_proto(const Tensor& tensor, const std::string& name);
// Densifies a SparseTensorProto.
Tensor tensor_from_sparse_proto(const SparseTensorProto& proto, const std::string& model_dir,
                                const std::shared_ptr<const void>& backing);

}  // namespace onyxrt::onnx
