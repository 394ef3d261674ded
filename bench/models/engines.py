"""One adapter per engine: load a model at a thread count, run it on a feed, say its version.

Each engine runs at its own default optimization settings; only the intra-op thread count is set.
An engine that cannot be imported is reported as skipped with the reason, never fatal.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

Feeds = dict[str, np.ndarray]


@dataclass
class Engine:
    name: str
    version: str
    load: Callable[[str, int], "Runner"]
    # Thread counts the engine can be told to use; None means any.
    thread_counts: tuple[int, ...] | None = None
    note: str = ""


class Runner:
    """A loaded model: run(feeds) returns the outputs as numpy arrays in the model's output order."""

    def run(self, feeds: Feeds) -> list[np.ndarray]:
        raise NotImplementedError

    def details(self) -> dict:
        return {}


class _OrtApiRunner(Runner):
    """onnxruntime and onyxrt share the onnxruntime Python API."""

    def __init__(self, module, path: str, threads: int):
        options = module.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = module.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    def run(self, feeds: Feeds) -> list[np.ndarray]:
        return self.session.run(None, feeds)


class _OpenVinoRunner(Runner):
    def __init__(self, ov, path: str, threads: int, precision: str | None = None):
        core = ov.Core()
        config = {"INFERENCE_NUM_THREADS": threads}
        if precision:
            config["INFERENCE_PRECISION_HINT"] = precision
        self.compiled = core.compile_model(core.read_model(path), "CPU", config)
        self.request = self.compiled.create_infer_request()

    def run(self, feeds: Feeds) -> list[np.ndarray]:
        result = self.request.infer(feeds)
        return [np.asarray(result[out]) for out in self.compiled.outputs]

    def details(self) -> dict:
        # Reported because OpenVINO may pick bf16 by default on CPUs with native bf16, which changes
        # both its speed and its accuracy.
        out = {}
        for key in ("INFERENCE_PRECISION_HINT", "PERFORMANCE_HINT", "INFERENCE_NUM_THREADS"):
            try:
                out[key] = str(self.compiled.get_property(key))
            except Exception:  # property names differ between releases
                pass
        return out


class _TractRunner(Runner):
    def __init__(self, tract, path: str, threads: int):
        self.runnable = tract.onnx().load(path).into_model().into_runnable()

    def run(self, feeds: Feeds) -> list[np.ndarray]:
        return [t.to_numpy() for t in self.runnable.run(list(feeds.values()))]


def _try_import(name: str):
    try:
        return importlib.import_module(name), ""
    except Exception as exc:  # ImportError, or a broken native library
        return None, f"{type(exc).__name__}: {exc}"


def discover(wanted: list[str]) -> tuple[list[Engine], dict[str, str]]:
    """Engines that import, in the order asked, and {engine: reason} for the ones skipped."""
    engines: list[Engine] = []
    skipped: dict[str, str] = {}
    for name in wanted:
        if name == "onyxrt":
            mod, why = _try_import("onyxrt")
            if mod:
                engines.append(Engine("onyxrt", mod.__version__, lambda p, t, m=mod: _OrtApiRunner(m, p, t)))
        elif name == "onnxruntime":
            mod, why = _try_import("onnxruntime")
            if mod:
                engines.append(Engine("onnxruntime", mod.__version__, lambda p, t, m=mod: _OrtApiRunner(m, p, t)))
        elif name == "openvino":
            mod, why = _try_import("openvino")
            if mod:
                engines.append(Engine("openvino", mod.get_version(), lambda p, t, m=mod: _OpenVinoRunner(m, p, t)))
        elif name == "openvino_f32":
            # Not a default: OpenVINO held to f32 arithmetic, for a like-for-like column on CPUs where
            # its default precision is bf16 (AVX512_BF16 or AMX).
            mod, why = _try_import("openvino")
            if mod:
                engines.append(Engine("openvino_f32", mod.get_version(),
                                      lambda p, t, m=mod: _OpenVinoRunner(m, p, t, precision="f32")))
        elif name == "tract":
            mod, why = _try_import("tract")
            if mod:
                engines.append(Engine("tract", mod.version(), lambda p, t, m=mod: _TractRunner(m, p, t),
                                      thread_counts=(1,),
                                      note="tract's Python binding has no thread setting: measured at 1 thread only"))
        else:
            why = "unknown engine"
        if why:
            skipped[name] = why
    return engines, skipped


ALL_ENGINES = ["onyxrt", "onnxruntime", "openvino", "tract"]  # the default; openvino_f32 on request
