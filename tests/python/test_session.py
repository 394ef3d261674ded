"""InferenceSession behaviour against onnxruntime: results on real models, errors users catch, and
the effect of each session and run option the engine honours (shown, not just stored)."""

import json
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

import onyxrt
from onyxrt.capi import onnxruntime_pybind11_state as C

REPO = Path(__file__).resolve().parents[2]


def _model(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def _feeds_for(sess, batch=2):
    rng = np.random.default_rng(0)
    feeds = {}
    for i in sess.get_inputs():
        shape = [d if isinstance(d, int) else batch for d in i.shape]
        feeds[i.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


@pytest.mark.parametrize("name", ["demo_cnn", "demo_mlp"])
def test_demo_models_match_onnxruntime(name):
    path = str(REPO / "models" / f"{name}.onnx")
    ours = onyxrt.InferenceSession(path, providers=["CPUExecutionProvider"])
    theirs = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    feeds = _feeds_for(theirs, batch=3)
    got = ours.run(None, feeds)
    want = theirs.run(None, feeds)
    assert [o.name for o in ours.get_outputs()] == [o.name for o in theirs.get_outputs()]
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-6)


def _relu_add():
    return _model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu"), helper.make_node("Add", ["r", "b"], ["y"], name="add")],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4]), helper.make_tensor_value_info("r", TensorProto.FLOAT, ["N", 4])],
        [numpy_helper.from_array(np.arange(4, dtype=np.float32), "b")],
    ).SerializeToString()


def test_nodeargs_and_metadata_match_onnxruntime():
    model = _relu_add()
    ours, theirs = onyxrt.InferenceSession(model), onnxruntime.InferenceSession(model)
    for a, b in zip(ours.get_inputs() + ours.get_outputs(), theirs.get_inputs() + theirs.get_outputs()):
        assert (a.name, a.shape, a.type) == (b.name, b.shape, b.type)
    assert ours.get_providers() == ["CPUExecutionProvider"]
    assert ours.get_modelmeta().graph_name == theirs.get_modelmeta().graph_name


def test_user_errors_raise_the_classes_onnxruntime_users_catch():
    sess = onyxrt.InferenceSession(_relu_add())
    x = np.zeros((2, 4), np.float32)
    with pytest.raises(ValueError, match="missing from input feed"):
        sess.run(None, {})
    with pytest.raises(C.InvalidArgument, match="data type"):
        sess.run(None, {"x": x.astype(np.float64)})
    with pytest.raises(C.InvalidArgument, match="dimensions"):
        sess.run(None, {"x": np.zeros((2, 5), np.float32)})
    with pytest.raises(C.InvalidArgument, match="rank"):
        sess.run(None, {"x": np.zeros((8,), np.float32)})
    with pytest.raises(C.InvalidArgument, match="nope"):
        sess.run(["nope"], {"x": x})
    with pytest.raises(C.InvalidArgument, match="zz"):
        sess.run(None, {"x": x, "zz": x})


