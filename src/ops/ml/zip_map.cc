// ZipMap (ai.onnx.ml opset 1): each row of X [N, C] (float) becomes a map from the class labels
// (classlabels_int64s or classlabels_strings) to that row's scores; the output is a sequence of
// N maps.
#include <memory>

#include "ops/ml/class_labels.h"
#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class ZipMapKernel : public OpKernel {
 public:
  explicit ZipMapKernel(const ir::Node& node) : labels_(ClassLabels::from(node, "classlabels_int64s")) {
    if (labels_.size() == 0) fail_attr(node, "needs classlabels_int64s or classlabels_strings");
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (x.dtype() != DataType::Float) unsupported_type(ctx.node(), 0, x.dtype());
    const int64_t c = labels_.size();
    const int64_t cols = x.rank() == 2 ? x.shape()[1] : x.size();
    const int64_t rows = x.rank() == 2 ? x.shape()[0] : 1;
    if (x.rank() > 2 || cols != c) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X must be [N, " + std::to_string(c) +
                                                  "] (one column per label), got " + x.describe());
    }
    Tensor keys = Tensor::allocate(labels_.dtype(), {c}, ctx.allocator());
    for (int64_t j = 0; j < c; ++j) labels_.write(keys, j, j);
    Sequence maps;
    maps.reserve(rows);
    for (int64_t r = 0; r < rows; ++r) {
      Tensor values = Tensor::allocate(DataType::Float, {c}, ctx.allocator());
      std::copy(x.data<float>() + r * c, x.data<float>() + (r + 1) * c, values.mutable_data<float>());
      maps.push_back(Value::map(Map{labels_.dtype(), keys, values}));
    }
    ctx.set_output(0, Value::sequence(std::move(maps)));
  }

 private:
  ClassLabels labels_;
};

std::unique_ptr<OpKernel> make_zip_map(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && dt != DataType::Float) unsupported_type(node, 0, dt);
  return std::make_unique<ZipMapKernel>(node);
}

void infer_zip_map(ir::InferenceContext& ctx) {
  const bool strings = !ctx.node().get_strings("classlabels_strings").empty();
  ir::TypeInfo map;
  map.kind = ir::TypeInfo::Kind::Map;
  map.key = strings ? DataType::String : DataType::Int64;
  map.inner = std::make_shared<ir::TypeInfo>(ir::TypeInfo::tensor(DataType::Float));
  ir::TypeInfo seq;
  seq.kind = ir::TypeInfo::Kind::Sequence;
  seq.inner = std::make_shared<ir::TypeInfo>(map);
  ctx.set_output_type(0, seq);
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "ZipMap", 1, kMaxOpset, make_zip_map, infer_zip_map});

}  // namespace onyxrt::ops::ml
