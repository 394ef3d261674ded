// Attention (ONNX opsets 23, 24, 25+): softmax(scale * Q K^T + bias) V per head, with
//  - 4-D inputs [B, heads, seq, head] or 3-D [B, seq, heads * head] (q_num_heads/kv_num_heads),
//  - grouped-query attention (q heads share kv head h / (q_heads / kv_heads)),
//  - past_key/past_value concatenated before K/V and returned as present_key/present_value,
//  - attn_mask (bool: true attends; float: added), broadcast to [B, q_heads, q_seq, total] and
//    padded with "masked" when its last dim is shorter than total,
//  - is_causal: key j is visible to query i iff j <= i + past (offset bottom-right by the cache),
//  - softcap: s = softcap * tanh(s / softcap) before the bias,
//  - opset 24's nonpad_kv_seqlen [B]: keys at or past it are masked, causal offset nonpad - q_seq,
//  - qk_matmul_output modes 0 (scaled QK), 1 (after softcap), 2 (after bias), 3 (softmax),
//  - opset 25's left_window_size / right_window_size (-1: unbounded): query i, at absolute
//    position i + offset (the causal offset), sees key j iff -right <= i + offset - j <= left.
// A fully masked row gives zeros (spec). float and double compute in double. float16 and bfloat16
// compute in double but round where the spec's function body casts or computes in the 16-bit
// type (sqrt(scale), the scaled Q and K, their product, softcap, the biased scores and each
// softmax step, unless softmax_precision asks for float): one ulp of bfloat16 already exceeds the
// backend suite's 1e-3 tolerance, so rounding only at the end is not close enough.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/ref/float_types.h"
#include "kernels/ref/real_cast.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

// Element (b, h, s, d) of a 4-D [B, H, S, D] or 3-D [B, S, H * D] tensor.
struct HeadView {
  int64_t B = 0, H = 0, S = 0, D = 0;
  bool three_d = false;
  int64_t at(int64_t b, int64_t h, int64_t s) const {
    return three_d ? ((b * S + s) * H + h) * D : ((b * H + h) * S + s) * D;
  }
};

HeadView view_of(const Tensor& t, int64_t heads, const ir::Node& node, const char* what) {
  HeadView v;
  if (t.rank() == 4) {
    v = {t.shape()[0], t.shape()[1], t.shape()[2], t.shape()[3], false};
  } else if (t.rank() == 3) {
    if (heads <= 0 || t.shape()[2] % heads != 0)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": 3-D " + what + " " + shape_to_string(t.shape()) +
                                                  " needs q_num_heads/kv_num_heads dividing its last dim");
    v = {t.shape()[0], heads, t.shape()[1], t.shape()[2] / heads, true};
  } else {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " must be 3-D or 4-D, got " + shape_to_string(t.shape()));
  }
  return v;
}

