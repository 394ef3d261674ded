// Size (opset 1, 13, 19, 21): the input's element count as an int64 scalar; any element type.
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class SizeKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    Tensor& y = ctx.allocate_output(0, DataType::Int64, {});
    *y.mutable_data<int64_t>() = x.size();
  }
};

std::unique_ptr<OpKernel> make_size(const ir::Node&) { return std::make_unique<SizeKernel>(); }

void infer_size(ir::InferenceContext& ctx) { ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int64, ir::SymShape{})); }

}  // namespace

ONYXRT_REGISTER_OP({"", "Size", 1, kMaxOpset, make_size, infer_size});

}  // namespace onyxrt::ops
