// com.microsoft MatMulNBits (opset 1): Y = A @ dequant(B)^T (+ bias) with B an N x K weight
// quantized to `bits` (2, 4 or 8) bits in blocks of `block_size` along K, as onnxruntime's
// quantization tools write LLM weights. Per ContribOperators.md:
//   B            uint8 [N, k_blocks, block_size * bits / 8]: element k of a block sits at bit
//                (k * bits) % 8 of byte (k * bits) / 8, low bits first
//   scales       [N, k_blocks] (or flat), A's type
//   zero_points  optional: uint8 [N, ceil(k_blocks * bits / 8)] packed the same way, or A's type
//                [N, k_blocks] (unquantized); absent means 2^(bits - 1)
//   g_idx        (act-order) is not supported: NotImplemented at session creation
//   bias         optional [N]
// accuracy_level only permits onnxruntime faster, less exact paths: ignored (we compute in float).
#include <algorithm>
#include <memory>
#include <string>

#include "kernels/ref/gemm.h"
#include "ops/contrib/float_inputs.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

inline int unpack_bits(const uint8_t* data, int64_t index, int bits) {
  const int64_t bit = index * bits;
  return (data[bit / 8] >> (bit % 8)) & ((1 << bits) - 1);
}

class MatMulNBitsKernel final : public OpKernel {
 public:
  explicit MatMulNBitsKernel(const ir::Node& node)
      : K_(node.get_int("K", 0)), N_(node.get_int("N", 0)), bits_(node.get_int("bits", 4)),
        block_(node.get_int("block_size", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& A = ctx.required_input(0);
    const Tensor& B = ctx.required_input(1);
    const Tensor& scales = ctx.required_input(2);
    const Tensor* zp = ctx.input(3);
    const Tensor* bias = ctx.input(5);
    if (A.dtype() != DataType::Float) unsupported_type(node, 0, A.dtype());
    const int64_t k_blocks = (K_ + block_ - 1) / block_;
    const int64_t blob = block_ * bits_ / 8;
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (K " + std::to_string(K_) + ", N " +
                                                  std::to_string(N_) + ", bits " + std::to_string(bits_) +
                                                  ", block_size " + std::to_string(block_) + ")");
    };
    if (A.rank() < 1 || A.shape().back() != K_) fail("A " + shape_to_string(A.shape()) + " must end in K");
    if (B.dtype() != DataType::UInt8 || B.size() != N_ * k_blocks * blob) fail("B " + B.describe() + " must be uint8 [N, k_blocks, blob]");
    if (scales.dtype() != DataType::Float || scales.size() != N_ * k_blocks) fail("scales " + scales.describe() + " must be float [N, k_blocks]");
    const int64_t zp_row_bytes = (k_blocks * bits_ + 7) / 8;
    const bool zp_packed = zp && zp->dtype() == DataType::UInt8;
    if (zp && !(zp_packed ? zp->size() == N_ * zp_row_bytes : zp->dtype() == DataType::Float && zp->size() == N_ * k_blocks))
      fail("zero_points " + zp->describe() + " must be uint8 [N, ceil(k_blocks * bits / 8)] or float [N, k_blocks]");
    if (bias && (bias->dtype() != DataType::Float || bias->size() != N_)) fail("bias " + bias->describe() + " must be float [N]");

    // Dequantize the weight once per run into W [N, K].
    Tensor W = Tensor::allocate(DataType::Float, {N_, K_}, ctx.allocator());
    float* w = W.mutable_data<float>();
    const uint8_t* q = B.data<uint8_t>();
    const float* sc = scales.data<float>();
    const float default_zp = static_cast<float>(1 << (bits_ - 1));
    ThreadPool::parallel_for(ctx.thread_pool(), N_, 1, [&](int64_t n0, int64_t n1) {
      for (int64_t n = n0; n < n1; ++n)
        for (int64_t kb = 0; kb < k_blocks; ++kb) {
          const float s = sc[n * k_blocks + kb];
          float z = default_zp;
          if (zp_packed) z = static_cast<float>(unpack_bits(zp->data<uint8_t>() + n * zp_row_bytes, kb, static_cast<int>(bits_)));
          else if (zp) z = zp->data<float>()[n * k_blocks + kb];
          const uint8_t* blk = q + (n * k_blocks + kb) * blob;
          const int64_t k_end = std::min(block_, K_ - kb * block_);
          for (int64_t k = 0; k < k_end; ++k)
            w[n * K_ + kb * block_ + k] = (static_cast<float>(unpack_bits(blk, k, static_cast<int>(bits_))) - z) * s;
        }
    });

    Shape out_shape = A.shape();
    out_shape.back() = N_;
    Tensor& Y = ctx.allocate_output(0, DataType::Float, out_shape);
    const int64_t M = A.size() / std::max<int64_t>(1, K_);
    float* y = Y.mutable_data<float>();
    const float* a = A.data<float>();
    ThreadPool::parallel_for(ctx.thread_pool(), M, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, N_ * K_)),
                             [&](int64_t m0, int64_t m1) {
                               kernels::gemm_ref<float>(false, true, m1 - m0, N_, K_, 1.0f, a + m0 * K_, K_, w, K_, 0.0f,
                                                        y + m0 * N_, N_);
                               if (bias)
                                 for (int64_t m = m0; m < m1; ++m)
                                   for (int64_t n = 0; n < N_; ++n) y[m * N_ + n] += bias->data<float>()[n];
                             });
  }

 private:
  int64_t K_, N_, bits_, block_;
};

std::unique_ptr<OpKernel> make_matmul_nbits(const ir::Node& node) {
  require_float_inputs(node, {0, 2, 5}, /*allow_double=*/false);
  const int64_t bits = node.get_int("bits", 4), block = node.get_int("block_size", 0);
  if (bits != 2 && bits != 4 && bits != 8)
    throw_error(ErrorCode::NotImplemented, node.describe() + ": bits " + std::to_string(bits) + " is not supported (2, 4, 8)");
  if (block < 16 || (block & (block - 1)) != 0 || node.get_int("K", 0) <= 0 || node.get_int("N", 0) <= 0)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": needs K, N > 0 and block_size a power of 2 >= 16");
  if (node.has_input(4))
    throw_error(ErrorCode::NotImplemented, node.describe() + ": g_idx (act-order quantization) is not supported");
  return std::make_unique<MatMulNBitsKernel>(node);
}

void infer_matmul_nbits(ir::InferenceContext& ctx) {
  ir::TypeInfo a = ctx.input_type(0);
  if (a.has_shape && !a.shape.empty()) a.shape.back() = ir::Dim::of(ctx.node().get_int("N", 0));
  ctx.set_output_type(0, a);
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "MatMulNBits", 1, kMaxOpset, make_matmul_nbits, infer_matmul_nbits});

}  // namespace onyxrt::ops::contrib
