"""onyxrt: an ONNX inference runtime for CPUs with onnxruntime's Python API.

    import onyxrt as ort
    sess = ort.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])
    outputs = sess.run(None, {"x": x})
"""

import enum as _enum

from . import _C
from ._C import (  # noqa: F401
    ExecutionMode,
    ExecutionOrder,
    GraphOptimizationLevel,
    ModelMetadata,
    NodeArg,
    OrtEpDevice,
    RunOptions,
    SessionOptions,
    get_available_providers,
    get_ep_devices,
    get_version_string,
    set_default_logger_severity,
    set_default_logger_verbosity,
)
from .ortvalue import OrtValue  # noqa: F401
from .session import InferenceSession  # noqa: F401

__version__ = get_version_string()
version = __version__


class OrtExecutionProviderDevicePolicy(_enum.IntEnum):
    """onnxruntime's automatic provider selection policies; on onyxrt every one selects the CPU."""

    DEFAULT = 0
    PREFER_CPU = 1
    PREFER_NPU = 2
    PREFER_GPU = 3
    MAX_PERFORMANCE = 4
    MAX_EFFICIENCY = 5
    MIN_OVERALL_POWER = 6


def get_device() -> str:
    return "CPU"


def get_all_providers():
    """Every provider name onyxrt recognises (only CPUExecutionProvider runs anything)."""
    return _C._known_providers()


from . import capi  # noqa: E402,F401
from .capi import onnxruntime_pybind11_state  # noqa: E402,F401
