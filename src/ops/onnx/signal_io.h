// Element access in double for the Fourier ops (DFT, STFT), which accept float, double, float16
// and bfloat16 signals and write results in the signal's type.
#pragma once
#include "ops/onnx/quant_common.h"

namespace onyxrt::ops {

inline bool signal_type_ok(DataType t) { return quant::is_real_type(t); }

inline double signal_load(const Tensor& t, int64_t i) {
  if (t.dtype() == DataType::Double) return t.data<double>()[i];
  return quant::load_real(t.dtype(), t.raw(), i);
}

inline void signal_store(Tensor& t, int64_t i, double v) {
  if (t.dtype() == DataType::Double) {
    t.mutable_data<double>()[i] = v;
  } else {
    quant::store_real(t.dtype(), t.mutable_raw(), i, static_cast<float>(v));
  }
}

}  // namespace onyxrt::ops
