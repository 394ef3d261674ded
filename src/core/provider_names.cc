#include "core/provider_names.h"

#include "core/edit_distance.h"
#include "onyxrt/status.h"

namespace onyxrt {

const std::vector<KnownProvider>& known_providers() {
  // The providers of onnxruntime's get_all_providers().
  static const std::vector<KnownProvider> providers = {
      {kCpuProvider, ""},
      {"CUDAExecutionProvider", "an NVIDIA GPU (CUDA)"},
      {"TensorrtExecutionProvider", "an NVIDIA GPU (TensorRT)"},
      {"NvTensorRTRTXExecutionProvider", "an NVIDIA RTX GPU (TensorRT-RTX)"},
      {"MIGraphXExecutionProvider", "an AMD GPU (MIGraphX)"},
      {"ROCMExecutionProvider", "an AMD GPU (ROCm)"},
      {"OpenVINOExecutionProvider", "Intel OpenVINO devices"},
      {"DnnlExecutionProvider", "the oneDNN library"},
      {"VitisAIExecutionProvider", "an AMD Vitis AI NPU"},
      {"QNNExecutionProvider", "a Qualcomm NPU (QNN)"},
      {"NnapiExecutionProvider", "Android NNAPI"},
      {"VSINPUExecutionProvider", "a VeriSilicon NPU"},
      {"JsExecutionProvider", "a web browser (WebGPU/JS)"},
      {"WebGpuExecutionProvider", "a GPU through WebGPU"},
      {"WebNNExecutionProvider", "a web browser (WebNN)"},
      {"CoreMLExecutionProvider", "Apple Core ML"},
      {"ArmNNExecutionProvider", "Arm NN on arm64"},
      {"ACLExecutionProvider", "the Arm Compute Library on arm64"},
      {"DmlExecutionProvider", "DirectML on Windows"},
      {"RknpuExecutionProvider", "a Rockchip NPU"},
      {"XnnpackExecutionProvider", "the XNNPACK library"},
      {"CANNExecutionProvider", "a Huawei Ascend NPU (CANN)"},
      {"AzureExecutionProvider", "remote Azure endpoints"},
      {"SNPEExecutionProvider", "a Qualcomm SNPE device"},
      {"TvmExecutionProvider", "Apache TVM"},
  };
  return providers;
}

const KnownProvider* find_provider(std::string_view name) {
  for (const KnownProvider& p : known_providers())
    if (p.name == name) return &p;
  return nullptr;
}

const KnownProvider& validate_provider(std::string_view name) {
  if (const KnownProvider* p = find_provider(name)) return *p;
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (const KnownProvider& p : known_providers()) {
    size_t d = edit_distance(name, p.name);
    if (d < best_distance) best_distance = d, best = p.name;
  }
  throw_error(ErrorCode::InvalidArgument, "unknown execution provider '" + std::string(name) +
                                              "'; did you mean '" + std::string(best) + "'?");
}

}  // namespace onyxrt
