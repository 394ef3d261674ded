"""Worker process of the conformance runner: runs case files on one engine.

  python case_worker.py ENGINE        ENGINE is onyxrt or onnxruntime

Reads one case-file path per line on stdin and answers each with one JSON line
{"status": "passed"|"failed"|"unsupported", "detail": str, "seconds": float} on the protocol
stream. The parent (run_backend_suite.py) treats a worker that dies or stops answering as a crash
of the case it was running and starts a fresh worker, so a segfault ends one case, not the sweep.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import sys
import time

import numpy as np

# onnxruntime's tolerances for the ONNX backend tests (onnxruntime/test/python/onnx_backend_test_series.py);
# a case that declares larger ones keeps its own.
ORT_RTOL = 1e-3
ORT_ATOL = 1e-5

# An engine saying it lacks an op, a type or an attribute value: "unsupported", not "failed".
UNSUPPORTED_PATTERN = re.compile(
    r"NOT_IMPLEMENTED|not implemented|Could not find an implementation|no kernel|unsupported|is not supported"
    r"|is not a registered function/op|No corresponding Numpy type|can.t be converted to MLDataType",
    re.IGNORECASE)


class Unsupported(Exception):
    pass


def classify_error(exc: BaseException) -> str:
    if type(exc).__name__ in ("NotImplemented", "NotImplementedError") or UNSUPPORTED_PATTERN.search(str(exc)):
        return "unsupported"
    return "failed"


def compare(actual, expected, rtol: float, atol: float, where: str) -> None:
    """Raises AssertionError naming `where` when actual differs from expected."""
    if expected is None:
        if actual is not None:
            raise AssertionError(f"{where}: expected no value (empty optional), got {type(actual).__name__}")
        return
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            raise AssertionError(f"{where}: expected a sequence of {len(expected)} values, got {type(actual).__name__}"
                                 + (f" of {len(actual)}" if isinstance(actual, list) else ""))
        for i, (a, e) in enumerate(zip(actual, expected)):
            compare(a, e, rtol, atol, f"{where}[{i}]")
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or actual.keys() != expected.keys():
            raise AssertionError(f"{where}: map keys differ")
        for k in expected:
            compare(actual[k], expected[k], rtol, atol, f"{where}[{k!r}]")
        return
    expected = np.asarray(expected)
    actual = np.asarray(actual)
    if actual.dtype != expected.dtype and str(actual.dtype) != str(expected.dtype):
        raise AssertionError(f"{where}: dtype {actual.dtype}, expected {expected.dtype}")
    if actual.shape != expected.shape:
        raise AssertionError(f"{where}: shape {list(actual.shape)}, expected {list(expected.shape)}")
    if expected.dtype == object or expected.dtype.kind in "USb":
        if not np.array_equal(actual, expected):
            raise AssertionError(f"{where}: values differ")
        return
    if expected.dtype.kind not in "biufc":
        # bfloat16, float8, int4 and float4 (ml_dtypes, kind "V") compare through float64.
        actual, expected = actual.astype(np.float64), expected.astype(np.float64)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True, err_msg=where)


def run_case(engine, engine_name: str, case: dict) -> tuple[str, str]:
    rtol = max(ORT_RTOL, case["rtol"])
    atol = max(ORT_ATOL, case["atol"])
    source = case["model_path"] if case["model_path"] else case["model_bytes"]
    try:
        session = engine.InferenceSession(source, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - every engine error is a result to report
        return classify_error(exc), f"load: {type(exc).__name__}: {exc}"
    output_names = [o.name for o in session.get_outputs()]
    data_sets = case["data_sets"]
    replaced = case.get("expected_by_engine", {}).get(engine_name)
    for index, (inputs, expected) in enumerate(data_sets):
        if replaced is not None:
            expected = replaced[index]
        # An absent optional input (None) is simply not fed.
        feeds = {n: v for n, v in zip(case["input_names"], inputs) if v is not None}
        try:
            actual = session.run(output_names[: len(expected)], feeds)
        except Exception as exc:  # noqa: BLE001
            return classify_error(exc), f"run data set {index}: {type(exc).__name__}: {exc}"
        try:
            for name, a, e in zip(output_names, actual, expected):
                compare(a, e, rtol, atol, f"data set {index}, output '{name}'")
        except AssertionError as exc:
            return "failed", str(exc)
    return "passed", ""


def main() -> int:
    engine_name = sys.argv[1]
    # Native code of an engine may print to stdout; keep the protocol on a private copy of it and
    # send everything else written to fd 1 to stderr.
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if engine_name == "onyxrt":
        import onyxrt as engine
    elif engine_name == "onnxruntime":
        import onnxruntime as engine

        engine.set_default_logger_severity(3)
    else:
        raise SystemExit(f"unknown engine {engine_name}")
    # Tell the parent the engine imported; a worker that dies before this line means the engine is
    # unavailable, which the parent reports once instead of as a crash of every case.
    protocol.write(json.dumps({"ready": engine_name}) + "\n")
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        start = time.perf_counter()
        with open(path, "rb") as f:
            case = pickle.load(f)
        print(f"--- {engine_name}: {case['name']}", file=sys.stderr, flush=True)
        status, detail = run_case(engine, engine_name, case)
        result = {"status": status, "detail": detail[:2000], "seconds": round(time.perf_counter() - start, 4)}
        protocol.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
