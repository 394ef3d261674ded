// Execution provider names that onnxruntime users pass to add_provider / providers=[...]. onyxrt runs
// on the CPU only: CPUExecutionProvider is the one it implements; the others are recognised so that
// a model configured for them still loads on the CPU, with a log line saying they were ignored.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace onyxrt {

inline constexpr std::string_view kCpuProvider = "CPUExecutionProvider";

struct KnownProvider {
  std::string_view name;
  std::string_view hardware;  // what it needs; empty for the CPU provider
};

const std::vector<KnownProvider>& known_providers();
// nullptr when `name` is not a provider onnxruntime has.
const KnownProvider* find_provider(std::string_view name);
// Throws InvalidArgument naming the closest known provider when `name` is unknown.
const KnownProvider& validate_provider(std::string_view name);

}  // namespace onyxrt
