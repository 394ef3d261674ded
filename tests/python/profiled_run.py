"""One onyxrt session run with profiling on, for the tests that read which nodes ran
(test_optimizer.py, test_nchwc_layout.py)."""

import json

import onyxrt


def run_profiled(model, feeds, level, disabled=None, tmp_path=None):
    """Runs `model` once at graph optimization `level` (with the optimizers named in `disabled`
    turned off) and returns its outputs and the profile's node events."""
    so = onyxrt.SessionOptions()
    so.graph_optimization_level = level
    so.enable_profiling = True
    so.profile_file_prefix = str(tmp_path / f"prof_{level}")
    if disabled:
        so.add_session_config_entry("optimization.disable_specified_optimizers", disabled)
    sess = onyxrt.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    out = sess.run(None, feeds)
    events = json.load(open(sess.end_profiling()))
    return out, [e for e in events if e.get("cat") == "Node"]
