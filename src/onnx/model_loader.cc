// load_model and parse_model: attach backing storage to a decoded ModelProto so that raw_data
// views stay valid for as long as any copy of the model (or a tensor borrowed from it) lives.
#include <filesystem>

#include "onnx/mapped_file.h"
#include "onnx/model_io.h"
#include "onnx/proto_reader.h"
#include "onyxrt/status.h"

namespace onyxrt::onnx {

ModelProto load_model(const std::string& path) {
  std::shared_ptr<MappedFile> file = MappedFile::open(path, "model");
  ModelProto model;
  try {
    model = decode_model_proto(file->data(), file->size());
  } catch (const Error& e) {
    throw_error(e.code(), "loading model '" + path + "': " + e.what());
  }
  model.backing = file;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  model.model_dir = dir.empty() ? std::string(".") : dir.string();
  return model;
}

ModelProto parse_model(const void* data, size_t size, std::shared_ptr<const void> keep_alive) {
  if (data == nullptr && size != 0) throw_error(ErrorCode::InvalidArgument, "parse_model: null data with non-zero size");
  const uint8_t* bytes = static_cast<const uint8_t*>(data);
  if (!keep_alive) {
    // The caller keeps no promise about the buffer's lifetime: own a copy.
    auto copy = std::make_shared<const std::string>(static_cast<const char*>(data), size);
    bytes = reinterpret_cast<const uint8_t*>(copy->data());
    keep_alive = copy;
  }
  ModelProto model = decode_model_proto(bytes, size);
  model.backing = std::move(keep_alive);
  return model;
}

}  // namespace onyxrt::onnx
