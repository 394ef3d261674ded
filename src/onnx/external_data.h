// Locates the bytes of a TensorProto stored outside the model (data_location = EXTERNAL), per the
// external_data keys of onnx-ml.proto: location (relative to the model's folder), offset, length.
// Paths are confined to the model's folder: absolute paths, ".." escapes and symlinks leading out
// are refused, so that a downloaded model cannot make the engine read arbitrary files.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "onnx/model_io.h"
#include "onnx/proto.h"

namespace onyxrt::onnx {

struct ExternalBytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::shared_ptr<const void> owner;  // the mapping or the in-memory file that holds the bytes
};

// `in_memory` files (SessionOptions.add_external_initializers_from_files_in_memory) are looked up
// by location before the filesystem. Throws InvalidArgument on a refused path or a range outside
// the file, NoSuchFile when the file is missing.
ExternalBytes resolve_external_data(const TensorProto& proto, const std::string& model_dir,
                                    const InMemoryFiles* in_memory);

}  // namespace onyxrt::onnx
