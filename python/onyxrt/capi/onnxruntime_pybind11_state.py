"""onnxruntime.capi.onnxruntime_pybind11_state's names: the exception classes that code catches
(`from onnxruntime.capi.onnxruntime_pybind11_state import InvalidArgument`) and the bound classes."""

from onyxrt._C import (  # noqa: F401
    EngineError,
    EPFail,
    Fail,
    InvalidArgument,
    InvalidGraph,
    InvalidProtobuf,
    ModelLoadCanceled,
    ModelLoaded,
    ModelMetadata,
    ModelRequiresCompilation,
    NoModel,
    NodeArg,
    NoSuchFile,
    NotFound,
    NotImplemented,
    RunOptions,
    RuntimeException,
    SessionOptions,
    ExecutionMode,
    ExecutionOrder,
    GraphOptimizationLevel,
    OrtEpDevice,
    get_available_providers,
    get_ep_devices,
    get_version_string,
    set_default_logger_severity,
    set_default_logger_verbosity,
)
from onyxrt import get_device  # noqa: F401,E402
