#include "bindings.h"

NB_MODULE(_C, m) {
  onyxrt::python::bind_errors(m);
  onyxrt::python::bind_values(m);
  onyxrt::python::bind_options(m);
  onyxrt::python::bind_session(m);
  onyxrt::python::bind_model_io(m);
}
