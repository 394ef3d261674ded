// TensorProto decoding for every dtype. The oracle is the onnx package: make_models.py stores
// each tensor as onnx.helper.make_tensor writes it (typed fields), as raw_data, and the bytes
// onnx.numpy_helper gives for it.
#include <gtest/gtest.h>

#include <cstring>

#include "onnx/model_io.h"
#include "onnx/proto_reader.h"
#include "onnx/proto_writer.h"
#include "unit/onnx/test_data.h"

namespace onyxrt::onnx {
namespace {

using testing::code_of;
using testing::data_path;
using testing::read_file;

struct Decoded {
  std::shared_ptr<const std::string> bytes;
  TensorProto proto;
  Tensor tensor;
};

Decoded decode_file(const std::string& path) {
  Decoded d;
  d.bytes = std::make_shared<const std::string>(read_file(path));
  d.proto = decode_tensor_proto(reinterpret_cast<const uint8_t*>(d.bytes->data()), d.bytes->size());
  d.tensor = tensor_from_proto(d.proto, "", d.bytes);
  return d;
}

std::string tensor_bytes(const Tensor& t) { return std::string(static_cast<const char*>(t.raw()), t.nbytes()); }

const char* kNumericDtypes[] = {
    "float",      "double",         "float16",    "bfloat16",       "float8e4m3fn", "float8e4m3fnuz", "float8e5m2",
    "float8e5m2fnuz", "float8e8m0", "float4e2m1", "int8",           "uint8",        "int16",          "uint16",
    "int32",      "uint32",         "int64",      "uint64",         "bool",         "int4",           "uint4",
    "int2",       "uint2",          "complex64",  "complex128"};

class EveryDtype : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryDtype, TypedFieldsDecodeToOnnxBytes) {
  std::string name = GetParam();
  Decoded typed = decode_file(data_path("dtypes/" + name + ".typed.pb"));
  std::string expected = read_file(data_path("dtypes/" + name + ".expected.bin"));
  EXPECT_FALSE(typed.proto.has_raw_data);
  EXPECT_EQ(static_cast<int32_t>(typed.tensor.dtype()), typed.proto.data_type);
  EXPECT_EQ(typed.tensor.shape(), Shape(typed.proto.dims.begin(), typed.proto.dims.end()));
  EXPECT_EQ(tensor_bytes(typed.tensor), expected);
}

TEST_P(EveryDtype, RawDataDecodesToOnnxBytes) {
  std::string name = GetParam();
  Decoded raw = decode_file(data_path("dtypes/" + name + ".raw.pb"));
  std::string expected = read_file(data_path("dtypes/" + name + ".expected.bin"));
  ASSERT_TRUE(raw.proto.has_raw_data);
  EXPECT_EQ(tensor_bytes(raw.tensor), expected);
}

TEST_P(EveryDtype, TensorToProtoRoundTrips) {
  std::string name = GetParam();
  Decoded typed = decode_file(data_path("dtypes/" + name + ".typed.pb"));
  TensorProto p = tensor_to_proto(typed.tensor, "again");
  std::string wire = encode_tensor_proto(p);
  auto keep = std::make_shared<const std::string>(wire);
  TensorProto back = decode_tensor_proto(reinterpret_cast<const uint8_t*>(keep->data()), keep->size());
  EXPECT_EQ(back.name, "again");
  Tensor t = tensor_from_proto(back, "", keep);
  EXPECT_EQ(tensor_bytes(t), tensor_bytes(typed.tensor));
}

INSTANTIATE_TEST_SUITE_P(Onnx, EveryDtype, ::testing::ValuesIn(kNumericDtypes));

TEST(TensorProto, StringsDecodeFromStringData) {
  Decoded d = decode_file(data_path("dtypes/string.typed.pb"));
  std::string expected = read_file(data_path("dtypes/string.expected.bin"));
  ASSERT_EQ(d.tensor.dtype(), DataType::String);
  std::string packed;
  for (int64_t i = 0; i < d.tensor.size(); ++i) {
    const std::string& s = d.tensor.data<std::string>()[i];
    uint32_t n = static_cast<uint32_t>(s.size());
    packed.append(reinterpret_cast<const char*>(&n), 4);
    packed += s;
  }
  EXPECT_EQ(packed, expected);
}

TEST(TensorProto, AlignedRawDataIsBorrowedNotCopied) {
  // A float32 tensor whose raw bytes start 4-aligned inside the owner's buffer.
  auto storage = std::make_shared<std::string>(64, '\0');
  auto* base = reinterpret_cast<uint8_t*>(storage->data());
  size_t off = (4 - reinterpret_cast<uintptr_t>(base) % 4) % 4 + 8;
  TensorProto p;
  p.data_type = static_cast<int32_t>(DataType::Float);
  p.dims = {2};
  p.has_raw_data = true;
  p.raw_data.data = base + off;
  p.raw_data.size = 8;
  Tensor t = tensor_from_proto(p, "", storage);
  EXPECT_EQ(t.raw(), base + off);
  // One byte off alignment: copied into aligned storage, same values.
  p.raw_data.data = base + off + 1;
  Tensor c = tensor_from_proto(p, "", storage);
  EXPECT_NE(c.raw(), base + off + 1);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(c.raw()) % alignof(float), 0u);
  EXPECT_EQ(std::memcmp(c.raw(), base + off + 1, 8), 0);
}

