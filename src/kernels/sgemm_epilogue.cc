#include "kernels/sgemm_epilogue.h"

#include <algorithm>

#include "core/cpu_features.h"

namespace onyxrt::kernels {

void f32_gemm_epilogue_portable(const SgemmEpilogue& ep, float* c, int64_t ldc, int64_t rows, int64_t cols, int64_t i0,
                                int64_t j0) {
  using Act = SgemmEpilogue::Activation;
  for (int64_t i = 0; i < rows; ++i) {
    float* row = c + i * ldc;
    if (ep.bias_kind == SgemmEpilogue::Bias::kPerColumn) {
      for (int64_t j = 0; j < cols; ++j) row[j] += ep.bias[j0 + j];
    } else if (ep.bias_kind == SgemmEpilogue::Bias::kPerRow) {
      const float b = ep.bias[i0 + i];
      for (int64_t j = 0; j < cols; ++j) row[j] += b;
    }
    if (ep.sum) {
      const float* z = ep.sum + (i0 + i) * ep.ld_sum + j0;
      for (int64_t j = 0; j < cols; ++j) row[j] += z[j];
    }
    switch (ep.activation) {
      case Act::kNone: break;
      case Act::kRelu:
        for (int64_t j = 0; j < cols; ++j) row[j] = std::max(row[j], 0.0f);
        break;
      case Act::kClip:
        for (int64_t j = 0; j < cols; ++j) row[j] = std::min(std::max(row[j], ep.alpha), ep.beta);
        break;
      case Act::kLeakyRelu:
        for (int64_t j = 0; j < cols; ++j) row[j] = row[j] >= 0.0f ? row[j] : ep.alpha * row[j];
        break;
    }
  }
}

SgemmEpilogueFn sgemm_selected_epilogue() {
  static const SgemmEpilogueFn fn =
      cpu_features().has_avx2_fma() ? f32_gemm_epilogue_avx2 : f32_gemm_epilogue_portable;
  return fn;
}

}  // namespace onyxrt::kernels
