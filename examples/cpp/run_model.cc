// Loads an ONNX model with onyxrt's C++ API, feeds it inputs read from .npy files, and checks each
// output against an expected .npy file (produced by onnxruntime, see scripts/make_reference_npy.py).
//
//   run_model MODEL REFERENCE_DIR     reads REFERENCE_DIR/inputs/<input>.npy and
//                                     REFERENCE_DIR/expected/<output>.npy
// Exit status: 0 when every output matches (rtol 1e-4, atol 1e-5), 1 otherwise.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "npy_io.h"
#include "onyxrt/session.h"

namespace fs = std::filesystem;

namespace {

// Value names may hold '/' or ':'; the reference files use the same rule as `onyxrt run`.
std::string npy_file_name(const std::string& value_name) {
  std::string s = value_name;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  return s + ".npy";
}

// numpy.allclose's rule: |actual - expected| <= atol + rtol * |expected|.
bool all_close(const onyxrt::Tensor& actual, const onyxrt::Tensor& expected, double rtol, double atol,
               std::string& why) {
  if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape()) {
    why = "got " + actual.describe() + ", expected " + expected.describe();
    return false;
  }
  if (actual.dtype() != onyxrt::DataType::Float) {
    bool same = actual.nbytes() == expected.nbytes() &&
                std::equal(static_cast<const char*>(actual.raw()), static_cast<const char*>(actual.raw()) + actual.nbytes(),
                           static_cast<const char*>(expected.raw()));
    if (!same) why = "values differ";
    return same;
  }
  const float* a = actual.data<float>();
  const float* e = expected.data<float>();
  for (int64_t i = 0; i < actual.size(); ++i) {
    if (!(std::fabs(double(a[i]) - e[i]) <= atol + rtol * std::fabs(double(e[i])))) {
      why = "element " + std::to_string(i) + " is " + std::to_string(a[i]) + ", expected " + std::to_string(e[i]);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " MODEL REFERENCE_DIR\n";
    return 2;
  }
  const fs::path reference_dir = argv[2];
  try {
    onyxrt::SessionOptions options;
    options.graph_optimization_level = onyxrt::GraphOptimizationLevel::ORT_ENABLE_ALL;
    onyxrt::Session session(argv[1], options);

    std::vector<onyxrt::Session::Feed> feeds;
    for (const onyxrt::IoInfo& input : session.inputs())
      feeds.emplace_back(input.name, onyxrt::npy::read_npy((reference_dir / "inputs" / npy_file_name(input.name)).string()));

    std::vector<onyxrt::Value> outputs = session.run({}, feeds);

    int mismatches = 0;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string& name = session.outputs()[i].name;
      onyxrt::Tensor expected = onyxrt::npy::read_npy((reference_dir / "expected" / npy_file_name(name)).string());
      std::string why;
      bool ok = outputs[i].is_tensor() && all_close(outputs[i].tensor(), expected, 1e-4, 1e-5, why);
      if (!outputs[i].is_tensor()) why = "output is not a tensor";
      std::cout << (ok ? "match   " : "DIFFER  ") << name << " " << (ok ? outputs[i].tensor().describe() : why) << "\n";
      mismatches += ok ? 0 : 1;
    }
    std::cout << outputs.size() - mismatches << " of " << outputs.size() << " outputs match onnxruntime's\n";
    return mismatches == 0 ? 0 : 1;
  } catch (const onyxrt::Error& e) {
    std::cerr << "onyxrt error [" << onyxrt::error_code_name(e.code()) << "]: " << e.what() << "\n";
    return 1;
  }
}
