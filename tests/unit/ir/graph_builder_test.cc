#include "ir/graph_builder.h"

#include <gtest/gtest.h>

#include "unit/model_builder.h"
#include "onyxrt/status.h"

namespace onyxrt {
namespace {

using namespace onyxrt::testing;

onnx::GraphProto relu_add_graph() {
  onnx::GraphProto g;
  g.name = "g";
  g.input.push_back(tensor_info("x", 1, {"N", "4"}));
  g.output.push_back(tensor_info("z", 1, {"N", "4"}));
  g.initializer.push_back(float_tensor("b", {4}, {1, 2, 3, 4}));
  // Listed out of order on purpose: the builder must not require sorted nodes.
  g.node.push_back(node("Add", {"y", "b"}, {"z"}));
  g.node.push_back(node("Relu", {"x"}, {"y"}));
  return g;
}

TEST(GraphBuilder, WiresValuesAndSortsTopologically) {
  auto graph = ir::build_graph(model(relu_add_graph()), {});
  ASSERT_EQ(graph->nodes().size(), 2u);
  auto order = graph->topological_order();
  EXPECT_EQ(order[0]->op_type, "Relu");
  EXPECT_EQ(order[1]->op_type, "Add");
  ir::Value* y = graph->find_value("y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->producer, order[0]);
  ASSERT_EQ(y->consumers.size(), 1u);
  EXPECT_EQ(y->consumers[0], order[1]);
  EXPECT_TRUE(graph->find_value("b")->is_initializer);
  EXPECT_EQ(graph->initializers.at("b").shape(), (Shape{4}));
  EXPECT_EQ(graph->inputs[0]->type.shape[0].symbol, "N");
}

TEST(GraphBuilder, FreeDimensionOverrideByName) {
  ir::GraphBuildOptions o;
  o.dim_overrides_by_name["N"] = 3;
  auto graph = ir::build_graph(model(relu_add_graph()), o);
  EXPECT_EQ(graph->inputs[0]->type.shape[0].value, 3);
}

TEST(GraphBuilder, UndefinedInputIsInvalidGraph) {
  onnx::GraphProto g = relu_add_graph();
  g.node[0].input[1] = "nowhere";
  try {
    ir::build_graph(model(g), {});
    FAIL() << "expected InvalidGraph";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidGraph);
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos);
  }
}

TEST(GraphBuilder, CycleIsReportedByTopologicalOrder) {
  onnx::GraphProto g;
  g.name = "cycle";
  g.input.push_back(tensor_info("x", 1, {"1"}));
  g.output.push_back(tensor_info("b", 1, {"1"}));
  g.node.push_back(node("Add", {"x", "b"}, {"a"}));
  g.node.push_back(node("Relu", {"a"}, {"b"}));
  auto graph = ir::build_graph(model(g), {});
  EXPECT_THROW(graph->topological_order(), Error);
}

TEST(GraphBuilder, InlinesModelLocalFunctionsWithAttributeReferences) {
  onnx::GraphProto g;
  g.name = "f";
  g.input.push_back(tensor_info("x", 1, {"2"}));
  g.output.push_back(tensor_info("y", 1, {"2"}));
  onnx::NodeProto call = node("MyFlatten", {"x"}, {"y"});
  call.domain = "local";
  call.attribute.push_back(int_attr("ax", 0));
  g.node.push_back(call);
  onnx::ModelProto m = model(g);
  m.opset_import.push_back({"local", 1});
  onnx::FunctionProto f;
  f.name = "MyFlatten";
  f.domain = "local";
  f.input = {"a"};
  f.output = {"c"};
  f.opset_import.push_back({"", 13});
  f.node.push_back(node("Relu", {"a"}, {"t"}));
  onnx::NodeProto flat = node("Flatten", {"t"}, {"c"});
  onnx::AttributeProto ref;
  ref.name = "axis";
  ref.type = onnx::AttributeProto::INT;
  ref.ref_attr_name = "ax";
  flat.attribute.push_back(ref);
  f.node.push_back(flat);
  m.functions.push_back(f);

  auto graph = ir::build_graph(m, {});
  ASSERT_EQ(graph->nodes().size(), 2u);
  auto order = graph->topological_order();
  EXPECT_EQ(order[0]->op_type, "Relu");
  EXPECT_EQ(order[0]->opset, 13);  // the function's own opset import
  EXPECT_EQ(order[1]->op_type, "Flatten");
  EXPECT_EQ(order[1]->get_int("axis", -1), 0);
  EXPECT_EQ(order[0]->inputs[0]->name, "x");
  EXPECT_EQ(order[1]->outputs[0]->name, "y");
}

TEST(GraphBuilder, SubgraphResolvesOuterScopeValues) {
  onnx::GraphProto body;
  body.name = "then";
  body.output.push_back(tensor_info("t_out", 1, {"2"}));
  body.node.push_back(node("Relu", {"x"}, {"t_out"}));  // x lives in the outer graph
  onnx::GraphProto g;
  g.name = "main";
  g.input.push_back(tensor_info("cond", 9, {}));
  g.input.push_back(tensor_info("x", 1, {"2"}));
  g.output.push_back(tensor_info("y", 1, {"2"}));
  onnx::NodeProto n = node("If", {"cond"}, {"y"});
  onnx::AttributeProto then_branch;
  then_branch.name = "then_branch";
  then_branch.type = onnx::AttributeProto::GRAPH;
  then_branch.g = std::make_shared<onnx::GraphProto>(body);
  n.attribute.push_back(then_branch);
  g.node.push_back(n);
  auto graph = ir::build_graph(model(g), {});
  const ir::Graph* sub = graph->nodes()[0]->get_graph("then_branch");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->parent, graph.get());
  EXPECT_EQ(sub->outer_scope_names(), std::vector<std::string>{"x"});
  EXPECT_EQ(sub->nodes()[0]->inputs[0], graph->find_value("x"));
}

}  // namespace
}  // namespace onyxrt
