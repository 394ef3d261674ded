// ArrayFeatureExtractor (ai.onnx.ml opset 1): selects the elements of X's last axis listed in Y
// (int64); the last axis of the output has len(Y) entries. A 1-D X gives [1, len(Y)].
#include <memory>

#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class ArrayFeatureExtractorKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const Tensor& idx = ctx.required_input(1);
    if (idx.dtype() != DataType::Int64) unsupported_type(ctx.node(), 1, idx.dtype());
    if (x.rank() == 0) throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X must have at least one axis");
    const int64_t last = x.shape().back();
    const int64_t k = idx.size();
    for (int64_t j = 0; j < k; ++j) {
      const int64_t i = idx.data<int64_t>()[j];
      if (i < 0 || i >= last) {
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": index " + std::to_string(i) +
                                                    " outside the last axis of X " + x.describe());
      }
    }
    Shape shape = x.shape();
    shape.back() = k;
    if (x.rank() == 1) shape.insert(shape.begin(), 1);
    Tensor& y = ctx.allocate_output(0, x.dtype(), shape);
    const int64_t outer = last > 0 ? x.size() / last : 0;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t j = 0; j < k; ++j) copy_elements(x.dtype(), x.raw(), o * last + idx.data<int64_t>()[j], y.mutable_raw(), o * k + j, 1);
    }
  }
};

std::unique_ptr<OpKernel> make_array_feature_extractor(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<ArrayFeatureExtractorKernel>();
}

void infer_array_feature_extractor(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& y = ctx.input_type(1);
  if (!x.has_shape || x.shape.empty() || !y.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  ir::SymShape s = x.shape;
  ir::Dim k = ir::Dim::of(1);
  for (const auto& d : y.shape) k = d.known() && k.known() ? ir::Dim::of(k.value * d.value) : ir::Dim{};
  s.back() = k;
  if (x.shape.size() == 1) s.insert(s.begin(), ir::Dim::of(1));
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(s)));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "ArrayFeatureExtractor", 1, kMaxOpset, make_array_feature_extractor,
                    infer_array_feature_extractor});

}  // namespace onyxrt::ops::ml
