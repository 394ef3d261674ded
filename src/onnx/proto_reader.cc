// Field numbers below are those of onnx/onnx-ml.proto (ONNX 1.23). A field seen twice follows
// protobuf's merge rule: scalars take the last value, repeated fields append, and embedded
// messages merge, which falls out of decoding into the existing struct.
#include "onnx/proto_reader.h"

#include <string>

#include "onnx/presence.h"
#include "onnx/wire_reader.h"
#include "onyxrt/status.h"

namespace onyxrt::onnx {

namespace {

class Decoder {
 public:
  Decoder(const uint8_t* origin, size_t size, const DecodeLimits& limits)
      : origin_(origin),
        max_nesting_(limits.max_nesting),
        struct_budget_(limits.struct_budget ? limits.struct_budget : DecodeLimits::default_struct_budget(size)) {}

  WireReader root(const uint8_t* data, size_t size, const char* message) const {
    return WireReader(data, data + size, origin_, message);
  }

  void model(WireReader r, ModelProto& m);
  void tensor(WireReader r, TensorProto& t);
  void sparse_tensor(WireReader r, SparseTensorProto& s);

 private:
  // Counts nesting for the duration of one embedded message.
  struct Nest {
    Decoder& d;
    Nest(Decoder& dec, const WireReader& r) : d(dec) {
      if (++d.depth_ > d.max_nesting_)
        r.fail("messages nested deeper than " + std::to_string(d.max_nesting_) + " levels");
    }
    ~Nest() { --d.depth_; }
  };

  // Appends one element to a repeated field after charging its size to the budget.
  template <typename T>
  T& add(std::vector<T>& v, const WireReader& r) {
    charge(sizeof(T), r);
    return v.emplace_back();
  }
  void charge(size_t bytes, const WireReader& r) {
    if (bytes > struct_budget_) r.fail("too many elements for the input size (hostile or corrupt model)");
    struct_budget_ -= bytes;
  }
  void add_string(std::vector<std::string>& v, WireReader& r, WireType w, const char* name) {
    std::string_view s = r.read_bytes(w, name);
    add(v, r).assign(s);
  }

  void string_entry(WireReader r, StringStringEntryProto& e);
  void operator_set(WireReader r, OperatorSetIdProto& o);
  void graph(WireReader r, GraphProto& g);
  void node(WireReader r, NodeProto& n);
  void attribute(WireReader r, AttributeProto& a);
  void value_info(WireReader r, ValueInfoProto& v);
  void type(WireReader r, TypeProto& t);
  void tensor_type(WireReader r, TypeProto& t);
  void shape(WireReader r, TensorShapeProto& s);
  void dimension(WireReader r, TensorShapeProto::Dimension& d);
  void segment(WireReader r, TensorProto& t);
  void annotation(WireReader r, TensorAnnotation& a);
  void function(WireReader r, FunctionProto& f);
  std::shared_ptr<GraphProto> new_graph(WireReader& r) {
    charge(sizeof(GraphProto), r);
    return std::make_shared<GraphProto>();
  }

