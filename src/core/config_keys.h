// The one registry of string configuration keys: every key that SessionOptions.add_session_config_entry
// and RunOptions.add_run_config_entry accept (onnxruntime's onnxruntime_session_options_config_keys.h
// and onnxruntime_run_options_config_keys.h, as listed in the session options guide), each declared
// once with its value type, allowed values, default, the component that reads it and whether it acts
// on this engine yet. Adding a key touches config_key_table.cc only.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onyxrt::config {

enum class Scope { Session, Run };

enum class ValueType {
  Bool,         // "0" or "1"
  Int,          // decimal integer within [min, max]
  Enum,         // one of `allowed`
  Path,         // a file or folder path; any string
  String,       // free text
  Csv,          // comma-separated names, may be empty
  IntPair,      // "<int>:<int>"
  Affinities,   // "1,2,3;4-5": per-thread CPU lists separated by ';'
  DeviceList,   // "cpu:0;gpu:0": device:id pairs separated by ';'
  Composite,    // "memory_limit_kb,stats_file"
};

// Whether setting the key changes anything on onyxrt today.
enum class Status {
  Effective,      // read and honoured
  NotYet,         // a CPU feature onyxrt will honour; accepted and logged as ignored for now
  NotApplicable,  // needs hardware or a build onyxrt does not have (see `hardware`)
};

struct Key {
  std::string_view name;
  Scope scope = Scope::Session;
  ValueType type = ValueType::String;
  // Empty with has_default false: onnxruntime leaves the key unset and derives behaviour.
  std::string_view default_value;
  bool has_default = true;
  std::vector<std::string_view> allowed;  // Enum only
  int64_t min = INT64_MIN;                // Int only
  int64_t max = INT64_MAX;
  std::string_view component;  // the layer that reads the key (DESIGN.md)
  Status status = Status::NotYet;
  std::string_view hardware;  // NotApplicable: what it needs ("the QNN NPU execution provider")
  // Extra rule beyond the type (e.g. a power of two); throws InvalidArgument.
  void (*extra_check)(const Key& key, std::string_view value) = nullptr;
};

// Every declared key of both scopes, in declaration order.
const std::vector<Key>& all_keys();
std::vector<std::string_view> key_names(Scope scope);

// nullptr when `name` is not a key of `scope`.
const Key* lookup(std::string_view name, Scope scope);

// The known key of `scope` nearest to `unknown` by edit distance.
std::string_view closest_key(std::string_view unknown, Scope scope);

// Returns the key, or throws InvalidArgument: for an unknown key (naming the closest known one) or
// for a value outside what the key allows (saying what is allowed).
const Key& validate(std::string_view name, std::string_view value, Scope scope);
// Checks `value` against `key`'s type; throws InvalidArgument naming what is allowed.
void validate_value(const Key& key, std::string_view value);

// "bool (\"0\" or \"1\")", "one of \"ORT\", \"ONNX\"", "integer in [0, 2]"...
std::string describe_allowed(const Key& key);
const char* status_name(Status status);
const char* scope_name(Scope scope);  // "session" / "run"

}  // namespace onyxrt::config
