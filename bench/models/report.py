"""Writes the results as JSON (everything) and Markdown (the tables a reader compares)."""
from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from .measure import RATIO_ENGINES


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).resolve().parent).stdout.strip()
    except Exception:
        return ""


def _lscpu() -> dict:
    """lscpu's "Key: value" lines, or {} where it cannot run."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except Exception:
        return {}
    fields = {}
    for line in out.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    return fields


def _cpu_model(lscpu: dict) -> str:
    return lscpu.get("Model name") or platform.processor() or "unknown"


def _cpu_details(lscpu: dict) -> dict:
    """Family and model (which generation of a vendor's line), and the widest vector ISA the kernels
    can dispatch to: results from an AVX-512 and an AVX2-only machine are not comparable."""
    details = {key.lower().replace(" ", "_").replace("(s)", "s"): lscpu[key]
               for key in ("CPU family", "Model", "Thread(s) per core") if key in lscpu}
    if "Flags" in lscpu:
        flags = set(lscpu["Flags"].split())
        details["isa"] = "avx512f" if "avx512f" in flags else "avx2+fma" if {"avx2", "fma"} <= flags else "baseline"
    return details


def machine_meta() -> dict:
    commit = _git("rev-parse", "HEAD")
    lscpu = _lscpu()
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit or "unknown",
        # Uncommitted changes mean the numbers may not be reproducible from the commit alone.
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "cpu": _cpu_model(lscpu),
        "cpu_details": _cpu_details(lscpu),
        "logical_cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg_start": list(os.getloadavg()),
    }


def result_paths(out_dir: Path, meta: dict, tag: str = "") -> tuple[Path, Path]:
    date = meta["date"][:10]
    stem = f"models_{date}_{meta['commit'][:10]}" + (f"_{tag}" if tag else "")
    return out_dir / f"{stem}.json", out_dir / f"{stem}.md"


def _cell(entry: dict | None) -> str:
    if entry is None:
        return "—"
    status = entry.get("status")
    if status == "ok":
        return f"{entry['median_ms']:.2f} / {entry['p90_ms']:.2f}"
    if status == "skipped":
        return "n/a"
    return "FAIL: " + entry.get("error", "?").splitlines()[0][:70].replace("|", "/")


def _ratio(row: dict) -> str:
    r = row.get("ratio_onyxrt_ort")
    if r is None:
        return "—"
    ci = row.get("ratio_ci95")
    return f"{r:.2f} ({ci[0]:.2f}–{ci[1]:.2f})" if ci else f"{r:.2f}"


def _samples(row: dict) -> str:
    entries = [row["engines"].get(n, {}) for n in RATIO_ENGINES]
    if not all(e.get("n") for e in entries):
        return "—"
    return " / ".join(f"{e['n']}" + (f" ({e['slices']})" if e.get("slices", 0) not in (0, e["n"]) else "")
                      for e in entries)


def _check(row: dict) -> str:
    c = row["engines"].get("onyxrt", {}).get("check")
    if not c:
        return "—"
    if "error" in c:
        return "FAIL: " + c["error"][:60]
    verdict = "ok" if c["ok"] else "MISMATCH"
    return f"{verdict} ({c['max_abs']:.1e} / {c['max_rel']:.1e})"


def _details_text(d: dict) -> str:
    parts = [f"family {d['cpu_family']} model {d['model']}" if "cpu_family" in d and "model" in d else "",
             f"widest ISA {d['isa']}" if "isa" in d else "",
             # Two logical CPUs that are one core's SMT threads share its FMA units: a second
             # thread then adds little to a kernel that keeps them busy.
             f"{d['threads_per_core']} thread(s) per core" if "threads_per_core" in d else ""]
    text = ", ".join(p for p in parts if p)
    return f" ({text})" if text else ""


def render_markdown(doc: dict) -> str:
    meta, engines = doc["meta"], doc["engines"]
    names = [e["name"] for e in engines]
    lines = [
        f"# Model benchmark, {meta['date']}",
        "",
        f"- commit: `{meta['commit']}`" + (" (with uncommitted changes)" if meta["dirty"] else ""),
        f"- machine: {meta['cpu']}{_details_text(meta.get('cpu_details', {}))}, {meta['logical_cpus']} logical CPUs; load average at start "
        f"{', '.join(f'{x:.2f}' for x in meta['loadavg_start'])}"
        + (f", at end {', '.join(f'{x:.2f}' for x in meta['loadavg_end'])}" if "loadavg_end" in meta else ""),
        "- engines: " + ", ".join(f"{e['name']} {e['version']}" for e in engines),
    ]
    for name, why in doc["skipped_engines"].items():
        lines.append(f"- skipped engine {name}: {why}")
    for e in engines:
        if e.get("note"):
            lines.append(f"- {e['name']}: {e['note']}")
    p = doc["plan"]
    lines += [
        f"- plan: warm-up {p['warmup']}, {p['repeats']} interleaved repeats, pause {p['pause_s']} s between "
        f"engines, slice ~{p['slice_s']} s, per-engine budget {p['engine_budget_s']} s, at least "
        f"{p.get('target_samples', 0)} samples per engine and {p.get('ratio_samples', 0)} samples in at least "
        f"{p.get('ratio_slices', 0)} slices for onyxrt and onnxruntime "
        f"(budget {max(p['engine_budget_s'], p.get('ratio_budget_s', 0))} s); "
        f"check rtol {doc['rtol']}, atol {doc['atol']}",
        "",
        "Cells are median / p90 latency in ms. `onyxrt / ORT` is the ratio of medians (below 1 means "
        "onyxrt is faster), with its 95% bootstrap interval (each engine's slices of runs resampled on their "
        "own); `n` the two engines' sample counts (slices in brackets where a slice held several runs). "
        "`onyxrt check` compares onyxrt's outputs with onnxruntime's: (max abs diff / max rel diff).",
    ]
    for threads in doc["threads"]:
        rows = [r for r in doc["results"] if r["threads"] == threads]
        if not rows:
            continue
        lines += ["", f"## intra-op threads = {threads}", "",
                  "| model | " + " | ".join(names) + " | onyxrt / ORT | n | onyxrt check |",
                  "|---|" + "---:|" * len(names) + "---:|---:|---|"]
        for row in rows:
            if row.get("error"):
                lines.append(f"| {row['model']} | " + " | ".join("—" for _ in names)
                             + f" | — | — | {row['error'][:80]} |")
                continue
            cells = [_cell(row["engines"].get(n)) for n in names]
            lines.append(f"| {row['model']} | " + " | ".join(cells) + f" | {_ratio(row)} | {_samples(row)} | {_check(row)} |")
    failures = [(r, n, e) for r in doc["results"] for n, e in r.get("engines", {}).items() if e.get("status") == "error"]
    if failures:
        lines += ["", "## Failures", ""]
        for row, name, entry in failures:
            lines.append(f"- {row['model']} @ {row['threads']} thread(s), {name}: {entry['error'].strip()[:400]}")
    return "\n".join(lines) + "\n"


def write(doc: dict, json_path: Path, md_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(doc, indent=1) + "\n")
    md_path.write_text(render_markdown(doc))
