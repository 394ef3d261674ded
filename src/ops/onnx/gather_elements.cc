// GatherElements (opset 11, 13): out[i] = data[i with its `axis` coordinate replaced by
// indices[i]]; the output has the shape of indices. Out-of-range indices raise InvalidArgument.
#include <string>

#include "ops/common/axes.h"
#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class GatherElementsKernel : public OpKernel {
 public:
  explicit GatherElementsKernel(const ir::Node& node) : axis_(node.get_int("axis", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& data = ctx.required_input(0);
    const Tensor& indices = ctx.required_input(1);
    if (!element_copyable(data.dtype())) unsupported_type(node, 0, data.dtype());
    if (indices.dtype() != DataType::Int64 && indices.dtype() != DataType::Int32) unsupported_type(node, 1, indices.dtype());
    const Shape& ds = data.shape();
    const Shape& is = indices.shape();
    const int64_t rank = static_cast<int64_t>(ds.size());
    const int64_t axis = normalize_axis(axis_, rank, node);
    bool fits = static_cast<int64_t>(is.size()) == rank;
    for (int64_t d = 0; fits && d < rank; ++d) fits = d == axis || is[d] <= ds[d];
    if (!fits) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": indices " + indices.describe() +
                                                  " do not fit data " + data.describe() + " on axes other than " +
                                                  std::to_string(axis));
    }
    Tensor& y = ctx.allocate_output(0, data.dtype(), is);
    const std::vector<int64_t> dstr = row_major_strides(ds);
    const int64_t extent = ds[axis];
    std::vector<int64_t> idx(rank, 0);
    for (int64_t j = 0; j < indices.size(); ++j) {
      int64_t v = element_as_int64(indices, j);
      if (v < -extent || v >= extent) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": index " + std::to_string(v) + " at position " +
                                                    std::to_string(j) + " is out of range for axis " +
                                                    std::to_string(axis) + " of " + data.describe());
      }
      if (v < 0) v += extent;
      int64_t off = 0;
      for (int64_t d = 0; d < rank; ++d) off += (d == axis ? v : idx[d]) * dstr[d];
      copy_elements(data.dtype(), data.raw(), off, y.mutable_raw(), j, 1);
      for (int64_t d = rank; d-- > 0;) {
        if (++idx[d] < is[d]) break;
        idx[d] = 0;
      }
    }
  }

 private:
  int64_t axis_;
};

std::unique_ptr<OpKernel> make_gather_elements(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<GatherElementsKernel>(node);
}

void infer_gather_elements(ir::InferenceContext& ctx) {
  const ir::TypeInfo& indices = ctx.input_type(1);
  const DataType elem = ctx.input_type(0).elem;
  ctx.set_output_type(0, indices.has_shape ? ir::TypeInfo::tensor(elem, indices.shape) : ir::TypeInfo::tensor(elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "GatherElements", 11, kMaxOpset, make_gather_elements, infer_gather_elements});

}  // namespace onyxrt::ops
