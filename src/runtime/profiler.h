// Records session, run and node events when SessionOptions.enable_profiling is set and writes
// them as a Chrome trace JSON file named profile_file_prefix + timestamp + ".json", the format
// onnxruntime writes, so the same viewers and scripts work.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace onyxrt::runtime {

class Profiler {
 public:
  using Clock = std::chrono::steady_clock;

  void start(const std::string& file_prefix);
  bool enabled() const { return enabled_; }
  Clock::time_point now() const { return Clock::now(); }
  // category: "Session" or "Node"; args become the event's "args" object.
  void record(const std::string& category, const std::string& name, Clock::time_point begin,
              const std::map<std::string, std::string>& args = {});
  // Writes the file and stops; returns its path ("" when profiling was off).
  std::string end();

 private:
  struct Event {
    std::string category, name;
    int64_t ts_us, dur_us;
    uint64_t tid;
    std::map<std::string, std::string> args;
  };
  bool enabled_ = false;
  std::string path_;
  Clock::time_point origin_;
  std::mutex mutex_;
  std::vector<Event> events_;
};

}  // namespace onyxrt::runtime