def test_unknown_op_fails_at_creation_naming_node_and_domain():
    model = _model([helper.make_node("Frobnicate", ["x"], ["y"], name="frob", domain="my.domain")],
                   [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    model.opset_import.append(helper.make_opsetid("my.domain", 1))
    with pytest.raises(C.NotImplemented, match=r"Frobnicate.*frob.*my\.domain"):
        onyxrt.InferenceSession(model.SerializeToString())


@pytest.mark.parametrize("node, opset, expected", [
    # A typo of the attribute onnxruntime would also reject: ours names the one meant.
    (helper.make_node("Softmax", ["x"], ["y"], name="sm", axes=[0]), 17, r"sm.*'axes'.*did you mean 'axis'"),
    (helper.make_node("Relu", ["x"], ["y"], name="r", axis=0), 17, r"r.*'axis'.*Relu takes no attributes"),
    # The schema of the model's opset decides: Relu-1 had consumed_inputs, Relu-6 dropped it.
    (helper.make_node("Relu", ["x"], ["y"], name="r6", consumed_inputs=[0]), 6, r"r6.*'consumed_inputs'"),
], ids=["typo", "none-defined", "dropped-in-a-later-opset"])
def test_attributes_the_operator_does_not_define_are_refused_as_onnxruntime_does(node, opset, expected):
    model = _model([node], [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], opset=opset)
    with pytest.raises(onnxruntime.capi.onnxruntime_pybind11_state.InvalidGraph, match="Unrecognized attribute"):
        onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    with pytest.raises(C.InvalidGraph, match=expected):
        onyxrt.InferenceSession(model.SerializeToString())


def test_attribute_table_agrees_with_the_onnx_schemas():
    # src/onnx/op_attribute_table.cc is generated (scripts/gen_op_attributes.py); every row must
    # match the installed onnx package's schema of that version. A newer onnx adds rows we lack
    # (regenerate then), but never changes an existing version's attributes.
    import re
    import onnx.defs
    rows = re.findall(r'\{"([^"]*)", "([^"]+)", (\d+), "([^"]*)"\}',
                      (REPO / "src" / "onnx" / "op_attribute_table.cc").read_text())
    assert len(rows) > 600
    schemas = {(s.domain, s.name, s.since_version): sorted(s.attributes)
               for s in onnx.defs.get_all_schemas_with_history()}
    for domain, name, since, attributes in rows:
        assert schemas[(domain, name, int(since))] == attributes.split(), (domain, name, since)


def test_attributes_of_the_models_opset_schema_are_accepted():
    # consumed_inputs is Relu-1's own attribute: the opset-1 schema is the one checked.
    relu1 = _model([helper.make_node("Relu", ["x"], ["y"], consumed_inputs=[0])],
                   [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], opset=1)
    x = np.array([-1.0, 2.0], np.float32)
    np.testing.assert_array_equal(onyxrt.InferenceSession(relu1.SerializeToString()).run(None, {"x": x})[0],
                                  np.maximum(x, 0))


def test_hostile_files_raise_onyxrt_errors(tmp_path):
    good = (REPO / "models" / "demo_cnn.onnx").read_bytes()
    truncated = tmp_path / "truncated.onnx"
    truncated.write_bytes(good[: len(good) // 3])
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    for path in (truncated, junk):
        with pytest.raises((C.InvalidProtobuf, C.InvalidGraph)) as info:
            onyxrt.InferenceSession(str(path))
        assert str(info.value)
    with pytest.raises(C.NoSuchFile):
        onyxrt.InferenceSession(str(tmp_path / "absent.onnx"))


@pytest.mark.parametrize("location", ["../../etc/passwd", "/etc/passwd"])
def test_external_data_outside_the_model_folder_is_refused(tmp_path, location):
    weight = numpy_helper.from_array(np.zeros(4, np.float32), "w")
    weight.ClearField("raw_data")
    weight.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", "16")):
        entry = weight.external_data.add()
        entry.key, entry.value = k, v
    model = _model([helper.make_node("Add", ["x", "w"], ["y"])], [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])], [weight])
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    path = sub / "model.onnx"
    path.write_bytes(model.SerializeToString())
    with pytest.raises(C.InvalidArgument, match="outside|leaves|absolute"):
        onyxrt.InferenceSession(str(path))


def test_profiling_writes_a_trace_named_by_the_prefix(tmp_path):
    so = onyxrt.SessionOptions()
    so.enable_profiling = True
    so.profile_file_prefix = str(tmp_path / "prof_")
    sess = onyxrt.InferenceSession(_relu_add(), so)
    sess.run(None, {"x": np.ones((2, 4), np.float32)})
    path = sess.end_profiling()
    assert path.startswith(str(tmp_path / "prof_")) and path.endswith(".json")
    events = json.load(open(path))
    assert {e["args"].get("op_name") for e in events if e["cat"] == "Node"} == {"Relu", "Add"}


def _profiled_ops(model, so, feeds, run_options=None, fetches=None):
    so.enable_profiling = True
    so.profile_file_prefix = os.path.join(tempfile.gettempdir(), f"onyxrt_t{time.time_ns()}_")
    sess = onyxrt.InferenceSession(model, so)
    sess.run(fetches, feeds, run_options)
    path = sess.end_profiling()
    ops = [e["args"]["op_name"] for e in json.load(open(path)) if e["cat"] == "Node"]
    os.remove(path)
    return ops


def _with_identity():
    return _model([helper.make_node("Identity", ["x"], ["i"]), helper.make_node("Relu", ["i"], ["y"])],
                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])]).SerializeToString()


def test_optimization_level_removes_identity_only_when_enabled():
    feeds = {"x": np.array([-1, 0, 1], np.float32)}
    off = onyxrt.SessionOptions()
    off.graph_optimization_level = onyxrt.GraphOptimizationLevel.ORT_DISABLE_ALL
    assert _profiled_ops(_with_identity(), off, feeds) == ["Identity", "Relu"]
    assert _profiled_ops(_with_identity(), onyxrt.SessionOptions(), feeds) == ["Relu"]
    disabled = onyxrt.SessionOptions()
    disabled.add_session_config_entry("optimization.disable_specified_optimizers", "EliminateIdentity")
    assert _profiled_ops(_with_identity(), disabled, feeds) == ["Identity", "Relu"]


