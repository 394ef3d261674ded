#!/usr/bin/env python3
"""Times onyxrt, onnxruntime, OpenVINO and tract on the exported models (see bench/README.md).

    python bench/export_models.py                       # once: fills bench/.cache/
    python bench/run_models.py                          # every cached model, 1 and 2 threads
    python bench/run_models.py --models resnet50,light --threads 1 --quick

Results go to bench/results/models_<date>_<commit>.{md,json}, rewritten after every model so an
interrupted run keeps what it measured.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import traceback
from pathlib import Path

# numpy's OpenBLAS keeps its threads spinning for ~0.1 s after any matrix product (checking outputs,
# building inputs): on a 2-core machine that steals a core from the engine timed next. One BLAS
# thread spins nothing. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import catalog, engines as engine_mod, report  # noqa: E402
from models.compare import compare_outputs  # noqa: E402
from models.measure import Plan, measure, ratio_interval  # noqa: E402
from models.progress import progress_bar  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="all", help="comma list of model names, or all/torch/light")
    p.add_argument("--threads", default="1,2", help="comma list of intra-op thread counts")
    p.add_argument("--engines", default=",".join(engine_mod.ALL_ENGINES))
    p.add_argument("--repeats", type=int, default=None, help="interleaved repeats (default 10, quick 3)")
    p.add_argument("--min-samples", type=int, default=None,
                   help="extra repeats (up to 4x --repeats) until each engine has this many samples (default 20, quick 0)")
    p.add_argument("--ratio-samples", type=int, default=None,
                   help="samples onyxrt and onnxruntime take for the ratio (default 60, quick 0)")
    p.add_argument("--ratio-slices", type=int, default=None,
                   help="slices onyxrt and onnxruntime take at least (default 30, quick 0)")
    p.add_argument("--ratio-budget", type=float, default=None,
                   help="seconds onyxrt and onnxruntime may each spend on one model (default: --engine-budget, at least 60)")
    p.add_argument("--warmup", type=int, default=None, help="warm-up runs per engine (default 2, quick 1)")
    p.add_argument("--pause", type=float, default=0.5, help="seconds slept between two engines' slices")
    p.add_argument("--slice", type=float, default=0.25, help="target seconds of back-to-back runs per slice")
    p.add_argument("--engine-budget", type=float, default=None,
                   help="seconds an engine may spend measuring one model (default 120, quick 30)")
    p.add_argument("--quick", action="store_true", help="fewer repeats and a smaller budget: a smoke run")
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--atol", type=float, default=1e-4)
    p.add_argument("--cache", default=None, help=f"model folder (default {catalog.DEFAULT_CACHE})")
    p.add_argument("--out-dir", default=str(catalog.BENCH_DIR / "results"))
    p.add_argument("--tag", default="", help="suffix for the result file names")
    p.add_argument("--no-progress", action="store_true")
    return p.parse_args()


def make_plan(args: argparse.Namespace) -> Plan:
    return Plan(warmup=args.warmup if args.warmup is not None else (1 if args.quick else 2),
                repeats=args.repeats if args.repeats is not None else (3 if args.quick else 10),
                pause_s=args.pause, slice_s=args.slice,
                target_samples=args.min_samples if args.min_samples is not None else (0 if args.quick else 20),
                engine_budget_s=args.engine_budget if args.engine_budget is not None else (30.0 if args.quick else 120.0),
                ratio_samples=args.ratio_samples if args.ratio_samples is not None else (0 if args.quick else 60),
                ratio_budget_s=args.ratio_budget if args.ratio_budget is not None else (0.0 if args.quick else 60.0),
                ratio_slices=args.ratio_slices if args.ratio_slices is not None else (0 if args.quick else 30))


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


def bench_model(spec, threads: int, engines, feeds, model_file: Path, plan: Plan, args, bar) -> dict:
    """One row: every engine loaded at `threads`, checked against onnxruntime, then timed."""
    row: dict = {"model": spec.name, "threads": threads, "engines": {}}
    runners, outputs = {}, {}
    for engine in engines:
        entry: dict = {}
        row["engines"][engine.name] = entry
        if engine.thread_counts is not None and threads not in engine.thread_counts:
            entry.update(status="skipped", error=engine.note)
            continue
        try:
            start = time.perf_counter()
            runner = engine.load(str(model_file), threads)
            entry["load_s"] = time.perf_counter() - start
            start = time.perf_counter()
            outputs[engine.name] = runner.run(feeds)  # the first run also counts as warm-up
            entry["first_run_ms"] = (time.perf_counter() - start) * 1e3
            entry["details"] = runner.details()
            runners[engine.name] = runner
            entry["status"] = "ok"
        except Exception as exc:  # unsupported op, load error: the row says so and the run goes on
            entry.update(status="error", error=_error_text(exc))
            bar.write(f"{spec.name} @{threads}: {engine.name} failed: {_error_text(exc).splitlines()[0][:200]}")
        time.sleep(plan.pause_s)

    ref = outputs.get("onnxruntime")
    if ref is not None:
        for name, got in outputs.items():
            if name != "onnxruntime":
                row["engines"][name]["check"] = compare_outputs(got, ref, args.rtol, args.atol)
    outputs.clear()

    if runners:
        bar.set_postfix_str(f"{spec.name} @{threads}t")
        timings = measure(runners, feeds, plan, on_step=lambda _label: bar.update(1))
        for name, timing in timings.items():
            row["engines"][name].update(timing.summary(), runs_per_slice=timing.runs_per_slice, slices=timing.slices)
    # Steps that measure() did not take (engines that failed to load) still count on the bar.
    bar.update((len(engines) + plan.repeats) - (len(runners) + plan.repeats if runners else 0))

    onyx, ort = row["engines"].get("onyxrt", {}), row["engines"].get("onnxruntime", {})
    if onyx.get("median_ms") and ort.get("median_ms"):
        row["ratio_onyxrt_ort"] = onyx["median_ms"] / ort["median_ms"]
        row["ratio_ci95"] = ratio_interval(onyx["samples_ms"], ort["samples_ms"], onyx["runs_per_slice"],
                                           ort["runs_per_slice"])
    runners.clear()
    gc.collect()
    return row


def main() -> None:
    args = parse_args()
    plan = make_plan(args)
    thread_counts = [int(t) for t in args.threads.split(",") if t.strip()]
    cache = catalog.cache_dir(args.cache)
    specs = catalog.select(args.models)

    engines, skipped = engine_mod.discover([e.strip() for e in args.engines.split(",") if e.strip()])
    for name, why in skipped.items():
        print(f"skipping engine {name}: {why}", file=sys.stderr)
    if not engines:
        raise SystemExit("no engine could be imported")

    meta = report.machine_meta()
    doc = {"meta": meta, "plan": plan.__dict__, "threads": thread_counts, "rtol": args.rtol, "atol": args.atol,
           "engines": [{"name": e.name, "version": e.version, "note": e.note} for e in engines],
           "skipped_engines": skipped, "results": []}
    json_path, md_path = report.result_paths(Path(args.out_dir), meta, args.tag)

    steps_per_row = len(engines) + plan.repeats
    bar = progress_bar(len(specs) * len(thread_counts) * steps_per_row, "models", enabled=not args.no_progress)
    for spec in specs:
        model_file, feeds_file = catalog.model_path(cache, spec.name), catalog.inputs_path(cache, spec.name)
        if not (model_file.exists() and feeds_file.exists()):
            for threads in thread_counts:
                doc["results"].append({"model": spec.name, "threads": threads, "engines": {},
                                       "error": f"not in {cache}: run bench/export_models.py"})
            bar.update(len(thread_counts) * steps_per_row)
            continue
        with np.load(feeds_file) as npz:
            feeds = {k: npz[k] for k in npz.files}
        for threads in thread_counts:
            try:
                row = bench_model(spec, threads, engines, feeds, model_file, plan, args, bar)
            except Exception as exc:
                traceback.print_exc()
                row = {"model": spec.name, "threads": threads, "engines": {}, "error": _error_text(exc)}
            doc["results"].append(row)
            meta["loadavg_end"] = list(os.getloadavg())
            report.write(doc, json_path, md_path)
    bar.close()
    report.write(doc, json_path, md_path)
    print(md_path.read_text())
    print(f"written: {md_path} and {json_path}")


if __name__ == "__main__":
    main()
