#include "opt/pass_manager.h"

#include <algorithm>
#include <map>

#include "core/logger.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

std::vector<PassEntry>& pass_list() {
  static std::vector<PassEntry> passes;
  return passes;
}

// Rewrites of one round, summed over `graph` and its subgraphs.
int run_on(ir::Graph& graph, const std::vector<std::unique_ptr<GraphPass>>& passes, std::map<std::string, int>& counts) {
  int total = 0;
  for (const auto& pass : passes) {
    const int n = pass->apply(graph);
    counts[pass->name()] += n;
    total += n;
  }
  for (const auto& node : graph.nodes())
    for (auto& [_, attr] : node->attributes) {
      if (attr.g) total += run_on(*attr.g, passes, counts);
      for (auto& g : attr.graphs) total += run_on(*g, passes, counts);
    }
  return total;
}

// A fusion can expose another (folded constants feed Conv+BatchNormalization, Gelu then
// BiasGelu), so each level repeats until nothing fires, as onnxruntime's loop over its
// transformers does; the bound stops a pair of passes that would undo each other.
constexpr int kMaxRoundsPerLevel = 8;

}  // namespace

void register_pass(PassEntry entry) { pass_list().push_back(entry); }
const std::vector<PassEntry>& registered_passes() { return pass_list(); }

int PassReport::total() const {
  int t = 0;
  for (const auto& [_, n] : fired) t += n;
  return t;
}

PassReport run_passes(ir::Graph& graph, const PassManagerOptions& options, const Logger& logger) {
  std::vector<PassEntry> entries = pass_list();
  std::stable_sort(entries.begin(), entries.end(), [](const PassEntry& a, const PassEntry& b) {
    return a.level != b.level ? a.level < b.level : a.order < b.order;
  });
  std::map<int, std::vector<std::unique_ptr<GraphPass>>> by_level;
  for (const PassEntry& e : entries) {
    if (e.level > options.level) continue;
    auto pass = e.create();
    if (options.disabled.count(pass->name())) {
      logger.info(std::string("optimizer ") + pass->name() + " disabled by optimization.disable_specified_optimizers");
      continue;
    }
    by_level[e.level].push_back(std::move(pass));
  }
  std::map<std::string, int> counts;
  for (const auto& [_, passes] : by_level)
    for (int round = 0; round < kMaxRoundsPerLevel && run_on(graph, passes, counts) > 0; ++round) {
    }
  PassReport report;
  for (const auto& [name, n] : counts)
    if (n > 0) {
      report.fired.emplace_back(name, n);
      logger.verbose("optimizer " + name + " rewrote " + std::to_string(n) + " place(s)");
    }
  return report;
}

}  // namespace onyxrt::opt
