// Where: y = condition ? X : Y with three-way numpy broadcasting. Only moves elements, so it is
// dispatched on element width and serves every type the schema lists (bool, numbers, float16,
// bfloat16, complex, string).
#include <algorithm>
#include <string>
#include <type_traits>

#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename T>
void run_where(KernelContext& ctx, const kernels::ref::BroadcastIndexer& bi, const Tensor& c, const Tensor& x,
               const Tensor& y, Tensor& z) {
  const bool* pc = c.data<bool>();
  const T* px = x.data<T>();
  const T* py = y.data<T>();
  T* pz = z.mutable_data<T>();
  ThreadPool::parallel_for(ctx.thread_pool(), bi.output_size(), 1 << 14, [&](int64_t begin, int64_t end) {
    bi.for_each_run(begin, end, [&](int64_t out, const int64_t* off, const int64_t* step, int64_t n) {
      T* rz = pz + out;
      if (step[0] == 0) {
        // One condition for the whole run: copy the chosen input's run (or repeat its element).
        const bool pick_x = pc[off[0]];
        const T* src = pick_x ? px + off[1] : py + off[2];
        if ((pick_x ? step[1] : step[2]) != 0) {
          std::copy(src, src + n, rz);
        } else {
          std::fill(rz, rz + n, *src);
        }
      } else if (step[1] != 0 && step[2] != 0) {
        const bool* rc = pc + off[0];
        const T* rx = px + off[1];
        const T* ry = py + off[2];
        for (int64_t i = 0; i < n; ++i) rz[i] = rc[i] ? rx[i] : ry[i];
      } else {
        for (int64_t i = 0; i < n; ++i) {
          rz[i] = pc[off[0] + i] ? px[off[1] + i * step[1]] : py[off[2] + i * step[2]];
        }
      }
    });
  });
}

bool movable(DataType dt) { return dt != DataType::Undefined && visit_by_element_width(dt, [](auto) {}); }

class WhereKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& c = ctx.required_input(0);
    const Tensor& x = ctx.required_input(1);
    const Tensor& y = ctx.required_input(2);
    check_tensor_dtype(ctx, 0, c, kBoolType);
    if (!movable(x.dtype())) unsupported_type(ctx.node(), 1, x.dtype());
    check_same_dtype(ctx, x, y);
    const auto bi = broadcast_or_throw(ctx.node(), {c.shape(), x.shape(), y.shape()});
    Tensor& z = ctx.allocate_output_uninitialized(0, x.dtype(), bi.output_shape());
    if (bi.output_size() == 0) return;
    visit_by_element_width(x.dtype(), [&](auto tag) { run_where<decltype(tag)>(ctx, bi, c, x, y, z); });
  }
};

std::unique_ptr<OpKernel> make_where(const ir::Node& node) {
  require_input_dtype(node, 0, kBoolType);
  const DataType dt = input_dtype(node, 1);
  if (dt != DataType::Undefined && !movable(dt)) unsupported_type(node, 1, dt);
  require_same_input_dtype(node, 1, 3);
  return std::make_unique<WhereKernel>();
}

// The output takes X's element type (input 0 is the bool condition).
void infer_where(ir::InferenceContext& ctx) {
  DataType elem = ctx.input_type(1).elem;
  if (elem == DataType::Undefined) elem = ctx.input_type(2).elem;
  infer_broadcast_output(ctx, elem);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Where", 9, kMaxOpset, make_where, infer_where});

}  // namespace onyxrt::ops
