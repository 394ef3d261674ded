// External data: bytes found relative to the model folder, and every way out of that folder
// refused (onnx-ml.proto: "location ... relative to the directory where the ONNX model was stored").
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "onnx/model_io.h"
#include "unit/onnx/test_data.h"

namespace onyxrt::onnx {
namespace {

using testing::code_of;
using testing::ScratchDir;
using testing::write_file;

TensorProto external_tensor(const std::string& location, int64_t count, const std::string& offset = "",
                            const std::string& length = "") {
  TensorProto t;
  t.name = "w";
  t.data_type = static_cast<int32_t>(DataType::Float);
  t.dims = {count};
  t.data_location = TensorProto::EXTERNAL;
  t.external_data.push_back({"location", location});
  if (!offset.empty()) t.external_data.push_back({"offset", offset});
  if (!length.empty()) t.external_data.push_back({"length", length});
  return t;
}

std::string floats_bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

class ExternalData : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir.path("model"));
    // 16 bytes of padding, then four floats.
    write_file(dir.path("model/weights.bin"), std::string(16, 'x') + floats_bytes(values));
    write_file(dir.path("secret.bin"), floats_bytes(values));
  }
  ScratchDir dir;
  std::vector<float> values{1.5f, -2.f, 3.25f, 4.f};
};

TEST_F(ExternalData, ReadsRangeRelativeToModelFolder) {
  Tensor t = tensor_from_proto(external_tensor("weights.bin", 4, "16", "16"), dir.path("model"), nullptr);
  ASSERT_EQ(t.size(), 4);
  EXPECT_EQ(std::memcmp(t.raw(), values.data(), 16), 0);
}

TEST_F(ExternalData, LengthDefaultsToTheRestOfTheFile) {
  Tensor t = tensor_from_proto(external_tensor("./weights.bin", 4, "16"), dir.path("model"), nullptr);
  EXPECT_EQ(std::memcmp(t.raw(), values.data(), 16), 0);
}

TEST_F(ExternalData, RefusesParentTraversal) {
  std::string msg;
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("../secret.bin", 4), dir.path("model"), nullptr); }, &msg),
            ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("outside the model folder"), std::string::npos) << msg;
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("../../etc/passwd", 4), dir.path("model"), nullptr); }),
            ErrorCode::InvalidArgument);
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("sub/../../secret.bin", 4), dir.path("model"), nullptr); }),
            ErrorCode::InvalidArgument);
}

TEST_F(ExternalData, RefusesAbsolutePaths) {
  std::string msg;
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor(dir.path("secret.bin"), 4), dir.path("model"), nullptr); },
                    &msg),
            ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("absolute"), std::string::npos) << msg;
  // Even one that points inside the model folder: locations are relative by definition.
  EXPECT_EQ(code_of([&] {
              tensor_from_proto(external_tensor(dir.path("model/weights.bin"), 4, "16"), dir.path("model"), nullptr);
            }),
            ErrorCode::InvalidArgument);
}

TEST_F(ExternalData, RefusesSymlinkLeadingOut) {
  ASSERT_EQ(::symlink(dir.path("secret.bin").c_str(), dir.path("model/link.bin").c_str()), 0);
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("link.bin", 4), dir.path("model"), nullptr); }),
            ErrorCode::InvalidArgument);
}

TEST_F(ExternalData, RefusesRangesOutsideTheFile) {
  std::string msg;
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("weights.bin", 4, "100"), dir.path("model"), nullptr); },
                    &msg),
            ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("beyond the end"), std::string::npos) << msg;
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("weights.bin", 4, "16", "32"), dir.path("model"), nullptr); }),
            ErrorCode::InvalidArgument);
  EXPECT_EQ(code_of([&] {
              tensor_from_proto(external_tensor("weights.bin", 4, "18446744073709551615", "16"), dir.path("model"),
                                nullptr);
            }),
            ErrorCode::InvalidArgument);
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("weights.bin", 4, "-1"), dir.path("model"), nullptr); }),
            ErrorCode::InvalidArgument);
}

TEST_F(ExternalData, SizeMustMatchTheShape) {
  std::string msg;
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("weights.bin", 5, "16"), dir.path("model"), nullptr); },
                    &msg),
            ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("16 bytes"), std::string::npos) << msg;
}

TEST_F(ExternalData, MissingFileIsNoSuchFile) {
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("nope.bin", 4), dir.path("model"), nullptr); }),
            ErrorCode::NoSuchFile);
}

TEST_F(ExternalData, BytesLoadedModelNeedsInMemoryFiles) {
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("weights.bin", 4, "16"), "", nullptr); }),
            ErrorCode::InvalidArgument);
  InMemoryFiles files{{"weights.bin", std::make_shared<const std::string>(std::string(16, 'y') + floats_bytes(values))}};
  Tensor t = tensor_from_proto(external_tensor("weights.bin", 4, "16"), "", nullptr, &files);
  EXPECT_EQ(std::memcmp(t.raw(), values.data(), 16), 0);
  EXPECT_EQ(code_of([&] { tensor_from_proto(external_tensor("weights.bin", 4, "24"), "", nullptr, &files); }),
            ErrorCode::InvalidArgument);
}

TEST_F(ExternalData, InMemoryFilesTakePrecedenceOverDisk) {
  std::vector<float> other{9.f, 8.f, 7.f, 6.f};
  InMemoryFiles files{{"weights.bin", std::make_shared<const std::string>(floats_bytes(other))}};
  Tensor t = tensor_from_proto(external_tensor("weights.bin", 4), dir.path("model"), nullptr, &files);
  EXPECT_EQ(std::memcmp(t.raw(), other.data(), 16), 0);
}

TEST_F(ExternalData, ModelFileWithExternalInitializerLoads) {
  ModelProto m;
  m.ir_version = 9;
  m.has_graph = true;
  m.graph.initializer.push_back(external_tensor("weights.bin", 4, "16", "16"));
  save_model(m, dir.path("model/m.onnx"));
  ModelProto back = load_model(dir.path("model/m.onnx"));
  Tensor t = tensor_from_proto(back.graph.initializer.at(0), back.model_dir, back.backing);
  EXPECT_EQ(std::memcmp(t.raw(), values.data(), 16), 0);
}

}  // namespace
}  // namespace onyxrt::onnx
