#include "onyxrt/status.h"

namespace onyxrt {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::Fail: return "Fail";
    case ErrorCode::InvalidArgument: return "InvalidArgument";
    case ErrorCode::NoSuchFile: return "NoSuchFile";
    case ErrorCode::NoModel: return "NoModel";
    case ErrorCode::EngineError: return "EngineError";
    case ErrorCode::RuntimeException: return "RuntimeException";
    case ErrorCode::InvalidProtobuf: return "InvalidProtobuf";
    case ErrorCode::ModelLoaded: return "ModelLoaded";
    case ErrorCode::NotImplemented: return "NotImplemented";
    case ErrorCode::InvalidGraph: return "InvalidGraph";
    case ErrorCode::EPFail: return "EPFail";
    case ErrorCode::ModelLoadCanceled: return "ModelLoadCanceled";
    case ErrorCode::ModelRequiresCompilation: return "ModelRequiresCompilation";
    case ErrorCode::NotFound: return "NotFound";
  }
  return "Fail";
}

void throw_error(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace onyxrt
