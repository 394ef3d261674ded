// What the kernel benchmarks share: timing by repeats (median, fastest, and the thread's CPU
// time), the FMA peak they report shares of, and the machine and commit a report names.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

namespace onyxrt::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Timing {
  double median, best;
  double cpu_median;  // the calling thread's CPU time: preemption by other processes left out
};

inline double thread_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

// Median and fastest seconds of fn over repeats filling about `budget` seconds (at least 5),
// after a warm-up. The median is the headline; the fastest shows the kernel when the shared
// machine's other processes left it alone.
template <typename Fn>
Timing time_repeats(Fn&& fn, double budget) {
  fn();
  std::vector<double> times, cpu_times;
  const auto start = Clock::now();
  while (times.size() < 5 || (seconds_since(start) < budget && times.size() < 1000)) {
    const auto t0 = Clock::now();
    const double c0 = thread_cpu_seconds();
    fn();
    cpu_times.push_back(thread_cpu_seconds() - c0);
    times.push_back(seconds_since(t0));
  }
  std::sort(times.begin(), times.end());
  std::sort(cpu_times.begin(), cpu_times.end());
  return {times[times.size() / 2], times.front(), cpu_times[cpu_times.size() / 2]};
}

// GFLOP/s of the FMA loop on one thread (its CPU time), the best of many short runs: the peak is a
// ceiling, and short runs are the ones other processes on a shared machine disturb least.
inline double fma_peak_gflops(int64_t (*loop)(int64_t, float*)) {
  float sink[16];
  double best = 0;
  for (int r = 0; r < 400; ++r) {
    const double t0 = thread_cpu_seconds();
    const int64_t flops = loop(100'000, sink);
    best = std::max(best, flops / (thread_cpu_seconds() - t0) / 1e9);
  }
  return best;
}

// fn's GFLOP/s as a share of the FMA loop's, the two run in turn with the loop timed for as long
// as fn took; median of the per-pair shares. The peak above is the best of short bursts, which a
// shared VM does not hold through a 25 ms GEMM (here a 30 ms FMA loop ran 5-8% below it); run in
// turn, both see the same clock and the same neighbours.
template <typename Fn>
double share_of_alternated_loop(Fn&& fn, double flops, int64_t (*loop)(int64_t, float*), double peak_gflops,
                                double budget) {
  float sink[16];
  const double flops_per_iteration = static_cast<double>(loop(1, sink));
  std::vector<double> shares;
  const auto start = Clock::now();
  while (shares.size() < 5 || (seconds_since(start) < budget && shares.size() < 1000)) {
    const auto a = Clock::now();
    fn();
    const double t = seconds_since(a);
    // As many iterations as the measured peak runs in t: the loop lasts about as long as fn did.
    const auto b = Clock::now();
    const int64_t done = loop(std::max<int64_t>(1, static_cast<int64_t>(t * peak_gflops * 1e9 / flops_per_iteration)), sink);
    shares.push_back((flops / t) / (static_cast<double>(done) / seconds_since(b)));
  }
  std::sort(shares.begin(), shares.end());
  return shares[shares.size() / 2];
}

// The options both benchmarks take: --out FILE, --seconds S, --only TEXT, --threads T and (SGEMM)
// --variant NAME.
struct BenchArgs {
  std::string out_path, only, variant;
  int only_threads = 0;  // 0: 1 and 2 threads
  double budget = 0.4;   // seconds per measurement
};

inline BenchArgs parse_bench_args(int argc, char** argv) {
  BenchArgs a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--out") a.out_path = argv[i + 1];
    if (arg == "--seconds") a.budget = std::stod(argv[i + 1]);
    if (arg == "--only") a.only = argv[i + 1];
    if (arg == "--threads") a.only_threads = std::stoi(argv[i + 1]);
    if (arg == "--variant") a.variant = argv[i + 1];
  }
  return a;
}

inline std::string machine_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

inline std::string git_commit() {
  std::string out;
  if (FILE* p = popen("git rev-parse HEAD 2>/dev/null", "r")) {
    char buf[128];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.empty() ? "unknown" : out;
}

}  // namespace onyxrt::bench
