#!/usr/bin/env python3
"""Runs the ONNX backend test suite of the installed `onnx` package on onyxrt and on onnxruntime in
the same run, and reports passed / failed / unsupported / crashed for each engine.

  python tests/conformance/run_backend_suite.py [--kinds node,simple,...] [--engines onyxrt,onnxruntime]
      [--filter REGEX] [--op-types Add,Conv] [--cases-file FILE] [--jobs N] [--timeout S]
      [--report-dir DIR] [--json-out FILE] [--list]

Every case runs in a worker process (case_worker.py) per engine; a case that crashes or hangs its
worker is recorded as "crashed" and a fresh worker takes the next case. Tolerances are
onnxruntime's (rtol 1e-3, atol 1e-5) unless a case declares larger ones. The report (markdown and
JSON, with the commit) goes to --report-dir.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import backend_cases  # noqa: E402
import report  # noqa: E402

ENGINES = ("onyxrt", "onnxruntime")
STARTUP_TIMEOUT_S = 180.0


class EngineUnavailable(Exception):
    """The engine could not even be imported: every case of it is reported with this reason."""


class Worker:
    """One case_worker.py process; restarted after a crash or a timeout."""

    def __init__(self, engine: str, log_path: Path) -> None:
        self.engine = engine
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def _start(self) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, str(HERE / "case_worker.py"), self.engine],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        log.close()
        # EOF also wakes the selector: only a "ready" line means the engine imported.
        line = self.proc.stdout.readline() if self._wait_line(STARTUP_TIMEOUT_S) else ""
        if '"ready"' not in line:
            self.stop()
            raise EngineUnavailable(f"{self.engine} worker did not start:\n{self._log_tail()}")

    def _wait_line(self, timeout: float) -> bool:
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ)
        ready = bool(selector.select(timeout))
        selector.close()
        return ready

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc = None

    def _log_tail(self, max_chars: int = 1500) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return text[-max_chars:]

    def run(self, case_file: Path, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        start = time.perf_counter()
        try:
            self.proc.stdin.write(f"{case_file}\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the worker died on start-up; reported below
        ready = self._wait_line(timeout)
        line = self.proc.stdout.readline() if ready else ""
        if line:
            return json.loads(line)
        elapsed = round(time.perf_counter() - start, 3)
        if not ready:
            detail = f"no answer within {timeout:.0f} s (killed)"
        else:
            code = self.proc.wait()
            detail = f"worker died with exit status {code}" + (f" (signal {-code})" if code < 0 else "")
        self.stop()
        return {"status": "crashed", "detail": detail + "\n" + self._log_tail(), "seconds": elapsed}


def read_case_list(path: Path) -> list[str]:
    """Case names, one a line; '#' starts a comment."""
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def select_cases(args) -> list[backend_cases.CaseRef]:
    refs = backend_cases.list_cases(args.kinds)
    if args.cases_file:
        wanted = read_case_list(args.cases_file)
        by_name = {r.name: r for r in refs}
        unknown = [n for n in wanted if n not in by_name]
        if unknown:
            raise SystemExit(f"{args.cases_file}: not cases of kinds {','.join(args.kinds)} in onnx: {', '.join(unknown)}")
        refs = [by_name[n] for n in dict.fromkeys(wanted)]
    if args.filter:
        pattern = re.compile(args.filter)
        refs = [r for r in refs if pattern.search(r.name)]
    if args.op_types:
        allowed = set(args.op_types)
        refs = [r for r in refs if r.op_types and r.op_types <= allowed]
    return refs


def run_engine(engine: str, case_files: list[tuple[str, Path]], jobs: int, timeout: float, log_dir: Path,
               results: dict, progress) -> None:
    """Runs every case on `engine` with `jobs` workers; fills results[name][engine]."""
    work: queue.Queue = queue.Queue()
    for item in case_files:
        work.put(item)

    def slot(index: int) -> None:
        worker = Worker(engine, log_dir / f"{engine}-worker{index}.log")
        unavailable = ""
        try:
            while True:
                try:
                    name, path = work.get_nowait()
                except queue.Empty:
                    return
                if unavailable:
                    outcome = {"status": "crashed", "detail": unavailable, "seconds": 0.0}
                else:
                    try:
                        outcome = worker.run(path, timeout)
                    except EngineUnavailable as exc:
                        print(f"conformance: {exc}", file=sys.stderr, flush=True)
                        unavailable = str(exc)
                        outcome = {"status": "crashed", "detail": unavailable, "seconds": 0.0}
                results[name][engine] = outcome
                progress(engine, name, outcome, quiet=bool(unavailable))
        finally:
            worker.stop()

    threads = [threading.Thread(target=slot, args=(i,)) for i in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", default=",".join(backend_cases.KINDS), type=lambda s: s.split(","))
    parser.add_argument("--engines", default=",".join(ENGINES), type=lambda s: s.split(","))
    parser.add_argument("--filter", help="regular expression a case name must match")
    parser.add_argument("--op-types", type=lambda s: s.split(","),
                        help="keep cases whose every node is one of these op types")
    parser.add_argument("--cases-file", type=Path, help="run exactly the cases named in this file")
    parser.add_argument("--jobs", type=int, default=1, help="workers per engine")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a case may take")
    parser.add_argument("--report-dir", type=Path, default=Path("build/conformance"))
    parser.add_argument("--json-out", type=Path, help="also write the JSON report here")
    parser.add_argument("--list", action="store_true", help="print the selected case names and exit")
    parser.add_argument("--verbose", action="store_true", help="print every case's result")
    args = parser.parse_args()
    for kind in args.kinds:
        if kind not in backend_cases.KINDS:
            parser.error(f"unknown kind {kind}; known: {', '.join(backend_cases.KINDS)}")
    for engine in args.engines:
        if engine not in ENGINES:
            parser.error(f"unknown engine {engine}; known: {', '.join(ENGINES)}")

    refs = select_cases(args)
    if args.list:
        for r in refs:
            print(r.name)
        return 0
    print(f"conformance: {len(refs)} cases of kinds {','.join(args.kinds)} on {','.join(args.engines)}", flush=True)

    args.report_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {r.name: {"kind": r.kind} for r in refs}
    lock = threading.Lock()
    done = {e: 0 for e in args.engines}

    def progress(engine: str, name: str, outcome: dict, quiet: bool = False) -> None:
        with lock:
            done[engine] += 1
            if not quiet and (args.verbose or outcome["status"] == "crashed"):
                first_line = outcome["detail"].splitlines()[0] if outcome["detail"] else ""
                print(f"  {engine:12s} {outcome['status']:12s} {name} {first_line[:160]}", flush=True)
            elif done[engine] % 200 == 0:
                print(f"  {engine}: {done[engine]}/{len(refs)} cases", flush=True)

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="onyxrt-conformance-") as tmp:
        case_files = [(r.name, backend_cases.materialize(r, Path(tmp), args.engines)) for r in refs]
        threads = [threading.Thread(target=run_engine, args=(e, case_files, args.jobs, args.timeout,
                                                              args.report_dir, results, progress))
                   for e in args.engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elapsed = time.perf_counter() - start

    summary = report.summarize(results, args.engines)
    print(report.summary_text(summary, args.engines))
    meta = report.metadata(args, elapsed)
    md_path, json_path = report.write(args.report_dir, results, summary, meta, args.engines)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json_path.read_text())
    print(f"report: {md_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
