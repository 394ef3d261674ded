#include "ops/common/global_pool.h"

namespace onyxrt::ops {

void infer_global_pool_output(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  if (!x.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  if (x.shape.size() < 3) ctx.fail("X must be [N, C, spatial...]");
  ir::SymShape out{x.shape[0], x.shape[1]};
  out.resize(x.shape.size(), ir::Dim::of(1));
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(out)));
}

}  // namespace onyxrt::ops
