#include "kernels/conv_f32.h"

#include <algorithm>

#include "core/thread_pool.h"
#include "kernels/conv_im2col.h"
#include "kernels/depthwise_conv.h"
#include "kernels/ref/conv.h"
#include "kernels/sgemm.h"

namespace onyxrt::kernels {
namespace {

bool is_depthwise(const ConvF32Args& a) {
  return a.group == a.in_channels && a.out_channels == a.in_channels && dwconv2d_supports(a.win);
}

// The direct path runs when it is preferred here and the filter, if pre-packed, was packed for it.
bool use_direct(const ConvF32Args& a) {
  return a.group == 1 && conv_direct_preferred(a.win) && (a.packed_w == nullptr || !a.packed_w->direct.data.empty());
}

ConvDirectArgs direct_args(const ConvF32Args& a) {
  ConvDirectArgs d;
  d.win = a.win;
  d.batch = a.batch, d.in_channels = a.in_channels, d.out_channels = a.out_channels;
  d.x = a.x, d.w = a.w, d.bias = a.bias, d.z = a.z, d.y = a.y, d.act = a.act;
  d.packed_w = a.packed_w ? &a.packed_w->direct : nullptr;
  return d;
}

int pool_threads(ThreadPool* pool) { return pool ? pool->num_threads() : 1; }

// Whole (image, group) jobs per thread only when they divide evenly or are plentiful: with 3 jobs
// on 2 threads one thread would idle for a third of the time, while splitting each job's GEMM
// keeps both busy.
bool split_by_job(int64_t jobs, int threads) {
  return threads > 1 && (jobs % threads == 0 || jobs >= 4 * threads);
}

// 2-D convolutions pack their patches straight into the SGEMM's B panels: no column buffer.
int64_t col_floats(const ConvF32Args& a) {
  if (conv_is_pointwise(a.win) || im2col_2d_supports(a.win)) return 0;
  return conv_col_size(a.win, a.in_channels / a.group);
}

}  // namespace

ConvPackedWeights conv_f32_pack_weights(const float* w, int64_t out_channels, int64_t group, int64_t k_per_group) {
  ConvPackedWeights packed;
  const int64_t Mg = out_channels / group;
  for (int64_t gi = 0; gi < group; ++gi) packed.groups.push_back(pack_a(Mg, k_per_group, w + gi * Mg * k_per_group, k_per_group));
  return packed;
}

ConvPackedWeights conv_f32_pack_direct_weights(const float* w, int64_t out_channels, int64_t in_channels, int64_t kh,
                                               int64_t kw) {
  ConvPackedWeights packed;
  packed.direct = conv_direct_pack_weights(w, out_channels, in_channels, kh, kw);
  return packed;
}

int64_t conv_f32_workspace_size(const ConvF32Args& a, int threads) {
  if (is_depthwise(a)) return conv_direct_dw_preferred(a.win, a.in_channels) ? conv_direct_dw_workspace_size(direct_args(a)) : 0;
  if (use_direct(a)) return conv_direct_workspace_size(direct_args(a));
  const int64_t jobs = a.batch * a.group;
  return col_floats(a) * (split_by_job(jobs, threads) ? threads : 1);
}

void conv_f32(const ConvF32Args& a, float* workspace, ThreadPool* pool) {
  const Window3d& g = a.win;
  const int64_t P = g.out_size(), in_size = g.in_size();
  if (a.batch == 0 || a.out_channels == 0 || P == 0) return;

  if (is_depthwise(a) && conv_direct_dw_preferred(g, a.in_channels))
    return conv_direct_dw_f32(direct_args(a), workspace, pool);
  if (is_depthwise(a)) {
    // One plane of work is P * kernel_size multiply-adds; blocks of at least ~32k keep the pool's
    // per-block overhead small on small feature maps.
    const int64_t plane_work = std::max<int64_t>(1, P * g.kernel_size());
    ThreadPool::parallel_for(pool, a.batch * a.in_channels, std::max<int64_t>(1, 32768 / plane_work),
                             [&](int64_t p0, int64_t p1) {
                               dwconv2d_f32(g, a.in_channels, p0, p1, a.x, a.w, a.bias, a.y, a.z, a.act);
                             });
    return;
  }
  if (use_direct(a)) return conv_direct_f32(direct_args(a), workspace, pool);

  const int64_t Cg = a.in_channels / a.group, Mg = a.out_channels / a.group;
  const int64_t K = Cg * g.kernel_size();
  const bool pointwise = conv_is_pointwise(g), two_d = im2col_2d_supports(g);
  const bool fused_act = a.act.fits_sgemm_epilogue();
  const bool shuffled = a.shuffle_output && a.group > 1 && Mg > 1;
  const int64_t ldy = shuffled ? a.group * P : P;

  auto job = [&](int64_t ng, float* col, ThreadPool* inner) {
    const int64_t n = ng / a.group, gi = ng % a.group;
    const float* xg = a.x + (n * a.in_channels + gi * Cg) * in_size;
    const float* wg = a.w + gi * Mg * K;
    const int64_t z_off = (n * a.out_channels + gi * Mg) * P;
    // Shuffled, the group's rows interleave with the other groups' rows.
    float* yg = a.y + (shuffled ? (n * a.out_channels + gi) * P : z_off);
    const float* zg = a.z ? a.z + z_off : nullptr;
    const float* cols = xg;
    if (!pointwise && !two_d) {
      im2col_3d_ref<float>(g, Cg, xg, col);
      cols = col;
    }
    SgemmEpilogue ep;
    if (a.bias) {
      ep.bias_kind = SgemmEpilogue::Bias::kPerRow;
      ep.bias = a.bias + gi * Mg;
    }
    if (fused_act) {
      ep.sum = zg;
      ep.ld_sum = P;
      a.act.to_sgemm_epilogue(ep);
    }
    const PackedA* pw = a.packed_w && !a.packed_w->groups.empty() ? &a.packed_w->groups[static_cast<size_t>(gi)] : nullptr;
    if (!pointwise && two_d) {
      const SgemmPackB pack = [&](int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* dst) {
        im2col_2d_pack_f32(g, xg, p0, kc, j0, nc, nr, dst);
      };
      if (pw)
        sgemm_custom_b(*pw, P, pack, yg, ldy, inner, ep);
      else
        sgemm_custom_b(Mg, P, K, wg, K, pack, yg, ldy, inner, ep);
    } else if (pw) {
      sgemm_packed_a(*pw, P, cols, P, yg, ldy, inner, ep);
    } else {
      sgemm(false, false, Mg, P, K, 1.0f, wg, K, cols, P, 0.0f, yg, ldy, inner, ep);
    }
    if (!fused_act) {
      ThreadPool::parallel_for(inner, Mg, std::max<int64_t>(1, 4096 / P), [&](int64_t m0, int64_t m1) {
        if (!shuffled) return apply_conv_activation(a.act, zg ? zg + m0 * P : nullptr, yg + m0 * P, (m1 - m0) * P);
        for (int64_t m = m0; m < m1; ++m) apply_conv_activation(a.act, zg ? zg + m * P : nullptr, yg + m * ldy, P);
      });
    }
  };

  const int64_t jobs = a.batch * a.group;
  const int threads = pool_threads(pool);
  if (split_by_job(jobs, threads)) {
    const int64_t per_thread = (jobs + threads - 1) / threads, col = col_floats(a);
    ThreadPool::parallel_for(pool, threads, 1, [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; ++t)
        for (int64_t ng = t * per_thread; ng < std::min(jobs, (t + 1) * per_thread); ++ng)
          job(ng, workspace + t * col, nullptr);
    });
    return;
  }
  for (int64_t ng = 0; ng < jobs; ++ng) job(ng, workspace, pool);
}

}  // namespace onyxrt::kernels
