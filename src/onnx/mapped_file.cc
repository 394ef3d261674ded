#include "onnx/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "onyxrt/status.h"

namespace onyxrt::onnx {

namespace {
// Closes the descriptor on every path out of open(); the mapping stays valid after close.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};
// Any non-null address: views of zero bytes never dereference it.
const uint8_t kEmpty[1] = {0};
}  // namespace

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path, const std::string& what, uint64_t offset,
                                             uint64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw_error(ErrorCode::NoSuchFile, "cannot open " + what + " file '" + path + "': " + std::strerror(errno));
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw_error(ErrorCode::NoSuchFile, "cannot stat " + what + " file '" + path + "': " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw_error(ErrorCode::InvalidArgument, what + " path '" + path + "' is not a regular file");
  uint64_t file_size = static_cast<uint64_t>(st.st_size);
  if (offset > file_size)
    throw_error(ErrorCode::InvalidArgument, what + ": offset " + std::to_string(offset) + " is beyond the end of '" +
                                                path + "' (" + std::to_string(file_size) + " bytes)");
  if (length == npos) length = file_size - offset;
  if (length > file_size - offset)
    throw_error(ErrorCode::InvalidArgument, what + ": offset " + std::to_string(offset) + " + length " +
                                                std::to_string(length) + " is beyond the end of '" + path + "' (" +
                                                std::to_string(file_size) + " bytes)");
  std::shared_ptr<MappedFile> m(new MappedFile());
  m->file_size_ = file_size;
  m->size_ = static_cast<size_t>(length);
  if (length == 0) {
    m->data_ = kEmpty;
    return m;
  }
  // mmap offsets must be page-aligned; map from the page holding `offset`.
  uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t base = offset - offset % page;
  size_t map_size = static_cast<size_t>(offset - base + length);
  void* p = ::mmap(nullptr, map_size, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(base));
  if (p == MAP_FAILED)
    throw_error(ErrorCode::Fail, "cannot memory-map " + what + " file '" + path + "': " + std::strerror(errno));
  m->map_base_ = p;
  m->map_size_ = map_size;
  m->data_ = static_cast<const uint8_t*>(p) + (offset - base);
  return m;
}

MappedFile::~MappedFile() {
  if (map_base_ != nullptr) ::munmap(map_base_, map_size_);
}

}  // namespace onyxrt::onnx
