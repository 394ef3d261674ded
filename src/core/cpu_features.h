// CPU features read once from CPUID at start-up; kernels dispatch on them.
#pragma once
#include <string>

namespace onyxrt {

struct CpuFeatures {
  bool sse42 = false;
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512dq = false;
  bool avx512vnni = false;
  bool avx512bf16 = false;
  int physical_cores = 1;
  int logical_cores = 1;

  bool has_avx2_fma() const { return avx2 && fma; }
  bool has_avx512_core() const { return avx512f && avx512bw && avx512vl && avx512dq; }
  std::string describe() const;  // "avx2 fma avx512f ..." for logs and the CLI
};

// Detected once (thread-safe) and cached. ONYXRT_ISA=portable|avx2|avx512 caps it for testing
// every dispatch path on one machine.
const CpuFeatures& cpu_features();

}  // namespace onyxrt
