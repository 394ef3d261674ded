// NonMaxSuppression (ONNX opsets 10, 11): per batch and class, greedily keeps the highest-scoring
// boxes above score_threshold and drops any box whose IoU with a kept one exceeds iou_threshold,
// up to max_output_boxes_per_class. Boxes are [y1, x1, y2, x2] with either diagonal
// (center_point_box=0) or [x_center, y_center, width, height] (=1). Output: [num_selected, 3] int64
// rows (batch, class, box), in batch, class, then selection order, as onnxruntime emits them.
#include <algorithm>
#include <memory>
#include <numeric>
#include <vector>

#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct Corners {
  double y1, x1, y2, x2;
  double area() const { return (y2 - y1) * (x2 - x1); }
};

template <typename T>
Corners corners_of(const T* b, bool center_point) {
  if (center_point) {
    const double xc = b[0], yc = b[1], w = b[2], h = b[3];
    return {yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2};
  }
  return {std::min<double>(b[0], b[2]), std::min<double>(b[1], b[3]), std::max<double>(b[0], b[2]),
          std::max<double>(b[1], b[3])};
}

bool suppresses(const Corners& a, const Corners& b, double iou_threshold) {
  const double ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  if (ih <= 0 || iw <= 0) return false;
  const double inter = ih * iw;
  const double uni = a.area() + b.area() - inter;
  if (a.area() <= 0 || b.area() <= 0 || uni <= 0) return false;
  return inter / uni > iou_threshold;
}

template <typename T>
double scalar_or(const Tensor* t, double def) {
  return t != nullptr && t->size() > 0 ? static_cast<double>(t->data<T>()[0]) : def;
}

class NmsKernel final : public OpKernel {
 public:
  explicit NmsKernel(const ir::Node& node) : center_point_(node.get_int("center_point_box", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& boxes = ctx.required_input(0);
    if (!visit_f32_or_f64(boxes.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, boxes); }))
      unsupported_type(ctx.node(), 0, boxes.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& boxes) const {
    const ir::Node& node = ctx.node();
    const Tensor& scores = ctx.required_input(1);
    if (boxes.rank() != 3 || boxes.shape()[2] != 4 || scores.rank() != 3 || scores.shape()[0] != boxes.shape()[0] ||
        scores.shape()[2] != boxes.shape()[1] || scores.dtype() != boxes.dtype())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected boxes [B, S, 4] and scores [B, C, S] of one type, got " +
                                                  shape_to_string(boxes.shape()) + " and " + shape_to_string(scores.shape()));
    const Tensor* max_t = ctx.input(2);
    if (max_t != nullptr && max_t->size() > 0 && max_t->dtype() != DataType::Int64)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": max_output_boxes_per_class must be int64");
    const int64_t max_out = max_t != nullptr && max_t->size() > 0 ? max_t->data<int64_t>()[0] : 0;
    const double iou = scalar_or<float>(ctx.input(3), 0.0);
    const Tensor* score_t = ctx.input(4);
    const bool has_score = score_t != nullptr && score_t->size() > 0;
    const double score_threshold = scalar_or<float>(score_t, 0.0);
    const int64_t B = boxes.shape()[0], S = boxes.shape()[1], C = scores.shape()[1];
    std::vector<int64_t> selected;
    std::vector<Corners> all(static_cast<size_t>(S));
    std::vector<int64_t> order, kept;
    for (int64_t b = 0; b < B && max_out > 0; ++b) {
      for (int64_t s = 0; s < S; ++s) all[s] = corners_of(boxes.data<T>() + (b * S + s) * 4, center_point_);
      for (int64_t c = 0; c < C; ++c) {
        const T* sc = scores.data<T>() + (b * C + c) * S;
        order.clear();
        for (int64_t s = 0; s < S; ++s)
          if (!has_score || static_cast<double>(sc[s]) > score_threshold) order.push_back(s);
        // highest score first; equal scores keep the lower box index first
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t z) { return sc[a] > sc[z]; });
        kept.clear();
        for (int64_t s : order) {
          if (static_cast<int64_t>(kept.size()) >= max_out) break;
          bool drop = false;
          for (int64_t k : kept)
            if (suppresses(all[k], all[s], iou)) {
              drop = true;
              break;
            }
          if (drop) continue;
          kept.push_back(s);
          selected.insert(selected.end(), {b, c, s});
        }
      }
    }
    Tensor& out = ctx.allocate_output(0, DataType::Int64, {static_cast<int64_t>(selected.size() / 3), 3});
    std::copy(selected.begin(), selected.end(), out.mutable_data<int64_t>());
  }

  bool center_point_;
};

std::unique_ptr<OpKernel> make_nms(const ir::Node& node) {
  for (int i = 0; i < 2; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, i, t);
  }
  for (int i = 3; i < 5; ++i) {
    const DataType t = node.has_input(i) ? input_dtype(node, i) : DataType::Undefined;
    if (t != DataType::Undefined && t != DataType::Float) unsupported_type(node, i, t);
  }
  return std::make_unique<NmsKernel>(node);
}

void infer_nms(ir::InferenceContext& ctx) {
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int64, ir::SymShape{ir::Dim{}, ir::Dim::of(3)}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "NonMaxSuppression", 10, 10, make_nms, infer_nms});
ONYXRT_REGISTER_OP({"", "NonMaxSuppression", 11, kMaxOpset, make_nms, infer_nms});

}  // namespace onyxrt::ops