  const uint8_t* origin_;
  int max_nesting_;
  size_t struct_budget_;
  int depth_ = 0;
};

void Decoder::string_entry(WireReader r, StringStringEntryProto& e) {
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: e.key = r.read_bytes(w, "key"); break;
      case 2: e.value = r.read_bytes(w, "value"); break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::operator_set(WireReader r, OperatorSetIdProto& o) {
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1:
        o.domain = r.read_bytes(w, "domain");
        mark_domain_present(o);
        break;
      case 2: o.version = r.read_int64(w, "version"); break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::model(WireReader r, ModelProto& m) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: m.ir_version = r.read_int64(w, "ir_version"); break;
      case 2: m.producer_name = r.read_bytes(w, "producer_name"); break;
      case 3: m.producer_version = r.read_bytes(w, "producer_version"); break;
      case 4: m.domain = r.read_bytes(w, "domain"); break;
      case 5: m.model_version = r.read_int64(w, "model_version"); break;
      case 6: m.doc_string = r.read_bytes(w, "doc_string"); break;
      case 7:
        m.has_graph = true;
        graph(r.read_message(w, "graph", "GraphProto"), m.graph);
        break;
      case 8: operator_set(r.read_message(w, "opset_import", "OperatorSetIdProto"), add(m.opset_import, r)); break;
      case 14: string_entry(r.read_message(w, "metadata_props", "StringStringEntryProto"), add(m.metadata_props, r)); break;
      case 20:
        // training_info: an inference engine never runs it; remember it was there.
        r.read_bytes(w, "training_info");
        m.had_training_info = true;
        break;
      case 25: function(r.read_message(w, "functions", "FunctionProto"), add(m.functions, r)); break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::graph(WireReader r, GraphProto& g) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: node(r.read_message(w, "node", "NodeProto"), add(g.node, r)); break;
      case 2: g.name = r.read_bytes(w, "name"); break;
      case 5: tensor(r.read_message(w, "initializer", "TensorProto"), add(g.initializer, r)); break;
      case 10: g.doc_string = r.read_bytes(w, "doc_string"); break;
      case 11: value_info(r.read_message(w, "input", "ValueInfoProto"), add(g.input, r)); break;
      case 12: value_info(r.read_message(w, "output", "ValueInfoProto"), add(g.output, r)); break;
      case 13: value_info(r.read_message(w, "value_info", "ValueInfoProto"), add(g.value_info, r)); break;
      case 14:
        annotation(r.read_message(w, "quantization_annotation", "TensorAnnotation"), add(g.quantization_annotation, r));
        break;
      case 15:
        sparse_tensor(r.read_message(w, "sparse_initializer", "SparseTensorProto"), add(g.sparse_initializer, r));
        break;
      case 16: string_entry(r.read_message(w, "metadata_props", "StringStringEntryProto"), add(g.metadata_props, r)); break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::node(WireReader r, NodeProto& n) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: add_string(n.input, r, w, "input"); break;
      case 2: add_string(n.output, r, w, "output"); break;
      case 3: n.name = r.read_bytes(w, "name"); break;
      case 4: n.op_type = r.read_bytes(w, "op_type"); break;
      case 5: attribute(r.read_message(w, "attribute", "AttributeProto"), add(n.attribute, r)); break;
      case 6: n.doc_string = r.read_bytes(w, "doc_string"); break;
      case 7:
        n.domain = r.read_bytes(w, "domain");
        mark_domain_present(n);
        break;
      case 8: n.overload = r.read_bytes(w, "overload"); break;
      case 9: string_entry(r.read_message(w, "metadata_props", "StringStringEntryProto"), add(n.metadata_props, r)); break;
      default: r.skip_field(f, w);  // 10 device_configurations: multi-device sharding, not used on CPU
    }
  }
}

void Decoder::attribute(WireReader r, AttributeProto& a) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: a.name = r.read_bytes(w, "name"); break;
      case 2: a.f = r.read_float(w, "f"); break;
      case 3: a.i = r.read_int64(w, "i"); break;
      case 4: a.s = r.read_bytes(w, "s"); break;
      case 5: tensor(r.read_message(w, "t", "TensorProto"), a.t); break;
      case 6:
        if (!a.g) a.g = new_graph(r);
        graph(r.read_message(w, "g", "GraphProto"), *a.g);
        break;
      case 7: r.read_repeated_float(w, "floats", a.floats); break;
      case 8: r.read_repeated_varint(w, "ints", a.ints); break;
      case 9: add_string(a.strings, r, w, "strings"); break;
      case 10: tensor(r.read_message(w, "tensors", "TensorProto"), add(a.tensors, r)); break;
      case 11: {
        WireReader sub = r.read_message(w, "graphs", "GraphProto");
        charge(sizeof(std::shared_ptr<GraphProto>), r);
        a.graphs.push_back(new_graph(r));
        graph(sub, *a.graphs.back());
        break;
      }
      case 13: a.doc_string = r.read_bytes(w, "doc_string"); break;
      case 14: type(r.read_message(w, "tp", "TypeProto"), a.tp); break;
      case 15: type(r.read_message(w, "type_protos", "TypeProto"), add(a.type_protos, r)); break;
      case 20: a.type = r.read_int32(w, "type"); break;
      case 21: a.ref_attr_name = r.read_bytes(w, "ref_attr_name"); break;
      case 22: sparse_tensor(r.read_message(w, "sparse_tensor", "SparseTensorProto"), a.sparse_tensor); break;
      case 23:
        sparse_tensor(r.read_message(w, "sparse_tensors", "SparseTensorProto"), add(a.sparse_tensors, r));
        break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::value_info(WireReader r, ValueInfoProto& v) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: v.name = r.read_bytes(w, "name"); break;
      case 2:
        v.has_type = true;
        type(r.read_message(w, "type", "TypeProto"), v.type);
        break;
      case 3: v.doc_string = r.read_bytes(w, "doc_string"); break;
      case 4: string_entry(r.read_message(w, "metadata_props", "StringStringEntryProto"), add(v.metadata_props, r)); break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::type(WireReader r, TypeProto& t) {
  Nest nest(*this, r);
  // `value` is a oneof: switching member drops what the previous member set.
  auto become = [&](TypeProto::Kind k) {
    if (t.kind == k) return;
    std::string denotation = std::move(t.denotation);
    t = TypeProto{};
    t.kind = k;
    t.denotation = std::move(denotation);
  };
  auto elem = [&]() -> TypeProto& {
    if (!t.elem) {
      charge(sizeof(TypeProto), r);
      t.elem = std::make_shared<TypeProto>();
    }
    return *t.elem;
  };
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1:
        become(TypeProto::Kind::Tensor);
        tensor_type(r.read_message(w, "tensor_type", "TypeProto.Tensor"), t);
        break;
      case 8:
        become(TypeProto::Kind::SparseTensor);
        tensor_type(r.read_message(w, "sparse_tensor_type", "TypeProto.SparseTensor"), t);
        break;
      case 4:
      case 9: {
        bool seq = f == 4;
        become(seq ? TypeProto::Kind::Sequence : TypeProto::Kind::Optional);
        WireReader sub = r.read_message(w, seq ? "sequence_type" : "optional_type",
                                        seq ? "TypeProto.Sequence" : "TypeProto.Optional");
        Nest inner(*this, sub);
        uint32_t sf;
        WireType sw;
        while (!sub.at_end()) {
          sub.next_field(sf, sw);
          if (sf == 1) type(sub.read_message(sw, "elem_type", "TypeProto"), elem());
          else sub.skip_field(sf, sw);
        }
        break;
      }
      case 5: {
        become(TypeProto::Kind::Map);
        WireReader sub = r.read_message(w, "map_type", "TypeProto.Map");
        Nest inner(*this, sub);
        uint32_t sf;
        WireType sw;
        while (!sub.at_end()) {
          sub.next_field(sf, sw);
          if (sf == 1) t.key_type = sub.read_int32(sw, "key_type");
          else if (sf == 2) type(sub.read_message(sw, "value_type", "TypeProto"), elem());
          else sub.skip_field(sf, sw);
        }
        break;
      }
      case 6: t.denotation = r.read_bytes(w, "denotation"); break;
      default: r.skip_field(f, w);  // 7 opaque_type: no onyxrt value can hold it
    }
  }
}

