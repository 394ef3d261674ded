// Identity passes its input through unchanged: a tensor (shared, not copied), a sequence
// (opset 14+) or an optional (opset 16+).
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class IdentityKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Value* in = ctx.input_value(0);
    if (in == nullptr) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input 0 is missing");
    }
    ctx.set_output(0, *in);
  }
};

std::unique_ptr<OpKernel> make_identity(const ir::Node&) { return std::make_unique<IdentityKernel>(); }

}  // namespace

ONYXRT_REGISTER_OP({"", "Identity", 1, kMaxOpset, make_identity, propagate_input0_type});

}  // namespace onyxrt::ops
