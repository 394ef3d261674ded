"""SessionOptions / RunOptions against the session options guide (shared/seed/session-options-guide.txt,
encoded below as the expected spec) and against onnxruntime's own objects where it has the item."""

import threading

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper

import onyxrt
from onyxrt import _C

# ---- The guide, as data -------------------------------------------------------------------------

SESSION_PROPERTIES = {
    "enable_cpu_mem_arena": True,
    "enable_mem_pattern": True,
    "enable_mem_reuse": True,
    "enable_profiling": False,
    "execution_mode": ("ExecutionMode", "ORT_SEQUENTIAL"),
    "execution_order": ("ExecutionOrder", "DEFAULT"),
    "graph_optimization_level": ("GraphOptimizationLevel", "ORT_ENABLE_ALL"),
    "inter_op_num_threads": 0,
    "intra_op_num_threads": 0,
    "log_severity_level": -1,
    "log_verbosity_level": 0,
    "logid": "",
    "optimized_model_filepath": "",
    "profile_file_prefix": "onnxruntime_profile_",
    "use_deterministic_compute": False,
    "use_per_session_threads": True,
}

SESSION_METHODS = [
    "add_session_config_entry", "get_session_config_entry", "add_free_dimension_override_by_name",
    "add_free_dimension_override_by_denotation", "add_initializer", "add_external_initializers",
    "add_external_initializers_from_files_in_memory", "add_provider", "add_provider_for_devices",
    "has_providers", "register_custom_ops_library", "set_load_cancellation_flag",
    "set_provider_selection_policy", "set_provider_selection_policy_delegate",
]

ENUMS = {
    "GraphOptimizationLevel": {"ORT_DISABLE_ALL": 0, "ORT_ENABLE_BASIC": 1, "ORT_ENABLE_EXTENDED": 2,
                               "ORT_ENABLE_LAYOUT": 3, "ORT_ENABLE_ALL": 99},
    "ExecutionMode": {"ORT_SEQUENTIAL": 0, "ORT_PARALLEL": 1},
    "ExecutionOrder": {"DEFAULT": 0, "PRIORITY_BASED": 1, "MEMORY_EFFICIENT": 2},
}

# key -> documented default; None where the guide says the key is unset by default.
SESSION_KEYS = {
    "session.disable_prepacking": "0", "session.use_env_allocators": "0", "session.load_model_format": "",
    "session.save_model_format": "", "session.set_denormal_as_zero": "0", "session.disable_quant_qdq": "0",
    "session.disable_qdq_constant_folding": "0", "session.disable_double_qdq_remover": "0",
    "session.enable_quant_qdq_cleanup": "0", "session.disable_aot_function_inlining": "0",
    "session.graph_optimizations_loop_level": "1", "session.use_device_allocator_for_initializers": "0",
    "session.inter_op.allow_spinning": "1", "session.intra_op.allow_spinning": "1",
    "session.intra_op.spin_duration_us": None, "session.inter_op.spin_duration_us": None,
    "session.intra_op.spin_backoff_max": "1", "session.inter_op.spin_backoff_max": "1",
    "session.use_ort_model_bytes_directly": "0", "session.use_ort_model_bytes_for_initializers": "0",
    "session.qdqisint8allowed": "0", "session.x64quantprecision": "0", "session.dynamic_block_base": None,
    "session.force_spinning_stop": "0", "session.strict_shape_type_inference": "0",
    "session.allow_released_opsets_only": "0", "session.node_partition_config_file": "",
    "session.intra_op_thread_affinities": "", "session.debug_layout_transformation": "0",
    "session.disable_cpu_ep_fallback": "0", "session.optimized_model_external_initializers_file_name": "",
    "session.optimized_model_external_initializers_min_size_in_bytes": "1024",
    "session.model_external_initializers_file_folder_path": "",
    "session.save_external_prepacked_constant_initializers": "0",
    "session.collect_node_memory_stats_to_file": None, "session.resource_cuda_partitioning_settings": "",
    "session.layer_assignment_settings": "", "session.qdq_matmulnbits_accuracy_level": "4",
    "session.qdq_matmulnbits_block_size": "0", "session.enable_dq_matmulnbits_fusion": "0",
    "session.disable_model_compile": "0", "session.fail_on_suboptimal_compiled_model": "0",
    "session.record_ep_graph_assignment_info": "0",
    "optimization.enable_gelu_approximation": "0", "optimization.enable_cast_chain_elimination": "0",
    "optimization.disable_specified_optimizers": "", "optimization.minimal_build_optimizations": "",
    "optimization.memory_optimizer_config": "", "optimization.enable_memory_probe_recompute_config": "0:0",
    "ep.nnapi.partitioning_stop_ops": None, "ep.context_enable": "0", "ep.context_file_path": None,
    "ep.context_embed_mode": "0", "ep.context_node_name_prefix": "", "ep.share_ep_contexts": "0",
    "ep.stop_share_ep_contexts": "0", "ep.context_model_external_initializers_file_name": "",
    "ep.enable_weightless_ep_context_nodes": "0",
    "mlas.enable_gemm_fastmath_arm64_bfloat16": "0", "mlas.use_lut_gemm": "0", "mlas.disable_kleidiai": "0",
    "ep.dynamic.workload_type": "Default", "ep.dynamic.qnn_htp_performance_mode": "default",
}
# A valid value for the keys the guide leaves unset.
SAMPLE_VALUES = {
    "session.intra_op.spin_duration_us": "1000", "session.inter_op.spin_duration_us": "500",
    "session.dynamic_block_base": "4", "session.collect_node_memory_stats_to_file": "/tmp/stats.csv",
    "ep.nnapi.partitioning_stop_ops": "Resize,Softmax", "ep.context_file_path": "/tmp/model_ctx.onnx",
    "qnn.rpc_control_latency": "100", "qnn.lora_config": "/tmp/lora.cfg",
}

