// Convolution kernel benchmark: the GFLOP/s of the NCHW8c convolution paths the engine runs
// (direct tiles, Winograd where winograd_tile() takes the window, depthwise) on the convolution
// shapes of ResNet-50 and MobileNetV2 at 224x224, at 1 and 2 threads, as a share of this machine's
// FMA peak. Filters are pre-packed, as a session packs constant weights. Depthwise and 3-channel
// stems are memory-bound, so their share of peak is low by nature. Prints a Markdown report;
// `--out FILE` also writes it there.
//   bench_conv [--out FILE] [--seconds S] [--only TEXT] [--threads T]
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_common.h"
#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "kernels/conv_direct.h"
#include "kernels/conv_winograd.h"
#include "kernels/fma_throughput.h"
#include "kernels/nchwc_reorder.h"

namespace {

using namespace onyxrt;
using namespace onyxrt::kernels;
using namespace onyxrt::bench;

struct Shape {
  const char* source;
  int64_t C, M, H, K, stride;
  bool depthwise = false;
};

// Input H x H, K x K window, pad K / 2 (as both models pad).
const Shape kShapes[] = {
    {"ResNet-50 stem", 3, 64, 224, 7, 2},
    {"ResNet-50 layer1 1x1 reduce", 256, 64, 56, 1, 1},
    {"ResNet-50 layer1 3x3", 64, 64, 56, 3, 1},
    {"ResNet-50 layer1 1x1 expand", 64, 256, 56, 1, 1},
    {"ResNet-50 layer2 3x3 s2", 128, 128, 56, 3, 2},
    {"ResNet-50 layer2 downsample", 256, 512, 56, 1, 2},
    {"ResNet-50 layer2 3x3", 128, 128, 28, 3, 1},
    {"ResNet-50 layer2 1x1 reduce", 512, 128, 28, 1, 1},
    {"ResNet-50 layer3 3x3", 256, 256, 14, 3, 1},
    {"ResNet-50 layer3 1x1 expand", 256, 1024, 14, 1, 1},
    {"ResNet-50 layer4 3x3", 512, 512, 7, 3, 1},
    {"ResNet-50 layer4 1x1 reduce", 2048, 512, 7, 1, 1},
    {"MobileNetV2 stem", 3, 32, 224, 3, 2},
    {"MobileNetV2 dw 32 @112", 32, 32, 112, 3, 1, true},
    {"MobileNetV2 1x1 16->96 @112", 16, 96, 112, 1, 1},
    {"MobileNetV2 dw 96 s2 @112", 96, 96, 112, 3, 2, true},
    {"MobileNetV2 1x1 96->24 @56", 96, 24, 56, 1, 1},
    {"MobileNetV2 1x1 24->144 @56", 24, 144, 56, 1, 1},
    {"MobileNetV2 dw 144 @56", 144, 144, 56, 3, 1, true},
    {"MobileNetV2 1x1 144->24 @56", 144, 24, 56, 1, 1},
    {"MobileNetV2 1x1 32->192 @28", 32, 192, 28, 1, 1},
    {"MobileNetV2 1x1 384->64 @14", 384, 64, 14, 1, 1},
    {"MobileNetV2 dw 576 s2 @14", 576, 576, 14, 3, 2, true},
    {"MobileNetV2 1x1 960->320 @7", 960, 320, 7, 1, 1},
    {"MobileNetV2 dw 960 @7", 960, 960, 7, 3, 1, true},
    {"MobileNetV2 1x1 320->1280 @7", 320, 1280, 7, 1, 1},
};

Window3d window(const Shape& s) {
  Window3d w;
  const int64_t pad = s.K / 2;
  for (int d = 1; d < 3; ++d) {
    w.in[d] = s.H, w.kernel[d] = s.K, w.stride[d] = s.stride, w.pad_begin[d] = w.pad_end[d] = pad;
    w.out[d] = (s.H + 2 * pad - s.K) / s.stride + 1;
  }
  return w;
}

}  // namespace

