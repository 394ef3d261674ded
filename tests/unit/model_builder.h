// Builds small ModelProtos in C++ tests without the onnx Python package.
#pragma once
#include <cctype>
#include <string>
#include <vector>

#include "onnx/proto.h"

namespace onyxrt::testing {

inline onnx::ValueInfoProto tensor_info(const std::string& name, int32_t elem, const std::vector<std::string>& dims) {
  onnx::ValueInfoProto v;
  v.name = name;
  v.has_type = true;
  v.type.kind = onnx::TypeProto::Kind::Tensor;
  v.type.elem_type = elem;
  v.type.has_shape = true;
  for (const std::string& d : dims) {
    onnx::TensorShapeProto::Dimension dim;
    if (!d.empty() && (std::isdigit(static_cast<unsigned char>(d[0])))) {
      dim.kind = onnx::TensorShapeProto::Dimension::Kind::Value;
      dim.dim_value = std::stoll(d);
    } else {
      dim.kind = onnx::TensorShapeProto::Dimension::Kind::Param;
      dim.dim_param = d;
    }
    v.type.shape.dim.push_back(dim);
  }
  return v;
}

inline onnx::NodeProto node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out,
                            const std::string& name = "") {
  onnx::NodeProto n;
  n.op_type = op;
  n.input = std::move(in);
  n.output = std::move(out);
  n.name = name.empty() ? op + "_" + (n.output.empty() ? std::string("x") : n.output[0]) : name;
  return n;
}

inline onnx::AttributeProto int_attr(const std::string& name, int64_t v) {
  onnx::AttributeProto a;
  a.name = name;
  a.type = onnx::AttributeProto::INT;
  a.i = v;
  return a;
}

inline onnx::TensorProto float_tensor(const std::string& name, std::vector<int64_t> dims, std::vector<float> values) {
  onnx::TensorProto t;
  t.name = name;
  t.dims = std::move(dims);
  t.data_type = 1;
  t.float_data = std::move(values);
  return t;
}

inline onnx::ModelProto model(onnx::GraphProto graph, int64_t opset = 17) {
  onnx::ModelProto m;
  m.ir_version = 8;
  m.opset_import.push_back({"", opset});
  m.has_graph = true;
  m.graph = std::move(graph);
  m.producer_name = "onyxrt-tests";
  return m;
}

}  // namespace onyxrt::testing
