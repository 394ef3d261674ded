// The pass manager on ir::Graphs built in C++: levels, the disabled list, the fixpoint across
// passes of one level (constant folding feeding a Conv fusion), and graph consistency after.
#include <gtest/gtest.h>

#include <map>

#include "core/logger.h"
#include "ir/graph_builder.h"
#include "ir/shape_inference.h"
#include "ops/registry.h"
#include "opt/pass_manager.h"
#include "unit/model_builder.h"

namespace onyxrt {
namespace {

using namespace onyxrt::testing;

// Conv -> Mul(Constant node, per channel) -> Relu: level 1 folds the Constant and then the Mul
// into the weights; level 2 turns Conv + Relu into FusedConv.
std::unique_ptr<ir::Graph> conv_mul_relu_graph() {
  onnx::GraphProto g;
  g.name = "g";
  g.input.push_back(tensor_info("x", 1, {"1", "2", "4", "4"}));
  g.output.push_back(tensor_info("y", 1, {}));
  g.initializer.push_back(float_tensor("w", {3, 2, 1, 1}, {1, 2, 3, 4, 5, 6}));
  onnx::NodeProto k = node("Constant", {}, {"k"});
  onnx::AttributeProto value;
  value.name = "value";
  value.type = onnx::AttributeProto::TENSOR;
  value.t = float_tensor("kv", {3, 1, 1}, {0.5f, 2.0f, -1.0f});
  k.attribute.push_back(value);
  g.node.push_back(k);
  g.node.push_back(node("Conv", {"x", "w"}, {"c"}));
  g.node.push_back(node("Mul", {"c", "k"}, {"m"}));
  g.node.push_back(node("Relu", {"m"}, {"y"}));
  auto graph = ir::build_graph(model(g), ir::GraphBuildOptions{});
  auto lookup = [](const ir::Node& n) -> ir::InferFn {
    const ops::OpDef* def = ops::OpRegistry::instance().find(n);
    return def && def->infer ? ir::InferFn(def->infer) : ir::InferFn();
  };
  ir::infer_shapes(*graph, lookup, ir::ShapeInferenceOptions{}, Logger());
  return graph;
}

std::map<std::string, int> op_counts(const ir::Graph& g) {
  std::map<std::string, int> counts;
  for (const auto& n : g.nodes()) ++counts[n->op_type];
  return counts;
}

std::map<std::string, int> fired(const opt::PassReport& r) { return {r.fired.begin(), r.fired.end()}; }

TEST(PassManager, Level1FoldsConstantsThenTheMulIntoConvWeights) {
  auto g = conv_mul_relu_graph();
  opt::PassManagerOptions o;
  o.level = 1;
  const opt::PassReport r = opt::run_passes(*g, o, Logger());
  EXPECT_EQ(op_counts(*g), (std::map<std::string, int>{{"Conv", 1}, {"Relu", 1}}));
  EXPECT_EQ(fired(r).at("ConstantFolding"), 1);
  EXPECT_EQ(fired(r).at("ConvMulFusion"), 1);
  // The scaled weights replaced the original, which nothing reads any more.
  EXPECT_EQ(g->initializers.count("w"), 0u);
  const ir::Node* conv = g->topological_order().front();
  EXPECT_EQ(g->initializers.at(conv->inputs[1]->name).data<float>()[2], 2.0f * 3.0f);
}

TEST(PassManager, Level2WritesFusedConvAndKeepsTheGraphOutput) {
  auto g = conv_mul_relu_graph();
  opt::PassManagerOptions o;
  o.level = 99;
  opt::run_passes(*g, o, Logger());
  ASSERT_EQ(g->nodes().size(), 1u);
  const ir::Node& n = *g->nodes().front();
  EXPECT_EQ(n.op_type, "FusedConv");
  EXPECT_EQ(n.domain, "com.microsoft");
  EXPECT_EQ(n.get_string("activation", ""), "Relu");
  EXPECT_EQ(n.outputs[0], g->outputs[0]);
  EXPECT_EQ(n.outputs[0]->producer, &n);
}

TEST(PassManager, DisabledPassesAreSkipped) {
  auto g = conv_mul_relu_graph();
  opt::PassManagerOptions o;
  o.level = 99;
  o.disabled = {"ConvMulFusion", "ConvActivationFusion"};
  const opt::PassReport r = opt::run_passes(*g, o, Logger());
  EXPECT_EQ(op_counts(*g), (std::map<std::string, int>{{"Conv", 1}, {"Mul", 1}, {"Relu", 1}}));
  EXPECT_EQ(fired(r).count("ConvMulFusion"), 0u);
}

TEST(PassManager, LevelZeroChangesNothing) {
  auto g = conv_mul_relu_graph();
  opt::PassManagerOptions o;
  o.level = 0;
  EXPECT_EQ(opt::run_passes(*g, o, Logger()).total(), 0);
  EXPECT_EQ(g->nodes().size(), 4u);
}

}  // namespace
}  // namespace onyxrt