RUN_PROPERTIES = {"log_severity_level": 2, "log_verbosity_level": 0, "logid": "", "terminate": False,
                  "only_execute_path_to_fetches": False, "training_mode": False}
RUN_KEYS = {"memory.enable_memory_arena_shrinkage": "", "disable_synchronize_execution_providers": "0",
            "qnn.htp_perf_mode": "default", "qnn.htp_perf_mode_post_run": "default",
            "qnn.rpc_control_latency": None, "qnn.lora_config": None, "gpu_graph_id": "0"}

HTP_MODES = ["burst", "balanced", "default", "high_performance", "high_power_saver", "low_balanced",
             "extreme_power_saver", "low_power_saver", "power_saver", "sustained_high_performance"]

# Keys the guide ties to hardware or builds onyxrt lacks: setting one must say so in the log.
HARDWARE_KEYS = ["ep.dynamic.qnn_htp_performance_mode", "mlas.disable_kleidiai",
                 "mlas.enable_gemm_fastmath_arm64_bfloat16", "ep.context_enable", "ep.share_ep_contexts",
                 "session.resource_cuda_partitioning_settings", "ep.nnapi.partitioning_stop_ops",
                 "session.disable_model_compile"]
HARDWARE_RUN_KEYS = ["qnn.htp_perf_mode", "qnn.htp_perf_mode_post_run", "gpu_graph_id",
                     "disable_synchronize_execution_providers"]

EXCEPTIONS = ["Fail", "InvalidArgument", "NoSuchFile", "NoModel", "EngineError", "RuntimeException",
              "InvalidProtobuf", "ModelLoaded", "NotImplemented", "InvalidGraph", "EPFail",
              "ModelLoadCanceled", "ModelRequiresCompilation", "NotFound"]


def _value_for(key, default):
    if default is None:
        return SAMPLE_VALUES[key]
    return default


def _registry():
    return {k["name"]: k for k in _C._config_keys()}


def _same(onyx_value, expected):
    if isinstance(expected, tuple):
        enum_name, member = expected
        return onyx_value == getattr(getattr(onyxrt, enum_name), member) and onyx_value.name == member
    return type(onyx_value) is type(expected) and onyx_value == expected


# ---- Named properties, methods, enums ----------------------------------------------------------

@pytest.mark.parametrize("name,default", SESSION_PROPERTIES.items())
def test_session_property_default_matches_guide_and_onnxruntime(name, default):
    value = getattr(onyxrt.SessionOptions(), name)
    assert _same(value, default), f"{name}: {value!r}"
    reference = getattr(onnxruntime.SessionOptions(), name)
    if isinstance(default, tuple):
        assert int(value) == int(reference) and value.name == reference.name
    else:
        assert value == reference


