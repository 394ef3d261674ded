// Entry point of the `onyxrt` tool: dispatches to a subcommand and turns errors into a message and
// an exit code (1: the engine refused or failed, 2: the tool was called wrongly).
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli_args.h"
#include "commands.h"
#include "onyxrt/session.h"
#include "onyxrt/status.h"

namespace {

void print_usage(std::ostream& os) {
  os << "onyxrt " << onyxrt::version() << ": run and inspect ONNX models\n\n"
     << onyxrt::cli::kRunUsage << "\n"
     << onyxrt::cli::kInspectUsage << "\n"
     << onyxrt::cli::kConfigKeysUsage;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    print_usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "onyxrt " << onyxrt::version() << "\n";
    return 0;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "run") return onyxrt::cli::run_command(args);
    if (command == "inspect") return onyxrt::cli::inspect_command(args);
    if (command == "config-keys") return onyxrt::cli::config_keys_command(args);
    throw onyxrt::cli::UsageError("unknown command '" + command + "' (expected run, inspect or config-keys)");
  } catch (const onyxrt::cli::UsageError& e) {
    std::cerr << "onyxrt: " << e.what() << "\n\n";
    print_usage(std::cerr);
    return 2;
  } catch (const onyxrt::Error& e) {
    std::cerr << "onyxrt: error [" << onyxrt::error_code_name(e.code()) << "]: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "onyxrt: error: " << e.what() << "\n";
    return 1;
  }
}
