// The config key registry and SessionOptions/RunOptions entry validation, from C++.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "core/config_keys.h"
#include "core/options_report.h"
#include "onyxrt/options.h"
#include "onyxrt/status.h"

namespace onyxrt {
namespace {

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return static_cast<ErrorCode>(0);
}

TEST(ConfigKeys, EveryKeyIsDeclaredOnceAndItsDefaultIsValid) {
  std::set<std::pair<std::string_view, config::Scope>> seen;
  for (const config::Key& k : config::all_keys()) {
    EXPECT_TRUE(seen.insert({k.name, k.scope}).second) << k.name;
    if (k.has_default) {
      EXPECT_NO_THROW(config::validate_value(k, k.default_value)) << k.name;
    }
    if (k.status == config::Status::NotApplicable) {
      EXPECT_FALSE(k.hardware.empty()) << k.name;
    }
    EXPECT_FALSE(k.component.empty()) << k.name;
  }
}

TEST(ConfigKeys, UnknownKeyNamesTheClosest) {
  EXPECT_EQ(config::closest_key("session.disable_prepackng", config::Scope::Session), "session.disable_prepacking");
  try {
    config::validate("session.disable_prepackng", "1", config::Scope::Session);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("did you mean 'session.disable_prepacking'?"), std::string::npos);
  }
}

TEST(ConfigKeys, ValuesAreCheckedByType) {
  auto check = [](const char* key, const char* value, config::Scope scope = config::Scope::Session) {
    return code_of([&] { config::validate(key, value, scope); });
  };
  const auto ok = static_cast<ErrorCode>(0);
  EXPECT_EQ(check("session.disable_prepacking", "1"), ok);
  EXPECT_EQ(check("session.disable_prepacking", "true"), ErrorCode::InvalidArgument);
  EXPECT_EQ(check("session.graph_optimizations_loop_level", "2"), ok);
  EXPECT_EQ(check("session.graph_optimizations_loop_level", "3"), ErrorCode::InvalidArgument);
  EXPECT_EQ(check("session.qdq_matmulnbits_block_size", "64"), ok);
  EXPECT_EQ(check("session.qdq_matmulnbits_block_size", "48"), ErrorCode::InvalidArgument);
  EXPECT_EQ(check("session.intra_op_thread_affinities", "1,2,3;4-5"), ok);
  EXPECT_EQ(check("session.intra_op_thread_affinities", "1,;x"), ErrorCode::InvalidArgument);
  EXPECT_EQ(check("memory.enable_memory_arena_shrinkage", "cpu:0;gpu:0", config::Scope::Run), ok);
  EXPECT_EQ(check("memory.enable_memory_arena_shrinkage", "cpu", config::Scope::Run), ErrorCode::InvalidArgument);
  // Run keys are not session keys.
  EXPECT_EQ(check("gpu_graph_id", "1"), ErrorCode::InvalidArgument);
}

TEST(SessionOptions, ConfigEntriesRoundTripAndDefaultsComeFromTheRegistry) {
  SessionOptions o;
  o.log_severity_level = 3;
  EXPECT_EQ(code_of([&] { o.get_session_config_entry("session.disable_prepacking"); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(o.config_or_default("session.graph_optimizations_loop_level"), "1");
  o.add_session_config_entry("session.graph_optimizations_loop_level", "0");
  EXPECT_EQ(o.get_session_config_entry("session.graph_optimizations_loop_level"), "0");
  EXPECT_EQ(o.config_or_default("session.graph_optimizations_loop_level"), "0");
}

TEST(SessionOptions, ProvidersAreValidated) {
  SessionOptions o;
  o.log_severity_level = 3;
  o.add_provider("CPUExecutionProvider", {});
  o.add_provider("CUDAExecutionProvider", {{"device_id", "0"}});
  EXPECT_EQ(o.providers.size(), 2u);
  EXPECT_EQ(code_of([&] { o.add_provider("CUDAExecutionProvder", {}); }), ErrorCode::InvalidArgument);
}

TEST(OptionsReport, ListsOnlyChangedIneffectiveOptions) {
  SessionOptions o;
  EXPECT_TRUE(ineffective_options(o).empty());
  o.intra_op_num_threads = 4;
  o.enable_mem_reuse = false;
  auto report = ineffective_options(o);
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0], "enable_mem_reuse=False");
}

}  // namespace
}  // namespace onyxrt
