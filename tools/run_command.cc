// `onyxrt run`: loads a model, feeds it .npy files or random tensors, prints the outputs, the
// latency and the options in force, and optionally saves the outputs as .npy files.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <random>

#include "cli_args.h"
#include "commands.h"
#include "core/cpu_features.h"
#include "npy_io.h"
#include "onyxrt/session.h"
#include "onyxrt/status.h"
#include "random_inputs.h"
#include "value_summary.h"

namespace onyxrt::cli {

const char* const kRunUsage =
    "usage: onyxrt run MODEL [options]\n"
    "  --input NAME=FILE.npy       feed input NAME from a .npy file (repeatable)\n"
    "  --random-inputs             fill inputs not given with --input with random values\n"
    "  --dim NAME=VALUE            value of symbolic dimension NAME for random inputs (default 1)\n"
    "  --seed N                    seed of the random inputs (default 0)\n"
    "  --output-dir DIR            save each output as DIR/<name>.npy\n"
    "  --repeat N                  run N times and report the latency statistics (default 1)\n"
    "  --intra-op-threads N        SessionOptions.intra_op_num_threads (default 0: engine's choice)\n"
    "  --optimization-level L      graph_optimization_level: 0, 1, 2, 3 or 99 (default 99)\n"
    "  --config KEY=VALUE          add_session_config_entry(KEY, VALUE) (repeatable)\n";

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

GraphOptimizationLevel optimization_level(long long level) {
  switch (level) {
    case 0: return GraphOptimizationLevel::ORT_DISABLE_ALL;
    case 1: return GraphOptimizationLevel::ORT_ENABLE_BASIC;
    case 2: return GraphOptimizationLevel::ORT_ENABLE_EXTENDED;
    case 3: return GraphOptimizationLevel::ORT_ENABLE_LAYOUT;
    case 99: return GraphOptimizationLevel::ORT_ENABLE_ALL;
  }
  throw UsageError("--optimization-level must be 0, 1, 2, 3 or 99, got " + std::to_string(level));
}

const char* optimization_level_name(GraphOptimizationLevel level) {
  switch (level) {
    case GraphOptimizationLevel::ORT_DISABLE_ALL: return "ORT_DISABLE_ALL";
    case GraphOptimizationLevel::ORT_ENABLE_BASIC: return "ORT_ENABLE_BASIC";
    case GraphOptimizationLevel::ORT_ENABLE_EXTENDED: return "ORT_ENABLE_EXTENDED";
    case GraphOptimizationLevel::ORT_ENABLE_LAYOUT: return "ORT_ENABLE_LAYOUT";
    case GraphOptimizationLevel::ORT_ENABLE_ALL: return "ORT_ENABLE_ALL";
  }
  return "?";
}

SessionOptions options_from_args(const ParsedArgs& args) {
  SessionOptions options;
  options.intra_op_num_threads = static_cast<int>(args.integer("--intra-op-threads", 0, 0, 1 << 16));
  options.graph_optimization_level = optimization_level(args.integer("--optimization-level", 99, 0, 99));
  for (const std::string& entry : args.all("--config")) {
    auto [key, value] = split_assignment(entry, "--config");
    options.add_session_config_entry(key, value);
  }
  return options;
}

void print_options(const Session& session) {
  const SessionOptions& o = session.options();
  std::cout << std::boolalpha << "options in force:\n"
            << "  graph_optimization_level = " << optimization_level_name(o.graph_optimization_level) << "\n"
            << "  intra_op_num_threads = " << o.intra_op_num_threads
            << (o.intra_op_num_threads == 0 ? " (engine's choice)" : "") << "\n"
            << "  inter_op_num_threads = " << o.inter_op_num_threads << "\n"
            << "  execution_mode = " << (o.execution_mode == ExecutionMode::ORT_SEQUENTIAL ? "ORT_SEQUENTIAL" : "ORT_PARALLEL") << "\n"
            << "  enable_cpu_mem_arena = " << o.enable_cpu_mem_arena << ", enable_mem_pattern = " << o.enable_mem_pattern
            << ", enable_mem_reuse = " << o.enable_mem_reuse << "\n"
            << "  use_deterministic_compute = " << o.use_deterministic_compute << "\n";
  for (const auto& [key, value] : o.config_entries()) std::cout << "  config " << key << " = " << value << "\n";
  std::cout << "  providers:";
  for (const std::string& p : session.providers()) std::cout << ' ' << p;
  std::cout << "\n  cpu features: " << cpu_features().describe() << "\n";
}

// Feeds from --input files, then random tensors for the rest when --random-inputs is set.
std::vector<Session::Feed> build_feeds(const Session& session, const ParsedArgs& args) {
  std::map<std::string, Tensor> given;
  for (const std::string& entry : args.all("--input")) {
    auto [name, path] = split_assignment(entry, "--input");
    bool known = std::any_of(session.inputs().begin(), session.inputs().end(),
                             [&](const IoInfo& i) { return i.name == name; });
    if (!known) throw_error(ErrorCode::InvalidArgument, "--input names '" + name + "', which is not an input of the model");
    given[name] = npy::read_npy(path);
  }
  std::map<std::string, int64_t> dims;
  for (const std::string& entry : args.all("--dim")) {
    auto [name, value] = split_assignment(entry, "--dim");
    int64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || v < 0)
      throw UsageError("--dim " + name + " expects a non-negative integer, got '" + value + "'");
    dims[name] = v;
  }
  std::mt19937_64 rng(static_cast<uint64_t>(args.integer("--seed", 0, 0, INT64_MAX)));
  std::vector<Session::Feed> feeds;
  std::vector<std::string> missing;
  for (const IoInfo& info : session.inputs()) {
    if (auto it = given.find(info.name); it != given.end()) {
      feeds.emplace_back(info.name, Value(it->second));
    } else if (args.has_flag("--random-inputs")) {
      feeds.emplace_back(info.name, Value(random_tensor(info, concrete_shape(info, dims), rng)));
    } else {
      missing.push_back(info.name);
    }
  }
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) {
      names += names.empty() ? "'" : ", '";
      names += m;
      names += '\'';
    }
    throw_error(ErrorCode::InvalidArgument, "no value for input(s) " + names + ": pass --input NAME=FILE.npy or --random-inputs");
  }
  return feeds;
}

