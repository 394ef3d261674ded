// Float convolution, NCHW, 1-3 spatial dims, groups, with a fused bias, residual Z and
// activation: the one compute path of Conv and com.microsoft FusedConv.
//
// Paths: depthwise 1-D/2-D (group == C == M) goes to the channel-blocked depthwise tiles of
// conv_direct.h where preferred, else to the direct plane kernel; other group-1 1-D/2-D
// windows that are not plain 1x1 stride-1 take the direct tile path (kernels/conv_direct.h) when
// the CPU has its vector tile; everything else is column unfolding (skipped for 1x1 stride-1 unpadded kernels, where x is the column matrix) and
// one SGEMM per (image, group) with weights as A, the columns as B, and bias (per row), Z (the
// SGEMM `sum`) and Relu/Clip/LeakyRelu applied per tile while hot. Threading: with enough
// (image, group) jobs each thread takes whole jobs with its own column buffer; otherwise each job
// unfolds its columns in parallel and the SGEMM splits its M x pixels grid over the pool.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/conv_activation.h"
#include "kernels/conv_direct.h"
#include "kernels/ref/window.h"
#include "kernels/sgemm.h"

namespace onyxrt {
class ThreadPool;
}

namespace onyxrt::kernels {

// Filters of every group in the SGEMM's A layout: constant weights packed once at session
// creation, so no call re-packs them (for deep layers that pass over the weights cost as much as
// the arithmetic).
// A filter that the direct path will run is packed for its tiles instead (one layout or the other).
struct ConvPackedWeights {
  std::vector<PackedA> groups;
  ConvDirectWeights direct;  // data empty unless packed for the direct path
};

// w is [M, C / group, kernel...]; k_per_group = C / group * kernel size.
ConvPackedWeights conv_f32_pack_weights(const float* w, int64_t out_channels, int64_t group, int64_t k_per_group);
// The same filter [M, C, kh, kw] (group 1) packed for the direct path.
ConvPackedWeights conv_f32_pack_direct_weights(const float* w, int64_t out_channels, int64_t in_channels, int64_t kh,
                                               int64_t kw);

struct ConvF32Args {
  Window3d win;
  int64_t batch = 0;
  int64_t in_channels = 0;   // C
  int64_t out_channels = 0;  // M
  int64_t group = 1;
  const float* x = nullptr;     // [batch, C, in...]
  const float* w = nullptr;     // [M, C / group, kernel...]
  const float* bias = nullptr;  // [M] or null
  const float* z = nullptr;     // [batch, M, out...] or null: added before the activation
  float* y = nullptr;           // [batch, M, out...]
  ConvActivation act;
  const ConvPackedWeights* packed_w = nullptr;  // w packed by conv_f32_pack_weights, or null
  // Y leaves channel-shuffled over the groups (ShuffleNet's Reshape [N, group, M / group, ...],
  // Transpose of the two, Reshape back, fused): channel gi * (M / group) + i of the convolution is
  // written as channel i * group + gi. Z is read in the convolution's own channel order.
  bool shuffle_output = false;
};

// Floats of scratch conv_f32 needs for `args` on a pool of `threads` threads (0 when none).
int64_t conv_f32_workspace_size(const ConvF32Args& args, int threads);

// Runs the convolution; `workspace` holds conv_f32_workspace_size(args, threads of pool) floats.
void conv_f32(const ConvF32Args& args, float* workspace, ThreadPool* pool);

}  // namespace onyxrt::kernels
