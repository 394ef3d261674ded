// ReverseSequence (opset 10): for each batch entry b, reverses the first sequence_lens[b]
// elements along time_axis and copies the rest unchanged. batch_axis and time_axis are 0 and 1 in
// either order.
#include <string>

#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class ReverseSequenceKernel : public OpKernel {
 public:
  explicit ReverseSequenceKernel(const ir::Node& node)
      : batch_axis_(node.get_int("batch_axis", 1)), time_axis_(node.get_int("time_axis", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    const Tensor& lens = ctx.required_input(1);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    const Shape& s = x.shape();
    const bool axes_ok = (batch_axis_ == 0 && time_axis_ == 1) || (batch_axis_ == 1 && time_axis_ == 0);
    if (!axes_ok || s.size() < 2 || lens.rank() != 1 || lens.size() != s[batch_axis_]) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": expects batch/time axes 0 and 1 of a rank >= 2 "
                                                                "input and one length per batch entry, got " +
                                                  x.describe() + " and sequence_lens " + lens.describe());
    }
    Tensor& y = ctx.allocate_output(0, x.dtype(), s);
    const int64_t batch = s[batch_axis_], time = s[time_axis_];
    int64_t inner = 1;
    for (size_t d = 2; d < s.size(); ++d) inner *= s[d];
    const std::vector<int64_t> strides = row_major_strides(s);
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t len = element_as_int64(lens, b);
      if (len < 0 || len > time) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": sequence_lens[" + std::to_string(b) + "] = " +
                                                    std::to_string(len) + " is outside [0, " + std::to_string(time) + "]");
      }
      for (int64_t t = 0; t < time; ++t) {
        const int64_t src_t = t < len ? len - 1 - t : t;
        const int64_t dst = b * strides[batch_axis_] + t * strides[time_axis_];
        const int64_t src = b * strides[batch_axis_] + src_t * strides[time_axis_];
        copy_elements(x.dtype(), x.raw(), src, y.mutable_raw(), dst, inner);
      }
    }
  }

 private:
  int64_t batch_axis_;
  int64_t time_axis_;
};

std::unique_ptr<OpKernel> make_reverse_sequence(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<ReverseSequenceKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "ReverseSequence", 10, kMaxOpset, make_reverse_sequence, propagate_input0_type});

}  // namespace onyxrt::ops