class AttentionKernel final : public OpKernel {
 public:
  explicit AttentionKernel(const ir::Node& node)
      : causal_(node.get_int("is_causal", 0) != 0),
        q_heads_(node.get_int("q_num_heads", 0)),
        kv_heads_(node.get_int("kv_num_heads", 0)),
        mode_(node.get_int("qk_matmul_output_mode", 0)),
        has_scale_(node.has("scale")),
        scale_(node.get_float("scale", 1.0f)),
        softcap_(node.get_float("softcap", 0.0f)),
        softmax_precision_(node.get_int("softmax_precision", 0)),
        left_window_(node.get_int("left_window_size", -1)),
        right_window_(node.get_int("right_window_size", -1)) {
    if (mode_ < 0 || mode_ > 3)
      throw_error(ErrorCode::NotImplemented, node.describe() + ": qk_matmul_output_mode " + std::to_string(mode_) + " is not supported (0..3)");
    if (left_window_ < -1 || right_window_ < -1)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": left_window_size / right_window_size must be -1 or nonnegative");
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& Q = ctx.required_input(0);
    if (!kernels::visit_float_or_half(Q.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, Q); }))
      unsupported_type(ctx.node(), 0, Q.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& Qt) const {
    const ir::Node& node = ctx.node();
    const Tensor& Kt = ctx.required_input(1);
    const Tensor& Vt = ctx.required_input(2);
    const Tensor* mask = ctx.input(3);
    const Tensor* past_k = ctx.input(4);
    const Tensor* past_v = ctx.input(5);
    const Tensor* nonpad = ctx.input(6);
    const HeadView q = view_of(Qt, q_heads_, node, "Q"), k = view_of(Kt, kv_heads_, node, "K"),
                   v = view_of(Vt, kv_heads_, node, "V");
    if ((past_k == nullptr) != (past_v == nullptr))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": past_key and past_value must be given together");
    const int64_t B = q.B, QH = q.H, KH = k.H, qS = q.S, D = q.D, VD = v.D;
    const int64_t past = past_k ? past_k->shape()[2] : 0, total = past + k.S;
    if (k.B != B || v.B != B || v.H != KH || k.D != D || v.S != k.S || KH == 0 || QH % KH != 0 ||
        (past_k && (past_k->shape() != Shape{B, KH, past, D} || past_v->shape() != Shape{B, KH, past, VD})))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": inconsistent Q " + shape_to_string(Qt.shape()) + ", K " +
                                                  shape_to_string(Kt.shape()) + ", V " + shape_to_string(Vt.shape()));
    // present K/V: [B, KH, total, D]
    auto build_present = [&](int out, const Tensor* past_t, const HeadView& cur, const Tensor& cur_t, int64_t dim) {
      Tensor t = ctx.output_count() > out && ctx.output_requested(out)
                     ? ctx.allocate_output(out, Qt.dtype(), {B, KH, total, dim})
                     : Tensor::allocate(Qt.dtype(), {B, KH, total, dim}, ctx.allocator());
      T* dst = t.mutable_data<T>();
      for (int64_t b = 0; b < B; ++b)
        for (int64_t h = 0; h < KH; ++h) {
          T* row = dst + (b * KH + h) * total * dim;
          if (past_t) std::copy_n(past_t->data<T>() + (b * KH + h) * past * dim, past * dim, row);
          for (int64_t s = 0; s < cur.S; ++s) std::copy_n(cur_t.data<T>() + cur.at(b, h, s), dim, row + (past + s) * dim);
        }
      return t;
    };
    const Tensor Kp = build_present(1, past_k, k, Kt, D);
    const Tensor Vp = build_present(2, past_v, v, Vt, VD);
    Shape y_shape = q.three_d ? Shape{B, qS, QH * VD} : Shape{B, QH, qS, VD};
    Tensor& Y = ctx.allocate_output(0, Qt.dtype(), y_shape);
    T* qk_out = ctx.output_count() > 3 && ctx.output_requested(3)
                    ? ctx.allocate_output(3, Qt.dtype(), {B, QH, qS, total}).mutable_data<T>() : nullptr;
    // mask broadcast strides over [B, QH, qS, L]
    int64_t mstride[4] = {0, 0, 0, 0}, mlast = 0;
    const bool bool_mask = mask && mask->dtype() == DataType::Bool;
    if (mask) {
      if (mask->rank() < 1 || mask->rank() > 4 || (!bool_mask && mask->dtype() != Qt.dtype()))
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": attn_mask must be bool or Q's type with rank 1 to 4, got " +
                                                    shape_to_string(mask->shape()));
      const Shape full{B, QH, qS, total};
      int64_t s = 1;
      for (size_t d = mask->rank(); d-- > 0;) {
        const size_t fd = d + 4 - mask->rank();
        const int64_t dim = mask->shape()[d];
        if (fd == 3) mlast = dim;
        else if (dim != 1 && dim != full[fd])
          throw_error(ErrorCode::InvalidArgument, node.describe() + ": attn_mask " + shape_to_string(mask->shape()) +
                                                      " does not broadcast to " + shape_to_string(full));
        mstride[fd] = dim == 1 && fd != 3 ? 0 : s;
        s *= dim;
      }
      if (mlast > total) throw_error(ErrorCode::InvalidArgument, node.describe() + ": attn_mask is longer than the total kv length");
    }
    constexpr bool half = std::is_same_v<T, kernels::Float16> || std::is_same_v<T, kernels::BFloat16>;
    // rt: a value the function body holds in T; rs: one it holds in the softmax type.
    auto rt = [](double x) { return half ? kernels::round_as<T>(x) : x; };
    const bool float_softmax = softmax_precision_ == static_cast<int64_t>(DataType::Float) ||
                               softmax_precision_ == static_cast<int64_t>(DataType::Double);
    auto rs = [&](double x) { return !half ? x : (float_softmax ? kernels::round_as<float>(x) : kernels::round_as<T>(x)); };
    const double scale = has_scale_ ? static_cast<double>(scale_) : 1.0 / std::sqrt(static_cast<double>(D));
    const double sqrt_scale = rt(std::sqrt(scale));  // the body scales Q and K by sqrt(scale) each
    const double neg_inf = -std::numeric_limits<double>::infinity();
    const T* qd = Qt.data<T>();
    const T* kd = Kp.data<T>();
    const T* vd = Vp.data<T>();
    T* yd = Y.mutable_data<T>();
    const HeadView yv{B, QH, qS, VD, q.three_d};
    ThreadPool::parallel_for(ctx.thread_pool(), B * QH, 1, [&](int64_t begin, int64_t end) {
      std::vector<double> score(static_cast<size_t>(total)), bias(static_cast<size_t>(total)), acc(static_cast<size_t>(VD));
      for (int64_t job = begin; job < end; ++job) {
        const int64_t b = job / QH, h = job % QH, kh = h / (QH / KH);
        int64_t valid = total, offset = past;
        if (nonpad) {
          valid = nonpad->dtype() == DataType::Int64 ? nonpad->data<int64_t>()[b] : nonpad->data<int32_t>()[b];
          if (!past_k) offset = valid - qS;
        }
        const T* kb = kd + (b * KH + kh) * total * D;
        const T* vb = vd + (b * KH + kh) * total * VD;
        for (int64_t i = 0; i < qS; ++i) {
          const T* qi = qd + q.at(b, h, i);
          T* qk_row = qk_out ? qk_out + ((b * QH + h) * qS + i) * total : nullptr;
          bool any_visible = false;
          for (int64_t j = 0; j < total; ++j) {
            double s = 0;
            if constexpr (half) {
              for (int64_t d = 0; d < D; ++d)
                s += rt(kernels::to_double(qi[d]) * sqrt_scale) * rt(kernels::to_double(kb[j * D + d]) * sqrt_scale);
              s = rt(s);
            } else {
              for (int64_t d = 0; d < D; ++d) s += kernels::to_double(qi[d]) * kernels::to_double(kb[j * D + d]);
              s *= scale;
            }
            if (qk_row && mode_ == 0) qk_row[j] = kernels::from_double<T>(s);
            if (softcap_ > 0) s = rt(softcap_ * rt(std::tanh(rt(s / softcap_))));
            if (qk_row && mode_ == 1) qk_row[j] = kernels::from_double<T>(s);
            double bj = 0;
            if (mask) {
              if (j >= mlast) bj = neg_inf;
              else {
                const int64_t mi = b * mstride[0] + h * mstride[1] + i * mstride[2] + j * mstride[3];
                bj = bool_mask ? (mask->data<bool>()[mi] ? 0.0 : neg_inf) : kernels::to_double(mask->data<T>()[mi]);
              }
            }
            if (causal_ && j > i + offset) bj = neg_inf;
            const int64_t behind = i + offset - j;  // how far key j lies before query i
            if ((left_window_ >= 0 && behind > left_window_) || (right_window_ >= 0 && -behind > right_window_)) bj = neg_inf;
            if (j >= valid) bj = neg_inf;
            bias[j] = bj;
            score[j] = rt(s + bj);
            if (bj != neg_inf) any_visible = true;
            if (qk_row && mode_ == 2) qk_row[j] = kernels::from_double<T>(score[j]);
          }
          std::fill(acc.begin(), acc.end(), 0.0);
          if (any_visible) {
            double mx = neg_inf;
            for (int64_t j = 0; j < total; ++j) mx = std::max(mx, score[j]);
            double sum = 0;
            // numpy sums float16 in float (one rounding at the end); ml_dtypes' bfloat16 rounds each add.
            constexpr bool round_each_add = std::is_same_v<T, kernels::BFloat16>;
            for (int64_t j = 0; j < total; ++j) {
              score[j] = score[j] == neg_inf ? 0.0 : rs(std::exp(rs(score[j] - mx)));
              sum = round_each_add ? rs(sum + score[j]) : sum + score[j];
            }
            sum = rs(sum);
            if (sum == 0) sum = 1;
            for (int64_t j = 0; j < total; ++j) {
              const double p = kernels::round_as<T>(rs(score[j] / sum));
              score[j] = p;
              for (int64_t d = 0; d < VD; ++d) acc[d] += p * kernels::to_double(vb[j * VD + d]);
            }
          } else {
            std::fill(score.begin(), score.end(), 0.0);
          }
          if (qk_row && mode_ == 3)
            for (int64_t j = 0; j < total; ++j) qk_row[j] = kernels::from_double<T>(score[j]);
          T* yo = yd + yv.at(b, h, i);
          for (int64_t d = 0; d < VD; ++d) yo[d] = kernels::from_double<T>(acc[d]);
        }
      }
    });
  }

  bool causal_;
  int64_t q_heads_, kv_heads_, mode_;
  bool has_scale_;
  float scale_, softcap_;
  int64_t softmax_precision_, left_window_, right_window_;
};

