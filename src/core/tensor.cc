#include "onyxrt/tensor.h"

#include <cstring>
#include <limits>
#include <new>
#include <sstream>

#include "onyxrt/status.h"

namespace onyxrt {

int64_t shape_size(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw_error(ErrorCode::InvalidArgument, "negative dimension in shape " + shape_to_string(shape));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      throw_error(ErrorCode::InvalidArgument, "element count of shape " + shape_to_string(shape) + " overflows int64");
    n *= d;
  }
  return n;
}

std::string shape_to_string(const Shape& shape) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? "," : "") << shape[i];
  os << ']';
  return os.str();
}

namespace {

// Storage is released through the allocator that produced it; strings are destroyed first.
std::shared_ptr<void> make_storage(DataType dtype, int64_t count, Allocator* alloc,
                                   std::shared_ptr<Allocator> keep_alive, bool zero_fill = true) {
  size_t bytes = dtype_storage_bytes(dtype, static_cast<size_t>(count));
  if (dtype == DataType::String && count > 0 &&
      static_cast<size_t>(count) > std::numeric_limits<size_t>::max() / sizeof(std::string))
    throw_error(ErrorCode::InvalidArgument, "string tensor too large");
  void* p = alloc->allocate(bytes);
  if (dtype == DataType::String) {
    auto* s = static_cast<std::string*>(p);
    for (int64_t i = 0; i < count; ++i) new (s + i) std::string();
    return std::shared_ptr<void>(p, [alloc, keep_alive, count](void* q) {
      auto* s = static_cast<std::string*>(q);
      for (int64_t i = 0; i < count; ++i) s[i].~basic_string();
      alloc->deallocate(q);
    });
  }
  if (zero_fill) std::memset(p, 0, bytes);
  return std::shared_ptr<void>(p, [alloc, keep_alive](void* q) { alloc->deallocate(q); });
}

}  // namespace

Tensor Tensor::allocate_uninitialized(DataType dtype, Shape shape, Allocator* allocator) {
  std::shared_ptr<Allocator> keep;
  if (!allocator) {
    keep = cpu_allocator();
    allocator = keep.get();
  }
  Tensor t;
  t.size_ = shape_size(shape);
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.storage_ = make_storage(dtype, t.size_, allocator, std::move(keep), /*zero_fill=*/false);
  t.data_ = t.storage_.get();
  return t;
}

Tensor Tensor::allocate(DataType dtype, Shape shape, Allocator* allocator) {
  Tensor t = allocate_uninitialized(dtype, std::move(shape), allocator);
  if (dtype != DataType::String) std::memset(t.data_, 0, dtype_storage_bytes(dtype, static_cast<size_t>(t.size_)));
  return t;
}

Tensor Tensor::allocate(DataType dtype, Shape shape, std::shared_ptr<Allocator> allocator) {
  if (!allocator) allocator = cpu_allocator();
  Tensor t;
  t.size_ = shape_size(shape);
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  Allocator* raw = allocator.get();
  t.storage_ = make_storage(dtype, t.size_, raw, std::move(allocator));
  t.data_ = t.storage_.get();
  return t;
}

Tensor Tensor::borrow(DataType dtype, Shape shape, void* data, std::shared_ptr<void> owner) {
  Tensor t;
  t.size_ = shape_size(shape);
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.data_ = data;
  t.storage_ = std::move(owner);
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shape_size(shape) != size_)
    throw_error(ErrorCode::InvalidArgument,
                "cannot reshape " + describe() + " to " + shape_to_string(shape) + ": element counts differ");
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::slice(int64_t offset, Shape shape) const {
  const int64_t n = shape_size(shape);
  if (dtype_ == DataType::String || offset < 0 || n < 0 || offset > size_ || n > size_ - offset)
    throw_error(ErrorCode::InvalidArgument, "cannot take " + shape_to_string(shape) + " at element " +
                                                std::to_string(offset) + " of " + describe());
  Tensor t = *this;
  t.shape_ = std::move(shape);
  t.size_ = n;
  t.data_ = static_cast<char*>(data_) + dtype_storage_bytes(dtype_, static_cast<size_t>(offset));
  return t;
}

Tensor Tensor::clone(Allocator* allocator) const {
  Tensor t = allocate(dtype_, shape_, allocator);
  if (dtype_ == DataType::String) {
    for (int64_t i = 0; i < size_; ++i) t.mutable_data<std::string>()[i] = data<std::string>()[i];
  } else if (nbytes()) {
    std::memcpy(t.data_, data_, nbytes());
  }
  return t;
}

std::string Tensor::describe() const {
  return "tensor(" + std::string(dtype_name(dtype_)) + ")" + shape_to_string(shape_);
}

}  // namespace onyxrt
