#include "onnx/external_data.h"

#include <filesystem>

#include "onnx/mapped_file.h"
#include "onyxrt/status.h"

namespace onyxrt::onnx {

namespace fs = std::filesystem;

namespace {

struct ExternalInfo {
  std::string location;
  uint64_t offset = 0;
  uint64_t length = MappedFile::npos;  // npos: to the end of the file
};

[[noreturn]] void refuse(const TensorProto& proto, const std::string& why) {
  throw_error(ErrorCode::InvalidArgument, "external data of tensor '" + proto.name + "': " + why);
}

// Offsets and lengths are decimal integers stored as strings; anything else is refused rather
// than half-parsed.
uint64_t parse_size(const TensorProto& proto, const std::string& key, const std::string& text) {
  if (text.empty() || text.size() > 20) refuse(proto, key + " '" + text + "' is not a byte count");
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') refuse(proto, key + " '" + text + "' is not a byte count");
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) refuse(proto, key + " '" + text + "' overflows 64 bits");
    v = v * 10 + d;
  }
  return v;
}

ExternalInfo parse_info(const TensorProto& proto) {
  ExternalInfo info;
  bool has_location = false;
  for (const auto& e : proto.external_data) {
    if (e.key == "location") {
      info.location = e.value;
      has_location = true;
    } else if (e.key == "offset") {
      info.offset = parse_size(proto, "offset", e.value);
    } else if (e.key == "length") {
      info.length = parse_size(proto, "length", e.value);
    }
    // "checksum" and keys from newer specs do not affect where the bytes are.
  }
  if (!has_location || info.location.empty()) refuse(proto, "no 'location' key");
  if (info.location.find('\0') != std::string::npos) refuse(proto, "location contains a NUL byte");
  return info;
}

// True when `p` is strictly inside `root` (both canonical).
bool is_inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return q != p.end();
}

ExternalBytes from_memory(const TensorProto& proto, const ExternalInfo& info,
                          const std::shared_ptr<const std::string>& file) {
  uint64_t size = file->size();
  if (info.offset > size)
    refuse(proto, "offset " + std::to_string(info.offset) + " is beyond the end of in-memory file '" + info.location +
                      "' (" + std::to_string(size) + " bytes)");
  uint64_t length = info.length == MappedFile::npos ? size - info.offset : info.length;
  if (length > size - info.offset)
    refuse(proto, "offset " + std::to_string(info.offset) + " + length " + std::to_string(length) +
                      " is beyond the end of in-memory file '" + info.location + "' (" + std::to_string(size) +
                      " bytes)");
  return {reinterpret_cast<const uint8_t*>(file->data()) + info.offset, static_cast<size_t>(length), file};
}

}  // namespace

ExternalBytes resolve_external_data(const TensorProto& proto, const std::string& model_dir,
                                    const InMemoryFiles* in_memory) {
  ExternalInfo info = parse_info(proto);
  if (in_memory != nullptr) {
    auto it = in_memory->find(info.location);
    if (it == in_memory->end()) it = in_memory->find(fs::path(info.location).lexically_normal().string());
    if (it != in_memory->end() && it->second) return from_memory(proto, info, it->second);
  }
  if (model_dir.empty())
    refuse(proto, "the model was loaded from bytes, so file '" + info.location +
                      "' has no folder to be resolved against; provide it in memory or set the model folder");
  fs::path location(info.location);
  if (location.is_absolute()) refuse(proto, "absolute location '" + info.location + "' is not allowed");

  std::error_code ec;
  fs::path root = fs::canonical(model_dir, ec);
  if (ec) refuse(proto, "model folder '" + model_dir + "' cannot be resolved: " + ec.message());
  // weakly_canonical resolves ".." and every symlink of the part that exists, so a link that
  // points out of the folder is seen for where it leads.
  fs::path target = fs::weakly_canonical(root / location, ec);
  if (ec) refuse(proto, "location '" + info.location + "' cannot be resolved: " + ec.message());
  if (!is_inside(root, target))
    refuse(proto, "location '" + info.location + "' resolves to '" + target.string() + "', outside the model folder '" +
                      root.string() + "'");

  auto file = MappedFile::open(target.string(), "external data of tensor '" + proto.name + "'", info.offset,
                               info.length);
  return {file->data(), file->size(), file};
}

}  // namespace onyxrt::onnx
