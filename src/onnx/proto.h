// In-memory form of the ONNX protobuf schema (onnx/onnx.proto3), filled by wire_reader and written
// back by wire_writer. Field names follow the .proto file. Raw tensor bytes are views into the
// model's backing storage (a memory-mapped file or a caller's buffer): ModelProto::backing keeps
// that storage alive, so initializer bytes are never copied at load.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace onyxrt::onnx {

// A view of bytes owned by ModelProto::backing (or by `owned` when the writer or a test built it).
struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::shared_ptr<const std::string> owned;  // set when the bytes live outside the backing storage
  std::string_view str() const { return {reinterpret_cast<const char*>(data), size}; }
  static ByteView own(std::string bytes) {
    ByteView v;
    v.owned = std::make_shared<const std::string>(std::move(bytes));
    v.data = reinterpret_cast<const uint8_t*>(v.owned->data());
    v.size = v.owned->size();
    return v;
  }
};

struct StringStringEntryProto {
  std::string key;
  std::string value;
};

struct TensorShapeProto {
  struct Dimension {
    enum class Kind { Unset, Value, Param } kind = Kind::Unset;
    int64_t dim_value = 0;
    std::string dim_param;
    std::string denotation;
  };
  std::vector<Dimension> dim;
};

struct TypeProto {
  enum class Kind { Unset, Tensor, Sequence, Map, Optional, SparseTensor } kind = Kind::Unset;
  int32_t elem_type = 0;                 // Tensor, SparseTensor
  bool has_shape = false;                // Tensor, SparseTensor
  TensorShapeProto shape;                // Tensor, SparseTensor
  int32_t key_type = 0;                  // Map
  std::shared_ptr<TypeProto> elem;       // Sequence elem_type, Map value_type, Optional elem_type
  std::string denotation;
};

struct TensorProto {
  enum DataLocation { DEFAULT = 0, EXTERNAL = 1 };
  std::vector<int64_t> dims;
  int32_t data_type = 0;
  bool has_segment = false;
  int64_t segment_begin = 0, segment_end = 0;
  std::vector<float> float_data;
  std::vector<int32_t> int32_data;
  std::vector<std::string> string_data;
  std::vector<int64_t> int64_data;
  std::string name;
  bool has_name = false;  // onnx.proto is proto2: an explicit "" differs from absent
  std::string doc_string;
  bool has_raw_data = false;
  ByteView raw_data;
  std::vector<StringStringEntryProto> external_data;  // location, offset, length, checksum
  int32_t data_location = DEFAULT;
  std::vector<double> double_data;
  std::vector<uint64_t> uint64_data;
  std::vector<StringStringEntryProto> metadata_props;
};

struct SparseTensorProto {
  TensorProto values;
  TensorProto indices;
  std::vector<int64_t> dims;
};

struct GraphProto;

struct AttributeProto {
  enum Type {
    UNDEFINED = 0, FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7,
    STRINGS = 8, TENSORS = 9, GRAPHS = 10, SPARSE_TENSOR = 11, SPARSE_TENSORS = 12, TYPE_PROTO = 13,
    TYPE_PROTOS = 14,
  };
  std::string name;
  std::string ref_attr_name;
  std::string doc_string;
  int32_t type = UNDEFINED;
  float f = 0;
  int64_t i = 0;
  std::string s;
  TensorProto t;
  std::shared_ptr<GraphProto> g;
  SparseTensorProto sparse_tensor;
  TypeProto tp;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<TensorProto> tensors;
  std::vector<std::shared_ptr<GraphProto>> graphs;
  std::vector<SparseTensorProto> sparse_tensors;
  std::vector<TypeProto> type_protos;
};

struct ValueInfoProto {
  std::string name;
  bool has_type = false;
  TypeProto type;
  std::string doc_string;
  std::vector<StringStringEntryProto> metadata_props;
};

struct NodeProto {
  std::vector<std::string> input;
  std::vector<std::string> output;
  std::string name;
  std::string op_type;
  std::string domain;
  bool has_domain = false;
  std::string overload;
  std::vector<AttributeProto> attribute;
  std::string doc_string;
  std::vector<StringStringEntryProto> metadata_props;
};

struct TensorAnnotation {
  std::string tensor_name;
  std::vector<StringStringEntryProto> quant_parameter_tensor_names;
};

struct GraphProto {
  std::vector<NodeProto> node;
  std::string name;
  std::vector<TensorProto> initializer;
  std::vector<SparseTensorProto> sparse_initializer;
  std::string doc_string;
  std::vector<ValueInfoProto> input;
  std::vector<ValueInfoProto> output;
  std::vector<ValueInfoProto> value_info;
  std::vector<TensorAnnotation> quantization_annotation;
  std::vector<StringStringEntryProto> metadata_props;
};

struct OperatorSetIdProto {
  std::string domain;
  int64_t version = 0;
  bool has_domain = false;  // after version so that {domain, version} initialisation keeps working
};

struct FunctionProto {
  std::string name;
  std::vector<std::string> input;
  std::vector<std::string> output;
  std::vector<std::string> attribute;            // attribute names without defaults
  std::vector<AttributeProto> attribute_proto;   // attributes with defaults
  std::vector<NodeProto> node;
  std::string doc_string;
  std::vector<OperatorSetIdProto> opset_import;
  std::string domain;
  std::string overload;
  std::vector<ValueInfoProto> value_info;
  std::vector<StringStringEntryProto> metadata_props;
};

struct ModelProto {
  int64_t ir_version = 0;
  std::vector<OperatorSetIdProto> opset_import;
  std::string producer_name;
  std::string producer_version;
  std::string domain;
  int64_t model_version = 0;
  std::string doc_string;
  bool has_graph = false;
  GraphProto graph;
  std::vector<StringStringEntryProto> metadata_props;
  std::vector<FunctionProto> functions;
  // training_info (field 20) is skipped by the reader: an inference engine never uses it.
  bool had_training_info = false;

  std::shared_ptr<const void> backing;  // keeps raw_data views alive (mmap or a bytes copy)
  std::string model_dir;                // folder external data is resolved against ("" for bytes)
};

}  // namespace onyxrt::onnx
