"""The model benchmark's interleaved timing loop (bench/models/measure.py): the extra repeats that
give a model whose run outlasts a slice enough samples, within the repeat cap and the budget."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402

from bench.models.measure import Plan, measure, ratio_interval  # noqa: E402


class SleepRunner:
    def __init__(self, seconds):
        self.seconds, self.runs = seconds, 0

    def run(self, feeds):
        self.runs += 1
        time.sleep(self.seconds)


def plan(**kw):
    base = dict(warmup=1, repeats=3, pause_s=0.0, slice_s=0.001, max_runs_per_slice=50, engine_budget_s=60.0)
    base.update(kw)
    return Plan(**base)


def test_without_a_target_each_engine_gets_one_slice_per_repeat():
    runners = {"a": SleepRunner(0.002), "b": SleepRunner(0.002)}
    timings = measure(runners, {}, plan(target_samples=0))
    assert [len(t.samples_ms) for t in timings.values()] == [3, 3]


def test_slow_runs_get_extra_repeats_until_the_target():
    runners = {"a": SleepRunner(0.002), "b": SleepRunner(0.002)}
    timings = measure(runners, {}, plan(target_samples=7))
    # One run per slice (each run outlasts the 1 ms slice): repeats go on to seven, for both engines.
    assert [len(t.samples_ms) for t in timings.values()] == [7, 7]


def test_extra_repeats_stop_at_four_times_the_planned_ones():
    runners = {"a": SleepRunner(0.001)}
    timings = measure(runners, {}, plan(target_samples=100))
    assert len(timings["a"].samples_ms) == 12


def test_an_engine_past_its_budget_does_not_hold_the_others():
    runners = {"slow": SleepRunner(0.02), "fast": SleepRunner(0.001)}
    timings = measure(runners, {}, plan(target_samples=10, engine_budget_s=0.05, min_samples=3))
    # The slow engine spends its budget in the planned repeats and sits out the extra ones, which
    # go on for the fast engine until it has its ten.
    assert len(timings["slow"].samples_ms) == 3
    assert len(timings["fast"].samples_ms) == 10


def test_the_ratio_engines_go_on_to_their_own_target_and_the_others_stop_at_theirs():
    runners = {"onyxrt": SleepRunner(0.002), "onnxruntime": SleepRunner(0.002), "tract": SleepRunner(0.002)}
    timings = measure(runners, {}, plan(target_samples=5, ratio_samples=20))
    assert len(timings["onyxrt"].samples_ms) == 20
    assert len(timings["onnxruntime"].samples_ms) == 20
    assert len(timings["tract"].samples_ms) == 5
    # The repeat cap (4 x 3 planned) does not cut the ratio engines short.
    assert runners["onyxrt"].runs == 20 + 1  # plus the warm-up run


def test_fast_models_take_the_ratio_slices_beyond_their_samples():
    runners = {"onyxrt": SleepRunner(0.0001), "onnxruntime": SleepRunner(0.0001), "tract": SleepRunner(0.0001)}
    timings = measure(runners, {}, plan(slice_s=0.002, max_runs_per_slice=5, ratio_samples=10, ratio_slices=15))
    # Five runs per slice reach ten samples in two slices; the ratio engines go on to fifteen
    # slices, the others stop at the three planned repeats.
    assert timings["onyxrt"].slices == 15 and timings["onnxruntime"].slices == 15
    assert len(timings["onyxrt"].samples_ms) == 15 * timings["onyxrt"].runs_per_slice
    assert timings["tract"].slices == 3


def test_the_ratio_budget_bounds_the_ratio_engines():
    runners = {"onyxrt": SleepRunner(0.01), "onnxruntime": SleepRunner(0.01)}
    timings = measure(runners, {}, plan(ratio_samples=1000, engine_budget_s=0.02, ratio_budget_s=0.1))
    for t in timings.values():
        assert 8 <= len(t.samples_ms) <= 12
        assert t.spent_s < 0.1 + 0.03


def test_ratio_interval_brackets_the_ratio_and_narrows_with_samples():
    rng = np.random.default_rng(1)
    a, b = rng.normal(90, 9, 10), rng.normal(100, 10, 10)
    few = ratio_interval(a, b)
    many = ratio_interval(rng.normal(90, 9, 400), rng.normal(100, 10, 400))
    assert few[0] < np.median(a) / np.median(b) < few[1]
    assert many[0] < 0.9 < many[1]
    assert many[1] - many[0] < (few[1] - few[0]) / 2
    # Identical constant samples leave no room either way.
    assert ratio_interval([5.0] * 8, [10.0] * 8) == (0.5, 0.5)


def test_ratio_interval_resamples_whole_slices():
    # Ten slices of 20 runs each, every slice at its own speed: the runs of one slice are not
    # independent draws, and resampling them one by one would understate the spread.
    rng = np.random.default_rng(2)
    a = np.repeat(rng.normal(100, 10, 10), 20)
    b = np.repeat(rng.normal(100, 10, 10), 20)
    by_run = ratio_interval(a, b)
    by_slice = ratio_interval(a, b, 20, 20)
    assert by_slice[1] - by_slice[0] > 2 * (by_run[1] - by_run[0])


def test_combine_runs_pools_the_slices_of_every_run():
    from bench.combine_runs import combine

    def doc(onyx, ort, per_slice=1):
        entry = lambda s: {"samples_ms": s, "runs_per_slice": per_slice, "median_ms": float(np.median(s))}
        return {"results": [{"model": "m", "threads": 1, "ratio_onyxrt_ort": np.median(onyx) / np.median(ort),
                             "engines": {"onyxrt": entry(onyx), "onnxruntime": entry(ort)}}]}

    rng = np.random.default_rng(3)
    a = doc(list(rng.normal(90, 5, 40)), list(rng.normal(100, 5, 40)))
    b = doc(list(rng.normal(99, 5, 40)), list(rng.normal(100, 5, 40)), per_slice=4)
    (row,) = combine([a, b])
    assert row["ratios"] == [a["results"][0]["ratio_onyxrt_ort"], b["results"][0]["ratio_onyxrt_ort"]]
    pooled_onyx = a["results"][0]["engines"]["onyxrt"]["samples_ms"] + b["results"][0]["engines"]["onyxrt"]["samples_ms"]
    pooled_ort = a["results"][0]["engines"]["onnxruntime"]["samples_ms"] + b["results"][0]["engines"]["onnxruntime"]["samples_ms"]
    assert row["pooled"] == np.median(pooled_onyx) / np.median(pooled_ort)
    assert row["interval"][0] < row["pooled"] < row["interval"][1]
    # A run without samples (older result files) leaves the pooled cell empty rather than wrong.
    del b["results"][0]["engines"]["onyxrt"]["samples_ms"]
    assert combine([a, b])[0]["pooled"] is None