def test_only_execute_path_to_fetches_skips_unneeded_nodes():
    ro = onyxrt.RunOptions()
    ro.only_execute_path_to_fetches = True
    ops = _profiled_ops(_relu_add(), onyxrt.SessionOptions(), {"x": np.ones((2, 4), np.float32)}, ro, ["r"])
    assert ops == ["Relu"]


def test_free_dimension_override_fixes_the_input_shape():
    so = onyxrt.SessionOptions()
    so.add_free_dimension_override_by_name("N", 3)
    sess = onyxrt.InferenceSession(_relu_add(), so)
    assert sess.get_inputs()[0].shape == [3, 4]
    sess.run(None, {"x": np.ones((3, 4), np.float32)})
    with pytest.raises(C.InvalidArgument):
        sess.run(None, {"x": np.ones((2, 4), np.float32)})


def test_add_initializer_replaces_the_model_weight():
    so = onyxrt.SessionOptions()
    b = np.full(4, 10, np.float32)
    so.add_initializer("b", onyxrt.OrtValue.ortvalue_from_numpy(b))
    y = onyxrt.InferenceSession(_relu_add(), so).run(["y"], {"x": np.ones((1, 4), np.float32)})[0]
    np.testing.assert_array_equal(y, np.full((1, 4), 11, np.float32))


def test_strict_shape_inference_turns_conflicts_into_errors():
    model = _model([helper.make_node("Relu", ["x"], ["y"])], [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])]).SerializeToString()
    so = onyxrt.SessionOptions()
    so.log_severity_level = 3
    onyxrt.InferenceSession(model, so)
    so.add_session_config_entry("session.strict_shape_type_inference", "1")
    with pytest.raises(C.InvalidGraph, match="strict"):
        onyxrt.InferenceSession(model, so)


def test_log_severity_and_logid_control_session_logs(capfd):
    so = onyxrt.SessionOptions()
    so.logid = "my-session"
    so.log_severity_level = 0
    onyxrt.InferenceSession(_relu_add(), so)
    err = capfd.readouterr().err
    assert "my-session" in err and "session ready" in err
    quiet = onyxrt.SessionOptions()
    onyxrt.InferenceSession(_relu_add(), quiet)
    assert "session ready" not in capfd.readouterr().err


def _long_loop(trips):
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), helper.make_node("Add", ["acc_in", "one"], ["acc_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [1])],
    )
    return _model(
        [helper.make_node("Loop", ["M", "cond", "acc"], ["out"], body=body)],
        [helper.make_tensor_value_info("acc", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1])],
        [numpy_helper.from_array(np.array(trips, np.int64), "M"), numpy_helper.from_array(np.array(True), "cond"),
         numpy_helper.from_array(np.ones(1, np.float32), "one")],
    ).SerializeToString()


def test_loop_matches_onnxruntime():
    model = _long_loop(37)
    feeds = {"acc": np.zeros(1, np.float32)}
    np.testing.assert_array_equal(onyxrt.InferenceSession(model).run(None, feeds)[0],
                                  onnxruntime.InferenceSession(model).run(None, feeds)[0])


def test_terminate_from_another_thread_stops_a_long_run():
    sess = onyxrt.InferenceSession(_long_loop(10**9))
    ro = onyxrt.RunOptions()
    timer = threading.Timer(0.3, lambda: setattr(ro, "terminate", True))
    timer.start()
    started = time.monotonic()
    with pytest.raises(C.Fail, match="terminate"):
        sess.run(None, {"acc": np.zeros(1, np.float32)}, ro)
    assert time.monotonic() - started < 30
    assert ro.terminate is False  # reset for the next run


@pytest.mark.parametrize("ir_version", [3, 4])
def test_initializers_listed_as_inputs_are_overridable_only_from_ir_4(ir_version):
    # Before IR 4 the spec made every initializer an input too; onnxruntime treats them as
    # constants there, and so do we (they are then folded and pre-packed like any weight).
    w = numpy_helper.from_array(np.ones((3, 3), np.float32), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    w_in = helper.make_tensor_value_info("w", TensorProto.FLOAT, [3, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x, w_in], [y], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 7)])
    model.ir_version = ir_version
    data = model.SerializeToString()
    ours = onyxrt.InferenceSession(data)
    theirs = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    assert [i.name for i in ours.get_inputs()] == [i.name for i in theirs.get_inputs()]
    assert [i.name for i in ours.get_overridable_initializers()] == [
        i.name for i in theirs.get_overridable_initializers()]
