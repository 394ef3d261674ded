// Runs the registered passes up to the session's optimization level, on the main graph and its
// subgraphs, and reports what fired.
#pragma once
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"

namespace onyxrt {
class Logger;
}

namespace onyxrt::opt {

struct PassReport {
  std::vector<std::pair<std::string, int>> fired;  // pass name, rewrites (only those > 0)
  int total() const;
};

struct PassManagerOptions {
  int level = 99;                    // GraphOptimizationLevel value
  std::set<std::string> disabled;    // optimization.disable_specified_optimizers
};

PassReport run_passes(ir::Graph& graph, const PassManagerOptions& options, const Logger& logger);

}  // namespace onyxrt::opt
