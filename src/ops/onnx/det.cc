// Det (opset 11, 22): determinant of each [M, M] matrix in the innermost two dims of X, by LU
// decomposition with partial pivoting in double precision.
#include <cmath>
#include <type_traits>
#include <utility>
#include <vector>

#include "ops/common/dtype_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool is_real_float(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Float16 || dt == DataType::BFloat16;
}

// Destroys `a` (row-major m x m).
double determinant(std::vector<double>& a, int64_t m) {
  double det = 1.0;
  for (int64_t col = 0; col < m; ++col) {
    int64_t pivot = col;
    for (int64_t r = col + 1; r < m; ++r) {
      if (std::fabs(a[r * m + col]) > std::fabs(a[pivot * m + col])) pivot = r;
    }
    if (a[pivot * m + col] == 0.0) return 0.0;
    if (pivot != col) {
      for (int64_t c = 0; c < m; ++c) std::swap(a[pivot * m + c], a[col * m + c]);
      det = -det;
    }
    const double p = a[col * m + col];
    det *= p;
    for (int64_t r = col + 1; r < m; ++r) {
      const double f = a[r * m + col] / p;
      for (int64_t c = col + 1; c < m; ++c) a[r * m + c] -= f * a[col * m + c];
    }
  }
  return det;
}

class DetKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!is_real_float(x.dtype())) unsupported_type(node, 0, x.dtype());
    const Shape& s = x.shape();
    if (s.size() < 2 || s[s.size() - 1] != s[s.size() - 2]) {
      throw_error(ErrorCode::InvalidArgument,
                  node.describe() + ": input X must have shape [*, M, M], got " + shape_to_string(s));
    }
    const int64_t m = s.back();
    Tensor& y = ctx.allocate_output(0, x.dtype(), Shape(s.begin(), s.end() - 2));
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_floating_point_v<typename ComputeType<T>::type>) {
        const T* in = x.data<T>();
        T* out = y.mutable_data<T>();
        std::vector<double> a(static_cast<size_t>(m * m));
        for (int64_t b = 0; b < y.size(); ++b) {
          for (int64_t k = 0; k < m * m; ++k) a[k] = static_cast<double>(ComputeType<T>::load(in[b * m * m + k]));
          out[b] = ComputeType<T>::store(
              static_cast<typename ComputeType<T>::type>(determinant(a, m)));
        }
      }
    });
  }
};

std::unique_ptr<OpKernel> make_det(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !is_real_float(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<DetKernel>();
}

void infer_det(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.is_tensor()) return;
  if (in.has_shape && in.shape.size() >= 2) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape(in.shape.begin(), in.shape.end() - 2)));
  } else {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Det", 11, kMaxOpset, make_det, infer_det});

}  // namespace onyxrt::ops