@pytest.mark.parametrize("name,value", [("enable_cpu_mem_arena", False), ("inter_op_num_threads", 3),
                                        ("logid", "abc"), ("profile_file_prefix", "/tmp/p_"),
                                        ("log_severity_level", 3), ("use_per_session_threads", False)])
def test_session_property_is_settable(name, value):
    so = onyxrt.SessionOptions()
    setattr(so, name, value)
    assert getattr(so, name) == value


def test_enum_properties_are_settable():
    so = onyxrt.SessionOptions()
    so.graph_optimization_level = onyxrt.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.execution_mode = onyxrt.ExecutionMode.ORT_PARALLEL
    so.execution_order = onyxrt.ExecutionOrder.MEMORY_EFFICIENT
    assert so.graph_optimization_level == 0 and so.execution_mode == 1 and so.execution_order == 2


@pytest.mark.parametrize("name", SESSION_METHODS)
def test_session_method_exists_like_onnxruntime(name):
    assert callable(getattr(onyxrt.SessionOptions(), name))
    assert callable(getattr(onnxruntime.SessionOptions(), name))


@pytest.mark.parametrize("enum_name", ENUMS)
def test_enum_members_match_guide_and_onnxruntime(enum_name):
    ours, theirs = getattr(onyxrt, enum_name), getattr(onnxruntime, enum_name)
    assert {n: int(v) for n, v in ours.__members__.items()} == ENUMS[enum_name]
    assert {n: int(v) for n, v in theirs.__members__.items()} == ENUMS[enum_name]
    for member, value in ENUMS[enum_name].items():
        e = getattr(ours, member)
        assert e == value and int(e) == value and e.name == member
        assert str(e) == str(getattr(theirs, member))


@pytest.mark.parametrize("name,default", RUN_PROPERTIES.items())
def test_run_property_default_matches_guide(name, default):
    value = getattr(onyxrt.RunOptions(), name)
    assert type(value) is type(default) and value == default
    reference = onnxruntime.RunOptions()
    # onnxruntime 1.2x+ reports log_severity_level -1 ("use the default", WARNING) where the guide
    # documents 2; training_mode exists only in training builds.
    if hasattr(reference, name) and name != "log_severity_level":
        assert value == getattr(reference, name)


def test_run_terminate_is_settable_from_another_thread():
    ro = onyxrt.RunOptions()
    t = threading.Thread(target=lambda: setattr(ro, "terminate", True))
    t.start()
    t.join()
    assert ro.terminate is True
    ro.terminate = False
    assert ro.terminate is False


# ---- Config key registry ------------------------------------------------------------------------

def test_registry_declares_exactly_the_guide_keys():
    reg = _registry()
    assert {k for k, v in reg.items() if v["scope"] == "session"} == set(SESSION_KEYS)
    assert {k for k, v in reg.items() if v["scope"] == "run"} == set(RUN_KEYS)


@pytest.mark.parametrize("key,default", list(SESSION_KEYS.items()) + list(RUN_KEYS.items()))
def test_registry_default_and_status(key, default):
    entry = _registry()[key]
    assert entry["default"] == default
    assert entry["status"] in ("effective", "not-yet", "not-applicable")
    assert entry["component"]
    if entry["status"] == "not-applicable":
        assert entry["hardware"]


@pytest.mark.parametrize("key,default", SESSION_KEYS.items())
def test_session_config_entry_round_trips(key, default):
    so = onyxrt.SessionOptions()
    so.log_severity_level = 3  # keep the "no effect yet" lines out of the output
    value = _value_for(key, default)
    so.add_session_config_entry(key, value)
    assert so.get_session_config_entry(key) == value


@pytest.mark.parametrize("key,default", RUN_KEYS.items())
def test_run_config_entry_round_trips(key, default):
    ro = onyxrt.RunOptions()
    ro.log_severity_level = 3
    value = _value_for(key, default)
    ro.add_run_config_entry(key, value)
    assert ro.get_run_config_entry(key) == value


def test_unset_entry_raises_runtime_error_like_onnxruntime():
    for options in (onyxrt.SessionOptions(), onnxruntime.SessionOptions()):
        with pytest.raises(RuntimeError, match="session.disable_prepacking"):
            options.get_session_config_entry("session.disable_prepacking")
    for options in (onyxrt.RunOptions(), onnxruntime.RunOptions()):
        with pytest.raises(RuntimeError, match="gpu_graph_id"):
            options.get_run_config_entry("gpu_graph_id")


