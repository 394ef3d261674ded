#include "onyxrt/session.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "unit/model_builder.h"
#include "onnx/model_io.h"

namespace onyxrt {
namespace {

using namespace onyxrt::testing;

std::string relu_add_bytes() {
  onnx::GraphProto g;
  g.name = "g";
  g.input.push_back(tensor_info("x", 1, {"N", "4"}));
  g.output.push_back(tensor_info("z", 1, {"N", "4"}));
  g.output.push_back(tensor_info("y", 1, {"N", "4"}));
  g.initializer.push_back(float_tensor("b", {4}, {1, -2, 3, -4}));
  g.node.push_back(node("Relu", {"x"}, {"y"}));
  g.node.push_back(node("Add", {"y", "b"}, {"z"}));
  return onnx::serialize_model(model(g));
}

Tensor input_2x4() {
  Tensor x = Tensor::allocate(DataType::Float, {2, 4});
  for (int i = 0; i < 8; ++i) x.mutable_data<float>()[i] = static_cast<float>(i) - 3.5f;
  return x;
}

TEST(Session, RunsAndNamesItsInputsAndOutputs) {
  std::string bytes = relu_add_bytes();
  Session s(bytes.data(), bytes.size());
  ASSERT_EQ(s.inputs().size(), 1u);
  EXPECT_EQ(s.inputs()[0].name, "x");
  EXPECT_EQ(s.inputs()[0].type, "tensor(float)");
  EXPECT_EQ(s.inputs()[0].shape[0].symbol, "N");
  EXPECT_EQ(s.inputs()[0].shape[1].value, 4);
  Tensor x = input_2x4();
  auto out = s.run({"z"}, {{"x", Value(x)}});
  ASSERT_EQ(out.size(), 1u);
  const Tensor& z = out[0].tensor();
  ASSERT_EQ(z.shape(), (Shape{2, 4}));
  const float b[4] = {1, -2, 3, -4};
  for (int i = 0; i < 8; ++i) {
    float xi = x.data<float>()[i];
    EXPECT_FLOAT_EQ(z.data<float>()[i], (xi > 0 ? xi : 0) + b[i % 4]);
  }
}

TEST(Session, RejectsBadFeeds) {
  std::string bytes = relu_add_bytes();
  Session s(bytes.data(), bytes.size());
  auto code_of = [&](const std::vector<std::string>& outs, const std::vector<Session::Feed>& feeds) {
    try {
      s.run(outs, feeds);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::Fail;
  };
  Tensor wrong_dtype = Tensor::allocate(DataType::Double, {2, 4});
  Tensor wrong_dim = Tensor::allocate(DataType::Float, {2, 5});
  Tensor wrong_rank = Tensor::allocate(DataType::Float, {8});
  EXPECT_EQ(code_of({}, {}), ErrorCode::InvalidArgument);
  EXPECT_EQ(code_of({}, {{"x", Value(wrong_dtype)}}), ErrorCode::InvalidArgument);
  EXPECT_EQ(code_of({}, {{"x", Value(wrong_dim)}}), ErrorCode::InvalidArgument);
  EXPECT_EQ(code_of({}, {{"x", Value(wrong_rank)}}), ErrorCode::InvalidArgument);
  EXPECT_EQ(code_of({"nope"}, {{"x", Value(input_2x4())}}), ErrorCode::InvalidArgument);
  EXPECT_EQ(code_of({}, {{"x", Value(input_2x4())}, {"w", Value(input_2x4())}}), ErrorCode::InvalidArgument);
}

TEST(Session, TerminateFlagStopsTheRunAndResets) {
  std::string bytes = relu_add_bytes();
  Session s(bytes.data(), bytes.size());
  RunOptions ro;
  ro.set_terminate(true);
  EXPECT_THROW(s.run({}, {{"x", Value(input_2x4())}}, ro), Error);
  EXPECT_FALSE(ro.terminate());
  EXPECT_NO_THROW(s.run({}, {{"x", Value(input_2x4())}}, ro));
}

TEST(Session, ProfilingWritesATraceWithNodeEvents) {
  std::string bytes = relu_add_bytes();
  SessionOptions o;
  o.enable_profiling = true;
  auto dir = std::filesystem::temp_directory_path() / "onyxrt_profile_test";
  std::filesystem::create_directories(dir);
  o.profile_file_prefix = (dir / "prof_").string();
  Session s(bytes.data(), bytes.size(), o);
  s.run({}, {{"x", Value(input_2x4())}});
  std::string path = s.end_profiling();
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("\"op_name\":\"Relu\""), std::string::npos);
  EXPECT_NE(text.find("model_run"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Session, OnlyExecutePathToFetchesSkipsOtherBranches) {
  // z needs Relu and Add; y needs only Relu. With the option the Add kernel never runs, shown by
  // a profile with one node event.
  std::string bytes = relu_add_bytes();
  SessionOptions o;
  o.enable_profiling = true;
  auto dir = std::filesystem::temp_directory_path() / "onyxrt_fetch_test";
  std::filesystem::create_directories(dir);
  o.profile_file_prefix = (dir / "p_").string();
  Session s(bytes.data(), bytes.size(), o);
  RunOptions ro;
  ro.only_execute_path_to_fetches = true;
  s.run({"y"}, {{"x", Value(input_2x4())}}, ro);
  std::ifstream in(s.end_profiling());
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("\"op_name\":\"Relu\""), std::string::npos);
  EXPECT_EQ(text.find("\"op_name\":\"Add\""), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Session, ConcurrentRunsGiveTheSameResult) {
  std::string bytes = relu_add_bytes();
  Session s(bytes.data(), bytes.size());
  Tensor x = input_2x4();
  auto expected = s.run({}, {{"x", Value(x)}})[0].tensor();
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto got = s.run({}, {{"x", Value(x)}})[0].tensor();
        for (int k = 0; k < 8; ++k)
          if (got.data<float>()[k] != expected.data<float>()[k]) ++mismatches;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(Session, UnknownOpFailsAtCreationWithNotImplemented) {
  onnx::GraphProto g;
  g.name = "g";
  g.input.push_back(tensor_info("x", 1, {"2"}));
  g.output.push_back(tensor_info("y", 1, {"2"}));
  g.node.push_back(node("NoSuchOp", {"x"}, {"y"}, "weird"));
  std::string bytes = onnx::serialize_model(model(g));
  try {
    Session s(bytes.data(), bytes.size());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotImplemented);
    EXPECT_NE(std::string(e.what()).find("weird"), std::string::npos);
  }
}

}  // namespace
}  // namespace onyxrt
