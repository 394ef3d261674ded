"""onnxruntime.capi._pybind_state re-exports the compiled module; so does this."""

from onyxrt.capi.onnxruntime_pybind11_state import *  # noqa: F401,F403
