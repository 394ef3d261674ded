// Encodes the structs of proto.h back to protobuf wire bytes (field numbers of onnx-ml.proto).
//
// onnx.proto is proto2: a field set to its default value is distinct from an absent one, and
// protobuf's message equality tells them apart. proto.h keeps presence only where it matters to
// the engine (has_graph, has_raw_data, ...), so for the rest the writer follows what
// onnx.helper and the exporters do: fields those always set (names, opset domains, attribute
// values of the declared type, tensor element types) are written even when empty or zero; other
// scalars are written only when they differ from the default.
#include "onnx/proto_writer.h"

#include <fstream>

#include "onnx/model_io.h"
#include "onnx/presence.h"
#include "onnx/wire_writer.h"
#include "onyxrt/status.h"

namespace onyxrt::onnx {

namespace {

template <typename S> void encode(WireWriter<S>& w, const GraphProto& g);
template <typename S> void encode(WireWriter<S>& w, const TypeProto& t);

template <typename S>
void encode(WireWriter<S>& w, const StringStringEntryProto& e) {
  w.bytes_field(1, e.key);
  w.bytes_field(2, e.value);
}

template <typename S>
void entries(WireWriter<S>& w, uint32_t field, const std::vector<StringStringEntryProto>& v) {
  for (const auto& e : v) w.message(field, [&](auto& sub) { encode(sub, e); });
}

template <typename S>
void encode(WireWriter<S>& w, const OperatorSetIdProto& o) {
  // onnx.helper.make_opsetid sets the domain even for the default domain "".
  if (domain_present(o, true)) w.bytes_field(1, o.domain);
  w.int64_field(2, o.version);
}

template <typename S>
void encode(WireWriter<S>& w, const TensorProto& t) {
  w.packed_varints(1, t.dims);
  w.int32_field(2, t.data_type);
  if (t.has_segment) {
    w.message(3, [&](auto& sub) {
      // A segment is meaningless without both bounds, so both are always written.
      sub.int64_field(1, t.segment_begin);
      sub.int64_field(2, t.segment_end);
    });
  }
  w.packed_fixed(4, t.float_data);
  w.packed_varints(5, t.int32_data);
  w.strings(6, t.string_data);
  w.packed_varints(7, t.int64_data);
  if (name_present(t, !t.name.empty())) w.bytes_field(8, t.name);
  if (t.has_raw_data) w.bytes_field(9, t.raw_data.data, t.raw_data.size);
  w.packed_fixed(10, t.double_data);
  w.packed_varints(11, t.uint64_data);
  w.string_if_set(12, t.doc_string);
  entries(w, 13, t.external_data);
  if (t.data_location != TensorProto::DEFAULT) w.int32_field(14, t.data_location);
  entries(w, 16, t.metadata_props);
}

template <typename S>
void encode(WireWriter<S>& w, const SparseTensorProto& s) {
  w.message(1, [&](auto& sub) { encode(sub, s.values); });
  w.message(2, [&](auto& sub) { encode(sub, s.indices); });
  w.packed_varints(3, s.dims);
}

template <typename S>
void encode(WireWriter<S>& w, const TensorShapeProto& s) {
  for (const auto& d : s.dim) {
    w.message(1, [&](auto& sub) {
      using K = TensorShapeProto::Dimension::Kind;
      if (d.kind == K::Value) sub.int64_field(1, d.dim_value);
      if (d.kind == K::Param) sub.bytes_field(2, d.dim_param);
      sub.string_if_set(3, d.denotation);
    });
  }
}

template <typename S>
void encode_tensor_type(WireWriter<S>& w, const TypeProto& t) {
  w.int32_field(1, t.elem_type);
  if (t.has_shape) w.message(2, [&](auto& sub) { encode(sub, t.shape); });
}

template <typename S>
void encode(WireWriter<S>& w, const TypeProto& t) {
  using K = TypeProto::Kind;
  auto elem = [&](auto& sub, uint32_t field) {
    if (t.elem) sub.message(field, [&](auto& e) { encode(e, *t.elem); });
  };
  switch (t.kind) {
    case K::Unset: break;
    case K::Tensor: w.message(1, [&](auto& sub) { encode_tensor_type(sub, t); }); break;
    case K::Sequence: w.message(4, [&](auto& sub) { elem(sub, 1); }); break;
    case K::Map:
      w.message(5, [&](auto& sub) {
        sub.int32_field(1, t.key_type);
        elem(sub, 2);
      });
      break;
    case K::SparseTensor: w.message(8, [&](auto& sub) { encode_tensor_type(sub, t); }); break;
    case K::Optional: w.message(9, [&](auto& sub) { elem(sub, 1); }); break;
  }
  w.string_if_set(6, t.denotation);
}

template <typename S>
void encode(WireWriter<S>& w, const AttributeProto& a) {
  using A = AttributeProto;
  w.bytes_field(1, a.name);
  // The single-value field of the declared type is written even when it holds the default,
  // as onnx.helper.make_attribute does (axis=0 must stay distinguishable from "no value"). A
  // reference to a function attribute (ref_attr_name) carries no value of its own.
  bool valued = a.ref_attr_name.empty();
  if ((valued && a.type == A::FLOAT) || a.f != 0) w.float_field(2, a.f);
  if ((valued && a.type == A::INT) || a.i != 0) w.int64_field(3, a.i);
  if ((valued && a.type == A::STRING) || !a.s.empty()) w.bytes_field(4, a.s);
  if (valued && a.type == A::TENSOR) w.message(5, [&](auto& sub) { encode(sub, a.t); });
  if (a.g) w.message(6, [&](auto& sub) { encode(sub, *a.g); });
  w.packed_fixed(7, a.floats);
  w.packed_varints(8, a.ints);
  w.strings(9, a.strings);
  for (const auto& t : a.tensors) w.message(10, [&](auto& sub) { encode(sub, t); });
  for (const auto& g : a.graphs) {
    if (g) w.message(11, [&](auto& sub) { encode(sub, *g); });
  }
  w.string_if_set(13, a.doc_string);
  if (valued && a.type == A::TYPE_PROTO) w.message(14, [&](auto& sub) { encode(sub, a.tp); });
  for (const auto& t : a.type_protos) w.message(15, [&](auto& sub) { encode(sub, t); });
  if (a.type != A::UNDEFINED) w.int32_field(20, a.type);
  w.string_if_set(21, a.ref_attr_name);
  if (valued && a.type == A::SPARSE_TENSOR) w.message(22, [&](auto& sub) { encode(sub, a.sparse_tensor); });
  for (const auto& s : a.sparse_tensors) w.message(23, [&](auto& sub) { encode(sub, s); });
}

template <typename S>
void encode(WireWriter<S>& w, const ValueInfoProto& v) {
  w.bytes_field(1, v.name);
  if (v.has_type) w.message(2, [&](auto& sub) { encode(sub, v.type); });
  w.string_if_set(3, v.doc_string);
  entries(w, 4, v.metadata_props);
}

template <typename S>
void encode(WireWriter<S>& w, const NodeProto& n) {
  w.strings(1, n.input);
  w.strings(2, n.output);
  w.string_if_set(3, n.name);
  w.string_if_set(4, n.op_type);
  for (const auto& a : n.attribute) w.message(5, [&](auto& sub) { encode(sub, a); });
  w.string_if_set(6, n.doc_string);
  if (domain_present(n, !n.domain.empty())) w.bytes_field(7, n.domain);
  w.string_if_set(8, n.overload);
  entries(w, 9, n.metadata_props);
}

template <typename S>
void encode(WireWriter<S>& w, const TensorAnnotation& a) {
  w.bytes_field(1, a.tensor_name);
  entries(w, 2, a.quant_parameter_tensor_names);
}

template <typename S>
void encode(WireWriter<S>& w, const GraphProto& g) {
  for (const auto& n : g.node) w.message(1, [&](auto& sub) { encode(sub, n); });
  w.bytes_field(2, g.name);  // onnx.helper.make_graph always sets it
  for (const auto& t : g.initializer) w.message(5, [&](auto& sub) { encode(sub, t); });
  w.string_if_set(10, g.doc_string);
  for (const auto& v : g.input) w.message(11, [&](auto& sub) { encode(sub, v); });
  for (const auto& v : g.output) w.message(12, [&](auto& sub) { encode(sub, v); });
  for (const auto& v : g.value_info) w.message(13, [&](auto& sub) { encode(sub, v); });
  for (const auto& a : g.quantization_annotation) w.message(14, [&](auto& sub) { encode(sub, a); });
  for (const auto& s : g.sparse_initializer) w.message(15, [&](auto& sub) { encode(sub, s); });
  entries(w, 16, g.metadata_props);
}

template <typename S>
void encode(WireWriter<S>& w, const FunctionProto& f) {
  w.bytes_field(1, f.name);
  w.strings(4, f.input);
  w.strings(5, f.output);
  w.strings(6, f.attribute);
  for (const auto& n : f.node) w.message(7, [&](auto& sub) { encode(sub, n); });
  w.string_if_set(8, f.doc_string);
  for (const auto& o : f.opset_import) w.message(9, [&](auto& sub) { encode(sub, o); });
  w.bytes_field(10, f.domain);  // onnx.helper.make_function always sets it
  for (const auto& a : f.attribute_proto) w.message(11, [&](auto& sub) { encode(sub, a); });
  for (const auto& v : f.value_info) w.message(12, [&](auto& sub) { encode(sub, v); });
  w.string_if_set(13, f.overload);
  entries(w, 14, f.metadata_props);
}

template <typename S>
void encode(WireWriter<S>& w, const ModelProto& m) {
  if (m.ir_version != 0) w.int64_field(1, m.ir_version);
  w.string_if_set(2, m.producer_name);
  w.string_if_set(3, m.producer_version);
  w.string_if_set(4, m.domain);
  if (m.model_version != 0) w.int64_field(5, m.model_version);
  w.string_if_set(6, m.doc_string);
  if (m.has_graph) w.message(7, [&](auto& sub) { encode(sub, m.graph); });
  for (const auto& o : m.opset_import) w.message(8, [&](auto& sub) { encode(sub, o); });
  entries(w, 14, m.metadata_props);
  for (const auto& f : m.functions) w.message(25, [&](auto& sub) { encode(sub, f); });
}

template <typename T>
std::string encode_to_string(const T& msg) {
  SizeSink counter;
  WireWriter<SizeSink> cw(counter);
  encode(cw, msg);
  std::string out;
  out.reserve(counter.size());
  StringSink sink(out);
  WireWriter<StringSink> w(sink);
  encode(w, msg);
  return out;
}

}  // namespace

std::string encode_tensor_proto(const TensorProto& tensor) { return encode_to_string(tensor); }

std::string serialize_model(const ModelProto& model) { return encode_to_string(model); }

void save_model(const ModelProto& model, const std::string& path) {
  std::string bytes = serialize_model(model);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw_error(ErrorCode::NoSuchFile, "cannot open '" + path + "' for writing the model");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw_error(ErrorCode::Fail, "failed writing " + std::to_string(bytes.size()) + " bytes to '" + path + "'");
}

}  // namespace onyxrt::onnx
