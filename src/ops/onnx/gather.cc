// Gather: picks slices of `data` along `axis` at `indices` (int32 or int64; negative values count
// from the end, from opset 11). Output shape: data[:axis] + indices.shape + data[axis+1:].
#include <algorithm>
#include <cstdint>
#include <string>

#include "onyxrt/allocator.h"
#include "ops/common/axes.h"
#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

// Output row (o, j) is data row (o, indices[j]): `inner` contiguous elements, one memcpy each,
// split across the pool by rows (the BERT embedding lookup is 128 rows of 768 floats).
template <typename I>
void gather(const Tensor& data, const Tensor& indices, Tensor& out, int64_t axis, KernelContext& ctx) {
  const ir::Node& node = ctx.node();
  const Shape& ds = data.shape();
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= ds[d];
  int64_t inner = 1;
  for (size_t d = axis + 1; d < ds.size(); ++d) inner *= ds[d];
  const int64_t extent = ds[axis];
  const int64_t count = indices.size();
  const I* idx = indices.data<I>();
  for (int64_t j = 0; j < count; ++j) {
    const int64_t i = static_cast<int64_t>(idx[j]);
    if (i < -extent || i >= extent) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": index " + std::to_string(i) + " at position " +
                                                  std::to_string(j) + " is out of range [" + std::to_string(-extent) +
                                                  ", " + std::to_string(extent - 1) + "] for axis " +
                                                  std::to_string(axis) + " of " + data.describe());
    }
  }
  if (inner == 0 || outer == 0 || count == 0) return;
  const DataType dt = data.dtype();
  const void* src = data.raw();
  void* dst = out.mutable_raw();
  const int64_t min_rows = std::max<int64_t>(1, (int64_t{1} << 14) / inner);
  ThreadPool::parallel_for(ctx.thread_pool(), outer * count, min_rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t o = r / count, j = r % count;
      int64_t i = static_cast<int64_t>(idx[j]);
      if (i < 0) i += extent;
      copy_elements(dt, src, (o * extent + i) * inner, dst, r * inner, inner);
    }
  });
}

// One index along the first axis that is not 1 picks a contiguous slice: the output is a view
// of it, not a copy. ViT-B/16 splits its fused QKV projection this way, 36 Gathers of a third of
// [3, 197, 768] each, which as copies took 650 us of a run at one thread. Views start on the
// allocator's alignment (kernels may read vectors from there) and are not graph outputs (those
// are handed to the caller, who may write them).
bool try_view(KernelContext& ctx, const Tensor& data, const Tensor& indices, int64_t axis, const Shape& out_shape) {
  const bool int64 = indices.dtype() == DataType::Int64;
  if (indices.size() != 1 || (!int64 && indices.dtype() != DataType::Int32) || data.dtype() == DataType::String ||
      ctx.node().outputs[0]->is_graph_output)
    return false;
  const Shape& ds = data.shape();
  for (int64_t d = 0; d < axis; ++d)
    if (ds[d] != 1) return false;
  int64_t i = int64 ? indices.data<int64_t>()[0] : indices.data<int32_t>()[0];
  if (i < -ds[axis] || i >= ds[axis]) return false;  // the copy path names the bad index
  if (i < 0) i += ds[axis];
  const int64_t inner = shape_size(out_shape);
  const size_t offset_bytes = dtype_storage_bytes(data.dtype(), static_cast<size_t>(i * inner));
  if (inner == 0 || (reinterpret_cast<uintptr_t>(data.raw()) + offset_bytes) % Allocator::kAlignment != 0) return false;
  ctx.set_output(0, Value(data.slice(i * inner, out_shape)));
  return true;
}

class GatherKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& data = ctx.required_input(0);
    const Tensor& indices = ctx.required_input(1);
    if (!element_copyable(data.dtype())) unsupported_type(node, 0, data.dtype());
    const int64_t axis = normalize_axis(node.get_int("axis", 0), static_cast<int64_t>(data.rank()), node);
    Shape out_shape(data.shape().begin(), data.shape().begin() + axis);
    out_shape.insert(out_shape.end(), indices.shape().begin(), indices.shape().end());
    out_shape.insert(out_shape.end(), data.shape().begin() + axis + 1, data.shape().end());
    if (try_view(ctx, data, indices, axis, out_shape)) return;
    Tensor& y = ctx.allocate_output_uninitialized(0, data.dtype(), out_shape);
    if (indices.dtype() == DataType::Int64) {
      gather<int64_t>(data, indices, y, axis, ctx);
    } else if (indices.dtype() == DataType::Int32) {
      gather<int32_t>(data, indices, y, axis, ctx);
    } else {
      unsupported_type(node, 1, indices.dtype());
    }
  }
};

std::unique_ptr<OpKernel> make_gather(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  const DataType it = input_dtype(node, 1);
  if (it != DataType::Undefined && it != DataType::Int32 && it != DataType::Int64) unsupported_type(node, 1, it);
  return std::make_unique<GatherKernel>();
}

void infer_gather(ir::InferenceContext& ctx) {
  const ir::TypeInfo& data = ctx.input_type(0);
  const ir::TypeInfo& indices = ctx.input_type(1);
  if (!data.has_shape || !indices.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(data.elem));
    return;
  }
  const int64_t axis =
      normalize_axis(ctx.node().get_int("axis", 0), static_cast<int64_t>(data.shape.size()), ctx.node());
  ir::SymShape out(data.shape.begin(), data.shape.begin() + axis);
  out.insert(out.end(), indices.shape.begin(), indices.shape.end());
  out.insert(out.end(), data.shape.begin() + axis + 1, data.shape.end());
  ctx.set_output_type(0, ir::TypeInfo::tensor(data.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Gather", 1, kMaxOpset, make_gather, infer_gather});

}  // namespace onyxrt::ops