void Decoder::tensor_type(WireReader r, TypeProto& t) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: t.elem_type = r.read_int32(w, "elem_type"); break;
      case 2:
        t.has_shape = true;
        shape(r.read_message(w, "shape", "TensorShapeProto"), t.shape);
        break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::shape(WireReader r, TensorShapeProto& s) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    if (f == 1) dimension(r.read_message(w, "dim", "TensorShapeProto.Dimension"), add(s.dim, r));
    else r.skip_field(f, w);
  }
}

void Decoder::dimension(WireReader r, TensorShapeProto::Dimension& d) {
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1:
        d.kind = TensorShapeProto::Dimension::Kind::Value;
        d.dim_value = r.read_int64(w, "dim_value");
        d.dim_param.clear();
        break;
      case 2:
        d.kind = TensorShapeProto::Dimension::Kind::Param;
        d.dim_param = r.read_bytes(w, "dim_param");
        d.dim_value = 0;
        break;
      case 3: d.denotation = r.read_bytes(w, "denotation"); break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::segment(WireReader r, TensorProto& t) {
  t.has_segment = true;
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    if (f == 1) t.segment_begin = r.read_int64(w, "begin");
    else if (f == 2) t.segment_end = r.read_int64(w, "end");
    else r.skip_field(f, w);
  }
}

