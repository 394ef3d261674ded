// The per-invocation random generator of the random ops (RandomNormal/Uniform[Like], Bernoulli,
// Multinomial). With the `seed` attribute every run of a session starts from that seed, so a
// session's outputs are reproducible; without it each run draws a fresh seed from a per-kernel
// atomic counter mixed with a random_device value taken at session creation. No generator state
// is shared between concurrent runs.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>

#include "ir/graph.h"

namespace onyxrt::ops {

class RandomSeedSource {
 public:
  explicit RandomSeedSource(const ir::Node& node) {
    if (const ir::Attribute* s = node.find("seed")) {
      fixed_ = true;
      uint32_t bits;
      std::memcpy(&bits, &s->f, sizeof bits);  // the float's bits: distinct seeds stay distinct
      base_ = bits;
    } else {
      std::random_device rd;
      base_ = (static_cast<uint64_t>(rd()) << 32) | rd();
    }
  }

  std::mt19937_64 engine() const {
    if (fixed_) return std::mt19937_64(base_);
    const uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
    std::seed_seq seq{static_cast<uint32_t>(base_), static_cast<uint32_t>(base_ >> 32), static_cast<uint32_t>(n),
                      static_cast<uint32_t>(n >> 32)};
    return std::mt19937_64(seq);
  }

 private:
  bool fixed_ = false;
  uint64_t base_ = 0;
  mutable std::atomic<uint64_t> counter_{0};
};

}  // namespace onyxrt::ops
