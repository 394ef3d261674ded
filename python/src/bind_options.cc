// SessionOptions, RunOptions, their enums and the logging defaults, as onnxruntime's Python API
// spells them. Validation and logging live in C++ (src/core/options.cc); this file only converts.
#include <nanobind/stl/function.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <filesystem>

#include "bindings.h"
#include "core/config_keys.h"
#include "core/logger.h"
#include "core/options_report.h"
#include "core/provider_names.h"
#include "onyxrt/options.h"
#include "onyxrt/status.h"
#include "onyxrt/value.h"

namespace nb = nanobind;

namespace onyxrt::python {
namespace {

// A Python callable held by C++ (the provider selection delegate): copies and the last release may
// happen without the GIL.
std::shared_ptr<nb::object> hold_callable(nb::object fn) {
  return std::shared_ptr<nb::object>(new nb::object(std::move(fn)), [](nb::object* p) {
    nb::gil_scoped_acquire gil;
    delete p;
  });
}

std::shared_ptr<const std::string> copy_buffer(nb::handle buffer) {
  Py_buffer view;
  if (PyObject_GetBuffer(buffer.ptr(), &view, PyBUF_C_CONTIGUOUS) != 0) throw nb::python_error();
  auto bytes = std::make_shared<const std::string>(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
  PyBuffer_Release(&view);
  return bytes;
}

void bind_enums(nb::module_& m) {
  nb::enum_<GraphOptimizationLevel>(m, "GraphOptimizationLevel", nb::is_arithmetic())
      .value("ORT_DISABLE_ALL", GraphOptimizationLevel::ORT_DISABLE_ALL)
      .value("ORT_ENABLE_BASIC", GraphOptimizationLevel::ORT_ENABLE_BASIC)
      .value("ORT_ENABLE_EXTENDED", GraphOptimizationLevel::ORT_ENABLE_EXTENDED)
      .value("ORT_ENABLE_LAYOUT", GraphOptimizationLevel::ORT_ENABLE_LAYOUT)
      .value("ORT_ENABLE_ALL", GraphOptimizationLevel::ORT_ENABLE_ALL);
  nb::enum_<ExecutionMode>(m, "ExecutionMode", nb::is_arithmetic())
      .value("ORT_SEQUENTIAL", ExecutionMode::ORT_SEQUENTIAL)
      .value("ORT_PARALLEL", ExecutionMode::ORT_PARALLEL);
  nb::enum_<ExecutionOrder>(m, "ExecutionOrder", nb::is_arithmetic())
      .value("DEFAULT", ExecutionOrder::DEFAULT)
      .value("PRIORITY_BASED", ExecutionOrder::PRIORITY_BASED)
      .value("MEMORY_EFFICIENT", ExecutionOrder::MEMORY_EFFICIENT);
}

void bind_session_options(nb::module_& m) {
  using SO = SessionOptions;
  nb::class_<EpDevice>(m, "OrtEpDevice")
      .def(nb::init<>())
      .def_ro("ep_name", &EpDevice::ep_name)
      .def_ro("ep_vendor", &EpDevice::ep_vendor)
      .def_ro("device_type", &EpDevice::device_type)
      .def_prop_ro("ep_metadata", [](const EpDevice&) { return std::map<std::string, std::string>{}; })
      .def_prop_ro("ep_options", [](const EpDevice&) { return std::map<std::string, std::string>{}; });
  m.def("get_ep_devices", [] { return std::vector<EpDevice>{EpDevice{}}; });

  nb::class_<SO>(m, "SessionOptions")
      .def(nb::init<>())
      .def(nb::init<const SO&>())
      .def_rw("enable_cpu_mem_arena", &SO::enable_cpu_mem_arena)
      .def_rw("enable_mem_pattern", &SO::enable_mem_pattern)
      .def_rw("enable_mem_reuse", &SO::enable_mem_reuse)
      .def_rw("enable_profiling", &SO::enable_profiling)
      .def_rw("execution_mode", &SO::execution_mode)
      .def_rw("execution_order", &SO::execution_order)
      .def_rw("graph_optimization_level", &SO::graph_optimization_level)
      .def_rw("inter_op_num_threads", &SO::inter_op_num_threads)
      .def_rw("intra_op_num_threads", &SO::intra_op_num_threads)
      .def_rw("log_severity_level", &SO::log_severity_level)
      .def_rw("log_verbosity_level", &SO::log_verbosity_level)
      .def_rw("logid", &SO::logid)
      .def_rw("optimized_model_filepath", &SO::optimized_model_filepath)
      .def_rw("profile_file_prefix", &SO::profile_file_prefix)
      .def_rw("use_deterministic_compute", &SO::use_deterministic_compute)
      .def_rw("use_per_session_threads", &SO::use_per_session_threads)
      .def("add_session_config_entry", &SO::add_session_config_entry, nb::arg("key"), nb::arg("value"))
      .def("get_session_config_entry",
           [](const SO& o, const std::string& key) {
             // onnxruntime raises a plain RuntimeError for a key never set.
             try {
               return o.get_session_config_entry(key);
             } catch (const Error& e) {
               throw std::runtime_error(e.what());
             }
           },
           nb::arg("key"))
      .def("add_free_dimension_override_by_name", &SO::add_free_dimension_override_by_name)
      .def("add_free_dimension_override_by_denotation", &SO::add_free_dimension_override_by_denotation)
      .def("add_initializer", [](SO& o, const std::string& name, const Value& v) { o.add_initializer(name, v.tensor()); })
      .def("add_external_initializers",
           [](SO& o, const std::vector<std::string>& names, const std::vector<Value>& values) {
             std::vector<Tensor> tensors;
             for (const Value& v : values) tensors.push_back(v.tensor());
             o.add_external_initializers(names, tensors);
           })
      .def("add_external_initializers_from_files_in_memory",
           [](SO& o, const std::vector<std::string>& names, const std::vector<nb::object>& buffers,
              const std::vector<size_t>& lengths) {
             std::vector<std::shared_ptr<const std::string>> copies;
             for (const nb::object& b : buffers) copies.push_back(copy_buffer(b));
             o.add_external_initializers_from_files_in_memory(names, copies, lengths);
           })
      .def("add_provider", &SO::add_provider, nb::arg("provider_name"), nb::arg("options") = std::map<std::string, std::string>{})
      .def("add_provider_for_devices", &SO::add_provider_for_devices)
      .def("has_providers", &SO::has_providers)
      .def("register_custom_ops_library",
           [](SO& o, const std::string& path) {
             // onnxruntime loads the library at once and fails with FAIL when it cannot.
             ONYXRT_ENFORCE(std::filesystem::exists(path), ErrorCode::Fail,
                            "Failed to load library " + path + ": no such file");
             o.register_custom_ops_library(path);
           })
      .def("set_load_cancellation_flag", &SO::set_load_cancellation_flag)
      .def("set_provider_selection_policy", [](SO& o, int policy) { o.set_provider_selection_policy(policy); })
      .def("set_provider_selection_policy_delegate",
           [](SO& o, nb::object fn) {
             auto held = hold_callable(std::move(fn));
             o.set_provider_selection_policy_delegate([held](const std::vector<EpDevice>& devices) {
               nb::gil_scoped_acquire gil;
               nb::object chosen = (*held)(devices, nb::dict(), nb::dict(), devices.size());
               return nb::cast<std::vector<EpDevice>>(chosen);
             });
           })
      .def("_config_entries", &SO::config_entries)
      .def("_ineffective_options", [](const SO& o) { return ineffective_options(o); });
}

void bind_run_options(nb::module_& m) {
  using RO = RunOptions;
  nb::class_<RO>(m, "RunOptions")
      .def(nb::init<>())
      .def_rw("log_severity_level", &RO::log_severity_level)
      .def_rw("log_verbosity_level", &RO::log_verbosity_level)
      .def_rw("logid", &RO::logid)
      // An atomic flag: another thread sets it while run() holds no GIL.
      .def_prop_rw("terminate", &RO::terminate, &RO::set_terminate)
      .def_rw("only_execute_path_to_fetches", &RO::only_execute_path_to_fetches)
      .def_rw("training_mode", &RO::training_mode)
      .def("add_run_config_entry", &RO::add_run_config_entry, nb::arg("key"), nb::arg("value"))
      .def("get_run_config_entry",
           [](const RO& o, const std::string& key) {
             try {
               return o.get_run_config_entry(key);
             } catch (const Error& e) {
               throw std::runtime_error(e.what());
             }
           },
           nb::arg("key"));
}

// The key registry, for introspection and the tests (onyxrt._C._config_keys()).
void bind_config_registry(nb::module_& m) {
  m.def("_config_keys", [] {
    nb::list out;
    for (const config::Key& k : config::all_keys()) {
      nb::dict d;
      d["name"] = std::string(k.name);
      d["scope"] = config::scope_name(k.scope);
      d["default"] = k.has_default ? nb::cast(std::string(k.default_value)) : nb::none();
      d["allowed"] = config::describe_allowed(k);
      d["component"] = std::string(k.component);
      d["status"] = config::status_name(k.status);
      d["hardware"] = std::string(k.hardware);
      out.append(d);
    }
    return out;
  });
}

}  // namespace

void bind_options(nb::module_& m) {
  bind_enums(m);
  bind_session_options(m);
  bind_run_options(m);
  bind_config_registry(m);
  m.def("set_default_logger_severity", [](int severity) {
    ONYXRT_ENFORCE(severity >= 0 && severity <= 4, ErrorCode::InvalidArgument,
                   "set_default_logger_severity: severity must be in [0, 4] (VERBOSE..FATAL), got " +
                       std::to_string(severity));
    Logger::set_default_severity(severity);
  });
  m.def("set_default_logger_verbosity", [](int verbosity) {
    ONYXRT_ENFORCE(verbosity >= 0, ErrorCode::InvalidArgument,
                   "set_default_logger_verbosity: verbosity must be >= 0, got " + std::to_string(verbosity));
    Logger::set_default_verbosity(verbosity);
  });
  m.def("_known_providers", [] {
    std::vector<std::string> names;
    for (const KnownProvider& p : known_providers()) names.emplace_back(p.name);
    return names;
  });
}

}  // namespace onyxrt::python
