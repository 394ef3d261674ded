// onyxrt::Error codes become the exception classes that onnxruntime users already catch
// (onnxruntime.capi.onnxruntime_pybind11_state.InvalidArgument, ...). As in onnxruntime 1.2x/1.3x,
// each class derives directly from Exception, and the message reads
// "[ONNXRuntimeError] : <code> : <CODE_NAME> : <message>" so that code parsing it keeps working.
#include <array>
#include <string>

#include "bindings.h"
#include "onyxrt/status.h"

namespace nb = nanobind;

namespace onyxrt::python {
namespace {

struct ErrorClass {
  ErrorCode code;
  const char* name;         // Python class name
  const char* status_name;  // onnxruntime's StatusCode spelling in messages
};

constexpr std::array<ErrorClass, 14> kErrorClasses = {{
    {ErrorCode::Fail, "Fail", "FAIL"},
    {ErrorCode::InvalidArgument, "InvalidArgument", "INVALID_ARGUMENT"},
    {ErrorCode::NoSuchFile, "NoSuchFile", "NO_SUCHFILE"},
    {ErrorCode::NoModel, "NoModel", "NO_MODEL"},
    {ErrorCode::EngineError, "EngineError", "ENGINE_ERROR"},
    {ErrorCode::RuntimeException, "RuntimeException", "RUNTIME_EXCEPTION"},
    {ErrorCode::InvalidProtobuf, "InvalidProtobuf", "INVALID_PROTOBUF"},
    {ErrorCode::ModelLoaded, "ModelLoaded", "MODEL_LOADED"},
    {ErrorCode::NotImplemented, "NotImplemented", "NOT_IMPLEMENTED"},
    {ErrorCode::InvalidGraph, "InvalidGraph", "INVALID_GRAPH"},
    {ErrorCode::EPFail, "EPFail", "EP_FAIL"},
    {ErrorCode::ModelLoadCanceled, "ModelLoadCanceled", "MODEL_LOAD_CANCELED"},
    {ErrorCode::ModelRequiresCompilation, "ModelRequiresCompilation", "MODEL_REQUIRES_COMPILATION"},
    {ErrorCode::NotFound, "NotFound", "NOT_FOUND"},
}};

// Indexed by ErrorCode value; owned references kept for the interpreter's lifetime.
std::array<PyObject*, 15> g_classes{};

}  // namespace

void bind_errors(nb::module_& m) {
  for (const ErrorClass& c : kErrorClasses) {
    std::string qualified = std::string("onyxrt.capi.onnxruntime_pybind11_state.") + c.name;
    PyObject* cls = PyErr_NewException(qualified.c_str(), PyExc_Exception, nullptr);
    if (!cls) throw nb::python_error();
    g_classes[static_cast<int>(c.code)] = cls;
    m.attr(c.name) = nb::borrow(cls);
  }
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      int code = static_cast<int>(e.code());
      const ErrorClass* c = &kErrorClasses[0];
      for (const ErrorClass& k : kErrorClasses)
        if (k.code == e.code()) c = &k;
      std::string message = "[ONNXRuntimeError] : " + std::to_string(code) + " : " + c->status_name + " : " + e.what();
      PyObject* cls = code > 0 && code < static_cast<int>(g_classes.size()) ? g_classes[code] : g_classes[1];
      PyErr_SetString(cls, message.c_str());
    }
  });
}

}  // namespace onyxrt::python
