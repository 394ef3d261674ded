// A typed, shaped block of memory. A Tensor shares its storage: copies are shallow, and the
// storage may be owned (allocated) or borrowed (a memory-mapped initializer, a numpy array) with
// an owner handle that keeps the lender alive.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "onyxrt/allocator.h"
#include "onyxrt/dtype.h"

namespace onyxrt {

using Shape = std::vector<int64_t>;

// Number of elements of a shape; throws InvalidArgument on a negative dim or on overflow.
int64_t shape_size(const Shape& shape);
std::string shape_to_string(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;

  // Allocates zero-initialised storage (strings are constructed empty). A raw allocator must
  // outlive the tensor; the shared_ptr overload keeps it alive. nullptr: cpu_allocator().
  static Tensor allocate(DataType dtype, Shape shape, Allocator* allocator = nullptr);
  static Tensor allocate(DataType dtype, Shape shape, std::shared_ptr<Allocator> allocator);
  // Like allocate, but numeric storage is left as the allocator returns it: for code that writes
  // every element, where zero-filling first would be a wasted pass over memory.
  static Tensor allocate_uninitialized(DataType dtype, Shape shape, Allocator* allocator = nullptr);
  // Wraps memory owned elsewhere; `owner` is held for the tensor's lifetime.
  static Tensor borrow(DataType dtype, Shape shape, void* data, std::shared_ptr<void> owner);
  // A 0-d tensor holding one value.
  template <typename T>
  static Tensor scalar(DataType dtype, T value) {
    Tensor t = allocate(dtype, {});
    *t.mutable_data<T>() = value;
    return t;
  }

  bool defined() const { return dtype_ != DataType::Undefined; }
  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  size_t rank() const { return shape_.size(); }
  int64_t size() const { return size_; }
  size_t nbytes() const { return dtype_storage_bytes(dtype_, static_cast<size_t>(size_)); }

  const void* raw() const { return data_; }
  void* mutable_raw() { return data_; }
  template <typename T>
  const T* data() const { return static_cast<const T*>(data_); }
  template <typename T>
  T* mutable_data() { return static_cast<T*>(data_); }

  // Same storage, new shape with the same element count.
  Tensor reshaped(Shape shape) const;
  // Same storage: the elements [offset, offset + shape's size) of this tensor, with `shape`
  // (not for strings).
  Tensor slice(int64_t offset, Shape shape) const;
  // Deep copy into fresh storage.
  Tensor clone(Allocator* allocator = nullptr) const;
  std::string describe() const;  // "tensor(float)[2,3]"

 private:
  DataType dtype_ = DataType::Undefined;
  Shape shape_;
  int64_t size_ = 0;
  void* data_ = nullptr;
  std::shared_ptr<void> storage_;
};

}  // namespace onyxrt
