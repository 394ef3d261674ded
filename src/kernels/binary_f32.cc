// The portable float binary variant (one float per "register": the test oracle, and what runs
// without AVX2) and the variant table.
#include "kernels/binary_f32.h"

#include "kernels/binary_f32_body.h"

namespace onyxrt::kernels {
namespace {

struct ScalarLanes {
  using reg = float;
  static constexpr int width = 1;
  static reg load(const float* p) { return *p; }
  static void store(float* p, reg r) { *p = r; }
  static reg set1(float f) { return f; }
  static reg add(reg a, reg b) { return a + b; }
  static reg sub(reg a, reg b) { return a - b; }
  static reg mul(reg a, reg b) { return a * b; }
  static reg div(reg a, reg b) { return a / b; }
};

BinaryF32Variant make_variant(const BinaryF32Kernels& k, const char* name, bool (*supported)(const CpuFeatures&)) {
  BinaryF32Variant v;
  static_cast<BinaryF32Kernels&>(v) = k;
  v.name = name;
  v.supported = supported;
  return v;
}

}  // namespace

constinit const BinaryF32Kernels f32_binary_portable = binary_f32_body::table<ScalarLanes>();

std::span<const BinaryF32Variant> binary_f32_variants() {
#define ONYXRT_BINARY_F32_ENTRY(name, pred) make_variant(name, #name, pred),
  static const BinaryF32Variant variants[] = {ONYXRT_BINARY_F32_VARIANTS(ONYXRT_BINARY_F32_ENTRY)};
#undef ONYXRT_BINARY_F32_ENTRY
  return variants;
}

const BinaryF32Variant& binary_f32_selected() {
  static const BinaryF32Variant& selected = []() -> const BinaryF32Variant& {
    for (const BinaryF32Variant& v : binary_f32_variants())
      if (v.supported(cpu_features())) return v;
    return binary_f32_variants().back();
  }();
  return selected;
}

void binary_f32_range(const BinaryF32Variant& v, BinaryF32Op op, const ref::BroadcastIndexer& bi, const float* a,
                      const float* b, float* y, int64_t begin, int64_t end) {
  const int k = static_cast<int>(op);
  bi.for_each_run(begin, end, [&](int64_t out, const int64_t* off, const int64_t* step, int64_t n) {
    const float* ra = a + off[0];
    const float* rb = b + off[1];
    float* ry = y + out;
    if (step[0] != 0 && step[1] != 0) {
      v.vec_vec[k](ra, rb, ry, n);
    } else if (step[0] != 0) {
      v.vec_scalar[k](ra, *rb, ry, n);
    } else if (step[1] != 0) {
      v.scalar_vec[k](rb, *ra, ry, n);
    } else {
      float r;
      v.vec_scalar[k](ra, *rb, &r, 1);
      for (int64_t i = 0; i < n; ++i) ry[i] = r;
    }
  });
}

}  // namespace onyxrt::kernels
