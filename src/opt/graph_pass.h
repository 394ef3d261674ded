// A graph rewrite: it finds what it can improve and rewrites it, returning how often it fired.
// Passes register themselves with the level at which they run (GraphOptimizationLevel).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace onyxrt {
class Logger;
}

namespace onyxrt::opt {

class GraphPass {
 public:
  virtual ~GraphPass() = default;
  // The name optimization.disable_specified_optimizers refers to.
  virtual const char* name() const = 0;
  // Rewrites `graph` (not its subgraphs; the manager walks those) and returns the rewrite count.
  virtual int apply(ir::Graph& graph) const = 0;
};

struct PassEntry {
  int level;  // 1 basic, 2 extended, 3 layout
  std::unique_ptr<GraphPass> (*create)();
  // Position within the level: a pass whose output another pass matches runs first (constant
  // folding before the fusions that need constants, Gelu before BiasGelu).
  int order = 100;
};

void register_pass(PassEntry entry);
const std::vector<PassEntry>& registered_passes();

}  // namespace onyxrt::opt

#define ONYXRT_PASS_CONCAT2(a, b) a##b
#define ONYXRT_PASS_CONCAT(a, b) ONYXRT_PASS_CONCAT2(a, b)
#define ONYXRT_REGISTER_PASS_AT(level, order, Class)                                               \
  static const bool ONYXRT_PASS_CONCAT(onyxrt_pass_registered_, __COUNTER__) =                    \
      (::onyxrt::opt::register_pass({level, []() -> std::unique_ptr<::onyxrt::opt::GraphPass> { \
         return std::make_unique<Class>();                                                        \
       }, order}),                                                                                \
       true)
#define ONYXRT_REGISTER_PASS(level, Class) ONYXRT_REGISTER_PASS_AT(level, 100, Class)
