// Concat: joins inputs of equal rank along `axis` (negative from opset 11; opset 1 defaults it
// to 1). All other dims must match; inputs with a zero extent on `axis` contribute nothing.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/common/axes.h"
#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

int64_t concat_axis_attr(const ir::Node& node) {
  if (node.opset < 4) return node.get_int("axis", 1);
  return node.required("axis").i;
}

class ConcatKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    int n = ctx.input_count();
    if (n == 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": needs at least one input");
    std::vector<const Tensor*> inputs(n);
    for (int k = 0; k < n; ++k) inputs[k] = &ctx.required_input(k);
    const Tensor& first = *inputs[0];
    const int64_t rank = static_cast<int64_t>(first.rank());
    const int64_t axis = normalize_axis(concat_axis_attr(node), rank, node);

    Shape out_shape = first.shape();
    out_shape[axis] = 0;
    for (int k = 0; k < n; ++k) {
      const Tensor& t = *inputs[k];
      bool compatible = t.dtype() == first.dtype() && static_cast<int64_t>(t.rank()) == rank;
      for (int64_t d = 0; compatible && d < rank; ++d) compatible = d == axis || t.shape()[d] == first.shape()[d];
      if (!compatible) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": input " + std::to_string(k) + " " +
                                                    t.describe() + " does not match input 0 " + first.describe() +
                                                    " outside axis " + std::to_string(axis));
      }
      out_shape[axis] += t.shape()[axis];
    }
    if (!element_copyable(first.dtype())) unsupported_type(node, 0, first.dtype());
    // The producers may already have written their outputs into this one (plan/concat_placement.h).
    Tensor* placed = ctx.placed_output(0, first.dtype(), out_shape);
    Tensor& y = placed ? *placed : ctx.allocate_output_uninitialized(0, first.dtype(), out_shape);
    if (y.size() == 0) return;

    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= out_shape[d];
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < rank; ++d) inner *= out_shape[d];
    const int64_t out_row = out_shape[axis] * inner;
    // Each input fills a fixed column range [column, column + block) of every output row: one
    // contiguous copy per input and row, rows split across the pool.
    std::vector<int64_t> columns(n);
    for (int k = 1; k < n; ++k) columns[k] = columns[k - 1] + inputs[k - 1]->shape()[axis] * inner;
    if (placed) {
      // Inputs that sit where they belong have nothing to move; a producer that did not take its
      // slice (it passed a value through) is copied as usual.
      std::vector<const Tensor*> rest;
      std::vector<int64_t> rest_columns;
      const size_t bytes = dtype_storage_bytes(first.dtype(), 1);
      for (int k = 0; k < n; ++k)
        if (inputs[k]->raw() != static_cast<const char*>(y.raw()) + columns[k] * bytes)
          rest.push_back(inputs[k]), rest_columns.push_back(columns[k]);
      inputs.swap(rest), columns.swap(rest_columns);
      n = static_cast<int>(inputs.size());
      if (n == 0) return;
    }
    const int64_t min_rows = std::max<int64_t>(1, (int64_t{1} << 14) / std::max<int64_t>(1, out_row));
    const ThreadPool* pool = ctx.thread_pool();
    if (pool && pool->num_threads() > 1 && outer < 2 * pool->num_threads()) {
      // Few rows (channel concat at batch 1: one row): split each input's blocks into pieces, so
      // that the copy is shared by the pool instead of running on one thread.
      constexpr int64_t kPiece = int64_t{1} << 15;
      struct Piece {
        int64_t o;
        int k;
        int64_t start, len;
      };
      std::vector<Piece> pieces;
      for (int64_t o = 0; o < outer; ++o)
        for (int k = 0; k < n; ++k) {
          const int64_t block = inputs[k]->shape()[axis] * inner;
          for (int64_t s0 = 0; s0 < block; s0 += kPiece) pieces.push_back({o, k, s0, std::min(kPiece, block - s0)});
        }
      ThreadPool::parallel_for(ctx.thread_pool(), static_cast<int64_t>(pieces.size()), 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const Piece& q = pieces[static_cast<size_t>(i)];
          const int64_t block = inputs[q.k]->shape()[axis] * inner;
          copy_elements(first.dtype(), inputs[q.k]->raw(), q.o * block + q.start, y.mutable_raw(),
                        q.o * out_row + columns[q.k] + q.start, q.len);
        }
      });
      return;
    }
    ThreadPool::parallel_for(ctx.thread_pool(), outer, min_rows, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        for (int k = 0; k < n; ++k) {
          const int64_t block = inputs[k]->shape()[axis] * inner;
          copy_elements(first.dtype(), inputs[k]->raw(), o * block, y.mutable_raw(), o * out_row + columns[k], block);
        }
      }
    });
  }
};

std::unique_ptr<OpKernel> make_concat(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<ConcatKernel>();
}

void infer_concat(ir::InferenceContext& ctx) {
  DataType elem = DataType::Undefined;
  const ir::TypeInfo* shaped = nullptr;
  for (int k = 0; k < ctx.input_count(); ++k) {
    const ir::TypeInfo& t = ctx.input_type(k);
    if (elem == DataType::Undefined) elem = t.elem;
    if (t.has_shape && shaped == nullptr) shaped = &t;
  }
  if (shaped == nullptr) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
    return;
  }
  const int64_t rank = static_cast<int64_t>(shaped->shape.size());
  const int64_t axis = normalize_axis(concat_axis_attr(ctx.node()), rank, ctx.node());
  ir::SymShape out = shaped->shape;
  int64_t axis_total = 0;
  bool axis_known = true;
  for (int k = 0; k < ctx.input_count(); ++k) {
    const ir::TypeInfo& t = ctx.input_type(k);
    if (!t.has_shape) {
      axis_known = false;
      continue;
    }
    if (static_cast<int64_t>(t.shape.size()) != rank) ctx.fail("inputs have different ranks");
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis) continue;
      // Prefer a known extent over a symbol when inputs disagree in what they know.
      if (!out[d].known() && t.shape[d].known()) out[d] = t.shape[d];
      if (out[d].known() && t.shape[d].known() && out[d].value != t.shape[d].value) {
        ctx.fail("input " + std::to_string(k) + " has extent " + std::to_string(t.shape[d].value) + " on axis " +
                 std::to_string(d) + ", expected " + std::to_string(out[d].value));
      }
    }
    if (t.shape[axis].known()) {
      axis_total += t.shape[axis].value;
    } else {
      axis_known = false;
    }
  }
  out[axis] = axis_known ? ir::Dim::of(axis_total) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Concat", 1, 3, make_concat, infer_concat});
ONYXRT_REGISTER_OP({"", "Concat", 4, kMaxOpset, make_concat, infer_concat});

}  // namespace onyxrt::ops
