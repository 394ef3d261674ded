// Densifies a SparseTensorProto. Per onnx-ml.proto, `values` is a 1-D tensor of NNZ elements and
// `indices` is int64, either [NNZ] (positions in the flattened dense tensor) or [NNZ, rank]
// (coordinates); `dims` is the dense shape.
#include <cstring>

#include "onnx/model_io.h"
#include "onyxrt/status.h"

namespace onyxrt::onnx {

namespace {

[[noreturn]] void bad_sparse(const SparseTensorProto& p, const std::string& why) {
  throw_error(ErrorCode::InvalidArgument, "sparse tensor '" + p.values.name + "': " + why);
}

}  // namespace

Tensor tensor_from_sparse_proto(const SparseTensorProto& proto, const std::string& model_dir,
                                const std::shared_ptr<const void>& backing) {
  for (int64_t d : proto.dims) {
    if (d < 0) bad_sparse(proto, "negative dimension in dense shape " + shape_to_string(proto.dims));
  }
  Shape shape(proto.dims.begin(), proto.dims.end());
  int64_t dense_count = shape_size(shape);
  Tensor values = tensor_from_proto(proto.values, model_dir, backing);
  Tensor indices = tensor_from_proto(proto.indices, model_dir, backing);
  DataType dt = values.dtype();
  if (values.rank() != 1) bad_sparse(proto, "values must be 1-D, got " + values.describe());
  if (indices.dtype() != DataType::Int64) bad_sparse(proto, "indices must be int64, got " + indices.describe());
  if (dtype_bits(dt) % 8 != 0)
    throw_error(ErrorCode::NotImplemented, "sparse tensor '" + proto.values.name + "': sub-byte element type " +
                                               std::string(dtype_name(dt)) + " is not supported");
  int64_t nnz = values.size();
  size_t rank = shape.size();
  bool linear = indices.rank() == 1 && indices.shape()[0] == nnz;
  bool coords = indices.rank() == 2 && indices.shape()[0] == nnz && indices.shape()[1] == static_cast<int64_t>(rank);
  if (!linear && !coords)
    bad_sparse(proto, "indices " + indices.describe() + " fit neither [" + std::to_string(nnz) + "] nor [" +
                          std::to_string(nnz) + "," + std::to_string(rank) + "]");

  Tensor dense = Tensor::allocate(dt, shape);
  const int64_t* idx = indices.data<int64_t>();
  size_t elem = static_cast<size_t>(dtype_bits(dt) / 8);
  for (int64_t k = 0; k < nnz; ++k) {
    int64_t pos = 0;
    if (linear) {
      pos = idx[k];
    } else {
      for (size_t a = 0; a < rank; ++a) {
        int64_t c = idx[static_cast<size_t>(k) * rank + a];
        if (c < 0 || c >= shape[a])
          bad_sparse(proto, "index " + std::to_string(c) + " of value " + std::to_string(k) + " is outside axis " +
                                std::to_string(a) + " of size " + std::to_string(shape[a]));
        pos = pos * shape[a] + c;
      }
    }
    if (pos < 0 || pos >= dense_count)
      bad_sparse(proto, "index " + std::to_string(pos) + " of value " + std::to_string(k) +
                            " is outside the dense tensor of " + std::to_string(dense_count) + " elements");
    if (dt == DataType::String) {
      dense.mutable_data<std::string>()[pos] = values.data<std::string>()[k];
    } else {
      std::memcpy(static_cast<uint8_t*>(dense.mutable_raw()) + static_cast<size_t>(pos) * elem,
                  static_cast<const uint8_t*>(values.raw()) + static_cast<size_t>(k) * elem, elem);
    }
  }
  return dense;
}

}  // namespace onyxrt::onnx
