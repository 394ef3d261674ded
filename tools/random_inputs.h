// Random feeds for `onyxrt run --random-inputs`: a quick way to run a model that ships without
// sample data. Symbolic dimensions take the value 1 unless overridden by name.
#pragma once
#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "onyxrt/session.h"

namespace onyxrt::cli {

// Concrete shape for `info`: symbolic dims from `dim_values` (default 1), unknown dims 1.
Shape concrete_shape(const IoInfo& info, const std::map<std::string, int64_t>& dim_values);

// Floats uniform in [-1, 1), integers uniform in [0, 10) (small and non-negative so that inputs used
// as indices or sizes stay valid), bools 0/1. Throws NotImplemented for other element types or
// non-tensor inputs, naming the input.
Tensor random_tensor(const IoInfo& info, const Shape& shape, std::mt19937_64& rng);

}  // namespace onyxrt::cli
