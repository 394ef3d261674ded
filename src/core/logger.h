// Severity-filtered logging with onnxruntime's levels (0 VERBOSE .. 4 FATAL), a verbosity
// sub-level for VERBOSE messages, and a logid prefix (SessionOptions/RunOptions logid).
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace onyxrt {

enum class Severity : int { Verbose = 0, Info = 1, Warning = 2, Error = 3, Fatal = 4 };

class Logger {
 public:
  // severity -1 means the process default, which is WARNING unless set_default_severity changed it.
  Logger(std::string logid = "", int severity = -1, int verbosity = 0);

  bool enabled(Severity s, int verbosity = 0) const;
  void log(Severity s, std::string_view message, int verbosity = 0) const;
  void verbose(std::string_view m, int verbosity = 0) const { log(Severity::Verbose, m, verbosity); }
  void info(std::string_view m) const { log(Severity::Info, m); }
  void warning(std::string_view m) const { log(Severity::Warning, m); }
  void error(std::string_view m) const { log(Severity::Error, m); }

  const std::string& logid() const { return logid_; }
  int severity() const { return severity_; }
  int verbosity() const { return verbosity_; }

  // Process-wide default threshold (onnxruntime.set_default_logger_severity).
  static void set_default_severity(int severity);
  static int default_severity();
  // Process-wide VERBOSE sub-level (onnxruntime.set_default_logger_verbosity); a logger shows
  // VERBOSE messages up to the larger of its own level and this one.
  static void set_default_verbosity(int verbosity);
  // Replaces the stderr sink (tests, Python). Receives the fully formatted line.
  using Sink = std::function<void(Severity, const std::string&)>;
  static void set_sink(Sink sink);

 private:
  std::string logid_;
  int severity_;
  int verbosity_;
};

}  // namespace onyxrt
