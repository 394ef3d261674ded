#include "value_summary.h"

#include <iomanip>
#include <sstream>

namespace onyxrt::cli {
namespace {

template <typename T>
void append_elements(std::ostringstream& os, const Tensor& t, size_t n) {
  const T* p = t.data<T>();
  for (size_t i = 0; i < n; ++i) {
    if (i) os << ", ";
    if constexpr (sizeof(T) == 1)
      os << static_cast<int>(p[i]);  // int8/uint8 would otherwise print as characters
    else
      os << p[i];
  }
}

// Writes the first n elements; returns false when this type's values are not printable here.
bool append_first_elements(std::ostringstream& os, const Tensor& t, size_t n) {
  switch (t.dtype()) {
    case DataType::Float: append_elements<float>(os, t, n); return true;
    case DataType::Double: append_elements<double>(os, t, n); return true;
    case DataType::Int8: append_elements<int8_t>(os, t, n); return true;
    case DataType::Int16: append_elements<int16_t>(os, t, n); return true;
    case DataType::Int32: append_elements<int32_t>(os, t, n); return true;
    case DataType::Int64: append_elements<int64_t>(os, t, n); return true;
    case DataType::UInt8: append_elements<uint8_t>(os, t, n); return true;
    case DataType::UInt16: append_elements<uint16_t>(os, t, n); return true;
    case DataType::UInt32: append_elements<uint32_t>(os, t, n); return true;
    case DataType::UInt64: append_elements<uint64_t>(os, t, n); return true;
    case DataType::Bool: {
      const auto* p = t.data<uint8_t>();
      for (size_t i = 0; i < n; ++i) os << (i ? ", " : "") << (p[i] ? "true" : "false");
      return true;
    }
    case DataType::String: {
      const auto* p = t.data<std::string>();
      for (size_t i = 0; i < n; ++i) os << (i ? ", " : "") << std::quoted(p[i]);
      return true;
    }
    default: return false;
  }
}

std::string dim_text(const DimInfo& d) {
  if (!d.symbol.empty()) return d.symbol;
  return d.value >= 0 ? std::to_string(d.value) : "?";
}

}  // namespace

std::string summarize_tensor(const Tensor& tensor, size_t max_elements) {
  std::ostringstream os;
  os << dtype_name(tensor.dtype()) << ' ' << shape_to_string(tensor.shape());
  size_t n = std::min(static_cast<size_t>(tensor.size()), max_elements);
  if (n == 0) return os.str() + " (empty)";
  os << " = " << std::setprecision(6);
  if (!append_first_elements(os, tensor, n)) return os.str() + "<values not printable for this type>";
  if (static_cast<size_t>(tensor.size()) > n) os << ", ...";
  os << " (" << tensor.size() << " elements)";
  return os.str();
}

std::string summarize_value(const Value& value, size_t max_elements) {
  switch (value.kind()) {
    case Value::Kind::Tensor: return summarize_tensor(value.tensor(), max_elements);
    case Value::Kind::Sequence: {
      std::ostringstream os;
      os << "sequence of " << value.sequence().size() << " values";
      for (size_t i = 0; i < value.sequence().size() && i < 3; ++i)
        os << "\n      [" << i << "] " << summarize_value(value.sequence()[i], max_elements);
      return os.str();
    }
    case Value::Kind::Map: return "map of " + std::to_string(value.map().keys.size()) + " entries";
    case Value::Kind::None: return "optional holding no value";
    case Value::Kind::Empty: return "empty";
  }
  return "unknown";
}

std::string describe_io(const IoInfo& info) {
  std::string text = info.type;
  if (!info.has_shape) return text + " (shape unknown)";
  text += " [";
  for (size_t i = 0; i < info.shape.size(); ++i) {
    if (i) text += ',';
    text += dim_text(info.shape[i]);
  }
  return text + "]";
}

}  // namespace onyxrt::cli
