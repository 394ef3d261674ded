// One-line descriptions of values for the CLI's output: kind, type, shape and the first elements.
#pragma once
#include <string>

#include "onyxrt/session.h"
#include "onyxrt/value.h"

namespace onyxrt::cli {

// "float32 [1,10] = 0.1234, -0.5, ... (10 elements)"; at most `max_elements` values are shown.
std::string summarize_tensor(const Tensor& tensor, size_t max_elements = 8);
std::string summarize_value(const Value& value, size_t max_elements = 8);
// "tensor(float) [N,3,32,32]" from a session's input or output description.
std::string describe_io(const IoInfo& info);

}  // namespace onyxrt::cli
