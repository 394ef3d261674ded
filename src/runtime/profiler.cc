#include "runtime/profiler.h"

#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "onyxrt/status.h"

namespace onyxrt::runtime {
namespace {

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string file_timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d_%H-%M-%S", &tm);
  return buf;
}

}  // namespace

void Profiler::start(const std::string& file_prefix) {
  enabled_ = true;
  origin_ = Clock::now();
  path_ = file_prefix + file_timestamp() + ".json";
}

void Profiler::record(const std::string& category, const std::string& name, Clock::time_point begin,
                      const std::map<std::string, std::string>& args) {
  if (!enabled_) return;
  auto end = Clock::now();
  Event e{category, name,
          std::chrono::duration_cast<std::chrono::microseconds>(begin - origin_).count(),
          std::chrono::duration_cast<std::chrono::microseconds>(end - begin).count(),
          std::hash<std::thread::id>{}(std::this_thread::get_id()), args};
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(e));
}

std::string Profiler::end() {
  if (!enabled_) return "";
  enabled_ = false;
  std::ofstream out(path_);
  if (!out) throw_error(ErrorCode::Fail, "cannot write profile file '" + path_ + "'");
  std::lock_guard<std::mutex> lock(mutex_);
  out << "[\n";
  for (size_t i = 0; i < events_.size(); ++i) {
    const Event& e = events_[i];
    out << "{\"cat\":\"" << e.category << "\",\"pid\":" << 0 << ",\"tid\":" << (e.tid % 1000000)
        << ",\"dur\":" << e.dur_us << ",\"ts\":" << e.ts_us << ",\"ph\":\"X\",\"name\":\"" << json_escape(e.name)
        << "\",\"args\":{";
    size_t k = 0;
    for (const auto& [key, value] : e.args)
      out << (k++ ? "," : "") << "\"" << json_escape(key) << "\":\"" << json_escape(value) << "\"";
    out << "}}" << (i + 1 < events_.size() ? "," : "") << "\n";
  }
  out << "]\n";
  events_.clear();
  return path_;
}

}  // namespace onyxrt::runtime
