// Hostile model files: every mutation must end in an onyxrt::Error or a working session, never a
// crash, a hang or a foreign exception (std::bad_alloc, std::out_of_range...).
#include <gtest/gtest.h>

#include <random>

#include "core/logger.h"
#include "onnx/model_io.h"
#include "onyxrt/session.h"
#include "unit/model_builder.h"

namespace onyxrt {
namespace {

using namespace onyxrt::testing;

std::string small_cnn_bytes() {
  onnx::GraphProto g;
  g.name = "cnn";
  g.input.push_back(tensor_info("x", 1, {"1", "2", "5", "5"}));
  g.output.push_back(tensor_info("y", 1, {"1", "3"}));
  std::vector<float> w(3 * 2 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.01f * static_cast<float>(i % 7) - 0.03f;
  g.initializer.push_back(float_tensor("w", {3, 2, 3, 3}, w));
  g.initializer.push_back(float_tensor("b", {3}, {0.1f, -0.2f, 0.3f}));
  onnx::NodeProto conv = node("Conv", {"x", "w", "b"}, {"c"});
  onnx::AttributeProto pads;
  pads.name = "pads";
  pads.type = onnx::AttributeProto::INTS;
  pads.ints = {1, 1, 1, 1};
  conv.attribute.push_back(pads);
  g.node.push_back(conv);
  g.node.push_back(node("Relu", {"c"}, {"r"}));
  g.node.push_back(node("GlobalAveragePool", {"r"}, {"p"}));
  onnx::NodeProto flat = node("Flatten", {"p"}, {"f"});
  g.node.push_back(flat);
  g.node.push_back(node("Softmax", {"f"}, {"y"}));
  return onnx::serialize_model(model(g, 13));
}

enum class Outcome { Loaded, OnyxError };

Outcome try_model(const std::string& bytes) {
  try {
    Session s(bytes.data(), bytes.size());
    // A model that still loads must also run or fail cleanly on an input matching its signature.
    std::vector<Session::Feed> feeds;
    for (const IoInfo& in : s.inputs()) {
      Shape shape;
      for (const DimInfo& d : in.shape) shape.push_back(d.value >= 0 && d.value <= 64 ? d.value : 1);
      if (in.elem_type == DataType::Undefined || in.elem_type == DataType::String) return Outcome::Loaded;
      feeds.emplace_back(in.name, Value(Tensor::allocate(in.elem_type, shape)));
    }
    s.run({}, feeds);
    return Outcome::Loaded;
  } catch (const Error& e) {
    EXPECT_GT(std::string(e.what()).size(), 0u);
    return Outcome::OnyxError;
  }
}

// Mutated models warn about type conflicts; keep the test output readable.
class SessionFuzz : public ::testing::Test {
 protected:
  void SetUp() override { Logger::set_default_severity(static_cast<int>(Severity::Error)); }
  void TearDown() override { Logger::set_default_severity(static_cast<int>(Severity::Warning)); }
};

TEST_F(SessionFuzz, BaseModelRuns) { EXPECT_EQ(try_model(small_cnn_bytes()), Outcome::Loaded); }

TEST_F(SessionFuzz, TruncatedFilesFailCleanly) {
  std::string bytes = small_cnn_bytes();
  for (size_t len = 0; len < bytes.size(); len += 7) try_model(bytes.substr(0, len));
}

TEST_F(SessionFuzz, RandomBytesFailCleanly) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 200; ++i) {
    std::string junk(1 + rng() % 512, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    EXPECT_EQ(try_model(junk), Outcome::OnyxError);
  }
}

TEST_F(SessionFuzz, ThousandByteMutationsNeverCrash) {
  std::string base = small_cnn_bytes();
  std::mt19937 rng(42);
  int errors = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string m = base;
    int flips = 1 + rng() % 4;
    for (int k = 0; k < flips; ++k) m[rng() % m.size()] = static_cast<char>(rng());
    if (try_model(m) == Outcome::OnyxError) ++errors;
  }
  // Most mutations hit weights (still valid models); some must be caught as errors.
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace onyxrt
