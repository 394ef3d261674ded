// GatherND (opset 11; batch_dims from 12): indices' last dim k picks a slice data[i0,...,ik-1] for
// each leading index tuple; the first batch_dims dims of data and indices are shared batch dims.
// Output shape: indices.shape[:-1] + data.shape[batch_dims + k:]. Indices out of range raise
// InvalidArgument naming the node.
#include <string>

#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class GatherNDKernel : public OpKernel {
 public:
  explicit GatherNDKernel(const ir::Node& node) : batch_dims_(node.get_int("batch_dims", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& data = ctx.required_input(0);
    const Tensor& indices = ctx.required_input(1);
    if (!element_copyable(data.dtype())) unsupported_type(node, 0, data.dtype());
    if (indices.dtype() != DataType::Int64 && indices.dtype() != DataType::Int32) unsupported_type(node, 1, indices.dtype());
    const Shape& ds = data.shape();
    const Shape& is = indices.shape();
    const int64_t b = batch_dims_;
    bool ok = !is.empty() && b >= 0 && b < static_cast<int64_t>(is.size()) && b <= static_cast<int64_t>(ds.size()) &&
              b + is.back() <= static_cast<int64_t>(ds.size());
    for (int64_t d = 0; ok && d < b; ++d) ok = ds[d] == is[d];
    if (!ok) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": indices " + indices.describe() +
                                                  " with batch_dims " + std::to_string(b) + " do not index into " +
                                                  data.describe());
    }
    const int64_t k = is.back();
    Shape out(is.begin(), is.end() - 1);
    out.insert(out.end(), ds.begin() + b + k, ds.end());
    Tensor& y = ctx.allocate_output(0, data.dtype(), out);
    int64_t batches = 1;
    for (int64_t d = 0; d < b; ++d) batches *= ds[d];
    int64_t slice = 1;
    for (size_t d = b + k; d < ds.size(); ++d) slice *= ds[d];
    int64_t per_batch_tuples = 1;
    for (size_t d = b; d + 1 < is.size(); ++d) per_batch_tuples *= is[d];
    const std::vector<int64_t> strides = row_major_strides(ds);
    const int64_t batch_stride = b > 0 ? strides[b - 1] : 0;
    for (int64_t bi = 0; bi < batches; ++bi) {
      for (int64_t t = 0; t < per_batch_tuples; ++t) {
        const int64_t tuple = bi * per_batch_tuples + t;
        int64_t off = bi * batch_stride;
        for (int64_t c = 0; c < k; ++c) {
          const int64_t extent = ds[b + c];
          int64_t v = element_as_int64(indices, tuple * k + c);
          if (v < -extent || v >= extent) {
            throw_error(ErrorCode::InvalidArgument, node.describe() + ": index " + std::to_string(v) +
                                                        " is out of range for axis " + std::to_string(b + c) +
                                                        " of extent " + std::to_string(extent));
          }
          off += (v < 0 ? v + extent : v) * strides[b + c];
        }
        copy_elements(data.dtype(), data.raw(), off, y.mutable_raw(), tuple * slice, slice);
      }
    }
  }

 private:
  int64_t batch_dims_;
};

std::unique_ptr<OpKernel> make_gather_nd(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<GatherNDKernel>(node);
}

void infer_gather_nd(ir::InferenceContext& ctx) {
  const ir::TypeInfo& data = ctx.input_type(0);
  const ir::TypeInfo& indices = ctx.input_type(1);
  const int64_t b = ctx.node().get_int("batch_dims", 0);
  if (!data.has_shape || !indices.has_shape || indices.shape.empty() || !indices.shape.back().known()) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(data.elem));
    return;
  }
  const int64_t k = indices.shape.back().value;
  if (b + k > static_cast<int64_t>(data.shape.size())) ctx.fail("indices' last dim is larger than data's rank");
  ir::SymShape out(indices.shape.begin(), indices.shape.end() - 1);
  out.insert(out.end(), data.shape.begin() + b + k, data.shape.end());
  ctx.set_output_type(0, ir::TypeInfo::tensor(data.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "GatherND", 11, kMaxOpset, make_gather_nd, infer_gather_nd});

}  // namespace onyxrt::ops