void Decoder::tensor(WireReader r, TensorProto& t) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: r.read_repeated_varint(w, "dims", t.dims); break;
      case 2: t.data_type = r.read_int32(w, "data_type"); break;
      case 3: segment(r.read_message(w, "segment", "TensorProto.Segment"), t); break;
      case 4: r.read_repeated_float(w, "float_data", t.float_data); break;
      case 5: r.read_repeated_varint(w, "int32_data", t.int32_data); break;
      case 6: add_string(t.string_data, r, w, "string_data"); break;
      case 7: r.read_repeated_varint(w, "int64_data", t.int64_data); break;
      case 8:
        t.name = r.read_bytes(w, "name");
        mark_name_present(t);
        break;
      case 9: {
        // Zero-copy: the view points into the input that ModelProto::backing keeps alive.
        std::string_view bytes = r.read_bytes(w, "raw_data");
        t.has_raw_data = true;
        t.raw_data = ByteView{};
        t.raw_data.data = reinterpret_cast<const uint8_t*>(bytes.data());
        t.raw_data.size = bytes.size();
        break;
      }
      case 10: r.read_repeated_double(w, "double_data", t.double_data); break;
      case 11: r.read_repeated_varint(w, "uint64_data", t.uint64_data); break;
      case 12: t.doc_string = r.read_bytes(w, "doc_string"); break;
      case 13:
        string_entry(r.read_message(w, "external_data", "StringStringEntryProto"), add(t.external_data, r));
        break;
      case 14: t.data_location = r.read_int32(w, "data_location"); break;
      case 16: string_entry(r.read_message(w, "metadata_props", "StringStringEntryProto"), add(t.metadata_props, r)); break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::sparse_tensor(WireReader r, SparseTensorProto& s) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: tensor(r.read_message(w, "values", "TensorProto"), s.values); break;
      case 2: tensor(r.read_message(w, "indices", "TensorProto"), s.indices); break;
      case 3: r.read_repeated_varint(w, "dims", s.dims); break;
      default: r.skip_field(f, w);
    }
  }
}

void Decoder::annotation(WireReader r, TensorAnnotation& a) {
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    if (f == 1) {
      a.tensor_name = r.read_bytes(w, "tensor_name");
    } else if (f == 2) {
      string_entry(r.read_message(w, "quant_parameter_tensor_names", "StringStringEntryProto"),
                   add(a.quant_parameter_tensor_names, r));
    } else {
      r.skip_field(f, w);
    }
  }
}

void Decoder::function(WireReader r, FunctionProto& fn) {
  Nest nest(*this, r);
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    switch (f) {
      case 1: fn.name = r.read_bytes(w, "name"); break;
      case 4: add_string(fn.input, r, w, "input"); break;
      case 5: add_string(fn.output, r, w, "output"); break;
      case 6: add_string(fn.attribute, r, w, "attribute"); break;
      case 7: node(r.read_message(w, "node", "NodeProto"), add(fn.node, r)); break;
      case 8: fn.doc_string = r.read_bytes(w, "doc_string"); break;
      case 9: operator_set(r.read_message(w, "opset_import", "OperatorSetIdProto"), add(fn.opset_import, r)); break;
      case 10: fn.domain = r.read_bytes(w, "domain"); break;
      case 11: attribute(r.read_message(w, "attribute_proto", "AttributeProto"), add(fn.attribute_proto, r)); break;
      case 12: value_info(r.read_message(w, "value_info", "ValueInfoProto"), add(fn.value_info, r)); break;
      case 13: fn.overload = r.read_bytes(w, "overload"); break;
      case 14: string_entry(r.read_message(w, "metadata_props", "StringStringEntryProto"), add(fn.metadata_props, r)); break;
      default: r.skip_field(f, w);
    }
  }
}

}  // namespace

ModelProto decode_model_proto(const uint8_t* data, size_t size, const DecodeLimits& limits) {
  Decoder d(data, size, limits);
  ModelProto m;
  d.model(d.root(data, size, "ModelProto"), m);
  return m;
}

TensorProto decode_tensor_proto(const uint8_t* data, size_t size) {
  Decoder d(data, size, DecodeLimits{});
  TensorProto t;
  d.tensor(d.root(data, size, "TensorProto"), t);
  return t;
}

SparseTensorProto decode_sparse_tensor_proto(const uint8_t* data, size_t size) {
  Decoder d(data, size, DecodeLimits{});
  SparseTensorProto s;
  d.sparse_tensor(d.root(data, size, "SparseTensorProto"), s);
  return s;
}

}  // namespace onyxrt::onnx
