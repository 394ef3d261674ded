// Command-line parsing shared by the subcommands: `--name value`, `--name=value`, flags and
// positional arguments. Kept tiny on purpose; each subcommand declares the options it accepts so
// that a typo is an error, not a silently ignored argument.
#pragma once
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace onyxrt::cli {

// A mistake in how the tool was called; main prints it with the usage text and exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;  // "--input" -> every value given
  std::set<std::string> flags;                             // "--random-inputs"

  bool has_flag(const std::string& name) const { return flags.count(name) > 0; }
  // The last value given for `name`, or `fallback` when absent.
  std::string last(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& all(const std::string& name) const;
  // Parses the last value of `name` as an integer in [min, max]; `fallback` when absent.
  long long integer(const std::string& name, long long fallback, long long min, long long max) const;
};

ParsedArgs parse_args(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                      const std::set<std::string>& flag_options);

// Splits "NAME=VALUE" at the first '='; `option` names the option in the error message.
std::pair<std::string, std::string> split_assignment(const std::string& text, const std::string& option);

}  // namespace onyxrt::cli
