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


# The two engines whose medians make the reported ratio onyxrt / onnxruntime.
RATIO_ENGINES = ("onyxrt", "onnxruntime")


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
    # The two engines whose medians make the reported ratio get this many samples (within
    # ratio_budget_s each, 0 = engine_budget_s); the others stop at target_samples. The ratio of
    # two medians of 20 samples each moved by up to 6% between runs of one build on a 2-vCPU VM
    # (GPT-2 at two threads: 0.95, 1.01, 0.95), as much as the margins it was to decide.
    ratio_engines: tuple[str, ...] = RATIO_ENGINES
    ratio_samples: int = 0
    ratio_budget_s: float = 0.0
    # ... and at least this many slices: a fast model fills its samples in a few slices, whose runs
    # share a minute of the machine each, so its median rested on a few minutes (MobileNetV2 in
    # 10 slices: ratio 0.90, bootstrap interval 0.80-1.04).
    ratio_slices: int = 0

    def target(self, engine: str) -> int:
        return max(self.target_samples, self.ratio_samples if engine in self.ratio_engines else 0)

    def target_slices(self, engine: str) -> int:
        return self.ratio_slices if engine in self.ratio_engines else 0

    def budget(self, engine: str) -> float:
        if engine in self.ratio_engines and self.ratio_budget_s > 0:
            return max(self.engine_budget_s, self.ratio_budget_s)
        return self.engine_budget_s


@dataclass
class Timing:
    samples_ms: list[float] = field(default_factory=list)
    runs_per_slice: int = 1
    slices: int = 0
    spent_s: float = 0.0

    def summary(self) -> dict:
        s = np.asarray(self.samples_ms)
        if s.size == 0:
            return {"n": 0}
        return {"n": int(s.size), "median_ms": float(np.median(s)), "p90_ms": float(np.percentile(s, 90)),
                "min_ms": float(s.min()), "mean_ms": float(s.mean()), "samples_ms": [round(float(x), 4) for x in s]}


def slices_of(samples_ms, runs_per_slice: int) -> list[np.ndarray]:
    """A timing's samples cut back into the slices they were taken in."""
    s = np.asarray(samples_ms, dtype=float)
    block = max(1, min(runs_per_slice, s.size))
    return [s[i:i + block] for i in range(0, s.size - block + 1, block)]


def ratio_interval_of_slices(num: list[np.ndarray], den: list[np.ndarray], level: float = 0.95,
                             resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Bootstrap interval of median(num) / median(den), each engine's slices resampled on their
    own, whole: a slice's back-to-back runs share one minute of the machine, and resampling them
    one by one would count a slow slice's 50 runs as 50 independent draws and give an interval too
    narrow. Slices may differ in length (runs pooled from several benchmark runs)."""
    rng = np.random.default_rng(seed)

    def medians(slices: list[np.ndarray]) -> np.ndarray:
        picks = rng.integers(0, len(slices), size=(resamples, len(slices)))
        return np.array([np.median(np.concatenate([slices[i] for i in row])) for row in picks])

    lo, hi = np.percentile(medians(num) / medians(den), [50 * (1 - level), 50 * (1 + level)])
    return float(lo), float(hi)


def ratio_interval(num_ms, den_ms, num_block: int = 1, den_block: int = 1, level: float = 0.95,
                   resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """The interval above for two sample lists taken in slices of num_block and den_block runs:
    how far the ratio could move with the same machine noise and another draw of runs."""
    return ratio_interval_of_slices(slices_of(num_ms, num_block), slices_of(den_ms, den_block), level,
                                    resamples, seed)


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

    def short(name: str) -> bool:
        t = timings[name]
        wanting = len(t.samples_ms) < plan.target(name) or t.slices < plan.target_slices(name)
        return wanting and t.spent_s < plan.budget(name)

    # A model whose run outlasts a slice gives one sample per repeat: the cap leaves room for the
    # ratio engines' target.
    max_repeats = max(4 * plan.repeats, plan.ratio_samples, plan.ratio_slices)

    def wants_more(rep: int) -> bool:
        if rep < plan.repeats:
            return True
        return rep < max_repeats and any(short(name) for name in names)

    rep = 0
    while wants_more(rep):
        k = rep % len(names)
        for name in names[k:] + names[:k]:
            t = timings[name]
            if t.spent_s >= plan.budget(name) and len(t.samples_ms) >= plan.min_samples:
                continue
            # Past the planned repeats only engines short of their target take slices, still in
            # turn with each other.
            if rep >= plan.repeats and not short(name):
                continue
            for _ in range(t.runs_per_slice):
                ms = _timed_run(runners[name], feeds)
                t.samples_ms.append(ms)
                t.spent_s += ms / 1e3
            t.slices += 1
            time.sleep(plan.pause_s)
        if on_step:
            on_step(f"repeat {rep + 1}/{plan.repeats}")
        rep += 1
    return timings
