// Which Concat inputs the plan lets their producers write in place: all of a Concat's inputs or
// none, and only where each is a fresh, static-shaped value that the Concat alone reads and whose
// slice of the output is contiguous.
#include "plan/concat_placement.h"

#include <gtest/gtest.h>

#include "core/logger.h"
#include "ir/graph_builder.h"
#include "ir/shape_inference.h"
#include "ops/registry.h"
#include "unit/model_builder.h"

namespace onyxrt {
namespace {

using namespace onyxrt::testing;

struct Case {
  std::vector<std::string> x_dims = {"1", "3", "4", "5"};
  int64_t axis = 1;
  bool a_is_output = false;     // a is also a graph output
  bool a_read_twice = false;    // a also feeds another node
  bool concat_x_itself = false;  // the graph input joins the Concat
  bool a_twice_in_concat = false;
};

// A graph output whose shape inference decides.
onnx::ValueInfoProto any_shape(const std::string& name) {
  onnx::ValueInfoProto v = tensor_info(name, 1, {});
  v.type.has_shape = false;
  return v;
}

std::unique_ptr<ir::Graph> build(const Case& c) {
  onnx::GraphProto g;
  g.name = "g";
  g.input.push_back(tensor_info("x", 1, c.x_dims));
  g.output.push_back(any_shape("y"));
  if (c.a_is_output) g.output.push_back(any_shape("a"));
  g.node.push_back(node("Relu", {"x"}, {"a"}));
  g.node.push_back(node("Neg", {"x"}, {"b"}));
  if (c.a_read_twice) {
    g.node.push_back(node("Abs", {"a"}, {"d"}));
    g.output.push_back(any_shape("d"));
  }
  std::vector<std::string> inputs = {"a", "b"};
  if (c.concat_x_itself) inputs.push_back("x");
  if (c.a_twice_in_concat) inputs.push_back("a");
  onnx::NodeProto concat = node("Concat", inputs, {"y"});
  concat.attribute.push_back(int_attr("axis", c.axis));
  g.node.push_back(concat);
  auto graph = ir::build_graph(model(g), ir::GraphBuildOptions{});
  auto lookup = [](const ir::Node& n) -> ir::InferFn {
    const ops::OpDef* def = ops::OpRegistry::instance().find(n);
    return def && def->infer ? ir::InferFn(def->infer) : ir::InferFn();
  };
  ir::infer_shapes(*graph, lookup, ir::ShapeInferenceOptions{}, Logger());
  return graph;
}

const ir::Value* value(const ir::Graph& g, const std::string& name) { return g.resolve(name); }

TEST(ConcatPlacement, FreshSingleUseInputsArePlacedOneAfterAnother) {
  auto g = build({});
  const auto slots = plan::place_concat_inputs(*g);
  ASSERT_EQ(slots.size(), 2u);
  const plan::ConcatSlot& a = slots.at(value(*g, "a"));
  const plan::ConcatSlot& b = slots.at(value(*g, "b"));
  EXPECT_EQ(a.concat_output, value(*g, "y"));
  EXPECT_EQ(a.offset, 0);
  EXPECT_EQ(b.offset, 3 * 4 * 5);
  EXPECT_EQ(a.concat_shape, (Shape{1, 6, 4, 5}));
  EXPECT_EQ(b.shape, (Shape{1, 3, 4, 5}));
  EXPECT_EQ(a.dtype, DataType::Float);
}

TEST(ConcatPlacement, InnerAxesWithOuterExtentOneArePlaced) {
  Case c;
  c.x_dims = {"1", "1", "4", "5"};
  c.axis = -1;  // dims before the axis are all 1: each input is still one contiguous slice
  auto g = build(c);
  const auto slots = plan::place_concat_inputs(*g);
  ASSERT_EQ(slots.size(), 0u) << "axis 3 with 4 rows before it interleaves the inputs";
  c.x_dims = {"1", "1", "1", "5"};
  g = build(c);
  const auto placed = plan::place_concat_inputs(*g);
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(placed.at(value(*g, "b")).offset, 5);
}

TEST(ConcatPlacement, NothingIsPlacedUnlessEveryInputQualifies) {
  auto none = [](const Case& c) { return plan::place_concat_inputs(*build(c)).size(); };
  Case batch2;
  batch2.x_dims = {"2", "3", "4", "5"};  // two rows before the axis: slices interleave
  EXPECT_EQ(none(batch2), 0u);
  Case dynamic;
  dynamic.x_dims = {"1", "C", "4", "5"};
  EXPECT_EQ(none(dynamic), 0u);
  Case output;
  output.a_is_output = true;  // the caller keeps `a`: it needs its own buffer
  EXPECT_EQ(none(output), 0u);
  Case shared;
  shared.a_read_twice = true;
  EXPECT_EQ(none(shared), 0u);
  Case input;
  input.concat_x_itself = true;  // a graph input has no producer to write it in place
  EXPECT_EQ(none(input), 0u);
  Case twice;
  twice.a_twice_in_concat = true;  // one value cannot sit in two slices
  EXPECT_EQ(none(twice), 0u);
}

}  // namespace
}  // namespace onyxrt
