// Hostile input: random bytes, every truncation and 1,000 random mutations of a real model must
// each either parse or raise onyxrt::Error; anything else (a crash, std::bad_alloc, a hang) fails.
#include <gtest/gtest.h>

#include <random>

#include "onnx/model_io.h"
#include "unit/onnx/test_data.h"

namespace onyxrt::onnx {
namespace {

using testing::data_path;
using testing::read_file;

// Parses and, when that succeeds, decodes every initializer and re-serializes, so mutated
// lengths and dtypes reach the tensor decoder and the writer too.
void parse_and_use(const std::string& bytes) {
  try {
    ModelProto m = parse_model(bytes.data(), bytes.size());
    for (const auto& t : m.graph.initializer) {
      try {
        tensor_from_proto(t, "", m.backing);
      } catch (const Error&) {
      }
    }
    std::string out = serialize_model(m);
    ModelProto reparsed = parse_model(out.data(), out.size());
    EXPECT_EQ(serialize_model(reparsed), out);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidProtobuf) << e.what();
  }
}

TEST(ModelFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(rng() % 512, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    parse_and_use(bytes);
  }
}

TEST(ModelFuzz, EveryTruncationIsHandled) {
  std::string model = read_file(data_path("small_model.onnx"));
  for (size_t n = 0; n < model.size(); ++n) parse_and_use(model.substr(0, n));
}

TEST(ModelFuzz, ThousandRandomMutationsOfARealModel) {
  std::string model = read_file(data_path("small_model.onnx"));
  std::mt19937 rng(42);
  for (int round = 0; round < 1000; ++round) {
    std::string bytes = model;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % bytes.size();
      switch (rng() % 4) {
        case 0: bytes[pos] = static_cast<char>(rng()); break;               // overwrite
        case 1: bytes[pos] ^= static_cast<char>(1u << (rng() % 8)); break;  // bit flip
        case 2: bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<char>(rng())); break;
        default: bytes.erase(pos, 1 + rng() % 4); break;                    // delete
      }
      if (bytes.empty()) bytes.push_back(0x08);
    }
    parse_and_use(bytes);
  }
}

}  // namespace
}  // namespace onyxrt::onnx
