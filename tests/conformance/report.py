"""Summary and report files (markdown and JSON) of a conformance run."""

from __future__ import annotations

import datetime
import json
import platform
import subprocess
from collections import Counter
from importlib import metadata as importlib_metadata
from pathlib import Path

STATUSES = ("passed", "failed", "unsupported", "crashed")
REPO = Path(__file__).resolve().parents[2]


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _version(package: str) -> str:
    try:
        return importlib_metadata.version(package)
    except importlib_metadata.PackageNotFoundError:
        return "not installed"


def metadata(args, elapsed: float) -> dict:
    commit = _git("rev-parse", "HEAD") or "no commit"
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    return {
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "onnx": _version("onnx"), "onnxruntime": _version("onnxruntime"), "onyxrt": _version("onyxrt"),
        "python": platform.python_version(), "machine": platform.machine(),
        "kinds": args.kinds, "engines": args.engines, "filter": args.filter,
        "cases_file": str(args.cases_file) if args.cases_file else None,
        "tolerances": "rtol max(1e-3, case), atol max(1e-5, case)",
        "seconds": round(elapsed, 1),
    }


def summarize(results: dict, engines: list[str]) -> dict:
    """{engine: {kind: Counter(status)}} with an "all" kind."""
    summary: dict = {}
    for engine in engines:
        per_kind: dict[str, Counter] = {"all": Counter()}
        for entry in results.values():
            status = entry.get(engine, {}).get("status", "crashed")
            per_kind.setdefault(entry["kind"], Counter())[status] += 1
            per_kind["all"][status] += 1
        summary[engine] = per_kind
    return summary


def summary_text(summary: dict, engines: list[str]) -> str:
    lines = [f"{'engine':12s} {'kind':18s} " + " ".join(f"{s:>11s}" for s in STATUSES)]
    for engine in engines:
        for kind, counts in summary[engine].items():
            lines.append(f"{engine:12s} {kind:18s} " + " ".join(f"{counts[s]:11d}" for s in STATUSES))
    return "\n".join(lines)


def _reason(outcome: dict) -> str:
    """The first non-empty line of a case's detail: what a reader needs to know why it did not pass."""
    lines = [line.strip() for line in outcome.get("detail", "").splitlines() if line.strip()]
    return lines[0][:200] if lines else ""


def _markdown(results: dict, summary: dict, meta: dict, engines: list[str]) -> str:
    out = ["# ONNX backend conformance", ""]
    out += [f"- {k}: {v}" for k, v in meta.items()]
    out += ["", "| engine | kind | " + " | ".join(STATUSES) + " |", "|---|---|" + "---|" * len(STATUSES)]
    for engine in engines:
        for kind, counts in summary[engine].items():
            out.append(f"| {engine} | {kind} | " + " | ".join(str(counts[s]) for s in STATUSES) + " |")
    if "onyxrt" in engines and "onnxruntime" in engines:
        gaps = sorted(n for n, r in results.items()
                      if r.get("onnxruntime", {}).get("status") == "passed" and r.get("onyxrt", {}).get("status") != "passed")
        out += ["", f"## Passing on onnxruntime, not on onyxrt ({len(gaps)})", ""]
        out += [f"- `{n}` ({results[n]['kind']}): {results[n]['onyxrt']['status']}: {_reason(results[n]['onyxrt'])}"
                for n in gaps]
    for engine in engines:
        # Every case an engine does not pass, with its reason, so no gap goes unexplained.
        bad = sorted(n for n, r in results.items() if r.get(engine, {}).get("status") not in (None, "passed"))
        out += ["", f"## {engine}: not passed ({len(bad)})", ""]
        for n in bad:
            out.append(f"- `{n}`: {results[n][engine]['status']}: {_reason(results[n][engine])}")
    return "\n".join(out) + "\n"


def write(report_dir: Path, results: dict, summary: dict, meta: dict, engines: list[str]) -> tuple[Path, Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    json_path = report_dir / "conformance.json"
    md_path = report_dir / "conformance.md"
    payload = {"metadata": meta, "summary": {e: {k: dict(c) for k, c in s.items()} for e, s in summary.items()},
               "cases": results}
    json_path.write_text(json.dumps(payload, indent=1, sort_keys=True))
    md_path.write_text(_markdown(results, summary, meta, engines))
    return md_path, json_path
