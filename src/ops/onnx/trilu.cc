// Trilu (opset 14): keeps the upper (upper=1: j - i >= k) or lower (j - i <= k) triangle of the
// last two dims and zeroes the rest; k is an optional int64 scalar input (default 0).
#include <string>

#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class TriluKernel : public OpKernel {
 public:
  explicit TriluKernel(const ir::Node& node) : upper_(node.get_int("upper", 1) != 0) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!element_copyable(x.dtype()) || x.dtype() == DataType::String) unsupported_type(node, 0, x.dtype());
    if (x.rank() < 2) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": input must have rank >= 2, got " + x.describe());
    }
    const int64_t k = ctx.input(1) ? scalar_as_int64(*ctx.input(1), node, "k") : 0;
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());  // zero-initialised
    const int64_t rows = x.shape()[x.rank() - 2], cols = x.shape()[x.rank() - 1];
    const int64_t mats = rows * cols == 0 ? 0 : x.size() / (rows * cols);
    for (int64_t m = 0; m < mats; ++m) {
      for (int64_t i = 0; i < rows; ++i) {
        // Columns kept in row i: [max(0, i + k), cols) for upper, [0, min(cols, i + k + 1)) for lower.
        int64_t begin = upper_ ? std::max<int64_t>(0, i + k) : 0;
        int64_t end = upper_ ? cols : std::min<int64_t>(cols, std::max<int64_t>(0, i + k + 1));
        begin = std::min(begin, cols);
        const int64_t base = (m * rows + i) * cols;
        copy_elements(x.dtype(), x.raw(), base + begin, y.mutable_raw(), base + begin, end - begin);
      }
    }
  }

 private:
  bool upper_;
};

std::unique_ptr<OpKernel> make_trilu(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && (!element_copyable(dt) || dt == DataType::String)) unsupported_type(node, 0, dt);
  return std::make_unique<TriluKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Trilu", 14, kMaxOpset, make_trilu, propagate_input0_type});

}  // namespace onyxrt::ops
