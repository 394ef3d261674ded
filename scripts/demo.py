#!/usr/bin/env python3
"""The README's first command: runs a model shipped in the repo with onyxrt, the way an
onnxruntime user would, and prints the outputs, the latency and the options in force.

  python scripts/demo.py [--model models/demo_cnn.onnx] [--batch 4] [--repeat 20] [--threads 0]

When onnxruntime is importable the same inputs are also run through it and the largest difference
is printed, so the demo doubles as a quick sanity check.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import onyxrt as ort

REPO = Path(__file__).resolve().parent.parent

# The SessionOptions properties of the onnxruntime guide, printed as "the options in force".
SESSION_PROPERTIES = [
    "graph_optimization_level", "execution_mode", "execution_order", "intra_op_num_threads",
    "inter_op_num_threads", "enable_cpu_mem_arena", "enable_mem_pattern", "enable_mem_reuse",
    "use_deterministic_compute", "enable_profiling", "log_severity_level",
]

NUMPY_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
               "tensor(int32)": np.int32, "tensor(bool)": np.bool_}


def make_inputs(session, batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    feeds = {}
    for arg in session.get_inputs():
        shape = [d if isinstance(d, int) and d >= 0 else batch for d in arg.shape]
        dtype = NUMPY_TYPES.get(arg.type)
        if dtype is None:
            sys.exit(f"demo: input {arg.name} has type {arg.type}, which this demo does not generate")
        feeds[arg.name] = rng.standard_normal(shape).astype(dtype)
    return feeds


def describe(array: np.ndarray) -> str:
    flat = array.reshape(-1)
    head = ", ".join(f"{v:.5g}" for v in flat[:6])
    return f"{array.dtype} {list(array.shape)} = [{head}{', ...' if flat.size > 6 else ''}]"


def compare_with_onnxruntime(model: Path, feeds, outputs, names) -> bool:
    """False when an output differs from onnxruntime's beyond rtol 1e-4, atol 1e-5."""
    try:
        import onnxruntime
    except ImportError:
        print("onnxruntime is not installed: skipping the comparison")
        return True
    reference = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, feeds)
    print("compared with onnxruntime " + onnxruntime.__version__ + ":")
    all_close = True
    for name, ours, theirs in zip(names, outputs, reference):
        close = np.allclose(ours, theirs, rtol=1e-4, atol=1e-5)
        diff = float(np.max(np.abs(ours.astype(np.float64) - theirs))) if ours.size else 0.0
        print(f"  {name}: max abs diff {diff:.3g} ({'match' if close else 'MISMATCH'} at rtol 1e-4, atol 1e-5)")
        all_close = all_close and close
    return all_close


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPO / "models" / "demo_cnn.onnx")
    parser.add_argument("--batch", type=int, default=4, help="value of symbolic dimensions")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0, help="intra_op_num_threads (0: engine's choice)")
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    start = time.perf_counter()
    session = ort.InferenceSession(str(args.model), sess_options=options, providers=["CPUExecutionProvider"])
    load_ms = (time.perf_counter() - start) * 1e3

    feeds = make_inputs(session, args.batch, np.random.default_rng(0))
    names = [o.name for o in session.get_outputs()]
    times = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        outputs = session.run(names, feeds)
        times.append((time.perf_counter() - start) * 1e3)

    print(f"onyxrt {getattr(ort, '__version__', '?')} running {args.model}")
    print("inputs:")
    for name, value in feeds.items():
        print(f"  {name}: {describe(value)}")
    print("outputs:")
    for name, value in zip(names, outputs):
        print(f"  {name}: {describe(value)}")
    steady = times[1:] or times
    print(f"latency: session load {load_ms:.2f} ms, first run {times[0]:.3f} ms, "
          f"median of {len(steady)} runs {statistics.median(steady):.3f} ms, min {min(steady):.3f} ms")
    print("options in force:")
    in_force = session.get_session_options()
    for prop in SESSION_PROPERTIES:
        print(f"  {prop} = {getattr(in_force, prop, '<not available>')}")
    print(f"  providers = {session.get_providers()}")
    return 0 if compare_with_onnxruntime(args.model, feeds, outputs, names) else 1


if __name__ == "__main__":
    sys.exit(main())