@pytest.mark.parametrize("typo,closest", [
    ("session.disable_prepackng", "session.disable_prepacking"),
    ("session.intra_op.allow_spining", "session.intra_op.allow_spinning"),
    ("optimization.enable_gelu_aproximation", "optimization.enable_gelu_approximation"),
    ("mlas.disable_kleidi", "mlas.disable_kleidiai"),
])
def test_unknown_session_key_names_closest(typo, closest):
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument) as info:
        onyxrt.SessionOptions().add_session_config_entry(typo, "1")
    assert f"unknown session config key '{typo}'; did you mean '{closest}'?" in str(info.value)


def test_unknown_run_key_names_closest():
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument, match="'gpu_graph_id'"):
        onyxrt.RunOptions().add_run_config_entry("gpu_graph_idx", "1")


@pytest.mark.parametrize("key,value,allowed", [
    ("session.disable_prepacking", "yes", '"0" or "1"'),
    ("session.load_model_format", "TFLITE", '"ORT", "ONNX"'),
    ("session.graph_optimizations_loop_level", "3", "[0, 2]"),
    ("session.qdq_matmulnbits_accuracy_level", "x", "[0, 4]"),
    ("session.qdq_matmulnbits_block_size", "24", "power of two"),
    ("ep.dynamic.workload_type", "Fast", '"Default", "Efficient"'),
    ("ep.dynamic.qnn_htp_performance_mode", "turbo", '"sustained_high_performance"'),
    ("optimization.enable_memory_probe_recompute_config", "0", "<int>:<int>"),
    ("session.intra_op_thread_affinities", "a;b", "';'"),
])
def test_bad_value_says_what_is_allowed(key, value, allowed):
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument) as info:
        onyxrt.SessionOptions().add_session_config_entry(key, value)
    assert key in str(info.value) and allowed in str(info.value) and f"'{value}'" in str(info.value)


@pytest.mark.parametrize("key,value", [("qnn.htp_perf_mode", "fast"), ("gpu_graph_id", "-2"),
                                       ("memory.enable_memory_arena_shrinkage", "cpu"),
                                       ("disable_synchronize_execution_providers", "true")])
def test_bad_run_value_raises(key, value):
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument, match=key):
        onyxrt.RunOptions().add_run_config_entry(key, value)


def test_htp_modes_are_the_guide_list():
    for mode in HTP_MODES:
        onyxrt.RunOptions().add_run_config_entry("qnn.htp_perf_mode", mode)
        so = onyxrt.SessionOptions()
        so.log_severity_level = 3
        so.add_session_config_entry("ep.dynamic.qnn_htp_performance_mode", mode)


# ---- Log lines for what has no effect -------------------------------------------------------------

@pytest.mark.parametrize("key", HARDWARE_KEYS)
def test_hardware_key_logs_not_available(key, capfd):
    onyxrt.SessionOptions().add_session_config_entry(key, _value_for(key, SESSION_KEYS[key]))
    err = capfd.readouterr().err
    assert key in err and "not available: ignored" in err


@pytest.mark.parametrize("key", HARDWARE_RUN_KEYS)
def test_hardware_run_key_logs_not_available(key, capfd):
    onyxrt.RunOptions().add_run_config_entry(key, RUN_KEYS[key])
    err = capfd.readouterr().err
    assert key in err and "not available: ignored" in err


def test_not_yet_key_logs_no_effect_and_severity_silences_it(capfd):
    onyxrt.SessionOptions().add_session_config_entry("session.save_external_prepacked_constant_initializers", "1")
    assert "'session.save_external_prepacked_constant_initializers' has no effect on onyxrt yet" in capfd.readouterr().err
    so = onyxrt.SessionOptions()
    so.log_severity_level = 3
    so.add_session_config_entry("session.save_external_prepacked_constant_initializers", "1")
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("provider", ["CUDAExecutionProvider", "TensorrtExecutionProvider", "QNNExecutionProvider",
                                      "DmlExecutionProvider", "NnapiExecutionProvider", "CoreMLExecutionProvider",
                                      "OpenVINOExecutionProvider", "ROCMExecutionProvider",
                                      "XnnpackExecutionProvider"])
