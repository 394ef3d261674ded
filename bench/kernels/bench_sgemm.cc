// SGEMM kernel benchmark: measures this machine's FP32 FMA peak, then the GFLOP/s of every SGEMM
// variant the CPU supports (the list in kernels/sgemm_ukernels.h) on 1024^3 and on the GEMM shapes
// of BERT-base, GPT-2, ViT-B/16 and ResNet-50's 1x1 convolutions, at 1 and 2 threads, B unpacked and pre-packed.
// Prints a Markdown report; `--out FILE` also writes it there.
//   bench_sgemm [--out FILE] [--seconds S] [--only TEXT] [--threads T] [--variant NAME]
// S: time spent per measurement (default 0.4); --only keeps shapes whose description contains
// TEXT; --threads keeps one thread count; --variant keeps one micro-kernel.
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
#include "kernels/fma_throughput.h"
#include "kernels/sgemm.h"
#include "kernels/sgemm_ukernels.h"

namespace {

using namespace onyxrt;
using namespace onyxrt::kernels;
using namespace onyxrt::bench;

struct Shape {
  const char* source;
  int64_t M, N, K;
};

// M x N x K with B (K x N) the weights. Conv 1x1 in NHWC: M = H*W pixels, N = Cout, K = Cin.
const Shape kShapes[] = {
    {"square", 1024, 1024, 1024},     {"BERT-base QKV/out proj", 128, 768, 768},
    {"BERT-base FFN up", 128, 3072, 768}, {"BERT-base FFN down", 128, 768, 3072},
    {"ResNet-50 conv2 1x1", 3136, 64, 256}, {"ResNet-50 conv3 1x1", 784, 128, 512},
    {"ResNet-50 conv4 1x1", 196, 256, 1024}, {"ResNet-50 conv5 1x1", 49, 512, 2048},
    {"GPT-2 QKV proj", 128, 2304, 768},    {"GPT-2 lm_head", 128, 50257, 768},
    {"BERT attention scores (1 head)", 128, 128, 64}, {"ResNet-50 fc (gemv)", 1, 1000, 2048},
    {"ViT-B/16 QKV proj", 197, 2304, 768},  {"ViT-B/16 out proj", 197, 768, 768},
    {"ViT-B/16 FFN up", 197, 3072, 768},    {"ViT-B/16 FFN down", 197, 768, 3072},
};

}  // namespace

int main(int argc, char** argv) {
  const auto [out_path, only, variant, only_threads, budget] = parse_bench_args(argc, argv);
  const CpuFeatures& cpu = cpu_features();
  std::ostringstream md;
  md << "# SGEMM kernel benchmark\n\n- commit: " << git_commit() << "\n- CPU: " << machine_model() << " ("
     << cpu.describe() << "), " << cpu.physical_cores << " cores\n- time per point: median of repeats over "
     << budget << " s\n\n";

  const double peak_avx2 = cpu.has_avx2_fma() ? fma_peak_gflops(f32_fma_throughput_avx2) : 0;
  const double peak_avx512 = cpu.has_avx512_core() ? fma_peak_gflops(f32_fma_throughput_avx512) : 0;
  const double peak = std::max(peak_avx2, peak_avx512);
  auto* const loop = peak_avx512 > 0 ? f32_fma_throughput_avx512 : peak_avx2 > 0 ? f32_fma_throughput_avx2 : nullptr;
  md << "FP32 FMA peak, one thread (tight FMA loop): AVX2 " << peak_avx2 << " GFLOP/s";
  if (peak_avx512 > 0) md << ", AVX-512 " << peak_avx512 << " GFLOP/s";
  md << ". Shares below are of the machine peak " << peak << " GFLOP/s x threads.\n\n";
  md << "GFLOP/s (share of peak x threads): median and best of repeats, B unpacked and pre-packed.\n\n"
     << "The last column is the packed-B median in the thread's CPU time (1 thread only), which leaves\n"
     << "out time the scheduler gave other processes on a shared machine. \"Alternated\" (1 thread, B\n"
     << "unpacked) is the GEMM's share of the FMA loop run in turn with it for as long as the GEMM takes\n"
     << "(median of the pairs): the burst peak above is more than this machine sustains.\n\n"
     << "| variant | shape | M x N x K | threads | median | best | packed median | packed best | packed CPU-time median "
        "| alternated |\n"
     << "|---|---|---|---|---|---|---|---|---|---|\n";
  std::cout << md.str() << std::flush;

  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const SgemmUkernel& uk : sgemm_ukernels()) {
    if (!uk.supported(cpu) || (!variant.empty() && variant != uk.name)) continue;
    for (const Shape& s : kShapes) {
      if (std::string(s.source).find(only) == std::string::npos) continue;
      std::vector<float> A(s.M * s.K), B(s.K * s.N), C(s.M * s.N);
      for (float& x : A) x = dist(rng);
      for (float& x : B) x = dist(rng);
      const PackedB packed = pack_b_with_ukernel(uk, false, s.K, s.N, B.data(), s.N);
      for (int threads : {1, 2}) {
        if (only_threads != 0 && threads != only_threads) continue;
        ThreadPool pool(ThreadPoolSettings{.num_threads = threads});
        ThreadPool* p = threads > 1 ? &pool : nullptr;
        const double flops = 2.0 * s.M * s.N * s.K;
        auto unpacked = [&] {
          sgemm_with_ukernel(uk, false, false, s.M, s.N, s.K, 1.0f, A.data(), s.K, B.data(), s.N, 0.0f, C.data(), s.N,
                             p);
        };
        const Timing t = time_repeats(unpacked, budget);
        const Timing tp = time_repeats(
            [&] { sgemm_packed(false, s.M, 1.0f, A.data(), s.K, packed, 0.0f, C.data(), s.N, p); }, budget);
        const double top = peak * threads;
        const double g = flops / t.median / 1e9, gb = flops / t.best / 1e9;
        const double gp = flops / tp.median / 1e9, gpb = flops / tp.best / 1e9;
        char cpu[64] = "-", alternated[32] = "-";  // one thread's CPU time or loop says nothing of two threads
        if (threads == 1) {
          const double gc = flops / tp.cpu_median / 1e9;
          std::snprintf(cpu, sizeof cpu, "%.1f (%.0f%%)", gc, 100 * gc / top);
          if (loop)
            std::snprintf(alternated, sizeof alternated, "%.0f%%",
                          100 * share_of_alternated_loop(unpacked, flops, loop, peak, budget));
        }
        char row[400];
        std::snprintf(row, sizeof row,
                      "| %s | %s | %lldx%lldx%lld | %d | %.1f (%.0f%%) | %.1f (%.0f%%) | %.1f (%.0f%%) | %.1f (%.0f%%) | %s "
                      "| %s |\n",
                      uk.name, s.source, static_cast<long long>(s.M), static_cast<long long>(s.N),
                      static_cast<long long>(s.K), threads, g, 100 * g / top, gb, 100 * gb / top, gp, 100 * gp / top,
                      gpb, 100 * gpb / top, cpu, alternated);
        md << row;
        std::cout << row << std::flush;
      }
    }
  }
  if (!out_path.empty()) std::ofstream(out_path) << md.str();
  return 0;
}
