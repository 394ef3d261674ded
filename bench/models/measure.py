"""Timing of several engines on one model, interleaved so that machine drift hits all alike.

Each repeat gives every engine one *slice*: a few back-to-back runs, each timed alone. The engines
take their slices in turn (the order rotates every repeat so none is always first), and between two
slices the harness sleeps, so that the previous engine's worker threads, which may spin for a while
after a run, have gone idle before the next engine starts.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .engines import Feeds, Runner


@dataclass
class Plan:
    warmup: int = 2
    repeats: int = 10
    pause_s: float = 0.5
    # A slice lasts about this long, so fast models give many samples per repeat while slow ones
    # give one, and the pauses stay a small share of the run.
    slice_s: float = 0.25
    max_runs_per_slice: int = 50
    # An engine stops taking samples once it has spent this long measuring on the model (and has
    # at least min_samples): a reference-loop engine would otherwise dominate the run's duration.
    engine_budget_s: float = 120.0
    min_samples: int = 3
    # Repeats go on past `repeats` (up to 4x as many) until every engine still within its budget
    # has this many samples: a model whose run outlasts a slice gives one sample per repeat, and
    # ten samples left its median at the mercy of one slow stretch of a shared VM (ViT-B/16 at
    # two threads: p90 38% above the median). Each extra repeat still alternates all engines.
    target_samples: int = 0


@dataclass
class Timing:
    samples_ms: list[float] = field(default_factory=list)
    runs_per_slice: int = 1
    spent_s: float = 0.0

    def summary(self) -> dict:
        s = np.asarray(self.samples_ms)
        if s.size == 0:
            return {"n": 0}
        return {"n": int(s.size), "median_ms": float(np.median(s)), "p90_ms": float(np.percentile(s, 90)),
                "min_ms": float(s.min()), "mean_ms": float(s.mean())}


def _timed_run(runner: Runner, feeds: Feeds) -> float:
    start = time.perf_counter()
    runner.run(feeds)
    return (time.perf_counter() - start) * 1e3


def measure(runners: dict[str, Runner], feeds: Feeds, plan: Plan, on_step=None) -> dict[str, Timing]:
    """Warm up each runner, then interleave timed slices. on_step(label) is called after each slice."""
    timings = {name: Timing() for name in runners}
    names = list(runners)
    for name in names:
        runner = runners[name]
        last_ms = 0.0
        for _ in range(max(plan.warmup, 1)):
            last_ms = _timed_run(runner, feeds)
        timings[name].runs_per_slice = max(1, min(plan.max_runs_per_slice, math.ceil(plan.slice_s * 1e3 / max(last_ms, 1e-3))))
        if on_step:
            on_step(f"warm-up {name}")
        time.sleep(plan.pause_s)

    def wants_more(rep: int) -> bool:
        if rep < plan.repeats:
            return True
        if rep >= 4 * plan.repeats:
            return False
        return any(len(t.samples_ms) < plan.target_samples and t.spent_s < plan.engine_budget_s
                   for t in timings.values())

    rep = 0
    while wants_more(rep):
        k = rep % len(names)
        for name in names[k:] + names[:k]:
            t = timings[name]
            if t.spent_s >= plan.engine_budget_s and len(t.samples_ms) >= plan.min_samples:
                continue
            for _ in range(t.runs_per_slice):
                ms = _timed_run(runners[name], feeds)
                t.samples_ms.append(ms)
                t.spent_s += ms / 1e3
            time.sleep(plan.pause_s)
        if on_step:
            on_step(f"repeat {rep + 1}/{plan.repeats}")
        rep += 1
    return timings
