#include "runtime/thread_pool_config.h"

#include <charconv>
#include <string>
#include <string_view>
#include <thread>

#include "onyxrt/status.h"

namespace onyxrt::runtime {
namespace {

std::string entry(const SessionOptions& o, const std::string& key) {
  return o.has_session_config_entry(key) ? o.get_session_config_entry(key) : std::string();
}

int64_t to_int(std::string_view s, const char* key) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    throw_error(ErrorCode::InvalidArgument, std::string(key) + ": '" + std::string(s) + "' is not an integer");
  return v;
}

// "1,2,3;4-5": one list per worker thread; processor ids count from 1, as in onnxruntime.
std::vector<std::vector<int>> parse_affinities(const std::string& spec, int num_threads) {
  constexpr const char* kKey = "session.intra_op_thread_affinities";
  std::vector<std::vector<int>> out;
  const int64_t cpus = std::max(1u, std::thread::hardware_concurrency());
  std::string_view rest(spec);
  while (true) {
    const size_t semi = rest.find(';');
    std::string_view thread = rest.substr(0, semi);
    std::vector<int> list;
    while (!thread.empty()) {
      const size_t comma = thread.find(',');
      std::string_view item = thread.substr(0, comma);
      const size_t dash = item.find('-');
      const int64_t lo = to_int(item.substr(0, dash), kKey);
      const int64_t hi = dash == std::string_view::npos ? lo : to_int(item.substr(dash + 1), kKey);
      if (lo < 1 || hi < lo || hi > cpus)
        throw_error(ErrorCode::InvalidArgument, std::string(kKey) + ": processor range '" + std::string(item) +
                                                    "' is outside 1.." + std::to_string(cpus) + " on this machine");
      for (int64_t c = lo; c <= hi; ++c) list.push_back(static_cast<int>(c - 1));
      if (comma == std::string_view::npos) break;
      thread.remove_prefix(comma + 1);
    }
    out.push_back(std::move(list));
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  if (static_cast<int>(out.size()) != num_threads - 1)
    throw_error(ErrorCode::InvalidArgument, std::string(kKey) + " lists " + std::to_string(out.size()) +
                                                " thread(s) but intra_op_num_threads - 1 = " +
                                                std::to_string(num_threads - 1) + " (the caller's thread is not pinned)");
  return out;
}

}  // namespace

ThreadPoolSettings intra_op_pool_settings(const SessionOptions& o, int num_threads) {
  ThreadPoolSettings s;
  s.num_threads = num_threads;
  s.allow_spinning = entry(o, "session.intra_op.allow_spinning") != "0";
  if (std::string v = entry(o, "session.intra_op.spin_duration_us"); !v.empty())
    s.spin_duration_us = to_int(v, "session.intra_op.spin_duration_us");
  if (std::string v = entry(o, "session.intra_op.spin_backoff_max"); !v.empty())
    s.spin_backoff_max = static_cast<int>(std::min<int64_t>(64, to_int(v, "session.intra_op.spin_backoff_max")));
  if (std::string v = entry(o, "session.dynamic_block_base"); !v.empty())
    s.dynamic_block_base = static_cast<int>(to_int(v, "session.dynamic_block_base"));
  if (std::string v = entry(o, "session.intra_op_thread_affinities"); !v.empty())
    s.affinities = parse_affinities(v, num_threads);
  return s;
}

}  // namespace onyxrt::runtime
