// Loading, parsing and re-serializing whole models: small_model.onnx (made by onnx.helper in
// tests/data/make_models.py) touches every message and attribute type of the schema.
#include "onnx/model_io.h"

#include <gtest/gtest.h>

#include "onnx/proto_reader.h"
#include "unit/onnx/test_data.h"

namespace onyxrt::onnx {
namespace {

using testing::code_of;
using testing::data_path;
using testing::read_file;

std::string varint(size_t n) {
  std::string out;
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  return out;
}

const AttributeProto* find_attr(const NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute)
    if (a.name == name) return &a;
  return nullptr;
}

TEST(ModelIo, LoadsEveryPartOfTheSmallModel) {
  ModelProto m = load_model(data_path("small_model.onnx"));
  ASSERT_TRUE(m.has_graph);
  EXPECT_EQ(m.graph.name, "small");
  EXPECT_EQ(m.opset_import.size(), 2u);
  EXPECT_EQ(m.functions.size(), 1u);
  EXPECT_EQ(m.metadata_props.size(), 2u);
  ASSERT_EQ(m.graph.node.size(), 2u);
  const NodeProto& custom = m.graph.node[0];
  EXPECT_EQ(custom.domain, "test.domain");
  const AttributeProto* g = find_attr(custom, "g");
  ASSERT_TRUE(g && g->g);
  EXPECT_EQ(g->g->node.at(0).op_type, "Identity");
  const AttributeProto* i = find_attr(custom, "i");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->type, AttributeProto::INT);
  EXPECT_LT(i->i, 0);
  const AttributeProto* tp = find_attr(custom, "tp");
  ASSERT_TRUE(tp);
  EXPECT_EQ(tp->tp.kind, TypeProto::Kind::Sequence);
  ASSERT_TRUE(tp->tp.elem);
  EXPECT_EQ(tp->tp.elem->kind, TypeProto::Kind::Tensor);
  const AttributeProto* ref = find_attr(custom, "ref");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->ref_attr_name, "ref");
  const auto& x = m.graph.input.at(0);
  ASSERT_TRUE(x.has_type && x.type.has_shape);
  EXPECT_EQ(x.type.shape.dim.at(1).kind, TensorShapeProto::Dimension::Kind::Param);
  EXPECT_EQ(x.type.shape.dim.at(1).dim_param, "N");
  EXPECT_FALSE(x.type.shape.dim.at(0).denotation.empty());
  EXPECT_EQ(m.graph.sparse_initializer.size(), 1u);
  EXPECT_EQ(m.graph.quantization_annotation.size(), 1u);
  EXPECT_TRUE(m.graph.initializer.at(2).has_segment);
}

TEST(ModelIo, RawDataIsAViewIntoTheMapping) {
  std::string bytes = read_file(data_path("small_model.onnx"));
  auto keep = std::make_shared<const std::string>(bytes);
  ModelProto m = parse_model(keep->data(), keep->size(), keep);
  const TensorProto& w = m.graph.initializer.at(0);
  ASSERT_TRUE(w.has_raw_data);
  const auto* begin = reinterpret_cast<const uint8_t*>(keep->data());
  EXPECT_GE(w.raw_data.data, begin);
  EXPECT_LE(w.raw_data.data + w.raw_data.size, begin + keep->size());
  EXPECT_EQ(m.backing.get(), keep.get());
  EXPECT_TRUE(m.model_dir.empty());
}

TEST(ModelIo, ParseWithoutKeepAliveCopiesTheBytes) {
  std::string bytes = read_file(data_path("small_model.onnx"));
  ModelProto m = parse_model(bytes.data(), bytes.size());
  const TensorProto& w = m.graph.initializer.at(0);
  const auto* begin = reinterpret_cast<const uint8_t*>(bytes.data());
  EXPECT_TRUE(w.raw_data.data < begin || w.raw_data.data >= begin + bytes.size());
  std::string before(w.raw_data.str());
  std::fill(bytes.begin(), bytes.end(), '\0');  // the caller's buffer may change after parsing
  EXPECT_EQ(w.raw_data.str(), before);
}

