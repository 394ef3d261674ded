// A read-only memory mapping of a file (or of a byte range of it). Models and external-data files
// are mapped rather than read so that initializers are paged in on use and never copied.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace onyxrt::onnx {

class MappedFile {
 public:
  // Maps bytes [offset, offset + length) of `path`; length == npos maps to the end of the file.
  // Throws NoSuchFile when the file cannot be opened and InvalidArgument when the range leaves
  // the file. `what` names the purpose in errors ("model", "external data of tensor 'w'").
  static std::shared_ptr<MappedFile> open(const std::string& path, const std::string& what, uint64_t offset = 0,
                                          uint64_t length = npos);
  static constexpr uint64_t npos = ~uint64_t{0};

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  uint64_t file_size() const { return file_size_; }

 private:
  MappedFile() = default;
  void* map_base_ = nullptr;  // page-aligned start of the mapping
  size_t map_size_ = 0;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint64_t file_size_ = 0;
};

}  // namespace onyxrt::onnx
