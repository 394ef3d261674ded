#include "core/cpu_features.h"

#include <cpuid.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace onyxrt {
namespace {

// XGETBV: the OS must save the wide registers for a feature to be usable, not only the CPU.
uint64_t xgetbv0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

int count_physical_cores() {
  std::ifstream in("/proc/cpuinfo");
  std::set<std::pair<std::string, std::string>> cores;
  std::string line, physical_id = "0";
  while (std::getline(in, line)) {
    if (line.rfind("physical id", 0) == 0) physical_id = line.substr(line.find(':') + 1);
    if (line.rfind("core id", 0) == 0) cores.insert({physical_id, line.substr(line.find(':') + 1)});
  }
  if (!cores.empty()) return static_cast<int>(cores.size());
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned a, b, c, d;
  if (__get_cpuid(1, &a, &b, &c, &d)) {
    f.sse42 = c & bit_SSE4_2;
    f.fma = c & bit_FMA;
    f.f16c = c & bit_F16C;
    bool osxsave = c & bit_OSXSAVE;
    f.avx = (c & bit_AVX) && osxsave && (xgetbv0() & 0x6) == 0x6;
    f.fma = f.fma && f.avx;
    f.f16c = f.f16c && f.avx;
  }
  if (f.avx && __get_cpuid_count(7, 0, &a, &b, &c, &d)) {
    f.avx2 = b & bit_AVX2;
    bool zmm_saved = (xgetbv0() & 0xe6) == 0xe6;
    f.avx512f = zmm_saved && (b & bit_AVX512F);
    f.avx512bw = f.avx512f && (b & bit_AVX512BW);
    f.avx512vl = f.avx512f && (b & bit_AVX512VL);
    f.avx512dq = f.avx512f && (b & bit_AVX512DQ);
    f.avx512vnni = f.avx512f && (c & bit_AVX512VNNI);
    if (f.avx512f && __get_cpuid_count(7, 1, &a, &b, &c, &d)) f.avx512bf16 = a & bit_AVX512BF16;
  }
  // ONYXRT_ISA lets tests and benchmarks exercise a narrower dispatch path on a wider CPU.
  if (const char* cap = std::getenv("ONYXRT_ISA")) {
    std::string isa = cap;
    if (isa == "portable" || isa == "avx2") {
      f.avx512f = f.avx512bw = f.avx512vl = f.avx512dq = f.avx512vnni = f.avx512bf16 = false;
    }
    if (isa == "portable") f.avx2 = f.fma = f.f16c = f.avx = false;
  }
  unsigned logical = std::thread::hardware_concurrency();
  f.logical_cores = logical ? static_cast<int>(logical) : 1;
  f.physical_cores = count_physical_cores();
  return f;
}

}  // namespace

std::string CpuFeatures::describe() const {
  std::string s;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!s.empty()) s += ' ';
    s += name;
  };
  add(sse42, "sse4.2");
  add(avx, "avx");
  add(avx2, "avx2");
  add(fma, "fma");
  add(f16c, "f16c");
  add(avx512f, "avx512f");
  add(avx512bw, "avx512bw");
  add(avx512vl, "avx512vl");
  add(avx512dq, "avx512dq");
  add(avx512vnni, "avx512vnni");
  add(avx512bf16, "avx512bf16");
  return s.empty() ? "portable" : s;
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace onyxrt
