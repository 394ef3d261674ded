#include "opt/pass_manager.h"

#include <map>

#include "core/logger.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

std::vector<PassEntry>& pass_list() {
  static std::vector<PassEntry> passes;
  return passes;
}

void run_on(ir::Graph& graph, const std::vector<std::unique_ptr<GraphPass>>& passes, std::map<std::string, int>& counts) {
  for (const auto& pass : passes) counts[pass->name()] += pass->apply(graph);
  for (const auto& node : graph.nodes())
    for (auto& [_, attr] : node->attributes) {
      if (attr.g) run_on(*attr.g, passes, counts);
      for (auto& g : attr.graphs) run_on(*g, passes, counts);
    }
}

}  // namespace

void register_pass(PassEntry entry) { pass_list().push_back(entry); }
const std::vector<PassEntry>& registered_passes() { return pass_list(); }

int PassReport::total() const {
  int t = 0;
  for (const auto& [_, n] : fired) t += n;
  return t;
}

PassReport run_passes(ir::Graph& graph, const PassManagerOptions& options, const Logger& logger) {
  std::vector<std::unique_ptr<GraphPass>> passes;
  for (const PassEntry& e : pass_list()) {
    if (e.level > options.level) continue;
    auto pass = e.create();
    if (options.disabled.count(pass->name())) {
      logger.info(std::string("optimizer ") + pass->name() + " disabled by optimization.disable_specified_optimizers");
      continue;
    }
    passes.push_back(std::move(pass));
  }
  std::map<std::string, int> counts;
  run_on(graph, passes, counts);
  PassReport report;
  for (const auto& [name, n] : counts)
    if (n > 0) {
      report.fired.emplace_back(name, n);
      logger.verbose("optimizer " + name + " rewrote " + std::to_string(n) + " place(s)");
    }
  return report;
}

}  // namespace onyxrt::opt
