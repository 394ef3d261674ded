// The subcommands of the `onyxrt` tool. Each takes the arguments after its name and returns the
// process exit code; onyxrt::Error and UsageError propagate to main, which reports them.
#pragma once
#include <string>
#include <vector>

namespace onyxrt::cli {

extern const char* const kRunUsage;
extern const char* const kInspectUsage;
extern const char* const kConfigKeysUsage;

int run_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);
int config_keys_command(const std::vector<std::string>& args);

}  // namespace onyxrt::cli
