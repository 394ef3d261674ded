#include "ir/shape_inference.h"

#include <gtest/gtest.h>

#include "core/logger.h"
#include "ir/graph_builder.h"
#include "ops/registry.h"
#include "unit/model_builder.h"

namespace onyxrt {
namespace {

using namespace onyxrt::testing;

ir::InferFn registry_lookup(const ir::Node& n) {
  const ops::OpDef* def = ops::OpRegistry::instance().find(n);
  return def && def->infer ? ir::InferFn(def->infer) : ir::InferFn();
}

TEST(ShapeInference, KeepsSymbolicBatchThroughBroadcastAndMatMul) {
  onnx::GraphProto g;
  g.name = "g";
  g.input.push_back(tensor_info("x", 1, {"N", "3"}));
  g.input.push_back(tensor_info("s", 1, {"1", "3"}));
  g.output.push_back(tensor_info("y", 1, {}));
  g.output.back().type.has_shape = false;
  g.initializer.push_back(float_tensor("w", {3, 5}, std::vector<float>(15, 0.5f)));
  g.node.push_back(node("Add", {"x", "s"}, {"a"}));
  g.node.push_back(node("MatMul", {"a", "w"}, {"y"}));
  auto graph = ir::build_graph(model(g), {});
  ir::infer_shapes(*graph, registry_lookup, {}, Logger());
  const ir::TypeInfo& a = graph->find_value("a")->type;
  ASSERT_TRUE(a.has_shape);
  EXPECT_EQ(a.shape[0].symbol, "N");
  EXPECT_EQ(a.shape[1].value, 3);
  const ir::TypeInfo& y = graph->find_value("y")->type;
  EXPECT_EQ(y.elem, DataType::Float);
  ASSERT_EQ(y.shape.size(), 2u);
  EXPECT_EQ(y.shape[0].symbol, "N");
  EXPECT_EQ(y.shape[1].value, 5);
}

TEST(ShapeInference, IncompatibleBroadcastIsInvalidGraph) {
  onnx::GraphProto g;
  g.name = "g";
  g.input.push_back(tensor_info("x", 1, {"2", "3"}));
  g.input.push_back(tensor_info("s", 1, {"4"}));
  g.output.push_back(tensor_info("y", 1, {"2", "3"}));
  g.node.push_back(node("Add", {"x", "s"}, {"y"}));
  auto graph = ir::build_graph(model(g), {});
  EXPECT_THROW(ir::infer_shapes(*graph, registry_lookup, {}, Logger()), Error);
}

TEST(ShapeInference, StrictModeTurnsDeclarationConflictsIntoErrors) {
  onnx::GraphProto g;
  g.name = "g";
  g.input.push_back(tensor_info("x", 1, {"2", "3"}));
  g.output.push_back(tensor_info("y", 1, {"2", "4"}));  // wrong on purpose
  g.node.push_back(node("Relu", {"x"}, {"y"}));
  auto lenient = ir::build_graph(model(g), {});
  EXPECT_NO_THROW(ir::infer_shapes(*lenient, registry_lookup, {}, Logger("", 4)));
  auto strict = ir::build_graph(model(g), {});
  ir::ShapeInferenceOptions o;
  o.strict = true;
  EXPECT_THROW(ir::infer_shapes(*strict, registry_lookup, o, Logger()), Error);
}

}  // namespace
}  // namespace onyxrt
