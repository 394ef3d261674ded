// `onyxrt config-keys`: the registry of session and run config keys (src/core/config_keys.h), so
// users and the README see the same list the engine validates against, with whether each key acts.
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "core/config_keys.h"

namespace onyxrt::cli {

const char* const kConfigKeysUsage =
    "usage: onyxrt config-keys [--markdown]\n"
    "  lists every session and run config key: scope, allowed values, default, status, reader\n";

int config_keys_command(const std::vector<std::string>& argv) {
  ParsedArgs args = parse_args(argv, {}, {"--markdown"});
  if (!args.positional.empty()) throw UsageError("config-keys takes no positional argument");
  const bool markdown = args.has_flag("--markdown");
  if (markdown) std::cout << "| key | scope | allowed | default | status | read by |\n|---|---|---|---|---|---|\n";
  for (const config::Key& key : config::all_keys()) {
    std::string status = config::status_name(key.status);
    if (key.status == config::Status::NotApplicable) status += " (needs " + std::string(key.hardware) + ")";
    std::string default_value = key.has_default ? "\"" + std::string(key.default_value) + "\"" : "(unset)";
    if (markdown) {
      std::cout << "| `" << key.name << "` | " << config::scope_name(key.scope) << " | " << config::describe_allowed(key)
                << " | " << default_value << " | " << status << " | " << key.component << " |\n";
    } else {
      std::cout << key.name << "\n  scope " << config::scope_name(key.scope) << ", " << config::describe_allowed(key)
                << ", default " << default_value << ", " << status << ", read by " << key.component << "\n";
    }
  }
  return 0;
}

}  // namespace onyxrt::cli