// Output names may hold '/' or ':'; keep file names portable.
std::string file_name_for(const std::string& output_name) {
  std::string s = output_name;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  return s + ".npy";
}

void print_latency(double load_ms, std::vector<double> runs_ms) {
  std::cout << std::fixed << std::setprecision(3) << "latency:\n  session load  " << load_ms << " ms\n"
            << "  first run     " << runs_ms.front() << " ms\n";
  if (runs_ms.size() > 1) {
    std::vector<double> sorted(runs_ms.begin() + 1, runs_ms.end());  // the first run warms caches
    std::sort(sorted.begin(), sorted.end());
    double sum = 0;
    for (double v : sorted) sum += v;
    std::cout << "  next " << sorted.size() << " runs: mean " << sum / sorted.size() << " ms, median "
              << sorted[sorted.size() / 2] << " ms, min " << sorted.front() << " ms, max " << sorted.back() << " ms\n";
  }
  std::cout.unsetf(std::ios::fixed);
}

}  // namespace

int run_command(const std::vector<std::string>& argv) {
  ParsedArgs args = parse_args(argv,
                               {"--input", "--dim", "--seed", "--output-dir", "--repeat", "--intra-op-threads",
                                "--optimization-level", "--config"},
                               {"--random-inputs"});
  if (args.positional.size() != 1) throw UsageError("run expects exactly one MODEL path");
  const std::string& model_path = args.positional[0];
  SessionOptions options = options_from_args(args);
  long long repeat = args.integer("--repeat", 1, 1, 1000000);

  auto load_start = Clock::now();
  Session session(model_path, options);
  double load_ms = ms_since(load_start);

  std::vector<Session::Feed> feeds = build_feeds(session, args);
  std::cout << "model: " << model_path << "\ninputs:\n";
  for (const auto& [name, value] : feeds) std::cout << "  " << name << ": " << summarize_value(value) << "\n";

  std::vector<Value> outputs;
  std::vector<double> runs_ms;
  for (long long i = 0; i < repeat; ++i) {
    auto start = Clock::now();
    outputs = session.run({}, feeds);
    runs_ms.push_back(ms_since(start));
  }

  std::cout << "outputs:\n";
  for (size_t i = 0; i < outputs.size(); ++i)
    std::cout << "  " << session.outputs()[i].name << ": " << summarize_value(outputs[i]) << "\n";
  print_latency(load_ms, runs_ms);
  print_options(session);

  if (std::string dir = args.last("--output-dir"); !dir.empty()) {
    std::filesystem::create_directories(dir);
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string& name = session.outputs()[i].name;
      if (!outputs[i].is_tensor()) {
        std::cerr << "onyxrt: output '" << name << "' is not a tensor; not saved\n";
        continue;
      }
      std::string path = (std::filesystem::path(dir) / file_name_for(name)).string();
      npy::write_npy(outputs[i].tensor(), path);
      std::cout << "saved " << name << " to " << path << "\n";
    }
  }
  return 0;
}

}  // namespace onyxrt::cli