int main(int argc, char** argv) {
  const auto [out_path, only, variant, only_threads, budget] = parse_bench_args(argc, argv);
  const CpuFeatures& cpu = cpu_features();
  const double peak = std::max(cpu.has_avx2_fma() ? fma_peak_gflops(f32_fma_throughput_avx2) : 0,
                               cpu.has_avx512_core() ? fma_peak_gflops(f32_fma_throughput_avx512) : 0);
  std::ostringstream md;
  md << "# Convolution kernel benchmark\n\n- commit: " << git_commit() << "\n- CPU: " << machine_model() << " ("
     << cpu.describe() << "), " << cpu.physical_cores << " cores\n- tiles: " << conv_direct_selected_variant().name
     << ", Winograd transforms: " << winograd_selected_variant().name << "\n- FP32 FMA peak, one thread: " << peak
     << " GFLOP/s\n- time per point: median of repeats over " << budget
     << " s; GFLOP/s count the direct convolution's multiply-adds (2 C M KH KW OH OW / group) whatever the path\n\n"
     << "| shape | C -> M | in | window | path | threads | median ms | GFLOP/s (share of peak x threads) | best ms |\n"
     << "|---|---|---|---|---|---|---|---|---|\n";
  std::cout << md.str() << std::flush;

  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const Shape& s : kShapes) {
    if (std::string(s.source).find(only) == std::string::npos) continue;
    const Window3d win = window(s);
    const bool stem = s.C < kNchwcBlock;  // NCHW image in, blocks out (nchw_input)
    const int64_t Cp = stem ? s.C : nchwc_padded_channels(s.C), Mp = nchwc_padded_channels(s.M);
    std::vector<float> x(Cp * s.H * s.H), w(s.M * (s.depthwise ? 1 : s.C) * s.K * s.K), bias(Mp + kNchwcBlock);
    std::vector<float> y(Mp * win.out_size());
    for (auto* v : {&x, &w, &bias})
      for (float& e : *v) e = dist(rng);
    ConvActivation relu;
    relu.kind = ConvActivation::Kind::kRelu;
    const int wino = s.depthwise || stem ? 0 : winograd_tile(win, s.C, s.M);
    WinogradWeights wino_w;
    ConvDirectWeights direct_w;
    ConvDirectArgs a;
    a.win = win, a.batch = 1, a.in_channels = s.C, a.out_channels = s.M;
    a.x = x.data(), a.w = w.data(), a.bias = bias.data(), a.y = y.data(), a.act = relu;
    a.nchwc = true, a.nchw_x = stem;
    WinogradArgs wa;
    if (wino) {
      wino_w = winograd_pack_weights(w.data(), s.M, s.C, wino);
      wa.win = win, wa.batch = 1, wa.in_channels = s.C, wa.out_channels = s.M;
      wa.x = x.data(), wa.bias = bias.data(), wa.y = y.data(), wa.act = relu, wa.weights = &wino_w;
    } else if (!s.depthwise) {
      direct_w = conv_direct_pack_weights(w.data(), s.M, s.C, s.K, s.K, /*nchwc=*/!stem);
      a.packed_w = &direct_w;
    }
    const char* path = wino == 4 ? "Winograd F(4x4)" : wino == 2 ? "Winograd F(2x2)" : s.depthwise ? "depthwise" : "direct";
    const double flops = 2.0 * s.M * (s.depthwise ? 1 : s.C) * s.K * s.K * win.out_size();
    for (int threads : {1, 2}) {
      if (only_threads != 0 && threads != only_threads) continue;
      ThreadPool pool(ThreadPoolSettings{.num_threads = threads});
      ThreadPool* p = threads > 1 ? &pool : nullptr;
      const int64_t ws = wino              ? conv_winograd_workspace_size(wa, threads)
                         : s.depthwise     ? conv_direct_dw_workspace_size(a)
                                           : conv_direct_workspace_size(a);
      std::vector<float> workspace(std::max<int64_t>(ws, 1));
      const Timing t = time_repeats(
          [&] {
            if (wino) return conv_winograd_f32(wa, workspace.data(), p);
            if (s.depthwise) return conv_direct_dw_f32(a, workspace.data(), p);
            conv_direct_f32(a, workspace.data(), p);
          },
          budget);
      const double g = flops / t.median / 1e9;
      char row[400];
      std::snprintf(row, sizeof row, "| %s | %lld -> %lld | %lldx%lld | %lldx%lld s%lld | %s | %d | %.3f | %.1f (%.0f%%) | %.3f |\n",
                    s.source, static_cast<long long>(s.C), static_cast<long long>(s.M), static_cast<long long>(s.H),
                    static_cast<long long>(s.H), static_cast<long long>(s.K), static_cast<long long>(s.K),
                    static_cast<long long>(s.stride), path, threads, t.median * 1e3, g, 100 * g / (peak * threads),
                    t.best * 1e3);
      md << row;
      std::cout << row << std::flush;
    }
  }
  if (!out_path.empty()) std::ofstream(out_path) << md.str();
  return 0;
}
