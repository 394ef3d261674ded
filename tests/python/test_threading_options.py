"""The guide's intra-op thread-pool keys change how onyxrt's pool behaves (C++ details in
tests/unit/core/thread_pool_settings_test.cc); here, through the Python API."""
import gc
import time

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import onyxrt as ort


def _matmul_model():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [256, 256])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [256, 256])
    node = helper.make_node("MatMul", ["x", "x"], ["y"])
    g = helper.make_graph([node], "mm", [x], [y])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def _session(**config):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    for k, v in config.items():
        so.add_session_config_entry(k, v)
    return ort.InferenceSession(_matmul_model(), so, providers=["CPUExecutionProvider"])


def _idle_cpu_after_run(sess, seconds=0.3):
    # Sessions of earlier tests (kept by reference cycles until collected) may still spin.
    gc.collect()
    time.sleep(0.05)
    x = np.random.default_rng(0).standard_normal((256, 256)).astype(np.float32)
    out = sess.run(None, {"x": x})[0]
    time.sleep(0.02)
    before = time.process_time()
    time.sleep(seconds)
    spent = time.process_time() - before
    # Checked after measuring: numpy's BLAS threads spin for a while after a matmul of their own.
    np.testing.assert_allclose(out, x @ x, rtol=1e-4, atol=1e-3)
    return spent


def test_spinning_workers_keep_polling_after_a_run():
    sess = _session(**{"session.intra_op.spin_duration_us": "5000000"})
    assert _idle_cpu_after_run(sess) > 0.06


def test_allow_spinning_0_lets_workers_sleep():
    sess = _session(**{"session.intra_op.allow_spinning": "0"})
    assert _idle_cpu_after_run(sess) < 0.05


def test_force_spinning_stop_stops_spinning_when_the_run_returns():
    sess = _session(**{"session.intra_op.spin_duration_us": "10000000", "session.force_spinning_stop": "1"})
    assert _idle_cpu_after_run(sess) < 0.05


@pytest.mark.parametrize("base", ["1", "4"])
def test_dynamic_block_base_keeps_results(base):
    sess = _session(**{"session.dynamic_block_base": base})
    _idle_cpu_after_run(sess, 0.0)


def test_thread_affinities_must_list_one_entry_per_worker():
    with pytest.raises(Exception, match="intra_op_num_threads - 1"):
        _session(**{"session.intra_op_thread_affinities": "1;2"})


def test_thread_affinities_outside_the_machine_are_refused():
    with pytest.raises(Exception, match="outside 1.."):
        _session(**{"session.intra_op_thread_affinities": "4096"})


def test_thread_affinity_within_the_machine_runs():
    sess = _session(**{"session.intra_op_thread_affinities": "1"})
    _idle_cpu_after_run(sess, 0.0)
