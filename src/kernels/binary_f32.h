// Float element-wise binary kernels (Add, Sub, Mul, Div) over contiguous runs, plus the x*x and
// x*x*x maps that Pow with a constant exponent of 2 or 3 reduces to (the tanh GELU's cube).
//
// A broadcast binary op is a sequence of runs where each input either advances by one element or
// repeats one element (kernels/ref/broadcast.h), so three shapes of run cover every case:
// vector-vector, vector-scalar and scalar-vector. Every op is the single IEEE operation, so NaN
// and Inf propagate exactly as in numpy and every variant gives bit-identical results.
//
// ONYXRT_BINARY_F32_VARIANTS is the one list that declares the variants, dispatches among them
// and drives their tests.
#pragma once
#include <cstdint>
#include <span>

#include "core/cpu_features.h"
#include "kernels/ref/broadcast.h"

namespace onyxrt::kernels {

enum class BinaryF32Op { Add = 0, Sub = 1, Mul = 2, Div = 3 };
inline constexpr int kBinaryF32OpCount = 4;

// y[i] = a[i] op b[i]; y may be a or b (in place), never a partial overlap.
using BinaryF32VecVecFn = void (*)(const float* a, const float* b, float* y, int64_t n);
// y[i] = a[i] op b (vec_scalar), or y[i] = b op a[i] (scalar_vec): `a` is the vector in both.
using BinaryF32VecScalarFn = void (*)(const float* a, float b, float* y, int64_t n);
// y[i] = f(x[i]).
using UnaryF32Fn = void (*)(const float* x, float* y, int64_t n);

// One variant's kernels. Each ISA's table is constant-initialized data (constinit), so building
// the variant list runs no instruction of an ISA the CPU may lack.
struct BinaryF32Kernels {
  BinaryF32VecVecFn vec_vec[kBinaryF32OpCount];
  BinaryF32VecScalarFn vec_scalar[kBinaryF32OpCount];
  BinaryF32VecScalarFn scalar_vec[kBinaryF32OpCount];
  UnaryF32Fn square;  // x * x
  UnaryF32Fn cube;    // (x * x) * x, the order onnxruntime's Pow uses for an exponent of 3
};

struct BinaryF32Variant : BinaryF32Kernels {
  const char* name;
  bool (*supported)(const CpuFeatures&);
};

// X(name, cpu_predicate): each name is that variant's kernel table.
#define ONYXRT_BINARY_F32_VARIANTS(X)                                                        \
  X(f32_binary_avx512, [](const CpuFeatures& f) { return f.has_avx512_core(); })             \
  X(f32_binary_avx2, [](const CpuFeatures& f) { return f.has_avx2_fma(); })                  \
  X(f32_binary_portable, [](const CpuFeatures&) { return true; })

#define ONYXRT_DECLARE_BINARY_F32_VARIANT(name, pred) extern const BinaryF32Kernels name;
ONYXRT_BINARY_F32_VARIANTS(ONYXRT_DECLARE_BINARY_F32_VARIANT)
#undef ONYXRT_DECLARE_BINARY_F32_VARIANT

// Every variant compiled in, best first.
std::span<const BinaryF32Variant> binary_f32_variants();
// The first variant cpu_features() supports; chosen once.
const BinaryF32Variant& binary_f32_selected();

// Output elements [begin, end) of y = a op b broadcast by `bi` (built from {a's shape, b's shape}),
// on the calling thread; callers split [0, bi.output_size()) across a thread pool.
void binary_f32_range(const BinaryF32Variant& v, BinaryF32Op op, const ref::BroadcastIndexer& bi, const float* a,
                      const float* b, float* y, int64_t begin, int64_t end);

// Elements worth one thread-pool task: below this the task switch costs more than the work.
inline constexpr int64_t kBinaryF32MinBlock = 1 << 15;

}  // namespace onyxrt::kernels