def test_hardware_provider_is_accepted_and_logged(provider, capfd):
    so = onyxrt.SessionOptions()
    so.add_provider(provider, {})
    assert so.has_providers()
    err = capfd.readouterr().err
    assert provider in err and "not available: ignored" in err


def test_cpu_provider_is_silent(capfd):
    so = onyxrt.SessionOptions()
    assert not so.has_providers()
    so.add_provider("CPUExecutionProvider", {})
    assert so.has_providers() and capfd.readouterr().err == ""


def test_unknown_provider_names_closest():
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument,
                       match="did you mean 'CUDAExecutionProvider'"):
        onyxrt.SessionOptions().add_provider("CUDAExecutionProvder", {})


def _relu_model_bytes():
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def test_ineffective_property_is_reported_at_session_creation(capfd):
    so = onyxrt.SessionOptions()
    so.enable_mem_pattern = False
    so.execution_mode = onyxrt.ExecutionMode.ORT_PARALLEL
    assert "enable_mem_pattern=False" in so._ineffective_options()
    onyxrt.InferenceSession(_relu_model_bytes(), so, providers=["CPUExecutionProvider"])
    err = capfd.readouterr().err
    assert "enable_mem_pattern=False has no effect on onyxrt yet" in err
    assert "execution_mode=ORT_PARALLEL has no effect on onyxrt yet" in err


def test_effective_properties_are_not_reported():
    so = onyxrt.SessionOptions()
    so.intra_op_num_threads = 2
    so.graph_optimization_level = onyxrt.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.logid = "x"
    so.enable_profiling = True
    assert so._ineffective_options() == []


# ---- Methods ------------------------------------------------------------------------------------

def test_methods_record_and_validate_like_onnxruntime():
    so = onyxrt.SessionOptions()
    so.add_free_dimension_override_by_name("batch", 4)
    so.add_free_dimension_override_by_denotation("DATA_BATCH", 2)
    w = onyxrt.OrtValue.ortvalue_from_numpy(np.zeros(2, np.float32))
    so.add_initializer("w", w)
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument, match="already been added"):
        so.add_initializer("w", w)
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument, match="equal length"):
        so.add_external_initializers(["a", "b"], [w])
    so.add_external_initializers_from_files_in_memory(["w.bin"], [np.zeros(8, np.uint8)], [8])
    so.set_load_cancellation_flag(True)
    so.set_provider_selection_policy(onyxrt.OrtExecutionProviderDevicePolicy.PREFER_GPU)
    assert so.has_providers()
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.Fail):
        so.register_custom_ops_library("/nonexistent/libcustom.so")
    with pytest.raises(onnxruntime.capi.onnxruntime_pybind11_state.Fail):
        onnxruntime.SessionOptions().register_custom_ops_library("/nonexistent/libcustom.so")


def test_provider_selection_policy_members_match_onnxruntime():
    theirs = {n: int(v) for n, v in onnxruntime.OrtExecutionProviderDevicePolicy.__members__.items()}
    assert {n: int(v) for n, v in onyxrt.OrtExecutionProviderDevicePolicy.__members__.items()} == theirs


# ---- Exceptions and module surface --------------------------------------------------------------

@pytest.mark.parametrize("name", EXCEPTIONS)
def test_exception_class_matches_onnxruntime(name):
    from onnxruntime.capi import onnxruntime_pybind11_state as theirs

    from onyxrt.capi import onnxruntime_pybind11_state as ours
    cls, ref = getattr(ours, name), getattr(theirs, name)
    assert cls.__module__ == "onyxrt.capi.onnxruntime_pybind11_state"
    assert [c.__name__ for c in cls.__mro__] == [c.__name__ for c in ref.__mro__]


def test_module_functions():
    assert onyxrt.get_available_providers() == ["CPUExecutionProvider"]
    assert onyxrt.get_device() == onnxruntime.get_device() == "CPU"
    assert onyxrt.__version__ == onyxrt.get_version_string()
    # Every provider onnxruntime knows is recognised (older ones such as ROCm too).
    assert set(onnxruntime.get_all_providers()) <= set(onyxrt.get_all_providers())
    onyxrt.set_default_logger_severity(3)
    onyxrt.set_default_logger_severity(2)
    with pytest.raises(onyxrt.capi.onnxruntime_pybind11_state.InvalidArgument):
        onyxrt.set_default_logger_severity(7)
