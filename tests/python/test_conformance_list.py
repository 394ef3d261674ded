"""Every ONNX backend test case named in tests/conformance/expected_pass.txt passes on onyxrt.

The cases run through the conformance runner (tests/conformance/run_backend_suite.py) in one
subprocess with crash isolation, so a case that crashes the engine fails its own test here instead
of ending the session. Expected outputs are those stored or built by the `onnx` package; tolerances
are onnxruntime's (rtol 1e-3, atol 1e-5).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "tests" / "conformance" / "run_backend_suite.py"
LIST_FILE = REPO / "tests" / "conformance" / "expected_pass.txt"


def read_expected_names() -> list[str]:
    names = []
    for line in LIST_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


EXPECTED = read_expected_names()


@pytest.fixture(scope="module")
def onyxrt_results(tmp_path_factory) -> dict:
    out_dir = tmp_path_factory.mktemp("conformance")
    json_out = out_dir / "results.json"
    proc = subprocess.run(
        [sys.executable, str(RUNNER), "--engines", "onyxrt", "--cases-file", str(LIST_FILE),
         "--report-dir", str(out_dir), "--json-out", str(json_out), "--timeout", "120"],
        capture_output=True, text=True, timeout=3600,
    )
    assert proc.returncode == 0, f"conformance runner failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(json_out.read_text())["cases"]


def test_expected_pass_list_is_not_empty():
    assert EXPECTED, f"{LIST_FILE} names no case"


def test_expected_pass_list_has_no_duplicates():
    duplicates = sorted({n for n in EXPECTED if EXPECTED.count(n) > 1})
    assert not duplicates, f"listed twice in {LIST_FILE.name}: {duplicates}"


@pytest.mark.parametrize("case_name", EXPECTED)
def test_backend_case_passes_on_onyxrt(onyxrt_results, case_name):
    outcome = onyxrt_results[case_name]["onyxrt"]
    assert outcome["status"] == "passed", f"{case_name}: {outcome['status']}: {outcome['detail']}"