TEST(TensorProto, WrongByteOrElementCountIsAClearError) {
  TensorProto p;
  p.name = "bad";
  p.data_type = static_cast<int32_t>(DataType::Int32);
  p.dims = {3};
  p.has_raw_data = true;
  p.raw_data = ByteView::own(std::string(8, '\0'));
  std::string msg;
  EXPECT_EQ(code_of([&] { tensor_from_proto(p, "", nullptr); }, &msg), ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("'bad'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("8 bytes"), std::string::npos) << msg;
  p.has_raw_data = false;
  p.int32_data = {1, 2};
  EXPECT_EQ(code_of([&] { tensor_from_proto(p, "", nullptr); }, &msg), ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("int32_data"), std::string::npos) << msg;
}

TEST(TensorProto, HugeOrNegativeDimsAreRefused) {
  TensorProto p;
  p.data_type = static_cast<int32_t>(DataType::Float);
  p.dims = {int64_t{1} << 40, int64_t{1} << 40};
  EXPECT_EQ(code_of([&] { tensor_from_proto(p, "", nullptr); }), ErrorCode::InvalidArgument);
  p.dims = {-1};
  EXPECT_EQ(code_of([&] { tensor_from_proto(p, "", nullptr); }), ErrorCode::InvalidArgument);
  p.dims = {1 << 20};  // no data at all
  EXPECT_EQ(code_of([&] { tensor_from_proto(p, "", nullptr); }), ErrorCode::InvalidArgument);
}

TEST(TensorProto, UnknownDtypeIsNotImplemented) {
  TensorProto p;
  p.data_type = 27;  // FLOAT6E2M3, newer than this build
  p.dims = {1};
  EXPECT_EQ(code_of([&] { tensor_from_proto(p, "", nullptr); }), ErrorCode::NotImplemented);
}

TEST(TensorProto, SparseTensorDensifies) {
  // The sparse initializer of small_model.onnx: values [5, 6] at flat positions [1, 3] of [2, 2].
  ModelProto m = load_model(data_path("small_model.onnx"));
  const SparseTensorProto& s = m.graph.sparse_initializer.at(0);
  Tensor dense = tensor_from_sparse_proto(s, m.model_dir, m.backing);
  ASSERT_EQ(dense.shape(), Shape(s.dims.begin(), s.dims.end()));
  Tensor values = tensor_from_proto(s.values, m.model_dir, m.backing);
  Tensor indices = tensor_from_proto(s.indices, m.model_dir, m.backing);
  std::vector<float> expected(static_cast<size_t>(dense.size()), 0.f);
  for (int64_t k = 0; k < values.size(); ++k) expected[indices.data<int64_t>()[k]] = values.data<float>()[k];
  EXPECT_EQ(std::vector<float>(dense.data<float>(), dense.data<float>() + dense.size()), expected);

  SparseTensorProto bad = s;
  bad.indices.int64_data = {1, 99};
  EXPECT_EQ(code_of([&] { tensor_from_sparse_proto(bad, m.model_dir, m.backing); }), ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace onyxrt::onnx
