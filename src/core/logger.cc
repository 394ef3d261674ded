#include "core/logger.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace onyxrt {
namespace {

std::atomic<int> g_default_severity{static_cast<int>(Severity::Warning)};
std::atomic<int> g_default_verbosity{0};

std::mutex& sink_mutex() {
  static std::mutex m;
  return m;
}
Logger::Sink& sink() {
  static Logger::Sink s;
  return s;
}

char severity_letter(Severity s) {
  static const char kLetters[] = "VIWEF";
  int i = static_cast<int>(s);
  return i >= 0 && i <= 4 ? kLetters[i] : '?';
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

Logger::Logger(std::string logid, int severity, int verbosity)
    : logid_(std::move(logid)), severity_(severity), verbosity_(verbosity) {}

bool Logger::enabled(Severity s, int verbosity) const {
  int threshold = severity_ < 0 ? g_default_severity.load() : severity_;
  if (static_cast<int>(s) < threshold) return false;
  // VERBOSE messages carry a sub-level: shown only up to log_verbosity_level.
  return s != Severity::Verbose || verbosity <= std::max(verbosity_, g_default_verbosity.load());
}

void Logger::log(Severity s, std::string_view message, int verbosity) const {
  if (!enabled(s, verbosity)) return;
  std::string line = timestamp() + " [" + severity_letter(s) + ":onyxrt:" + logid_ + "] " + std::string(message);
  std::lock_guard<std::mutex> lock(sink_mutex());
  if (sink()) {
    sink()(s, line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  }
}

void Logger::set_default_severity(int severity) { g_default_severity.store(severity); }
int Logger::default_severity() { return g_default_severity.load(); }
void Logger::set_default_verbosity(int verbosity) { g_default_verbosity.store(verbosity); }

void Logger::set_sink(Sink s) {
  std::lock_guard<std::mutex> lock(sink_mutex());
  sink() = std::move(s);
}

}  // namespace onyxrt
