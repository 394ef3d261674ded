// Lookup and validation over the key table (config_key_table.cc).
#include "core/config_keys.h"

#include <algorithm>
#include <charconv>

#include "core/edit_distance.h"
#include "onyxrt/status.h"

namespace onyxrt::config {
namespace {

bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  const char* first = s.data();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// One thread's CPU list of session.intra_op_thread_affinities: "1,2,3" or "1-3" items.
bool valid_cpu_list(std::string_view list) {
  if (list.empty()) return false;
  for (std::string_view item : split(list, ',')) {
    auto dash = item.find('-');
    int64_t a = 0, b = 0;
    if (dash == std::string_view::npos) {
      if (!parse_int(item, a) || a < 0) return false;
    } else if (!parse_int(item.substr(0, dash), a) || !parse_int(item.substr(dash + 1), b) || a < 0 || b < a) {
      return false;
    }
  }
  return true;
}

bool valid_value(const Key& key, std::string_view value) {
  int64_t a = 0, b = 0;
  switch (key.type) {
    case ValueType::Bool:
      return value == "0" || value == "1";
    case ValueType::Int:
      return parse_int(value, a) && a >= key.min && a <= key.max;
    case ValueType::Enum:
      return std::find(key.allowed.begin(), key.allowed.end(), value) != key.allowed.end();
    case ValueType::Path:
    case ValueType::String:
      return true;
    case ValueType::Csv:
      for (std::string_view item : split(value, ','))
        if (item.empty() && value.size() > 0) return false;
      return true;
    case ValueType::IntPair: {
      auto colon = value.find(':');
      return colon != std::string_view::npos && parse_int(value.substr(0, colon), a) &&
             parse_int(value.substr(colon + 1), b);
    }
    case ValueType::Affinities:
      if (value.empty()) return true;
      for (std::string_view thread : split(value, ';'))
        if (!valid_cpu_list(thread)) return false;
      return true;
    case ValueType::DeviceList:
      if (value.empty()) return true;
      for (std::string_view pair : split(value, ';')) {
        auto colon = pair.find(':');
        if (colon == 0 || colon == std::string_view::npos || !parse_int(pair.substr(colon + 1), a) || a < 0)
          return false;
      }
      return true;
    case ValueType::Composite:
      return value.empty() || value.find(',') != std::string_view::npos;
  }
  return false;
}

std::string quoted_list(const std::vector<std::string_view>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += '"';
    out += items[i];
    out += '"';
  }
  return out;
}

}  // namespace

std::vector<std::string_view> key_names(Scope scope) {
  std::vector<std::string_view> names;
  for (const Key& k : all_keys())
    if (k.scope == scope) names.push_back(k.name);
  return names;
}

const Key* lookup(std::string_view name, Scope scope) {
  for (const Key& k : all_keys())
    if (k.scope == scope && k.name == name) return &k;
  return nullptr;
}

std::string_view closest_key(std::string_view unknown, Scope scope) {
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (const Key& k : all_keys()) {
    if (k.scope != scope) continue;
    size_t d = edit_distance(unknown, k.name);
    if (d < best_distance) {
      best_distance = d;
      best = k.name;
    }
  }
  return best;
}

std::string describe_allowed(const Key& key) {
  switch (key.type) {
    case ValueType::Bool: return "\"0\" or \"1\"";
    case ValueType::Int:
      return "an integer in [" + std::to_string(key.min) + ", " +
             (key.max == INT64_MAX ? std::string("inf") : std::to_string(key.max)) + "]";
    case ValueType::Enum: return "one of " + quoted_list(key.allowed);
    case ValueType::Path: return "a path";
    case ValueType::String: return "a string";
    case ValueType::Csv: return "comma-separated names (e.g. \"A,B\")";
    case ValueType::IntPair: return "two integers as \"<int>:<int>\" (e.g. \"0:0\")";
    case ValueType::Affinities: return "CPU lists per thread separated by ';' (e.g. \"1,2,3;4-5\")";
    case ValueType::DeviceList: return "device:id pairs separated by ';' (e.g. \"cpu:0;gpu:0\")";
    case ValueType::Composite: return "\"memory_limit_kb,stats_file\"";
  }
  return "";
}

void validate_value(const Key& key, std::string_view value) {
  if (!valid_value(key, value))
    throw_error(ErrorCode::InvalidArgument, std::string(scope_name(key.scope)) + " config key '" +
                                                std::string(key.name) + "' expects " + describe_allowed(key) +
                                                ", got '" + std::string(value) + "'");
  if (key.extra_check) key.extra_check(key, value);
}

const Key& validate(std::string_view name, std::string_view value, Scope scope) {
  const Key* key = lookup(name, scope);
  if (!key)
    throw_error(ErrorCode::InvalidArgument, "unknown " + std::string(scope_name(scope)) + " config key '" +
                                                std::string(name) + "'; did you mean '" +
                                                std::string(closest_key(name, scope)) + "'?");
  validate_value(*key, value);
  return *key;
}

const char* status_name(Status status) {
  switch (status) {
    case Status::Effective: return "effective";
    case Status::NotYet: return "not-yet";
    case Status::NotApplicable: return "not-applicable";
  }
  return "";
}

const char* scope_name(Scope scope) { return scope == Scope::Session ? "session" : "run"; }

}  // namespace onyxrt::config
