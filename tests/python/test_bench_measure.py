"""The model benchmark's interleaved timing loop (bench/models/measure.py): the extra repeats that
give a model whose run outlasts a slice enough samples, within the repeat cap and the budget."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.models.measure import Plan, measure  # noqa: E402


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
