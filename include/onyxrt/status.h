// Errors raised by every layer of onyxrt. The codes are those of onnxruntime's OrtErrorCode so that
// the Python layer can map each to the exception class onnxruntime users already catch.
#pragma once
#include <stdexcept>
#include <string>

namespace onyxrt {

enum class ErrorCode : int {
  Fail = 1,
  InvalidArgument = 2,
  NoSuchFile = 3,
  NoModel = 4,
  EngineError = 5,
  RuntimeException = 6,
  InvalidProtobuf = 7,
  ModelLoaded = 8,
  NotImplemented = 9,
  InvalidGraph = 10,
  EPFail = 11,
  ModelLoadCanceled = 12,
  ModelRequiresCompilation = 13,
  NotFound = 14,
};

const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] void throw_error(ErrorCode code, const std::string& message);

}  // namespace onyxrt

// ONYXRT_ENFORCE(cond, code, message-expression): raise when an input breaks a documented rule.
#define ONYXRT_ENFORCE(cond, code, msg)                    \
  do {                                                     \
    if (!(cond)) ::onyxrt::throw_error((code), (msg));     \
  } while (0)