std::unique_ptr<OpKernel> make_attention(const ir::Node& node) {
  for (int i : {0, 1, 2, 4, 5}) {
    const DataType t = node.has_input(i) ? input_dtype(node, i) : DataType::Undefined;
    if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, i, t);
  }
  const DataType m = node.has_input(3) ? input_dtype(node, 3) : DataType::Undefined;
  if (m != DataType::Undefined && m != DataType::Bool && !kernels::is_float_or_half(m)) unsupported_type(node, 3, m);
  const DataType n = node.has_input(6) ? input_dtype(node, 6) : DataType::Undefined;
  if (n != DataType::Undefined && n != DataType::Int64 && n != DataType::Int32) unsupported_type(node, 6, n);
  return std::make_unique<AttentionKernel>(node);
}

void infer_attention(ir::InferenceContext& ctx) {
  const ir::TypeInfo& q = ctx.input_type(0);
  const ir::TypeInfo& k = ctx.input_type(1);
  const ir::TypeInfo& v = ctx.input_type(2);
  const DataType elem = q.elem;
  const bool shapes = q.has_shape && k.has_shape && v.has_shape && q.shape.size() == k.shape.size() &&
                      v.shape.size() == q.shape.size() && (q.shape.size() == 3 || q.shape.size() == 4);
  if (!shapes) {
    for (int i = 0; i < ctx.output_count(); ++i)
      if (ctx.node().outputs[i]) ctx.set_output_type(i, ir::TypeInfo::tensor(elem));
    return;
  }
  const bool four = q.shape.size() == 4;
  const int64_t qh = ctx.node().get_int("q_num_heads", 0), kvh = ctx.node().get_int("kv_num_heads", 0);
  auto div = [](const ir::Dim& d, int64_t by) { return d.known() && by > 0 ? ir::Dim::of(d.value / by) : ir::Dim{}; };
  const ir::Dim B = q.shape[0];
  const ir::Dim QH = four ? q.shape[1] : ir::Dim::of(qh), KH = four ? k.shape[1] : ir::Dim::of(kvh);
  const ir::Dim qS = four ? q.shape[2] : q.shape[1], kS = four ? k.shape[2] : k.shape[1];
  const ir::Dim D = four ? k.shape[3] : div(k.shape[2], kvh), VD = four ? v.shape[3] : div(v.shape[2], kvh);
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, four ? ir::SymShape{B, QH, qS, VD}
                                                         : ir::SymShape{B, qS, VD.known() ? ir::Dim::of(VD.value * qh) : ir::Dim{}}));
  ir::Dim total = kS;
  if (ctx.has_input(4)) {
    const ir::TypeInfo& pk = ctx.input_type(4);
    total = pk.has_shape && pk.shape.size() == 4 && pk.shape[2].known() && kS.known() ? ir::Dim::of(pk.shape[2].value + kS.value)
                                                                                       : ir::Dim{};
  }
  if (ctx.output_count() > 1 && ctx.node().outputs[1]) ctx.set_output_type(1, ir::TypeInfo::tensor(elem, ir::SymShape{B, KH, total, D}));
  if (ctx.output_count() > 2 && ctx.node().outputs[2]) ctx.set_output_type(2, ir::TypeInfo::tensor(elem, ir::SymShape{B, KH, total, VD}));
  if (ctx.output_count() > 3 && ctx.node().outputs[3]) ctx.set_output_type(3, ir::TypeInfo::tensor(elem, ir::SymShape{B, QH, qS, total}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Attention", 23, 23, make_attention, infer_attention});
ONYXRT_REGISTER_OP({"", "Attention", 24, 24, make_attention, infer_attention});
ONYXRT_REGISTER_OP({"", "Attention", 25, kMaxOpset, make_attention, infer_attention});  // adds the window sizes

}  // namespace onyxrt::ops