TEST(ModelIo, LoadSetsModelDirAndBacking) {
  ModelProto m = load_model(data_path("small_model.onnx"));
  EXPECT_EQ(m.model_dir, std::string(ONYXRT_TEST_DATA_DIR) + "/onnx");
  EXPECT_TRUE(m.backing);
}

TEST(ModelIo, MissingFileIsNoSuchFile) {
  EXPECT_EQ(code_of([] { load_model(data_path("does_not_exist.onnx")); }), ErrorCode::NoSuchFile);
}

TEST(ModelIo, SerializeIsAFixedPointOfParse) {
  std::string bytes = read_file(data_path("small_model.onnx"));
  ModelProto m = parse_model(bytes.data(), bytes.size());
  std::string once = serialize_model(m);
  ModelProto again = parse_model(once.data(), once.size());
  EXPECT_EQ(serialize_model(again), once);
  // Field order may differ from protobuf's, but nothing is lost: only the presence of empty
  // strings that proto.h cannot record changes the size.
  EXPECT_NEAR(static_cast<double>(once.size()), static_cast<double>(bytes.size()), 64.0);
}

TEST(ModelIo, SaveThenLoadKeepsTensorBytes) {
  testing::ScratchDir dir;
  ModelProto m = load_model(data_path("small_model.onnx"));
  save_model(m, dir.path("copy.onnx"));
  ModelProto back = load_model(dir.path("copy.onnx"));
  ASSERT_EQ(back.graph.initializer.size(), m.graph.initializer.size());
  for (size_t i = 0; i < m.graph.initializer.size(); ++i) {
    const auto& a = m.graph.initializer[i];
    const auto& b = back.graph.initializer[i];
    EXPECT_EQ(a.raw_data.str(), b.raw_data.str());
    EXPECT_EQ(a.float_data, b.float_data);
    EXPECT_EQ(a.int64_data, b.int64_data);
    EXPECT_EQ(a.dims, b.dims);
  }
}

TEST(ModelIo, TrainingInfoIsSkippedAndRecorded) {
  // ModelProto field 20 (training_info), length 2, holding an empty GraphProto field 1.
  std::string bytes("\xa2\x01\x02\x0a\x00", 5);
  ModelProto m = parse_model(bytes.data(), bytes.size());
  EXPECT_TRUE(m.had_training_info);
}

TEST(ModelIo, DeeplyNestedGraphsAreRefusedNotOverflowingTheStack) {
  // Graph -> node(1) -> attribute(5) -> g(6) -> Graph ... 2000 graphs deep, built from the inside.
  std::string g;
  for (int level = 0; level < 2000; ++level) {
    auto wrap = [](char field_tag, const std::string& inner) { return field_tag + varint(inner.size()) + inner; };
    g = wrap(0x0a, wrap(0x2a, wrap(0x32, g)));  // node{attribute{g{...}}}
  }
  std::string model = "\x3a" + varint(g.size()) + g;
  std::string msg;
  EXPECT_EQ(code_of([&] { parse_model(model.data(), model.size()); }, &msg), ErrorCode::InvalidProtobuf);
  EXPECT_NE(msg.find("nested"), std::string::npos) << msg;
}

TEST(ModelIo, ManyEmptyMessagesHitTheMemoryBudget) {
  // 2 bytes per empty AttributeProto would otherwise ask for ~750x the input in structs.
  std::string node;
  for (int k = 0; k < 100000; ++k) node += std::string("\x2a\x00", 2);
  std::string node_field = "\x0a" + varint(node.size()) + node;
  std::string model = "\x3a" + varint(node_field.size()) + node_field;
  DecodeLimits small;
  small.struct_budget = 1 << 20;
  std::string msg;
  EXPECT_EQ(code_of([&] { decode_model_proto(reinterpret_cast<const uint8_t*>(model.data()), model.size(), small); }, &msg),
            ErrorCode::InvalidProtobuf);
  EXPECT_NE(msg.find("too many elements"), std::string::npos) << msg;
  // The default budget (256 MiB + 128x the input) admits it: 150 MB of structs for 200 KB.
  EXPECT_NO_THROW(decode_model_proto(reinterpret_cast<const uint8_t*>(model.data()), model.size()));
}

}  // namespace
}  // namespace onyxrt::onnx
