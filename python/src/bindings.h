// Each bind_*.cc registers one area of the onyxrt._C module.
#pragma once
#include <nanobind/nanobind.h>

namespace onyxrt::python {
void bind_errors(nanobind::module_& m);
void bind_values(nanobind::module_& m);
void bind_options(nanobind::module_& m);
void bind_session(nanobind::module_& m);
void bind_model_io(nanobind::module_& m);
}  // namespace onyxrt::python
