#!/usr/bin/env python3
"""One table of onyxrt / onnxruntime ratios from several model-benchmark runs (their JSON files).

    python bench/combine_runs.py bench/results/models_2026-11-28_a2eaee1486_s19a.json \\
        bench/results/models_2026-11-28_bef095d..._s19b.json [--out FILE]

Per model and thread count: each run's ratio, and the ratio of the medians of all runs' samples
pooled, with its 95% bootstrap interval (every run's slices resampled together). On a shared VM one
run's cell moves with the minutes it happened to fall in; runs of one engine build taken at other
times pool into one estimate. The runs should be of the same engine: the header lists the commits.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models.measure import RATIO_ENGINES, ratio_interval_of_slices, slices_of  # noqa: E402


def _slices(entry: dict) -> list[np.ndarray]:
    return slices_of(entry["samples_ms"], entry.get("runs_per_slice", 1))


def combine(docs: list[dict]) -> list[dict]:
    """Rows of {model, threads, ratios (one per run, None where missing), pooled, interval}."""
    cells: dict[tuple[str, int], list] = {}
    for i, doc in enumerate(docs):
        for row in doc["results"]:
            cells.setdefault((row["model"], row["threads"]), [None] * len(docs))[i] = row
    out = []
    for (model, threads), rows in cells.items():
        ratios = [r.get("ratio_onyxrt_ort") if r else None for r in rows]
        # Pooled only where every run that has the cell kept its samples (result files before
        # session 19 did not): a pool of some of the runs would read as all of them.
        pooled = {name: [] for name in RATIO_ENGINES}
        complete = True
        for r in (r for r in rows if r):
            entries = [r["engines"].get(name, {}) for name in RATIO_ENGINES]
            complete &= all("samples_ms" in e for e in entries)
            if complete:
                for name, e in zip(RATIO_ENGINES, entries):
                    pooled[name] += _slices(e)
        result = {"model": model, "threads": threads, "ratios": ratios, "pooled": None, "interval": None}
        if complete and all(pooled.values()):
            num, den = (np.concatenate(pooled[name]) for name in RATIO_ENGINES)
            result["pooled"] = float(np.median(num) / np.median(den))
            result["interval"] = ratio_interval_of_slices(pooled["onyxrt"], pooled["onnxruntime"])
        out.append(result)
    return out


def render(docs: list[dict], names: list[str], rows: list[dict]) -> str:
    lines = ["# onyxrt / onnxruntime over several runs", ""]
    for name, doc in zip(names, docs):
        meta = doc["meta"]
        lines.append(f"- {name}: commit `{meta['commit'][:10]}`" + (" (dirty)" if meta.get("dirty") else "")
                     + f", {meta['date']}, {meta['cpu']}")
    lines += ["", "Each run's ratio of medians, then the ratio of the pooled samples' medians with its 95% "
              "bootstrap interval (the runs' slices resampled together).", ""]
    for threads in sorted({r["threads"] for r in rows}):
        lines += [f"## intra-op threads = {threads}", "",
                  "| model | " + " | ".join(f"run {i + 1}" for i in range(len(docs))) + " | pooled | 95% interval |",
                  "|---|" + "---:|" * len(docs) + "---:|---:|"]
        for r in (r for r in rows if r["threads"] == threads):
            runs = " | ".join(f"{x:.2f}" if x is not None else "—" for x in r["ratios"])
            pooled = f"{r['pooled']:.2f}" if r["pooled"] is not None else "—"
            ci = f"{r['interval'][0]:.2f}–{r['interval'][1]:.2f}" if r["interval"] else "—"
            lines.append(f"| {r['model']} | {runs} | {pooled} | {ci} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", help="model-benchmark JSON files (bench/results/models_*.json)")
    p.add_argument("--out", help="also write the Markdown here")
    args = p.parse_args()
    docs = [json.loads(Path(f).read_text()) for f in args.runs]
    text = render(docs, [Path(f).name for f in args.runs], combine(docs))
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
