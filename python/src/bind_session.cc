// onyxrt::Session as _C.Session, with NodeArg and ModelMetadata. onyxrt/session.py wraps it in the
// InferenceSession that onnxruntime users know (numpy conversion, providers argument).
#include <nanobind/stl/map.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "onyxrt/session.h"

namespace nb = nanobind;

namespace onyxrt::python {
namespace {

// onnxruntime's NodeArg.shape: an int per known dim, the symbol's name for a free dim, None when
// nothing is known; an empty list when the rank itself is unknown.
nb::list shape_list(const IoInfo& io) {
  nb::list out;
  for (const DimInfo& d : io.shape) {
    if (d.value >= 0)
      out.append(d.value);
    else if (!d.symbol.empty())
      out.append(d.symbol);
    else
      out.append(nb::none());
  }
  return out;
}

void bind_io_info(nb::module_& m) {
  nb::class_<IoInfo>(m, "NodeArg")
      .def_ro("name", &IoInfo::name)
      .def_ro("type", &IoInfo::type)
      .def_prop_ro("shape", &shape_list)
      .def("__repr__", [](const IoInfo& io) {
        return "NodeArg(name=" + nb::cast<std::string>(nb::repr(nb::str(io.name.c_str()))) + ", type=" +
               nb::cast<std::string>(nb::repr(nb::str(io.type.c_str()))) + ", shape=" +
               nb::cast<std::string>(nb::repr(shape_list(io))) + ")";
      });

  nb::class_<ModelMetadata>(m, "ModelMetadata")
      .def_ro("producer_name", &ModelMetadata::producer_name)
      .def_ro("graph_name", &ModelMetadata::graph_name)
      .def_ro("domain", &ModelMetadata::domain)
      .def_ro("description", &ModelMetadata::description)
      .def_ro("graph_description", &ModelMetadata::graph_description)
      .def_ro("version", &ModelMetadata::version)
      .def_prop_ro("custom_metadata_map", [](const ModelMetadata& md) {
        nb::dict d;
        for (const auto& [k, v] : md.custom_metadata_map) d[k.c_str()] = v;
        return d;
      });
}

}  // namespace

void bind_session(nb::module_& m) {
  bind_io_info(m);
  nb::class_<Session>(m, "Session")
      .def(nb::init<const std::string&, const SessionOptions&>(), nb::arg("path"), nb::arg("options"),
           nb::call_guard<nb::gil_scoped_release>())
      .def("__init__",
           [](Session* self, nb::bytes model, const SessionOptions& options) {
             // The caller (InferenceSession) keeps `model` alive for the session's lifetime, which
             // session.use_ort_model_bytes_directly relies on.
             nb::gil_scoped_release release;
             new (self) Session(model.c_str(), model.size(), options);
           },
           nb::arg("model"), nb::arg("options"))
      .def("run", &Session::run, nb::arg("output_names"), nb::arg("feeds"), nb::arg("run_options"),
           nb::call_guard<nb::gil_scoped_release>())
      .def("inputs", &Session::inputs, nb::rv_policy::copy)
      .def("outputs", &Session::outputs, nb::rv_policy::copy)
      .def("overridable_initializers", &Session::overridable_initializers, nb::rv_policy::copy)
      .def("metadata", &Session::metadata, nb::rv_policy::copy)
      .def("providers", &Session::providers)
      .def("options", &Session::options, nb::rv_policy::copy)
      .def("end_profiling", &Session::end_profiling);

  m.def("get_available_providers", &available_providers);
  m.def("get_version_string", &version);
}

}  // namespace onyxrt::python
